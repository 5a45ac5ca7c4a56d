"""Feedback is collected during the pilot, and a pilot can be recorded as stopped early: the
domain, the forms and the API all keep to the pilot's days (1 October 2006 to 31 March 2007
in these fixtures, plus any approved extension, minus any early stop)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.pilots import domain
from coplan.pilots.enums import PilotStatus
from coplan.pilots.models import Feedback
from tests.api.helpers import REFUSED, api_as, assert_problem

IN_PILOT = dt.datetime(2007, 1, 15, 12)


def feedback(pilot, personas, day, **extra):
    return domain.submit_feedback(
        pilot=pilot, actor=personas["service_user"], rating=4, received_on=day, **extra
    )


# --- feedback within the pilot's dates -------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (dt.date(2006, 9, 30), "has not started yet"),
        (dt.date(2007, 4, 1), "has ended"),
    ],
)
def test_feedback_outside_the_pilot_is_refused(pilot, personas, day, words):
    with pytest.raises(DomainError) as caught:
        feedback(pilot, personas, day)
    assert caught.value.code == "outside_pilot" and caught.value.field == "received_on"
    assert "1 October 2006 to 31 March 2007" in caught.value.message
    assert words in caught.value.message
    assert not Feedback.objects.exists()
    assert not AuditEvent.objects.filter(action="pilots.feedback.submitted").exists()


def test_feedback_on_the_first_and_last_day_is_kept(pilot, personas):
    feedback(pilot, personas, dt.date(2006, 10, 1))
    feedback(pilot, personas, dt.date(2007, 3, 31))
    assert Feedback.objects.count() == 2


def test_an_approved_extension_and_an_early_stop_move_the_last_day(pilot, personas):
    extension = domain.request_extension(
        pilot=pilot,
        actor=personas["facilitator"],
        new_ends_on=dt.date(2007, 5, 31),
        reason="Winter",
    )
    domain.decide_extension(extension=extension, actor=personas["commissioner"], approve=True)
    pilot.refresh_from_db()
    feedback(pilot, personas, dt.date(2007, 5, 10))  # after the planned end: extended
    pilot = domain.stop_pilot(
        pilot=pilot,
        actor=personas["commissioner"],
        stopped_on=dt.date(2007, 5, 15),
        reason="Funding ended",
    )
    with pytest.raises(DomainError, match="15 May 2007"):
        feedback(pilot, personas, dt.date(2007, 5, 16))


def test_the_feedback_form_refuses_a_date_outside_the_pilot(client, pilot, personas):
    client.force_login(personas["facilitator"])  # records paper feedback with its date
    url = reverse("pilots:feedback.new", args=[pilot.partnership_id])
    response = client.post(
        url, {"rating": "4", "received_on": "2007-04-02", "channel": "paper", "anonymous": "on"}
    )
    assert response.status_code == 200
    assert "Feedback is collected during the pilot" in response.content.decode()
    assert not Feedback.objects.exists()
    response = client.post(
        url, {"rating": "4", "received_on": "2007-03-02", "channel": "paper", "anonymous": "on"}
    )
    assert response.status_code == 302 and Feedback.objects.count() == 1


def test_a_service_user_cannot_give_feedback_once_the_pilot_has_ended(client, pilot, personas):
    client.force_login(personas["service_user"])  # no date field: the feedback is dated today
    url = reverse("pilots:feedback.new", args=[pilot.partnership_id])
    with time_machine.travel(dt.datetime(2007, 4, 2, 12)):
        response = client.post(url, {"rating": "5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Feedback is collected while the pilot runs" in page and "has ended" in page
    assert not Feedback.objects.exists()
    with time_machine.travel(IN_PILOT):
        assert client.post(url, {"rating": "5"}).status_code == 302
    assert Feedback.objects.get().received_on == IN_PILOT.date()


def test_the_api_refuses_feedback_outside_the_pilot(pilot, personas):
    url = f"/partnerships/{pilot.partnership_id}/pilot/feedback"
    api = api_as(personas["facilitator"])
    problem = assert_problem(
        api.post(url, {"rating": 4, "received_on": "2007-04-02"}), 422, REFUSED
    )
    assert problem["code"] == "outside_pilot"
    assert "1 October 2006 to 31 March 2007" in problem["detail"]
    with time_machine.travel(dt.datetime(2007, 4, 2, 12)):  # no date: today, after the end
        problem = assert_problem(api.post(url, {"rating": 4}), 422, REFUSED)
    assert problem["code"] == "outside_pilot"
    assert not Feedback.objects.exists()


# --- stopping a pilot early ------------------------------------------------------------------


def test_stopping_early_is_audited_and_ends_the_pilot(pilot, personas):
    stopped = domain.stop_pilot(
        pilot=pilot,
        actor=personas["commissioner"],
        stopped_on=dt.date(2007, 1, 31),
        reason="  The provider closed  ",
    )
    assert stopped.stopped_on == dt.date(2007, 1, 31)
    assert stopped.stop_reason == "The provider closed"
    assert stopped.last_day == dt.date(2007, 1, 31)
    assert stopped.status_on(dt.date(2007, 2, 1)) == PilotStatus.STOPPED
    event = AuditEvent.objects.get(action="pilots.pilot.stopped")
    assert event.actor == personas["commissioner"]
    assert event.data["reason"] == "The provider closed"
    with pytest.raises(DomainError, match="cannot be extended"):
        domain.request_extension(
            pilot=stopped,
            actor=personas["facilitator"],
            new_ends_on=dt.date(2007, 6, 30),
            reason="More data",
        )


@pytest.mark.parametrize(
    ("day", "reason", "code"),
    [
        (dt.date(2006, 9, 30), "Closed", "stop_outside_pilot"),
        (dt.date(2007, 3, 31), "Closed", "stop_outside_pilot"),  # its planned last day
        (dt.date(2007, 1, 31), "  ", "reason_required"),
    ],
)
def test_a_stop_must_be_within_the_pilot_and_say_why(pilot, personas, day, reason, code):
    with pytest.raises(DomainError) as caught:
        domain.stop_pilot(
            pilot=pilot, actor=personas["commissioner"], stopped_on=day, reason=reason
        )
    assert caught.value.code == code
    pilot.refresh_from_db()
    assert pilot.stopped_on is None
    assert not AuditEvent.objects.filter(action="pilots.pilot.stopped").exists()


def test_a_stop_in_the_future_is_refused(pilot, personas):
    with time_machine.travel(IN_PILOT), pytest.raises(DomainError) as caught:
        domain.stop_pilot(
            pilot=pilot,
            actor=personas["commissioner"],
            stopped_on=dt.date(2007, 2, 28),
            reason="Funding ends",
        )
    assert caught.value.code == "future_date"


def test_a_pilot_cannot_stop_before_its_records_or_feedback(pilot, personas, services, own_org):
    domain.record_delivery(
        pilot=pilot,
        actor=personas["facilitator"],
        service=services["Emergency furniture packs"],
        provider=own_org,
        delivered_on=dt.date(2007, 2, 10),
        quantity=Decimal(1),
        cost=Decimal(300),
    )
    feedback(pilot, personas, dt.date(2007, 3, 5))
    for day, words in (
        (dt.date(2007, 2, 1), "Delivery records"),
        (dt.date(2007, 3, 1), "Feedback"),
    ):
        with pytest.raises(DomainError, match=words) as caught:
            domain.stop_pilot(
                pilot=pilot, actor=personas["commissioner"], stopped_on=day, reason="Closed"
            )
        assert caught.value.code == "records_outside_pilot"
    domain.stop_pilot(
        pilot=pilot,
        actor=personas["commissioner"],
        stopped_on=dt.date(2007, 3, 5),
        reason="Closed",
    )


def test_a_pilot_changed_after_a_stop_keeps_the_stop_inside_it(pilot, personas):
    domain.stop_pilot(
        pilot=pilot,
        actor=personas["commissioner"],
        stopped_on=dt.date(2007, 1, 31),
        reason="Closed",
    )
    with pytest.raises(DomainError, match="stopped on 31 January 2007"):
        domain.update_pilot(
            pilot=pilot,
            actor=personas["facilitator"],
            starts_on=dt.date(2007, 2, 1),
            ends_on=dt.date(2007, 8, 31),
        )


def test_the_stop_page_records_and_shows_the_stop(client, pilot, personas):
    client.force_login(personas["commissioner"])
    url = reverse("pilots:pilot.stop", args=[pilot.partnership_id])
    overview = reverse("pilots:overview", args=[pilot.partnership_id])
    assert "Stop the pilot early" in client.get(overview).content.decode()
    refused = client.post(url, {"stopped_on": "2007-05-01", "reason": "Closed"})
    assert refused.status_code == 200
    assert "before its planned end" in refused.content.decode()
    response = client.post(url, {"stopped_on": "2007-01-31", "reason": "The provider closed"})
    assert response.status_code == 302 and response["Location"] == overview
    page = client.get(overview).content.decode()
    assert "31 January 2007: The provider closed" in page and "Stopped early" in page
    form = client.get(url).content.decode()
    assert "2007-01-31" in form and "The provider closed" in form
