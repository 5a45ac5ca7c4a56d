"""The costing API: the stateless calculator (same figures as the pages, 422 problem bodies
naming the field), cost models with the same visibility as the pages, and capacity."""

import datetime as dt

import pytest

from coplan.core.models import AuditEvent
from coplan.costing.enums import CapacityArea
from tests.api.helpers import INVALID, NOT_FOUND, REFUSED, api_as, assert_problem

FULL_COST = "/costing/full-cost"

# The hand-checked multi-pool model of test_calc, as the issue's request shape.
PACKS = {
    "activities": ["Packs", "Storage", "Core", "Fundraising"],
    "service": "Packs",
    "staff": [
        {
            "name": "Manager",
            "salary": "30000",
            "employer_ni": "3000",
            "pension": "1000",
            "time": {"Packs": "0.2", "Storage": "0.2", "Core": "0.4", "Fundraising": "0.2"},
        },
        {
            "name": "Driver A",
            "salary": "20000",
            "employer_ni": "2000",
            "pension": "600",
            "time": {"Packs": 1},
        },
        {
            "name": "Driver B",
            "salary": "20000",
            "employer_ni": "2000",
            "pension": "600",
            "time": {"Packs": 0.5, "Storage": 0.5},
        },
        {
            "name": "Fundraiser",
            "salary": "24000",
            "employer_ni": "2400",
            "pension": "400",
            "time": {"Fundraising": 1},
        },
        {
            "name": "Finance officer",
            "salary": "18000",
            "employer_ni": "1800",
            "pension": "0",
            "time": {},
        },
    ],
    "direct_costs": [
        {"name": "Van fuel", "amount": "5000", "activity": "Packs"},
        {"name": "Materials", "amount": "3000", "activity": "Packs"},
        {"name": "Storage unit rent", "amount": "6000", "activity": "Storage"},
    ],
    "pools": [
        {"name": "Premises", "amount": "12000", "driver": "headcount"},
        {"name": "Central functions", "amount": "9000", "driver": "staff_time"},
        {"name": "Governance", "amount": "6000", "driver": "expenditure"},
    ],
    "units": 400,
    "surplus_rate": "0.05",
}


@pytest.fixture
def api(personas):
    return lambda name: api_as(personas[name])


def test_the_calculator_returns_the_issues_shape_with_money_as_decimal_strings(api):
    response = api("commissioner").post(FULL_COST, PACKS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "allocations",
        "unallocated",
        "direct_cost",
        "full_cost",
        "unit_cost",
        "price",
        "overhead_recovery_rate",
        "warnings",
    }
    assert (body["direct_cost"], body["full_cost"]) == ("48700.00", "60060.00")
    assert (body["unit_cost"], body["price"]) == ("150.15", "157.66")
    assert body["overhead_recovery_rate"].startswith("0.23326488706")
    packs = [a for a in body["allocations"] if a["activity"] == "Packs"]
    assert packs == [
        {"pool": "Premises", "activity": "Packs", "share": "0.425", "amount": "5100.00"},
        {"pool": "Central functions", "activity": "Packs", "share": "0.425", "amount": "3825.00"},
        {
            "pool": "Governance",
            "activity": "Packs",
            "share": "0.4058333333333333333333333333",
            "amount": "2435.00",
        },
    ]
    assert body["unallocated"] == []
    assert {w["code"] for w in body["warnings"]} == {"staff_unallocated"}


def test_an_explicit_denominator_reports_the_remainder_as_unallocated(api):
    pools = [{"name": "Premises", "amount": "12000", "driver": "headcount", "denominator": 5}]
    body = api("se_partner").post(FULL_COST, PACKS | {"pools": pools}).json()
    assert body["unallocated"] == [{"pool": "Premises", "amount": "2400.00"}]
    assert body["full_cost"] == "52780.00"  # 48,700 + 12,000 × 1.7/5
    assert "unallocated_overhead" in {w["code"] for w in body["warnings"]}


def test_drivers_can_be_given_instead_of_derived(api):
    body = (
        api("se_partner")
        .post(
            FULL_COST,
            PACKS
            | {
                "pools": [{"name": "Warehouse", "amount": "1000", "driver": "floor_area"}],
                "drivers": {"floor_area": {"Packs": 30, "Storage": 70}},
            },
        )
        .json()
    )
    assert body["full_cost"] == "49000.00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"units": 0}, "units"),
        ({"surplus_rate": "-0.1"}, "surplus_rate"),
        ({"service": "Nowhere"}, "service"),
        ({"pools": [{"name": "Rent", "amount": "10", "driver": "weather"}]}, "pools.0.driver"),
        (
            {"pools": [{"name": "Rent", "amount": "10.001", "driver": "headcount"}]},
            "pools.0.amount",
        ),
        (
            {"pools": [{"name": "Rent", "amount": "10", "driver": "floor_area"}]},
            "drivers.floor_area",
        ),
        (
            {"pools": [{"name": "Rent", "amount": "10", "driver": "headcount", "denominator": 2}]},
            "pools.0.denominator",
        ),
        (
            {"staff": [{"name": "Busy", "salary": "1", "time": {"Packs": 0.8, "Storage": 0.3}}]},
            "staff.0.time",
        ),
        (
            {"staff": [{"name": "Lost", "salary": "1", "time": {"Nowhere": 0.5}}]},
            "staff.0.time.Nowhere",
        ),
        (
            {"direct_costs": [{"name": "Fuel", "amount": "1", "activity": "Moon"}]},
            "direct_costs.0.activity",
        ),
        ({"activities": []}, "activities"),
        ({"staff": [{"name": "No pay"}]}, "staff.0.salary"),
    ],
)
def test_bad_input_is_a_422_problem_naming_the_field(api, change, field):
    body = assert_problem(api("facilitator").post(FULL_COST, PACKS | change), 422, _title(field))
    named = {body.get("field")} | {e["field"] for e in body.get("errors", [])}
    assert field in named, body


def _title(field):
    """Schema errors come from validation (“Invalid request”); rule errors from the calculator
    (“Not allowed by the partnership's rules”)."""
    schema = {
        "units",
        "surplus_rate",
        "pools.0.driver",
        "pools.0.amount",
        "activities",
        "staff.0.salary",
    }
    return INVALID if field in schema else REFUSED


def test_the_calculator_needs_a_token(client):
    response = client.post("/api/v1/costing/full-cost", PACKS, content_type="application/json")
    assert response.status_code == 401


# --- cost models -------------------------------------------------------------------------------


def base(w):
    return f"/partnerships/{w.partnership.pk}/costing"


def test_models_are_listed_with_the_versions_each_person_may_see(locked):
    w = locked
    listed = lambda name: api_as(w.people[name]).get(f"{base(w)}/models").json()  # noqa: E731
    owner = listed("se_partner")
    assert [v["number"] for v in owner[0]["versions"]] == [2, 1]
    assert owner[0]["versions"][1]["unit_cost"] == "150.15"
    council = listed("commissioner")
    assert [v["number"] for v in council[0]["versions"]] == [1]
    assert listed("other_se") == []
    assert_problem(api_as(w.people["service_user"]).get(f"{base(w)}/models"), 403, "Forbidden")
    assert_problem(api_as(w.people["outsider"]).get(f"{base(w)}/models"), 404, NOT_FOUND)


def test_a_version_with_its_lines_and_result(locked):
    w = locked
    api = api_as(w.owner)
    version = api.get(f"{base(w)}/models/{w.model.pk}/versions/1").json()
    assert version["status"] == "locked"
    assert version["staff"][0]["name"] == "Manager"
    assert version["staff"][0]["time"]["Core"] == "0.4"
    result = api.get(f"{base(w)}/models/{w.model.pk}/versions/1/result").json()
    assert result["valid"] is True
    assert (result["full_cost"], result["unit_cost"]) == ("60060.00", "150.15")
    assert "all activities" in result["denominator"]
    assert {c["code"] for c in result["checks"]} == {
        "shares_within_0_1",
        "time_within_100",
        "pools_balance",
    }
    assert_problem(
        api_as(w.people["commissioner"]).get(f"{base(w)}/models/{w.model.pk}/versions/2"),
        404,
        NOT_FOUND,
    )


def test_lines_change_only_in_a_draft_and_only_for_the_owner_or_facilitator(locked):
    w = locked
    api = api_as(w.owner)
    draft = f"{base(w)}/models/{w.model.pk}/versions/2"
    created = api.post(
        f"{draft}/staff",
        {"name": "Trainee", "salary": "9000", "time": {"Packs": "0.5"}},
    )
    assert created.status_code == 201, created.content
    assert created.json()["time"] == {"Packs": "0.5"}
    refused = api.post(
        f"{base(w)}/models/{w.model.pk}/versions/1/staff", {"name": "Late", "salary": "1"}
    )
    assert assert_problem(refused, 422, REFUSED)["code"] == "version_locked"
    assert_problem(
        api_as(w.people["commissioner"]).post(
            f"{draft}/pools", {"name": "X", "amount": "1", "driver": "headcount"}
        ),
        403,
        "Forbidden",
    )
    over = api.post(
        f"{draft}/staff",
        {"name": "Busy", "salary": "1", "time": {"Packs": "0.7", "Storage": "0.7"}},
    )
    body = assert_problem(over, 422, REFUSED)
    assert body["code"] == "time_over_100"
    cost = api.post(f"{draft}/direct-costs", {"name": "Fuel", "amount": "5", "activity": "Moon"})
    assert assert_problem(cost, 422, REFUSED)["field"] == "activity"
    patched = api.patch(draft, {"basis": "projects"})
    assert patched.json()["basis"] == "projects"
    result = api.get(f"{draft}/result").json()
    assert result["unit_cost"] != "150.15"
    locked_now = api.post(f"{draft}/lock")
    assert locked_now.json()["status"] == "locked"
    shared = api.post(f"{draft}/share", {"shared": True})
    assert shared.json()["shared_at"] is not None
    assert_problem(
        api_as(w.people["facilitator"]).post(f"{draft}/share", {"shared": False}), 403, "Forbidden"
    )


def test_creating_a_model_through_the_api(world):
    w = world
    api = api_as(w.owner)
    response = api.post(
        f"{base(w)}/models",
        {"organisation_id": w.enterprise.pk, "service": "Storage", "unit_name": "month"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["versions"][0]["status"] == "draft"
    rival = api.post(f"{base(w)}/models", {"organisation_id": w.rival.pk, "service": "Storage"})
    assert assert_problem(rival, 422, REFUSED)["code"] == "not_your_enterprise"
    assert AuditEvent.objects.filter(action="costing.model.created").count() == 2


def test_capacity_assessments_and_plan(world):
    w = world
    api = api_as(w.people["facilitator"])
    scores = [{"area": a.value, "score": 3, "evidence": "Seen"} for a in CapacityArea]
    created = api.post(
        f"{base(w)}/capacity/assessments",
        {"organisation_id": w.enterprise.pk, "assessed_on": "2006-03-01", "scores": scores},
    )
    assert created.status_code == 201, created.content
    assert len(created.json()["scores"]) == 8
    bad = api.post(
        f"{base(w)}/capacity/assessments",
        {
            "organisation_id": w.enterprise.pk,
            "assessed_on": "2006-03-01",
            "scores": [{"area": "finance", "score": 9}],
        },
    )
    assert_problem(bad, 422, INVALID)
    action = api.post(
        f"{base(w)}/capacity/plan",
        {
            "organisation_id": w.enterprise.pk,
            "area": "finance",
            "gap": "No costing",
            "action": "Training",
            "provider": "CRNS",
            "due_on": str(dt.date(2006, 6, 1)),
        },
    ).json()
    done = api.patch(f"{base(w)}/capacity/plan/{action['id']}", {"status": "done"}).json()
    assert done["status"] == "done" and done["completed_on"]
    assert api.get(f"{base(w)}/capacity/plan?status=open").json() == []
    other = api_as(w.people["other_se"]).patch(
        f"{base(w)}/capacity/plan/{action['id']}", {"status": "planned"}
    )
    assert_problem(other, 403, "Forbidden")
    assert_problem(
        api_as(w.people["service_user"]).get(f"{base(w)}/capacity/plan"), 403, "Forbidden"
    )
