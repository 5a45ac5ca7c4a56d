"""Monthly returns (CSV, XLSX, PDF) and the evaluation report (tagged PDF)."""

import datetime as dt
from decimal import Decimal

from coplan.core.pdf import render_pdf
from coplan.core.tables import write_csv, write_workbook

from . import dashboard
from .enums import Rag
from .models import Feedback, PilotIssue

DELIVERY_COLUMNS = [
    "Service",
    "Provider",
    "Records",
    "Quantity",
    "Unit",
    "Cost (£)",
    "Cost per unit (£)",
    "Satisfaction ratings",
    "Average satisfaction",
]
KPI_COLUMNS = ["KPI", "Period", "Value", "Unit", "Target", "Direction", "Status"]


def _n(value, places=2) -> Decimal | None:
    """A figure rounded for the return, still a number (so a spreadsheet can add it up)."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-places))


def monthly_return(pilot, month: dt.date) -> dict:
    """Everything a month's return says, from the rollups."""
    board = dashboard.build(
        pilot, dashboard.Filters(month=month), show_costs=True, with_charts=False
    )
    rows = []
    from .models import MonthlyRollup

    services = {s.pk: s for s in pilot.services.all()}
    providers = {
        p.organisation_id: p.organisation for p in pilot.providers.select_related("organisation")
    }
    for r in MonthlyRollup.objects.filter(pilot=pilot, month=month).order_by(
        "service__position", "provider__name"
    ):
        service = services[r.service_id]
        rows.append(
            {
                "service": service.name,
                "provider": str(providers.get(r.provider_id, r.provider_id)),
                "records": r.records,
                "quantity": r.quantity,
                "unit": service.unit,
                "cost": r.cost,
                "unit_cost": (r.cost / r.quantity).quantize(Decimal("0.01"))
                if r.quantity
                else None,
                "ratings": r.satisfaction_count,
                "satisfaction": Decimal(r.satisfaction_sum) / r.satisfaction_count
                if r.satisfaction_count
                else None,
            }
        )
    kpis = []
    for result in board.kpis:
        point = next((p for p in result.points if p.period <= month), None)
        point = next((p for p in reversed(result.points) if p.period <= month), point)
        kpis.append(
            {
                "name": result.kpi.name,
                "period": point.label if point else "",
                "value": point.value if point else None,
                "unit": result.kpi.unit,
                "target": result.kpi.target,
                "direction": result.kpi.get_direction_display(),
                "rag": (point.rag if point else Rag.NONE),
            }
        )
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    feedback = Feedback.objects.filter(pilot=pilot, month=month)
    issues_raised = PilotIssue.objects.filter(
        pilot=pilot, raised_on__gte=month, raised_on__lt=next_month
    ).count()
    issues_resolved = PilotIssue.objects.filter(
        pilot=pilot, resolved_on__gte=month, resolved_on__lt=next_month
    ).count()
    ratings = list(feedback.values_list("rating", flat=True))
    return {
        "pilot": pilot,
        "month": month,
        "rows": rows,
        "totals": {
            "records": sum(r["records"] for r in rows),
            "cost": sum((r["cost"] for r in rows), Decimal(0)),
        },
        "kpis": kpis,
        "feedback_count": len(ratings),
        "feedback_average": Decimal(sum(ratings)) / len(ratings) if ratings else None,
        "issues_raised": issues_raised,
        "issues_resolved": issues_resolved,
    }


def _delivery_rows(data):
    for r in data["rows"]:
        yield [
            r["service"],
            r["provider"],
            r["records"],
            _n(r["quantity"]),
            r["unit"],
            _n(r["cost"]),
            _n(r["unit_cost"]),
            r["ratings"],
            _n(r["satisfaction"]),
        ]


def _kpi_rows(data):
    for k in data["kpis"]:
        yield [
            k["name"],
            k["period"],
            _n(k["value"]),
            k["unit"],
            _n(k["target"]),
            k["direction"],
            k["rag"].short,
        ]


def return_csv(data) -> bytes:
    rows = list(_delivery_rows(data))
    rows += [[], KPI_COLUMNS, *_kpi_rows(data)]
    rows += [
        [],
        ["Feedback responses", data["feedback_count"]],
        ["Average feedback rating", _n(data["feedback_average"])],
        ["Issues raised", data["issues_raised"]],
        ["Issues resolved", data["issues_resolved"]],
    ]
    return write_csv(DELIVERY_COLUMNS, rows)


def return_xlsx(data) -> bytes:
    return write_workbook(
        [
            ("Deliveries", DELIVERY_COLUMNS, _delivery_rows(data)),
            ("KPIs", KPI_COLUMNS, _kpi_rows(data)),
            (
                "Feedback and issues",
                ["Measure", "Value"],
                [
                    ["Feedback responses", data["feedback_count"]],
                    ["Average feedback rating", _n(data["feedback_average"])],
                    ["Issues raised", data["issues_raised"]],
                    ["Issues resolved", data["issues_resolved"]],
                ],
            ),
        ]
    )


def return_pdf(data) -> bytes:
    month = data["month"]
    return render_pdf(
        "pilots/pdf/monthly_return.html",
        {
            "data": data,
            "pilot": data["pilot"],
            "illustrative": data["pilot"].partnership.is_illustrative,
            "generated_at": data.get("generated_at"),
        },
        title=f"Monthly return, {month:%B %Y}: {data['pilot'].title}",
    )


def evaluation_pdf(evaluation, results, show_costs: bool = True) -> bytes:
    return render_pdf(
        "pilots/pdf/evaluation.html",
        {
            "evaluation": evaluation,
            "results": results,
            "pilot": evaluation.pilot,
            "show_costs": show_costs,
        },
        title=f"{evaluation.title}: {evaluation.pilot.title}",
    )
