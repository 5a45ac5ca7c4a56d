"""The bid pages and API, for every persona, and the seal probed through every door.

Officers' pages need a two-factor verified session (``verified``). Before opening, every page,
endpoint, download, admin page and media URL answers without content for everyone — each role,
the outside bidder, staff and a superuser, all with verified sessions.
"""

import base64
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.bidding import domain
from coplan.bidding.models import Bid
from coplan.core.models import AuditEvent
from tests.conftest import ALL_ROLES, PERSONAS
from tests.factories import UserFactory

from .conftest import MARKER, bid_data, close

pytestmark = pytest.mark.django_db
OFFICERS = {"procurement", "commissioner"}
BIDDERS = {"se_partner", "outside_bidder"}


@pytest.fixture
def people(personas, outside_bidder):
    return {
        **personas,
        "outside_bidder": outside_bidder,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }


@pytest.fixture
def sealed(homereach, clearway, requirement, personas, outside_bidder):
    first = domain.submit_bid(
        registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
    )
    second = domain.submit_bid(
        registration=clearway, actor=outside_bidder, **bid_data(requirement.pk)
    )
    return first, second


def open_bids(tender, personas):
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    tender.refresh_from_db()


def page(name, tender, *args):
    return reverse(f"bidding:{name}", args=[tender.partnership_id, tender.pk, *args])


EVERYONE = [*PERSONAS, "staff", "superuser", "outside_bidder"]


@pytest.mark.parametrize("persona", EVERYONE)
def test_before_opening_no_door_shows_content(persona, people, sealed, tender, verified, media):
    client = verified(people[persona])
    homereach_bid = sealed[0]
    api = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}"
    stored = Path(homereach_bid.documents.get().file.name)
    urls = [
        reverse("bidding:index", args=[tender.partnership_id]),
        page("tender", tender),
        page("opening_time", tender),
        page("mine", tender),
        *(page(n, tender, b.uuid) for b in sealed for n in ("bid", "receipt", "verify")),
        *(page("document", tender, b.uuid, 1) for b in sealed),
        f"{api}",
        f"{api}/opening",
        f"{api}/mine",
        *(f"{api}/opened/{b.uuid}" for b in sealed),
        *(f"{api}/mine/{b.uuid}/receipt" for b in sealed),
        "/admin/bidding/bid/",
        f"/admin/bidding/bid/{homereach_bid.pk}/change/",
        "/admin/bidding/biddocument/",
        f"/media/{stored}",
        f"/media/{stored.parent}/",
    ]
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARKER.encode() not in body, url
        assert b"123457.89" not in body, url
        assert b"123,457.89" not in body, url
        assert b"Method statement" not in body, url
    for b in sealed:
        for name in ("bid", "document"):
            args = (b.uuid, 1) if name == "document" else (b.uuid,)
            assert client.get(page(name, tender, *args)).status_code in {403, 404}
    tender.refresh_from_db()
    assert tender.opened_at is None


def expected(persona, allowed):
    if persona in {"outsider", "staff"}:
        return 404
    return 200 if persona in allowed else 403


@pytest.mark.parametrize("persona", [*PERSONAS, "staff", "outside_bidder"])
def test_who_sees_the_officers_pages(persona, people, sealed, tender, verified):
    client = verified(people[persona])
    want = 404 if persona == "outside_bidder" else expected(persona, OFFICERS)
    assert client.get(page("tender", tender)).status_code == want
    assert client.get(page("opening_time", tender)).status_code == want
    api = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}"
    assert client.get(api).status_code == want


@pytest.mark.parametrize("persona", [*PERSONAS, "staff", "outside_bidder"])
def test_who_sees_the_bidders_page(persona, people, sealed, tender, verified):
    client = verified(people[persona])
    want = 200 if persona in BIDDERS else expected(persona, set())
    assert client.get(page("mine", tender)).status_code == want
    index = client.get(reverse("bidding:index", args=[tender.partnership_id])).status_code
    assert index == (404 if persona in {"outsider", "staff", "outside_bidder"} else 200)


def test_an_unverified_officer_is_sent_to_two_factor_sign_in(client, personas, tender):
    client.force_login(personas["procurement"])
    response = client.get(page("tender", tender))
    assert response.status_code == 302
    assert response.url == (
        reverse("bidding:two_factor", args=[tender.partnership_id])
        + "?next="
        + page("tender", tender)
    )
    api = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}"
    assert client.get(api).status_code == 403


def test_enrolment_confirms_a_totp_device_and_verifies_the_session(client, personas, tender):
    officer = personas["procurement"]
    client.force_login(officer)
    url = reverse("bidding:two_factor", args=[tender.partnership_id])
    response = client.get(url, {"next": page("tender", tender)})
    assert response.status_code == 200
    assert b"<svg" in response.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post(url + "?next=" + page("tender", tender), {"token": "000000"})
    assert "The code is not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code
    token = f"{totp(device.bin_key):06d}"
    response = client.post(url + "?next=" + page("tender", tender), {"token": token})
    assert response.status_code == 302
    assert response.url == page("tender", tender)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(page("tender", tender)).status_code == 200
    assert AuditEvent.objects.filter(action="bidding.two_factor.enrolled", actor=officer).exists()


def test_a_bidder_submits_through_the_page_and_downloads_the_receipt(
    client, outside_bidder, clearway, requirement, tender
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(outside_bidder)
    response = client.post(
        page("mine", tender),
        {
            "price_0": "39000",
            "price_1": "150000.50",
            "quality_0": f"Vans {MARKER}",
            "quality_1": "Monthly meetings",
            f"quantity_{requirement.pk}": "40",
            "document_1": SimpleUploadedFile("plan.txt", b"Clearway plan"),
        },
    )
    assert response.status_code == 302
    bid = Bid.objects.get()
    assert bid.documents.count() == 1
    receipt = client.get(page("receipt", tender, bid.uuid))
    text = receipt.content.decode()
    assert bid.digest in text
    assert bid.documents.get().sha256 in text
    assert MARKER not in text


def test_the_bid_page_names_the_missing_field(
    client, outside_bidder, clearway, requirement, tender
):
    client.force_login(outside_bidder)
    response = client.post(
        page("mine", tender),
        {
            "price_0": "1",
            "price_1": "2",
            "quality_0": "x",
            "quality_1": "y",
            f"quantity_{requirement.pk}": "3",
        },
    )
    assert response.status_code == 200
    assert "Commit to at least 10 weeks for Trainee weeks." in response.content.decode()


def test_two_officers_open_through_the_pages_and_only_procurement_reads(
    people, sealed, tender, client, verified
):
    close(tender)
    verified(people["procurement"]).post(page("open", tender))
    tender.refresh_from_db()
    assert tender.opened_at is None
    again = client.post(page("open", tender), follow=True)
    assert "You have already confirmed" in again.content.decode()
    verified(people["commissioner"]).post(page("open", tender))
    tender.refresh_from_db()
    assert tender.opened_at is not None
    bid = sealed[0]
    assert client.get(page("bid", tender, bid.uuid)).status_code == 403  # the commissioner
    procurement = verified(people["procurement"])
    response = procurement.get(page("bid", tender, bid.uuid))
    assert MARKER in response.content.decode()
    document = procurement.get(page("document", tender, bid.uuid, 1))
    assert document.content == f"Method statement {MARKER}".encode()
    api = procurement.get(
        f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/opened/{bid.uuid}"
    )
    assert api.json()["verified"] is True
    assert api.json()["content"]["quality"]["Method"] == f"Our method {MARKER}"


def test_the_bidder_verifies_its_receipt_after_opening(people, sealed, tender, client, personas):
    open_bids(tender, personas)
    client.force_login(people["outside_bidder"])
    response = client.get(page("verify", tender, sealed[1].uuid))
    assert "matches its receipt" in response.content.decode()
    assert client.get(page("verify", tender, sealed[0].uuid)).status_code == 404  # not theirs


def test_bidding_through_the_api(client, outside_bidder, clearway, requirement, tender):
    client.force_login(outside_bidder)
    api = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/mine"
    payload = {
        "prices": {"Storage": "39000", "Packs": "150000"},
        "quality": {"Method": "Vans", "Partnership working": "Meetings"},
        "quantities": {str(requirement.pk): "40"},
        "documents": [{"name": "a.txt", "content_base64": base64.b64encode(b"abc").decode()}],
    }
    response = client.post(api, payload, content_type="application/json")
    assert response.status_code == 201
    receipt = response.json()
    assert receipt["documents"][0]["sha256"] == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    bid = Bid.objects.get()
    assert receipt["digest"] == bid.digest
    bad = client.post(
        api, {**payload, "quantities": {str(requirement.pk): "2"}}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == f"quantities.{requirement.pk}"
    withdrawn = client.post(f"{api}/{bid.uuid}/withdrawal")
    assert withdrawn.json()["status"] == "withdrawn"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_an_officer_api_token_alone_cannot_reach_sealed_bids(role, personas, tender, client):
    from coplan.core.models import ApiToken

    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=personas[role], name="t", token_hash=ApiToken.hash(raw))
    response = client.get(
        f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 403


def test_an_oversized_document_is_named_on_its_field(
    client, outside_bidder, clearway, requirement, tender
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(outside_bidder)
    response = client.post(
        page("mine", tender),
        {
            "price_0": "39000",
            "price_1": "150000",
            "quality_0": "Vans",
            "quality_1": "Meetings",
            f"quantity_{requirement.pk}": "40",
            "document_1": SimpleUploadedFile("plan.txt", b"Clearway plan"),
            "document_3": SimpleUploadedFile("scan.pdf", b"%PDF" + b"0" * (25 * 1024 * 1024)),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["document_3"] == [
        "“scan.pdf” is 25.0 MB: each document of a bid must be 25 MB or smaller."
    ]
    assert not Bid.objects.exists()


def test_the_opening_and_training_examples_use_the_partnerships_own_dates(
    personas, tender, verified
):
    import datetime as dt
    import zoneinfo

    from coplan.bidding.forms import AssignForm

    london = zoneinfo.ZoneInfo("Europe/London")
    partnership = tender.partnership
    partnership.pilot_starts_on, partnership.pilot_ends_on = dt.date(2027, 4, 1), None
    partnership.tender_on = dt.date(2028, 3, 1)
    partnership.save()
    tender.submission_deadline = dt.datetime(2028, 4, 12, 12, 0, tzinfo=london)
    tender.opening_at = dt.datetime(2028, 4, 13, 10, 0, tzinfo=london)
    tender.save()
    client = verified(personas["procurement"])
    form = client.get(page("opening_time", tender)).context["form"]
    opening = form.fields["opening_at"].help_text
    assert opening == "Not before the submission deadline. For example 2028-04-13 10:00."
    training = AssignForm(tender=tender, members=[], criteria=[]).fields["training"].help_text
    assert training == (
        "What training in evaluation they have had, and when — for example "
        f"“Evaluator training, {partnership.intermediary.name}, November 2027”."
    )
    assert not any(year in opening + training for year in ("2006", "2007"))
