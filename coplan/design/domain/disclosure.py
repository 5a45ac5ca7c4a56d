"""Bidder disclosure classes (docs/disclosure.md, F1): every design artefact is published to all
bidders, redacted then published, or kept internal with a reason. Classification is metadata:
it may change on a frozen specification version, whose content may not.

This module is the one home of the F1 rule (docs/disclosure.md): the pilots app classifies its
evaluations and results through :func:`check` and :func:`record` too (pilots may import design,
never the reverse)."""

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError

from ..enums import Disclosure
from ..models import Attachment


def _partnership_of(obj):
    if isinstance(obj, Attachment):
        return obj.activity.partnership
    return obj.partnership


def check(disclosure, reason) -> tuple[Disclosure, str]:
    """The F1 rule (docs/disclosure.md): a class a person can choose, and a reason when it stays
    internal. Returns the class and the stripped reason, or refuses (codes
    ``invalid_disclosure`` on ``disclosure`` and ``reason_required`` on ``reason``)."""
    try:
        value = Disclosure(disclosure)
    except ValueError:
        raise DomainError(
            f"{disclosure!r} is not a disclosure class.",
            code="invalid_disclosure",
            field="disclosure",
        ) from None
    if value == Disclosure.UNCLASSIFIED:
        raise DomainError(
            "Choose publish, redact then publish, or internal only.",
            code="invalid_disclosure",
            field="disclosure",
        )
    reason = (reason or "").strip()
    if value == Disclosure.INTERNAL_ONLY and not reason:
        raise DomainError(
            "Say why it stays internal: bidders who did not co-design must get the same "
            "information unless there is a reason.",
            code="reason_required",
            field="reason",
        )
    return value, reason


def record(*, obj, actor, value: Disclosure, reason: str, now, action: str, partnership, data=None):
    """Store a checked class (see :func:`check`) on any artefact with the disclosure fields, and
    audit it as ``action`` with ``data`` plus ``from``, ``to`` and ``reason``. Metadata only:
    written with an update, so a frozen artefact's content is untouched. Runs inside the
    caller's transaction."""
    before = obj.disclosure
    obj.disclosure, obj.disclosure_reason = value, reason
    obj.classified_by, obj.classified_at = actor, now
    type(obj).objects.filter(pk=obj.pk).update(
        disclosure=value, disclosure_reason=reason, classified_by=actor, classified_at=now
    )
    audit.log(
        actor=actor,
        action=action,
        obj=obj,
        partnership=partnership,
        data={**(data or {}), "from": before, "to": value.value, "reason": reason},
    )


def _apply(obj, actor, value, reason, now) -> None:
    record(
        obj=obj,
        actor=actor,
        value=value,
        reason=reason,
        now=now,
        action="design.disclosure.classified",
        partnership=_partnership_of(obj),
        data={"model": obj._meta.model_name},
    )


def classify(*, obj, actor, disclosure, reason="") -> None:
    value, reason = check(disclosure, reason)
    with transaction.atomic():
        _apply(obj, actor, value, reason, clock.now())


def classify_many(*, partnership, objs, actor, disclosure, reason="") -> int:
    """Classify several artefacts of one partnership at once (one audit event each)."""
    value, reason = check(disclosure, reason)
    objs = list(objs)
    if not objs:
        raise DomainError("Choose at least one item to classify.", code="required", field="ids")
    now = clock.now()
    with transaction.atomic():
        for obj in objs:
            if _partnership_of(obj).pk != partnership.pk:
                raise DomainError("That belongs to another partnership.", code="wrong_partnership")
            _apply(obj, actor, value, reason, now)
    return len(objs)
