"""Decisions: only at a quorate meeting, votes checked against the decision rule and the people
who could vote, a link to the object decided, and a signal for the apps that own it."""

import pytest
from django.utils import timezone

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.governance import domain
from coplan.governance.enums import AttendanceStatus, DecisionKind, DecisionRule
from coplan.governance.signals import decision_recorded

from .factories import held_meeting, meeting_of


def test_a_decision_needs_a_quorate_meeting_that_has_started(gov):
    with pytest.raises(DomainError) as error:
        domain.record_decision(meeting=meeting_of(gov.steering, days_ahead=1), actor=None, text="x")
    assert error.value.code == "meeting_not_started"
    not_taken = meeting_of(gov.steering)
    with pytest.raises(DomainError) as error:
        domain.record_decision(meeting=not_taken, actor=None, text="x")
    assert error.value.code == "not_quorate"
    inquorate = held_meeting(
        gov.steering,
        overrides={
            gov.people["procurement"]: AttendanceStatus.APOLOGIES,
            gov.people["steering"]: AttendanceStatus.ABSENT,
        },
    )
    with pytest.raises(DomainError) as error:
        domain.record_decision(meeting=inquorate, actor=None, text="x")
    assert error.value.code == "not_quorate"
    assert "1 voting member present of 2 needed: not quorate" in error.value.message


def test_decisions_are_numbered_per_meeting_and_audited(gov):
    meeting = held_meeting(gov.steering)
    first = domain.record_decision(
        meeting=meeting, actor=gov.people["commissioner"], text="Agreed the risk log."
    )
    second = domain.record_decision(meeting=meeting, actor=None, text="Agreed the timeline.")
    assert (first.number, second.number) == (1, 2)
    assert first.reference.endswith("/1")
    event = AuditEvent.objects.filter(action="governance.decision.recorded").order_by("id").first()
    assert event.actor == gov.people["commissioner"]
    assert event.data["kind"] == "general"
    with pytest.raises(DomainError) as error:
        domain.record_decision(meeting=meeting, actor=None, text="  ")
    assert error.value.code == "text_required"


@pytest.mark.parametrize(
    ("rule", "votes", "eligible", "carried"),
    [
        (DecisionRule.SIMPLE_MAJORITY, (2, 1, 0), 3, True),
        (DecisionRule.SIMPLE_MAJORITY, (1, 1, 1), 3, False),
        (DecisionRule.TWO_THIRDS, (2, 1, 0), 3, True),
        (DecisionRule.TWO_THIRDS, (3, 2, 0), 5, False),
        (DecisionRule.UNANIMOUS, (3, 0, 0), 3, True),
        (DecisionRule.UNANIMOUS, (2, 0, 1), 3, False),
        (DecisionRule.CONSENSUS, (2, 0, 1), 3, True),
        (DecisionRule.CONSENSUS, (2, 1, 0), 3, False),
    ],
)
def test_votes_carry_under_the_decision_rule(rule, votes, eligible, carried):
    assert domain.carried(rule, *votes, eligible) is carried


def test_votes_are_checked_against_who_could_vote(gov):
    domain.update_terms(body=gov.steering, actor=None, decision_rule=DecisionRule.SIMPLE_MAJORITY)
    meeting = held_meeting(gov.steering)
    with pytest.raises(DomainError) as error:
        domain.record_decision(meeting=meeting, actor=None, text="Extend", votes=(3, 1, 0))
    assert error.value.code == "too_many_votes"  # 3 voting members; the secretary does not vote
    with pytest.raises(DomainError) as error:
        domain.record_decision(meeting=meeting, actor=None, text="Extend", votes=(1, 2, 0))
    assert error.value.code == "not_carried"
    decision = domain.record_decision(
        meeting=meeting, actor=None, text="Extend the pilot", votes=(2, 1, 0)
    )
    assert decision.votes_label == "2 for, 1 against, 0 abstaining"


def test_people_who_withdrew_for_an_item_are_not_counted(gov):
    meeting = held_meeting(gov.steering)
    item = domain.add_agenda_item(meeting=meeting, actor=None, title="Award")
    domain.record_declaration(
        meeting=meeting,
        actor=None,
        person=gov.people["steering"],
        interest="Trustee of a bidder",
        outcome="withdrew",
        agenda_item=item,
    )
    with pytest.raises(DomainError) as error:
        domain.record_decision(
            meeting=meeting, actor=None, text="Award", votes=(3, 0, 0), agenda_item=item
        )
    assert error.value.code == "too_many_votes"
    domain.record_decision(
        meeting=meeting,
        actor=None,
        kind=DecisionKind.AWARD_APPROVAL,
        text="Award",
        votes=(2, 0, 0),
        agenda_item=item,
    )


def test_a_decision_links_the_object_it_decides_and_signals_it(gov):
    received = []

    def receiver(sender, decision, **kwargs):
        received.append(decision)

    decision_recorded.connect(receiver)
    try:
        meeting = held_meeting(gov.design)
        decision = domain.record_decision(
            meeting=meeting,
            actor=None,
            kind=DecisionKind.TERMS_OF_REFERENCE,
        )
    finally:
        decision_recorded.disconnect(receiver)
    assert received == [decision]
    assert decision.subject == gov.design
    gov.design.refresh_from_db()
    assert gov.design.tor_agreed_on == timezone.localtime(meeting.starts_at).date()
    assert gov.design.tor_decision == decision
    assert AuditEvent.objects.filter(action="governance.body.terms_agreed").count() == 1


def test_a_decision_cannot_decide_another_partnerships_object(gov):
    from tests.factories import PartnershipFactory

    from .factories import make_body

    other = make_body(PartnershipFactory())
    with pytest.raises(DomainError) as error:
        domain.record_decision(
            meeting=held_meeting(gov.steering),
            actor=None,
            kind=DecisionKind.TERMS_OF_REFERENCE,
            subject=other,
        )
    assert error.value.code == "wrong_partnership"


def test_a_receiver_can_refuse_the_decision(gov):
    def refuse(sender, decision, **kwargs):
        raise DomainError("Specification version 2 is not ready.", code="not_ready")

    decision_recorded.connect(refuse)
    try:
        with pytest.raises(DomainError):
            domain.record_decision(
                meeting=held_meeting(gov.steering),
                actor=None,
                kind=DecisionKind.SPEC_VERSION_APPROVAL,
                text="Approve version 2",
            )
    finally:
        decision_recorded.disconnect(refuse)
    assert not AuditEvent.objects.filter(action="governance.decision.recorded").exists()


def test_changed_terms_must_be_agreed_again(gov):
    domain.record_decision(
        meeting=held_meeting(gov.steering), actor=None, kind=DecisionKind.TERMS_OF_REFERENCE
    )
    gov.steering.refresh_from_db()
    assert gov.steering.tor_agreed_on is not None
    domain.update_terms(body=gov.steering, actor=None, purpose="Oversight")  # not a term
    assert gov.steering.tor_agreed_on is not None
    domain.update_terms(body=gov.steering, actor=None, quorum=3)
    assert gov.steering.tor_agreed_on is None
    event = AuditEvent.objects.filter(action="governance.body.updated").order_by("id").last()
    assert "agreement_withdrawn" in event.data
