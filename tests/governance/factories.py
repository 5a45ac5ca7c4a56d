"""Governance test helpers, built with the domain functions so the data is what the app makes.

``approve_gate`` and ``agree_terms`` are also what other tests (tests/partnerships/
test_stages.py, the API tests) use to satisfy the gate criteria this app registers."""

import datetime as dt

from django.utils import timezone

from coplan.governance import domain
from coplan.governance.enums import AttendanceStatus, BodyKind, BodyRole, DecisionKind
from coplan.governance.models import Body, Meeting
from coplan.partnerships.enums import Role, Stage
from coplan.partnerships.models import Membership

STEERING_ROLES = (Role.COMMISSIONER, Role.PROCUREMENT, Role.STEERING)


def make_body(partnership, kind=BodyKind.STEERING_GROUP, *, people=(), quorum=2, **terms) -> Body:
    """A body with ``people`` ((user, role_in_body) pairs or users) seated in their first role."""
    body = domain.create_body(
        partnership=partnership, actor=None, kind=kind, quorum=quorum, **terms
    )
    for entry in people:
        user, role = entry if isinstance(entry, tuple) else (entry, BodyRole.MEMBER)
        membership = Membership.objects.filter(partnership=partnership, user=user).first()
        domain.add_body_member(
            body=body,
            actor=None,
            membership=membership,
            role_in_body=role,
            is_voting=role not in (BodyRole.SECRETARY, BodyRole.ADVISER),
        )
    return body


def meeting_of(body, *, starts_at=None, hours_ago=None, days_ahead=None, **fields) -> Meeting:
    """A meeting at ``starts_at``, ``hours_ago`` hours ago, or ``days_ahead`` days ahead."""
    now = timezone.now().replace(microsecond=0)
    if starts_at is None:
        if days_ahead is not None:
            starts_at = now + dt.timedelta(days=days_ahead)
        else:
            starts_at = now - dt.timedelta(hours=hours_ago or 3)
    fields.setdefault("location", "Civic Centre, Committee Room 2")
    return domain.schedule_meeting(
        body=body,
        actor=None,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        **fields,
    )


def all_present(meeting, overrides: dict | None = None) -> domain.Quorum:
    """Everyone on the body present, except ``overrides`` ({user: status})."""
    statuses = {
        s.user_id: AttendanceStatus.PRESENT
        for s in domain.seats_on(meeting.body, on=timezone.localtime(meeting.starts_at).date())
    }
    statuses.update({user.pk: status for user, status in (overrides or {}).items()})
    return domain.record_attendance(meeting=meeting, actor=None, statuses=statuses)


def held_meeting(body, *, hours_ago=3, overrides: dict | None = None) -> Meeting:
    """A meeting that took place ``hours_ago`` hours ago, everyone present (quorate)."""
    meeting = meeting_of(body, hours_ago=hours_ago)
    all_present(meeting, overrides)
    return meeting


def steering_group(partnership) -> Body:
    """The partnership's steering group, set up from its council roles if it has none."""
    body = Body.objects.filter(partnership=partnership, kind=BodyKind.STEERING_GROUP).first()
    if body is not None:
        return body
    people = list(
        dict.fromkeys(
            m.user
            for m in Membership.objects.filter(partnership=partnership, role__in=STEERING_ROLES)
        )
    ) or [m.user for m in Membership.objects.filter(partnership=partnership)]
    return make_body(partnership, people=people, quorum=1)


def approve_gate(partnership, stage=None) -> object:
    """The steering group approves leaving ``stage`` (the current stage by default) at a quorate
    meeting an hour ago. For tests that advance a partnership through its gates."""
    body = steering_group(partnership)
    meeting = held_meeting(body, hours_ago=1)
    partnership.refresh_from_db()
    decision = domain.record_decision(
        meeting=meeting,
        actor=None,
        kind=DecisionKind.GATE_APPROVAL,
        stage=stage or Stage(partnership.stage),
    )
    return decision


def agree_terms(partnership) -> Body:
    """The steering group agrees its terms of reference (the strategic gate needs this)."""
    body = steering_group(partnership)
    if body.tor_agreed_on is None:
        domain.record_decision(
            meeting=held_meeting(body, hours_ago=2),
            actor=None,
            kind=DecisionKind.TERMS_OF_REFERENCE,
            subject=body,
        )
        body.refresh_from_db()
    return body
