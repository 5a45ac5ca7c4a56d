"""Minimum quality scores that bind, from the evaluation to the open data.

The tender and bids of test_evaluation (conftest): price 50 (Storage 20, Packs 30, relative to
the lowest price), quality 40 (Method 25, Partnership working 15), community benefit 10.
Moderated: Homereach Method 3, Partnership 4 → 18.75 + 15 = 33.75 quality points;
           Clearway  Method 2, Partnership 3 → 12.5 + 11.25 = 23.75.

With no minimum Homereach totals 92.6591 — its Storage price (£41,250) scores
20 × 39,000/41,250 = 18.9091 against Clearway's cheaper £39,000 — and Clearway 76.1339.

With a published minimum of 25 quality points, Clearway (23.75) is non-compliant: it is not
ranked and its prices and benefit set no benchmark, so Homereach's own prices are the lowest
compliant ones: Storage 20 + Packs 30 + quality 33.75 + benefit 10 × 52/52 = 93.75.
"""

import io
from decimal import Decimal as D

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from coplan.bidding import domain, exports, ocds
from coplan.bidding.models import Award
from coplan.core.errors import DomainError
from coplan.tendering.models import Tender
from tests.tendering.test_ocds import validate

pytestmark = pytest.mark.django_db

CLEARWAY_REASON = "Quality 23.75 is below the minimum of 25 (of 40)."


def publish_minimum(tender, minimum):
    """The minimum as published with the tender (the model is fixed once it is published)."""
    Tender.objects.filter(pk=tender.pk).update(quality_minimum=minimum)
    tender.refresh_from_db()


def url(name, tender, *args):
    return reverse(f"bidding:{name}", args=[tender.partnership_id, tender.pk, *args])


def test_a_bid_below_the_minimum_is_unranked_and_sets_no_benchmark(moderated, tender):
    publish_minimum(tender, D(25))

    results = domain.results_of(tender)

    assert [(r.name, r.rank, r.price_score, r.total) for r in results.ranked] == [
        (moderated[0].organisation.name, 1, D(50), D("93.75"))
    ]
    (clearway,) = results.non_compliant
    assert (clearway.name, clearway.quality_score, clearway.reasons) == (
        "Clearway Removals Ltd",
        D("23.75"),
        (CLEARWAY_REASON,),
    )
    assert (clearway.rank, clearway.total) == (None, None)
    assert results.winner == moderated[0]


def test_a_bid_below_a_questions_minimum_is_non_compliant(moderated, tender):
    tender.quality_criteria.filter(name="Method").update(minimum_score=3)

    results = domain.results_of(tender)

    assert [r.name for r in results.ranked] == [moderated[0].organisation.name]
    assert [(r.name, r.reasons) for r in results.non_compliant] == [
        ("Clearway Removals Ltd", ("Method: score 2 is below the minimum of 3 (of 4).",))
    ]


def test_the_award_goes_to_the_compliant_bid_and_the_letter_says_why_the_other_lost(
    moderated, tender, personas
):
    publish_minimum(tender, D(25))

    award = domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best")

    assert award.bid == moderated[0]
    assert [(r["name"], r["rank"], r["compliant"], r["total"]) for r in award.results] == [
        (moderated[0].organisation.name, 1, True, "93.7500"),
        ("Clearway Removals Ltd", None, False, None),
    ]
    assert award.results[1]["reasons"] == [CLEARWAY_REASON]
    context = exports.letter_context(award, moderated[1])
    assert context["non_compliant"] is True
    assert context["comparison"][:4] == [
        ("Price", "Not scored", "50.00"),
        ("Quality", "23.75", "33.75"),
        ("Community benefits", "Not scored", "10.00"),
        ("Total", "Not scored", "93.75"),
    ]
    letter = render_to_string("bidding/pdf/letter.html", context)
    assert (
        "Your bid was non-compliant, so it was not ranked and its price and community "
        "benefits were not scored:"
    ) in letter
    assert f"<li>{CLEARWAY_REASON}</li>" in letter
    assert exports.letter_pdf(award, moderated[1]).startswith(b"%PDF")
    winners = render_to_string("bidding/pdf/letter.html", exports.letter_context(award, award.bid))
    assert "non-compliant" not in winners


def test_with_no_compliant_bid_there_is_no_award(moderated, tender, personas):
    publish_minimum(tender, D(35))  # Homereach 33.75 and Clearway 23.75 both miss it

    with pytest.raises(DomainError) as refused:
        domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best")

    assert refused.value.code == "no_compliant_bid"
    assert refused.value.message == (
        "No bid is compliant, so the contract cannot be awarded. "
        f"{moderated[0].organisation.name}: Quality 33.75 is below the minimum of 35 (of 40). "
        "Clearway Removals Ltd: Quality 23.75 is below the minimum of 35 (of 40)."
    )
    tender.refresh_from_db()
    assert tender.awarded_at is None
    assert not Award.objects.filter(tender=tender).exists()


def test_the_results_page_and_the_spreadsheet_show_the_non_compliant_bid(
    moderated, tender, personas, verified
):
    publish_minimum(tender, D(25))
    officer = verified(personas["commissioner"])

    page = officer.get(url("results", tender)).content.decode()
    assert "1 bid is below a published minimum quality score, so non-compliant" in page
    assert f"Non-compliant: {CLEARWAY_REASON}" in page

    xlsx = officer.get(url("results.export", tender, "xlsx"))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][-2:] == ("Total", "Compliance")
    assert rows[1][0] == 1 and rows[1][-2:] == ("93.75", "Compliant")
    assert rows[2] == (
        "Not ranked",
        "Clearway Removals Ltd",
        "189000.00",
        None,
        "12.50",
        "11.25",
        "23.75",
        None,
        None,
        f"Non-compliant: {CLEARWAY_REASON}",
    )
    assert officer.get(url("results.export", tender, "pdf")).content.startswith(b"%PDF")


def test_the_results_api_lists_the_non_compliant_bid_with_its_reason(
    moderated, tender, personas, verified
):
    publish_minimum(tender, D(25))
    base = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}"

    results = verified(personas["commissioner"]).get(f"{base}/evaluation/results").json()

    assert [(r["bidder"], r["rank"], r["total"]) for r in results["ranking"]] == [
        (moderated[0].organisation.name, 1, "93.7500")
    ]
    assert results["non_compliant"] == [
        {
            "bidder": "Clearway Removals Ltd",
            "bid": str(moderated[1].uuid),
            "total_price": "189000",
            "quality_score": "23.7500",
            "criterion_scores": {"Method": "12.5000", "Partnership working": "11.2500"},
            "reasons": [CLEARWAY_REASON],
        }
    ]
    assert [(w["code"], w["bid"]) for w in results["warnings"]] == [
        ("non_compliant", "Clearway Removals Ltd")
    ]


def test_the_open_data_disqualifies_the_non_compliant_bid_and_awards_a_valid_one(
    moderated, tender, personas
):
    publish_minimum(tender, D(25))
    domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best")
    tender.refresh_from_db()

    package = ocds.release_package(tender)

    assert package["extensions"] == [ocds.BIDS_EXTENSION]
    (release,) = [r for r in package["releases"] if r["tag"] == ["award"]]
    homereach, clearway = (f"bid-{bid.pk}" for bid in moderated)
    assert release["awards"][0]["relatedBid"] == homereach
    assert [(b["id"], b["status"]) for b in release["bids"]["details"]] == [
        (homereach, "valid"),
        (clearway, "disqualified"),
    ]
    assert release["bids"]["details"][1]["documents"] == [
        {
            "id": f"{clearway}-disqualification",
            "documentType": "evaluationReports",
            "title": "Why the bid was disqualified",
            "description": CLEARWAY_REASON,
            "language": "en",
        }
    ]
    assert [(s["measure"], s["value"]) for s in release["bids"]["statistics"]] == [
        ("bids", 2),
        ("validBids", 1),
    ]
    assert {p["name"]: p["roles"] for p in release["parties"]}["Clearway Removals Ltd"] == [
        "tenderer"
    ]
    result = validate(package)
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert result["additional_fields"] == []  # the bids section is the extension's
    assert result["extensions"]["is_extended_schema"] is True
