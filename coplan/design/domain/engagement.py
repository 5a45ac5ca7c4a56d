"""Engagement activities: workshops, surveys, interviews, focus groups and drop-ins, with their
named attendance (optional), attachments and open contribution links."""

from pathlib import PurePath

from django.db import transaction

from coplan.core import audit
from coplan.core.errors import DomainError
from coplan.core.uploads import check_upload

from ..models import Attachment, Attendance, EngagementActivity, UserGroup
from ._common import changes, require_member, same_partnership, snapshot

ACTIVITY_FIELDS = (
    "title",
    "method",
    "held_on",
    "place",
    "online",
    "participant_count",
    "facilitator",
    "notes",
)
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".txt",
    ".csv",
    ".xlsx",
    ".ods",
    ".pptx",
    ".jpg",
    ".jpeg",
    ".png",
    ".mp3",
    ".m4a",
}


def ensure_user_groups(*, partnership, names) -> list[UserGroup]:
    """The partnership's user groups with these names, created when new (case-insensitive)."""
    groups = []
    for raw in names:
        name = " ".join((raw or "").split())[:120]
        if not name:
            continue
        group = UserGroup.objects.filter(partnership=partnership, name__iexact=name).first()
        if group is None:
            group = UserGroup.objects.create(partnership=partnership, name=name)
        if group not in groups:
            groups.append(group)
    return groups


def _set_groups(activity, user_groups, new_user_groups) -> list[str]:
    groups = list(user_groups or [])
    for group in groups:
        same_partnership(group, activity.partnership, field="user_groups", what="user group")
    groups += ensure_user_groups(partnership=activity.partnership, names=new_user_groups or [])
    activity.user_groups.set(groups)
    return sorted({g.name for g in groups})


def _check(activity) -> None:
    if not activity.online and not (activity.place or "").strip():
        raise DomainError(
            "Enter where the activity took place, or say it was online.",
            code="place_required",
            field="place",
        )
    require_member(activity.facilitator, activity.partnership, field="facilitator")


def create_activity(
    *, partnership, actor, user_groups=(), new_user_groups=(), **fields
) -> EngagementActivity:
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.", code="invalid")
    activity = EngagementActivity(partnership=partnership, created_by=actor, **fields)
    _check(activity)
    activity.full_clean()
    with transaction.atomic():
        activity.save()
        groups = _set_groups(activity, user_groups, new_user_groups)
        audit.log(
            actor=actor,
            action="design.activity.created",
            obj=activity,
            partnership=partnership,
            data={
                "method": activity.method,
                "held_on": activity.held_on,
                "participants": activity.participant_count,
                "user_groups": groups,
            },
        )
    return activity


def update_activity(
    *, activity, actor, user_groups=None, new_user_groups=(), **fields
) -> EngagementActivity:
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.", code="invalid")
    with transaction.atomic():
        locked = EngagementActivity.objects.select_for_update().get(pk=activity.pk)
        before = snapshot(locked, fields)
        before_groups = sorted(g.name for g in locked.user_groups.all())
        for name, value in fields.items():
            setattr(locked, name, value)
        _check(locked)
        locked.full_clean()
        changed = changes(before, locked)
        if changed:
            locked.save()
        if user_groups is not None or new_user_groups:
            base = locked.user_groups.all() if user_groups is None else user_groups
            groups = _set_groups(locked, list(base), new_user_groups)
            if groups != before_groups:
                changed["user_groups"] = [before_groups, groups]
        if changed:
            audit.log(
                actor=actor,
                action="design.activity.updated",
                obj=locked,
                partnership=locked.partnership,
                data={"changed": changed},
            )
    activity.refresh_from_db()
    return activity


def add_attendance(*, activity, actor, consent, user_group=None) -> Attendance:
    """Record a named participant. Their consent must be recorded first and still active."""
    same_partnership(consent, activity.partnership, field="consent", what="consent record")
    if not consent.is_active:
        raise DomainError(
            f"{consent.person_name} has withdrawn consent: record them as an anonymous count.",
            code="consent_withdrawn",
            field="consent",
        )
    if activity.attendances.filter(consent=consent).exists():
        raise DomainError(
            f"{consent.person_name} is already on the attendance list.",
            code="already_attending",
            field="consent",
        )
    with transaction.atomic():
        attendance = Attendance.objects.create(
            activity=activity, consent=consent, user_group=user_group or consent.user_group
        )
        named = activity.attendances.count()
        if named > activity.participant_count:
            activity.participant_count = named
            activity.save(update_fields=["participant_count", "updated_at"])
        audit.log(
            actor=actor,
            action="design.attendance.added",
            obj=activity,
            partnership=activity.partnership,
            data={"consent": consent.pk, "named_attendees": named},
        )
    return attendance


def remove_attendance(*, attendance, actor) -> None:
    activity = attendance.activity
    with transaction.atomic():
        data = {"consent": attendance.consent_id}
        attendance.delete()
        audit.log(
            actor=actor,
            action="design.attendance.removed",
            obj=activity,
            partnership=activity.partnership,
            data=data,
        )


def add_attachment(*, activity, actor, file, title="") -> Attachment:
    name = PurePath(getattr(file, "name", "") or "").name
    if PurePath(name).suffix.lower() not in ATTACHMENT_TYPES:
        raise DomainError(
            "Attach a document, spreadsheet, image or audio file (PDF, Word, ODT, text, CSV, "
            "XLSX, PowerPoint, JPEG, PNG, MP3).",
            code="unsupported_file",
            field="file",
        )
    if file.size > MAX_ATTACHMENT_BYTES:
        raise DomainError("The file is larger than 20 MB.", code="file_too_large", field="file")
    # Size, emptiness, and contents that match the extension (never HTML, scripts, programs).
    name = check_upload(file, allowed=ATTACHMENT_TYPES, max_bytes=MAX_ATTACHMENT_BYTES)
    attachment = Attachment(
        activity=activity, title=(title or "").strip() or name, size=file.size, uploaded_by=actor
    )
    attachment.file.save(name, file, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            audit.log(
                actor=actor,
                action="design.attachment.added",
                obj=attachment,
                partnership=activity.partnership,
                data={"activity": activity.pk, "file": name, "bytes": file.size},
            )
    except Exception:
        attachment.file.delete(save=False)  # no row, no orphan file
        raise
    return attachment


def open_link(*, activity, actor) -> EngagementActivity:
    """Let anyone with the link post ideas and feedback to this activity (an open engagement)."""
    with transaction.atomic():
        locked = EngagementActivity.objects.select_for_update().get(pk=activity.pk)
        if locked.open_token:
            raise DomainError("The open link is already on.", code="link_open")
        locked.open_token = EngagementActivity.new_token()
        locked.save(update_fields=["open_token", "updated_at"])
        audit.log(
            actor=actor,
            action="design.activity.link_opened",
            obj=locked,
            partnership=locked.partnership,
        )
    activity.open_token = locked.open_token
    return activity


def close_open_link(*, activity, actor) -> EngagementActivity:
    with transaction.atomic():
        locked = EngagementActivity.objects.select_for_update().get(pk=activity.pk)
        if not locked.open_token:
            raise DomainError("The open link is already off.", code="link_closed")
        locked.open_token = None
        locked.save(update_fields=["open_token", "updated_at"])
        audit.log(
            actor=actor,
            action="design.activity.link_closed",
            obj=locked,
            partnership=locked.partnership,
        )
    activity.open_token = None
    return activity
