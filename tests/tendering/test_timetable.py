"""The timetable: a minimum period for bids (longer when co-designers may bid, F1), the
clarification deadline before it, opening after it, award after opening, and the PSP
timeline (T1, T3)."""

import datetime as dt

import pytest

from coplan.core.errors import DomainError
from coplan.partnerships.enums import Role
from coplan.partnerships.models import Membership
from coplan.tendering import domain
from coplan.tendering.domain.timetable import CO_DESIGN_EXTRA_DAYS, MIN_SUBMISSION_DAYS

from .conftest import at


def fields(check):
    return [f for f, _ in check.errors]


def test_the_minimum_period_is_longer_when_co_designers_may_bid(world):
    tender, today = world.tender, world.today
    check = domain.check_timetable(tender, publish_on=today)
    assert (MIN_SUBMISSION_DAYS, CO_DESIGN_EXTRA_DAYS) == (30, 14)
    assert check.co_designers_may_bid is True  # the persona social enterprise partner
    assert check.minimum_days == 44
    assert check.ok  # bids due 45 days after publication
    # Published two days later, the 45 days shrink to 43: one short.
    later = domain.check_timetable(tender, publish_on=today + dt.timedelta(days=2))
    assert fields(later) == ["submission_deadline"]
    assert "at least 44 days" in later.errors[0][1]
    assert "co-designed" in later.errors[0][1]


def test_without_partners_who_may_bid_the_statutory_30_days_apply(world):
    Membership.objects.filter(partnership=world.partnership, role=Role.SE_PARTNER).delete()
    world.partnership.__dict__.pop("roster", None)
    check = domain.check_timetable(world.tender, publish_on=world.today + dt.timedelta(days=10))
    assert check.co_designers_may_bid is False
    assert check.minimum_days == 30
    assert check.ok


def test_the_order_of_the_deadlines(world):
    tender, officer, today = world.tender, world.people["procurement"], world.today
    with pytest.raises(DomainError) as refused:
        domain.set_timetable(
            tender=tender, actor=officer, clarification_deadline=at(today + dt.timedelta(50))
        )
    assert refused.value.field == "clarification_deadline"
    domain.set_timetable(
        tender=tender,
        actor=officer,
        clarification_deadline=at(today + dt.timedelta(days=42)),
        opening_at=at(today + dt.timedelta(days=44)),
        planned_award_on=today + dt.timedelta(days=44),
    )
    check = domain.check_timetable(tender, publish_on=today)
    assert fields(check) == ["clarification_deadline", "opening_at", "planned_award_on"]


def test_an_incomplete_timetable_cannot_be_published(world):
    domain.set_timetable(
        tender=world.tender,
        actor=world.people["procurement"],
        opening_at=None,
        planned_award_on=None,
    )
    check = domain.check_timetable(world.tender, publish_on=world.today)
    assert fields(check) == ["opening_at", "planned_award_on"]
    assert "Timetable: Set the bid opening." in [
        b.message for b in domain.check_publication(world.tender).blockers
    ]


def test_the_psp_timeline_is_checked(world):
    # The partnership started 1 January 2006: a tender published on 1 November 2006 would be
    # 10 months later (T1 needs 12) and before the specification freezes (T3).
    check = domain.check_timetable(world.tender, publish_on=dt.date(2006, 11, 1))
    psp = [m for f, m in check.errors if f == "publication"]
    assert len(psp) == 2
    assert "10 months" in psp[0]
    assert "before the specification freezes" in psp[1]
