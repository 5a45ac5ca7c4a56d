"""The supplier's path (issue 17, item 5): public notice → register → "Your bid" (seal,
replace, withdraw before the deadline) → receipt → clarifications and addenda → letter, each a
link from the page before and from "Your tenders"; an e-mail at registration, at sealing, at
the opening and at the award (when the letters go electronically).

Morag Outside works for Clearway Removals Ltd, which took no part in the partnership (the
conftest's outside bidder); the tender is published, bids due tomorrow."""

import pytest
from django.core import mail
from django.urls import reverse

from coplan.bidding import domain
from coplan.core.errors import DomainError
from coplan.tendering import domain as tendering
from coplan.tendering.models import BidderRegistration

from .conftest import bid_data, close, score_and_moderate

pytestmark = pytest.mark.django_db

YOUR_TENDERS = "/bids/"


def mine(tender):
    return reverse("bidding:mine", args=[tender.partnership_id, tender.pk])


def test_from_the_notice_to_a_sealed_bid_without_typing_an_address(
    tender, outside_bidder, client, django_capture_on_commit_callbacks
):
    from coplan.core.models import Affiliation
    from tests.factories import OrganisationFactory

    clearway = OrganisationFactory(name="Clearway Removals Ltd", type="private_company")
    Affiliation.objects.create(user=outside_bidder, organisation=clearway)
    client.force_login(outside_bidder)

    notice = client.get(tender.get_public_url()).content.decode()
    register = reverse("tenders_public:register", args=[tender.reference])
    assert f'href="{register}"' in notice
    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(register, {"organisation": clearway.pk})

    assert registered["Location"] == mine(tender)
    (welcome,) = mail.outbox
    assert welcome.to == [outside_bidder.email]
    assert welcome.subject == f"{tender.reference}: Clearway Removals Ltd is registered as a bidder"
    assert f"http://127.0.0.1:8000{tender.get_public_url()}" in welcome.body
    assert "Your tenders: http://127.0.0.1:8000/bids/" in welcome.body
    notice = client.get(tender.get_public_url()).content.decode()
    assert f'href="{mine(tender)}">Your bid</a>' in notice
    assert f'href="{YOUR_TENDERS}">Your tenders</a>' in notice
    listing = client.get(YOUR_TENDERS).content.decode()
    assert "Furniture storage and packs" in listing
    assert "Not submitted" in listing
    assert f'href="{mine(tender)}">Submit your bid' in listing

    empty = client.post(mine(tender), {})

    body = empty.content.decode()
    assert "This field is required." not in body
    assert "Enter your price for Storage" in body
    assert "Answer the quality question ‘Method’" in body
    assert "Enter the quantity you commit to for Trainee weeks" in body
    assert "(optional) (optional)" not in body
    requirement = tender.benefit_requirements.get()
    with django_capture_on_commit_callbacks(execute=True):
        sealed = client.post(
            mine(tender),
            {
                "price_0": "39000",
                "price_1": "150000",
                "quality_0": "Our method",
                "quality_1": "We meet monthly.",
                f"quantity_{requirement.pk}": "40",
            },
        )
    assert sealed["Location"] == mine(tender)
    bid = tender.bids.get()
    receipt_mail = mail.outbox[-1]
    assert receipt_mail.subject == (
        f"{tender.reference}: your bid is sealed (receipt {bid.receipt_number})"
    )
    assert bid.digest in receipt_mail.body
    assert "39000" not in receipt_mail.body  # the e-mail never carries the bid's content
    listing = client.get(YOUR_TENDERS).content.decode()
    assert f"Sealed, receipt {bid.receipt_number}" in listing


def test_the_opening_and_the_award_reach_each_bidder_about_its_own_bid(
    homereach,
    clearway,
    requirement,
    tender,
    personas,
    outside_bidder,
    panel,
    client,
    django_capture_on_commit_callbacks,
):
    bids = [
        domain.submit_bid(
            registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
        ),
        domain.submit_bid(
            registration=clearway,
            actor=outside_bidder,
            **bid_data(
                requirement.pk,
                prices={"Storage": "39000", "Packs": "150000"},
                quantities={str(requirement.pk): "40"},
            ),
        ),
    ]
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        domain.confirm_opening(tender=tender, actor=personas["commissioner"])

    opened = {m.to[0]: m for m in mail.outbox}
    assert set(opened) == {personas["se_partner"].email, outside_bidder.email}
    theirs = opened[outside_bidder.email]
    assert (
        theirs.subject
        == f"{tender.reference}: your bid was opened (receipt {bids[1].receipt_number})"
    )
    assert "its digest matched the one on your receipt" in theirs.body
    assert bids[0].receipt_number not in theirs.body  # nothing of the other bid

    tender.refresh_from_db()
    score_and_moderate(tender, bids, personas)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best value")

    letters = {m.to[0]: m for m in mail.outbox}
    lost = letters[outside_bidder.email]
    letter_url = reverse("bidding:letter", args=[tender.partnership_id, tender.pk, bids[1].uuid])
    assert lost.subject == f"{tender.reference}: award decision"
    assert f"http://127.0.0.1:8000{letter_url}" in lost.body
    assert "We intend to award the contract to" in lost.body
    assert letters[personas["se_partner"].email].subject.endswith("your bid was successful")
    client.force_login(outside_bidder)
    listing = client.get(YOUR_TENDERS).content.decode()
    assert f'href="{letter_url}">Your award decision letter (PDF)' in listing


def test_letters_sent_by_post_are_not_e_mailed(
    moderated, tender, personas, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        domain.approve_award(
            tender=tender, actor=personas["commissioner"], reasons="Best", electronic=False
        )

    assert mail.outbox == []


@pytest.mark.parametrize(
    "persona", ["facilitator", "commissioner", "procurement", "service_user", "outsider", "staff"]
)
def test_your_tenders_shows_only_your_own_organisations_registrations(
    clearway, homereach, tender, personas, client, persona
):
    client.force_login(personas[persona])

    page = client.get(YOUR_TENDERS)

    assert page.status_code == 200
    body = page.content.decode()
    assert "Furniture storage and packs" not in body
    assert "You have not registered for a tender." in body


def test_the_consortium_lead_sees_its_registration(homereach, tender, personas, client):
    client.force_login(personas["se_partner"])

    body = client.get(YOUR_TENDERS).content.decode()

    assert "Furniture storage and packs" in body
    assert "lead of the consortium Homereach" in body


def test_your_tenders_needs_a_sign_in(client):
    response = client.get(YOUR_TENDERS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_a_registration_e_mail_is_not_sent_when_registration_is_refused(
    tender, outside_bidder, django_capture_on_commit_callbacks
):
    from tests.factories import OrganisationFactory

    stranger = OrganisationFactory(name="Not Mine Ltd")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        tendering.register_bidder(tender=tender, actor=outside_bidder, organisation=stranger)

    assert mail.outbox == []
    assert not BidderRegistration.objects.filter(organisation=stranger).exists()
