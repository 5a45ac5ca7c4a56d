"""Tender documents (public once the tender is published)."""

import datetime as dt

from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile

from coplan.core.errors import DomainError

from .. import domain
from .common import TENDER, _tender, router


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
