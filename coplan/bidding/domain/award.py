"""The award: approval, letters, standstill, award notice and the contract.

* **Approval.** Where the partnership has a governance body, the award cites that body's
  award-approval decision (governance app) and is recorded by an officer; where there is none,
  the commissioner approves. The ranking must be complete (every question moderated), no
  conflict-of-interest decision may be pending and no explanation of an abnormally low winning
  price outstanding. Only a compliant bid can win: one below the published minimum quality
  score (overall or on a question) is never ranked, and with no compliant bid there is no
  award. The results snapshot keeps every bid, the non-compliant ones with their reasons, for
  the letters and the open data.
* **Standstill** (PC(S)R 2015 reg 85; docs/timeline.md, T4): 10 days when the letters go
  electronically, 15 otherwise (10 either way before 20 December 2009), read from core's
  effective-dated rules table (keys ``standstill_days_electronic`` and
  ``standstill_days_other``, seeded by core migration 0009, unit days) as in force on the day
  the letters are sent. Only if the table has no version of the key in force on that day (a
  staff user deleted the rows, or the day is before 31 January 2006) does the app fall back to
  10 / 15. It ends at midnight at the end of the last day; the contract cannot be concluded
  before.
* **Contract value** (docs/formulas.md, contract value): what the winning bid's price schedule
  gives over the term — rate × published volume a year × years for each unit-rate element,
  plus the lump sums — or, where the schedule cannot give it (a unit priced without a
  published volume), the value the officer enters with the reason. An entered value that
  differs from the derived one needs a reason too. A value below the regulated threshold of a
  regulated procurement, or more than 25 % away from the estimate, is flagged to the officer.
* **Award notice** states the community benefits expected when the s.25 duty applied.
* **Contract** with the winner's community benefit commitments (the scored quantities it bid,
  and every mandatory condition) and the pilot KPIs chosen as contract KPIs.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from coplan.core import audit, clock
from coplan.core.dates import add_months
from coplan.core.domain import rule_in_force
from coplan.core.errors import DomainError
from coplan.core.models import StatutoryRuleKey
from coplan.governance.enums import DecisionKind
from coplan.governance.models import Body
from coplan.tendering.domain.strategy import procurement_rules

from ..enums import CommitmentSource, ConflictDecision, PriceQueryOutcome
from ..models import Award, Commitment, ConflictDeclaration, Contract, ContractKpi, PriceQuery
from ..rules import is_officer
from . import mail
from .bids import refuse
from .evaluation import live_bids, results_of

STANDSTILL_ELECTRONIC = StatutoryRuleKey.STANDSTILL_ELECTRONIC
STANDSTILL_OTHER = StatutoryRuleKey.STANDSTILL_OTHER
FALLBACK_DAYS = {STANDSTILL_ELECTRONIC: 10, STANDSTILL_OTHER: 15}


def standstill_days(on: dt.date, *, electronic: bool) -> int:
    """The standstill period in force on ``on``, in days, from the statutory rules table."""
    key = STANDSTILL_ELECTRONIC if electronic else STANDSTILL_OTHER
    rule = rule_in_force(key, on)
    if rule is None:
        # Fallback only when no row of the key is in force (the seeded rows were deleted, or
        # ``on`` is before 31 January 2006): PC(S)R 2015 reg 85's 10 / 15 days.
        return FALLBACK_DAYS[key]
    return int(rule.value)


def standstill_end(sent_at: dt.datetime, days: int) -> dt.datetime:
    """Midnight at the end of the ``days``-th day after the letters were sent (local time)."""
    zone = ZoneInfo("Europe/London")
    last_day = timezone.localtime(sent_at, zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


def _governance_decision(tender, decision):
    if not Body.objects.filter(partnership=tender.partnership).exists():
        return False
    if (
        decision is None
        or decision.partnership_id != tender.partnership_id
        or decision.kind != DecisionKind.AWARD_APPROVAL
    ):
        raise DomainError(
            "Cite the governance body's award-approval decision.",
            code="decision_required",
            field="decision",
        )
    return True


# An award value this far from the estimate (either way) is flagged to the officer.
ESTIMATE_TOLERANCE = Decimal("0.25")


@dataclass(frozen=True)
class ValueLine:
    """One element of the winning bid's price schedule, as it counts in the contract value."""

    element: str
    price: Decimal  # the bid's price: a rate per unit, or a lump sum
    unit: str = ""
    annual_volume: Decimal | None = None
    years: Decimal | None = None
    evaluated: Decimal = Decimal(0)  # rate × volume × years, or the lump sum


@dataclass(frozen=True)
class DerivedValue:
    """What the winning bid's price schedule gives as the contract value (``value`` None when
    it cannot: ``why_not`` says why), with the lines it adds up."""

    value: Decimal | None
    lines: tuple[ValueLine, ...] = ()
    why_not: str = ""


def derived_value(tender, results) -> DerivedValue:
    """The contract value the winning bid's price schedule gives (docs/formulas.md, contract
    value); ``results`` is :func:`results_of`'s, complete, with a winner."""
    ranked = results.ranked[0]
    content = results.contents[ranked.name]
    elements = list(tender.price_elements.all())
    if not elements:
        return DerivedValue(
            ranked.total_price,
            (ValueLine("Total price", ranked.total_price, evaluated=ranked.total_price),),
        )
    years = Decimal(tender.duration_months or 0) / 12
    lines = tuple(
        ValueLine(
            e.name,
            Decimal(content["prices"][e.name]),
            e.unit,
            e.annual_volume,
            years if e.is_unit_rate else None,
            ranked.element_prices[e.name],
        )
        for e in elements
    )
    unpriced = [e.name for e in elements if e.unit and not e.is_unit_rate]
    if unpriced:
        return DerivedValue(
            None,
            lines,
            f"{', '.join(unpriced)} {'is' if len(unpriced) == 1 else 'are'} priced per unit "
            "without a published volume, so the price schedule cannot give the contract value: "
            "enter it, with the reason.",
        )
    return DerivedValue(ranked.total_price, lines)


def _pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


def value_flags(tender, value: Decimal) -> list[str]:
    """What the officer should check about a contract ``value``: below the regulated threshold
    of a procurement advertised as regulated, or more than 25 % away from the estimate."""
    flags = []
    if tender.regulated:
        on = tender.strategy_date or (tender.published_at or clock.now()).date()
        rules = procurement_rules(
            contract_type=tender.contract_type,
            estimated_value=value,
            vat_included=False,
            vat_rate=tender.vat_rate,
            on=on,
        )
        if not rules.regulated and rules.regulated_threshold is not None:
            flags.append(
                f"The contract value, {_pounds(value)}, is below the regulated procurement "
                f"threshold ({_pounds(rules.regulated_threshold)}) the tender was advertised "
                "under: check the price schedule's volumes and the contract's term."
            )
    estimate = tender.value_ex_vat
    if estimate:
        share = (value - estimate) / estimate
        if abs(share) > ESTIMATE_TOLERANCE:
            flags.append(
                f"The contract value, {_pounds(value)}, is {abs(share) * 100:.0f} % "
                f"{'below' if share < 0 else 'above'} the estimate of {_pounds(estimate)}: "
                "check the price schedule's volumes, and say why in the award's reasons."
            )
    return flags


def _contract_value(tender, results, value, reason: str) -> tuple[Decimal, DerivedValue]:
    derived = derived_value(tender, results)
    if value in (None, ""):
        if derived.value is None:
            raise DomainError(derived.why_not, code="value_required", field="value")
        return derived.value, derived
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        raise DomainError("Enter the contract value in pounds.", field="value") from None
    if not value.is_finite() or value <= 0:
        raise DomainError("The contract value must be more than £0.", field="value")
    if value != derived.value and not reason.strip():
        raise DomainError(
            "Give the reason for entering the contract value"
            + (
                f" instead of the {_pounds(derived.value)} the winning bid's price schedule gives."
                if derived.value is not None
                else "."
            ),
            code="value_reason_required",
            field="value_reason",
        )
    return value.quantize(Decimal("0.01")), derived


def _snapshot(results) -> list[dict]:
    def text(value: Decimal) -> str:
        return f"{value:f}"

    rows = []
    for r in results.ranked:
        bid = results.bids[r.name]
        rows.append(
            {
                "bid": str(bid.uuid),
                "name": r.name,
                "rank": r.rank,
                "compliant": True,
                "total": text(r.total),
                "price_score": text(r.price_score),
                "quality_score": text(r.quality_score),
                "benefit_score": text(r.benefit_score),
                "total_price": text(r.total_price),
                "criterion_scores": {k: text(v) for k, v in r.criterion_scores.items()},
            }
        )
    for r in results.non_compliant:
        bid = results.bids[r.name]
        rows.append(
            {
                "bid": str(bid.uuid),
                "name": r.name,
                "rank": None,
                "compliant": False,
                "reasons": list(r.reasons),
                "total": None,
                "price_score": None,
                "quality_score": text(r.quality_score),
                "benefit_score": None,
                "total_price": text(r.total_price),
                "criterion_scores": {k: text(v) for k, v in r.criterion_scores.items()},
            }
        )
    return rows


def _notice(tender, bid, commitments, days, ends_at) -> str:
    lines = [
        f"Award notice: {tender.title} ({tender.reference}).",
        f"Awarded to {bid.organisation.name}"
        + (
            f" for the consortium {bid.consortium.name} ({', '.join(bid.members)})."
            if bid.consortium_id
            else "."
        ),
        f"Standstill period: {days} days, ending {timezone.localtime(ends_at):%d %B %Y %H:%M}.",
    ]
    if tender.cb_duty:
        lines.append(
            "Community benefits expected from the contract (s.25 Procurement Reform "
            "(Scotland) Act 2014):"
        )
        lines += [f"- {c.description}: {c.target_min:f} {c.unit}" for c in commitments]
    return "\n".join(lines)


def approve_award(
    *,
    tender,
    actor,
    reasons: str,
    electronic: bool = True,
    decision=None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    kpis=(),
    value: Decimal | None = None,
    value_reason: str = "",
) -> Award:
    """Approve the award to the first-ranked compliant bid and make its contract. The
    contract's ``value`` is the one the winning bid's price schedule gives unless the officer
    enters another, with ``value_reason`` (required when the schedule cannot give one)."""
    now = clock.now()
    if not is_officer(actor, tender):
        refuse(
            actor=actor,
            tender=tender,
            action="bidding.award.refused",
            error=DomainError("Only an officer can record the award.", code="not_authorised"),
        )
    if tender.awarded_at:
        raise DomainError("The tender is already awarded.", code="awarded")
    governed = _governance_decision(tender, decision)
    if not governed and "commissioner" not in {
        m.role for m in tender.partnership.roster if m.user_id == actor.pk
    }:
        raise DomainError(
            "With no governance body, the commissioner approves the award.",
            code="commissioner_required",
        )
    if not reasons.strip():
        raise DomainError("Give the reasons for the award.", code="required", field="reasons")
    if ConflictDeclaration.objects.filter(
        tender=tender, decision=ConflictDecision.PENDING
    ).exists():
        raise DomainError("A conflict-of-interest decision is pending.", code="conflict_pending")
    results = results_of(tender)
    if not results.complete:
        raise DomainError(
            "Moderate every question first: " + "; ".join(results.missing), code="incomplete"
        )
    winner = results.winner
    if winner is None:
        raise DomainError(
            " ".join(
                ["No bid is compliant, so the contract cannot be awarded."]
                + [f"{r.name}: {r.reason}" for r in results.non_compliant]
            ),
            code="no_compliant_bid",
        )
    if PriceQuery.objects.filter(bid=winner, outcome=PriceQueryOutcome.OPEN).exists():
        raise DomainError(
            "The winning bid's explanation of its price is outstanding.", code="price_query_open"
        )
    kpis = list(kpis)
    if any(k.pilot.partnership_id != tender.partnership_id for k in kpis):
        raise DomainError("Choose the partnership's pilot KPIs.", code="no_kpi", field="kpis")
    value, derived = _contract_value(tender, results, value, value_reason)
    days = standstill_days(timezone.localdate(now), electronic=electronic)
    ends_at = standstill_end(now, days)
    starts_on = starts_on or ends_at.date()
    if ends_on is None:
        months = tender.duration_months or 36
        ends_on = add_months(starts_on, months) - dt.timedelta(days=1)
    content = results.contents[winner.organisation.name]
    with transaction.atomic():
        contract = Contract.objects.create(
            tender=tender,
            supplier=winner.organisation,
            consortium=winner.consortium,
            bid=winner,
            value=value,
            derived_value=derived.value,
            value_reason=value_reason.strip() if value != derived.value else "",
            starts_on=starts_on,
            ends_on=ends_on,
            standstill_ends_at=ends_at,
        )
        commitments = []
        for r in tender.benefit_requirements.select_related("measure").order_by("order", "pk"):
            most = None
            if r.mode == "scored":
                target = Decimal(content.get("commitments", {}).get(str(r.pk), "0"))
                top = content.get("commitments_up_to", {}).get(str(r.pk))
                most = Decimal(top) if top is not None else None
                source = CommitmentSource.BID
            else:
                target = Decimal(r.minimum or 0)
                source = CommitmentSource.MANDATORY
            commitments.append(
                Commitment.objects.create(
                    contract=contract,
                    requirement=r,
                    measure=r.measure,
                    description=r.measure.name,
                    unit=r.measure.unit,
                    target_min=target,
                    target_max=most,
                    period_start=starts_on,
                    period_end=ends_on,
                    evidence_type=r.measure.evidence,
                    source=source,
                )
            )
        for kpi in kpis:
            ContractKpi.objects.create(contract=contract, kpi=kpi)
        award = Award.objects.create(
            tender=tender,
            bid=winner,
            approved_by=actor,
            approved_at=now,
            decision=decision if governed else None,
            reasons=reasons.strip(),
            results=_snapshot(results),
            electronic=electronic,
            letters_sent_at=now,
            standstill_days=days,
            standstill_ends_at=ends_at,
            notice=_notice(tender, winner, commitments, days, ends_at),
        )
        tender.awarded_at = now
        tender.save(update_fields=["awarded_at", "updated_at"])
        audit.log(
            actor=actor,
            action="bidding.tender.awarded",
            obj=award,
            partnership=tender.partnership,
            data={
                "tender": tender.pk,
                "winner": winner.organisation.name,
                "decision": decision.pk if governed else None,
                "standstill_days": days,
                "standstill_ends_at": ends_at,
                "contract": contract.pk,
                "value": value,
                "derived_value": derived.value,
                "value_flags": value_flags(tender, value),
                "commitments": len(commitments),
            },
        )
        mail.award_decided(award, live_bids(tender))
    return award


def conclude_contract(*, contract, actor) -> Contract:
    now = clock.now()
    tender = contract.tender
    if not is_officer(actor, tender):
        raise DomainError("Only an officer can conclude the contract.", code="not_authorised")
    if contract.concluded_at:
        raise DomainError("The contract is already concluded.", code="concluded")
    if contract.standstill_ends_at and now < contract.standstill_ends_at:
        refuse(
            actor=actor,
            tender=tender,
            action="bidding.contract.refused_in_standstill",
            error=DomainError(
                "The standstill period has not ended: the contract cannot be concluded before "
                f"{timezone.localtime(contract.standstill_ends_at):%d %B %Y %H:%M}.",
                code="standstill",
            ),
        )
    with transaction.atomic():
        contract.concluded_at = now
        contract.save(update_fields=["concluded_at"])
        audit.log(
            actor=actor,
            action="bidding.contract.concluded",
            obj=contract,
            partnership=tender.partnership,
            data={"tender": tender.pk, "supplier": str(contract.supplier)},
        )
    return contract
