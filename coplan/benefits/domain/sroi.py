"""Saved SROI analyses and their value map outcomes."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from coplan.core import audit

from .. import calc
from ..models import SroiAnalysis, SroiOutcome

ANALYSIS_FIELDS = ("title", "contract", "scope", "stakeholders", "investment", "discount_rate")
OUTCOME_FIELDS = (
    "name",
    "stakeholder",
    "indicator",
    "quantity",
    "proxy",
    "proxy_source",
    "deadweight",
    "displacement",
    "attribution",
    "drop_off",
    "duration_years",
)


def _check_analysis(investment, discount_rate) -> None:
    if investment is None or Decimal(investment) <= 0:
        raise calc.CalcInputError("Enter an investment above £0.", field="investment")
    if not 0 <= Decimal(discount_rate) < 1:
        raise calc.CalcInputError(
            "The discount rate is from 0 to below 100 %.", field="discount_rate"
        )


def _check_contract(contract, partnership) -> None:
    if contract is not None and contract.tender.partnership_id != partnership.pk:
        raise calc.CalcInputError("Choose one of this partnership's contracts.", field="contract")


def _check_outcome(data: dict) -> None:
    outcome = calc.Outcome(
        name=data.get("name", ""),
        quantity=Decimal(data.get("quantity", 0)),
        proxy=Decimal(data.get("proxy", 0)),
        deadweight=Decimal(data.get("deadweight", 0)),
        displacement=Decimal(data.get("displacement", 0)),
        attribution=Decimal(data.get("attribution", 0)),
        drop_off=Decimal(data.get("drop_off", 0)),
        duration_years=int(data.get("duration_years", 1)),
    )
    try:
        calc.validate_sroi(Decimal(1), Decimal(0), [outcome])
    except calc.CalcInputError as error:
        raise calc.CalcInputError(error.message, field=error.field.split(".", 1)[1]) from None


def create_analysis(
    *,
    partnership,
    actor,
    title: str,
    investment,
    discount_rate=calc.DEFAULT_DISCOUNT_RATE,
    scope: str = "",
    stakeholders: str = "",
    contract=None,
) -> SroiAnalysis:
    _check_analysis(investment, discount_rate)
    _check_contract(contract, partnership)
    with transaction.atomic():
        analysis = SroiAnalysis.objects.create(
            partnership=partnership,
            title=title,
            contract=contract,
            scope=scope,
            stakeholders=stakeholders,
            investment=investment,
            discount_rate=discount_rate,
            created_by=actor,
        )
        audit.log(
            actor=actor,
            action="benefits.sroi.created",
            obj=analysis,
            partnership=analysis.partnership,
            data={"title": title, "investment": investment},
        )
    return analysis


def update_analysis(*, analysis: SroiAnalysis, actor, **changes) -> SroiAnalysis:
    unknown = set(changes) - set(ANALYSIS_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    _check_analysis(
        changes.get("investment", analysis.investment),
        changes.get("discount_rate", analysis.discount_rate),
    )
    if changes.get("contract") is not None:
        _check_contract(changes["contract"], analysis.partnership)
    with transaction.atomic():
        changed = {k: v for k, v in changes.items() if getattr(analysis, k) != v}
        for key, value in changed.items():
            setattr(analysis, key, value)
        analysis.save()
        audit.log(
            actor=actor,
            action="benefits.sroi.updated",
            obj=analysis,
            partnership=analysis.partnership,
            data={"changed": sorted(changed)},
        )
    return analysis


def delete_analysis(*, analysis: SroiAnalysis, actor) -> None:
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="benefits.sroi.deleted",
            obj=analysis,
            partnership=analysis.partnership,
            data={"title": analysis.title},
        )
        analysis.delete()


def add_outcome(*, analysis: SroiAnalysis, actor, **data) -> SroiOutcome:
    unknown = set(data) - set(OUTCOME_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    _check_outcome(data)
    with transaction.atomic():
        position = (analysis.outcomes.aggregate(m=Max("position"))["m"] or 0) + 1
        outcome = SroiOutcome.objects.create(analysis=analysis, position=position, **data)
        audit.log(
            actor=actor,
            action="benefits.sroi.outcome_added",
            obj=analysis,
            partnership=analysis.partnership,
            data={"outcome": outcome.name},
        )
    return outcome


def remove_outcome(*, outcome: SroiOutcome, actor) -> None:
    analysis = outcome.analysis
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="benefits.sroi.outcome_removed",
            obj=analysis,
            partnership=analysis.partnership,
            data={"outcome": outcome.name},
        )
        outcome.delete()
