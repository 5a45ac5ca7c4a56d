"""Clarifications and addenda: registered bidders ask; the officer answers with the question
anonymised; every answer and addendum goes to every registered bidder at once (F1)."""

import pytest
from django.core import mail
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import Affiliation, AuditEvent
from coplan.tendering import domain
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def bidders(published):
    """Two registered bidders: an outside firm and the partnership's social enterprise."""
    tender = published.tender
    firm_person = UserFactory(email="colin.struthers@example.org")
    firm = OrganisationFactory(name="Brannock Removals and Storage Ltd")
    Affiliation.objects.create(user=firm_person, organisation=firm)
    outside = domain.register_bidder(tender=tender, actor=firm_person, organisation=firm)
    partner = published.people["se_partner"]
    own = partner.organisations.get()
    inside = domain.register_bidder(tender=tender, actor=partner, organisation=own)
    published.outside, published.inside = outside, inside
    published.firm_person = firm_person
    return published


def test_an_answer_goes_to_every_bidder_at_once_without_the_askers_name(
    bidders, django_capture_on_commit_callbacks
):
    tender, officer = bidders.tender, bidders.people["procurement"]
    question = domain.ask(
        tender=tender,
        registration=bidders.outside,
        actor=bidders.firm_person,
        question="Brannock asks: is the van fleet transferred under TUPE?",
    )
    assert question.number == 1 and question.status == "asked"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        domain.answer(
            clarification=question,
            actor=officer,
            published_question="Is the van fleet transferred under TUPE?",
            answer="No: bidders provide their own vehicles.",
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["colin.struthers@example.org", bidders.people["se_partner"].email]
    )
    for message in mail.outbox:
        assert "Is the van fleet transferred under TUPE?" in message.body
        assert "Brannock" not in message.body
    assert AuditEvent.objects.get(action="tendering.clarification.answered").data == {
        "number": 1,
        "notified": 2,
    }
    with pytest.raises(DomainError, match="already answered"):
        domain.answer(clarification=question, actor=officer, published_question="x", answer="y")


def test_the_published_question_must_be_given(bidders):
    question = domain.ask(
        tender=bidders.tender,
        registration=bidders.inside,
        actor=bidders.people["se_partner"],
        question="How many packs?",
    )
    with pytest.raises(DomainError) as refused:
        domain.answer(
            clarification=question,
            actor=bidders.people["procurement"],
            published_question=" ",
            answer="About 900 a year.",
        )
    assert refused.value.field == "published_question"


def test_addenda_are_numbered_and_notified(bidders, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = domain.publish_addendum(
            tender=bidders.tender,
            actor=bidders.people["procurement"],
            title="Price schedule",
            body="Add a line for collections.",
        )
        second = domain.publish_addendum(
            tender=bidders.tender,
            actor=bidders.people["procurement"],
            title="Site visit",
            body="Wednesday at 10:00.",
        )
    assert (first.number, second.number) == (1, 2)
    assert len(mail.outbox) == 4
    assert mail.outbox[0].subject == "NLC-TEST-001: addendum 1 — Price schedule"


def test_a_draft_takes_no_questions_and_no_addenda(world):
    with pytest.raises(DomainError):
        domain.publish_addendum(
            tender=world.tender, actor=world.people["procurement"], title="x", body="y"
        )


def test_bidders_ask_and_read_answers_on_the_public_side(bidders, client):
    url = reverse("tenders_public:clarifications", args=[bidders.tender.reference])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403  # not registered
    client.force_login(bidders.firm_person)
    response = client.post(url, {"question": "Can we bid for one lot only?"})
    assert response.status_code == 302
    question = bidders.tender.clarifications.get()
    domain.answer(
        clarification=question,
        actor=bidders.people["procurement"],
        published_question="Can a bidder bid for one lot only?",
        answer="Yes.",
    )
    client.force_login(bidders.people["se_partner"])
    page = client.get(url).content.decode()
    assert "Can a bidder bid for one lot only?" in page
    assert "Can we bid for one lot only?" not in page  # the bidder's own words stay private


def test_the_officer_sees_who_asked(bidders, client):
    domain.ask(
        tender=bidders.tender,
        registration=bidders.outside,
        actor=bidders.firm_person,
        question="Who owns the warehouse?",
    )
    client.force_login(bidders.people["procurement"])
    page = client.get(
        reverse("tendering:tender.clarifications", args=[bidders.partnership.pk, bidders.tender.pk])
    ).content.decode()
    assert "Brannock Removals and Storage Ltd" in page
    assert "Who owns the warehouse?" in page
