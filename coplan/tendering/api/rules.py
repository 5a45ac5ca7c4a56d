"""The procurement rules check: stateless, nothing is stored."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Schema

from coplan.core import clock

from .. import domain
from ..enums import ContractType
from .common import _num, router


class RulesQuery(Schema):
    contract_type: ContractType
    estimated_value: Decimal = Field(ge=0, description="In pounds, as entered.")
    vat_included: bool = False
    vat_rate: Decimal = Field(Decimal(20), ge=0, le=100)
    on: dt.date | None = Field(None, description="The strategy date (default today).")


class RulesOut(Schema):
    on: dt.date
    contract_type: ContractType
    value_ex_vat: str
    regulated: bool
    community_benefit_duty: bool
    regulated_threshold: str | None
    cb_threshold: str | None
    rules_version: dict[str, str | None]
    notes: list[str]


@router.get("/rules/procurement", response=RulesOut, summary="Apply the procurement rules")
def procurement_rules(request, params: Query[RulesQuery]):
    """Regulated or not, whether the community benefit duty (s.25) applies, and the value
    excluding VAT, by the statutory rules in force on ``on``; stateless (nothing is stored)."""
    result = domain.procurement_rules(
        contract_type=params.contract_type,
        estimated_value=params.estimated_value,
        vat_included=params.vat_included,
        vat_rate=params.vat_rate,
        on=params.on or clock.today(),
    )
    return {
        "on": result.on,
        "contract_type": result.contract_type,
        "value_ex_vat": str(result.value_ex_vat),
        "regulated": result.regulated,
        "community_benefit_duty": result.community_benefit_duty,
        "regulated_threshold": _num(result.regulated_threshold),
        "cb_threshold": _num(result.cb_threshold),
        "rules_version": result.rules_version,
        "notes": result.notes,
    }
