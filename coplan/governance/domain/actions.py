"""The action log: actions with an owner, a due date and a status, linked to the meeting and
decision they came from; reminder emails before the due date and while overdue."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.core.mail import mail_on_commit
from coplan.partnerships.enums import Status

from ..enums import ActionStatus, ReminderKind
from ..models import Action, Reminder
from ._common import (
    ensure_member_of,
    ensure_not_cancelled,
    ensure_not_locked,
    lock_meeting,
    site,
)

DUE_SOON_DAYS = 3  # the first reminder goes this many days before the due date
OVERDUE_EVERY_DAYS = 7  # while overdue, a reminder at most this often


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _notify_owner(action, actor, base_url, *, reassigned: bool = False) -> None:
    if action.owner_id == getattr(actor, "pk", None) or not action.owner.is_active:
        return
    link = (
        site(base_url)
        + reverse("governance:actions", args=[action.partnership_id])
        + f"?owner={action.owner_id}"
    )
    mail_on_commit(
        f"{'Action passed to you' if reassigned else 'New action for you'}: "
        f"{action.partnership.title}",
        f"{actor or 'Coplan'} has given you an action in {action.partnership.title}, due "
        f"{_day(action.due_on)}:\n\n{action.description}\n\n"
        + (f"From: {action.meeting}\n\n" if action.meeting_id else "")
        + f"See your actions and report progress: {link}\n",
        [action.owner.email],
    )


def create_action(
    *,
    partnership,
    actor,
    description: str,
    owner,
    due_on: dt.date,
    meeting=None,
    decision=None,
    base_url: str | None = None,
) -> Action:
    description = (description or "").strip()
    if not description:
        raise DomainError("Describe the action.", code="description_required", field="description")
    if due_on is None:
        raise DomainError("Give the action a due date.", code="due_required", field="due_on")
    ensure_member_of(partnership, owner, "owner")
    if decision is not None:
        if decision.partnership_id != partnership.pk:
            raise DomainError(
                "That decision belongs to another partnership.",
                code="wrong_partnership",
                field="decision",
            )
        if meeting is not None and decision.meeting_id != meeting.pk:
            raise DomainError(
                "That decision was taken at another meeting.",
                code="wrong_meeting",
                field="decision",
            )
        meeting = meeting or decision.meeting
    with transaction.atomic():
        if meeting is not None:
            if meeting.partnership_id != partnership.pk:
                raise DomainError(
                    "That meeting belongs to another partnership.",
                    code="wrong_partnership",
                    field="meeting",
                )
            meeting = lock_meeting(meeting)
            ensure_not_cancelled(meeting)
            ensure_not_locked(meeting)
        action = Action.objects.create(
            partnership=partnership,
            body=meeting.body if meeting else None,
            meeting=meeting,
            decision=decision,
            description=description,
            owner=owner,
            due_on=due_on,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.log(
            actor=actor,
            action="governance.action.created",
            obj=action,
            partnership=partnership,
            data={
                "owner": owner.email,
                "due_on": due_on,
                "meeting": meeting.pk if meeting else None,
                "decision": decision.reference if decision else None,
            },
        )
        _notify_owner(action, actor, base_url)
    return action


def update_action(
    *,
    action,
    actor,
    status=None,
    due_on=None,
    owner=None,
    progress_note=None,
    today: dt.date | None = None,
    base_url: str | None = None,
) -> dict:
    """Report progress, complete, cancel, reopen, move the due date or pass the action on."""
    today = today or clock.today()
    with transaction.atomic():
        locked = (
            Action.objects.select_for_update()
            .select_related("owner", "partnership")
            .get(pk=action.pk)
        )
        before = {
            "status": locked.status,
            "due_on": locked.due_on,
            "owner": locked.owner.email,
            "progress_note": locked.progress_note,
        }
        if status is not None:
            status = ActionStatus(status)
            if status != locked.status:
                locked.completed_on = today if status == ActionStatus.DONE else None
                locked.status = status
        if due_on is not None:
            locked.due_on = due_on
        if owner is not None and owner.pk != locked.owner_id:
            ensure_member_of(locked.partnership, owner, "owner")
            locked.owner = owner
        if progress_note is not None:
            locked.progress_note = progress_note.strip()
        after = {
            "status": locked.status,
            "due_on": locked.due_on,
            "owner": locked.owner.email,
            "progress_note": locked.progress_note,
        }
        changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if not changed:
            return {}
        locked.save()
        audit.log(
            actor=actor,
            action="governance.action.updated",
            obj=locked,
            partnership=locked.partnership,
            data={"changed": changed},
        )
        if "owner" in changed:
            _notify_owner(locked, actor, base_url, reassigned=True)
    action.refresh_from_db()
    return changed


# --- reminders ---------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    emails: int = 0
    reminders: list[Reminder] = field(default_factory=list)


def _reminder_kind(action, today, recent) -> ReminderKind | None:
    """Which reminder ``action`` needs today, given its earlier reminders (newest first)."""
    if recent and recent[0].sent_on == today:
        return None
    if action.due_on >= today:
        if any(r.kind == ReminderKind.DUE_SOON and r.due_on == action.due_on for r in recent):
            return None
        return ReminderKind.DUE_SOON
    last_overdue = next((r for r in recent if r.kind == ReminderKind.OVERDUE), None)
    if last_overdue and (today - last_overdue.sent_on).days < OVERDUE_EVERY_DAYS:
        return None
    return ReminderKind.OVERDUE


def _reminder_email(owner, items, today, base_url) -> EmailMessage:
    lines = []
    for action, kind in items:
        late = (today - action.due_on).days
        when = (
            f"was due {_day(action.due_on)} ({late} day{'s' if late != 1 else ''} overdue)"
            if kind == ReminderKind.OVERDUE
            else f"is due {_day(action.due_on)}"
        )
        link = site(base_url) + reverse("governance:actions", args=[action.partnership_id])
        lines.append(
            f"- {action.reference} ({action.partnership.title}) {when}:\n  "
            f"{action.description}\n  {link}?owner={owner.pk}"
        )
    overdue = sum(1 for _, kind in items if kind == ReminderKind.OVERDUE)
    subject = (
        f"{overdue} overdue action{'s' if overdue != 1 else ''}"
        if overdue
        else f"Action{'s' if len(items) != 1 else ''} due soon"
    ) + " on Coplan"
    body = (
        f"Hello {owner.get_short_name()},\n\nThese actions are yours:\n\n"
        + "\n\n".join(lines)
        + "\n\nMark an action done, or give a progress note, on the action log. You get at most "
        "one reminder a day for each action.\n"
    )
    return EmailMessage(subject, body, None, [owner.email])


def send_reminders(*, today: dt.date | None = None, base_url: str | None = None) -> ReminderRun:
    """Email each owner about their actions due within ``DUE_SOON_DAYS`` days (once per due
    date) or overdue (at most every ``OVERDUE_EVERY_DAYS`` days). Safe to run repeatedly: a
    :class:`Reminder` row per action per day (unique) means at most one reminder a day, and a
    failed email rolls its rows back so the next run tries again."""
    today = today or clock.today()
    candidates = (
        Action.objects.filter(
            status__in=[s.value for s in ActionStatus.open()],
            due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            owner__is_active=True,
            partnership__status=Status.ACTIVE,
        )
        .select_related("owner", "partnership")
        .prefetch_related("reminders")
        .order_by("owner_id", "due_on", "id")
    )
    by_owner = defaultdict(list)
    for action in candidates:
        kind = _reminder_kind(action, today, list(action.reminders.all()))
        if kind is not None:
            by_owner[action.owner].append((action, kind))
    run = ReminderRun()
    for owner, items in by_owner.items():
        try:
            with transaction.atomic():
                rows = []
                for action, kind in items:
                    rows.append(
                        Reminder.objects.create(
                            action=action, kind=kind, sent_on=today, due_on=action.due_on
                        )
                    )
                    audit.log(
                        actor=None,
                        action="governance.action.reminded",
                        obj=action,
                        partnership=action.partnership,
                        data={"kind": kind.value, "owner": owner.email, "due_on": action.due_on},
                    )
                _reminder_email(owner, items, today, base_url).send()
        except IntegrityError:
            continue  # another run sent today's reminders for these actions meanwhile
        run.emails += 1
        run.reminders += rows
    return run
