"""The evaluation model: the scoring model, its quality criteria and its price elements."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from coplan.core.errors import DomainError
from coplan.core.schemas import PatchSchema

from .. import domain
from ..enums import BenefitMethod, PriceMethod, TieBreak, ZeroPriceRule
from ..models import PriceElement, QualityCriterion, Tender
from .common import TENDER, _api_fields, _model_out, _spec_requirement, _tender, router
from .schemas import ModelOut, TenderCriterionOut, TenderElementOut


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


UNIT = "For a rate per unit, what one unit is ('meal', 'pack'); empty for a lump sum."
VOLUME = (
    "The published estimated volume a year, for a rate per unit: each bid's rate is evaluated "
    "at rate × volume × the contract's years. Null for a lump sum."
)


class ElementIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    weight: Decimal = Field(ge=0, le=100)
    unit: str = Field("", max_length=60, description=UNIT, examples=["meal"])
    annual_volume: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2, description=VOLUME, examples=["70000"]
    )


class ElementPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    weight: Decimal | None = Field(None, ge=0, le=100)
    unit: str | None = Field(None, max_length=60, description=UNIT)
    annual_volume: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2, description=VOLUME
    )


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
    fields = payload.dict(exclude_unset=True)
    # null clears the volume (a lump sum again); name, weight and unit are never null
    fields = {k: v for k, v in fields.items() if v is not None or k == "annual_volume"}
    return domain.update_price_element(element=element, actor=request.user, **fields)


@router.delete(TENDER + "/price-elements/{int:element_pk}", response={204: None})
def remove_price_element(request, pk: int, tender_pk: int, element_pk: int):
    tender = _tender(request, pk, tender_pk, "tendering.change_evaluation_model")
    element = get_object_or_404(PriceElement, pk=element_pk, tender=tender)
    domain.remove_price_element(element=element, actor=request.user)
    return Status(204, None)
