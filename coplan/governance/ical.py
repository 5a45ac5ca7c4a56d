"""Meetings as iCalendar (RFC 5545) with ``icalendar``: calendar feeds and invitation files.

Times are written with ``TZID=Europe/London`` and the matching VTIMEZONE; every event carries
the meeting's stable UID, a SEQUENCE that grows when the meeting changes, and the URL of the
meeting page."""

import datetime as dt

import icalendar
from django.utils import timezone

from coplan.core import clock

PRODID = "-//Coplan//Governance meetings//EN"


def _site(base_url: str | None) -> str:
    from django.conf import settings

    return (base_url or settings.SITE_URL).rstrip("/")


def meeting_event(meeting, *, base_url: str | None = None) -> icalendar.Event:
    url = _site(base_url) + meeting.get_absolute_url()
    event = icalendar.Event()
    event.add("uid", f"{meeting.uid}@coplan")
    event.add("dtstamp", clock.now().astimezone(dt.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    event.add("sequence", meeting.sequence)
    event.add("dtstart", timezone.localtime(meeting.starts_at))
    event.add("dtend", timezone.localtime(meeting.ends_at))
    event.add("summary", f"{meeting.display_title} — {meeting.partnership.title}")
    where = [w for w in (meeting.location, meeting.online_url) if w]
    if where:
        event.add("location", ", ".join(where))
    lines = [f"{meeting.body.name} of {meeting.partnership.title}."]
    if meeting.online_url:
        lines.append(f"Join online: {meeting.online_url}")
    lines.append(f"Agenda, papers and minutes: {url}")
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
    return event


def calendar_bytes(meetings, *, name: str, base_url: str | None = None, method: str = "") -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, base_url=base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
