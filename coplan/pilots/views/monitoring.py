"""The pilot dashboard and the monthly returns (page and CSV, XLSX or PDF export)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from coplan.core import clock
from coplan.partnerships import pagecache

from .. import dashboard, exports, forms, queries
from ..models import Pilot
from .common import _ctx


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
        data["generated_at"] = clock.now()
        response = HttpResponse(exports.return_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
