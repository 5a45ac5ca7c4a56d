"""Publication: refused while a design or pilot artefact is unclassified (F1), while the
community benefit duty applies with neither a summary nor reasons (s.25), while the scoring
model is invalid; then a public page without login, and bidder registration."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import Affiliation, AuditEvent
from coplan.design import domain as design
from coplan.design.enums import Method
from coplan.tendering import domain
from tests.factories import OrganisationFactory, UserFactory
from tests.pilots.test_views import inflated


def codes(tender):
    return [b.code for b in domain.check_publication(tender).blockers]


def test_a_complete_tender_publishes_and_is_audited(world):
    assert codes(world.tender) == []
    domain.publish(tender=world.tender, actor=world.people["commissioner"])
    assert world.tender.published_at is not None
    assert world.tender.status == "published"
    event = AuditEvent.objects.get(action="tendering.tender.published")
    assert event.actor == world.people["commissioner"]
    assert event.partnership == world.partnership
    assert event.data["weights"] == {"price": "60.0000", "benefit": "10.0000", "quality": "30.0000"}


def test_an_unclassified_design_artefact_blocks_publication(world):
    activity = design.create_activity(
        partnership=world.partnership,
        actor=world.people["facilitator"],
        title="Workshop with young tenants",
        method=Method.WORKSHOP,
        held_on=dt.date(2006, 5, 17),
        place="Motherwell Civic Centre",
        participant_count=14,
    )
    blockers = domain.check_publication(world.tender).blockers
    assert [b.code for b in blockers] == ["unclassified_artefacts", "unclassified_design"]
    assert blockers[1].message == (
        "Workshop: Workshop with young tenants (17 May 2006) (Engagement activity)"
    )
    with pytest.raises(DomainError) as refused:
        domain.publish(tender=world.tender, actor=world.people["commissioner"])
    assert refused.value.code == "publication_refused"
    assert "not classified for bidder disclosure" in refused.value.message
    world.tender.refresh_from_db()
    assert world.tender.published_at is None
    design.classify(obj=activity, actor=world.people["facilitator"], disclosure="publish")
    assert codes(world.tender) == []


def test_the_cb_duty_needs_a_summary_or_reasons(world):
    officer = world.people["procurement"]
    domain.set_strategy(
        tender=world.tender,
        actor=officer,
        strategy_date=dt.date(2026, 1, 15),
        estimated_value=D("4800000"),
        vat_rate=D(20),
        cb_summary="",
    )
    assert world.tender.cb_duty is True
    assert codes(world.tender) == ["cb_summary_missing"]
    domain.set_strategy(
        tender=world.tender,
        actor=officer,
        cb_no_requirements_reasons="The market is one supported business.",
    )
    assert codes(world.tender) == []


def test_an_invalid_model_blocks_publication(world):
    domain.set_scoring_model(
        tender=world.tender, actor=world.people["procurement"], price_weight=D(70)
    )
    assert codes(world.tender) == ["invalid_model"]


def test_only_the_commissioner_or_procurement_officer_publish(world):
    for persona, may in [
        ("commissioner", True),
        ("procurement", True),
        ("steering", False),
        ("facilitator", False),
        ("se_partner", False),
        ("evaluator", False),
    ]:
        assert world.people[persona].has_perm("tendering.publish_tender", world.tender) is may


def test_the_public_page_needs_no_login(published, client):
    tender = published.tender
    page = client.get(reverse("tenders_public:notice", args=[tender.reference]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Trainee places for young homeless people; unclaimed goods reused." in text
    assert "Lot 3: Permanent furniture packs" in text
    assert "Service delivery" in text and "Tonnes diverted from landfill" in text
    assert "Register as a bidder" in text
    # Found by id too, and listed.
    assert client.get(f"/tenders/{tender.pk}/").status_code == 200
    assert tender.reference in client.get("/tenders/").content.decode()


def test_a_draft_has_no_public_page(world, client):
    assert client.get(f"/tenders/{world.tender.reference}/").status_code == 404
    assert client.get(f"/tenders/{world.tender.reference}/ocds.json").status_code == 404


def test_anyone_may_register_an_organisation_they_work_for(published):
    tender = published.tender
    outsider = published.people["outsider"]
    firm = OrganisationFactory(name="Brannock Removals and Storage Ltd")
    with pytest.raises(DomainError) as refused:
        domain.register_bidder(tender=tender, actor=outsider, organisation=firm)
    assert refused.value.field == "organisation"
    Affiliation.objects.create(user=outsider, organisation=firm)
    registration = domain.register_bidder(tender=tender, actor=outsider, organisation=firm)
    assert registration.consortium is None
    assert domain.registration_for(tender, outsider) == registration
    with pytest.raises(DomainError, match="already registered"):
        domain.register_bidder(tender=tender, actor=outsider, organisation=firm)


def test_registration_through_the_page(published, client):
    user = UserFactory()
    firm = OrganisationFactory(name="Cairnhill Furnishing Services Ltd")
    Affiliation.objects.create(user=user, organisation=firm)
    url = reverse("tenders_public:register", args=[published.tender.reference])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(user)
    response = client.post(url, {"organisation": firm.pk})
    assert response.status_code == 302
    assert published.tender.registrations.get().organisation == firm


def test_the_evidence_pack_is_a_tagged_pdf(published, client):
    response = client.get(reverse("tenders_public:evidence_pdf", args=[published.tender.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/StructTreeRoot" in inflated(response.content)  # tagged (PDF/UA)
    assert b"Emergency furniture storage and furniture packs" in inflated(response.content) or (
        b"Evidence pack" in inflated(response.content)
    )


def test_an_unclassified_pilot_evaluation_blocks_publication(world):
    """F1: pilot reports, volumes and unit costs must be classified before the tender opens."""
    from coplan.pilots import domain as pilots

    facilitator = world.people["facilitator"]
    pilot = pilots.create_pilot(
        partnership=world.partnership,
        actor=facilitator,
        title="Furniture pilot",
        starts_on=dt.date(2006, 9, 1),
        ends_on=dt.date(2007, 2, 28),
        funding_amount=D("120000"),
        funding_route="Council grant",
    )
    evaluation = pilots.create_evaluation(
        pilot=pilot,
        actor=facilitator,
        kind="final",
        period_start=dt.date(2006, 9, 1),
        period_end=dt.date(2007, 2, 28),
        title="Final evaluation of the furniture pilot",
    )
    blockers = domain.check_publication(world.tender).blockers
    pilot_blockers = [b for b in blockers if b.code == "unclassified_pilot"]
    assert "Final evaluation of the furniture pilot" in [b.message for b in pilot_blockers]
    assert "unclassified_artefacts" in [b.code for b in blockers]
    officer = world.people["procurement"]
    domain.set_scoring_model(tender=world.tender, actor=officer, price_weight=D(61))
    with pytest.raises(DomainError) as refused:
        domain.publish(tender=world.tender, actor=world.people["commissioner"])
    # every reason, each its own sentence: the model's, then the artefacts'
    assert re.search(
        r"must total exactly 100\. 1 design or pilot artefact is not classified for bidder "
        r"disclosure \(F1\)",
        refused.value.message,
    ), refused.value.message
    domain.set_scoring_model(tender=world.tender, actor=officer, price_weight=D(60))
    pilots.classify(obj=evaluation, actor=facilitator, disclosure="publish")
    for result in evaluation.results.all():
        pilots.classify(obj=result, actor=facilitator, disclosure="publish")
    assert "unclassified_pilot" not in codes(world.tender)
