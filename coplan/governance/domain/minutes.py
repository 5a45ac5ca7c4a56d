"""Minutes: drafted after the meeting, approved at a later meeting by a decision (see
:func:`coplan.governance.domain.decisions.record_decision`), then locked."""

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError

from ..enums import MinutesStatus
from ..models import Minutes
from ._common import ensure_held, ensure_not_cancelled, ensure_not_locked, lock_meeting


def save_minutes(*, meeting, actor, text: str = "", item_minutes: dict | None = None) -> Minutes:
    """Write or revise the draft minutes: the general text and one note per agenda item
    (``{agenda_item_id: text}``). Approved minutes are locked and refuse every change."""
    item_minutes = {int(k): (v or "").strip() for k, v in (item_minutes or {}).items()}
    with transaction.atomic():
        locked = lock_meeting(meeting)
        ensure_not_cancelled(locked)
        ensure_held(locked, "minutes")
        ensure_not_locked(locked)
        items = {i.pk: i for i in locked.agenda_items.all()}
        unknown = set(item_minutes) - set(items)
        if unknown:
            raise DomainError(
                "Minutes can only be written for this meeting's agenda items.",
                code="wrong_meeting",
                field="item_minutes",
            )
        text = (text or "").strip()
        minutes = locked.minutes_or_none
        created = minutes is None
        if created:
            minutes = Minutes(meeting=locked)
        changed_items = []
        for pk, note in item_minutes.items():
            if items[pk].minute != note:
                items[pk].minute = note
                items[pk].save(update_fields=["minute"])
                changed_items.append(items[pk].number)
        if not created and minutes.text == text and not changed_items:
            return minutes
        if not created:
            minutes.version += 1
        minutes.text = text
        minutes.drafted_by = actor if getattr(actor, "is_authenticated", False) else None
        minutes.updated_at = clock.now()
        minutes.save()
        audit.log(
            actor=actor,
            action="governance.minutes.drafted" if created else "governance.minutes.updated",
            obj=locked,
            partnership=locked.partnership,
            data={"version": minutes.version, "items": sorted(changed_items)},
        )
    return minutes


def has_content(minutes: Minutes) -> bool:
    return bool(minutes.text.strip()) or any(
        i.minute.strip() for i in minutes.meeting.agenda_items.all()
    )


def draft_minutes_awaiting(body, before=None):
    """Draft minutes of the body's earlier meetings that a meeting could approve."""
    qs = Minutes.objects.filter(meeting__body=body, status=MinutesStatus.DRAFT).select_related(
        "meeting", "meeting__body"
    )
    if before is not None:
        qs = qs.filter(meeting__starts_at__lt=before)
    return qs.order_by("meeting__starts_at")
