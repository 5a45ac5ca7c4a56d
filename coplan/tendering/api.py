"""Tendering API: the stateless procurement rules check, tenders (strategy, lots, criteria and
scoring model, community benefit requirements, timetable, evidence pack, publication), bidder
registration, clarifications and addenda, the OCDS release package, and the shared clause
library. The same domain functions and permissions as the pages; refusals are problem bodies
(404 outsiders, 403 role, 422 rule naming the field). Published tenders and their OCDS
packages are public (no token)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from coplan.api.schemas import PatchSchema
from coplan.core.errors import DomainError
from coplan.core.models import Organisation
from coplan.partnerships.queries import get_for
from coplan.tendering.scoring import engine

from . import domain, ocds, queries
from .enums import (
    BenefitMethod,
    ClauseType,
    ContractType,
    PriceMethod,
    RequirementMode,
    Route,
    TieBreak,
    ZeroPriceRule,
)
from .models import (
    BenefitRequirement,
    Clarification,
    Clause,
    Lot,
    Measure,
    PriceElement,
    QualityCriterion,
    Tender,
)

router = Router(tags=["tendering"])
BASE = "/partnerships/{int:pk}/tenders"
TENDER = BASE + "/{int:tender_pk}"


def _num(value) -> str | None:
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text


# --- schemas -------------------------------------------------------------------------------------


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


class LotOut(Schema):
    id: int
    number: int
    title: str
    description: str
    estimated_value: str | None

    @staticmethod
    def resolve_estimated_value(obj):
        return _num(obj.estimated_value)


class LotIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    estimated_value: Decimal | None = Field(None, ge=0)


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


class TenderRequirementIn(Schema):
    measure_id: int
    mode: RequirementMode
    minimum: Decimal | None = Field(None, ge=0)
    points_per_unit: Decimal | None = Field(None, ge=0)
    notes: str = ""
    spec_requirement_id: int | None = Field(
        None,
        description="The partnership's specification requirement it delivers (the golden "
        "thread), if any.",
    )


class TenderRequirementPatch(PatchSchema):
    django_model = BenefitRequirement

    mode: RequirementMode | None = None
    minimum: Decimal | None = Field(None, ge=0)
    points_per_unit: Decimal | None = Field(None, ge=0)
    notes: str | None = None
    spec_requirement_id: int | None = Field(
        None, description="The specification requirement it delivers; null for none."
    )


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


class TenderIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    reference: str = Field(min_length=1, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")
    description: str = ""
    contract_type: ContractType = ContractType.SERVICES
    estimated_value: Decimal | None = Field(None, ge=0)
    vat_included: bool = False
    vat_rate: Decimal = Field(Decimal(20), ge=0, le=100)
    duration_months: int | None = Field(None, ge=1)
    route: Route = Route.OPEN
    strategy_date: dt.date | None = None
    cb_summary: str = ""
    cb_no_requirements_reasons: str = ""


class StrategyPatch(PatchSchema):
    django_model = Tender

    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    contract_type: ContractType | None = None
    estimated_value: Decimal | None = Field(None, ge=0)
    vat_included: bool | None = None
    vat_rate: Decimal | None = Field(None, ge=0, le=100)
    duration_months: int | None = Field(None, ge=1)
    route: Route | None = None
    strategy_date: dt.date | None = None
    cb_summary: str | None = None
    cb_no_requirements_reasons: str | None = None


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


class CriterionIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    question: str = ""
    weight: Decimal = Field(Decimal(0), ge=0, le=100)
    parent_id: int | None = None
    scale_max: int = Field(4, ge=1, le=10)
    minimum_score: int | None = Field(
        None,
        ge=0,
        le=10,
        description="The lowest score (0 to scale_max) a compliant bid may have on the "
        "question; null for no minimum.",
    )
    spec_requirement_id: int | None = Field(
        None,
        description="The partnership's specification requirement it assesses (the golden "
        "thread), if any.",
    )


class CriterionPatch(PatchSchema):
    django_model = QualityCriterion

    name: str | None = Field(None, min_length=1, max_length=200)
    question: str | None = None
    weight: Decimal | None = Field(None, ge=0, le=100)
    scale_max: int | None = Field(None, ge=1, le=10)
    minimum_score: int | None = Field(
        None, ge=0, le=10, description="The question's minimum score; null for none."
    )
    parent_id: int | None = Field(
        None, description="The group to put it in; null for the top level."
    )
    spec_requirement_id: int | None = Field(
        None, description="The specification requirement it assesses; null for none."
    )


class TenderElementOut(Schema):
    id: int
    name: str
    weight: str

    @staticmethod
    def resolve_weight(obj):
        return _num(obj.weight)


class ElementIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    weight: Decimal = Field(ge=0, le=100)


class ElementPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    weight: Decimal | None = Field(None, ge=0, le=100)


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


class ModelPatch(PatchSchema):
    django_model = Tender

    price_method: PriceMethod | None = None
    price_weight: Decimal | None = Field(None, ge=0, le=100)
    benefit_weight: Decimal | None = Field(None, ge=0, le=100)
    benefit_method: BenefitMethod | None = None
    zero_price_rule: ZeroPriceRule | None = None
    tie_break: TieBreak | None = None
    quality_minimum: Decimal | None = Field(None, ge=0, le=100)


class TemplateIn(Schema):
    template: str


class TimetableIn(Schema):
    clarification_deadline: dt.datetime | None = None
    submission_deadline: dt.datetime | None = None
    opening_at: dt.datetime | None = None
    planned_award_on: dt.date | None = None


class ProblemItem(Schema):
    field: str
    message: str


class TimetableOut(Schema):
    clarification_deadline: dt.datetime | None
    submission_deadline: dt.datetime | None
    opening_at: dt.datetime | None
    planned_award_on: dt.date | None
    publish_on: dt.date | None
    minimum_days: int
    co_designers_may_bid: bool
    ok: bool
    errors: list[ProblemItem]
    warnings: list[str]


class BlockerOut(Schema):
    code: str
    message: str
    url: str = ""


class PublicationCheckOut(Schema):
    can_publish: bool = Field(description="Whether Publish would succeed now.")
    publish_on: dt.date = Field(description="The day checked: today, the day Publish would use.")
    blockers: list[BlockerOut] = Field(description="Each a reason Publish refuses.")
    advisories: list[BlockerOut] = Field(description="Worth reading first; they do not refuse.")


class ClarificationOut(Schema):
    id: int
    number: int
    question: str
    asked_by: str | None = None
    asked_at: dt.datetime | None = None
    answer: str
    answered_at: dt.datetime | None


class QuestionIn(Schema):
    question: str = Field(min_length=1)


class AnswerIn(Schema):
    published_question: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class AddendumOut(Schema):
    id: int
    number: int
    title: str
    body: str
    published_at: dt.datetime


class AddendumIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)


class RegistrationIn(Schema):
    organisation_id: int


class RegistrationOut(Schema):
    id: int
    tender: str
    organisation_id: int
    organisation: str
    consortium_id: int | None
    registered_at: dt.datetime

    @staticmethod
    def resolve_tender(obj):
        return obj.tender.reference

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name


class MeasureOut(Schema):
    id: int
    name: str
    unit: str
    evidence: str
    proxies: list[ProxyOut]

    @staticmethod
    def resolve_proxies(obj):
        return list(obj.proxies.all())


class TenderVersionOut(Schema):
    number: int
    wording: str
    change_note: str
    created_at: dt.datetime


class ClauseOut(Schema):
    id: int
    type: ClauseType
    title: str
    guidance: str
    is_active: bool
    version: int
    wording: str
    residence_warnings: list[str]
    measures: list[MeasureOut]
    versions: list[TenderVersionOut]

    @staticmethod
    def resolve_version(obj):
        return obj.current_version.number

    @staticmethod
    def resolve_wording(obj):
        return obj.current_version.wording

    @staticmethod
    def resolve_residence_warnings(obj):
        return domain.residence_warnings(obj.current_version.wording)

    @staticmethod
    def resolve_measures(obj):
        return list(obj.measures.all())

    @staticmethod
    def resolve_versions(obj):
        return list(obj.versions.all())


class ClauseIn(Schema):
    type: ClauseType
    title: str = Field(min_length=1, max_length=200)
    wording: str = Field(min_length=1)
    guidance: str = ""


class WordingIn(Schema):
    wording: str = Field(min_length=1)
    change_note: str = ""


class MeasureIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=60)
    evidence: str = Field(min_length=1, max_length=300)


class ProxyIn(Schema):
    value: Decimal = Field(ge=0)
    effective_from: dt.date
    table_version: str = Field(min_length=1, max_length=40)
    source: str = ""


# --- helpers -------------------------------------------------------------------------------------


def _tender(request, pk, tender_pk, perm="tendering.view_tender") -> Tender:
    return queries.get_tender(request.user, pk, tender_pk, perm)


def _spec_key(obj) -> str | None:
    """The stable key of the specification requirement ``obj`` answers (no query when it was
    read with ``select_related``)."""
    if obj.spec_requirement_id is None:
        return None
    return obj.spec_requirement.key


def _spec_requirement(tender: Tender, data: dict):
    """Replace ``spec_requirement_id`` in ``data`` with the partnership's requirement."""
    from coplan.design.models import Requirement

    if "spec_requirement_id" not in data:
        return
    spec_id = data.pop("spec_requirement_id")
    data["spec_requirement"] = None
    if spec_id is not None:
        data["spec_requirement"] = (
            Requirement.objects.select_related("version")
            .filter(pk=spec_id, version__partnership_id=tender.partnership_id)
            .first()
        )
        if data["spec_requirement"] is None:
            raise DomainError(
                "Choose a requirement of this partnership's specification.",
                field="spec_requirement_id",
            )


def _api_fields(error: DomainError) -> DomainError:
    """The API names the fields it takes: ``parent_id``, ``spec_requirement_id``."""
    if error.field in ("parent", "spec_requirement"):
        error.field = f"{error.field}_id"
    return error


def _model_out(tender: Tender) -> dict:
    errors, warnings = domain.check_model(tender)
    model = tender.scoring_model()
    try:
        description = engine.describe(model)
    except engine.ScoringInputError:
        description = []
    return {
        "price_method": tender.price_method,
        "price_weight": _num(tender.price_weight),
        "quality_weight": _num(model.quality_weight),
        "benefit_weight": _num(tender.benefit_weight),
        "benefit_method": tender.benefit_method,
        "zero_price_rule": tender.zero_price_rule,
        "tie_break": tender.tie_break,
        "quality_minimum": _num(tender.quality_minimum),
        "criteria": domain.criteria_of(tender),
        "price_elements": list(tender.price_elements.all()),
        "valid": not errors,
        "errors": [e.__dict__ for e in errors],
        "warnings": [w.__dict__ for w in warnings],
        "description": description,
    }


def _timetable_out(tender: Tender) -> dict:
    check = domain.check_timetable(tender)
    return {
        "clarification_deadline": tender.clarification_deadline,
        "submission_deadline": tender.submission_deadline,
        "opening_at": tender.opening_at,
        "planned_award_on": tender.planned_award_on,
        "publish_on": check.publish_on,
        "minimum_days": check.minimum_days,
        "co_designers_may_bid": check.co_designers_may_bid,
        "ok": check.ok,
        "errors": [{"field": f, "message": m} for f, m in check.errors],
        "warnings": check.warnings,
    }


# --- the procurement rules ----------------------------------------------------------------------


@router.get("/rules/procurement", response=RulesOut, summary="Apply the procurement rules")
def procurement_rules(request, params: Query[RulesQuery]):
    """Regulated or not, whether the community benefit duty (s.25) applies, and the value
    excluding VAT, by the statutory rules in force on ``on``; stateless (nothing is stored)."""
    result = domain.procurement_rules(
        contract_type=params.contract_type,
        estimated_value=params.estimated_value,
        vat_included=params.vat_included,
        vat_rate=params.vat_rate,
        on=params.on or timezone.localdate(),
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


# --- tenders -------------------------------------------------------------------------------------


@router.get(BASE, response=list[TenderOut])
def list_tenders(request, pk: int):
    partnership = get_for(request.user, pk, "tendering.view_tenders")
    return list(queries.tenders_of(partnership))


@router.post(BASE, response={201: TenderOut})
def create_tender(request, pk: int, payload: TenderIn):
    partnership = get_for(request.user, pk, "tendering.add_tender")
    data = payload.dict()
    tender = domain.create_tender(
        partnership=partnership,
        actor=request.user,
        title=data.pop("title"),
        reference=data.pop("reference"),
        **data,
    )
    return Status(201, tender)


@router.get(TENDER, response=TenderOut)
def get_tender(request, pk: int, tender_pk: int):
    return _tender(request, pk, tender_pk)


@router.patch(TENDER + "/strategy", response=TenderOut)
def set_strategy(request, pk: int, tender_pk: int, payload: StrategyPatch):
    tender = _tender(request, pk, tender_pk, "tendering.change_tender")
    return domain.set_strategy(
        tender=tender, actor=request.user, **payload.dict(exclude_unset=True)
    )


@router.post(TENDER + "/lots", response={201: LotOut})
def add_lot(request, pk: int, tender_pk: int, payload: LotIn):
    tender = _tender(request, pk, tender_pk, "tendering.change_tender")
    return Status(201, domain.add_lot(tender=tender, actor=request.user, **payload.dict()))


@router.delete(TENDER + "/lots/{int:lot_pk}", response={204: None})
def remove_lot(request, pk: int, tender_pk: int, lot_pk: int):
    tender = _tender(request, pk, tender_pk, "tendering.change_tender")
    domain.remove_lot(lot=get_object_or_404(Lot, pk=lot_pk, tender=tender), actor=request.user)
    return Status(204, None)


class TenderDocumentOut(Schema):
    id: int
    title: str
    uploaded_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj):
        from django.urls import reverse

        return reverse("tenders_public:document", args=[obj.tender.reference, obj.pk])


@router.get(TENDER + "/documents", response=list[TenderDocumentOut])
def list_documents(request, pk: int, tender_pk: int):
    return list(_tender(request, pk, tender_pk).documents.all())


@router.post(TENDER + "/documents", response={201: TenderDocumentOut})
def add_document(request, pk: int, tender_pk: int, title: Form[str], file: File[UploadedFile]):
    """Add a tender document (multipart: ``title`` and ``file``); public once published."""
    tender = _tender(request, pk, tender_pk, "tendering.change_tender")
    if not title.strip():
        raise DomainError("Enter a title.", field="title")
    return Status(
        201, domain.add_document(tender=tender, actor=request.user, title=title, file=file)
    )


# --- criteria and scoring model -----------------------------------------------------------------


@router.get(TENDER + "/model", response=ModelOut)
def get_model(request, pk: int, tender_pk: int):
    """The criteria tree and scoring model. Before publication only the council side sees it:
    partners who may bid get 403."""
    return _model_out(_tender(request, pk, tender_pk, "tendering.view_evaluation_model"))


@router.patch(TENDER + "/model", response=ModelOut)
def set_model(request, pk: int, tender_pk: int, payload: ModelPatch):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    domain.set_scoring_model(tender=tender, actor=request.user, **payload.dict(exclude_unset=True))
    return _model_out(tender)


@router.post(TENDER + "/model/template", response=ModelOut)
def apply_template(request, pk: int, tender_pk: int, payload: TemplateIn):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    domain.apply_template(tender=tender, actor=request.user, key=payload.template)
    return _model_out(tender)


@router.post(TENDER + "/criteria", response={201: TenderCriterionOut})
def add_criterion(request, pk: int, tender_pk: int, payload: CriterionIn):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    data = payload.dict()
    parent_id = data.pop("parent_id")
    parent = None
    if parent_id is not None:
        parent = QualityCriterion.objects.filter(pk=parent_id, tender=tender).first()
        if parent is None:
            raise DomainError("Choose a group of this tender.", field="parent_id")
    _spec_requirement(tender, data)
    try:
        criterion = domain.add_criterion(tender=tender, actor=request.user, parent=parent, **data)
    except DomainError as error:
        raise _api_fields(error) from None
    return Status(201, criterion)


@router.patch(TENDER + "/criteria/{int:criterion_pk}", response=TenderCriterionOut)
def update_criterion(request, pk: int, tender_pk: int, criterion_pk: int, payload: CriterionPatch):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    criterion = get_object_or_404(QualityCriterion, pk=criterion_pk, tender=tender)
    data = payload.dict(exclude_unset=True)
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = None
        if parent_id is not None:
            data["parent"] = QualityCriterion.objects.filter(pk=parent_id, tender=tender).first()
            if data["parent"] is None:
                raise DomainError("Choose a group of this tender.", field="parent_id")
    _spec_requirement(tender, data)
    try:
        return domain.update_criterion(criterion=criterion, actor=request.user, **data)
    except DomainError as error:
        raise _api_fields(error) from None


@router.delete(TENDER + "/criteria/{int:criterion_pk}", response={204: None})
def remove_criterion(request, pk: int, tender_pk: int, criterion_pk: int):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    criterion = get_object_or_404(QualityCriterion, pk=criterion_pk, tender=tender)
    domain.remove_criterion(criterion=criterion, actor=request.user)
    return Status(204, None)


@router.post(TENDER + "/price-elements", response={201: TenderElementOut})
def add_price_element(request, pk: int, tender_pk: int, payload: ElementIn):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    return Status(
        201, domain.add_price_element(tender=tender, actor=request.user, **payload.dict())
    )


@router.patch(TENDER + "/price-elements/{int:element_pk}", response=TenderElementOut)
def update_price_element(request, pk: int, tender_pk: int, element_pk: int, payload: ElementPatch):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    element = get_object_or_404(PriceElement, pk=element_pk, tender=tender)
    return domain.update_price_element(
        element=element, actor=request.user, **payload.dict(exclude_unset=True, exclude_none=True)
    )


@router.delete(TENDER + "/price-elements/{int:element_pk}", response={204: None})
def remove_price_element(request, pk: int, tender_pk: int, element_pk: int):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    element = get_object_or_404(PriceElement, pk=element_pk, tender=tender)
    domain.remove_price_element(element=element, actor=request.user)
    return Status(204, None)


# --- community benefit requirements, timetable -------------------------------------------------


@router.post(TENDER + "/requirements", response={201: TenderRequirementOut})
def add_requirement(request, pk: int, tender_pk: int, payload: TenderRequirementIn):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    data = payload.dict()
    measure = (
        Measure.objects.filter(pk=data.pop("measure_id"), clause__is_active=True)
        .select_related("clause")
        .first()
    )
    if measure is None:
        raise DomainError("Choose a measure of a clause in the library.", field="measure_id")
    _spec_requirement(tender, data)
    try:
        requirement = domain.add_requirement(
            tender=tender,
            actor=request.user,
            clause_version=measure.clause.current_version,
            measure=measure,
            **data,
        )
    except DomainError as error:
        raise _api_fields(error) from None
    row = next(r for r in queries.requirement_rows(tender) if r.pk == requirement.pk)
    return Status(201, row)


@router.patch(TENDER + "/requirements/{int:requirement_pk}", response=TenderRequirementOut)
def update_requirement(
    request, pk: int, tender_pk: int, requirement_pk: int, payload: TenderRequirementPatch
):
    """Change how a requirement is used, its notes, or the specification requirement it
    delivers (``spec_requirement_id``: null for none), while the tender is a draft."""
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    requirement = get_object_or_404(queries.requirements_of(tender), pk=requirement_pk)
    data = payload.dict(exclude_unset=True)
    for name in ("mode", "notes"):
        if name in data and data[name] is None:
            del data[name]
    _spec_requirement(tender, data)
    try:
        domain.update_requirement(requirement=requirement, actor=request.user, **data)
    except DomainError as error:
        raise _api_fields(error) from None
    return next(r for r in queries.requirement_rows(tender) if r.pk == requirement.pk)


@router.delete(TENDER + "/requirements/{int:requirement_pk}", response={204: None})
def remove_requirement(request, pk: int, tender_pk: int, requirement_pk: int):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    requirement = get_object_or_404(BenefitRequirement, pk=requirement_pk, tender=tender)
    domain.remove_requirement(requirement=requirement, actor=request.user)
    return Status(204, None)


@router.get(TENDER + "/timetable", response=TimetableOut)
def get_timetable(request, pk: int, tender_pk: int):
    return _timetable_out(_tender(request, pk, tender_pk))


@router.put(TENDER + "/timetable", response=TimetableOut)
def set_timetable(request, pk: int, tender_pk: int, payload: TimetableIn):
    tender = _tender(request, pk, tender_pk, "tendering.change_tender")
    domain.set_timetable(tender=tender, actor=request.user, **payload.dict())
    return _timetable_out(tender)


# --- evidence pack and publication --------------------------------------------------------------


class TenderResultOut(Schema):
    label: str
    kind: str
    value: str | None
    unit: str
    target: str | None
    commentary: str
    redacted: bool


class TenderEvaluationOut(Schema):
    title: str
    period_start: dt.date
    period_end: dt.date
    summary: str
    feedback_summary: str
    results: list[TenderResultOut]


class TenderYouSaidOut(Schema):
    you_said: str
    we_did: str


class TenderEvidenceOut(Schema):
    specification: str | None
    evaluations: list[TenderEvaluationOut]
    you_said_we_did: list[TenderYouSaidOut]
    published_artefacts: list[str]
    missing: list[str]
    unclassified: list[BlockerOut]
    pdf_url: str


@router.get(TENDER + "/evidence", response=TenderEvidenceOut)
def evidence(request, pk: int, tender_pk: int):
    """The evidence pack (F1): only what is classified for publication to all bidders, what is
    still missing, and the artefacts not classified yet (which block publication)."""
    from django.urls import reverse

    from .domain.publication import unclassified_artefacts

    tender = _tender(request, pk, tender_pk)
    pack = queries.evidence_pack(tender)
    return {
        "specification": str(pack["spec"]) if pack["spec"] else None,
        "evaluations": [
            {
                "title": e.title,
                "period_start": e.period_start,
                "period_end": e.period_end,
                "summary": e.summary,
                "feedback_summary": e.feedback_summary,
                "results": [
                    {**r, "value": _num(r["value"]), "target": _num(r["target"])} for r in results
                ],
            }
            for e, results in pack["evaluations"]
        ],
        "you_said_we_did": [
            {"you_said": row.insight.text, "we_did": row.insight.we_did} for row in pack["you_said"]
        ],
        "published_artefacts": [a.label for a in pack["published_artefacts"]],
        "missing": pack["missing"],
        "unclassified": [_blocker_out(b) for b in unclassified_artefacts(tender.partnership)],
        "pdf_url": reverse("tendering:tender.evidence_pdf", args=[pk, tender_pk]),
    }


@router.get(TENDER + "/publication-check", response=PublicationCheckOut)
def publication_check(request, pk: int, tender_pk: int):
    """What Publish would decide now (the same check): every blocking problem, including
    unclassified design and pilot artefacts and the PSP timeline for publication today, then
    the advisory ones."""
    tender = _tender(request, pk, tender_pk)
    check = domain.check_publication(tender, user=request.user)
    return {
        "can_publish": check.can_publish,
        "publish_on": check.publish_on,
        "blockers": [_blocker_out(b) for b in check.blockers],
        "advisories": [_blocker_out(b) for b in check.advisories],
    }


def _blocker_out(b) -> dict:
    return {"code": b.code, "message": b.message, "url": b.url}


@router.post(TENDER + "/publish", response=TenderOut)
def publish(request, pk: int, tender_pk: int):
    tender = _tender(request, pk, tender_pk, "tendering.publish_tender")
    return domain.publish(tender=tender, actor=request.user)


@router.get(TENDER + "/ocds", summary="The tender's OCDS release package (drafts too)")
def tender_ocds(request, pk: int, tender_pk: int):
    """A draft's package describes the unpublished criteria: only for those who may see them."""
    tender = _tender(request, pk, tender_pk)
    if not tender.published_at and not request.user.has_perm(
        "tendering.view_evaluation_model", tender
    ):
        raise PermissionDenied("The evaluation model is not published yet.")
    return ocds.release_package(tender)


# --- clarifications and addenda (the officer's side) -------------------------------------------


def _clarification_out(c: Clarification, *, internal: bool) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "question": c.question if internal else c.published_question,
        "asked_by": c.registration.organisation.name if internal else None,
        "asked_at": c.asked_at if internal else None,
        "answer": c.answer,
        "answered_at": c.answered_at,
    }


@router.get(TENDER + "/clarifications", response=list[ClarificationOut])
def list_clarifications(request, pk: int, tender_pk: int):
    tender = _tender(request, pk, tender_pk, "tendering.view_clarifications")
    return [
        _clarification_out(c, internal=True)
        for c in tender.clarifications.select_related("registration__organisation")
    ]


@router.post(TENDER + "/clarifications/{int:clarification_pk}/answer", response=ClarificationOut)
def answer_clarification(
    request, pk: int, tender_pk: int, clarification_pk: int, payload: AnswerIn
):
    tender = _tender(request, pk, tender_pk, "tendering.manage_clarifications")
    clarification = get_object_or_404(
        Clarification.objects.select_related("registration__organisation"),
        pk=clarification_pk,
        tender=tender,
    )
    domain.answer(clarification=clarification, actor=request.user, **payload.dict())
    return _clarification_out(clarification, internal=True)


@router.post(TENDER + "/addenda", response={201: AddendumOut})
def add_addendum(request, pk: int, tender_pk: int, payload: AddendumIn):
    tender = _tender(request, pk, tender_pk, "tendering.manage_clarifications")
    return Status(201, domain.publish_addendum(tender=tender, actor=request.user, **payload.dict()))


# --- public tenders, registration and the bidders' clarifications --------------------------------


class PublicTenderOut(TenderOut):
    scoring_model: ModelOut
    ocds_url: str
    addenda: list[AddendumOut]

    @staticmethod
    def resolve_scoring_model(obj):
        return _model_out(obj)

    @staticmethod
    def resolve_ocds_url(obj):
        return ocds.release_package(obj)["uri"]

    @staticmethod
    def resolve_addenda(obj):
        return list(obj.addenda.all())


@router.get("/tenders/{reference}", response=PublicTenderOut, auth=None)
def public_tender(request, reference: str):
    """A published tender: the notice, lots, community benefit requirements, criteria and
    scoring model. No token needed."""
    return queries.published_tender(reference)


@router.get("/tenders/{reference}/ocds", auth=None, summary="OCDS release package")
def public_ocds(request, reference: str):
    return ocds.release_package(queries.published_tender(reference))


@router.post("/tenders/{reference}/registrations", response={201: RegistrationOut})
def register(request, reference: str, payload: RegistrationIn):
    tender = queries.published_tender(reference)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise DomainError("Choose an organisation you work for.", field="organisation_id")
    from coplan.consortium.models import Consortium

    consortium = Consortium.objects.filter(
        partnership=tender.partnership, lead=organisation
    ).first()
    try:
        registration = domain.register_bidder(
            tender=tender, actor=request.user, organisation=organisation, consortium=consortium
        )
    except DomainError as error:
        if error.field == "organisation":
            error.field = "organisation_id"
        raise
    return Status(201, registration)


def _registration(request, tender):
    registration = domain.registration_for(tender, request.user)
    if registration is None:
        raise PermissionDenied("Register as a bidder to ask and read clarifications.")
    return registration


@router.get("/tenders/{reference}/clarifications", response=list[ClarificationOut])
def bidder_clarifications(request, reference: str):
    """Every answered clarification, as published (anonymised), for registered bidders."""
    tender = queries.published_tender(reference)
    _registration(request, tender)
    return [
        _clarification_out(c, internal=False)
        for c in tender.clarifications.filter(answered_at__isnull=False)
    ]


@router.post("/tenders/{reference}/clarifications", response={201: ClarificationOut})
def ask(request, reference: str, payload: QuestionIn):
    tender = queries.published_tender(reference)
    registration = _registration(request, tender)
    clarification = domain.ask(
        tender=tender, registration=registration, actor=request.user, question=payload.question
    )
    return Status(
        201,
        {
            "id": clarification.pk,
            "number": clarification.number,
            "question": clarification.question,
            "asked_by": registration.organisation.name,
            "asked_at": clarification.asked_at,
            "answer": "",
            "answered_at": None,
        },
    )


# --- the clause library --------------------------------------------------------------------------


def _staff(request):
    if not request.user.has_perm("tendering.change_clause"):
        raise PermissionDenied("Only staff edit the clause library.")


def _clause(clause_pk) -> Clause:
    return get_object_or_404(queries.clauses(include_inactive=True), pk=clause_pk)


@router.get("/clauses", response=list[ClauseOut])
def list_clauses(request):
    return list(queries.clauses())


@router.get("/clauses/{int:clause_pk}", response=ClauseOut)
def get_clause(request, clause_pk: int):
    return _clause(clause_pk)


@router.post("/clauses", response={201: ClauseOut})
def create_clause(request, payload: ClauseIn):
    _staff(request)
    clause = domain.create_clause(actor=request.user, **payload.dict())
    return Status(201, _clause(clause.pk))


class ClausePatch(PatchSchema):
    django_model = Clause

    type: ClauseType | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    guidance: str | None = None
    is_active: bool | None = None


@router.patch("/clauses/{int:clause_pk}", response=ClauseOut)
def update_clause(request, clause_pk: int, payload: ClausePatch):
    _staff(request)
    domain.update_clause(
        clause=_clause(clause_pk), actor=request.user, **payload.dict(exclude_unset=True)
    )
    return _clause(clause_pk)


@router.post("/clauses/{int:clause_pk}/versions", response={201: ClauseOut})
def revise_wording(request, clause_pk: int, payload: WordingIn):
    _staff(request)
    domain.revise_wording(clause=_clause(clause_pk), actor=request.user, **payload.dict())
    return Status(201, _clause(clause_pk))


@router.post("/clauses/{int:clause_pk}/measures", response={201: MeasureOut})
def add_measure(request, clause_pk: int, payload: MeasureIn):
    _staff(request)
    return Status(
        201, domain.add_measure(clause=_clause(clause_pk), actor=request.user, **payload.dict())
    )


@router.post("/measures/{int:measure_pk}/proxies", response={201: ProxyOut})
def add_proxy(request, measure_pk: int, payload: ProxyIn):
    _staff(request)
    measure = get_object_or_404(Measure, pk=measure_pk)
    return Status(201, domain.set_proxy(measure=measure, actor=request.user, **payload.dict()))
