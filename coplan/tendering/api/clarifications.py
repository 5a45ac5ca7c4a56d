"""Clarifications and addenda, the officer's side."""

from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from .. import domain
from ..models import Clarification
from .common import TENDER, _clarification_out, _tender, router
from .schemas import AddendumOut, ClarificationOut


class AnswerIn(Schema):
    published_question: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class AddendumIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)


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
