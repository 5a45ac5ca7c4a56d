"""Who sees this app's audit events (:mod:`coplan.core.sensitivity`)."""

from coplan.core.sensitivity import Audience, declare

declare(
    Audience.MEMBERS,
    [
        "governance.action.created",
        "governance.action.updated",
        "governance.action.reminded",
        "governance.agenda_item.added",
        "governance.attendance.recorded",
        "governance.body.created",
        "governance.body.updated",
        "governance.body.member_added",
        "governance.body.member_removed",
        "governance.body.member_updated",
        "governance.body.terms_agreed",
        "governance.decision.recorded",
        "governance.declaration.recorded",
        "governance.interest.declared",
        "governance.interest.ended",
        "governance.interests.reviewed",
        "governance.meeting.scheduled",
        "governance.meeting.updated",
        "governance.meeting.cancelled",
        "governance.meeting.invitations_sent",
        "governance.minutes.drafted",
        "governance.minutes.updated",
        "governance.minutes.approved",
        "governance.paper.added",
    ],
)
# A person's own calendar address: only theirs to know about.
declare(Audience.CONCERNED, ["governance.calendar_feed.reset"])
