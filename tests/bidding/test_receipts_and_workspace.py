"""The bidder holds the receipt it downloaded against the opened bid (page and API); the
evaluator's workspace, the moderation scores and the letters through the API; who reaches each.

World: conftest's two opened bids (Homereach's consortium, submitted by the enterprise partner,
and Clearway's, submitted by Morag Outside); ``panel``: three quality evaluators (evaluator,
steering, service user) and a price evaluator (observer), all declared "none".
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplan.bidding import domain
from coplan.bidding.enums import Part
from coplan.core.models import Affiliation, AuditEvent
from tests.conftest import PERSONAS

from .conftest import MARKER

pytestmark = pytest.mark.django_db
OFFICERS = {"procurement", "commissioner"}
PANEL = {"evaluator", "steering", "service_user", "observer"}


def base(tender):
    return f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}"


def page(name, tender, *args):
    return reverse(f"bidding:{name}", args=[tender.partnership_id, tender.pk, *args])


def expected(persona, allowed, ok=200):
    if persona in {"outsider", "staff"}:
        return 404
    return ok if persona in allowed else 403


def receipt_of(client, tender, bid) -> str:
    return client.get(page("receipt", tender, bid.uuid)).content.decode()


def _upload(text, name="receipt.txt"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


# --- The receipt the bidder downloaded --------------------------------------------------------


def test_the_bidder_checks_the_receipt_it_downloaded(opened, tender, client, outside_bidder):
    client.force_login(outside_bidder)
    clearway = opened[1]
    receipt = receipt_of(client, tender, clearway)
    response = client.post(page("verify", tender, clearway.uuid), {"receipt": _upload(receipt)})
    assert "Your receipt matches the opened bid" in response.content.decode()
    assert AuditEvent.objects.get(action="bidding.receipt.checked").data["ok"] is True

    altered = receipt.replace(clearway.digest, clearway.digest[::-1])
    response = client.post(page("verify", tender, clearway.uuid), {"receipt": _upload(altered)})
    page_text = response.content.decode()
    assert "Your receipt does not match the opened bid" in page_text
    assert "differs from the one on your receipt" in page_text

    other = receipt.replace(clearway.receipt_number, opened[0].receipt_number)
    response = client.post(page("verify", tender, clearway.uuid), {"receipt": _upload(other)})
    assert f"This receipt is for bid {opened[0].receipt_number}" in response.content.decode()
    response = client.post(page("verify", tender, clearway.uuid), {"receipt": _upload("hello")})
    assert "This is not a Coplan bid receipt" in response.content.decode()
    response = client.post(page("verify", tender, clearway.uuid), {})
    assert "Choose the receipt file you downloaded" in response.content.decode()


def test_a_tampered_document_fails_against_the_bidders_receipt(
    opened, tender, client, outside_bidder
):
    client.force_login(outside_bidder)
    clearway = opened[1]
    receipt = receipt_of(client, tender, clearway)
    path = Path(clearway.documents.get().file.path)
    data = bytearray(path.read_bytes())
    data[20] ^= 1
    path.write_bytes(bytes(data))
    response = client.post(
        f"{base(tender)}/mine/{clearway.uuid}/verification",
        {"receipt": receipt},
        content_type="application/json",
    )
    assert response.status_code == 200
    found = response.json()
    assert found["matches"] is False
    assert found["verification"]["documents"][0]["verified"] is False
    assert any(p.startswith("Document 1:") for p in found["problems"])


def test_the_receipt_verifies_through_the_api(opened, tender, client, outside_bidder):
    client.force_login(outside_bidder)
    clearway = opened[1]
    got = client.get(f"{base(tender)}/mine/{clearway.uuid}/verification").json()
    assert (got["verified"], got["digest"]) == (True, clearway.digest)
    receipt = client.get(f"{base(tender)}/mine/{clearway.uuid}/receipt").json()["text"]
    checked = client.post(
        f"{base(tender)}/mine/{clearway.uuid}/verification",
        {"receipt": receipt},
        content_type="application/json",
    ).json()
    assert (checked["matches"], checked["problems"]) == (True, [])
    refused = client.post(
        f"{base(tender)}/mine/{clearway.uuid}/verification",
        {"receipt": "not one"},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "receipt")


@pytest.mark.parametrize("persona", [*PERSONAS, "staff", "outside_bidder"])
def test_who_verifies_a_receipt(persona, opened, tender, personas, outside_bidder, verified):
    people = {**personas, "outside_bidder": outside_bidder}
    client = verified(people[persona])
    clearway = opened[1]
    if persona == "outside_bidder":
        want = 200
    elif persona == "se_partner":
        want = 404  # a bidder, but not this bid's
    else:
        want = expected(persona, set())
    assert client.get(page("verify", tender, clearway.uuid)).status_code == want
    api = f"{base(tender)}/mine/{clearway.uuid}/verification"
    assert client.get(api).status_code == want
    posted = client.post(api, {"receipt": "x"}, content_type="application/json")
    assert posted.status_code == (422 if want == 200 else want)


def test_before_opening_there_is_nothing_to_verify(
    homereach, requirement, tender, personas, client
):
    from .conftest import bid_data

    bid = domain.submit_bid(
        registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
    )
    client.force_login(personas["se_partner"])
    assert client.get(f"{base(tender)}/mine/{bid.uuid}/verification").status_code == 404
    assert client.post(page("verify", tender, bid.uuid), {}).status_code == 404


# --- The evaluator's workspace -----------------------------------------------------------------


@pytest.mark.parametrize("persona", [*PERSONAS, "staff"])
def test_who_reaches_the_evaluators_workspace_and_the_scores(
    persona, opened, panel, tender, personas, verified
):
    client = verified(personas[persona])
    assert client.get(f"{base(tender)}/evaluation/mine").status_code == expected(persona, PANEL)
    assert client.get(f"{base(tender)}/evaluation/scores").status_code == expected(
        persona, {"procurement"}
    )


def test_each_evaluator_sees_only_their_part_through_the_api(
    opened, panel, tender, personas, verified, requirement
):
    quality = verified(personas["service_user"]).get(f"{base(tender)}/evaluation/mine").json()
    assert quality["declaration"]["decision"] == "clear"
    assert [s["criterion"] for s in quality["sections"]] == ["Method", "Partnership working"]
    method = quality["sections"][0]["items"]
    assert method[0]["response"] == f"Our method {MARKER}"
    assert method[0]["price"] is None
    assert "123457.89" not in str(quality)

    price = verified(personas["observer"]).get(f"{base(tender)}/evaluation/mine").json()
    [section] = price["sections"]
    assert section["part"] == "price"
    first = section["items"][0]
    assert first["price"]["prices"]["Packs"] == "123457.89"
    assert first["price"]["commitments"] == [
        {
            "requirement_id": requirement.pk,
            "measure": "Trainee weeks",
            "quantity": "52",
            "up_to": None,
            "unit": "weeks",
        }
    ]
    assert MARKER not in str(price)


def test_the_scores_are_blind_through_the_api_until_one_submits(
    opened, panel, tender, personas, verified
):
    method = tender.quality_criteria.get(name="Method")
    domain.submit_score(
        bid=opened[0], criterion=method, evaluator=personas["evaluator"], score=3, rationale="Sound"
    )
    steering = verified(personas["steering"]).get(f"{base(tender)}/evaluation/mine").json()
    item = steering["sections"][0]["items"][0]
    assert (item["my_score"], item["panel_scores"]) == (None, [])
    mine = verified(personas["evaluator"]).get(f"{base(tender)}/evaluation/mine").json()
    item = mine["sections"][0]["items"][0]
    assert item["my_score"]["score"] == 3
    assert [s["rationale"] for s in item["panel_scores"]] == ["Sound"]
    officer = verified(personas["procurement"]).get(f"{base(tender)}/evaluation/scores").json()
    row = next(r for r in officer if r["bid"] == str(opened[0].uuid) and r["criterion"] == "Method")
    assert ([s["score"] for s in row["individual"]], row["moderated_score"]) == ([3], None)


def test_a_flagged_evaluator_gets_the_flags_but_nothing_else(opened, tender, personas, verified):
    evaluator = personas["evaluator"]
    Affiliation.objects.create(user=evaluator, organisation=opened[1].organisation)
    domain.assign(
        tender=tender,
        actor=personas["procurement"],
        evaluator=evaluator,
        part=Part.QUALITY,
        criterion=tender.quality_criteria.get(name="Method"),
        confirm_conflict=True,
    )
    client = verified(evaluator)
    before = client.get(f"{base(tender)}/evaluation/mine").json()
    assert before["declaration"] is None
    assert "Your organisation Clearway Removals Ltd is a bidder." in before["flags"]
    assert before["sections"] == []
    client.post(
        f"{base(tender)}/evaluation/declaration", {"kind": "none"}, content_type="application/json"
    )
    after = client.get(f"{base(tender)}/evaluation/mine").json()
    assert (after["declaration"]["decision"], after["sections"]) == ("pending", [])
    assert MARKER not in str(after)


def test_before_opening_the_workspace_and_scores_show_nothing(
    homereach, requirement, tender, personas, verified
):
    from .conftest import bid_data

    domain.submit_bid(
        registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
    )
    officer, observer = personas["procurement"], personas["observer"]
    domain.assign(tender=tender, actor=officer, evaluator=observer, part=Part.PRICE)
    domain.declare(tender=tender, evaluator=personas["observer"], kind="none")
    got = verified(personas["observer"]).get(f"{base(tender)}/evaluation/mine").json()
    assert (got["sealed"], got["sections"]) == (True, [])
    scores = verified(personas["procurement"]).get(f"{base(tender)}/evaluation/scores")
    assert scores.status_code == 404


# --- Letters through the API -------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*PERSONAS, "staff", "outside_bidder"])
def test_who_downloads_a_letter_through_the_api(
    persona, moderated, tender, personas, outside_bidder, verified
):
    domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best value.")
    people = {**personas, "outside_bidder": outside_bidder}
    client = verified(people[persona])
    clearway = moderated[1]
    response = client.get(f"{base(tender)}/award/letters/{clearway.uuid}.pdf")
    # The outside bidder downloads its own letter.
    want = 200 if persona == "outside_bidder" else expected(persona, OFFICERS)
    assert response.status_code == want
    if want == 200:
        assert response.content.startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"


def test_no_letter_before_the_award(moderated, tender, personas, verified, client, outside_bidder):
    officer = verified(personas["procurement"])
    assert officer.get(f"{base(tender)}/award/letters/{moderated[1].uuid}.pdf").status_code == 404
    client.force_login(outside_bidder)
    assert client.get(f"{base(tender)}/award/letters/{moderated[0].uuid}.pdf").status_code == 404
