"""Shared by the tendering API's resources: the router they all register on, their paths, and the
helpers several of them use."""

from decimal import Decimal

from ninja import Router

from coplan.core.errors import DomainError
from coplan.design.models import Requirement
from coplan.tendering.scoring import engine

from .. import domain, queries
from ..models import Clarification, Tender

router = Router(tags=["tendering"])
BASE = "/partnerships/{int:pk}/tenders"
TENDER = BASE + "/{int:tender_pk}"


def _num(value) -> str | None:
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text


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


def _blocker_out(b) -> dict:
    return {"code": b.code, "message": b.message, "url": b.url}


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
