"""``POST /api/v1/scoring/simulate`` and ``GET /api/v1/scoring/templates``: the engine as a
stateless API for any signed-in caller; invalid input is a 422 problem body naming the field."""

import pytest

from tests.api.helpers import INVALID, UNAUTHORISED, Api, api_as, assert_problem

SIMULATE = "/scoring/simulate"


def request(**changes):
    body = {
        "price_method": "relative_to_lowest",
        "price_weight": 60,
        "quality_criteria": [{"name": "Method", "weight": 30, "scale_max": 4}],
        "benefit_weight": 10,
        "tie_break": "higher_quality",
        "bids": [
            {"name": "A", "price": 100000, "quality_scores": {"Method": 2}, "benefit_value": 50},
            {"name": "B", "price": "130000", "quality_scores": {"Method": 4}, "benefit_value": 100},
        ],
    }
    body.update(changes)
    return body


@pytest.fixture
def caller(personas):
    return api_as(personas["outsider"])


@pytest.mark.parametrize("persona", ["outsider", "staff", "commissioner"])
def test_any_signed_in_caller_simulates(persona, personas):
    # A: 60 + 2/4 × 30 + 10 × 50/100 = 80. B: 60 × 100000/130000 = 46.153846… + 30 + 10.
    response = api_as(personas[persona]).post(SIMULATE, request())

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["bids"] == [
        {
            "name": "B",
            "price_score": "46.15384615384615384615384615",
            "quality_score": "30",
            "benefit_score": "10",
            "total": "86.15384615384615384615384615",
            "rank": 1,
            "total_price": "130000",
            "element_prices": {},
            "element_scores": {},
            "criterion_scores": {"Method": "30"},
        },
        {
            "name": "A",
            "price_score": "60",
            "quality_score": "15",
            "benefit_score": "5",
            "total": "80",
            "rank": 2,
            "total_price": "100000",
            "element_prices": {},
            "element_scores": {},
            "criterion_scores": {"Method": "15"},
        },
    ]
    assert body["warnings"] == []
    assert body["description"][0] == (
        "Each bid is scored out of 100: price (60 points), quality (30 points) and community "
        "benefit (10 points)."
    )


def test_a_multi_element_schedule_with_a_zero_price_scored_on_the_total(caller):
    body = request(
        price_elements=[{"name": "Labour", "weight": 40}, {"name": "Materials", "weight": 20}],
        zero_price_rule="score_on_total",
        benefit_weight=10,
    )
    body["bids"] = [
        {
            "name": "A",
            "prices": {"Labour": 100, "Materials": 0},
            "quality_scores": {"Method": 3},
            "benefit_value": 0,
        },
        {
            "name": "B",
            "prices": {"Labour": 125, "Materials": 75},
            "quality_scores": {"Method": 3},
            "benefit_value": 0,
        },
    ]

    response = caller.post(SIMULATE, body)

    assert response.status_code == 200, response.content
    result = {b["name"]: b for b in response.json()["bids"]}
    assert result["A"]["element_scores"] == {"Labour": "40", "Materials": "20"}
    assert result["B"]["element_scores"] == {"Labour": "32", "Materials": "10"}
    assert response.json()["warnings"][0] == {
        "code": "zero_element_price",
        "message": "A prices 'Materials' at zero, so 'Materials' is scored for every bid on "
        "the bids' total prices instead of the element prices.",
        "bid": "A",
        "element": "Materials",
    }


def test_ties_and_warnings_are_reported(caller):
    body = request(benefit_weight=0, quality_criteria=[{"name": "Method", "weight": 40}])
    body["tie_break"] = "none"
    body["bids"] = [
        {"name": "A", "price": 100, "quality_scores": {"Method": 2}},
        {"name": "B", "price": 120, "quality_scores": {"Method": 3}},
    ]

    response = caller.post(SIMULATE, body).json()

    assert [(b["name"], b["total"], b["rank"]) for b in response["bids"]] == [
        ("A", "80", 1),
        ("B", "80", 1),
    ]
    assert [(w["code"], w["bid"]) for w in response["warnings"]] == [("tie", None)]


# The worked example (test_engine.py): price 55, quality 45 (Method 35, Staffing 10) with a
# published minimum of 20 quality points. Clyde (11.25) and Dee (13.75) are non-compliant;
# Avon's £100,000 is the lowest compliant price: Brora 44 + 45 = 89, Avon 55 + 33.75 = 88.75.
WORKED = {
    "price_method": "relative_to_lowest",
    "price_weight": 55,
    "quality_criteria": [{"name": "Method", "weight": 35}, {"name": "Staffing", "weight": 10}],
    "tie_break": "higher_quality",
    "quality_minimum": 20,
    "bids": [
        {"name": "Avon", "price": 100000, "quality_scores": {"Method": 3, "Staffing": 3}},
        {"name": "Brora", "price": 125000, "quality_scores": {"Method": 4, "Staffing": 4}},
        {"name": "Clyde", "price": 80000, "quality_scores": {"Method": 1, "Staffing": 1}},
        {"name": "Dee", "price": 60000, "quality_scores": {"Method": 1, "Staffing": 2}},
    ],
}


def test_unit_rates_are_evaluated_at_their_published_quantities(caller):
    """docs/formulas.md, unit rates: 4.20 × 280,000 meals + 5.65 × 36,000 places."""
    body = request(
        price_elements=[
            {"name": "Meals", "weight": 40, "quantity": "280000"},
            {"name": "Lunch club", "weight": 20, "quantity": "36000"},
        ],
        benefit_weight=10,
    )
    body["bids"] = [
        {
            "name": "A",
            "prices": {"Meals": "4.20", "Lunch club": "5.65"},
            "quality_scores": {"Method": 3},
            "benefit_value": 0,
        }
    ]

    response = caller.post(SIMULATE, body)

    assert response.status_code == 200, response.content
    (a,) = response.json()["bids"]
    assert a["total_price"] == "1379400"
    assert a["element_prices"] == {"Meals": "1176000", "Lunch club": "203400"}
    bad = request(price_elements=[{"name": "Meals", "weight": 60, "quantity": "0"}])
    refused = caller.post(SIMULATE, bad)
    assert refused.status_code == 422
    assert refused.json()["field"] == "price_elements[0].quantity"


def test_a_minimum_quality_score_leaves_the_bids_below_it_unranked(caller):
    response = caller.post(SIMULATE, WORKED)

    assert response.status_code == 200, response.content
    body = response.json()
    assert [(b["name"], b["rank"], b["price_score"], b["total"]) for b in body["bids"]] == [
        ("Brora", 1, "44", "89"),
        ("Avon", 2, "55", "88.75"),
    ]
    assert body["non_compliant"] == [
        {
            "name": "Clyde",
            "quality_score": "11.25",
            "total_price": "80000",
            "element_prices": {},
            "criterion_scores": {"Method": "8.75", "Staffing": "2.5"},
            "reasons": ["Quality 11.25 is below the minimum of 20 (of 45)."],
        },
        {
            "name": "Dee",
            "quality_score": "13.75",
            "total_price": "60000",
            "element_prices": {},
            "criterion_scores": {"Method": "8.75", "Staffing": "5"},
            "reasons": ["Quality 13.75 is below the minimum of 20 (of 45)."],
        },
    ]
    assert [(w["code"], w["bid"]) for w in body["warnings"]] == [
        ("non_compliant", "Clyde"),
        ("non_compliant", "Dee"),
    ]
    assert any("below 20 of the 45 quality points" in s for s in body["description"])


def test_a_question_minimum_through_the_api(caller):
    body = {**WORKED, "quality_minimum": None}
    body["quality_criteria"] = [
        {"name": "Method", "weight": 35},
        {"name": "Staffing", "weight": 10, "minimum_score": 2},
    ]

    response = caller.post(SIMULATE, body).json()

    assert [(b["name"], b["rank"]) for b in response["bids"]] == [
        ("Brora", 1),
        ("Dee", 2),
        ("Avon", 3),
    ]
    assert [(b["name"], b["reasons"]) for b in response["non_compliant"]] == [
        ("Clyde", ["Staffing: score 1 is below the minimum of 2 (of 4)."])
    ]


def test_a_minimum_above_the_quality_weight_is_a_422_naming_it(caller):
    problem = assert_problem(caller.post(SIMULATE, {**WORKED, "quality_minimum": 50}), 422, INVALID)

    assert (problem["field"], problem["code"]) == ("quality_minimum", "quality_minimum_unreachable")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"price_weight": 50}, "price_weight", "weights_not_100"),
        (
            {"price_weight": 100, "quality_criteria": [], "benefit_weight": 0},
            "quality_criteria",
            "price_only",
        ),
        (
            {
                "price_elements": [{"name": "Labour", "weight": 40}],
            },
            "price_elements",
            "elements_not_price_weight",
        ),
    ],
)
def test_an_invalid_model_is_a_422_naming_the_field(caller, changes, field, code):
    body = assert_problem(caller.post(SIMULATE, request(**changes)), 422, INVALID)

    assert body["field"] == field
    assert body["code"] == code
    assert body["errors"] == [{"field": field, "message": body["detail"], "code": code}]


def test_a_score_above_the_scale_is_a_422_naming_the_bid_and_criterion(caller):
    body = request()
    body["bids"][1]["quality_scores"]["Method"] = 5

    problem = assert_problem(caller.post(SIMULATE, body), 422, INVALID)

    assert problem["field"] == "bids[1].quality_scores.Method"
    assert problem["detail"] == "B's score for 'Method' must be between 0 and 4."


def test_a_zero_price_under_the_error_rule_is_a_422_naming_the_price(caller):
    body = request()
    body["bids"][0]["price"] = 0

    problem = assert_problem(caller.post(SIMULATE, body), 422, INVALID)

    assert problem["field"] == "bids[0].price"
    assert problem["code"] == "zero_price"


def test_an_unknown_method_is_a_validation_problem_naming_the_field(caller):
    problem = assert_problem(caller.post(SIMULATE, request(price_method="cheapest")), 422, INVALID)

    assert [e["field"] for e in problem["errors"]] == ["price_method"]


def test_without_a_token_the_api_refuses(db):
    assert_problem(Api().post(SIMULATE, request()), 401, UNAUTHORISED)
    assert_problem(Api().get("/scoring/templates"), 401, UNAUTHORISED)


def test_templates_and_the_quality_scale(caller):
    response = caller.get("/scoring/templates")

    assert response.status_code == 200
    body = response.json()
    assert [(t["key"], t["price_weight"], t["quality_weight"]) for t in body["templates"]] == [
        ("routine_80_20", "80", "20"),
        ("leverage_60_40", "60", "40"),
        ("strategic_60_40", "60", "40"),
        ("strategic_50_50", "50", "50"),
        ("strategic_40_60", "40", "60"),
        ("bottleneck_40_60", "40", "60"),
        ("bottleneck_10_90", "10", "90"),
    ]
    assert [s["label"] for s in body["quality_scale"]] == [
        "Unacceptable",
        "Poor",
        "Acceptable",
        "Good",
        "Excellent",
    ]


def test_the_endpoints_are_in_the_openapi_document(caller):
    paths = caller.get("/openapi.json").json()["paths"]

    assert "/api/v1/scoring/simulate" in paths
    assert paths["/api/v1/scoring/simulate"]["post"]["tags"] == ["scoring"]
