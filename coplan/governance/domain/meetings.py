"""Meetings: scheduling, agenda and papers, invitations, attendance with quorum, declarations."""

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.core.mail import mail_on_commit
from coplan.core.uploads import check_upload

from .. import ical
from ..enums import AttendanceStatus, DeclarationOutcome, InterestNature
from ..models import (
    AgendaItem,
    Attendance,
    Declaration,
    Interest,
    Meeting,
    MeetingInvitation,
    Paper,
)
from ._common import (
    ensure_member_of,
    ensure_not_cancelled,
    ensure_not_locked,
    lock_meeting,
    london_when,
    site,
)
from .bodies import seats_on

MEETING_FIELDS = ("title", "starts_at", "ends_at", "location", "online_url")
PAPER_EXTENSIONS = {
    "pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp",
    "png", "jpg", "jpeg",
}  # fmt: skip
MAX_PAPER_BYTES = 20 * 1024 * 1024


def _check_when_and_where(meeting) -> None:
    if meeting.ends_at <= meeting.starts_at:
        raise DomainError(
            "The meeting must end after it starts.", code="ends_before_start", field="ends_at"
        )
    if not (meeting.location.strip() or meeting.online_url.strip()):
        raise DomainError(
            "Give a place or an online meeting link (or both).",
            code="no_place",
            field="location",
        )


def schedule_meeting(
    *, body, actor, starts_at, ends_at, location="", online_url="", title=""
) -> Meeting:
    with transaction.atomic():
        meeting = Meeting(
            body=body,
            partnership=body.partnership,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            online_url=online_url,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _check_when_and_where(meeting)
        meeting.full_clean()
        meeting.save()
        audit.log(
            actor=actor,
            action="governance.meeting.scheduled",
            obj=meeting,
            partnership=body.partnership,
            data={"body": body.name, "starts_at": starts_at, "ends_at": ends_at},
        )
    return meeting


def update_meeting(*, meeting, actor, **values) -> dict:
    """Change the time, place or title; the calendar revision (SEQUENCE) goes up."""
    with transaction.atomic():
        locked = lock_meeting(meeting)
        ensure_not_cancelled(locked)
        ensure_not_locked(locked)
        before = {f: getattr(locked, f) for f in MEETING_FIELDS}
        for name, value in values.items():
            if name not in MEETING_FIELDS:
                raise DomainError(
                    f"{name} cannot be changed here.", code="not_editable", field=name
                )
            setattr(locked, name, value)
        _check_when_and_where(locked)
        locked.full_clean()
        changed = {
            f: [before[f], getattr(locked, f)]
            for f in MEETING_FIELDS
            if before[f] != getattr(locked, f)
        }
        if not changed:
            return {}
        locked.sequence += 1
        locked.save(update_fields=[*changed, "sequence", "updated_at"])
        audit.log(
            actor=actor,
            action="governance.meeting.updated",
            obj=locked,
            partnership=locked.partnership,
            data={"changed": changed},
        )
    meeting.refresh_from_db()
    return changed


def cancel_meeting(*, meeting, actor, reason: str, base_url: str | None = None) -> Meeting:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "Say why the meeting is cancelled.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        locked = lock_meeting(meeting)
        ensure_not_cancelled(locked)
        if locked.decisions.exists() or locked.minutes_or_none is not None:
            raise DomainError(
                "The meeting has minutes or decisions recorded: it took place and cannot be "
                "cancelled.",
                code="meeting_took_place",
            )
        locked.cancelled_at = clock.now()
        locked.cancellation_reason = reason
        locked.sequence += 1
        locked.save(update_fields=["cancelled_at", "cancellation_reason", "sequence", "updated_at"])
        audit.log(
            actor=actor,
            action="governance.meeting.cancelled",
            obj=locked,
            partnership=locked.partnership,
            data={"reason": reason},
        )
        invited = sorted(
            set(
                locked.invitations.values_list("user__email", flat=True).filter(
                    user__is_active=True
                )
            )
        )
        if invited:
            mail_on_commit(
                f"Cancelled: {locked.display_title} on {london_when(locked.starts_at)}",
                f"The {locked.body.name} meeting of {locked.partnership.title} on "
                f"{london_when(locked.starts_at)} is cancelled.\n\nReason: {reason}\n\n"
                f"{site(base_url)}{locked.get_absolute_url()}\n",
                invited,
                [
                    (
                        "cancelled.ics",
                        ical.calendar_bytes(
                            [locked], name=locked.display_title, base_url=base_url, method="CANCEL"
                        ),
                        "text/calendar",
                    )
                ],
            )
    meeting.refresh_from_db()
    return meeting


# --- agenda and papers -------------------------------------------------------------------------


def add_agenda_item(*, meeting, actor, title, description="", presenter=None) -> AgendaItem:
    title = (title or "").strip()
    if not title:
        raise DomainError("Enter the agenda item's title.", code="title_required", field="title")
    with transaction.atomic():
        locked = lock_meeting(meeting)
        ensure_not_cancelled(locked)
        ensure_not_locked(locked)
        if presenter is not None:
            ensure_member_of(locked.partnership, presenter, "presenter")
        number = (locked.agenda_items.aggregate(n=Max("number"))["n"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=locked,
            number=number,
            title=title,
            description=description,
            presenter=presenter,
        )
        audit.log(
            actor=actor,
            action="governance.agenda_item.added",
            obj=locked,
            partnership=locked.partnership,
            data={"number": number, "title": title},
        )
    return item


def add_paper(*, agenda_item, actor, title, file) -> Paper:
    name = PurePath(getattr(file, "name", "") or "").name
    extension = PurePath(name).suffix.lstrip(".").lower()
    if extension not in PAPER_EXTENSIONS:
        raise DomainError(
            "Upload a PDF, word processing, spreadsheet, presentation, text or image file.",
            code="unsupported_file",
            field="file",
        )
    if (file.size or 0) > MAX_PAPER_BYTES:
        raise DomainError("The file is larger than 20 MB.", code="file_too_large", field="file")
    if not file.size:
        raise DomainError("The file is empty.", code="empty_file", field="file")
    # Contents that match the extension (never HTML, scripts, programs); a safe stored name.
    name = check_upload(file, allowed=PAPER_EXTENSIONS, max_bytes=MAX_PAPER_BYTES)
    title = (title or "").strip() or PurePath(name).stem
    with transaction.atomic():
        locked = lock_meeting(agenda_item.meeting)
        ensure_not_cancelled(locked)
        ensure_not_locked(locked)
        paper = Paper(agenda_item=agenda_item, title=title[:200], size=file.size, uploaded_by=actor)
        paper.file.save(name, file, save=False)
        paper.save()
        audit.log(
            actor=actor,
            action="governance.paper.added",
            obj=paper,
            partnership=locked.partnership,
            data={"item": agenda_item.number, "title": paper.title, "size": paper.size},
        )
    return paper


# --- invitations -------------------------------------------------------------------------------


def send_invitations(*, meeting, actor, base_url: str | None = None) -> int:
    """Email every current member of the body an invitation with the agenda, a link to the
    meeting page and a calendar file. Sending again after a change sends an update."""
    with transaction.atomic():
        locked = lock_meeting(meeting)
        ensure_not_cancelled(locked)
        if locked.starts_at <= clock.now():
            raise DomainError(
                "The meeting has already started: invitations are for future meetings.",
                code="meeting_started",
            )
        seats = list(seats_on(locked.body).filter(user__is_active=True))
        if not seats:
            raise DomainError(
                f"The {locked.body.name} has no members to invite yet.", code="no_members"
            )
        update = locked.invitations.exists()
        now = clock.now()
        MeetingInvitation.objects.bulk_create(
            MeetingInvitation(meeting=locked, user=s.user, sequence=locked.sequence, sent_at=now)
            for s in seats
        )
        locked.invitations_sent_at = now
        locked.save(update_fields=["invitations_sent_at"])
        audit.log(
            actor=actor,
            action="governance.meeting.invitations_sent",
            obj=locked,
            partnership=locked.partnership,
            data={"recipients": [s.user.email for s in seats], "update": update},
        )
        url = site(base_url) + locked.get_absolute_url()
        agenda = [f"{i.number}. {i.title}" for i in locked.agenda_items.all()]
        where = "\n".join(
            line
            for line in (
                f"Where: {locked.location}" if locked.location else "",
                f"Online: {locked.online_url}" if locked.online_url else "",
            )
            if line
        )
        mail_on_commit(
            ("Updated invitation: " if update else "Invitation: ")
            + f"{locked.display_title}, {london_when(locked.starts_at)}",
            f"You are invited to the {locked.body.name} meeting of {locked.partnership.title}."
            f"\n\nWhen: {london_when(locked.starts_at)} to "
            f"{timezone.localtime(locked.ends_at):%H:%M} (UK time)\n{where}\n\n"
            + ("Agenda:\n" + "\n".join(agenda) + "\n\n" if agenda else "")
            + f"Papers and details: {url}\n\nSent by {actor} through Coplan.\n",
            [s.user.email for s in seats],
            [
                (
                    "invitation.ics",
                    ical.calendar_bytes(
                        [locked], name=locked.display_title, base_url=base_url, method="PUBLISH"
                    ),
                    "text/calendar",
                )
            ],
        )
    return len(seats)


# --- attendance and quorum ---------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    required: int
    present_voting: int
    present: int
    apologies: int
    absent: int
    recorded: bool  # attendance was taken (someone marked present or absent)

    @property
    def met(self) -> bool:
        return self.recorded and self.present_voting >= self.required

    @property
    def label(self) -> str:
        if not self.recorded:
            return f"Attendance not recorded yet (quorum: {self.required} voting members)"
        state = "quorate" if self.met else "not quorate"
        return (
            f"{self.present_voting} voting member{'s' if self.present_voting != 1 else ''} "
            f"present of {self.required} needed: {state}"
        )


def quorum_of(meeting, attendance=None) -> Quorum:
    """The quorum at ``meeting`` from its attendance (pass prefetched rows to save a query)."""
    rows = list(meeting.attendance.all()) if attendance is None else list(attendance)
    required = meeting.quorum_required or meeting.body.quorum
    count = {s: 0 for s in AttendanceStatus}
    voting = 0
    for row in rows:
        count[AttendanceStatus(row.status)] += 1
        if row.status == AttendanceStatus.PRESENT and row.is_voting:
            voting += 1
    return Quorum(
        required=required,
        present_voting=voting,
        present=count[AttendanceStatus.PRESENT],
        apologies=count[AttendanceStatus.APOLOGIES],
        absent=count[AttendanceStatus.ABSENT],
        recorded=bool(count[AttendanceStatus.PRESENT] or count[AttendanceStatus.ABSENT]),
    )


def record_attendance(*, meeting, actor, statuses: dict) -> Quorum:
    """Record present / apologies / absent for the body's members (``{user_id: status}``).

    Before the meeting only apologies can be recorded (leave the others blank); from its start
    everyone on the body needs a status. The body's quorum is kept with the meeting the first
    time attendance is taken, so later changes to the terms of reference do not rewrite
    history."""
    with transaction.atomic():
        locked = lock_meeting(meeting)
        ensure_not_cancelled(locked)
        ensure_not_locked(locked)
        day = timezone.localtime(locked.starts_at).date()
        seats = {s.user_id: s for s in seats_on(locked.body, on=day)}
        existing = {a.user_id: a for a in locked.attendance.select_related("user")}
        for user_id in existing:
            seats.setdefault(user_id, None)
        cleaned = {}
        for key, value in statuses.items():
            user_id = int(key)
            if user_id not in seats:
                raise DomainError(
                    "Attendance is recorded for the body's members only.",
                    code="not_on_body",
                    field="statuses",
                )
            cleaned[user_id] = AttendanceStatus(value) if value else None
        started = locked.starts_at <= clock.now()
        if not started and any(
            v not in (None, AttendanceStatus.APOLOGIES) for v in cleaned.values()
        ):
            raise DomainError(
                "Before the meeting starts you can only record apologies.",
                code="meeting_not_started",
                field="statuses",
            )
        if started:
            final = {
                uid: cleaned[uid]
                if uid in cleaned
                else (existing[uid].status if uid in existing else None)
                for uid in seats
            }
            missing = [
                str(seats[uid].user if seats[uid] else existing[uid].user)
                for uid, status in final.items()
                if status is None
            ]
            if missing:
                raise DomainError(
                    "Give an attendance status for everyone on the body: missing "
                    + ", ".join(sorted(missing))
                    + ".",
                    code="attendance_incomplete",
                    field="statuses",
                )
        for user_id, status in cleaned.items():
            row = existing.get(user_id)
            if status is None:
                if row is not None:
                    row.delete()
                continue
            if row is None:
                seat = seats[user_id]
                Attendance.objects.create(
                    meeting=locked,
                    user_id=user_id,
                    organisation=seat.organisation,
                    role_in_body=seat.role_in_body,
                    is_voting=seat.is_voting,
                    status=status,
                )
            elif row.status != status:
                row.status = status
                row.save(update_fields=["status"])
        if started and locked.quorum_required is None:
            locked.quorum_required = locked.body.quorum
            locked.save(update_fields=["quorum_required"])
        quorum = quorum_of(locked)
        audit.log(
            actor=actor,
            action="governance.attendance.recorded",
            obj=locked,
            partnership=locked.partnership,
            data={
                "present": quorum.present,
                "apologies": quorum.apologies,
                "absent": quorum.absent,
                "quorate": quorum.met,
            },
        )
    meeting.quorum_required = locked.quorum_required
    return quorum


# --- declarations of interest ------------------------------------------------------------------


def record_declaration(
    *,
    meeting,
    actor,
    person,
    interest: str,
    nature=InterestNature.NON_FINANCIAL,
    outcome=DeclarationOutcome.NOTED,
    agenda_item=None,
    register_entry: Interest | None = None,
) -> Declaration:
    """Minute a declaration of interest, for the whole meeting or for one agenda item."""
    interest = (interest or "").strip()
    if not interest:
        raise DomainError(
            "Describe the interest declared.", code="interest_required", field="interest"
        )
    with transaction.atomic():
        locked = lock_meeting(meeting)
        ensure_not_cancelled(locked)
        ensure_not_locked(locked)
        day = timezone.localtime(locked.starts_at).date()
        on_body = seats_on(locked.body, on=day).filter(user=person).exists()
        if not on_body and not locked.attendance.filter(user=person).exists():
            raise DomainError(
                f"{person} is not on the {locked.body.name}.", code="not_on_body", field="person"
            )
        if agenda_item is not None and agenda_item.meeting_id != locked.pk:
            raise DomainError(
                "That agenda item belongs to another meeting.",
                code="wrong_meeting",
                field="agenda_item",
            )
        if register_entry is not None and register_entry.user_id != person.pk:
            raise DomainError(
                "That register entry belongs to someone else.",
                code="not_their_interest",
                field="register_entry",
            )
        declaration = Declaration.objects.create(
            meeting=locked,
            agenda_item=agenda_item,
            user=person,
            nature=InterestNature(nature),
            interest=interest,
            outcome=DeclarationOutcome(outcome),
            register_entry=register_entry,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.log(
            actor=actor,
            action="governance.declaration.recorded",
            obj=declaration,
            partnership=locked.partnership,
            data={
                "person": person.email,
                "item": agenda_item.number if agenda_item else None,
                "nature": declaration.nature,
                "outcome": declaration.outcome,
            },
        )
    return declaration


def meeting_day(meeting) -> dt.date:
    return timezone.localtime(meeting.starts_at).date()
