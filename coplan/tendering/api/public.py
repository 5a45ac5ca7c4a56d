"""Published tenders (no token), bidder registration and the bidders' clarifications."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Field, Schema, Status

from coplan.consortium.models import Consortium
from coplan.core.errors import DomainError
from coplan.core.models import Organisation

from .. import domain, ocds, queries
from .common import _clarification_out, _model_out, router
from .schemas import AddendumOut, ClarificationOut, ModelOut, TenderOut


class QuestionIn(Schema):
    question: str = Field(min_length=1)


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
