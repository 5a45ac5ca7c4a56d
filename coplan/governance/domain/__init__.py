"""Governance business actions: each guards, changes, saves, audits and notifies in one
transaction (the project convention for ``domain`` modules). Import from here:
``from coplan.governance import domain``."""

from .actions import (
    DUE_SOON_DAYS,
    OVERDUE_EVERY_DAYS,
    ReminderRun,
    create_action,
    send_reminders,
    update_action,
)
from .bodies import (
    add_body_member,
    create_body,
    remove_body_member,
    seats_on,
    update_body_member,
    update_terms,
)
from .calendar import calendar_feed, find_feed, reset_calendar_feed
from .decisions import carried, eligible_voters, record_decision, resolve_subject
from .interests import declare_interest, end_interest, review_interests
from .meetings import (
    Quorum,
    add_agenda_item,
    add_paper,
    cancel_meeting,
    quorum_of,
    record_attendance,
    record_declaration,
    schedule_meeting,
    send_invitations,
    update_meeting,
)
from .minutes import draft_minutes_awaiting, has_content, save_minutes

__all__ = [
    "DUE_SOON_DAYS",
    "OVERDUE_EVERY_DAYS",
    "Quorum",
    "ReminderRun",
    "add_agenda_item",
    "add_body_member",
    "add_paper",
    "calendar_feed",
    "cancel_meeting",
    "carried",
    "create_action",
    "create_body",
    "declare_interest",
    "draft_minutes_awaiting",
    "eligible_voters",
    "end_interest",
    "find_feed",
    "has_content",
    "quorum_of",
    "record_attendance",
    "record_decision",
    "record_declaration",
    "remove_body_member",
    "reset_calendar_feed",
    "resolve_subject",
    "review_interests",
    "save_minutes",
    "schedule_meeting",
    "seats_on",
    "send_invitations",
    "send_reminders",
    "update_action",
    "update_body_member",
    "update_meeting",
    "update_terms",
]
