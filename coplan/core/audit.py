"""Write the audit trail inside the transaction that makes the change (pretix ``log_action``)."""

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from .models import AuditEvent


def _jsonable(data):
    import json

    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def log(*, actor, action: str, obj=None, partnership=None, data=None) -> AuditEvent:
    """Record ``action`` (a dotted code such as ``partnership.stage.advanced``).

    Must be called inside ``transaction.atomic()`` so that the event and the change it describes
    are committed together or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"audit.log({action!r}) must run inside the change's transaction")
    if "." not in action:
        raise ValueError(f"Audit action codes are dotted, got {action!r}")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        partnership=partnership,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=_jsonable(data),
    )
