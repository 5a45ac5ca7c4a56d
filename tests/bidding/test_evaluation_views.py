"""Evaluation and award pages for every persona, and what each evaluator sees.

World: test_evaluation's — two opened bids, a panel of three quality evaluators (evaluator,
steering, service user) and a price evaluator (observer), all declared "none"; ``moderated``
adds the scores and the consensus.
"""

import io

import pytest
from django.urls import reverse

from coplan.bidding import domain
from coplan.bidding.enums import Part
from coplan.bidding.models import Score
from tests.conftest import PERSONAS

from .conftest import MARKER, close

pytestmark = pytest.mark.django_db
OFFICERS = {"procurement", "commissioner"}
PROCUREMENT = {"procurement"}
PANEL = {"evaluator", "steering", "service_user", "observer"}


def url(name, tender, *args):
    return reverse(f"bidding:{name}", args=[tender.partnership_id, tender.pk, *args])


def expected(persona, allowed, ok=200):
    if persona in {"outsider", "staff"}:
        return 404
    return ok if persona in allowed else 403


@pytest.mark.parametrize("persona", [*PERSONAS, "staff"])
def test_who_reaches_the_evaluation_pages(persona, personas, moderated, tender, verified):
    client = verified(personas[persona])
    bid = moderated[0]
    method = tender.quality_criteria.get(name="Method")
    pages = [
        (url("evaluation", tender), OFFICERS),
        (url("results", tender), OFFICERS),
        (url("award", tender), OFFICERS),
        (url("assign", tender), PROCUREMENT),
        (url("shortfall", tender, method.pk), PROCUREMENT),
        (url("moderate", tender, bid.uuid, method.pk), PROCUREMENT),
        (url("price_query", tender, bid.uuid), PROCUREMENT),
        (url("score", tender), PANEL),
    ]
    for address, allowed in pages:
        assert client.get(address).status_code == expected(persona, allowed), address
    declare = client.get(url("declare", tender)).status_code
    assert declare == expected(persona, PANEL, ok=302)  # already declared: on to scoring


def test_each_evaluator_sees_only_their_part(moderated, tender, personas, verified):
    quality = verified(personas["service_user"]).get(url("score", tender)).content.decode()
    assert f"Our method {MARKER}" in quality
    assert "123457.89" not in quality and "123,457.89" not in quality
    price = verified(personas["observer"]).get(url("score", tender)).content.decode()
    assert "£123,457.89" in price  # the price part, in GOV.UK style
    assert MARKER not in price


def test_a_pending_declaration_shows_nothing(opened, tender, personas, verified):
    from coplan.core.models import Affiliation

    evaluator = personas["evaluator"]
    Affiliation.objects.create(user=evaluator, organisation=opened[1].organisation)
    method = tender.quality_criteria.get(name="Method")
    domain.assign(
        tender=tender,
        actor=personas["procurement"],
        evaluator=evaluator,
        part=Part.QUALITY,
        criterion=method,
        confirm_conflict=True,
    )
    client = verified(evaluator)
    assert client.get(url("score", tender)).status_code == 302  # declare first
    page = client.get(url("declare", tender)).content.decode()
    assert "Your organisation Clearway Removals Ltd is a bidder." in page
    client.post(url("declare", tender), {"kind": "none"})
    page = client.get(url("score", tender)).content.decode()
    assert "awaits the procurement officer" in page
    assert MARKER not in page


def test_scoring_through_the_page_is_blind(opened, panel, tender, personas, verified):
    method = tender.quality_criteria.get(name="Method")
    bid = opened[0]
    first = verified(personas["evaluator"])
    prefix = f"s{bid.pk}-{method.pk}"
    first.post(
        url("score.submit", tender, bid.uuid, method.pk),
        {f"{prefix}-score": "3", f"{prefix}-rationale": "Clear plan"},
    )
    assert Score.objects.get(bid=bid, criterion=method).score == 3
    second = verified(personas["steering"]).get(url("score", tender)).content.decode()
    assert "Clear plan" not in second  # blind until steering submits
    page = verified(personas["evaluator"]).get(url("score", tender)).content.decode()
    assert "Clear plan" in page


def test_results_export_and_award_with_letters(
    moderated, tender, personas, verified, client, outside_bidder
):
    from openpyxl import load_workbook

    officer = verified(personas["commissioner"])
    xlsx = officer.get(url("results.export", tender, "xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Rank", "Bidder", "Total price (£)", "Price score")
    assert rows[1][1] == moderated[0].organisation.name
    assert rows[1][-1] == "92.66"
    assert rows[2][-1] == "76.13"
    pdf = officer.get(url("results.export", tender, "pdf"))
    assert pdf.content.startswith(b"%PDF")
    response = officer.post(
        url("award", tender), {"reasons": "Best value for the council.", "electronic": "yes"}
    )
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.awarded_at is not None
    letter = officer.get(url("letter", tender, moderated[1].uuid))
    assert letter.content.startswith(b"%PDF")
    client.force_login(outside_bidder)
    assert client.get(url("letter", tender, moderated[1].uuid)).status_code == 200  # its own
    assert client.get(url("letter", tender, moderated[0].uuid)).status_code == 404  # not theirs


def test_before_opening_the_evaluation_pages_show_no_content(
    homereach, clearway, requirement, tender, personas, verified, outside_bidder
):
    from .conftest import bid_data

    bids = [
        domain.submit_bid(
            registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
        ),
        domain.submit_bid(registration=clearway, actor=outside_bidder, **bid_data(requirement.pk)),
    ]
    method = tender.quality_criteria.get(name="Method")
    domain.assign(
        tender=tender,
        actor=personas["procurement"],
        evaluator=personas["evaluator"],
        part=Part.QUALITY,
        criterion=method,
    )
    domain.assign(
        tender=tender,
        actor=personas["procurement"],
        evaluator=personas["observer"],
        part=Part.PRICE,
    )
    for role in ("evaluator", "observer"):
        domain.declare(tender=tender, evaluator=personas[role], kind="none")
    close(tender, opening_passed=False)
    for persona in [*PERSONAS, "staff"]:
        client = verified(personas[persona])
        for address in [
            url("evaluation", tender),
            url("score", tender),
            url("results", tender),
            url("results.export", tender, "xlsx"),
            url("results.export", tender, "pdf"),
            url("award", tender),
            *(url("moderate", tender, b.uuid, method.pk) for b in bids),
            *(url("price_query", tender, b.uuid) for b in bids),
            *(url("letter", tender, b.uuid) for b in bids),
            *(
                f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/{rest}"
                for rest in (
                    "evaluation/panel",
                    "evaluation/declarations",
                    "evaluation/results",
                    "award",
                    "ocds",
                )
            ),
        ]:
            body = client.get(address).content
            assert MARKER.encode() not in body, (persona, address)
            assert b"123457.89" not in body, (persona, address)
            assert b"123,457.89" not in body, (persona, address)


@pytest.mark.parametrize("persona", [*PERSONAS, "staff"])
def test_who_reaches_the_two_factor_page_and_the_ocds_package(persona, personas, tender, client):
    client.force_login(personas[persona])
    want = 404 if persona in {"outsider", "staff"} else 200
    page = reverse("bidding:two_factor", args=[tender.partnership_id])
    assert client.get(page).status_code == want
    package = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/ocds"
    assert client.get(package).status_code == want


def test_the_two_factor_page_only_returns_to_this_site(personas, tender, verified):
    client = verified(personas["procurement"])
    page = reverse("bidding:two_factor", args=[tender.partnership_id])
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=personas["procurement"])
    response = client.post(
        page + "?next=https://evil.example.com/", {"token": f"{totp(device.bin_key):06d}"}
    )
    assert response.url == reverse("bidding:index", args=[tender.partnership_id])


def test_the_officer_adds_a_trained_evaluator_through_the_page(opened, tender, personas, verified):
    officer = verified(personas["procurement"])
    method = tender.quality_criteria.get(name="Method")
    response = officer.post(
        url("assign", tender),
        {
            "evaluator": personas["commissioner"].pk,
            "part": method.pk,
            "training": "Evaluator training, council procurement team, May 2007",
        },
    )
    assert response.status_code == 302
    page = officer.get(url("evaluation", tender)).content.decode()
    assert (
        f"{personas['commissioner']} (trained: Evaluator training, council procurement team, "
        "May 2007)" in page
    )
