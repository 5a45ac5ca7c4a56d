"""Reads for contract monitoring: each commitment's verified total, status (RAG against the
pro-rata target), open remedial plan, recruitment summary and quarter-by-quarter history, in a
fixed number of queries per contract.

Status comes only from verified figures, "as at" the end of the latest quarter with a verified
line (for each commitment, its own latest verified quarter; before anything is verified, the end
of the last quarter that has ended): a historic contract keeps the status its returns gave it.
Submitted figures show as "awaiting verification" and never move the status or its date, so a
Green commitment does not turn Amber the moment a contractor submits the next return.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch

from coplan.core import clock

from . import calc
from .models import LineStatus, MonitoringSettings, QuarterlyReturn, RemedialPlan, ReturnLine

DECIDED = {LineStatus.VERIFIED, LineStatus.QUERIED}
RECRUITMENT_TYPES = {"targeted_recruitment", "apprenticeships", "work_placements"}


def thresholds_for(partnership) -> calc.Thresholds:
    found = MonitoringSettings.objects.filter(partnership=partnership).first()
    return found.thresholds if found else calc.DEFAULT_THRESHOLDS


def is_recruitment(commitment) -> bool:
    """Recruitment commitments record additionality and retention: by the clause type of the
    measure, or any line that recorded them."""
    measure = getattr(commitment, "measure", None)
    clause = getattr(measure, "clause", None)
    return getattr(clause, "type", "") in RECRUITMENT_TYPES


@dataclass
class QuarterCell:
    verified: Decimal
    status: calc.Status | None
    awaiting: bool = False  # this quarter's line is submitted, not yet verified


@dataclass
class CommitmentRow:
    commitment: object
    verified: Decimal
    pending: Decimal  # submitted, not yet verified
    queried: int
    status: calc.Status
    as_of: dt.date | None = None  # the end of the latest quarter whose figures count
    lines: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    evidence: int = 0
    recruitment: calc.RecruitmentSummary | None = None

    @property
    def open_plan(self):
        return next((p for p in self.plans if p.is_open), None)

    @property
    def needs_plan(self) -> bool:
        return self.status.rag == calc.Rag.RED and self.open_plan is None

    @property
    def target_text(self) -> str:
        c = self.commitment
        low = f"{c.target_min.normalize():f}"
        return low if c.target_max is None else f"{low}–{c.target_max.normalize():f}"


@dataclass
class ContractMonitoring:
    contract: object
    as_of: dt.date
    thresholds: calc.Thresholds
    rows: list[CommitmentRow]
    returns: list
    quarters: list[tuple[dt.date, dt.date]]
    history: list[tuple[object, list[QuarterCell]]]  # (quarterly return, a cell per row)

    @property
    def counts(self) -> dict[str, int]:
        found = defaultdict(int)
        for r in self.rows:
            found[r.status.rag] += 1
        return dict(found)


def as_of_for(contract, returns, today: dt.date, lines=()) -> dt.date:
    """The end of the latest quarter with a line verified (or queried: checked and found
    wanting). Returns merely submitted do not move it once anything has been checked. Before
    that: the end of the latest return (nothing counts yet), else of the last quarter ended by
    ``today``."""
    ends = [ln.quarterly_return.period_end for ln in lines if ln.status in DECIDED]
    if ends:
        return max(ends)
    if returns:
        return max(r.period_end for r in returns)
    ended = [end for _, end in calc.quarters(contract.starts_on, contract.ends_on) if end <= today]
    return ended[-1] if ended else min(today, contract.ends_on)


def monitor(contract, *, today: dt.date | None = None, thresholds=None) -> ContractMonitoring:
    today = today or clock.today()
    thresholds = thresholds or thresholds_for(contract.tender.partnership)
    commitments = list(
        contract.commitments.select_related("measure__clause", "requirement").order_by(
            "period_start", "pk"
        )
    )
    returns = list(
        QuarterlyReturn.objects.filter(contract=contract)
        .select_related("submitted_by")
        .order_by("period_start")
    )
    lines = list(
        ReturnLine.objects.filter(quarterly_return__contract=contract)
        .select_related("quarterly_return")
        .annotate(evidence_count=Count("evidence"))
        .order_by("quarterly_return__period_start", "pk")
    )
    plans = list(RemedialPlan.objects.filter(commitment__contract=contract))
    as_of = as_of_for(contract, returns, today, lines)
    by_commitment = defaultdict(list)
    for line in lines:
        by_commitment[line.commitment_id].append(line)
    plans_by = defaultdict(list)
    for plan in plans:
        plans_by[plan.commitment_id].append(plan)

    def status(c, verified, day):
        return calc.rag(
            actual=verified,
            target_min=c.target_min,
            target_max=c.target_max,
            start=c.period_start,
            end=c.period_end,
            as_of=day,
            thresholds=thresholds,
        )

    rows = []
    for c in commitments:
        mine = by_commitment.get(c.pk, [])
        verified = sum((ln.actual for ln in mine if ln.status == LineStatus.VERIFIED), Decimal(0))
        # A commitment whose latest line still awaits verification keeps the status of its
        # latest checked quarter: a submission never lowers it.
        checked = [ln.quarterly_return.period_end for ln in mine if ln.status in DECIDED]
        waiting = [
            ln.quarterly_return.period_end for ln in mine if ln.status == LineStatus.SUBMITTED
        ]
        row_as_of = as_of
        if checked and waiting and max(waiting) > max(checked):
            row_as_of = max(checked)
        pending = sum((ln.actual for ln in mine if ln.status == LineStatus.SUBMITTED), Decimal(0))
        recruitment = None
        if is_recruitment(c) or any(ln.additional is not None for ln in mine):
            recruitment = calc.recruitment_summary(
                [
                    calc.Recruitment(
                        starts=int(ln.actual),
                        additional=ln.additional or 0,
                        started_by=ln.quarterly_return.period_end,
                        in_post_26=ln.in_post_26,
                        in_post_52=ln.in_post_52,
                    )
                    for ln in mine
                    if ln.status == LineStatus.VERIFIED
                ],
                as_of=today,
            )
        rows.append(
            CommitmentRow(
                commitment=c,
                verified=verified,
                pending=pending,
                queried=sum(1 for ln in mine if ln.status == LineStatus.QUERIED),
                status=status(c, verified, row_as_of),
                as_of=row_as_of,
                lines=mine,
                plans=sorted(plans_by.get(c.pk, []), key=lambda p: p.starts_on),
                evidence=sum(ln.evidence_count for ln in mine),
                recruitment=recruitment,
            )
        )
    history = []
    for ret in returns:
        cells = []
        for row in rows:
            upto = sum(
                (
                    ln.actual
                    for ln in row.lines
                    if ln.status == LineStatus.VERIFIED
                    and ln.quarterly_return.period_end <= ret.period_end
                ),
                Decimal(0),
            )
            awaiting = any(
                ln.status == LineStatus.SUBMITTED and ln.quarterly_return_id == ret.pk
                for ln in row.lines
            )
            cells.append(
                QuarterCell(
                    upto,
                    None if awaiting else status(row.commitment, upto, ret.period_end),
                    awaiting,
                )
            )
        history.append((ret, cells))
    return ContractMonitoring(
        contract=contract,
        as_of=as_of,
        thresholds=thresholds,
        rows=rows,
        returns=returns,
        quarters=calc.quarters(contract.starts_on, contract.ends_on),
        history=history,
    )


def returns_with_lines(contract):
    return (
        QuarterlyReturn.objects.filter(contract=contract)
        .select_related("submitted_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("commitment", "reviewed_by")
                .prefetch_related("evidence")
                .order_by("commitment__period_start", "commitment_id"),
            )
        )
        .order_by("period_start")
    )
