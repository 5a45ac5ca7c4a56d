"""Calendar feeds: a secret URL per person, for their meetings and for a body's meetings; the
output parsed back with ``icalendar``."""

import datetime as dt

import icalendar
from django.urls import reverse

from coplan.core.models import AuditEvent
from coplan.governance import domain
from coplan.governance.models import CalendarFeed

from .factories import meeting_of


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_a_persons_feed_has_the_meetings_of_their_bodies(gov, client):
    steering = meeting_of(gov.steering, days_ahead=7, title="Pilot review")
    design = meeting_of(gov.design, days_ahead=8, online_url="https://meet.example.org/dc")
    cancelled = meeting_of(gov.steering, days_ahead=9)
    domain.cancel_meeting(meeting=cancelled, actor=None, reason="Snow")
    feed = domain.calendar_feed(gov.people["facilitator"])  # sits on both bodies

    calendar = parse(client.get(reverse("governance_personal:calendar.feed", args=[feed.secret])))

    events = {str(e["uid"]): e for e in calendar.events}
    assert set(events) == {f"{m.uid}@coplan" for m in (steering, design, cancelled)}
    event = events[f"{steering.uid}@coplan"]
    assert str(event["summary"]) == f"Pilot review — {gov.partnership.title}"
    assert event.start == steering.starts_at
    assert event.start.tzinfo.key == "Europe/London"
    assert str(event["url"]).endswith(
        f"/partnerships/{gov.partnership.pk}/governance/meetings/{steering.pk}/"
    )
    assert str(event["location"]) == "Civic Centre, Committee Room 2"
    assert str(events[f"{design.uid}@coplan"]["location"]).endswith("https://meet.example.org/dc")
    assert str(events[f"{cancelled.uid}@coplan"]["status"]) == "CANCELLED"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/London"


def test_the_feed_leaves_out_bodies_the_person_is_not_on(gov, client):
    meeting_of(gov.design, days_ahead=8)
    feed = domain.calendar_feed(gov.people["steering"])
    calendar = parse(client.get(reverse("governance_personal:calendar.feed", args=[feed.secret])))
    assert calendar.events == []


def test_a_bodys_feed_is_for_members_of_its_partnership(gov, client):
    meeting = meeting_of(gov.design, days_ahead=8)
    feed = domain.calendar_feed(gov.people["observer"])  # on no body, but a member
    url = reverse("governance_personal:calendar.body_feed", args=[feed.secret, gov.design.pk])
    calendar = parse(client.get(url))
    assert [str(e["uid"]) for e in calendar.events] == [f"{meeting.uid}@coplan"]
    assert str(calendar["x-wr-calname"]) == f"Design committee — {gov.partnership.title}"
    outsider = domain.calendar_feed(gov.people["outsider"])
    url = reverse("governance_personal:calendar.body_feed", args=[outsider.secret, gov.design.pk])
    assert client.get(url).status_code == 404


def test_a_reset_secret_retires_the_old_urls(gov, client, as_user):
    person = gov.people["commissioner"]
    old = domain.calendar_feed(person).secret
    response = as_user(person).post(reverse("governance_personal:calendar.reset"))
    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=person).secret
    assert new != old and len(new) >= 40
    client.logout()
    assert client.get(reverse("governance_personal:calendar.feed", args=[old])).status_code == 404
    assert client.get(reverse("governance_personal:calendar.feed", args=[new])).status_code == 200
    assert AuditEvent.objects.filter(action="governance.calendar_feed.reset").count() == 1


def test_the_calendar_page_shows_the_feed_urls(gov, as_user):
    response = as_user(gov.people["steering"]).get(reverse("governance_personal:calendar"))
    assert response.status_code == 200
    secret = CalendarFeed.objects.get(user=gov.people["steering"]).secret
    assert response.context["person_url"] == f"http://testserver/governance/calendar/{secret}.ics"
    assert [body for body, _ in response.context["bodies"]] == [gov.steering, gov.design]


def test_an_inactive_persons_feed_stops(gov, client):
    person = gov.people["steering"]
    feed = domain.calendar_feed(person)
    person.is_active = False
    person.save()
    assert (
        client.get(reverse("governance_personal:calendar.feed", args=[feed.secret])).status_code
        == 404
    )


def test_dates_in_winter_are_greenwich_mean_time(gov):
    from coplan.governance.ical import calendar_bytes

    winter = meeting_of(gov.steering, starts_at=dt.datetime(2027, 1, 12, 10, tzinfo=dt.UTC))
    event = icalendar.Calendar.from_ical(calendar_bytes([winter], name="x")).events[0]
    assert event.start.utcoffset() == dt.timedelta(0)
    assert event.start.hour == 10
