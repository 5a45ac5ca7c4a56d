"""Data protection API (staff): the register, subject access, erasure and retention. A person
may also fetch their own subject access export. Refusals are problem bodies."""

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from coplan.core.errors import DomainError

from . import privacy

router = Router(tags=["privacy"])


def _staff(request):
    if not request.user.has_perm("ops.manage_privacy"):
        raise PermissionDenied("Only Coplan staff can manage personal data.")


class CategoryOut(Schema):
    key: str
    title: str
    holds: str
    about: str
    purpose: str
    lawful_basis: str
    retention: str
    access: bool
    erasure: bool
    automatic_retention: bool


@router.get("/privacy/register", response=list[CategoryOut])
def register(request):
    """The data protection register: every category of personal data Coplan holds."""
    _staff(request)
    return [
        {
            **{f: getattr(c, f) for f in ("key", "title", "holds", "about", "purpose")},
            "lawful_basis": c.lawful_basis,
            "retention": c.retention,
            "access": c.export is not None,
            "erasure": c.erase is not None,
            "automatic_retention": c.retain is not None,
        }
        for c in privacy.categories()
    ]


@router.get("/privacy/people/{int:person_id}/export")
def export(request, person_id: int):
    """Subject access: everything Coplan holds about a person (staff, or the person)."""
    person = get_object_or_404(get_user_model(), pk=person_id)
    if person.pk != request.user.pk:
        _staff(request)
    return json.loads(json.dumps(privacy.export_person(person), cls=DjangoJSONEncoder))


class ErasureIn(Schema):
    confirm_email: str


class ErasureOut(Schema):
    id: int
    full_name: str
    anonymised: dict[str, int]


@router.post("/privacy/people/{int:person_id}/erase", response=ErasureOut)
def erase(request, person_id: int, payload: ErasureIn):
    """Erase a person (irreversible). ``confirm_email`` must be their email address."""
    _staff(request)
    person = get_object_or_404(get_user_model(), pk=person_id)
    if payload.confirm_email.strip().lower() != person.email.lower():
        raise DomainError(
            "confirm_email must be the person's email address.",
            code="confirmation",
            field="confirm_email",
        )
    counts = privacy.erase_person(person=person, actor=request.user)
    return {"id": person.pk, "full_name": person.full_name, "anonymised": counts}


class RetentionOut(Schema):
    today: dt.date
    dry_run: bool
    total: int
    categories: dict[str, int]


@router.post("/privacy/retention", response=RetentionOut)
def retention(request, dry_run: bool = True):
    """Apply the retention rules (``?dry_run=false``) or report what is due (default)."""
    _staff(request)
    run = privacy.apply_retention(dry_run=dry_run, actor=request.user)
    return {
        "today": run.today,
        "dry_run": run.dry_run,
        "total": run.total,
        "categories": {c.key: n for c, n in run.results},
    }
