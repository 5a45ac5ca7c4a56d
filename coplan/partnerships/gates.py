"""Stage exit gates (docs/timeline.md, stage gates) as a registry of criteria.

Each stage's exit gate is a list of criteria. An *automatic* criterion is checked against the
data; a *manual* one is a checklist item the commissioner confirms when advancing. Later apps
register automatic criteria for their own evidence (an approved specification, a pilot
evaluation, published tender criteria) with :func:`register`, and may retire a manual item
they now check for real with ``replaces``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from coplan.core import clock
from coplan.core.dates import months_inclusive
from coplan.core.models import OrganisationType

from .enums import Role, Stage
from .timeline import MIN_PILOT_MONTHS, check_partnership


@dataclass(frozen=True)
class Outcome:
    met: bool
    detail: str = ""


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    check: Callable[..., Outcome] | None = None  # None: a manual checklist item
    hard: bool = True

    @property
    def manual(self) -> bool:
        return self.check is None


@dataclass
class CriterionResult:
    criterion: Criterion
    met: bool
    detail: str

    def as_dict(self) -> dict:
        c = self.criterion
        return {
            "code": c.code,
            "label": c.label,
            "manual": c.manual,
            "hard": c.hard,
            "met": self.met,
            "detail": self.detail,
        }


@dataclass
class GateReport:
    stage: Stage
    next_stage: Stage | None
    results: list[CriterionResult] = field(default_factory=list)

    @property
    def blocking(self) -> list[CriterionResult]:
        return [r for r in self.results if r.criterion.hard and not r.met]

    @property
    def can_advance(self) -> bool:
        return self.next_stage is not None and not self.blocking

    @property
    def outstanding(self) -> list[CriterionResult]:
        return [r for r in self.results if not r.met]

    def as_list(self) -> list[dict]:
        return [r.as_dict() for r in self.results]


_CRITERIA: dict[Stage, list[Criterion]] = {stage: [] for stage in Stage}
_RETIRED: set[str] = set()


def register(stage: Stage, criterion: Criterion, *, replaces: str | None = None) -> Criterion:
    _CRITERIA[stage] = [c for c in _CRITERIA[stage] if c.code != criterion.code] + [criterion]
    if replaces:
        _RETIRED.add(replaces)
    return criterion


def criteria_for(stage: Stage) -> list[Criterion]:
    return [c for c in _CRITERIA[Stage(stage)] if c.code not in _RETIRED]


def evaluate(partnership, confirmed: set[str] | frozenset = frozenset()) -> GateReport:
    stage = Stage(partnership.stage)
    report = GateReport(stage=stage, next_stage=stage.next)
    for criterion in criteria_for(stage):
        if criterion.manual:
            met = criterion.code in confirmed
            detail = "Confirmed." if met else "Confirm this when you advance."
        else:
            outcome = criterion.check(partnership)
            met, detail = outcome.met, outcome.detail
        report.results.append(CriterionResult(criterion, met, detail))
    return report


# --- the foundation's own criteria -------------------------------------------------------


def _members(partnership, *roles):
    return [m for m in partnership.roster if m.role in roles]


def _has_role(role: Role, label: str):
    def check(partnership) -> Outcome:
        people = [str(m.user) for m in _members(partnership, role)]
        if people:
            return Outcome(True, ", ".join(sorted(set(people))))
        return Outcome(False, f"No {label} is a member yet: invite one on the members page.")

    return check


def _need_statement(partnership) -> Outcome:
    if partnership.summary.strip():
        return Outcome(True, "Recorded in the partnership summary.")
    return Outcome(False, "Describe the need, the population and the service in the summary.")


def _intermediary(partnership) -> Outcome:
    if partnership.intermediary_id is None:
        return Outcome(False, "Name the intermediary organisation on the partnership.")
    facilitators = _members(partnership, Role.FACILITATOR)
    if not facilitators:
        return Outcome(False, f"{partnership.intermediary} has no facilitator in the partnership.")
    return Outcome(
        True, f"{partnership.intermediary}: {', '.join(str(m.user) for m in facilitators)}"
    )


GROUP_ROLES = (Role.COMMISSIONER, Role.PROCUREMENT, Role.STEERING)


def steering_departments(partnership) -> list[str]:
    """Public-sector organisations represented on the steering group."""
    return sorted(
        {
            str(m.organisation)
            for m in _members(partnership, *GROUP_ROLES)
            if m.organisation and m.organisation.type in OrganisationType.public_sector()
        }
    )


def _cross_departmental(partnership) -> Outcome:
    departments = steering_departments(partnership)
    has_procurement = bool(_members(partnership, Role.PROCUREMENT))
    if len(departments) >= 2 and has_procurement:
        return Outcome(True, f"{len(departments)} departments: {', '.join(departments)}.")
    missing = []
    if len(departments) < 2:
        missing.append(f"at least 2 council departments (now {len(departments)})")
    if not has_procurement:
        missing.append("a procurement officer")
    return Outcome(False, "The steering group needs " + " and ".join(missing) + ".")


def _timeline_t1(partnership) -> Outcome:
    if not (partnership.started_on and partnership.tender_on):
        return Outcome(False, "Set the PSP start and the planned tender date on the timeline.")
    check = check_partnership(partnership)
    error = next((f for f in check.errors if f.code == "psp_start_under_12_months"), None)
    if error:
        return Outcome(False, error.message)
    return Outcome(True, f"Starts {check.months_before_tender} months before the tender.")


def _pilot_planned(partnership) -> Outcome:
    if not (partnership.pilot_starts_on and partnership.pilot_ends_on):
        return Outcome(False, "Set the pilot's start and end dates on the timeline.")
    check = check_partnership(partnership)
    error = next((f for f in check.errors if f.code == "pilot_under_6_months"), None)
    if error:
        return Outcome(False, error.message)
    return Outcome(True, f"A {check.pilot_months}-month pilot is planned.")


def _pilot_ran(partnership, today: dt.date | None = None) -> Outcome:
    start, end = partnership.pilot_starts_on, partnership.pilot_ends_on
    if not start:
        return Outcome(False, "The pilot has no start date on the timeline.")
    today = today or clock.today()
    last_day = min(today - dt.timedelta(days=1), end) if end else today - dt.timedelta(days=1)
    ran = months_inclusive(start, last_day) if last_day >= start else 0
    if ran >= MIN_PILOT_MONTHS:
        return Outcome(True, f"The pilot has run {ran} months.")
    return Outcome(
        False, f"The pilot has run {ran} months; it must run at least {MIN_PILOT_MONTHS}."
    )


register(Stage.FEASIBILITY, Criterion("need_statement", "Need statement recorded", _need_statement))
register(
    Stage.FEASIBILITY,
    Criterion(
        "commissioner_named", "Commissioner named", _has_role(Role.COMMISSIONER, "commissioner")
    ),
)
register(
    Stage.FEASIBILITY,
    Criterion(
        "procurement_officer_assigned",
        "Procurement officer assigned",
        _has_role(Role.PROCUREMENT, "procurement officer"),
    ),
)
register(
    Stage.FEASIBILITY,
    Criterion("go_decision", "Steering sponsor approved the go decision (to PSP or not)"),
)

register(
    Stage.STRATEGIC, Criterion("intermediary_appointed", "Intermediary appointed", _intermediary)
)
register(
    Stage.STRATEGIC,
    Criterion(
        "cross_departmental_group",
        "Steering group has at least 2 council departments and procurement",
        _cross_departmental,
    ),
)
register(
    Stage.STRATEGIC,
    Criterion("timeline_t1", "PSP starts at least 12 months before the tender (T1)", _timeline_t1),
)
register(
    Stage.STRATEGIC,
    Criterion(
        "tor_mou_signed", "Steering group terms of reference and memorandum of understanding signed"
    ),
)

register(
    Stage.SERVICE_DESIGN,
    Criterion("pilot_planned", "A pilot of at least 6 months is planned (T2)", _pilot_planned),
)
register(Stage.SERVICE_DESIGN, Criterion("spec_v1_approved", "Specification version 1 approved"))
register(Stage.SERVICE_DESIGN, Criterion("kpi_baselines", "KPI baselines recorded"))
register(
    Stage.SERVICE_DESIGN,
    Criterion("consortium_heads_of_terms", "Consortium heads of terms agreed", hard=False),
)

register(
    Stage.PILOT, Criterion("pilot_ran_6_months", "The pilot ran at least 6 months (T2)", _pilot_ran)
)
register(
    Stage.PILOT,
    Criterion(
        "pilot_evaluation_approved", "Final (or at least 6-month interim) pilot evaluation approved"
    ),
)
register(Stage.PILOT, Criterion("spec_revised", "Specification revised from the pilot evidence"))

register(
    Stage.PROCUREMENT, Criterion("criteria_published", "Criteria and weights published before bids")
)
register(Stage.PROCUREMENT, Criterion("coi_complete", "Conflict-of-interest declarations complete"))
register(
    Stage.PROCUREMENT, Criterion("cb_duty_checked", "Community benefit duty (s.25) considered")
)
register(Stage.PROCUREMENT, Criterion("standstill_elapsed", "Standstill period elapsed"))

# The foundation's own criteria, before any app registers or retires some: tests of the stage
# mechanics pin the gates to this set (tests/conftest.py ``foundation_gates``).
FOUNDATION = {stage: list(criteria) for stage, criteria in _CRITERIA.items()}
