"""The pilots API: same rules as the pages, problem bodies for every refusal."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coplan.pilots import domain
from coplan.pilots.models import DeliveryRecord, ImportBatch, Pilot
from tests.api.helpers import (
    FORBIDDEN,
    INVALID,
    NOT_FOUND,
    REFUSED,
    UNAUTHORISED,
    Api,
    api_as,
    assert_problem,
)

from .conftest import csv_bytes, row, sample_rows


@pytest.fixture
def api(personas):
    return lambda name: api_as(personas[name])


def base(pilot_or_partnership):
    pk = getattr(pilot_or_partnership, "partnership_id", None) or pilot_or_partnership.pk
    return f"/partnerships/{pk}/pilot"


def test_create_pilot_refuses_a_short_pilot_with_the_rule(api, partnership, own_org):
    body = {
        "title": "Pilot",
        "starts_on": "2006-10-01",
        "ends_on": "2007-01-31",
        "services": [{"name": "Packs", "unit": "pack"}],
        "provider_ids": [own_org.pk],
    }
    problem = assert_problem(api("commissioner").post(base(partnership), body), 422, REFUSED)
    assert problem["code"] == "pilot_under_6_months"
    assert "end dates are inclusive" in problem["detail"] and problem["months"] == 4
    body["ends_on"] = "2007-03-31"
    response = api("commissioner").post(base(partnership), body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["months"] == 6 and data["services"][0]["unit"] == "pack"
    assert_problem(api("observer").post(base(partnership), body), 403, FORBIDDEN)


def test_get_pilot_hides_funding_from_service_users(api, pilot):
    assert api("steering").get(base(pilot)).json()["funding_amount"] == "120000.00"
    assert api("service_user").get(base(pilot)).json()["funding_amount"] is None
    assert_problem(api("outsider").get(base(pilot)), 404, NOT_FOUND)
    assert_problem(Api().get(base(pilot)), 401, UNAUTHORISED)


def test_records_create_list_paginate(api, pilot, services, own_org, other_org):
    packs = services["Emergency furniture packs"]
    body = {
        "service_id": packs.pk,
        "provider_id": own_org.pk,
        "delivered_on": "2006-11-02",
        "quantity": "2",
        "cost": "610.00",
        "client_id": "NL0042",
        "referred_on": "2006-10-27",
    }
    created = api("se_partner").post(base(pilot) + "/records", body)
    assert created.status_code == 201, created.content
    record = created.json()
    assert record["wait_days"] == 6 and record["wait_working_days"] == 4
    assert "NL0042" not in json.dumps(record) and len(record["client_ref"]) == 32
    other = {**body, "provider_id": other_org.pk}
    problem = assert_problem(api("se_partner").post(base(pilot) + "/records", other), 422, REFUSED)
    assert "own organisation" in problem["detail"]
    assert_problem(api("observer").post(base(pilot) + "/records", body), 403, FORBIDDEN)
    bad = {**body, "delivered_on": "2007-08-01"}
    assert (
        "within the pilot"
        in assert_problem(api("facilitator").post(base(pilot) + "/records", bad), 422, REFUSED)[
            "detail"
        ]
    )
    assert_problem(
        api("facilitator").post(base(pilot) + "/records", {**body, "quantity": "x"}), 422, INVALID
    )
    for day in range(3, 9):
        api("facilitator").post(
            base(pilot) + "/records", {**body, "delivered_on": f"2006-11-{day:02d}"}
        )
    page = api("steering").get(base(pilot) + "/records", {"limit": 3, "offset": 0}).json()
    assert page["count"] == 7 and len(page["items"]) == 3
    assert page["items"][0]["delivered_on"] == "2006-11-08"
    assert api("se_partner").get(base(pilot) + "/records").json()["count"] == 7
    assert_problem(api("service_user").get(base(pilot) + "/records"), 403, FORBIDDEN)


def test_record_edit_and_delete(api, pilot, services, own_org):
    record = domain.record_delivery(
        pilot=pilot,
        actor=None,
        service=services["Emergency storage"],
        provider=own_org,
        delivered_on=dt.date(2006, 10, 9),
        quantity=3,
        cost=30,
    )
    url = f"{base(pilot)}/records/{record.pk}"
    response = api("facilitator").patch(url, {"quantity": "5", "satisfaction": 4})
    assert response.status_code == 200 and response.json()["quantity"] == "5.00"
    assert api("se_partner").delete(url).status_code == 204
    assert not DeliveryRecord.objects.exists()


def test_bulk_upload_returns_the_batch_and_its_status(pilot, personas, own_org, other_org):
    api = api_as(personas["facilitator"])
    content = csv_bytes(sample_rows(own_org.name, other_org.name, 20))
    response = api.client.post(
        "/api/v1" + base(pilot) + "/uploads",
        {"file": SimpleUploadedFile("nov.csv", content)},
        **api.headers,
    )
    assert response.status_code == 202, response.content
    batch = response.json()
    assert batch["status"] == "imported" and batch["imported_rows"] == 20
    assert batch["percent"] == 100 and len(batch["sha256"]) == 64
    status = api.get(f"{base(pilot)}/batches/{batch['id']}").json()
    assert status["status"] == "imported"
    again = api.client.post(
        "/api/v1" + base(pilot) + "/uploads",
        {"file": SimpleUploadedFile("again.csv", content)},
        **api.headers,
    )
    assert assert_problem(again, 422, REFUSED)["code"] == "duplicate_file"
    reverted = api.post(f"{base(pilot)}/batches/{batch['id']}/revert", {"reason": "Test"})
    assert reverted.json()["status"] == "reverted"


def test_bulk_upload_errors_and_mapping(pilot, personas, own_org):
    api = api_as(personas["facilitator"])
    content = csv_bytes([row(provider=own_org.name, quantity="-1")])
    response = api.client.post(
        "/api/v1" + base(pilot) + "/uploads",
        {"file": SimpleUploadedFile("bad.csv", content)},
        **api.headers,
    )
    batch = response.json()
    assert batch["status"] == "rejected" and batch["error_count"] == 1
    errors = api.get(f"{base(pilot)}/batches/{batch['id']}/errors").json()
    assert errors["items"] == [
        {
            "row": 2,
            "column": 4,
            "header": "quantity",
            "value": "-1",
            "message": "is negative: a quantity is never below 0",
        }
    ]
    odd = csv_bytes([["2006-10-12", "1", "10"]], header=["When", "Qty", "Cost"])
    response = api.client.post(
        "/api/v1" + base(pilot) + "/uploads",
        {"file": SimpleUploadedFile("odd.csv", odd)},
        **api.headers,
    )
    waiting = response.json()
    assert waiting["status"] == "uploaded"  # the columns need matching
    service = pilot.services.first()
    mapped = api.client.put(
        f"/api/v1{base(pilot)}/batches/{waiting['id']}/mapping",
        json.dumps(
            {
                "columns": {"delivered_on": 0, "quantity": 1, "cost": 2},
                "fixed": {"service": service.pk, "provider": own_org.pk},
            }
        ),
        content_type="application/json",
        **api.headers,
    )
    assert mapped.status_code == 202 and mapped.json()["status"] == "imported"


def test_kpis_and_dashboard(api, pilot, personas, own_org, other_org, kpis):
    from .conftest import upload

    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name)))
    listed = api("observer").get(base(pilot) + "/kpis").json()
    assert {k["name"] for k in listed} >= {"Cost per pack", "Packs within 5 working days"}
    body = {
        "name": "Visits",
        "definition": "Visits",
        "unit": "visits",
        "target": "10",
        "source": "Records",
        "aggregation": "count",
    }
    assert api("facilitator").post(base(pilot) + "/kpis", body).status_code == 201
    problem = assert_problem(
        api("facilitator").post(
            base(pilot) + "/kpis", {**body, "name": "P", "aggregation": "percentage"}
        ),
        422,
        REFUSED,
    )
    assert problem["field"] == "condition_field"
    assert_problem(api("steering").post(base(pilot) + "/kpis", body), 403, FORBIDDEN)
    board = api("commissioner").get(base(pilot) + "/dashboard", {"month": "2006-11"}).json()
    assert board["month"] == "2006-11-01" and board["unit_costs"]
    assert {k["name"] for k in board["kpis"]} >= {"Cost per pack"}
    user_board = api("service_user").get(base(pilot) + "/dashboard").json()
    assert user_board["unit_costs"] is None
    assert "Cost per pack" not in {k["name"] for k in user_board["kpis"]}
    manual = kpis["manual"]
    value = api("evaluator").post(
        f"{base(pilot)}/kpis/{manual.pk}/values", {"period": "2006-10-01", "value": "5"}
    )
    assert value.status_code == 201


def test_feedback_issues_evaluations(api, pilot, personas):
    created = api("service_user").post(
        base(pilot) + "/feedback",
        {"rating": 4, "comment": "Kind", "anonymous": True, "received_on": "2006-11-10"},
    )
    assert created.status_code == 201 and created.json()["anonymous"]
    assert_problem(api("observer").post(base(pilot) + "/feedback", {"rating": 4}), 403, FORBIDDEN)
    issue = api("steering").post(base(pilot) + "/issues", {"title": "Vans", "severity": "high"})
    assert issue.status_code == 201
    resolved = api("steering").patch(
        f"{base(pilot)}/issues/{issue.json()['id']}",
        {"resolution": "Second van", "resolved_on": dt.date.today().isoformat()},
    )
    assert resolved.json()["resolution"] == "Second van"
    early = {"kind": "interim", "period_start": "2006-10-01", "period_end": "2007-01-31"}
    assert (
        assert_problem(api("evaluator").post(base(pilot) + "/evaluations", early), 422, REFUSED)[
            "code"
        ]
        == "interim_before_six_months"
    )
    evaluation = (
        api("evaluator")
        .post(base(pilot) + "/evaluations", {**early, "period_end": "2007-03-31"})
        .json()
    )
    url = f"{base(pilot)}/evaluations/{evaluation['id']}"
    assert_problem(api("evaluator").post(url + "/approve", {}), 403, FORBIDDEN)
    approved = api("commissioner").post(url + "/approve", {"approved_on": "2007-04-17"}).json()
    assert approved["approved_on"] == "2007-04-17"
    items = [{"result_id": None, "disclosure": "publish"}] + [
        {"result_id": r["id"], "disclosure": "redact_then_publish", "reason": "Names"}
        for r in approved["results"]
    ]
    classified = api("procurement").post(url + "/classification", items).json()
    assert classified["disclosure"] == "publish"
    assert {r["disclosure"] for r in classified["results"]} == {"redact_then_publish"}
    assert_problem(
        api("procurement").post(
            url + "/classification", [{"result_id": None, "disclosure": "internal_only"}]
        ),
        422,
        REFUSED,
    )


def test_extensions_through_the_api(api, pilot):
    created = api("facilitator").post(
        base(pilot) + "/extensions", {"new_ends_on": "2007-05-31", "reason": "Winter"}
    )
    assert created.status_code == 201
    url = f"{base(pilot)}/extensions/{created.json()['id']}/decision"
    assert_problem(api("facilitator").post(url, {"approve": True}), 403, FORBIDDEN)
    decided = api("commissioner").post(url, {"approve": True, "note": "Steering"})
    assert decided.json()["status"] == "approved"
    assert Pilot.objects.get().effective_ends_on == dt.date(2007, 5, 31)
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    "persona",
    [
        "facilitator",
        "commissioner",
        "procurement",
        "steering",
        "se_partner",
        "service_user",
        "evaluator",
        "observer",
        "outsider",
    ],
)
def test_who_stops_a_pilot_through_the_api(api, pilot, persona):
    response = api(persona).post(
        base(pilot) + "/stop", {"stopped_on": "2007-01-31", "reason": "The provider closed"}
    )
    if persona == "commissioner":
        assert response.status_code == 200
        assert (response.json()["stopped_on"], response.json()["stop_reason"]) == (
            "2007-01-31",
            "The provider closed",
        )
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert Pilot.objects.get().stopped_on is None


def test_a_stop_outside_the_pilot_is_a_problem_naming_the_field(api, pilot):
    refused = api("commissioner").post(
        base(pilot) + "/stop", {"stopped_on": "2008-01-31", "reason": "Late"}
    )
    body = assert_problem(refused, 422, REFUSED)
    assert body["field"] == "stopped_on"
    assert Pilot.objects.get().stopped_on is None


def test_openapi_documents_the_pilot_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    paths = {p for p in schema["paths"] if "/pilot" in p}
    assert "/api/v1/partnerships/{pk}/pilot/uploads" in paths
    assert "/api/v1/partnerships/{pk}/pilot/dashboard" in paths
    assert "/api/v1/partnerships/{pk}/pilot/stop" in paths
    assert len(paths) >= 20
