"""One publishability rule: the checklist on the tender page, ``GET …/publication-check`` and
Publish all ask :func:`coplan.tendering.domain.check_publication` about the same day — today,
the day Publish would publish — so whatever Publish would refuse, the checklist has listed
first, in the same words; advisory findings follow and never refuse.

The case that used to slip through: the PSP timeline (T3) checked against the partnership's
planned tender date on the checklist, but against today on Publish.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from coplan.core.dates import add_months
from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.tendering import domain
from tests.api.helpers import REFUSED, api_as, assert_problem

READY = "Everything needed for publication is in place."


def d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def page_of(client, world) -> str:
    client.force_login(world.people["commissioner"])
    return client.get(world.tender.get_absolute_url()).content.decode()


def check_path(world) -> str:
    return f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/publication-check"


@pytest.fixture
def freeze_tomorrow(world):
    """The specification freezes tomorrow and the partnership plans to tender tomorrow: on the
    planned date everything passes, but publishing today would break T3."""
    tomorrow = world.today + dt.timedelta(days=1)
    world.partnership.spec_freeze_on = tomorrow
    world.partnership.tender_on = tomorrow
    world.partnership.save(update_fields=["spec_freeze_on", "tender_on"])
    world.tender.refresh_from_db()
    return tomorrow


def t3_message(today, freeze):
    return (
        f"PSP timeline (T3): published on {d(today)}, the tender would open before the "
        f"specification freezes on {d(freeze)}; publish on or after {d(freeze)}."
    )


def test_a_tender_failing_only_t3_is_refused_alike_by_checklist_api_and_publish(
    world, freeze_tomorrow, client
):
    today = world.today
    message = t3_message(today, freeze_tomorrow)
    # the planned tender date alone would pass: the timetable section's own check is clear
    assert domain.check_timetable(world.tender).ok
    check = domain.check_publication(world.tender)
    assert check.publish_on == today
    assert [(b.code, b.message) for b in check.blockers] == [("psp_timeline", message)]
    assert check.can_publish is False

    page = page_of(client, world)
    assert f"Checked for publication today, {d(today)}" in page
    assert "The tender cannot be published until:" in page
    assert message in page
    assert READY not in page

    answer = api_as(world.people["procurement"]).get(check_path(world))
    assert answer.json() == {
        "can_publish": False,
        "publish_on": today.isoformat(),
        "blockers": [{"code": "psp_timeline", "message": message, "url": ""}],
        "advisories": [],
    }

    with pytest.raises(DomainError) as refused:
        domain.publish(tender=world.tender, actor=world.people["commissioner"])
    assert refused.value.code == "publication_refused"
    assert refused.value.message == f"The tender cannot be published yet: {message}"
    assert refused.value.data == {"blockers": [{"code": "psp_timeline", "message": message}]}

    response = client.post(
        reverse("tendering:tender.publish", args=[world.partnership.pk, world.tender.pk]),
        follow=True,
    )
    assert f"The tender cannot be published yet: {message}" in response.content.decode()
    body = assert_problem(
        api_as(world.people["commissioner"]).post(
            f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/publish"
        ),
        422,
        REFUSED,
    )
    assert body["detail"] == f"The tender cannot be published yet: {message}"
    world.tender.refresh_from_db()
    assert world.tender.published_at is None
    assert not AuditEvent.objects.filter(action="tendering.tender.published").exists()


def test_on_the_day_the_specification_freezes_the_same_tender_publishes(
    world, freeze_tomorrow, client
):
    noon = timezone.make_aware(dt.datetime.combine(freeze_tomorrow, dt.time(12)))
    with time_machine.travel(noon, tick=False):
        check = domain.check_publication(world.tender)
        assert (check.publish_on, check.blockers, check.advisories) == (freeze_tomorrow, [], [])
        page = page_of(client, world)
        assert READY in page
        assert f"Checked for publication today, {d(freeze_tomorrow)}" in page
        answer = api_as(world.people["procurement"]).get(check_path(world)).json()
        assert answer == {
            "can_publish": True,
            "publish_on": freeze_tomorrow.isoformat(),
            "blockers": [],
            "advisories": [],
        }
        domain.publish(tender=world.tender, actor=world.people["commissioner"])
    world.tender.refresh_from_db()
    assert world.tender.published_at == noon
    assert AuditEvent.objects.filter(action="tendering.tender.published").count() == 1


def test_t1_says_which_day_was_checked_and_the_earliest_that_passes(world):
    world.partnership.started_on = world.today - dt.timedelta(days=100)
    world.partnership.save(update_fields=["started_on"])
    started = world.partnership.started_on
    earliest = add_months(started, 12)
    check = domain.check_publication(world.tender)
    assert [b.code for b in check.blockers] == ["psp_timeline"]
    assert check.blockers[0].message == (
        f"PSP timeline (T1): published on {d(world.today)}, the tender would open 3 months "
        f"after the PSP started on {d(started)}; it must run at least 12 months first, so "
        f"publish on or after {d(earliest)}."
    )


def test_blocking_problems_come_before_advisory_ones(world, client):
    officer = world.people["procurement"]
    domain.update_criterion(
        criterion=world.delivery,
        actor=officer,
        question="How will you build on the pilot to deliver a pack within 2 working days?",
    )
    advisory = (
        "Scoring model: “Service delivery” mentions the pilot. Criteria must not reward having "
        "delivered the pilot or being the current provider: score outcomes and methods, which "
        "every bidder can show."
    )
    # advisory only: listed, and Publish still goes ahead
    check = domain.check_publication(world.tender)
    assert check.blockers == []
    assert [(b.code, b.message, b.blocking) for b in check.advisories] == [
        ("rewards_incumbency", advisory, False)
    ]
    page = page_of(client, world)
    assert READY in page
    assert "Worth checking before you publish (these do not stop publication):" in page
    assert advisory in page

    # with a blocking problem too, the blocking one is listed first
    domain.set_timetable(tender=world.tender, actor=officer, planned_award_on=None)
    blocking = "Timetable: Set the planned award."
    check = domain.check_publication(world.tender)
    assert [b.message for b in check.items] == [blocking, advisory]
    page = page_of(client, world)
    assert READY not in page
    assert "Also worth checking (these do not stop publication):" in page
    assert page.index(blocking) < page.index(advisory)
    answer = api_as(officer).get(check_path(world)).json()
    assert [b["message"] for b in answer["blockers"]] == [blocking]
    assert [b["message"] for b in answer["advisories"]] == [advisory]
    with pytest.raises(DomainError) as refused:
        domain.publish(tender=world.tender, actor=world.people["commissioner"])
    assert refused.value.message == f"The tender cannot be published yet: {blocking}"


def test_a_partner_who_may_bid_sees_no_advisory_about_the_unpublished_criteria(world):
    domain.update_criterion(
        criterion=world.delivery,
        actor=world.people["procurement"],
        question="What did you learn as the incumbent provider?",
    )
    partner = world.people["se_partner"]
    assert domain.check_publication(world.tender, user=partner).advisories == []
    assert [b.code for b in domain.check_publication(world.tender).advisories] == [
        "rewards_incumbency"
    ]
