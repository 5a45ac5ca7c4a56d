"""Contract monitoring through the API: same rules as the pages, problem bodies."""

from tests.api.helpers import FORBIDDEN, INVALID, NOT_FOUND, REFUSED, api_as, assert_problem


def base(w):
    return f"/partnerships/{w.partnership.pk}/benefits"


def test_submit_verify_query_and_answer(contract):
    w = contract
    supplier, manager = api_as(w.people["se_partner"]), api_as(w.people["commissioner"])
    returns = f"{base(w)}/contracts/{w.contract.pk}/returns"
    body = {
        "period_start": "2007-10-01",
        "lines": [
            {"commitment_id": w.trainees.pk, "actual": "4", "additional": 3},
            {"commitment_id": w.tonnes.pk, "actual": "20"},
        ],
    }
    assert_problem(api_as(w.people["other_se"]).post(returns, body), 403, FORBIDDEN)
    assert_problem(manager.post(returns, body), 403, FORBIDDEN)
    created = supplier.post(returns, body)
    assert created.status_code == 201, created.content
    lines = {ln["commitment_id"]: ln for ln in created.json()["lines"]}
    assert lines[w.trainees.pk]["status"] == "submitted"
    again = assert_problem(supplier.post(returns, body), 422, REFUSED)
    assert (again["code"], again["field"]) == ("already_submitted", "period_start")
    wrong = {**body, "period_start": "2008-01-01", "lines": [{"commitment_id": 0, "actual": 1}]}
    problem = assert_problem(supplier.post(returns, wrong), 422, INVALID)
    assert [e["field"] for e in problem["errors"]] == ["lines.0.commitment_id"]

    trainees, tonnes = lines[w.trainees.pk]["id"], lines[w.tonnes.pk]["id"]
    assert_problem(supplier.post(f"{base(w)}/lines/{trainees}/verify"), 403, FORBIDDEN)
    assert manager.post(f"{base(w)}/lines/{trainees}/verify").json()["status"] == "verified"
    queried = manager.post(f"{base(w)}/lines/{tonnes}/query", {"query": "WTNs?"})
    assert queried.json()["status"] == "queried"
    answered = supplier.post(f"{base(w)}/lines/{tonnes}/resubmit", {"actual": "25"})
    assert (answered.json()["status"], answered.json()["actual"]) == ("submitted", "25.00")

    state = api_as(w.people["steering"]).get(f"{base(w)}/contracts/{w.contract.pk}").json()
    assert state["as_of"] == "2007-12-31"
    rows = {c["id"]: c for c in state["commitments"]}
    assert rows[w.trainees.pk]["verified"] == "4.00"
    assert rows[w.trainees.pk]["status"]["rag"] == "green"  # 4 of 3.02 due
    assert rows[w.trainees.pk]["recruitment"]["additional_percent"] == "75.0"
    assert rows[w.trainees.pk]["social_value"] == "10000.00"  # 4 × £2,500
    assert rows[w.tonnes.pk]["status"]["rag"] == "red"
    assert rows[w.tonnes.pk]["needs_remedial_plan"] is True
    assert rows[w.tonnes.pk]["social_value"] is None  # no proxy for tonnes
    assert_problem(
        api_as(w.people["service_user"]).get(f"{base(w)}/contracts/{w.contract.pk}"),
        403,
        FORBIDDEN,
    )
    assert_problem(api_as(w.people["outsider"]).get(f"{base(w)}/contracts"), 404, NOT_FOUND)

    plan = supplier.post(
        f"{base(w)}/commitments/{w.tonnes.pk}/remedial-plans",
        {"actions": "Weighbridge runs", "starts_on": "2008-01-07", "due_on": "2008-01-01"},
    )
    assert assert_problem(plan, 422, REFUSED)["field"] == "due_on"
    plan = supplier.post(
        f"{base(w)}/commitments/{w.tonnes.pk}/remedial-plans",
        {"actions": "Weighbridge runs", "starts_on": "2008-01-07", "due_on": "2008-03-31"},
    )
    assert plan.status_code == 201
    after = api_as(w.people["steering"]).get(f"{base(w)}/contracts").json()[0]
    tonnes_row = next(c for c in after["commitments"] if c["id"] == w.tonnes.pk)
    assert tonnes_row["needs_remedial_plan"] is False
    assert tonnes_row["remedial_plans"][0]["due_on"] == "2008-03-31"
    closing = f"{base(w)}/remedial-plans/{plan.json()['id']}/complete"
    assert_problem(supplier.post(closing, {"completed_on": "2008-03-28"}), 403, FORBIDDEN)
    closed = manager.post(closing, {"completed_on": "2008-03-28", "outcome": "Recovered"})
    assert closed.json()["completed_on"] == "2008-03-28"
    again = assert_problem(manager.post(closing, {"completed_on": "2008-03-29"}), 422, REFUSED)
    assert again["code"] == "plan_closed"


def test_evidence_upload_and_thresholds(contract, client):
    w = contract
    supplier = api_as(w.people["se_partner"])
    ret = supplier.post(
        f"{base(w)}/contracts/{w.contract.pk}/returns",
        {"period_start": "2007-10-01", "lines": [{"commitment_id": w.reused.pk, "actual": 500}]},
    ).json()
    line = ret["lines"][0]["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = supplier.client.post(
        f"/api/v1{base(w)}/lines/{line}/evidence",
        {"file": SimpleUploadedFile("log.csv", b"item,date\n", "text/csv")},
        **supplier.headers,
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["name"] == "log.csv"
    manager = api_as(w.people["procurement"])
    saved = manager.send(
        "PUT", f"{base(w)}/thresholds", '{"green_percent": "90", "amber_percent": "60"}'
    )
    assert saved.json() == {"green_percent": "90", "amber_percent": "60"}
    assert_problem(
        supplier.send("PUT", f"{base(w)}/thresholds", '{"green_percent": 1, "amber_percent": 0}'),
        403,
        FORBIDDEN,
    )


def test_the_thread_through_the_api(contract):
    w = contract
    body = api_as(w.people["service_user"]).get(f"{base(w)}/thread").json()
    keys = {n["key"]: n for n in body["nodes"]}
    commitment = keys[f"commitment:{w.trainees.pk}"]
    assert commitment["upstream"] == [f"benefit_requirement:{w.requirement.pk}"]
    # every commitment is due (its period started in 2007) and none has evidence
    assert set(body["broken"]) == {f"commitment:{c.pk}" for c in (w.trainees, w.reused, w.tonnes)}


def test_the_thresholds_read_through_the_api(contract):
    w = contract
    manager = api_as(w.people["procurement"])
    assert manager.get(f"{base(w)}/thresholds").json() == {
        "green_percent": "100",
        "amber_percent": "75",
    }
    manager.send("PUT", f"{base(w)}/thresholds", '{"green_percent": "95", "amber_percent": "70"}')
    seen = api_as(w.people["steering"]).get(f"{base(w)}/thresholds").json()
    assert seen == {"green_percent": "95.00", "amber_percent": "70.00"}
    assert_problem(api_as(w.people["service_user"]).get(f"{base(w)}/thresholds"), 403, FORBIDDEN)


def test_one_thread_item_both_ways_through_the_api(contract):
    w = contract
    reader = api_as(w.people["service_user"])
    body = reader.get(f"{base(w)}/thread/commitment/{w.trainees.pk}").json()
    assert body["item"]["key"] == f"commitment:{w.trainees.pk}"
    assert body["item"]["broken"] == "No evidence submitted although it is due."
    assert [n["key"] for n in body["upstream"]] == [f"benefit_requirement:{w.requirement.pk}"]
    assert body["downstream"] == []
    body = reader.get(f"{base(w)}/thread/benefit_requirement/{w.requirement.pk}").json()
    assert [n["key"] for n in body["downstream"]] == [f"commitment:{w.trainees.pk}"]
    assert_problem(reader.get(f"{base(w)}/thread/nonsense/1"), 404, NOT_FOUND)
    assert_problem(reader.get(f"{base(w)}/thread/commitment/999999"), 404, NOT_FOUND)
    from tests.factories import UserFactory

    assert_problem(
        api_as(UserFactory()).get(f"{base(w)}/thread/commitment/{w.trainees.pk}"), 404, NOT_FOUND
    )
