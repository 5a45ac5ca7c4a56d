"""The evaluation and award through the API (verified sessions), and the OCDS package with
the award and contract releases validated by libcoveocds."""

import pytest

from coplan.bidding import domain, ocds
from coplan.bidding.enums import Part
from coplan.core import clock
from tests.tendering.test_ocds import validate

from .conftest import MODERATED

pytestmark = pytest.mark.django_db


def base(tender):
    return f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}"


def test_the_panel_declarations_scores_and_moderation(opened, tender, personas, verified):
    officer = verified(personas["procurement"])
    method = tender.quality_criteria.get(name="Method")
    response = officer.post(
        f"{base(tender)}/evaluation/panel",
        {
            "evaluator_id": personas["service_user"].pk,
            "part": "quality",
            "criterion_id": method.pk,
            "training": "Evaluator training for service users, June 2007",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    refused = officer.post(
        f"{base(tender)}/evaluation/panel",
        {"evaluator_id": personas["service_user"].pk, "part": "price"},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "evaluator")
    panel = {r["criterion"]: r for r in officer.get(f"{base(tender)}/evaluation/panel").json()}
    assert panel["Method"]["evaluators"] == [str(personas["service_user"])]
    assert panel["Method"]["training"] == {
        str(personas["service_user"]): "Evaluator training for service users, June 2007"
    }
    user = verified(personas["service_user"])
    assert (
        user.post(
            f"{base(tender)}/evaluation/declaration",
            {"kind": "none"},
            content_type="application/json",
        ).json()["decision"]
        == "clear"
    )
    scored = user.post(
        f"{base(tender)}/evaluation/scores",
        {"bid": str(opened[0].uuid), "criterion_id": method.pk, "score": 3, "rationale": "Good"},
        content_type="application/json",
    )
    assert scored.status_code == 201
    officer = verified(personas["procurement"])
    moderated = officer.post(
        f"{base(tender)}/evaluation/moderation",
        {"bid": str(opened[0].uuid), "criterion_id": method.pk, "score": 2, "rationale": "Agreed"},
        content_type="application/json",
    )
    assert (moderated.status_code, moderated.json()["field"]) == (422, "difference_reason")
    results = officer.get(f"{base(tender)}/evaluation/results").json()
    assert results["complete"] is False


def test_award_through_the_api_and_the_ocds_package(moderated, tender, personas, verified):
    client = verified(personas["commissioner"])
    results = client.get(f"{base(tender)}/evaluation/results").json()
    assert [r["rank"] for r in results["ranking"]] == [1, 2]
    response = client.post(
        f"{base(tender)}/award",
        {"reasons": "Best value.", "starts_on": "2007-10-01", "ends_on": "2010-09-30"},
        content_type="application/json",
    )
    assert response.status_code == 201
    award = response.json()
    assert award["standstill_days"] == 10
    assert award["contract"]["commitments"][0]["target_min"] == "52"
    early = client.post(f"{base(tender)}/award/contract/conclusion")
    assert (early.status_code, early.json()["code"]) == (422, "standstill")
    package = client.get(f"{base(tender)}/ocds").json()
    tags = [r["tag"] for r in package["releases"]]
    assert tags[1:] == [["award"], ["contract"], ["implementation"]]  # with the benefits app
    result = validate(package)
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}
    tender.refresh_from_db()
    contract = tender.contracts.get()
    with clock.at(contract.standstill_ends_at):
        domain.conclude_contract(contract=contract, actor=personas["procurement"])
    package = ocds.release_package(tender)
    (contract_release,) = [r for r in package["releases"] if r["tag"] == ["contract"]]
    assert contract_release["contracts"][0]["status"] == "active"
    assert validate(package)["validation_errors"] == []


def test_evaluators_need_a_verified_session(opened, tender, personas, client):
    domain.assign(
        tender=tender,
        actor=personas["procurement"],
        evaluator=personas["evaluator"],
        part=Part.PRICE,
    )
    client.force_login(personas["evaluator"])
    response = client.post(
        f"{base(tender)}/evaluation/declaration", {"kind": "none"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_moderated_table_is_as_documented():
    assert MODERATED[(0, "Method")] == 3
