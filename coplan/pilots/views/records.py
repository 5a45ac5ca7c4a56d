"""Delivery records, one at a time."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coplan.core.actions import act
from coplan.core.errors import DomainError

from .. import dashboard, domain, forms, queries, rules
from ..models import DeliveryRecord
from .common import _ctx, _page


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
            # the filter offers only the providers whose records this person may list
            providers=pilot.providers.select_related("organisation").filter(
                **({} if scope is None else {"organisation_id__in": scope})
            ),
            scoped_to=(
                [
                    p.organisation.name
                    for p in pilot.providers.select_related("organisation")
                    if p.organisation_id in scope
                ]
                if scope is not None
                else None
            ),
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
        done = act(
            request,
            lambda: domain.record_delivery(
                pilot=pilot, actor=request.user, scope=scope, client_id=client_id, **fields
            ),
            form=form,
            success="Delivery recorded.",
            to=redirect("pilots:records", pk),
        )
        if done:
            return done
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
        done = act(
            request,
            lambda: domain.update_delivery(
                record=record, actor=request.user, scope=scope, client_id=client_id, **fields
            ),
            form=form,
            success="Delivery record saved.",
            to=redirect("pilots:records", pk),
        )
        if done:
            return done
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
