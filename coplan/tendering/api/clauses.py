"""The shared clause library: clauses, their wording versions, measures and proxy values."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from coplan.core.schemas import PatchSchema

from .. import domain, queries
from ..enums import ClauseType
from ..models import Clause, Measure
from .common import router
from .schemas import ProxyOut


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
