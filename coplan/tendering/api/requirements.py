"""A tender's community benefit requirements (from the clause library's measures)."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from coplan.core.errors import DomainError
from coplan.core.schemas import PatchSchema

from .. import domain, queries
from ..enums import RequirementMode
from ..models import BenefitRequirement, Measure
from .common import TENDER, _api_fields, _spec_requirement, _tender, router
from .schemas import TenderRequirementOut


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
