"""The SROI API: the stateless calculator and saved analyses per partnership."""

import pytest

from coplan.benefits.models import SroiAnalysis
from coplan.core.models import AuditEvent
from tests.api.helpers import FORBIDDEN, INVALID, NOT_FOUND, api_as, assert_problem
from tests.factories import UserFactory

WORKED = {
    "investment": "20000",
    "discount_rate": "0.035",
    "outcomes": [
        {
            "name": "Less lonely",
            "quantity": "40",
            "proxy": "1000",
            "deadweight": "0.25",
            "displacement": "0",
            "attribution": "0.2",
            "drop_off": "0.5",
            "duration_years": 2,
        },
        {
            "name": "Fewer GP visits",
            "quantity": 10,
            "proxy": 500,
            "deadweight": 0.1,
            "displacement": 0.2,
        },
    ],
}


@pytest.fixture
def anyone(db):
    return api_as(UserFactory())


def test_the_stateless_calculator_works_the_example(anyone):
    response = anyone.post("/benefits/sroi", WORKED)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["present_value"] == "37868.80"
    assert body["npv"] == "17868.80"
    assert body["ratio"] == "1.89"
    assert body["payback_months"] == "8.7"
    assert body["years"] == [
        {"year": 1, "value": "27600.00", "discounted": "26666.67"},
        {"year": 2, "value": "12000.00", "discounted": "11202.13"},
    ]
    assert body["impacts"] == ["24000.00", "3600.00"]
    assert body["sensitivity"][0] == {
        "label": "As entered",
        "present_value": "37868.80",
        "ratio": "1.89",
        "change": "0.00",
    }
    assert "year 1" in body["convention"]


def test_the_discount_rate_defaults_to_3_5_percent(anyone):
    body = dict(WORKED)
    del body["discount_rate"]
    assert anyone.post("/benefits/sroi", body).json()["present_value"] == "37868.80"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.update(investment="0"), "investment"),
        (lambda b: b.update(discount_rate="1.5"), "discount_rate"),
        (lambda b: b.update(outcomes=[]), "outcomes"),
        (lambda b: b["outcomes"][1].update(deadweight="1.2"), "outcomes.1.deadweight"),
        (lambda b: b["outcomes"][0].update(duration_years=0), "outcomes.0.duration_years"),
        (lambda b: b["outcomes"][0].pop("proxy"), "outcomes.0.proxy"),
        (lambda b: b["outcomes"][0].update(name=""), "outcomes.0.name"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(anyone, change, field):
    body = {**WORKED, "outcomes": [dict(o) for o in WORKED["outcomes"]]}
    change(body)
    problem = assert_problem(anyone.post("/benefits/sroi", body), 422, INVALID)
    assert [e["field"] for e in problem["errors"]] == [field]


def test_the_calculator_needs_a_token(client, db):
    response = client.post("/api/v1/benefits/sroi", WORKED, content_type="application/json")
    assert response.status_code == 401


def base(partnership):
    return f"/partnerships/{partnership.pk}/benefits/sroi"


def test_saved_analyses_by_role(partnership, personas, analysis):
    listed = api_as(personas["steering"]).get(base(partnership)).json()
    assert [a["title"] for a in listed] == ["Befriending, first year"]
    assert listed[0]["investment"] == "20000.00"
    assert listed[0]["result"]["present_value"] == "37868.80"
    assert [o["impact"] for o in listed[0]["outcomes"]] == ["24000.00", "3600.00"]
    assert_problem(api_as(personas["service_user"]).get(base(partnership)), 403, FORBIDDEN)
    assert_problem(api_as(personas["outsider"]).get(base(partnership)), 404, NOT_FOUND)
    assert_problem(api_as(personas["staff"]).get(base(partnership)), 404, NOT_FOUND)


def test_building_an_analysis_through_the_api(partnership, personas):
    api = api_as(personas["se_partner"])
    created = api.post(base(partnership), {"title": "Low-level care", "investment": "5000"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["discount_rate"], body["result"], body["contract_id"]) == ("0.035", None, None)
    one = f"{base(partnership)}/{body['id']}"
    outcome = api.post(
        f"{one}/outcomes",
        {"name": "Stayed at home", "quantity": "10", "proxy": "600", "duration_years": 1},
    )
    assert outcome.status_code == 201, outcome.content
    assert outcome.json()["impact"] == "6000.00"
    # £6,000 ÷ 1.035 = £5,797.10
    assert api.get(one).json()["result"]["present_value"] == "5797.10"
    patched = api.patch(one, {"discount_rate": "0"})
    assert patched.json()["result"]["ratio"] == "1.20"
    bad = api.post(f"{one}/outcomes", {"name": "X", "quantity": "1", "proxy": "1", "drop_off": 2})
    assert [e["field"] for e in assert_problem(bad, 422, INVALID)["errors"]] == ["drop_off"]
    assert_problem(
        api_as(personas["steering"]).post(
            f"{one}/outcomes", {"name": "X", "quantity": 1, "proxy": 1}
        ),
        403,
        FORBIDDEN,
    )
    removed = api.delete(f"{one}/outcomes/{outcome.json()['id']}")
    assert removed.status_code == 204
    assert api.delete(one).status_code == 204
    assert not SroiAnalysis.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="benefits.sroi")
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "benefits.sroi.created",
        "benefits.sroi.outcome_added",
        "benefits.sroi.updated",
        "benefits.sroi.outcome_removed",
        "benefits.sroi.deleted",
    ]


def test_an_analysis_of_one_contract(contract):
    w = contract
    api = api_as(w.people["commissioner"])
    made = api.post(
        base(w.partnership),
        {"title": "Trainees", "investment": "1000", "contract_id": w.contract.pk},
    )
    assert made.json()["contract_id"] == w.contract.pk
    wrong = api.post(base(w.partnership), {"title": "X", "investment": "1", "contract_id": 0})
    assert [e["field"] for e in assert_problem(wrong, 422, INVALID)["errors"]] == ["contract_id"]
