"""Response schemas more than one tendering resource answers with (a tender, its lots and benefit
requirements, the scoring model, publication blockers, clarifications and addenda)."""

import datetime as dt

from ninja import Field, Schema

from .. import queries
from ..enums import (
    BenefitMethod,
    ContractType,
    PriceMethod,
    RequirementMode,
    Route,
    TieBreak,
    ZeroPriceRule,
)
from .common import _num, _spec_key


class LotOut(Schema):
    id: int
    number: int
    title: str
    description: str
    estimated_value: str | None

    @staticmethod
    def resolve_estimated_value(obj):
        return _num(obj.estimated_value)


class ProxyOut(Schema):
    id: int
    value: str
    effective_from: dt.date
    table_version: str
    source: str

    @staticmethod
    def resolve_value(obj):
        return str(obj.value)


class TenderRequirementOut(Schema):
    id: int
    clause_id: int
    clause: str
    clause_version: int
    wording: str
    measure_id: int
    measure: str
    unit: str
    evidence: str
    mode: RequirementMode
    minimum: str | None
    points_per_unit: str | None
    spec_requirement_id: int | None = Field(
        None, description="The specification requirement it delivers (the golden thread)."
    )
    spec_requirement_key: str | None = Field(
        None, description="That requirement's stable key, e.g. CB-1."
    )
    proxy: ProxyOut | None = Field(
        None,
        description="For a scored commitment monetised with the proxy table (no points per "
        "unit): the £ per unit in force on the publication day (today for a draft).",
    )

    @staticmethod
    def resolve_proxy(obj):
        return getattr(obj, "proxy", None)

    @staticmethod
    def resolve_spec_requirement_key(obj):
        return _spec_key(obj)

    @staticmethod
    def resolve_clause_id(obj):
        return obj.clause_version.clause_id

    @staticmethod
    def resolve_clause(obj):
        return obj.clause_version.clause.title

    @staticmethod
    def resolve_clause_version(obj):
        return obj.clause_version.number

    @staticmethod
    def resolve_wording(obj):
        return obj.clause_version.wording

    @staticmethod
    def resolve_measure(obj):
        return obj.measure.name

    @staticmethod
    def resolve_unit(obj):
        return obj.measure.unit

    @staticmethod
    def resolve_evidence(obj):
        return obj.measure.evidence

    @staticmethod
    def resolve_minimum(obj):
        return _num(obj.minimum)

    @staticmethod
    def resolve_points_per_unit(obj):
        return _num(obj.points_per_unit)


class TenderOut(Schema):
    id: int
    partnership_id: int
    reference: str
    title: str
    description: str
    status: str
    contract_type: ContractType
    estimated_value: str | None
    vat_included: bool
    vat_rate: str
    value_ex_vat: str | None
    duration_months: int | None
    route: Route
    strategy_date: dt.date | None
    regulated: bool | None
    cb_duty: bool | None
    rules_version: dict
    cb_summary: str
    cb_no_requirements_reasons: str
    clarification_deadline: dt.datetime | None
    submission_deadline: dt.datetime | None
    opening_at: dt.datetime | None
    planned_award_on: dt.date | None
    published_at: dt.datetime | None
    lots: list[LotOut]
    benefit_requirements: list[TenderRequirementOut]

    @staticmethod
    def resolve_status(obj):
        return obj.status.value

    @staticmethod
    def resolve_estimated_value(obj):
        return _num(obj.estimated_value)

    @staticmethod
    def resolve_vat_rate(obj):
        return _num(obj.vat_rate)

    @staticmethod
    def resolve_value_ex_vat(obj):
        return None if obj.value_ex_vat is None else str(obj.value_ex_vat)

    @staticmethod
    def resolve_lots(obj):
        return list(queries.lots_of(obj))

    @staticmethod
    def resolve_benefit_requirements(obj):
        return queries.requirement_rows(obj)


class TenderCriterionOut(Schema):
    id: int
    parent_id: int | None
    name: str
    question: str
    weight: str
    scale_max: int
    minimum_score: int | None = Field(
        None,
        description="A bid scoring below this on the question (0 to scale_max) is "
        "non-compliant: not ranked, and it cannot win. Null for no minimum.",
    )
    is_group: bool
    spec_requirement_id: int | None = Field(
        None, description="The specification requirement it assesses (the golden thread)."
    )
    spec_requirement_key: str | None = Field(
        None, description="That requirement's stable key, e.g. SL-2."
    )

    @staticmethod
    def resolve_spec_requirement_key(obj):
        return _spec_key(obj)

    @staticmethod
    def resolve_weight(obj):
        return _num(obj.weight)

    @staticmethod
    def resolve_is_group(obj):
        return bool(getattr(obj, "_is_group", False))


class TenderElementOut(Schema):
    id: int
    name: str
    weight: str
    unit: str = Field(description="What one unit is, for a rate per unit; empty for a lump sum.")
    annual_volume: str | None = Field(
        description="The published estimated volume a year (rate × volume × years is the "
        "evaluated price); null for a lump sum."
    )

    @staticmethod
    def resolve_weight(obj):
        return _num(obj.weight)

    @staticmethod
    def resolve_annual_volume(obj):
        return None if obj.annual_volume is None else _num(obj.annual_volume)


class TenderFindingOut(Schema):
    code: str
    message: str
    field: str | None = None


class ModelOut(Schema):
    price_method: PriceMethod
    price_weight: str
    quality_weight: str
    benefit_weight: str
    benefit_method: BenefitMethod
    zero_price_rule: ZeroPriceRule
    tie_break: TieBreak
    quality_minimum: str | None
    criteria: list[TenderCriterionOut]
    price_elements: list[TenderElementOut]
    valid: bool
    errors: list[TenderFindingOut]
    warnings: list[TenderFindingOut]
    description: list[str]


class BlockerOut(Schema):
    code: str
    message: str
    url: str = ""


class ClarificationOut(Schema):
    id: int
    number: int
    question: str
    asked_by: str | None = None
    asked_at: dt.datetime | None = None
    answer: str
    answered_at: dt.datetime | None


class AddendumOut(Schema):
    id: int
    number: int
    title: str
    body: str
    published_at: dt.datetime
