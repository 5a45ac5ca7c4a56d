"""What the tendering app declares in the data protection register (``coplan.ops.privacy``):
bidder registrations and clarification questions, with subject access; both are procurement
records, so erasure keeps them, linked to the scrubbed account."""

from coplan.core.models import Affiliation
from coplan.ops import privacy
from coplan.tendering import domain
from coplan.tendering.models import BidderRegistration, Clarification
from tests.factories import OrganisationFactory, UserFactory


def asked(published):
    """Colin registers Brannock for the published tender and asks a question naming his firm;
    the procurement officer answers it with the question anonymised."""
    colin = UserFactory(email="colin.struthers@example.org", full_name="Colin Struthers")
    firm = OrganisationFactory(name="Brannock Removals and Storage Ltd")
    Affiliation.objects.create(user=colin, organisation=firm)
    registration = domain.register_bidder(tender=published.tender, actor=colin, organisation=firm)
    question = domain.ask(
        tender=published.tender,
        registration=registration,
        actor=colin,
        question="Brannock asks: is the van fleet transferred under TUPE?",
    )
    domain.answer(
        clarification=question,
        actor=published.people["procurement"],
        published_question="Is the van fleet transferred under TUPE?",
        answer="No: bidders provide their own vehicles.",
    )
    return colin


def test_the_register_declares_registrations_and_clarifications(db):
    by_key = {c.key: c for c in privacy.categories()}
    for key in ("tendering.registrations", "tendering.clarifications"):
        c = by_key[key]
        assert c.app == "tendering"
        assert c.holds and c.about and c.purpose and c.lawful_basis and c.retention
        assert c.export is not None and c.erase is None and c.retain is None


def test_subject_access_shows_the_bidder_what_they_registered_and_asked(published):
    colin = asked(published)
    sealed = {s["category"]: s["records"] for s in privacy.export_person(colin)["categories"]}
    # Before the bids are opened, who means to bid is sealed from everyone, the staff member
    # answering the request included.
    assert sealed["tendering.registrations"] == []
    assert sealed["tendering.clarifications"] == []

    published.tender.opened_at = published.tender.submission_deadline
    published.tender.save(update_fields=["opened_at"])
    sections = {s["category"]: s["records"] for s in privacy.export_person(colin)["categories"]}
    [registered] = sections["tendering.registrations"]
    assert registered["registered_for"] == str(published.tender)
    assert registered["organisation"] == "Brannock Removals and Storage Ltd"
    assert registered["consortium"] == ""
    [clarification] = sections["tendering.clarifications"]
    assert (clarification["clarification"], clarification["asked"]) == (
        1,
        "Brannock asks: is the van fleet transferred under TUPE?",
    )
    assert clarification["published_as"] == "Is the van fleet transferred under TUPE?"
    assert clarification["answer"] == "No: bidders provide their own vehicles."
    officer = published.people["procurement"]
    officer_sections = {
        s["category"]: s["records"] for s in privacy.export_person(officer)["categories"]
    }
    assert [r["clarification_answered"] for r in officer_sections["tendering.clarifications"]] == [
        1
    ]
    assert officer_sections["tendering.registrations"] == []


def test_erasure_keeps_the_procurement_record_without_the_name(published):
    colin = asked(published)
    privacy.erase_person(person=colin, actor=published.people["staff"])
    registration = BidderRegistration.objects.get(tender=published.tender)
    assert registration.user == colin
    colin.refresh_from_db()
    assert colin.full_name == "Erased person"
    assert Clarification.objects.get(registration=registration).published_question == (
        "Is the van fleet transferred under TUPE?"
    )
