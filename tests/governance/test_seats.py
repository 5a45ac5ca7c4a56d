"""Seats on a body: whether a seat votes is always chosen, a seat can be edited, and attendance
keeps the voting status each person had at the meeting, so editing a seat later never changes a
past quorum or the minutes (issue 18, item 7)."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.governance import domain
from coplan.governance.enums import AttendanceStatus, BodyKind, BodyRole
from coplan.governance.models import Meeting
from coplan.partnerships.models import Membership

from .factories import all_present, make_body, meeting_of


def membership_of(gov, persona):
    return Membership.objects.get(partnership=gov.partnership, user=gov.people[persona])


def seat_of(body, user):
    return body.members.get(user=user, left_on__isnull=True)


@pytest.fixture
def review_group(gov):
    """A working group (quorum 3) of five voting seats — the commissioner, the procurement
    officer, the steering group member, the social enterprise partner and the service user —
    and two non-voting seats: the facilitator as secretary and the evaluator as adviser."""
    p = gov.people
    return make_body(
        gov.partnership,
        BodyKind.WORKING_GROUP,
        name="Pilot review group",
        quorum=3,
        people=[
            (p["commissioner"], BodyRole.CHAIR),
            p["procurement"],
            p["steering"],
            p["se_partner"],
            p["service_user"],
            (p["facilitator"], BodyRole.SECRETARY),
            (p["evaluator"], BodyRole.ADVISER),
        ],
    )


def minutes_html(meeting) -> str:
    meeting = Meeting.objects.get(pk=meeting.pk)
    minutes = domain.save_minutes(meeting=meeting, actor=None, text="Reviewed month three.")
    return render_to_string(
        "governance/pdf/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "partnership": meeting.partnership,
            "quorum": domain.quorum_of(meeting),
            "title": "Minutes",
        },
    )


# --- worked example ----------------------------------------------------------------------------


def test_minutes_count_the_voting_members_present_as_they_were_at_the_meeting(gov, review_group):
    p = gov.people
    meeting = meeting_of(review_group, hours_ago=3)
    # 3 voting members and both non-voting members present; 2 voting members sent apologies
    all_present(
        meeting,
        {
            p["se_partner"]: AttendanceStatus.APOLOGIES,
            p["service_user"]: AttendanceStatus.APOLOGIES,
        },
    )

    quorum = domain.quorum_of(meeting)
    assert (quorum.present, quorum.present_voting, quorum.apologies) == (5, 3, 2)
    assert "3 voting members present of 3 needed: quorate" in minutes_html(meeting)

    # later the evaluator's seat becomes a voting one: that meeting's record does not change
    domain.update_body_member(
        seat=seat_of(review_group, p["evaluator"]), actor=None, is_voting=True
    )

    assert seat_of(review_group, p["evaluator"]).is_voting is True
    assert meeting.attendance.get(user=p["evaluator"]).is_voting is False
    assert domain.quorum_of(Meeting.objects.get(pk=meeting.pk)).present_voting == 3
    assert "3 voting members present of 3 needed: quorate" in minutes_html(meeting)


def test_correcting_a_status_after_a_seat_change_keeps_the_meeting_time_flag(gov, review_group):
    p = gov.people
    meeting = meeting_of(review_group, hours_ago=3)
    all_present(meeting, {p["evaluator"]: AttendanceStatus.ABSENT})
    domain.update_body_member(
        seat=seat_of(review_group, p["evaluator"]), actor=None, is_voting=True
    )

    domain.record_attendance(
        meeting=meeting, actor=None, statuses={p["evaluator"].pk: AttendanceStatus.PRESENT}
    )

    assert meeting.attendance.get(user=p["evaluator"]).is_voting is False
    assert domain.quorum_of(meeting).present_voting == 5


def test_apologies_for_a_meeting_still_to_come_follow_the_seat(gov, review_group):
    p = gov.people
    upcoming = meeting_of(review_group, days_ahead=7)
    domain.record_attendance(
        meeting=upcoming, actor=None, statuses={p["evaluator"].pk: AttendanceStatus.APOLOGIES}
    )

    domain.update_body_member(
        seat=seat_of(review_group, p["evaluator"]),
        actor=None,
        is_voting=True,
        role_in_body=BodyRole.MEMBER,
    )

    row = upcoming.attendance.get(user=p["evaluator"])
    assert (row.role_in_body, row.is_voting) == ("member", True)


# --- editing a seat ----------------------------------------------------------------------------


def test_a_seat_edit_is_audited_with_what_changed(gov):
    seat = seat_of(gov.steering, gov.people["steering"])

    changed = domain.update_body_member(
        seat=seat, actor=gov.people["commissioner"], is_voting=False, role_in_body="adviser"
    )

    assert changed == {"role_in_body": ["member", "adviser"], "is_voting": [True, False]}
    assert (seat.role_in_body, seat.is_voting) == ("adviser", False)
    event = AuditEvent.objects.filter(action="governance.body.member_updated").get()
    assert (event.actor, event.object_id, event.data) == (
        gov.people["commissioner"],
        str(gov.steering.pk),
        {
            "user": gov.people["steering"].email,
            "changed": {"role_in_body": ["member", "adviser"], "is_voting": [True, False]},
        },
    )


def test_an_unchanged_seat_is_not_audited(gov):
    seat = seat_of(gov.steering, gov.people["steering"])

    assert domain.update_body_member(seat=seat, actor=None, is_voting=True) == {}
    assert not AuditEvent.objects.filter(action="governance.body.member_updated").exists()


def test_a_body_keeps_one_chair_when_seats_are_edited(gov):
    seat = seat_of(gov.steering, gov.people["procurement"])

    with pytest.raises(DomainError) as error:
        domain.update_body_member(seat=seat, actor=None, role_in_body=BodyRole.CHAIR)

    assert (error.value.code, error.value.field) == ("chair_exists", "role_in_body")
    seat.refresh_from_db()
    assert seat.role_in_body == BodyRole.MEMBER


def test_a_former_seat_cannot_be_edited(gov):
    seat = seat_of(gov.steering, gov.people["steering"])
    domain.remove_body_member(seat=seat, actor=None)

    with pytest.raises(DomainError) as error:
        domain.update_body_member(seat=seat, actor=None, is_voting=False)

    assert error.value.code == "already_left"


def test_the_seat_form_changes_the_seat(gov, as_user):
    seat = seat_of(gov.steering, gov.people["facilitator"])
    target = reverse(
        "governance:body.member.edit", args=[gov.partnership.pk, gov.steering.pk, seat.pk]
    )
    client = as_user(gov.people["commissioner"])

    assert client.get(target).context["form"]["is_voting"].value() == "no"  # the secretary
    response = client.post(target, {"role_in_body": "secretary", "is_voting": "yes"})

    assert response.status_code == 302
    seat.refresh_from_db()
    assert (seat.role_in_body, seat.is_voting) == ("secretary", True)


def test_the_body_page_links_to_each_seat_for_managers_only(gov, as_user):
    seat = seat_of(gov.steering, gov.people["steering"])
    edit = reverse(
        "governance:body.member.edit", args=[gov.partnership.pk, gov.steering.pk, seat.pk]
    )
    body = reverse("governance:body", args=[gov.partnership.pk, gov.steering.pk])

    assert edit in as_user(gov.people["facilitator"]).get(body).content.decode()
    assert edit not in as_user(gov.people["steering"]).get(body).content.decode()


# --- voting is chosen --------------------------------------------------------------------------


def test_adding_a_member_asks_whether_they_vote(gov, as_user):
    target = reverse("governance:body", args=[gov.partnership.pk, gov.steering.pk])
    client = as_user(gov.people["commissioner"])

    form = client.get(target).context["form"]
    assert form.fields["is_voting"].required
    assert form["is_voting"].value() is None

    response = client.post(
        target,
        {"membership": membership_of(gov, "evaluator").pk, "role_in_body": "member"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"is_voting": ["Say whether this is a voting member"]}
    assert not gov.steering.members.filter(user=gov.people["evaluator"]).exists()

    client.post(
        target,
        {
            "membership": membership_of(gov, "evaluator").pk,
            "role_in_body": "member",
            "is_voting": "no",
        },
    )
    assert seat_of(gov.steering, gov.people["evaluator"]).is_voting is False


def test_the_domain_refuses_a_seat_without_a_voting_choice(gov):
    with pytest.raises(DomainError) as error:
        domain.add_body_member(
            body=gov.steering,
            actor=None,
            membership=membership_of(gov, "evaluator"),
            is_voting=None,
        )

    assert (error.value.code, error.value.field) == ("voting_not_chosen", "is_voting")
