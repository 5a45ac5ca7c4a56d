"""Health-check providers, gate criteria and the section link registered by this app.

* Element 2 of the seven (piloting with monitoring that feeds the tender): the pilot's
  duration against rule T2 (docs/timeline.md), how many of its months have delivery records,
  the KPIs' status and whether an evaluation is approved.
* Gates: the pilot stage's "evaluation approved" item and the service design stage's "KPI
  baselines" item become automatic checks against the data.
"""

from coplan.core import clock
from coplan.core.dates import months_inclusive
from coplan.partnerships import gates, sections
from coplan.partnerships.enums import Stage
from coplan.partnerships.health import ElementHealth, HealthStatus, provides
from coplan.partnerships.timeline import MIN_PILOT_MONTHS, check_timeline

from .enums import EvaluationKind
from .models import Evaluation, Kpi, Pilot


def _pilot(partnership):
    return Pilot.objects.filter(partnership=partnership).first()


def _qualifying_evaluation(pilot):
    """An approved final evaluation, or an approved interim one whose data covers six
    months or more of the pilot."""
    for evaluation in Evaluation.objects.filter(pilot=pilot, approved_on__isnull=False).order_by(
        "-approved_on"
    ):
        if evaluation.kind == EvaluationKind.FINAL:
            return evaluation
        if months_inclusive(pilot.starts_on, evaluation.period_end) >= MIN_PILOT_MONTHS:
            return evaluation
    return None


def evaluation_approved(partnership) -> gates.Outcome:
    pilot = _pilot(partnership)
    if pilot is None:
        return gates.Outcome(False, "No pilot is recorded yet.")
    evaluation = _qualifying_evaluation(pilot)
    if evaluation is None:
        return gates.Outcome(
            False,
            "No final evaluation, nor an interim one at six months or later, is approved yet: "
            "the commissioner approves it on the pilot's evaluations page.",
        )
    return gates.Outcome(
        True,
        f"{evaluation.get_kind_display()} approved on "
        f"{evaluation.approved_on.day} {evaluation.approved_on:%B %Y}.",
    )


def kpi_baselines(partnership) -> gates.Outcome:
    pilot = _pilot(partnership)
    kpis = list(Kpi.objects.filter(pilot=pilot)) if pilot else []
    if not kpis:
        return gates.Outcome(
            False, "No monitoring framework yet: add the pilot's KPIs with their baselines."
        )
    missing = [k.name for k in kpis if k.baseline is None]
    if missing:
        return gates.Outcome(False, "No baseline for: " + "; ".join(missing) + ".")
    return gates.Outcome(True, f"All {len(kpis)} KPIs have a baseline.")


gates.register(
    Stage.PILOT,
    gates.Criterion(
        "pilot_evaluation",
        "Final (or at least 6-month interim) pilot evaluation approved",
        evaluation_approved,
    ),
    replaces="pilot_evaluation_approved",
)
gates.register(
    Stage.SERVICE_DESIGN,
    gates.Criterion("kpi_baselines_recorded", "KPI baselines recorded", kpi_baselines),
    replaces="kpi_baselines",
)


@provides(2)
def piloting(partnership) -> ElementHealth:
    from . import dashboard

    pilot = _pilot(partnership)
    if pilot is None:
        return ElementHealth(2, HealthStatus.NOT_STARTED, ["No pilot recorded in Coplan yet."])
    today = clock.today()
    check = check_timeline(
        started_on=None, tender_on=None, pilot_start=pilot.starts_on, pilot_end=pilot.last_day
    )
    evidence = [
        f"Pilot {pilot.starts_on.day} {pilot.starts_on:%B %Y} to {pilot.last_day.day} "
        f"{pilot.last_day:%B %Y}: {check.pilot_months} months "
        f"(at least {MIN_PILOT_MONTHS} needed)."
    ]
    evidence += [f.message for f in check.errors]
    coverage = dashboard.coverage(pilot, today)
    if coverage["months"]:
        evidence.append(
            f"Delivery records for {coverage['months_with_data']} of the "
            f"{coverage['months']} months so far."
        )
    else:
        evidence.append("The pilot has not started yet.")
    board = dashboard.build(pilot, with_charts=False, today=today)
    counts = board.rag_counts
    if board.kpis:
        evidence.append(
            f"{len(board.kpis)} KPIs: {counts['green']} green, {counts['amber']} amber, "
            f"{counts['red']} red, {counts['none']} without data."
        )
    else:
        evidence.append("No monitoring framework (KPIs) yet.")
    evaluation = _qualifying_evaluation(pilot)
    if evaluation:
        evidence.append(
            f"{evaluation.get_kind_display()} approved on {evaluation.approved_on.day} "
            f"{evaluation.approved_on:%B %Y}."
        )
    else:
        evidence.append("No evaluation approved yet (interim at six months, or final).")
    months_run = (
        months_inclusive(pilot.starts_on, min(today, pilot.last_day))
        if today >= pilot.starts_on
        else 0
    )
    gaps = coverage["months"] - coverage["months_with_data"]
    if (
        check.errors
        or (coverage["months"] >= 2 and gaps * 2 > coverage["months"])
        or (months_run >= MIN_PILOT_MONTHS and evaluation is None and today > pilot.last_day)
    ):
        status = HealthStatus.AT_RISK
    elif evaluation and board.kpis and not gaps:
        status = HealthStatus.ON_TRACK
    else:
        status = HealthStatus.IN_PROGRESS
    return ElementHealth(2, status, evidence)


def _register_section() -> None:
    from .urls import urlpatterns

    sections.register(
        sections.Section(
            "Pilot",
            "pilots:overview",
            order=50,
            also_current=tuple(
                f"pilots:{p.name}" for p in urlpatterns if p.name and p.name != "overview"
            ),
        )
    )


_register_section()
