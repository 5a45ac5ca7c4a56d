"""The governance demo, loaded the way the demo loader does: ``approve_gate`` before each stage
advance, then ``load`` once the stage history exists."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.utils import timezone

from coplan.core.dates import add_months
from coplan.core.models import AuditEvent
from coplan.demo.context import DemoStory
from coplan.governance import demo, queries
from coplan.governance.enums import ActionStatus, BodyKind, DecisionKind, MinutesStatus
from coplan.governance.health import steering_group
from coplan.governance.models import Action, Decision, Meeting
from coplan.partnerships import domain, gates
from coplan.partnerships.enums import Role, Stage, StageChangeKind
from coplan.partnerships.health import HealthStatus
from coplan.partnerships.models import StageChange
from tests.factories import (
    DepartmentFactory,
    OrganisationFactory,
    PartnershipFactory,
    member,
)

TODAY = timezone.localdate()
NL_ADVANCES = [
    dt.date(2006, 2, 14),
    dt.date(2006, 4, 11),
    dt.date(2006, 10, 2),
    dt.date(2007, 6, 5),
    dt.date(2007, 10, 1),
]


def cast(partnership):
    council = partnership.lead_authority
    for role, names in [
        (Role.COMMISSIONER, ["Housing"]),
        (Role.PROCUREMENT, ["Corporate Procurement"]),
        (Role.STEERING, ["Social Work", "Environmental Services", "Finance"]),
    ]:
        for name in names:
            member(partnership, role, DepartmentFactory(name=f"{council} — {name}", parent=council))
    member(partnership, Role.FACILITATOR, partnership.intermediary)
    for name in ["RECAP", "Beulah Scotland", "St Patrick's Furniture Project"]:
        member(partnership, Role.SE_PARTNER, OrganisationFactory(name=name))
    member(partnership, Role.SERVICE_USER)
    member(partnership, Role.EVALUATOR)
    member(partnership, Role.OBSERVER)


def advance(partnership, day: dt.date, note: str):
    """What the loader's ``_advance`` does, with the one line the lead adds."""
    demo.approve_gate(partnership, on=day, note=note)
    commissioner = partnership.memberships.get(role=Role.COMMISSIONER).user
    manual = {c.code for c in gates.criteria_for(partnership.stage) if c.manual}
    change = domain.advance_stage(partnership=partnership, actor=commissioner, confirmed=manual)
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    StageChange.objects.filter(pk=change.pk).update(created_at=when)


@pytest.fixture
def north_lanarkshire(db, own_gates):
    partnership = PartnershipFactory(
        title="North Lanarkshire furniture PSP (Homereach)", is_illustrative=True
    )
    cast(partnership)
    for day in NL_ADVANCES:
        advance(partnership, day, f"Advanced on {day}.")
    story = DemoStory(key="north_lanarkshire", partnership=partnership, today=TODAY)
    demo.load(story)
    return partnership


def build_renfrewshire(today):
    pilot_starts_on = add_months(today, -7)
    partnership = PartnershipFactory(
        title="Renfrewshire older people's PSP (ROAR)",
        is_illustrative=True,
        started_on=add_months(today, -12) - dt.timedelta(days=21),
        design_ends_on=pilot_starts_on - dt.timedelta(days=1),
        pilot_starts_on=pilot_starts_on,
        pilot_ends_on=add_months(pilot_starts_on, 9) - dt.timedelta(days=1),
        spec_freeze_on=add_months(today, 4),
        tender_on=add_months(today, 6),
    )
    cast(partnership)
    for day in [add_months(today, -12), add_months(today, -11), pilot_starts_on]:
        advance(partnership, day, "")
    story = DemoStory(key="renfrewshire", partnership=partnership, today=today)
    demo.load(story)
    return partnership


@pytest.fixture
def renfrewshire(db, own_gates):
    return build_renfrewshire(TODAY)


def held(partnership, kind):
    return list(
        Meeting.objects.filter(
            partnership=partnership, body__kind=kind, starts_at__lte=timezone.now()
        ).order_by("starts_at")
    )


@pytest.mark.parametrize("story", ["north_lanarkshire", "renfrewshire"])
def test_each_psp_gets_a_year_of_meetings_with_minutes_approved_at_the_next(story, request):
    partnership = request.getfixturevalue(story)
    for kind in (BodyKind.STEERING_GROUP, BodyKind.DESIGN_COMMITTEE):
        meetings = held(partnership, kind)
        assert len(meetings) >= 6, kind
        assert (meetings[-1].starts_at - meetings[0].starts_at).days >= 300, kind
        statuses = [m.minutes.status for m in meetings]
        assert statuses == [MinutesStatus.APPROVED] * (len(meetings) - 1) + [MinutesStatus.DRAFT]
        for earlier, later in itertools.pairwise(meetings):
            approval = earlier.minutes.approval
            assert approval.meeting == later
            assert approval.kind == DecisionKind.MINUTES_APPROVAL
        assert all(m.attendance.exists() and m.agenda_items.exists() for m in meetings)
        body = meetings[0].body
        assert body.tor_agreed_on is not None
        assert body.members.filter(left_on=None).count() >= 4


@pytest.mark.parametrize("story", ["north_lanarkshire", "renfrewshire"])
def test_gate_approvals_match_the_stage_history(story, request):
    partnership = request.getfixturevalue(story)
    advances = partnership.stage_changes.filter(kind=StageChangeKind.ADVANCED)
    assert advances.exists()
    for change in advances:
        approval = Decision.objects.get(
            partnership=partnership, kind=DecisionKind.GATE_APPROVAL, stage=change.from_stage
        )
        assert approval.meeting.body.kind == BodyKind.STEERING_GROUP
        assert approval.meeting.starts_at < change.created_at
        assert (change.created_at - approval.meeting.starts_at).days <= 10


def test_north_lanarkshire_is_historic_and_every_action_is_done(north_lanarkshire):
    partnership = north_lanarkshire
    assert partnership.stage == Stage.CONTRACT
    actions = Action.objects.filter(partnership=partnership)
    assert actions.count() >= 8
    assert set(actions.values_list("status", flat=True)) == {ActionStatus.DONE}
    events = AuditEvent.objects.filter(partnership=partnership, action__startswith="governance.")
    assert {e.created_at.year for e in events} <= {2006, 2007}
    kinds = set(Decision.objects.filter(partnership=partnership).values_list("kind", flat=True))
    assert {
        DecisionKind.SPEC_VERSION_APPROVAL,
        DecisionKind.EVALUATION_WEIGHTS_APPROVAL,
        DecisionKind.AWARD_APPROVAL,
        DecisionKind.TERMS_OF_REFERENCE,
    } <= kinds
    award = Decision.objects.get(partnership=partnership, kind=DecisionKind.AWARD_APPROVAL)
    assert award.has_vote
    assert steering_group(partnership).status == HealthStatus.ON_TRACK


def test_renfrewshire_has_overdue_actions_and_a_steering_meeting_next_week(renfrewshire):
    partnership = renfrewshire
    assert partnership.stage == Stage.PILOT
    overdue = list(queries.overdue_actions(partnership, TODAY))
    assert len(overdue) >= 3
    upcoming = queries.next_meetings(partnership).first()
    assert upcoming.body.kind == BodyKind.STEERING_GROUP
    assert 1 <= (timezone.localtime(upcoming.starts_at).date() - TODAY).days <= 10
    assert upcoming.agenda_items.count() == 5
    assert upcoming.invitations.count() == upcoming.body.members.filter(left_on=None).count()
    assert upcoming.online_url
    assert Decision.objects.filter(
        partnership=partnership, kind=DecisionKind.PILOT_EXTENSION_APPROVAL
    ).exists()
    assert steering_group(partnership).status == HealthStatus.IN_PROGRESS
    # the pilot gate waits for the steering group
    assert not gates.evaluate(partnership).results[-1].met


def test_standing_interests_are_declared_for_the_partners_and_evaluator(renfrewshire):
    evaluator = renfrewshire.memberships.get(role=Role.EVALUATOR).user
    (interest,) = queries.declared_interests(evaluator)
    assert interest.description == "Director and shareholder."
    assert not queries.review_due(evaluator)


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 2, 28), dt.date(2027, 1, 31), dt.date(2028, 2, 29), dt.date(2026, 12, 27)],
)
def test_renfrewshire_loads_on_awkward_days(db, own_gates, today):
    with time_machine.travel(dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)):
        partnership = build_renfrewshire(today)
        assert len(queries.overdue_actions(partnership, today)) >= 3
        upcoming = queries.next_meetings(partnership).get()
        assert timezone.localtime(upcoming.starts_at).weekday() < 5
