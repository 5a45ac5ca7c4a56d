import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from coplan.core.dates import add_months, months_inclusive
from coplan.core.models import Affiliation, AuditEvent, Organisation, OrganisationType, User
from coplan.demo.loader import DEMO_PASSWORD, load_demo
from coplan.demo.story import NORTH_LANARKSHIRE, RENFREWSHIRE, SITE_ADMIN, STORIES
from coplan.partnerships import gates
from coplan.partnerships.enums import Role, Stage, StageChangeKind
from coplan.partnerships.models import Membership, Partnership
from coplan.partnerships.timeline import check_partnership
from tests import shared_demo


@pytest.fixture
def demo(demo_db):
    """What loading the shared demo answered: ``(logins, created)``."""
    return shared_demo.SHARED.loaded


def _partnership(story):
    return Partnership.objects.get(title=story.title)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Organisation, Affiliation, Partnership, Membership, AuditEvent)
    }


def test_load_demo_creates_both_partnerships_with_every_role(demo):
    logins, created = demo
    assert created is True
    for story in STORIES:
        partnership = _partnership(story)
        assert partnership.is_illustrative
        roles = set(partnership.memberships.values_list("role", flat=True))
        assert roles == {r.value for r in Role}, story.place
        assert any(text.startswith(f"{story.place} — ") for text, _ in logins)
    assert len({email for _, email in logins}) == len(logins)


def test_logins_are_sorted_by_story_then_role(demo):
    labels = [label for label, _ in demo[0]]
    assert labels[0] == "North Lanarkshire — Intermediary facilitator (CRNS)"
    assert "North Lanarkshire — Commissioner (Housing)" in labels
    assert "Renfrewshire — Commissioner (Social Work)" in labels
    last_nl = max(i for i, label in enumerate(labels) if label.startswith("North Lanarkshire"))
    first_rf = min(i for i, label in enumerate(labels) if label.startswith("Renfrewshire"))
    assert last_nl < first_rf


def test_load_demo_twice_changes_nothing(demo):
    before = _counts()
    logins, created = load_demo()
    assert created is False
    assert logins == demo[0]
    assert _counts() == before


def test_every_demo_login_can_sign_in(demo):
    request = RequestFactory().post("/login/")
    for label, email in demo[0]:
        user = authenticate(request, username=email, password=DEMO_PASSWORD)
        assert user is not None and user.email == email, label
        assert user.affiliation_set.exists() or user.is_staff, label


def test_bidder_and_site_administrator_are_not_members(demo):
    bidder = User.objects.get(email=NORTH_LANARKSHIRE.person("bidder").email)
    assert not bidder.memberships.exists()
    assert bidder.organisations.get().type == OrganisationType.PRIVATE_COMPANY
    admin = User.objects.get(email=SITE_ADMIN.email)
    assert admin.is_staff and not admin.is_superuser
    assert not admin.memberships.exists()


def test_north_lanarkshire_is_complete_and_historic(demo):
    partnership = _partnership(NORTH_LANARKSHIRE)
    assert partnership.stage == Stage.CONTRACT
    assert partnership.tender_on == dt.date(2007, 7, 1)
    advances = partnership.stage_changes.filter(kind=StageChangeKind.ADVANCED).order_by(
        "created_at"
    )
    assert [c.to_stage for c in advances] == [s.value for s in Stage.ordered()[1:]]
    assert [c.created_at.date().strftime("%Y-%m") for c in advances] == [
        "2006-02",
        "2006-04",
        "2006-10",
        "2007-06",
        "2007-10",
    ]
    assert not partnership.stage_changes.exclude(kind=StageChangeKind.ADVANCED).exists()
    # the audit trail is historic too
    assert partnership.created_at.year == 2006
    events = partnership.audit_events.all()
    assert events.filter(action="partnership.stage.advanced").count() == 5
    # the story runs from January 2006 to the contract's end in September 2010
    assert {e.created_at.year for e in events} <= {2006, 2007, 2008, 2009, 2010}
    # the lead authority and the steering group
    assert partnership.lead_authority.name == "North Lanarkshire Council"
    assert partnership.intermediary.name == "Community Recycling Network for Scotland"
    commissioner = partnership.memberships.get(role=Role.COMMISSIONER)
    assert commissioner.organisation.name == "North Lanarkshire Council — Housing"
    assert len(gates.steering_departments(partnership)) == 6


def test_north_lanarkshire_timeline_has_no_errors(demo):
    check = check_partnership(_partnership(NORTH_LANARKSHIRE))
    assert check.errors == []
    assert check.months_before_tender == 18
    assert check.pilot_months == 6


def test_north_lanarkshire_steering_group_is_cross_departmental(demo):
    partnership = _partnership(NORTH_LANARKSHIRE)
    criterion = next(
        c for c in gates.criteria_for(Stage.STRATEGIC) if c.code == "cross_departmental_group"
    )
    assert criterion.check(partnership).met
    change = partnership.stage_changes.get(from_stage=Stage.STRATEGIC)
    recorded = next(c for c in change.criteria if c["code"] == "cross_departmental_group")
    assert recorded["met"]


def test_renfrewshire_is_in_its_pilot_around_today(demo):
    partnership = _partnership(RENFREWSHIRE)
    today = timezone.localdate()
    assert partnership.stage == Stage.PILOT
    assert partnership.started_on == add_months(today, -12) - dt.timedelta(days=21)
    assert partnership.tender_on == add_months(today, 5)
    assert partnership.pilot_starts_on == add_months(today, -7)
    assert partnership.pilot_starts_on <= today <= partnership.pilot_ends_on
    assert months_inclusive(partnership.pilot_starts_on, partnership.pilot_ends_on) == 9
    advances = partnership.stage_changes.filter(kind=StageChangeKind.ADVANCED)
    assert advances.count() == 3
    assert all(c.created_at.date() < today for c in advances)
    assert check_partnership(partnership).errors == []
    commissioner = partnership.memberships.get(role=Role.COMMISSIONER)
    assert commissioner.organisation.name == "Renfrewshire Council — Social Work"
    roar = {m.organisation.name for m in partnership.memberships.filter(role=Role.SE_PARTNER)}
    assert "Paisley Good Neighbours" in roar and len(roar) >= 3


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 2, 28), dt.date(2027, 1, 31), dt.date(2028, 2, 29), dt.date(2026, 12, 27)],
)
def test_renfrewshire_loads_on_awkward_days(db, today):
    with time_machine.travel(dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC), tick=False):
        assert load_demo()[1] is True
        partnership = _partnership(RENFREWSHIRE)
        assert partnership.stage == Stage.PILOT
        assert check_partnership(partnership).errors == []
        for change in partnership.stage_changes.all():
            day = timezone.localtime(change.created_at).date()
            assert day < today and day.weekday() < 5


def test_demo_command_prints_logins_and_password(db):
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert "Demo data loaded." in text
    assert DEMO_PASSWORD in text
    for email in ("alan.docherty@example.org", "neil.cunningham@example.org"):
        assert email in text
    assert "North Lanarkshire — Commissioner (Housing)" in text

    again = StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert "already present" in again.getvalue()
