"""Minutes are drafted after the meeting, approved at a later meeting of the same body by a
decision, and then locked: nothing in the meeting's record can change any more."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.governance import domain
from coplan.governance.enums import AttendanceStatus, DecisionKind, MinutesStatus
from coplan.governance.models import Minutes
from tests.pdfs import inflated

from .factories import held_meeting, meeting_of


@pytest.fixture
def minuted(gov):
    """A steering meeting two days ago with an agenda item and draft minutes, and a quorate
    steering meeting today that can approve them."""
    earlier = held_meeting(gov.steering, hours_ago=48)
    item = domain.add_agenda_item(meeting=earlier, actor=None, title="Pilot report")
    minutes = domain.save_minutes(
        meeting=earlier,
        actor=gov.people["facilitator"],
        text="The pilot is on track.",
        item_minutes={item.pk: "The facilitator presented months one and two."},
    )
    later = held_meeting(gov.steering, hours_ago=1)
    return earlier, minutes, later


def test_minutes_can_only_be_written_once_the_meeting_has_started(gov):
    upcoming = meeting_of(gov.steering, days_ahead=3)
    with pytest.raises(DomainError) as error:
        domain.save_minutes(meeting=upcoming, actor=None, text="Too early")
    assert error.value.code == "meeting_not_started"


def test_revising_the_draft_counts_versions_and_audits(minuted, gov):
    earlier, minutes, _ = minuted
    assert (minutes.status, minutes.version) == (MinutesStatus.DRAFT, 1)
    domain.save_minutes(meeting=earlier, actor=None, text="The pilot is on track. Corrected.")
    minutes.refresh_from_db()
    assert minutes.version == 2
    unchanged = domain.save_minutes(
        meeting=earlier,
        actor=None,
        text="The pilot is on track. Corrected.",
        item_minutes={
            earlier.agenda_items.get().pk: "The facilitator presented months one and two."
        },
    )
    assert unchanged.version == 2
    assert list(
        AuditEvent.objects.filter(action__startswith="governance.minutes")
        .order_by("id")
        .values_list("action", "data__version")
    ) == [("governance.minutes.drafted", 1), ("governance.minutes.updated", 2)]


def test_approving_the_minutes_at_the_next_meeting_locks_them(minuted, gov):
    earlier, minutes, later = minuted
    decision = domain.record_decision(
        meeting=later,
        actor=gov.people["commissioner"],
        kind=DecisionKind.MINUTES_APPROVAL,
        subject=minutes,
    )
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED
    assert minutes.approval == decision
    assert decision.subject == minutes
    assert decision.text.startswith("The minutes of the meeting on ")
    assert AuditEvent.objects.filter(action="governance.minutes.approved").count() == 1

    earlier.refresh_from_db()
    refusals = [
        lambda: domain.save_minutes(meeting=earlier, actor=None, text="Rewritten"),
        lambda: domain.record_attendance(
            meeting=earlier,
            actor=None,
            statuses={gov.people["steering"].pk: AttendanceStatus.ABSENT},
        ),
        lambda: domain.record_decision(meeting=earlier, actor=None, text="Late decision"),
        lambda: domain.record_declaration(
            meeting=earlier, actor=None, person=gov.people["steering"], interest="Late"
        ),
        lambda: domain.add_agenda_item(meeting=earlier, actor=None, title="Late item"),
        lambda: domain.add_paper(
            agenda_item=earlier.agenda_items.get(),
            actor=None,
            title="",
            file=SimpleUploadedFile("late.pdf", b"%PDF", "application/pdf"),
        ),
        lambda: domain.update_meeting(meeting=earlier, actor=None, location="Elsewhere"),
        lambda: domain.create_action(
            partnership=gov.partnership,
            actor=None,
            description="Late action",
            owner=gov.people["steering"],
            due_on=later.starts_at.date(),
            meeting=earlier,
        ),
    ]
    for refuse in refusals:
        with pytest.raises(DomainError) as error:
            refuse()
        assert error.value.code == "minutes_locked"
    # and no code path can save them, even bypassing the domain functions
    locked = Minutes.objects.get(pk=minutes.pk)
    locked.text = "Tampered"
    with pytest.raises(DomainError):
        locked.save()
    assert Minutes.objects.get(pk=minutes.pk).text == "The pilot is on track."


def test_minutes_are_approved_at_a_later_meeting_of_the_same_body_only(minuted, gov):
    earlier, minutes, later = minuted
    other_body = held_meeting(gov.design, hours_ago=1)
    cases = [
        (earlier, "not_a_later_meeting"),
        (other_body, "other_body"),
    ]
    for meeting, code in cases:
        with pytest.raises(DomainError) as error:
            domain.record_decision(
                meeting=meeting, actor=None, kind=DecisionKind.MINUTES_APPROVAL, subject=minutes
            )
        assert error.value.code == code
    with pytest.raises(DomainError) as error:
        domain.record_decision(meeting=later, actor=None, kind=DecisionKind.MINUTES_APPROVAL)
    assert error.value.code == "minutes_required"
    domain.record_decision(
        meeting=later, actor=None, kind=DecisionKind.MINUTES_APPROVAL, subject=minutes
    )
    with pytest.raises(DomainError) as error:
        domain.record_decision(
            meeting=later, actor=None, kind=DecisionKind.MINUTES_APPROVAL, subject=minutes
        )
    assert error.value.code == "minutes_locked" or error.value.code == "already_approved"


def test_empty_minutes_cannot_be_approved(gov):
    earlier = held_meeting(gov.steering, hours_ago=48)
    minutes = domain.save_minutes(meeting=earlier, actor=None, text="")
    later = held_meeting(gov.steering, hours_ago=1)
    with pytest.raises(DomainError) as error:
        domain.record_decision(
            meeting=later, actor=None, kind=DecisionKind.MINUTES_APPROVAL, subject=minutes
        )
    assert error.value.code == "minutes_empty"


def test_minutes_pdf_is_tagged_and_says_whether_it_is_approved(minuted, gov, as_user):
    earlier, _minutes, later = minuted
    url = reverse("governance:minutes.pdf", args=[gov.partnership.pk, earlier.pk])

    response = as_user(gov.people["observer"]).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pdf = inflated(response.content)
    assert b"/StructTreeRoot" in pdf  # tagged: a structure tree for assistive technology
    assert b"pdfuaid:part" in pdf  # declares PDF/UA conformance in its metadata
    assert b"/Lang (en-GB)" in pdf
    assert "minutes-steering_group-" in response["Content-Disposition"]
    assert as_user(gov.people["outsider"]).get(url).status_code == 404
    no_minutes = reverse("governance:minutes.pdf", args=[gov.partnership.pk, later.pk])
    assert as_user(gov.people["observer"]).get(no_minutes).status_code == 404


def test_minutes_pdf_text(minuted, gov):
    from django.template.loader import render_to_string

    earlier, minutes, _later = minuted
    html = render_to_string(
        "governance/pdf/minutes.html",
        {
            "meeting": earlier,
            "minutes": minutes,
            "partnership": gov.partnership,
            "quorum": domain.quorum_of(earlier),
            "title": "Minutes",
        },
    )
    assert "Draft minutes, version 1: not yet approved." in html
    assert "The facilitator presented months one and two." in html
    assert "3 voting members present of 2 needed: quorate" in html
