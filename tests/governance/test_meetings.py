"""Meetings: scheduling in UK time, agenda and papers, invitations by email, attendance and the
quorum, declarations of interest."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.governance import domain
from coplan.governance.enums import AttendanceStatus, DeclarationOutcome, InterestNature
from coplan.governance.models import Attendance, Meeting, MeetingInvitation

from .factories import all_present, held_meeting, meeting_of

LONDON = ZoneInfo("Europe/London")


def test_a_meeting_needs_a_place_or_a_link_and_must_end_after_it_starts(gov):
    start = dt.datetime(2026, 6, 4, 10, tzinfo=LONDON)
    with pytest.raises(DomainError) as error:
        domain.schedule_meeting(
            body=gov.steering, actor=None, starts_at=start, ends_at=start + dt.timedelta(hours=1)
        )
    assert (error.value.code, error.value.field) == ("no_place", "location")
    with pytest.raises(DomainError) as error:
        domain.schedule_meeting(
            body=gov.steering, actor=None, starts_at=start, ends_at=start, location="Room 2"
        )
    assert error.value.code == "ends_before_start"
    meeting = domain.schedule_meeting(
        body=gov.steering,
        actor=gov.people["commissioner"],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        online_url="https://meet.example.org/steering",
    )
    assert meeting.partnership == gov.partnership
    assert timezone.localtime(meeting.starts_at).hour == 10  # British Summer Time kept
    event = AuditEvent.objects.get(action="governance.meeting.scheduled")
    assert (event.actor, event.partnership) == (gov.people["commissioner"], gov.partnership)


def test_changing_a_meeting_raises_its_calendar_sequence(gov):
    meeting = meeting_of(gov.steering, days_ahead=7)
    changed = domain.update_meeting(
        meeting=meeting, actor=None, location="Renfrewshire House, Room 3.12"
    )
    assert list(changed) == ["location"]
    assert meeting.sequence == 1
    assert domain.update_meeting(meeting=meeting, actor=None, location=meeting.location) == {}
    assert meeting.sequence == 1


def test_agenda_items_are_numbered_in_order(gov):
    meeting = meeting_of(gov.steering, days_ahead=7)
    first = domain.add_agenda_item(meeting=meeting, actor=None, title="Minutes of the last meeting")
    second = domain.add_agenda_item(
        meeting=meeting, actor=None, title="Pilot report", presenter=gov.people["facilitator"]
    )
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(DomainError) as error:
        domain.add_agenda_item(
            meeting=meeting, actor=None, title="Bids", presenter=gov.people["outsider"]
        )
    assert error.value.code == "not_a_member"


def test_papers_are_checked_and_served_only_to_members(gov, as_user):
    meeting = meeting_of(gov.steering, days_ahead=7)
    item = domain.add_agenda_item(meeting=meeting, actor=None, title="Pilot report")
    with pytest.raises(DomainError) as error:
        domain.add_paper(
            agenda_item=item,
            actor=None,
            title="",
            file=SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream"),
        )
    assert error.value.code == "unsupported_file"
    paper = domain.add_paper(
        agenda_item=item,
        actor=gov.people["facilitator"],
        title="",
        file=SimpleUploadedFile("pilot-report.pdf", b"%PDF-1.7 report", "application/pdf"),
    )
    assert (paper.title, paper.filename, paper.size) == ("pilot-report", "pilot-report.pdf", 15)
    url = reverse("governance:paper", args=[gov.partnership.pk, paper.pk])
    response = as_user(gov.people["service_user"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 report"
    assert 'filename="pilot-report.pdf"' in response["Content-Disposition"]
    assert as_user(gov.people["outsider"]).get(url).status_code == 404


def test_invitations_email_every_current_member_with_a_calendar_file(
    gov, django_capture_on_commit_callbacks
):
    meeting = meeting_of(gov.steering, days_ahead=7, online_url="https://meet.example.org/sg")
    domain.add_agenda_item(meeting=meeting, actor=None, title="Interim evaluation")
    with django_capture_on_commit_callbacks(execute=True):
        sent = domain.send_invitations(
            meeting=meeting, actor=gov.people["facilitator"], base_url="https://coplan.test"
        )
    assert sent == 4
    recipients = sorted(m.to[0] for m in mail.outbox)
    expected = sorted(
        gov.people[r].email for r in ("commissioner", "procurement", "steering", "facilitator")
    )
    assert recipients == expected
    message = mail.outbox[0]
    assert message.subject.startswith("Invitation: Steering group meeting, ")
    assert "1. Interim evaluation" in message.body
    assert f"https://coplan.test{meeting.get_absolute_url()}" in message.body
    assert "Online: https://meet.example.org/sg" in message.body
    (filename, content, mimetype) = message.attachments[0]
    assert (filename, mimetype) == ("invitation.ics", "text/calendar")
    event = icalendar.Calendar.from_ical(content).events[0]
    assert str(event["uid"]) == f"{meeting.uid}@coplan"
    assert MeetingInvitation.objects.filter(meeting=meeting).count() == 4
    meeting.refresh_from_db()
    assert meeting.invitations_sent_at is not None
    # sending again after a change is an update
    domain.update_meeting(meeting=meeting, actor=None, location="Room 4")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        domain.send_invitations(meeting=meeting, actor=None)
    assert mail.outbox[0].subject.startswith("Updated invitation: ")


def test_no_invitations_for_a_meeting_that_has_started_or_a_body_without_members(gov):
    with pytest.raises(DomainError) as error:
        domain.send_invitations(meeting=held_meeting(gov.steering), actor=None)
    assert error.value.code == "meeting_started"
    gov.design.members.update(left_on=dt.date(2026, 1, 1))
    with pytest.raises(DomainError) as error:
        domain.send_invitations(meeting=meeting_of(gov.design, days_ahead=3), actor=None)
    assert error.value.code == "no_members"
    assert mail.outbox == []


def test_cancelling_tells_the_people_invited(gov, django_capture_on_commit_callbacks):
    meeting = meeting_of(gov.steering, days_ahead=7)
    with django_capture_on_commit_callbacks(execute=True):
        domain.send_invitations(meeting=meeting, actor=None)
    mail.outbox.clear()
    with pytest.raises(DomainError):
        domain.cancel_meeting(meeting=meeting, actor=None, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        domain.cancel_meeting(meeting=meeting, actor=None, reason="The chair is ill.")
    assert len(mail.outbox) == 4
    assert mail.outbox[0].subject.startswith("Cancelled: ")
    cancelled = icalendar.Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert str(cancelled["method"]) == "CANCEL"
    assert str(cancelled.events[0]["status"]) == "CANCELLED"
    with pytest.raises(DomainError) as error:
        domain.add_agenda_item(meeting=meeting, actor=None, title="Anything")
    assert error.value.code == "meeting_cancelled"


# --- attendance and quorum -------------------------------------------------------------------


def test_before_the_meeting_only_apologies_can_be_recorded(gov):
    meeting = meeting_of(gov.steering, days_ahead=2)
    steering = gov.people["steering"]
    quorum = domain.record_attendance(
        meeting=meeting, actor=None, statuses={steering.pk: AttendanceStatus.APOLOGIES}
    )
    assert (quorum.apologies, quorum.recorded, quorum.met) == (1, False, False)
    with pytest.raises(DomainError) as error:
        domain.record_attendance(
            meeting=meeting, actor=None, statuses={steering.pk: AttendanceStatus.PRESENT}
        )
    assert error.value.code == "meeting_not_started"
    assert meeting.quorum_required is None  # the quorum is kept only once attendance is taken


@pytest.mark.parametrize(
    ("absent", "present_voting", "met"),
    [((), 3, True), (("procurement",), 2, True), (("procurement", "steering"), 1, False)],
)
def test_the_quorum_counts_voting_members_present(gov, absent, present_voting, met):
    meeting = meeting_of(gov.steering)
    quorum = all_present(meeting, {gov.people[r]: AttendanceStatus.APOLOGIES for r in absent})
    # the facilitator is present but, as secretary, does not vote
    assert quorum.present == 4 - len(absent)
    assert (quorum.required, quorum.present_voting, quorum.met) == (2, present_voting, met)
    assert quorum.label.endswith("quorate")


def test_attendance_must_cover_everyone_once_the_meeting_started(gov):
    meeting = meeting_of(gov.steering)
    with pytest.raises(DomainError) as error:
        domain.record_attendance(
            meeting=meeting,
            actor=None,
            statuses={gov.people["commissioner"].pk: AttendanceStatus.PRESENT},
        )
    assert error.value.code == "attendance_incomplete"
    with pytest.raises(DomainError) as error:
        domain.record_attendance(
            meeting=meeting,
            actor=None,
            statuses={gov.people["se_partner"].pk: AttendanceStatus.PRESENT},
        )
    assert error.value.code == "not_on_body"
    assert not Attendance.objects.exists()


def test_the_quorum_is_kept_with_the_meeting(gov):
    meeting = held_meeting(gov.steering)
    domain.update_terms(body=gov.steering, actor=None, quorum=4)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert domain.quorum_of(meeting).required == 2
    assert domain.quorum_of(meeting).met


def test_attendance_records_the_department_at_the_time(gov):
    meeting = held_meeting(gov.steering)
    row = meeting.attendance.get(user=gov.people["procurement"])
    seat = gov.steering.members.get(user=gov.people["procurement"])
    assert row.organisation == seat.organisation
    assert (row.role_in_body, row.is_voting) == ("member", True)
    event = AuditEvent.objects.filter(action="governance.attendance.recorded").get()
    assert event.data == {"present": 4, "apologies": 0, "absent": 0, "quorate": True}


# --- declarations --------------------------------------------------------------------------


def test_declarations_are_recorded_per_meeting_or_item(gov):
    meeting = held_meeting(gov.design)
    item = domain.add_agenda_item(meeting=meeting, actor=None, title="Lead partner")
    declaration = domain.record_declaration(
        meeting=meeting,
        actor=gov.people["facilitator"],
        person=gov.people["se_partner"],
        interest="Manager of the proposed lead partner.",
        nature=InterestNature.FINANCIAL,
        outcome=DeclarationOutcome.WITHDREW,
        agenda_item=item,
    )
    assert declaration.agenda_item == item
    # the facilitator (chair), the partner and the service user vote; the partner withdrew
    assert domain.eligible_voters(meeting, item) == 2
    assert domain.eligible_voters(meeting) == 3
    with pytest.raises(DomainError) as error:
        domain.record_declaration(
            meeting=meeting, actor=None, person=gov.people["evaluator"], interest="Bidder"
        )
    assert error.value.code == "not_on_body"
    with pytest.raises(DomainError) as error:
        domain.record_declaration(
            meeting=meeting, actor=None, person=gov.people["se_partner"], interest=""
        )
    assert error.value.field == "interest"


def test_meeting_status_is_derived_from_its_times(gov):
    meeting = meeting_of(gov.steering, days_ahead=1)
    assert meeting.status == "upcoming"
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=1)):
        assert meeting.status == "held"
    domain.cancel_meeting(meeting=meeting, actor=None, reason="Snow")
    assert meeting.status == "cancelled"
