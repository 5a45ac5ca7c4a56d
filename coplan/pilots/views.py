"""Pilot pages: thin glue that resolves, checks permission, calls the domain, renders."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from coplan.core import pagecache
from coplan.core.columnar import column_letter, errors_csv
from coplan.core.errors import DomainError
from coplan.core.forms import add_domain_error
from coplan.partnerships.queries import get_for
from coplan.partnerships.timeline import CONVENTION

from . import dashboard, domain, exports, forms, importer, queries, rules, tasks
from .domain.kpis import period_start
from .enums import BatchStatus, Disclosure, Method
from .models import (
    DeliveryRecord,
    Evaluation,
    Feedback,
    Kpi,
    KpiValue,
    Pilot,
    PilotExtension,
    PilotIssue,
    PilotProvider,
    PilotService,
)

PAGE_SIZE = 25
PERMS = (
    "manage_pilot",
    "manage_kpis",
    "approve_extension",
    "stop_pilot",
    "record_deliveries",
    "view_costs",
    "view_records",
    "export_returns",
    "enter_kpi_values",
    "give_feedback",
    "respond_feedback",
    "log_issue",
    "write_evaluation",
    "approve_evaluation",
    "classify",
)


HEADINGS = {
    "overview": "Pilot",
    "pilot.new": "Record the pilot",
    "pilot.edit": "Change the pilot",
    "services": "Services piloted",
    "service.edit": "Change a service",
    "extension.new": "Request an extension",
    "pilot.stop": "Stop the pilot early",
    "kpis": "Monitoring framework",
    "kpi.new": "Add a KPI",
    "kpi.edit": "Change a KPI",
    "kpi.values": "KPI values",
    "dashboard": "Pilot dashboard",
    "returns": "Monthly returns",
    "records": "Delivery records",
    "record.new": "Record a delivery",
    "record.edit": "Change a delivery record",
    "batches": "Uploads",
    "batch.new": "Upload delivery records",
    "batch": "Upload",
    "batch.progress": "Upload",
    "feedback": "Service user feedback",
    "feedback.new": "Give feedback",
    "feedback.respond": "You said, we did",
    "issues": "Issue log",
    "issue.new": "Log an issue",
    "issue.edit": "Change an issue",
    "evaluations": "Evaluations",
    "evaluation.new": "Start an evaluation",
    "evaluation": "Evaluation",
    "evaluation.edit": "Change the evaluation",
    "evaluation.classify": "Disclosure to bidders",
}


def _ctx(request, partnership, pilot, **extra):
    user = request.user
    match = request.resolver_match
    return {
        "partnership": partnership,
        "pilot": pilot,
        "heading": HEADINGS.get(match.url_name if match else "", "Pilot"),
        "nav_partnerships": True,
        "can": {p: user.has_perm(f"pilots.{p}", partnership) for p in PERMS},
        **extra,
    }


def _page(request, items, count=None):
    paginator = Paginator(items, PAGE_SIZE)
    if count is not None:
        paginator.count = count  # from the rollups: no COUNT(*) over a million records
    return paginator.get_page(request.GET.get("page"))


# --- the pilot ----------------------------------------------------------------------------


@login_required
def overview(request, pk):
    partnership = get_for(request.user, pk, "pilots.view_pilot")
    pilot = queries.pilot_of(partnership)
    if pilot is None:
        return render(
            request,
            "pilots/none.html",
            {
                "partnership": partnership,
                "heading": "Pilot",
                "nav_partnerships": True,
                "can_create": request.user.has_perm("pilots.manage_pilot", partnership),
                "convention": CONVENTION,
            },
        )
    pilot.partnership = partnership
    board = dashboard.build(
        pilot,
        show_costs=request.user.has_perm("pilots.view_costs", partnership),
        with_charts=False,
    )
    return render(
        request,
        "pilots/overview.html",
        _ctx(
            request,
            partnership,
            pilot,
            months=domain.check_pilot_dates(pilot.starts_on, pilot.effective_ends_on),
            convention=CONVENTION,
            extensions=pilot.extensions.select_related("requested_by", "decided_by"),
            providers=pilot.providers.select_related("organisation"),
            coverage=dashboard.coverage(pilot),
            board=board,
            provider_form=forms.ProviderForm(pilot=pilot),
            decision_form=forms.DecisionForm(),
        ),
    )


@login_required
def pilot_new(request, pk):
    partnership = get_for(request.user, pk, "pilots.manage_pilot")
    if queries.pilot_of(partnership) is not None:
        return redirect("pilots:overview", pk)
    initial = {
        "title": f"{partnership.title}: pilot",
        "starts_on": partnership.pilot_starts_on,
        "ends_on": partnership.pilot_ends_on,
    }
    form = forms.PilotForm(
        request.POST or None, partnership=partnership, creating=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services, providers = data.pop("services"), list(data.pop("providers"))
        try:
            domain.create_pilot(
                partnership=partnership,
                actor=request.user,
                services=services,
                providers=providers,
                **data,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Pilot recorded. Next, set up its monitoring framework.")
            return redirect("pilots:overview", pk)
    return render(
        request,
        "pilots/pilot_form.html",
        {
            "partnership": partnership,
            "heading": HEADINGS["pilot.new"],
            "form": form,
            "nav_partnerships": True,
            "convention": CONVENTION,
            "creating": True,
        },
    )


@login_required
def pilot_edit(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    fields = [
        "title",
        "description",
        "starts_on",
        "ends_on",
        "funding_amount",
        "funding_route",
        "funding_notes",
    ]
    form = forms.PilotForm(request.POST or None, initial={f: getattr(pilot, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            domain.update_pilot(pilot=pilot, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Pilot details saved.")
            return redirect("pilots:overview", pk)
    return render(
        request,
        "pilots/pilot_form.html",
        _ctx(request, partnership, pilot, form=form, convention=CONVENTION),
    )


@login_required
def services(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk)
    form = forms.ServiceForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("pilots.manage_pilot", partnership):
            raise PermissionDenied("Only the facilitator or commissioner can change services.")
        if form.is_valid():
            try:
                domain.save_service(pilot=pilot, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"Service “{form.cleaned_data['name']}” added.")
                return redirect("pilots:services", pk)
    return render(
        request,
        "pilots/services.html",
        _ctx(request, partnership, pilot, form=form, services=pilot.services.all()),
    )


@login_required
def service_edit(request, pk, service_pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    service = get_object_or_404(PilotService, pilot=pilot, pk=service_pk)
    form = forms.ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            domain.save_service(
                pilot=pilot, actor=request.user, service=service, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Service saved.")
            return redirect("pilots:services", pk)
    return render(
        request,
        "pilots/service_form.html",
        _ctx(request, partnership, pilot, form=form, service=service),
    )


@login_required
@require_POST
def service_remove(request, pk, service_pk):
    _partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    service = get_object_or_404(PilotService, pilot=pilot, pk=service_pk)
    try:
        domain.remove_service(service=service, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Service “{service.name}” removed.")
    return redirect("pilots:services", pk)


@login_required
@require_POST
def provider_add(request, pk):
    _partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    form = forms.ProviderForm(request.POST, pilot=pilot)
    if form.is_valid():
        try:
            domain.add_provider(
                pilot=pilot, actor=request.user, organisation=form.cleaned_data["organisation"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{form.cleaned_data['organisation']} added as a provider.")
    else:
        messages.error(request, "Choose a partner organisation to add.")
    return redirect("pilots:overview", pk)


@login_required
@require_POST
def provider_remove(request, pk, provider_pk):
    _partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    provider = get_object_or_404(PilotProvider, pilot=pilot, pk=provider_pk)
    try:
        domain.remove_provider(provider=provider, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{provider.organisation} is no longer a provider.")
    return redirect("pilots:overview", pk)


@login_required
def extension_new(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    form = forms.ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.request_extension(pilot=pilot, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Extension requested: the commissioner decides on it.")
            return redirect("pilots:overview", pk)
    return render(
        request, "pilots/extension_form.html", _ctx(request, partnership, pilot, form=form)
    )


@login_required
def pilot_stop(request, pk):
    """The commissioner records that the pilot stopped before its planned end."""
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.stop_pilot")
    initial = {"stopped_on": pilot.stopped_on, "reason": pilot.stop_reason}
    form = forms.StopForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            domain.stop_pilot(pilot=pilot, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, f"The pilot is recorded as stopped on {pilot.stopped_on:%d %B %Y}."
            )
            return redirect("pilots:overview", pk)
    return render(request, "pilots/stop_form.html", _ctx(request, partnership, pilot, form=form))


@login_required
@require_POST
def extension_decide(request, pk, extension_pk):
    _partnership, pilot = queries.get_pilot(request.user, pk, "pilots.approve_extension")
    extension = get_object_or_404(PilotExtension, pilot=pilot, pk=extension_pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to approve or refuse the extension.")
        return redirect("pilots:overview", pk)
    try:
        domain.decide_extension(
            extension=extension,
            actor=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Extension {extension.new_ends_on:%d %B %Y} decided.")
    return redirect("pilots:overview", pk)


# --- monitoring framework -------------------------------------------------------------------


@login_required
def kpis(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk)
    items = list(
        Kpi.objects.filter(pilot=pilot).select_related(
            "filter_service", "filter_provider", "requirement"
        )
    )
    hidden = rules.hidden_kpis(request.user, partnership, items)
    return render(
        request, "pilots/kpis.html", _ctx(request, partnership, pilot, kpis=items, hidden=hidden)
    )


def _kpi_form(request, pk, kpi_pk=None):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_kpis")
    kpi = get_object_or_404(Kpi, pilot=pilot, pk=kpi_pk) if kpi_pk else None
    form = forms.KpiForm(request.POST or None, instance=kpi, pilot=pilot)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            domain.save_kpi(pilot=pilot, actor=request.user, kpi=kpi, **fields)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"KPI “{fields['name']}” saved.")
            return redirect("pilots:kpis", pk)
    return render(
        request, "pilots/kpi_form.html", _ctx(request, partnership, pilot, form=form, kpi=kpi)
    )


@login_required
def kpi_new(request, pk):
    return _kpi_form(request, pk)


@login_required
def kpi_edit(request, pk, kpi_pk):
    return _kpi_form(request, pk, kpi_pk)


@login_required
@require_POST
def kpi_delete(request, pk, kpi_pk):
    _partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_kpis")
    kpi = get_object_or_404(Kpi, pilot=pilot, pk=kpi_pk)
    domain.delete_kpi(kpi=kpi, actor=request.user)
    messages.success(request, f"KPI “{kpi.name}” deleted.")
    return redirect("pilots:kpis", pk)


@login_required
def kpi_values(request, pk, kpi_pk):
    partnership, pilot = queries.get_pilot(request.user, pk)
    kpi = get_object_or_404(Kpi, pilot=pilot, pk=kpi_pk, method=Method.MANUAL)
    if rules.hidden_kpis(request.user, partnership, [kpi]):
        raise PermissionDenied("Costs are not shown to your role.")
    periods = []
    for month in dashboard.pilot_months(pilot):
        start = period_start(month, kpi.frequency)
        if not periods or periods[-1][0] != start:
            periods.append((start, dashboard.period_label(start, kpi.frequency)))
    form = forms.KpiValueForm(request.POST or None, periods=periods)
    if request.method == "POST":
        if not request.user.has_perm("pilots.enter_kpi_values", partnership):
            raise PermissionDenied("Your role does not enter KPI values.")
        if form.is_valid():
            try:
                domain.set_kpi_value(kpi=kpi, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, "Value saved.")
                return redirect("pilots:kpi.values", pk, kpi.pk)
    values = KpiValue.objects.filter(kpi=kpi).select_related("entered_by").order_by("period")
    return render(
        request,
        "pilots/kpi_values.html",
        _ctx(request, partnership, pilot, kpi=kpi, form=form, values=values),
    )


# --- dashboard and returns ----------------------------------------------------------------


def _pilot_version():
    """What the dashboard shows besides the partnership: its pilot's data version (bumped by
    every change to records, KPIs, feedback, services or providers) and identity."""
    table = Pilot._meta.db_table
    return tuple(
        f"(SELECT {column} FROM {table} WHERE partnership_id = p.id)"
        for column in ("id", "data_version", "created_at")
    )


@pagecache.cached_page(extra=_pilot_version())
@login_required
def dashboard_view(request, pk):
    partnership, pilot = queries.get_pilot_light(request.user, pk, "pilots.view_dashboard")
    show_costs = request.user.has_perm("pilots.view_costs", partnership)

    def render_main():
        full = queries.pilot_of(partnership)
        full.partnership = partnership
        months = dashboard.pilot_months(full)
        filters = dashboard.Filters.from_query(request.GET, full, months)
        board = dashboard.build(full, filters, show_costs=show_costs)
        return render_to_string(
            "pilots/_dashboard_main.html",
            {
                "partnership": partnership,
                "pilot": full,
                "board": board,
                "filters": filters,
                "month_choices": forms.month_choices(months),
                "providers": full.providers.all(),
            },
            request=request,
        )

    key = dashboard.cache_key(pilot, request.GET, show_costs, "page")
    main = mark_safe(dashboard.cached(key, render_main))
    return render(request, "pilots/dashboard.html", _ctx(request, partnership, pilot, main=main))


def _month(pilot, value: str) -> dt.date:
    for month in dashboard.pilot_months(pilot):
        if value == f"{month:%Y-%m}":
            return month
    raise Http404("No such month in the pilot")


@login_required
def returns(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.export_returns")
    months = dashboard.pilot_months(pilot)
    chosen = request.GET.get("month") or (f"{months[-1]:%Y-%m}" if months else "")
    data = exports.monthly_return(pilot, _month(pilot, chosen)) if months else None
    return render(
        request,
        "pilots/returns.html",
        _ctx(
            request,
            partnership,
            pilot,
            data=data,
            chosen=chosen,
            month_choices=forms.month_choices(months),
        ),
    )


@login_required
def returns_export(request, pk, month, fmt):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.export_returns")
    data = exports.monthly_return(pilot, _month(pilot, month))
    name = f"monthly-return-{month}"
    if fmt == "csv":
        response = HttpResponse(exports.return_csv(data), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.return_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        data["illustrative"] = partnership.is_illustrative
        data["generated_at"] = timezone.now()
        response = HttpResponse(exports.return_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- delivery records ------------------------------------------------------------------------


@login_required
def records(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.view_records")
    scope = rules.record_scope(request.user, partnership)
    months = dashboard.pilot_months(pilot)
    filters = dashboard.Filters.from_query(request.GET, pilot, months)
    criteria = {
        "scope": scope,
        "service": filters.service,
        "provider": filters.provider,
        "month": filters.month,
    }
    page = _page(
        request,
        queries.records_of(pilot, **criteria),
        queries.record_count(pilot, **criteria),
    )
    return render(
        request,
        "pilots/records.html",
        _ctx(
            request,
            partnership,
            pilot,
            page_obj=page,
            filters=filters,
            month_choices=forms.month_choices(months),
            providers=pilot.providers.select_related("organisation"),
        ),
    )


def _record_fields(data):
    fields = dict(data)
    fields["unit"] = fields.get("unit") or ""
    fields["outcome_code"] = fields.get("outcome_code") or ""
    return fields


@login_required
def record_new(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.record_deliveries")
    scope = rules.provider_scope(request.user, partnership)
    form = forms.RecordForm(request.POST or None, pilot=pilot, scope=scope)
    if request.method == "POST" and form.is_valid():
        fields = _record_fields(form.cleaned_data)
        client_id = fields.pop("client_id", "")
        try:
            domain.record_delivery(
                pilot=pilot, actor=request.user, scope=scope, client_id=client_id, **fields
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Delivery recorded.")
            return redirect("pilots:records", pk)
    return render(request, "pilots/record_form.html", _ctx(request, partnership, pilot, form=form))


@login_required
def record_edit(request, pk, record_pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.record_deliveries")
    scope = rules.provider_scope(request.user, partnership)
    record = get_object_or_404(DeliveryRecord, pilot=pilot, pk=record_pk)
    if scope is not None and record.provider_id not in scope:
        raise PermissionDenied("You can change only your own organisation's records.")
    initial = {
        name: getattr(record, name)
        for name in (
            "service",
            "provider",
            "delivered_on",
            "quantity",
            "unit",
            "cost",
            "referred_on",
            "satisfaction",
            "outcome_code",
        )
    }
    form = forms.RecordForm(
        request.POST or None, pilot=pilot, scope=scope, editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = _record_fields(form.cleaned_data)
        client_id = fields.pop("client_id", "") or None
        try:
            domain.update_delivery(
                record=record, actor=request.user, scope=scope, client_id=client_id, **fields
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Delivery record saved.")
            return redirect("pilots:records", pk)
    return render(
        request,
        "pilots/record_form.html",
        _ctx(request, partnership, pilot, form=form, record=record),
    )


@login_required
@require_POST
def record_delete(request, pk, record_pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.record_deliveries")
    scope = rules.provider_scope(request.user, partnership)
    record = get_object_or_404(DeliveryRecord, pilot=pilot, pk=record_pk)
    try:
        domain.delete_delivery(record=record, actor=request.user, scope=scope)
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, "Delivery record deleted.")
    return redirect("pilots:records", pk)


# --- bulk uploads -----------------------------------------------------------------------------


@login_required
def batches(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.view_records")
    scope = rules.record_scope(request.user, partnership)
    page = _page(request, queries.batches_of(pilot, scope=scope))
    return render(request, "pilots/batches.html", _ctx(request, partnership, pilot, page_obj=page))


@login_required
def batch_new(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.record_deliveries")
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = domain.upload_file(
                pilot=pilot, actor=request.user, file=upload, filename=upload.name
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("pilots:batch", pk, batch.pk)
    return render(
        request,
        "pilots/batch_new.html",
        _ctx(request, partnership, pilot, form=form, targets=importer.TARGETS),
    )


def _batch(request, pk, batch_pk, perm="pilots.view_records"):
    partnership, pilot = queries.get_pilot(request.user, pk, perm)
    batch = queries.batch_for(pilot, batch_pk)
    scope = rules.record_scope(request.user, partnership)
    if (
        scope is not None
        and batch.uploaded_by_id != request.user.pk
        and not (batch.allowed_providers is not None and set(batch.allowed_providers) <= scope)
    ):
        raise Http404("No such upload")
    return partnership, pilot, batch


def _batch_context(request, partnership, pilot, batch, **extra):
    done, total = importer.live_progress(batch)
    percent = (
        batch.percent
        if not batch.in_progress
        else (min(99, int(done * 100 / total)) if total else 0)
    )
    errors = [
        {**e, "letter": column_letter(e.get("column") or 0) if e.get("column") else ""}
        for e in (batch.errors or [])[:100]
    ]
    return _ctx(
        request,
        partnership,
        pilot,
        batch=batch,
        done=done,
        total=total,
        percent=percent,
        errors=errors,
        **extra,
    )


@login_required
def batch(request, pk, batch_pk):
    partnership, pilot, batch = _batch(request, pk, batch_pk)
    scope = rules.provider_scope(request.user, partnership)
    mapping_form = None
    if batch.status == BatchStatus.UPLOADED:
        can_record = request.user.has_perm("pilots.record_deliveries", partnership)
        mapping_form = forms.MappingForm(
            request.POST or None, batch=batch, pilot=pilot, scope=scope
        )
        if request.method == "POST":
            if not can_record:
                raise PermissionDenied("Your role does not upload delivery records.")
            if mapping_form.is_valid():
                try:
                    domain.queue_import(
                        batch=batch,
                        actor=request.user,
                        mapping=mapping_form.mapping(),
                        scope=scope,
                    )
                except DomainError as error:
                    for problem in error.data.get("problems", [error.message]):
                        mapping_form.add_error(None, problem)
                else:
                    tasks.start_import(batch)
                    return redirect("pilots:batch", pk, batch.pk)
    preview = [dict(zip(range(len(batch.columns)), row, strict=False)) for row in batch.preview]
    return render(
        request,
        "pilots/batch.html",
        _batch_context(
            request,
            partnership,
            pilot,
            batch,
            form=mapping_form,
            preview=preview,
            revert_form=forms.RevertForm(),
        ),
    )


@login_required
def batch_progress(request, pk, batch_pk):
    partnership, pilot, batch = _batch(request, pk, batch_pk)
    response = render(
        request,
        "pilots/batch.html#progress",
        _batch_context(request, partnership, pilot, batch),
    )
    if not batch.in_progress and request.htmx:
        response["HX-Refresh"] = "true"  # show the result, errors and actions
    return response


@login_required
def batch_errors(request, pk, batch_pk):
    _partnership, _pilot, batch = _batch(request, pk, batch_pk)
    response = HttpResponse(errors_csv(batch.errors or []), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="upload-{batch.pk}-errors.csv"'
    return response


@login_required
@require_POST
def batch_revert(request, pk, batch_pk):
    partnership, _pilot, batch = _batch(request, pk, batch_pk, "pilots.record_deliveries")
    form = forms.RevertForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the upload is reverted.")
        return redirect("pilots:batch", pk, batch.pk)
    try:
        removed = domain.revert_batch(
            batch=batch,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            scope=rules.provider_scope(request.user, partnership),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Upload reverted: {removed:,} records removed.")
    return redirect("pilots:batch", pk, batch.pk)


# --- feedback and issues ------------------------------------------------------------------------


@login_required
def feedback(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.view_feedback")
    board = dashboard.build(pilot, show_costs=False, with_charts=False)
    page = _page(request, queries.feedback_of(pilot))
    said_did = queries.feedback_of(pilot).exclude(response="")[:20]
    return render(
        request,
        "pilots/feedback.html",
        _ctx(request, partnership, pilot, board=board, page_obj=page, said_did=said_did),
    )


@login_required
def feedback_new(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.give_feedback")
    on_behalf = request.user.has_perm("pilots.respond_feedback", partnership) or (
        request.user.has_perm("pilots.record_deliveries", partnership)
    )
    form = forms.FeedbackForm(request.POST or None, pilot=pilot, on_behalf=on_behalf)
    if request.method == "POST" and form.is_valid():
        try:
            domain.submit_feedback(pilot=pilot, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Thank you: the feedback is recorded.")
            return redirect("pilots:feedback", pk)
    return render(
        request, "pilots/feedback_form.html", _ctx(request, partnership, pilot, form=form)
    )


@login_required
def feedback_respond(request, pk, feedback_pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.respond_feedback")
    item = get_object_or_404(Feedback, pilot=pilot, pk=feedback_pk)
    form = forms.RespondForm(request.POST or None, initial={"response": item.response})
    if request.method == "POST" and form.is_valid():
        domain.respond_to_feedback(
            feedback=item, actor=request.user, response=form.cleaned_data["response"]
        )
        messages.success(request, "Response saved: it shows under “You said, we did”.")
        return redirect("pilots:feedback", pk)
    return render(
        request,
        "pilots/feedback_respond.html",
        _ctx(request, partnership, pilot, form=form, item=item),
    )


@login_required
def issues(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.view_issues")
    page = _page(request, queries.issues_of(pilot))
    return render(request, "pilots/issues.html", _ctx(request, partnership, pilot, page_obj=page))


def _issue_form(request, pk, issue_pk=None):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.log_issue")
    issue = get_object_or_404(PilotIssue, pilot=pilot, pk=issue_pk) if issue_pk else None
    form = forms.IssueForm(
        request.POST or None,
        instance=issue,
        pilot=pilot,
        initial=None if issue else {"raised_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if issue is None:
                domain.log_issue(pilot=pilot, actor=request.user, **fields)
            else:
                issue.refresh_from_db()
                domain.update_issue(issue=issue, actor=request.user, **fields)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Issue saved.")
            return redirect("pilots:issues", pk)
    return render(
        request, "pilots/issue_form.html", _ctx(request, partnership, pilot, form=form, issue=issue)
    )


@login_required
def issue_new(request, pk):
    return _issue_form(request, pk)


@login_required
def issue_edit(request, pk, issue_pk):
    return _issue_form(request, pk, issue_pk)


# --- evaluations ------------------------------------------------------------------------------


@login_required
def evaluations(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.view_evaluations")
    return render(
        request,
        "pilots/evaluations.html",
        _ctx(request, partnership, pilot, evaluations=queries.evaluations_of(pilot)),
    )


@login_required
def evaluation_new(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.write_evaluation")
    form = forms.EvaluationForm(
        request.POST or None,
        initial={
            "period_start": pilot.starts_on,
            "period_end": min(pilot.last_day, timezone.localdate()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = domain.create_evaluation(
                pilot=pilot, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Evaluation started: its results come from the pilot's data.")
            return redirect(evaluation)
    return render(
        request, "pilots/evaluation_form.html", _ctx(request, partnership, pilot, form=form)
    )


def _evaluation(request, pk, evaluation_pk, perm="pilots.view_evaluations"):
    partnership, pilot = queries.get_pilot(request.user, pk, perm)
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("author", "approved_by", "classified_by"),
        pilot=pilot,
        pk=evaluation_pk,
    )
    evaluation.pilot = pilot
    show_costs = request.user.has_perm("pilots.view_costs", partnership)
    results = rules.shown_results(
        evaluation.results.select_related("kpi", "service", "provider"), show_costs
    )
    return partnership, pilot, evaluation, results, show_costs


@login_required
def evaluation(request, pk, evaluation_pk):
    partnership, pilot, evaluation, results, show_costs = _evaluation(request, pk, evaluation_pk)
    return render(
        request,
        "pilots/evaluation.html",
        _ctx(
            request,
            partnership,
            pilot,
            evaluation=evaluation,
            results=results,
            show_costs=show_costs,
            approve_form=forms.ApproveForm(),
            unclassified=sum(1 for r in results if r.disclosure == Disclosure.UNCLASSIFIED)
            + (evaluation.disclosure == Disclosure.UNCLASSIFIED),
        ),
    )


@login_required
def evaluation_edit(request, pk, evaluation_pk):
    partnership, pilot, evaluation, results, _ = _evaluation(
        request, pk, evaluation_pk, "pilots.write_evaluation"
    )
    if evaluation.is_approved:
        messages.error(request, "This evaluation is approved: its content cannot change.")
        return redirect(evaluation)
    form = forms.EvaluationForm(request.POST or None, instance=evaluation, editing=True)
    if request.method == "POST" and form.is_valid():
        commentary = {
            r.pk: request.POST.get(f"commentary-{r.pk}", r.commentary).strip() for r in results
        }
        try:
            domain.update_evaluation(
                evaluation=evaluation,
                actor=request.user,
                commentary=commentary,
                **{k: form.cleaned_data[k] for k in form.fields},
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Evaluation saved.")
            return redirect(evaluation)
    evaluation.refresh_from_db()
    return render(
        request,
        "pilots/evaluation_edit.html",
        _ctx(request, partnership, pilot, form=form, evaluation=evaluation, results=results),
    )


@login_required
@require_POST
def evaluation_refresh(request, pk, evaluation_pk):
    _partnership, _pilot, evaluation, _, _ = _evaluation(
        request, pk, evaluation_pk, "pilots.write_evaluation"
    )
    try:
        domain.refresh_results(evaluation=evaluation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Results recomputed from the pilot's current data.")
    return redirect(evaluation)


@login_required
@require_POST
def evaluation_approve(request, pk, evaluation_pk):
    _partnership, _pilot, evaluation, _, _ = _evaluation(
        request, pk, evaluation_pk, "pilots.approve_evaluation"
    )
    form = forms.ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the date the evaluation was approved.")
        return redirect(evaluation)
    try:
        domain.approve_evaluation(
            evaluation=evaluation,
            actor=request.user,
            approved_on=form.cleaned_data["approved_on"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Evaluation approved.")
    return redirect(evaluation)


@login_required
def evaluation_classify(request, pk, evaluation_pk):
    partnership, pilot, evaluation, results, _ = _evaluation(
        request, pk, evaluation_pk, "pilots.classify"
    )
    form = forms.ClassifyForm(request.POST or None, evaluation=evaluation, results=results)
    if request.method == "POST" and form.is_valid():
        changed = 0
        try:
            for obj, disclosure, reason in form.changes():
                domain.classify(obj=obj, actor=request.user, disclosure=disclosure, reason=reason)
                changed += 1
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Disclosure classes saved ({changed} changed).")
            return redirect(evaluation)
    return render(
        request,
        "pilots/evaluation_classify.html",
        _ctx(request, partnership, pilot, form=form, evaluation=evaluation),
    )


@login_required
def evaluation_pdf(request, pk, evaluation_pk):
    _partnership, _pilot, evaluation, results, show_costs = _evaluation(request, pk, evaluation_pk)
    response = HttpResponse(
        exports.evaluation_pdf(evaluation, results, show_costs), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="pilot-evaluation-{evaluation.pk}.pdf"'
    return response
