"""The simulator page: the standalone page at /scoring/simulator/ (any signed-in user sets the
model and the bids) and the reusable component a tender mounts with its own model."""

from decimal import Decimal as D

import pytest
from django.test import RequestFactory
from django.urls import reverse

from coplan.tendering.scoring import engine, views
from tests.conftest import PERSONAS

URL = "/scoring/simulator/"


def model_data(**changes):
    data = {
        "template": "",
        "price_method": "relative_to_lowest",
        "price_weight": "60",
        "elements": "",
        "criteria": "Method, 30",
        "benefit_weight": "10",
        "benefit_method": "relative_to_max",
        "zero_price_rule": "error",
        "tie_break": "higher_quality",
        "abnormally_low_percent": "70",
        "action": "score",
    }
    data.update(changes)
    return data


def bids(*rows):
    """``bid-i-…`` form data; each row is (name, price, method score, benefit value)."""
    data = {}
    for i, (name, price, score, benefit) in enumerate(rows):
        data |= {
            f"bid-{i}-name": name,
            f"bid-{i}-price": price,
            f"bid-{i}-score_0": score,
            f"bid-{i}-benefit_value": benefit,
        }
    return data


def test_the_url_is_named():
    assert reverse("scoring:simulator") == URL


@pytest.mark.parametrize("persona", [*PERSONAS, "staff"])
def test_every_signed_in_person_can_use_the_simulator(persona, personas, as_user):
    response = as_user(personas[persona]).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Scoring model simulator" in page
    assert "How bids are scored" in page


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={URL}"


def test_scoring_hypothetical_bids_shows_scores_ranks_and_warnings(personas, as_user):
    # A: 60 + 2/4 × 30 + 10 × 50/100 = 80. B: 60 × 100000/130000 = 46.15 + 30 + 10 = 86.15.
    # C: 60 × 100000/250000 = 24 + 0 + 0 = 24.
    data = model_data() | bids(
        ("Bidder A", "100000", "2", "50"),
        ("Bidder B", "130000", "4", "100"),
        ("Bidder C", "250000", "0", "0"),
    )

    response = as_user(personas["procurement"]).post(URL, data)

    assert response.status_code == 200
    result = response.context["result"]
    assert [(b.name, b.rank) for b in result.bids] == [
        ("Bidder B", 1),
        ("Bidder A", 2),
        ("Bidder C", 3),
    ]
    assert result.bids[0].total == D(60) * 100000 / 130000 + 30 + 10
    page = response.content.decode()
    assert "86.15" in page
    assert "£130,000</td>" in page
    # A (100,000) is below 0.7 × (130,000 + 250,000)/2 = 133,000.
    assert [w.code for w in result.warnings] == ["abnormally_low"]
    assert "Ask the bidder to explain the price" in page


def test_the_page_and_the_api_give_the_same_result(personas, as_user):
    from tests.api.helpers import api_as

    data = model_data() | bids(("A", "100", "2", "50"), ("B", "130", "4", "100"))
    page = as_user(personas["outsider"]).post(URL, data).context["result"]
    api = api_as(personas["outsider"]).post(
        "/scoring/simulate",
        {
            "price_method": "relative_to_lowest",
            "price_weight": 60,
            "quality_criteria": [{"name": "Method", "weight": 30}],
            "benefit_weight": 10,
            "tie_break": "higher_quality",
            "bids": [
                {"name": "A", "price": 100, "quality_scores": {"Method": 2}, "benefit_value": 50},
                {"name": "B", "price": 130, "quality_scores": {"Method": 4}, "benefit_value": 100},
            ],
        },
    )

    assert [(b["name"], D(b["total"]), b["rank"]) for b in api.json()["bids"]] == [
        (b.name, b.total, b.rank) for b in page.bids
    ]


def test_a_score_above_the_scale_is_an_error_on_that_field(personas, as_user):
    data = model_data() | bids(("A", "100", "5", "1"), ("B", "120", "3", "1"))

    response = as_user(personas["outsider"]).post(URL, data)

    assert response.status_code == 200
    assert response.context["result"] is None
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_bid-0-score_0">Bid 1: The score for Method must be 4 or less</a>' in page
    assert "<title>Error: " in page


def test_weights_not_totalling_100_are_an_error_on_the_price_weight(personas, as_user):
    data = model_data(price_weight="50") | bids(("A", "100", "2", "1"))

    response = as_user(personas["outsider"]).post(URL, data)

    page = response.content.decode()
    assert (
        '<a href="#id_price_weight">The weights total 90 (price 50, quality 30, community '
        "benefit 10); they must total exactly 100.</a>"
    ) in page


def test_price_only_is_refused_on_the_questions(personas, as_user):
    data = model_data(price_weight="100", criteria="", benefit_weight="0") | bids(
        ("A", "100", "", "")
    )

    page = as_user(personas["outsider"]).post(URL, data).content.decode()

    assert '<a href="#id_criteria">Price-only award is not allowed' in page


def test_a_zero_price_under_the_error_rule_names_the_bids_price(personas, as_user):
    data = model_data() | bids(("A", "0", "2", "1"), ("B", "120", "3", "1"))

    page = as_user(personas["outsider"]).post(URL, data).content.decode()

    assert '<a href="#id_bid-0-price">Bid 1: A&#x27;s price is zero, and this model' in page


def test_no_bids_at_all_is_an_error(personas, as_user):
    page = as_user(personas["outsider"]).post(URL, model_data()).content.decode()

    assert '<a href="#id_bid-0-name">Enter at least one bid</a>' in page


def test_a_badly_written_question_line_names_the_line(personas, as_user):
    data = model_data(criteria="Method, 30\nStaffing") | bids(("A", "100", "2", "1"))

    page = as_user(personas["outsider"]).post(URL, data).content.decode()

    assert (
        '<a href="#id_criteria">Line 2: enter the question&#x27;s name and weight, like '
        "&#x27;Method statement, 30&#x27;</a>"
    ) in page


def test_a_multi_element_schedule_asks_a_price_per_element(personas, as_user):
    # Labour (40): A 40, B 40 × 80/100 = 32. Materials (20): A 20 × 20/40 = 10, B 20.
    data = model_data(
        elements="Labour, 40\nMaterials, 20", benefit_weight="0", criteria="Method, 40"
    )
    data |= {
        "bid-0-name": "A",
        "bid-0-price_0": "80",
        "bid-0-price_1": "40",
        "bid-0-score_0": "3",
        "bid-1-name": "B",
        "bid-1-price_0": "100",
        "bid-1-price_1": "20",
        "bid-1-score_0": "3",
    }

    response = as_user(personas["outsider"]).post(URL, data)

    result = response.context["result"]
    assert {b.name: b.price_score for b in result.bids} == {"A": D(50), "B": D(52)}
    assert "Price for Labour in pounds" in response.content.decode()


def test_applying_a_template_sets_the_ratio_and_shares_quality(personas, as_user):
    data = model_data(
        template="strategic_50_50",
        action="template",
        criteria="Method, 20\nStaffing, 10",
        benefit_weight="10",
    )

    response = as_user(personas["outsider"]).post(URL, data)

    form = response.context["model_form"]
    assert form.data["price_weight"] == "50"
    # 40 quality points shared 2:1 in whole points, the remainder to the first question.
    assert form.data["criteria"] == "Method, 27\nStaffing, 13"
    assert form.data["template"] == ""
    assert not response.context["form"].errors
    assert response.context["result"] is None


def test_the_component_scores_with_a_fixed_model(personas):
    """The tendering app mounts ``views.simulator`` with a tender's model and its context."""
    model = engine.ScoringModel(
        engine.PriceMethod.RANGE,
        D(60),
        (engine.QualityCriterion("Method", D(40)),),
    )
    request = RequestFactory().post(
        "/",
        {
            "bid-0-name": "A",
            "bid-0-price": "100",
            "bid-0-score_0": "4",
            "bid-1-name": "B",
            "bid-1-price": "200",
            "bid-1-score_0": "2",
        },
    )
    request.user = personas["procurement"]

    response = views.simulator(request, model=model, context={"illustrative": False})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Scoring model" not in page.split("Hypothetical bids")[0].split("</h1>")[1]
    assert "Price is scored on the range of prices" in page
    # A: 60 + 40 = 100; B: 0 + 20 = 20.
    assert "100.00" in page and "20.00" in page


def test_the_component_reports_an_unusable_model(personas):
    model = engine.ScoringModel(engine.PriceMethod.RANGE, D(100), ())
    request = RequestFactory().get("/")
    request.user = personas["procurement"]

    page = views.simulator(request, model=model, context={}).content.decode()

    assert "The scoring model cannot be used: Price-only award is not allowed" in page


def test_empty_rows_are_skipped_and_errors_land_on_the_right_bid(personas, as_user):
    data = model_data() | {
        "bid-0-name": "A",
        "bid-0-price": "100",
        "bid-0-score_0": "2",
        "bid-0-benefit_value": "1",
        "bid-4-name": "E",
        "bid-4-price": "0",
        "bid-4-score_0": "2",
        "bid-4-benefit_value": "1",
    }

    response = as_user(personas["outsider"]).post(URL, data)

    page = response.content.decode()
    # E is the second bid scored but the fifth on the page; "More bids" opens to show it.
    assert '<a href="#id_bid-4-price">Bid 5: E&#x27;s price is zero' in page
    assert '<details class="govuk-details" open>' in page
    assert response.context["more_bids_open"] is True


# --- quality minimums -----------------------------------------------------------------------
# The worked example of test_engine.py: price 55, quality 45 (Method 35, Staffing 10), minimum
# 20 quality points; Clyde (11.25) and Dee (13.75) are non-compliant, Brora 89 and Avon 88.75.


def worked(**changes):
    data = model_data(
        **{
            "price_weight": "55",
            "criteria": "Method, 35\nStaffing, 10",
            "benefit_weight": "0",
            "quality_minimum": "20",
            **changes,
        }
    )
    for i, (name, price, method, staffing) in enumerate(
        [
            ("Avon", "100000", "3", "3"),
            ("Brora", "125000", "4", "4"),
            ("Clyde", "80000", "1", "1"),
            ("Dee", "60000", "1", "2"),
        ]
    ):
        data |= {
            f"bid-{i}-name": name,
            f"bid-{i}-price": price,
            f"bid-{i}-score_0": method,
            f"bid-{i}-score_1": staffing,
        }
    return data


def test_the_simulator_shows_which_bids_a_minimum_quality_score_excludes_and_why(personas, as_user):
    response = as_user(personas["procurement"]).post(URL, worked())

    assert response.status_code == 200
    result = response.context["result"]
    assert [(b.name, b.rank, b.total) for b in result.bids] == [
        ("Brora", 1, D(89)),
        ("Avon", 2, D("88.75")),
    ]
    assert [b.name for b in result.non_compliant] == ["Clyde", "Dee"]
    page = response.content.decode()
    assert "No known anomalies" not in page
    assert "Check these 2 results before publishing the scoring model" in page
    assert (
        "Dee is non-compliant, so it is not ranked and sets no benchmark for the other bids&#x27; "
        "scores: Quality 13.75 is below the minimum of 20 (of 45)."
    ) in page
    non_compliant = page.split('id="non-compliant"')[1].split("</table>")[0]
    assert "Quality 11.25 is below the minimum of 20 (of 45)." in non_compliant
    assert "£60,000</td>" in non_compliant


def test_a_question_minimum_is_written_on_its_line(personas, as_user):
    data = worked(criteria="Method, 35\nStaffing, 10, minimum 2", quality_minimum="")

    response = as_user(personas["procurement"]).post(URL, data)

    result = response.context["result"]
    assert [b.name for b in result.bids] == ["Brora", "Dee", "Avon"]
    assert [(b.name, b.reasons) for b in result.non_compliant] == [
        ("Clyde", ("Staffing: score 1 is below the minimum of 2 (of 4).",))
    ]


def test_a_minimum_above_the_quality_weight_is_an_error_on_its_field(personas, as_user):
    response = as_user(personas["procurement"]).post(URL, worked(quality_minimum="50"))

    form = response.context["model_form"]
    assert form.errors["quality_minimum"] == [
        "The minimum quality score (50) is more than the quality questions' weights (45): no "
        "bid could meet it."
    ]
    assert response.context["result"] is None


def test_applying_a_template_keeps_the_question_minimums(personas, as_user):
    data = model_data(
        template="strategic_50_50",
        action="template",
        criteria="Method, 20, minimum 2\nStaffing, 10, 5, minimum 3",
        benefit_weight="10",
    )

    form = as_user(personas["outsider"]).post(URL, data).context["model_form"]

    assert form.data["criteria"] == "Method, 27, minimum 2\nStaffing, 13, 5, minimum 3"
