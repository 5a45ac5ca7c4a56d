"""Costing pages: glue that resolves, checks permission, calls the domain, renders.

Outsiders get 404 and members whose role may not see costs (service user representatives)
403, from ``partnerships.queries.get_for``. A cost model a member may not see (another
enterprise's private model) is a 404; one they see but may not change is a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from coplan.core import clock
from coplan.core.actions import act
from coplan.core.errors import DomainError
from coplan.core.forms import add_domain_error
from coplan.core.permissions import Can
from coplan.partnerships import queries as partnerships

from . import domain, queries, workbook
from .compare import compare_versions
from .enums import ActionStatus, CapacityArea, Driver, VersionStatus
from .forms import (
    ActionForm,
    ActivityForm,
    AssessmentForm,
    CompareForm,
    CostModelForm,
    DirectCostForm,
    DriverValuesForm,
    PoolForm,
    SettingsForm,
    StaffForm,
    UploadForm,
    VarianceThresholdForm,
)
from .models import CostActivity, DirectCostLine, OverheadPool, StaffLine
from .rules import is_facilitator, organisations_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _get(request, pk, perm="costing.view_costing"):
    return partnerships.get_for(request.user, pk, perm)


def _ctx(request, partnership, **extra):
    return {
        "partnership": partnership,
        "nav_partnerships": True,
        "can": Can(request.user, "costing", partnership),
        **extra,
    }


def _revision(request) -> int | None:
    """The version's revision a one-button form (a remove) was rendered with, if it sent one."""
    try:
        return int(request.POST["revision"])
    except (KeyError, ValueError):
        return None


def _own_or_all(request, partnership):
    """The enterprises ``request.user`` may act for: all of them for a facilitator."""
    orgs = queries.enterprises(partnership)
    if is_facilitator(request.user, partnership):
        return orgs
    return orgs.filter(pk__in=organisations_of(request.user, partnership))


def _model(request, partnership, model_pk, perm=None):
    model = queries.model_for(partnership, request.user, model_pk)
    if perm and not request.user.has_perm(perm, model):
        raise PermissionDenied("Only the enterprise and the intermediary can change its costs.")
    return model


def _version(request, pk, model_pk, number, perm=None):
    partnership = _get(request, pk)
    model = _model(request, partnership, model_pk, perm)
    return partnership, model, queries.version_for(model, request.user, number)


def _editable(request, pk, model_pk, number):
    partnership, model, version = _version(
        request, pk, model_pk, number, "costing.change_costmodel"
    )
    if version.is_locked:
        raise PermissionDenied(f"Version {version.number} is locked: start a new draft.")
    return partnership, model, version


# --- cost models -----------------------------------------------------------------------------


@login_required
def overview(request, pk):
    partnership = _get(request, pk)
    models = list(queries.models_for(partnership, request.user))
    rows, has_pilot = queries.planned_against_actual(partnership, models)
    return render(
        request,
        "costing/overview.html",
        _ctx(
            request,
            partnership,
            models=[(m, m.visible_versions[0], queries.latest_locked(m)) for m in models],
            comparison=rows,
            has_pilot=has_pilot,
        ),
    )


@login_required
def model_new(request, pk):
    partnership = _get(request, pk, "costing.add_costmodel")
    organisations = _own_or_all(request, partnership)
    form = CostModelForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.create_cost_model(
                partnership=partnership, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=lambda model: f"Cost model for {model.service} created as a draft.",
            to=lambda model: redirect("costing:version.detail", pk, model.pk, 1),
        )
        if done:
            return done
    return render(request, "costing/model_form.html", _ctx(request, partnership, form=form))


@login_required
def model_detail(request, pk, model_pk):
    partnership = _get(request, pk)
    model = _model(request, partnership, model_pk)
    versions = model.visible_versions
    numbers = [v.number for v in versions]
    compare_form = CompareForm(initial={"a": numbers[-1], "b": numbers[0]}, numbers=numbers)
    rows, has_pilot = queries.planned_against_actual(partnership, [model])
    user = request.user
    return render(
        request,
        "costing/model_detail.html",
        _ctx(
            request,
            partnership,
            model=model,
            versions=versions,
            compare_form=compare_form if len(numbers) > 1 else None,
            comparison=rows,
            has_pilot=has_pilot,
            has_draft=any(v.status == VersionStatus.DRAFT for v in versions),
            can_change=user.has_perm("costing.change_costmodel", model),
        ),
    )


@login_required
def version_detail(request, pk, model_pk, number):
    partnership, model, version = _version(request, pk, model_pk, number)
    loaded = queries.full_version(version)
    loaded.cost_model = model
    calculation = queries.calculate(loaded)
    user = request.user
    editable = not version.is_locked and user.has_perm("costing.change_costmodel", model)
    staff = list(loaded.staff_lines.all())
    activities = list(loaded.activities.all())
    pools = list(loaded.pools.all())
    times = {line.pk: {t.activity_id: t.fraction for t in line.times.all()} for line in staff}
    driver_values = {}
    for value in loaded.driver_values.all():
        driver_values.setdefault(value.driver, {})[value.activity_id] = value.value
    return render(
        request,
        "costing/version_detail.html",
        _ctx(
            request,
            partnership,
            model=model,
            version=loaded,
            result=calculation.result,
            errors=calculation.errors,
            activities=activities,
            staff=[
                (line, [times[line.pk].get(a.pk) for a in activities], sum(times[line.pk].values()))
                for line in staff
            ],
            direct_costs=list(loaded.direct_costs.all()),
            pools=pools,
            pool_rows=list(zip(calculation.result.pools, pools, strict=True))
            if calculation.result
            else [],
            version_label=f"Version {version.number}",
            entered_drivers=[
                (d, [driver_values.get(d.value, {}).get(a.pk) for a in activities])
                for d in Driver.entered()
            ],
            editable=editable,
            can_lock=not version.is_locked and user.has_perm("costing.lock_costmodel", model),
            can_share=version.is_locked and user.has_perm("costing.share_costmodel", model),
            activity_form=ActivityForm(initial={"revision": version.revision})
            if editable
            else None,
        ),
    )


@login_required
def version_settings(request, pk, model_pk, number):
    partnership, model, version = _editable(request, pk, model_pk, number)
    form = SettingsForm(request.POST or None, version=version, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_settings(
                version=version, actor=request.user, **form.domain_fields()
            ),
            form=form,
            success="Settings saved.",
            to=version,
        )
        if done:
            return done
    return render(
        request,
        "costing/line_form.html",
        _ctx(
            request,
            partnership,
            form=form,
            model=model,
            version=version,
            heading="Units, surplus and denominator",
            button="Save settings",
        ),
    )


@login_required
@require_POST
def activity_add(request, pk, model_pk, number):
    _partnership, _model, version = _editable(request, pk, model_pk, number)
    form = ActivityForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(version)
    return act(
        request,
        lambda: domain.add_activity(version=version, actor=request.user, **form.cleaned_data),
        success=f"{form.cleaned_data['name']} added to the activities.",
        to=version,
    )


@login_required
@require_POST
def activity_remove(request, pk, model_pk, number, activity_pk):
    _partnership, _model, version = _editable(request, pk, model_pk, number)
    activity = get_object_or_404(CostActivity, version=version, pk=activity_pk)
    return act(
        request,
        lambda: domain.remove_activity(
            version=version, actor=request.user, activity=activity, revision=_revision(request)
        ),
        success=lambda _: f"{activity.name} removed.",
        to=version,
    )


def _line_page(request, partnership, model, version, form, heading, button):
    return render(
        request,
        "costing/line_form.html",
        _ctx(
            request,
            partnership,
            form=form,
            model=model,
            version=version,
            heading=heading,
            button=button,
        ),
    )


@login_required
def staff_form(request, pk, model_pk, number, line_pk=None):
    partnership, model, version = _editable(request, pk, model_pk, number)
    line = line_pk and get_object_or_404(StaffLine, version=version, pk=line_pk)
    form = StaffForm(request.POST or None, activities=version.activities.all(), line=line or None)
    form.fields["revision"].initial = version.revision
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.save_staff_line(
                version=version, actor=request.user, line=line or None, **form.domain_fields()
            ),
            form=form,
            success=f"{form.cleaned_data['name']} saved.",
            to=version,
        )
        if done:
            return done
    return _line_page(
        request,
        partnership,
        model,
        version,
        form,
        "Change a post" if line else "Add a post",
        "Save post",
    )


@login_required
def cost_form(request, pk, model_pk, number, line_pk=None):
    partnership, model, version = _editable(request, pk, model_pk, number)
    line = line_pk and get_object_or_404(DirectCostLine, version=version, pk=line_pk)
    initial = (
        {
            "name": line.name,
            "category": line.category,
            "amount": line.amount,
            "activity": line.activity_id,
        }
        if line
        else {"activity": version.activities.filter(name=model.service).first()}
    )
    form = DirectCostForm(
        request.POST or None, initial=initial, activities=version.activities.all()
    )
    form.fields["revision"].initial = version.revision
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.save_direct_cost(
                version=version, actor=request.user, line=line or None, **form.cleaned_data
            ),
            form=form,
            success=f"{form.cleaned_data['name']} saved.",
            to=version,
        )
        if done:
            return done
    return _line_page(
        request,
        partnership,
        model,
        version,
        form,
        "Change a direct cost" if line else "Add a direct cost",
        "Save cost",
    )


@login_required
def pool_form(request, pk, model_pk, number, pool_pk=None):
    partnership, model, version = _editable(request, pk, model_pk, number)
    pool = pool_pk and get_object_or_404(OverheadPool, version=version, pk=pool_pk)
    initial = (
        {
            "name": pool.name,
            "category": pool.category,
            "amount": pool.amount,
            "driver": pool.driver,
            "denominator": pool.denominator,
        }
        if pool
        else {"driver": Driver.HEADCOUNT}
    )
    form = PoolForm(request.POST or None, initial=initial)
    form.fields["revision"].initial = version.revision
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.save_pool(
                version=version, actor=request.user, pool=pool or None, **form.cleaned_data
            ),
            form=form,
            success=f"{form.cleaned_data['name']} saved.",
            to=version,
        )
        if done:
            return done
    return _line_page(
        request,
        partnership,
        model,
        version,
        form,
        "Change an overhead pool" if pool else "Add an overhead pool",
        "Save pool",
    )


REMOVABLE = {
    "staff": (StaffLine, domain.remove_staff_line, "line"),
    "cost": (DirectCostLine, domain.remove_direct_cost, "line"),
    "pool": (OverheadPool, domain.remove_pool, "pool"),
}


@login_required
@require_POST
def line_remove(request, pk, model_pk, number, kind, line_pk):
    if kind not in REMOVABLE:
        raise Http404("No such line")
    _partnership, _model, version = _editable(request, pk, model_pk, number)
    klass, remove, argument = REMOVABLE[kind]
    line = get_object_or_404(klass, version=version, pk=line_pk)
    return act(
        request,
        lambda: remove(
            version=version, actor=request.user, revision=_revision(request), **{argument: line}
        ),
        success=lambda _: f"{line.name} removed.",
        to=version,
    )


@login_required
def drivers_edit(request, pk, model_pk, number, driver):
    if driver not in Driver.entered():
        raise Http404("Only floor area and custom values are entered")
    partnership, model, version = _editable(request, pk, model_pk, number)
    driver = Driver(driver)
    values = {v.activity_id: v.value for v in version.driver_values.filter(driver=driver)}
    form = DriverValuesForm(
        request.POST or None, activities=version.activities.all(), driver=driver, values=values
    )
    form.fields["revision"].initial = version.revision
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.set_driver_values(
                version=version,
                actor=request.user,
                driver=driver,
                values=form.values(),
                revision=form.cleaned_data.get("revision"),
            ),
            form=form,
            success=f"{driver.label} saved.",
            to=version,
        )
        if done:
            return done
    return _line_page(
        request, partnership, model, version, form, f"{driver.label} per activity", "Save values"
    )


@login_required
@require_POST
def version_lock(request, pk, model_pk, number):
    _partnership, _model, version = _version(
        request, pk, model_pk, number, "costing.lock_costmodel"
    )
    return act(
        request,
        lambda: domain.lock_version(version=version, actor=request.user),
        success=f"Version {version.number} locked: its figures can no longer change.",
        to=version,
    )


@login_required
@require_POST
def version_share(request, pk, model_pk, number):
    _partnership, _model, version = _version(
        request, pk, model_pk, number, "costing.share_costmodel"
    )
    shared = request.POST.get("shared", "1") == "1"
    return act(
        request,
        lambda: domain.share_version(version=version, actor=request.user, shared=shared),
        success=f"Version {version.number} shared with the council."
        if shared
        else f"Version {version.number} is no longer shared with the council.",
        to=version,
    )


@login_required
@require_POST
def version_new(request, pk, model_pk):
    partnership = _get(request, pk)
    model = _model(request, partnership, model_pk, "costing.change_costmodel")
    return act(
        request,
        lambda: domain.new_draft(model=model, actor=request.user),
        success=lambda version: f"Version {version.number} started as a copy of the last one.",
        to=lambda version: version,
        back=model,
    )


@login_required
def version_compare(request, pk, model_pk):
    partnership = _get(request, pk)
    model = _model(request, partnership, model_pk)
    numbers = [v.number for v in model.visible_versions]
    form = CompareForm(request.GET or None, numbers=numbers)
    comparison = None
    if form.is_valid():
        older = queries.version_for(model, request.user, form.cleaned_data["a"])
        newer = queries.version_for(model, request.user, form.cleaned_data["b"])
        comparison = compare_versions(older, newer)
    return render(
        request,
        "costing/compare.html",
        _ctx(request, partnership, model=model, form=form, comparison=comparison),
    )


@login_required
def version_export(request, pk, model_pk, number):
    _partnership, model, version = _version(request, pk, model_pk, number)
    loaded = queries.full_version(version)
    loaded.cost_model = model
    data = workbook.export(loaded, queries.calculate(loaded).result)
    name = f"{model.organisation.name} {model.service} v{version.number}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def template_download(request, pk):
    _get(request, pk)
    response = HttpResponse(workbook.blank(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="full-cost-recovery-template.xlsx"'
    return response


@login_required
def model_import(request, pk, model_pk):
    partnership = _get(request, pk)
    model = _model(request, partnership, model_pk, "costing.change_costmodel")
    form = UploadForm(request.POST or None, request.FILES or None)
    rejected = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            contents = workbook.parse(upload.read(), service=model.service)
            version = domain.replace_contents(
                model=model, actor=request.user, contents=contents, source=upload.name
            )
        except workbook.WorkbookRejected as error:
            rejected = error
            form.add_error("file", error.message)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Workbook imported into draft version {version.number}.")
            return redirect(version)
    return render(
        request,
        "costing/import.html",
        _ctx(request, partnership, model=model, form=form, rejected=rejected),
    )


# --- capacity --------------------------------------------------------------------------------


@login_required
def capacity(request, pk):
    partnership = _get(request, pk, "costing.view_capacity")
    assessments = list(queries.assessments_for(partnership))
    actions = list(queries.actions_for(partnership))
    progress = queries.plan_progress(actions, clock.today())
    rows = [
        (queries.before_after(org, assessments), progress.get(org.pk))
        for org in queries.enterprises(partnership).order_by("name")
    ]
    return render(
        request,
        "costing/capacity.html",
        _ctx(request, partnership, rows=rows, areas=CapacityArea),
    )


@login_required
def capacity_organisation(request, pk, org_pk):
    partnership = _get(request, pk, "costing.view_capacity")
    organisation = get_object_or_404(queries.enterprises(partnership), pk=org_pk)
    assessments = list(queries.assessments_for(partnership, organisation))
    return render(
        request,
        "costing/capacity_organisation.html",
        _ctx(
            request,
            partnership,
            organisation=organisation,
            comparison=queries.before_after(organisation, assessments),
            assessments=assessments,
            actions=queries.actions_for(partnership, organisation),
            today=clock.today(),
        ),
    )


@login_required
def assessment_new(request, pk):
    partnership = _get(request, pk, "costing.add_assessment")
    organisations = _own_or_all(request, partnership)
    initial = {"assessed_on": clock.today(), "organisation": request.GET.get("org")}
    form = AssessmentForm(request.POST or None, initial=initial, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.record_assessment(
                partnership=partnership,
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                assessed_on=form.cleaned_data["assessed_on"],
                scores=form.scores(),
                notes=form.cleaned_data["notes"],
            ),
            form=form,
            success="Self-assessment recorded.",
            to=lambda assessment: assessment,
        )
        if done:
            return done
    return render(request, "costing/assessment_form.html", _ctx(request, partnership, form=form))


@login_required
def assessment_detail(request, pk, assessment_pk):
    partnership = _get(request, pk, "costing.view_capacity")
    assessment = queries.assessment_for(partnership, assessment_pk)
    return render(
        request,
        "costing/assessment_detail.html",
        _ctx(request, partnership, assessment=assessment),
    )


@login_required
def plan(request, pk):
    partnership = _get(request, pk, "costing.view_capacity")
    status = request.GET.get("status", "")
    if status and status != "open" and status not in ActionStatus.values:
        status = ""
    return render(
        request,
        "costing/plan.html",
        _ctx(
            request,
            partnership,
            actions=queries.actions_for(partnership, status=status),
            status=status,
            statuses=ActionStatus.choices,
            today=clock.today(),
        ),
    )


@login_required
def action_form(request, pk, action_pk=None):
    perm = "costing.view_capacity" if action_pk else "costing.add_action"
    partnership = _get(request, pk, perm)
    action = action_pk and queries.action_for(partnership, action_pk)
    if action and not request.user.has_perm("costing.change_action", action):
        raise PermissionDenied("Only the enterprise and the intermediary can change its plan.")
    organisations = _own_or_all(request, partnership)
    if action:
        initial = {f: getattr(action, f) for f in domain.capacity.ACTION_FIELDS}
    else:
        initial = {"organisation": request.GET.get("org"), "status": ActionStatus.PLANNED}
    form = ActionForm(request.POST or None, initial=initial, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if action:
                domain.update_action(item=action, actor=request.user, **data)
            else:
                status = data.pop("status")
                action = domain.add_action(partnership=partnership, actor=request.user, **data)
                if status != ActionStatus.PLANNED:
                    domain.update_action(item=action, actor=request.user, status=status)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Capacity-building plan saved.")
            return redirect("costing:plan", pk)
    return render(
        request,
        "costing/action_form.html",
        _ctx(request, partnership, form=form, action=action),
    )


@login_required
def variance_threshold(request, pk):
    """The facilitator sets how far actual unit cost may stray from planned before it is
    flagged (Amber beyond it, Red beyond twice it)."""
    partnership = _get(request, pk)
    if not request.user.has_perm("costing.set_variance_threshold", partnership):
        raise PermissionDenied("Only the facilitator sets the unit cost variance threshold.")
    current = {"variance_threshold_percent": queries.variance_threshold(partnership)}
    form = VarianceThresholdForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.set_variance_threshold(
                partnership=partnership,
                actor=request.user,
                percent=form.cleaned_data["variance_threshold_percent"],
            ),
            form=form,
            success="Unit cost variance threshold saved.",
            to=redirect("costing:overview", pk),
        )
        if done:
            return done
    return render(request, "costing/threshold_form.html", _ctx(request, partnership, form=form))
