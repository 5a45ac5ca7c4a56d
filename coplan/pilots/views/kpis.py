"""The monitoring framework: KPIs and the values entered by hand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coplan.core.actions import act

from .. import dashboard, domain, forms, queries, rules
from ..domain.kpis import period_start
from ..enums import Method
from ..models import Kpi, KpiValue
from .common import _ctx


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
        done = act(
            request,
            lambda: domain.save_kpi(pilot=pilot, actor=request.user, kpi=kpi, **fields),
            form=form,
            success=f"KPI “{fields['name']}” saved.",
            to=redirect("pilots:kpis", pk),
        )
        if done:
            return done
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
        if form.is_valid() and (
            done := act(
                request,
                lambda: domain.set_kpi_value(kpi=kpi, actor=request.user, **form.cleaned_data),
                form=form,
                success="Value saved.",
                to=redirect("pilots:kpi.values", pk, kpi.pk),
            )
        ):
            return done
    values = KpiValue.objects.filter(kpi=kpi).select_related("entered_by").order_by("period")
    return render(
        request,
        "pilots/kpi_values.html",
        _ctx(request, partnership, pilot, kpi=kpi, form=form, values=values),
    )
