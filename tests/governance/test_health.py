"""Element 5 of the health check: the steering group's make-up (two council departments plus
procurement), its meetings, approved minutes and overdue actions."""

import datetime as dt

from coplan.governance import domain
from coplan.governance.enums import BodyKind, DecisionKind
from coplan.governance.health import steering_group
from coplan.partnerships.enums import Role
from coplan.partnerships.health import HealthStatus
from tests.factories import DepartmentFactory, PartnershipFactory, member

from .factories import held_meeting, make_body


def element_5(partnership):
    """This app's provider, as the health check calls it (other apps' providers not run)."""
    row = steering_group(partnership)
    assert row.number == 5
    return row


def test_this_app_provides_element_5():
    from coplan.partnerships.health import _PROVIDERS

    assert _PROVIDERS[5] is steering_group


def test_without_members_the_element_is_not_started(db):
    row = element_5(PartnershipFactory())
    assert (row.status, row.evidence) == (
        HealthStatus.NOT_STARTED,
        ["No steering group members yet."],
    )


def test_before_the_body_exists_the_roles_count(db):
    partnership = PartnershipFactory()
    member(partnership, Role.COMMISSIONER, DepartmentFactory(name="Housing"))
    member(partnership, Role.PROCUREMENT, DepartmentFactory(name="Corporate Procurement"))
    row = element_5(partnership)
    assert row.status == HealthStatus.IN_PROGRESS
    assert row.evidence == [
        "2 people on the steering group (commissioner, procurement and steering members).",
        "Departments represented: Corporate Procurement, Housing.",
        "The steering group is not set up in Coplan yet: no meetings recorded.",
        "No overdue actions.",
    ]


def test_a_steering_group_without_two_departments_and_procurement_is_flagged(db):
    partnership = PartnershipFactory()
    housing = DepartmentFactory(name="Housing")
    chair = member(partnership, Role.COMMISSIONER, housing)
    make_body(partnership, people=[chair], quorum=1)
    row = element_5(partnership)
    assert row.status == HealthStatus.AT_RISK
    assert row.evidence[:3] == [
        "1 person on the steering group.",
        "Departments represented: Housing.",
        "The steering group needs at least 2 council departments (now 1) and a procurement "
        "officer.",
    ]


def test_meetings_minutes_and_overdue_actions_are_evidence(db):
    partnership = PartnershipFactory()
    chair = member(partnership, Role.COMMISSIONER, DepartmentFactory(name="Housing"))
    buyer = member(partnership, Role.PROCUREMENT, DepartmentFactory(name="Procurement"))
    body = make_body(partnership, BodyKind.STEERING_GROUP, people=[chair, buyer], quorum=2)
    first = held_meeting(body, hours_ago=72)
    minutes = domain.save_minutes(meeting=first, actor=None, text="Agreed the plan.")
    second = held_meeting(body, hours_ago=2)
    domain.record_decision(
        meeting=second, actor=None, kind=DecisionKind.MINUTES_APPROVAL, subject=minutes
    )
    row = element_5(partnership)
    assert row.status == HealthStatus.ON_TRACK
    assert row.evidence[2:] == [
        "2 meetings held (2 in the last 12 months); minutes approved for 1.",
        "No overdue actions.",
    ]
    domain.create_action(
        partnership=partnership,
        actor=None,
        description="Late",
        owner=buyer,
        due_on=dt.date(2020, 1, 1),
    )
    row = element_5(partnership)
    assert row.status == HealthStatus.IN_PROGRESS
    assert row.evidence[-1] == "1 overdue action."
