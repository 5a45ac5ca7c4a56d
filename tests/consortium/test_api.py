"""The consortium API: same rules as the pages; problem bodies; voided signatures reported."""

import json
from decimal import Decimal as D

import pytest

from coplan.core.models import AuditEvent
from tests.api.helpers import FORBIDDEN, INVALID, NOT_FOUND, REFUSED, api_as, assert_problem


def put(api, path, body):
    return api.send("PUT", path, json.dumps(body))


def base(w):
    return f"/partnerships/{w.partnership.pk}/consortium"


@pytest.fixture
def api(drafted):
    return lambda name: api_as(drafted.people[name])


def test_the_consortium_as_a_bidder_with_its_members(drafted, api):
    body = api("service_user").get(base(drafted)).json()
    assert body["name"] == "Homereach"
    assert body["legal_model"] == "lead_contractor"
    assert body["lead"]["id"] == drafted.lead.organisation_id
    assert [m["is_lead"] for m in body["members"]].count(True) == 1
    assert [s["name"] for s in body["services"]] == ["Storage", "Packs"]
    assert body["agreement_status"] == "draft"
    assert_problem(api("outsider").get(base(drafted)), 404, NOT_FOUND)


def test_the_split_is_commercial_and_must_total_100(drafted, api):
    assert_problem(api("service_user").get(f"{base(drafted)}/split"), 403, FORBIDDEN)
    splits = api("commissioner").get(f"{base(drafted)}/split").json()
    assert [s["complete"] for s in splits] == [True, True]
    packs = f"{base(drafted)}/split/{drafted.packs.pk}"
    shares = [
        {"member_id": drafted.lead.pk, "work_percent": "50", "revenue_percent": "50"},
        {"member_id": drafted.second.pk, "work_percent": "40", "revenue_percent": "50"},
    ]
    body = assert_problem(put(api("se_partner"), packs, {"shares": shares}), 422, REFUSED)
    assert body["code"] == "split_not_100"
    assert body["work_total"] == "90"
    assert_problem(put(api("member_se"), packs, {"shares": shares}), 403, FORBIDDEN)
    bad = [{"member_id": drafted.lead.pk, "work_percent": "120", "revenue_percent": "100"}]
    assert_problem(put(api("se_partner"), packs, {"shares": bad}), 422, INVALID)
    shares[1]["work_percent"] = "50"
    done = put(api("se_partner"), packs, {"shares": shares})
    assert done.status_code == 200, done.content
    assert done.json()["complete"] is True


def test_signing_then_editing_voids_and_reports_it(drafted, api):
    agreement = f"{base(drafted)}/agreement"
    for persona, member in (("se_partner", drafted.lead), ("member_se", drafted.second)):
        response = api(persona).post(f"{agreement}/signatures", {"member_id": member.pk})
        assert response.status_code == 201, response.content
    assert_problem(
        api("member_se").post(f"{agreement}/signatures", {"member_id": drafted.third.pk}),
        403,
        FORBIDDEN,
    )
    signed = api("third_se").post(f"{agreement}/signatures", {"member_id": drafted.third.pk})
    assert signed.json()["revision"] == drafted.agreement.revision
    assert api("commissioner").get(agreement).json()["status"] == "signed"
    changed = api("facilitator").patch(agreement, {"liability": "Joint and several."})
    body = changed.json()
    assert (body["status"], body["voided_signatures"]) == ("draft", 3)
    assert all(s["voided_at"] for s in body["signatures"])
    assert AuditEvent.objects.filter(action="consortium.agreement.signatures_voided").exists()


def test_members_capabilities_and_services(drafted, api):
    w = drafted
    capability = api("facilitator").post(
        f"{base(w)}/capabilities",
        {"member_id": w.second.pk, "service_id": w.packs.pk, "geography": "Airdrie"},
    )
    assert capability.status_code == 201
    listed = api("service_user").get(f"{base(w)}/capabilities").json()
    assert [(c["service"], c["geography"]) for c in listed] == [("Packs", "Airdrie")]
    service = api("facilitator").post(f"{base(w)}/services", {"name": "Removals"})
    assert service.status_code == 201
    removed = api("se_partner").delete(f"{base(w)}/members/{w.lead.pk}")
    assert assert_problem(removed, 422, REFUSED)["code"] == "lead_member"
    assert_problem(api("commissioner").delete(f"{base(w)}/members/{w.third.pk}"), 403, FORBIDDEN)
    assert api("facilitator").delete(f"{base(w)}/members/{w.third.pk}").status_code == 204


def test_forming_a_consortium_through_the_api(partnership, personas):
    org = personas["se_partner"].memberships.get().organisation
    api = api_as(personas["se_partner"])
    url = f"/partnerships/{partnership.pk}/consortium"
    assert_problem(api.get(url), 404, NOT_FOUND)
    created = api.post(
        url, {"name": "ROAR", "legal_model": "spv", "member_ids": [org.pk], "lead_id": org.pk}
    )
    assert created.status_code == 201, created.content
    assert created.json()["legal_model_label"].startswith("New jointly managed company")
    again = api.post(url, {"name": "Other", "legal_model": "spv", "member_ids": [org.pk]})
    assert assert_problem(again, 422, REFUSED)["code"] == "exists"
    bad = api_as(personas["commissioner"]).post(
        url, {"name": "X", "legal_model": "spv", "member_ids": [org.pk]}
    )
    assert_problem(bad, 403, FORBIDDEN)


def test_consortium_costs_need_a_commercial_role(drafted, api):
    assert_problem(api("service_user").get(f"{base(drafted)}/costs"), 403, FORBIDDEN)
    body = api("member_se").get(f"{base(drafted)}/costs").json()
    assert body["shared_only"] is False
    assert [s["service"] for s in body["services"]] == ["Storage", "Packs"]
    assert api("commissioner").get(f"{base(drafted)}/costs").json()["shared_only"] is True


def test_the_agreement_cannot_be_signed_at_heads_of_terms(world):
    response = api_as(world.people["se_partner"]).post(
        f"{base(world)}/agreement/signatures", {"member_id": world.lead.pk}
    )
    assert assert_problem(response, 422, REFUSED)["code"] == "not_draft"
    heads = api_as(world.people["facilitator"]).post(f"{base(world)}/agreement/heads-of-terms")
    assert heads.json()["status"] == "draft"
    assert D(world.storage.split.get(member=world.lead).work_percent) == D(60)
