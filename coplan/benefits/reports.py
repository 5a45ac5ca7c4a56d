"""The authority's annual report of community benefits (Procurement Reform (Scotland) Act 2014
s.18: the annual procurement report summarises the community benefit requirements imposed and
fulfilled; docs/statutory.md, annual report): per authority (the partnerships' lead authority)
and financial year (1 April – 31 March), across the contracts live in that year.

A commitment is **fulfilled** when its due period ended by the end of the year and its verified
total reached the contractual floor (``target_min``), **not fulfilled** when its period ended
below it, and **in progress** otherwise (reported with its status as at the year's end or the
latest return in it).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from coplan.bidding.models import Commitment, Contract
from coplan.core import clock
from coplan.core.models import Organisation
from coplan.partnerships.enums import Role
from coplan.tendering.models import BenefitRequirement, ProxyValue

from . import calc
from .models import LineStatus, MonitoringSettings, QuarterlyReturn, ReturnLine

FULFILLED = "Fulfilled"
NOT_FULFILLED = "Not fulfilled"
IN_PROGRESS = "In progress"


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """Financial year ``year`` runs from 1 April ``year`` to 31 March ``year + 1``."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def year_label(year: int) -> str:
    return f"{year} to {year + 1}"


@dataclass
class CommitmentLine:
    contract: object
    commitment: object
    target: str
    delivered_in_year: Decimal
    delivered_to_date: Decimal
    status: calc.Status
    outcome: str  # FULFILLED, NOT_FULFILLED, IN_PROGRESS
    value_in_year: Decimal | None


@dataclass
class RequirementLine:
    contract: object
    requirement: object
    commitments: int
    fulfilled: int


@dataclass
class AnnualReport:
    authority: object
    year: int
    starts: dt.date
    ends: dt.date
    contracts: list = field(default_factory=list)
    requirements: list[RequirementLine] = field(default_factory=list)
    lines: list[CommitmentLine] = field(default_factory=list)
    generated_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return year_label(self.year)

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def fulfilled(self) -> int:
        return self.count(FULFILLED)

    @property
    def not_fulfilled(self) -> int:
        return self.count(NOT_FULFILLED)

    @property
    def in_progress(self) -> int:
        return self.count(IN_PROGRESS)

    @property
    def social_value(self) -> Decimal:
        return sum((line.value_in_year or Decimal(0) for line in self.lines), Decimal(0))

    @property
    def illustrative(self) -> bool:
        return any(c.tender.partnership.is_illustrative for c in self.contracts)

    COLUMNS = [
        "Contract",
        "Supplier",
        "Commitment",
        "Source",
        "Unit",
        "Target",
        "Due period start",
        "Due period end",
        "Delivered in the year (verified)",
        "Delivered to date (verified)",
        "Status at year end",
        "Outcome",
        "Social value in the year (GBP)",
    ]

    def rows(self):
        for line in self.lines:
            c = line.commitment
            yield [
                str(line.contract.tender),
                str(line.contract.supplier),
                c.description,
                c.get_source_display(),
                c.unit,
                line.target,
                c.period_start,
                c.period_end,
                float(line.delivered_in_year),
                float(line.delivered_to_date),
                line.status.label,
                line.outcome,
                None if line.value_in_year is None else float(calc.pennies(line.value_in_year)),
            ]


def contracts_for(authority, starts: dt.date, ends: dt.date) -> list:
    return list(
        Contract.objects.filter(
            tender__partnership__lead_authority=authority, starts_on__lte=ends, ends_on__gte=starts
        )
        .select_related("tender__partnership", "supplier")
        .order_by("starts_on", "pk")
    )


def annual_report(authority, year: int, *, thresholds=None) -> AnnualReport:
    starts, ends = year_bounds(year)
    contracts = contracts_for(authority, starts, ends)
    report = AnnualReport(authority, year, starts, ends, contracts, generated_at=clock.now())
    if not contracts:
        return report
    ids = [c.pk for c in contracts]
    by_pk = {c.pk: c for c in contracts}
    commitments = list(
        Commitment.objects.filter(contract_id__in=ids)
        .select_related("measure")
        .order_by("contract_id", "period_start", "pk")
    )
    verified = list(
        ReturnLine.objects.filter(
            quarterly_return__contract_id__in=ids,
            status=LineStatus.VERIFIED,
            quarterly_return__period_end__lte=ends,
        ).select_related("quarterly_return")
    )
    latest = {}
    for ret in QuarterlyReturn.objects.filter(contract_id__in=ids, period_end__lte=ends):
        latest[ret.contract_id] = max(latest.get(ret.contract_id, ret.period_end), ret.period_end)
    proxies = {}
    for p in ProxyValue.objects.filter(
        measure_id__in={c.measure_id for c in commitments if c.measure_id}
    ):
        proxies.setdefault(p.measure_id, []).append(
            calc.Proxy(p.value, p.effective_from, p.table_version)
        )
    # Each partnership's own RAG thresholds (as on its contract pages) unless ``thresholds``.
    configured = {
        s.partnership_id: s.thresholds
        for s in MonitoringSettings.objects.filter(
            partnership_id__in={c.tender.partnership_id for c in contracts}
        )
    }
    outcome_by_commitment = {}
    for c in commitments:
        contract = by_pk[c.contract_id]
        rag_thresholds = thresholds or configured.get(
            contract.tender.partnership_id, calc.DEFAULT_THRESHOLDS
        )
        mine = [ln for ln in verified if ln.commitment_id == c.pk]
        to_date = sum((ln.actual for ln in mine), Decimal(0))
        in_year = [ln for ln in mine if ln.quarterly_return.period_end >= starts]
        value = None
        if c.measure_id in proxies:
            value = Decimal(0)
            for ln in in_year:
                proxy = calc.proxy_on(proxies[c.measure_id], ln.quarterly_return.period_end)
                if proxy is not None:
                    value += ln.actual * proxy.value
        as_of = min(latest.get(c.contract_id, ends), ends)
        status = calc.rag(
            actual=to_date,
            target_min=c.target_min,
            target_max=c.target_max,
            start=c.period_start,
            end=c.period_end,
            as_of=as_of,
            thresholds=rag_thresholds,
        )
        if c.period_end <= ends:
            outcome = FULFILLED if to_date >= c.target_min else NOT_FULFILLED
        else:
            outcome = IN_PROGRESS
        outcome_by_commitment[c.pk] = outcome
        target = f"{c.target_min.normalize():f}"
        if c.target_max is not None:
            target += f"–{c.target_max.normalize():f}"
        report.lines.append(
            CommitmentLine(
                contract,
                c,
                target,
                sum((ln.actual for ln in in_year), Decimal(0)),
                to_date,
                status,
                outcome,
                value,
            )
        )
    for r in (
        BenefitRequirement.objects.filter(tender__contracts__in=ids)
        .select_related("measure", "tender")
        .distinct()
        .order_by("tender_id", "order", "pk")
    ):
        for contract in contracts:
            if contract.tender_id != r.tender_id:
                continue
            answering = [
                c for c in commitments if c.contract_id == contract.pk and c.requirement_id == r.pk
            ]
            report.requirements.append(
                RequirementLine(
                    contract,
                    r,
                    len(answering),
                    sum(1 for c in answering if outcome_by_commitment[c.pk] == FULFILLED),
                )
            )
    return report


def authorities_for(user):
    """Authorities whose reports ``user`` may read: staff read all; otherwise the
    organisations they work for, and the lead authorities of partnerships where they are the
    commissioner, the procurement officer or an observer."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.all()
    from django.db.models import Q

    return Organisation.objects.filter(
        Q(pk__in=user.organisations.values("pk"))
        | Q(
            led_partnerships__memberships__user=user,
            led_partnerships__memberships__role__in=[
                Role.COMMISSIONER,
                Role.PROCUREMENT,
                Role.OBSERVER,
            ],
        )
    ).distinct()
