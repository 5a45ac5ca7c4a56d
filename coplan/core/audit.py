"""Write the audit trail inside the transaction that makes the change (pretix ``log_action``).

The trail is append-only and tamper-evident: every event stores ``prev_hash`` (the hash of the
event before it in its chain) and ``hash``, the SHA-256 of its canonical content
(:func:`canonical`) including ``prev_hash``. There is one chain per partnership (its events)
and one for site-wide events (no partnership), each with its own head row
(:class:`~coplan.core.models.AuditChainHead`): appending locks only that chain's head, so
writes in two partnerships never wait on each other. :func:`verify` walks every chain and
names any entry that was edited or removed. This module is the only writer of
:class:`~coplan.core.models.AuditEvent` rows.

The chain covers an event's free text (``object_repr`` and ``data``) through its
``detail_digest``, so that erasure (UK GDPR Art. 17) can take a person's name and email out of
the text with :func:`redact` without breaking the chain: every other field of a redacted event
(who, what, when, on which object) is still verified, and the ids of the redacted events are
recorded in a ``core.audit.redacted`` event that :func:`verify` checks.
"""

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q

from . import sensitivity
from .models import AuditChainHead, AuditEvent

GENESIS = ""


def _jsonable(data):
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    actor_id,
    action,
    partnership_id,
    content_type: str,
    object_id,
    object_repr,
    data,
    created_at: dt.datetime,
    prev_hash: str,
) -> bytes:
    """The bytes an event's hash covers: sorted-key, compact JSON (UTF-8)."""
    return json.dumps(
        {
            "actor": actor_id,
            "action": action,
            "partnership": partnership_id,
            "object": [content_type, object_id, object_repr],
            "data": data,
            "timestamp": _timestamp(created_at),
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def detail_digest(object_repr: str, data) -> str:
    """SHA-256 of an event's free text (its object's description and its data)."""
    return hashlib.sha256(
        json.dumps(
            {"repr": object_repr, "data": data},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
    ).hexdigest()


def _content_type_label(content_type_id) -> str:
    if content_type_id is None:
        return ""
    ct = ContentType.objects.get_for_id(content_type_id)
    return f"{ct.app_label}.{ct.model}"


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    """The event's chain hash. Events with a ``detail_digest`` are chained over the digest of
    their free text; older events over the text itself."""
    if event.detail_digest:
        object_repr, data = None, {"detail": event.detail_digest}
    else:
        object_repr, data = event.object_repr, event.data
    return hashlib.sha256(
        canonical(
            actor_id=event.actor_id,
            action=event.action,
            partnership_id=event.partnership_id,
            content_type=_content_type_label(event.content_type_id),
            object_id=event.object_id,
            object_repr=object_repr,
            data=data,
            created_at=event.created_at,
            prev_hash=prev_hash,
        )
    ).hexdigest()


SITE_CHAIN = "site"


def chain_key(partnership_id) -> str:
    """The chain an event belongs to: its partnership's, or the site's when it has none."""
    return SITE_CHAIN if partnership_id is None else f"partnership:{partnership_id}"


def _in_chain(key: str) -> Q:
    """The events of chain ``key``, as a filter."""
    if key == SITE_CHAIN:
        return Q(partnership__isnull=True)
    return Q(partnership_id=int(key.removeprefix("partnership:")))


def _locked_head(key: str) -> AuditChainHead:
    """The head of chain ``key``, locked for this transaction: appends to one chain are
    serialised, so it never forks, while other chains stay free. On PostgreSQL the row lock
    (``SELECT … FOR UPDATE``) does it; SQLite transactions are ``IMMEDIATE`` and so already
    serialised. A new chain's head is made here (``get_or_create`` inside the transaction: two
    first writers meet on the unique ``chain`` and the second one uses the first one's row)."""
    head = AuditChainHead.objects.select_for_update().filter(chain=key).first()
    if head is None:
        AuditChainHead.objects.get_or_create(chain=key)
        head = AuditChainHead.objects.select_for_update().get(chain=key)
    return head


def log(*, actor, action: str, obj=None, partnership=None, data=None) -> AuditEvent:
    """Record ``action`` (a dotted code such as ``partnership.stage.advanced``).

    Must be called inside ``transaction.atomic()`` so that the event and the change it describes
    are committed together or not at all. ``action`` must have a declared sensitivity
    (:mod:`coplan.core.sensitivity`); an event about a person other than the actor names them
    in ``data["person_id"]`` (their user id), and an event about a tender names it in
    ``data["tender"]``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"audit.log({action!r}) must run inside the change's transaction")
    if "." not in action:
        raise ValueError(f"Audit action codes are dotted, got {action!r}")
    sensitivity.of(action)  # who may see it is declared, or nothing is written
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        actor=actor,
        action=action,
        partnership=partnership,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=_jsonable(data),
    )
    event.detail_digest = detail_digest(event.object_repr, event.data)
    head = _locked_head(chain_key(event.partnership_id))
    event.prev_hash = head.last_hash
    event.hash = compute_hash(event, head.last_hash)
    event.save()
    AuditChainHead.objects.filter(pk=head.pk).update(
        last_id=event.pk, last_hash=event.hash, count=head.count + 1
    )
    return event


# Redaction (erasure).

REDACTED_ACTION = "core.audit.redacted"


def _pattern(terms) -> re.Pattern | None:
    words = sorted({t.strip() for t in terms if t and len(t.strip()) >= 3}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )


def _scrub(value, pattern: re.Pattern, replacement: str):
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_scrub(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern, replacement) for k, v in value.items()}
    return value


def redact(*, terms, replacement: str, actor=None, reason: str = "") -> list[int]:
    """Replace ``terms`` (a person's name and email address, whole words, any case) in the free
    text of every audit event, mark those events redacted, and record their ids in a
    ``core.audit.redacted`` event. Must run inside the erasure's transaction. Returns the ids."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.redact must run inside the erasure's transaction")
    pattern = _pattern(terms)
    if pattern is None:
        return []
    wanted = Q()
    for term in {t.strip() for t in terms if t and len(t.strip()) >= 3}:
        escaped = json.dumps(term)[1:-1]  # how the JSON text may hold non-ASCII letters
        wanted |= Q(object_repr__icontains=term) | Q(text__icontains=term)
        wanted |= Q(text__icontains=escaped)
    ids = []
    candidates = AuditEvent.objects.annotate(text=Cast("data", TextField())).filter(wanted)
    for event in candidates.order_by("pk").iterator():
        object_repr = _scrub(event.object_repr, pattern, replacement)
        data = _scrub(event.data, pattern, replacement)
        if (object_repr, data) == (event.object_repr, event.data):
            continue
        # the free text only: on PostgreSQL the append-only trigger lets exactly this through
        AuditEvent._base_manager.filter(pk=event.pk).update(
            object_repr=object_repr, data=data, redacted=True
        )
        ids.append(event.pk)
    if ids:
        log(actor=actor, action=REDACTED_ACTION, data={"events": ids, "reason": reason})
    return ids


# Verification.


@dataclass
class ChainState:
    """One chain as the events show it: its key, how many entries, the newest one and its hash."""

    chain: str
    count: int = 0
    last_id: int = 0
    last_hash: str = GENESIS


@dataclass
class Verification:
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    heads: list[ChainState] = field(default_factory=list)  # every chain, the site's first

    @property
    def ok(self) -> bool:
        return not self.problems


def _chain_order(key: str):
    return (0, 0) if key == SITE_CHAIN else (1, int(key.removeprefix("partnership:")))


def verify() -> Verification:
    """Walk every chain in order; report every edited entry and every gap, and compare each
    chain's end with its head row (entries removed from the end, or a whole chain removed)."""
    result = Verification()
    chains: dict[str, ChainState] = {}
    redacted, recorded = [], set()
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        key = chain_key(event.partnership_id)
        state = chains.setdefault(key, ChainState(key))
        if event.action == REDACTED_ACTION and isinstance(event.data, dict):
            recorded.update(event.data.get("events") or [])
        if event.redacted:
            redacted.append(event.pk)
        elif event.detail_digest and detail_digest(event.object_repr, event.data) != (
            event.detail_digest
        ):
            result.problems.append(
                f"#{event.pk}: edited — its description or data no longer match their digest "
                f"({event.action} at {_timestamp(event.created_at)})"
            )
        result.checked += 1
        if event.prev_hash != state.last_hash:
            where = f"after #{state.last_id}" if state.last_id else "at the start of the chain"
            result.problems.append(
                f"#{event.pk}: the chain is broken — an entry {where} was deleted or edited "
                f"(chain {key}: #{event.pk} expects previous hash {event.prev_hash[:12]}…, "
                f"found {state.last_hash[:12] or 'none'}…)"
            )
        if (event.detail_digest or not event.redacted) and compute_hash(
            event, event.prev_hash
        ) != event.hash:
            result.problems.append(
                f"#{event.pk}: edited — its content no longer matches its hash "
                f"({event.action} at {_timestamp(event.created_at)})"
            )
        state.count += 1
        state.last_id, state.last_hash = event.pk, event.hash
    for pk in redacted:
        if pk not in recorded:
            result.problems.append(
                f"#{pk}: marked redacted, but no {REDACTED_ACTION} event records its redaction"
            )
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    for key in sorted(heads.keys() | chains.keys(), key=_chain_order):
        state = chains.get(key, ChainState(key))
        head = heads.get(key)
        if head is None:
            result.problems.append(
                f"chain {key}: {state.count} entries ending at #{state.last_id}, but its chain "
                "head is missing"
            )
        elif (head.last_hash, head.count) != (state.last_hash, state.count):
            result.problems.append(
                f"chain {key}: the chain ends at #{state.last_id} with {state.count} entries, "
                f"but its head records {head.count} entries ending at #{head.last_id}: "
                + (
                    "entries at the end were deleted"
                    if state.count < head.count
                    else "the head or the entries at the end were edited"
                )
            )
        result.heads.append(state)
    return result
