"""Tenders: list, create and read them, their procurement strategy and their lots."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from coplan.core.schemas import PatchSchema
from coplan.partnerships.queries import get_for

from .. import domain, queries
from ..enums import ContractType, Route
from ..models import Lot, Tender
from .common import BASE, TENDER, _tender, router
from .schemas import LotOut, TenderOut


class LotIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    estimated_value: Decimal | None = Field(None, ge=0)


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
