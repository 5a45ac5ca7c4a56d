"""Publication: the evidence pack, the publication check, publishing, and the tender's OCDS
release package."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Field, Schema

from .. import domain, ocds, queries
from .common import TENDER, _blocker_out, _num, _tender, router
from .schemas import BlockerOut, TenderOut


class PublicationCheckOut(Schema):
    can_publish: bool = Field(description="Whether Publish would succeed now.")
    publish_on: dt.date = Field(description="The day checked: today, the day Publish would use.")
    blockers: list[BlockerOut] = Field(description="Each a reason Publish refuses.")
    advisories: list[BlockerOut] = Field(description="Worth reading first; they do not refuse.")


class TenderResultOut(Schema):
    label: str
    kind: str
    value: str | None
    unit: str
    target: str | None
    rag: str = Field(description="green, amber, red or none: the KPI's status (empty otherwise).")
    basis: str = Field(
        description="How a KPI's value and status were reached, judged on its full months or "
        "quarters."
    )
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

    from ..domain.publication import unclassified_artefacts

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
