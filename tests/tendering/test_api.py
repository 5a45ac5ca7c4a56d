"""The tendering API end to end: a tender built, checked and published through the API, with
the same rules and permissions as the pages; problem bodies name the field."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from coplan.core.models import Affiliation, AuditEvent
from coplan.tendering.models import Clause
from tests.api.helpers import FORBIDDEN, INVALID, NOT_FOUND, REFUSED, Api, api_as, assert_problem
from tests.factories import OrganisationFactory, SiteAdminFactory, UserFactory


@pytest.fixture
def api(personas):
    return lambda name: api_as(personas[name])


def base(partnership):
    return f"/partnerships/{partnership.pk}/tenders"


def test_a_tender_built_and_published_through_the_api(partnership, personas, api):
    officer = api("procurement")
    created = officer.post(
        base(partnership),
        {
            "title": "Befriending",
            "reference": "RC-2027-004",
            "contract_type": "services",
            "estimated_value": "1944000",
            "vat_included": True,
            "vat_rate": "20",
            "strategy_date": "2026-01-15",
            "route": "light_touch",
        },
    )
    assert created.status_code == 201, created.content
    tender = created.json()
    assert tender["value_ex_vat"] == "1620000.00"
    assert tender["regulated"] is True and tender["cb_duty"] is False
    assert tender["status"] == "draft"
    path = f"{base(partnership)}/{tender['id']}"
    assert officer.post(f"{path}/lots", {"title": "Befriending"}).status_code == 201
    for name, weight in [("Reaching people", "25"), ("Reliability", "15")]:
        assert officer.post(f"{path}/criteria", {"name": name, "weight": weight}).status_code == 201
    model = officer.patch(f"{path}/model", {"price_weight": "50", "benefit_weight": "10"}).json()
    assert model["valid"] is True
    assert model["quality_weight"] == "40"
    measure = Clause.objects.get(type="work_placements").measures.get(name="Work placements")
    requirement = officer.post(
        f"{path}/requirements",
        {
            "measure_id": measure.pk,
            "mode": "mandatory",
            "minimum": "4",
        },
    )
    assert requirement.status_code == 201
    assert requirement.json()["clause"] == "Work placements and work experience"
    assert requirement.json()["clause_version"] == 1
    today = dt.date.today()
    check = officer.send(
        "PUT",
        f"{path}/timetable",
        json.dumps(
            {
                "clarification_deadline": f"{today + dt.timedelta(days=35)}T12:00:00+00:00",
                "submission_deadline": f"{today + dt.timedelta(days=50)}T12:00:00+00:00",
                "opening_at": f"{today + dt.timedelta(days=50)}T14:00:00+00:00",
                "planned_award_on": f"{today + dt.timedelta(days=80)}",
            }
        ),
    ).json()
    assert check["ok"] is True and check["minimum_days"] == 44
    assert officer.get(f"{path}/publication-check").json() == {
        "can_publish": True,
        "publish_on": timezone.localdate().isoformat(),
        "blockers": [],
        "advisories": [],
    }
    assert_problem(api("steering").post(f"{path}/publish"), 403, FORBIDDEN)
    published = api("commissioner").post(f"{path}/publish").json()
    assert published["status"] == "published"
    public = Api().get("/tenders/RC-2027-004").json()
    assert public["scoring_model"]["price_weight"] == "50"
    assert public["ocds_url"].endswith("/tenders/RC-2027-004/ocds.json")
    assert AuditEvent.objects.filter(action="tendering.tender.published").count() == 1


def test_validation_and_rules_name_the_field(world, api):
    path = f"{base(world.partnership)}/{world.tender.pk}"
    officer = api("procurement")
    body = assert_problem(
        officer.post(f"{path}/criteria", {"name": "", "weight": "5"}), 422, INVALID
    )
    assert [e["field"] for e in body["errors"]] == ["name"]
    body = assert_problem(
        officer.post(f"{path}/criteria", {"name": "Service delivery", "weight": "5"}), 422, REFUSED
    )
    assert body["field"] == "name"
    body = assert_problem(
        officer.post(f"{path}/requirements", {"measure_id": 999999, "mode": "scored"}), 422, REFUSED
    )
    assert body["field"] == "measure_id"
    body = assert_problem(
        officer.post(base(world.partnership), {"title": "Again", "reference": "NLC-TEST-001"}),
        422,
        REFUSED,
    )
    assert body["field"] == "reference"


def test_publication_refused_lists_the_blockers(world, api):
    path = f"{base(world.partnership)}/{world.tender.pk}"
    api("procurement").patch(f"{path}/model", {"price_weight": "70"})
    body = assert_problem(api("commissioner").post(f"{path}/publish"), 422, REFUSED)
    assert body["code"] == "publication_refused"
    assert [b["code"] for b in body["blockers"]] == ["invalid_model"]


def test_partners_get_403_for_the_unpublished_model_and_outsiders_404(world, api):
    path = f"{base(world.partnership)}/{world.tender.pk}/model"
    assert_problem(api("se_partner").get(path), 403, FORBIDDEN)
    assert_problem(
        api("service_user").get(f"{base(world.partnership)}/{world.tender.pk}"), 403, FORBIDDEN
    )
    assert_problem(api("outsider").get(path), 404, NOT_FOUND)
    assert_problem(Api().get("/tenders/NLC-TEST-001"), 404, NOT_FOUND)  # a draft is not public


def test_registration_and_clarifications_through_the_api(published, api):
    person = UserFactory()
    firm = OrganisationFactory(name="Cairnhill Furnishing Services Ltd")
    bidder = api_as(person)
    body = assert_problem(
        bidder.post("/tenders/NLC-TEST-001/registrations", {"organisation_id": firm.pk}),
        422,
        REFUSED,
    )
    assert body["field"] == "organisation_id"
    Affiliation.objects.create(user=person, organisation=firm)
    assert_problem(bidder.get("/tenders/NLC-TEST-001/clarifications"), 403, FORBIDDEN)
    registered = bidder.post("/tenders/NLC-TEST-001/registrations", {"organisation_id": firm.pk})
    assert registered.status_code == 201
    asked = bidder.post("/tenders/NLC-TEST-001/clarifications", {"question": "Cairnhill: vans?"})
    assert asked.status_code == 201
    path = f"{base(published.partnership)}/{published.tender.pk}"
    listed = api("procurement").get(f"{path}/clarifications").json()
    assert listed[0]["asked_by"] == "Cairnhill Furnishing Services Ltd"
    answer = {"published_question": "Are vans provided?", "answer": "No."}
    assert_problem(
        api("commissioner").post(f"{path}/clarifications/{listed[0]['id']}/answer", answer),
        403,
        FORBIDDEN,
    )
    answered = api("procurement").post(f"{path}/clarifications/{listed[0]['id']}/answer", answer)
    assert answered.status_code == 200
    seen = bidder.get("/tenders/NLC-TEST-001/clarifications").json()
    assert seen == [
        {
            "id": listed[0]["id"],
            "number": 1,
            "question": "Are vans provided?",
            "asked_by": None,
            "asked_at": None,
            "answer": "No.",
            "answered_at": seen[0]["answered_at"],
        }
    ]
    addendum = api("procurement").post(f"{path}/addenda", {"title": "Site visit", "body": "Wed."})
    assert addendum.status_code == 201 and addendum.json()["number"] == 1


def test_the_evidence_pack_and_criteria_through_the_api(world, api):
    path = f"{base(world.partnership)}/{world.tender.pk}"
    pack = api("se_partner").get(f"{path}/evidence").json()
    assert pack["specification"] is None
    assert pack["missing"] == [
        "No frozen specification classified “publish to all bidders” yet.",
        "No approved pilot evaluation classified “publish to all bidders” yet.",
    ]
    assert pack["unclassified"] == []
    assert_problem(api("service_user").get(f"{path}/evidence"), 403, FORBIDDEN)
    changed = api("procurement").patch(f"{path}/criteria/{world.training.pk}", {"weight": "5"})
    assert changed.json()["weight"] == "5"
    model = api("procurement").get(f"{path}/model").json()
    assert model["valid"] is False
    assert model["errors"][0]["code"] == "weights_not_100"


def test_staff_withdraw_a_clause(api):
    clause = Clause.objects.get(type="education")
    staff = api_as(SiteAdminFactory())
    assert staff.patch(f"/clauses/{clause.pk}", {"is_active": False}).json()["is_active"] is False
    assert clause.pk not in [c["id"] for c in staff.get("/clauses").json()]
    assert_problem(
        api_as(UserFactory()).patch(f"/clauses/{clause.pk}", {"is_active": True}), 403, FORBIDDEN
    )


def test_documents_are_uploaded_and_public_once_published(world, api, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = f"/api/v1{base(world.partnership)}/{world.tender.pk}/documents"
    officer = api("procurement")
    response = officer.client.post(
        path,
        {"title": "Invitation to tender", "file": SimpleUploadedFile("itt.txt", b"ITT text")},
        **officer.headers,
    )
    assert response.status_code == 201, response.content
    url = response.json()["url"]
    assert client.get(url).status_code == 404  # a draft's documents are not public
    from coplan.tendering import domain

    domain.publish(tender=world.tender, actor=world.people["commissioner"])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"ITT text"
    steering = api("steering")
    denied = steering.client.post(
        path, {"title": "x", "file": SimpleUploadedFile("x.txt", b"x")}, **steering.headers
    )
    assert denied.status_code == 403


def test_list_pages_take_a_constant_number_of_queries(world, client, django_assert_max_num_queries):
    from django.urls import reverse

    client.force_login(world.people["procurement"])
    with django_assert_max_num_queries(20):
        assert (
            client.get(reverse("tendering:overview", args=[world.partnership.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(20):
        assert client.get(reverse("tenders_public:clauses")).status_code == 200


def test_every_tendering_endpoint_is_in_the_openapi_document(personas):
    """Each thing the issue names has its endpoint in the OpenAPI schema, with the same tag."""
    paths = api_as(personas["procurement"]).get("/openapi.json").json()["paths"]
    tender = "/api/v1/partnerships/{pk}/tenders/{tender_pk}"
    expected = {
        "/api/v1/rules/procurement": ["get"],
        "/api/v1/partnerships/{pk}/tenders": ["get", "post"],
        tender: ["get"],
        tender + "/strategy": ["patch"],
        tender + "/lots": ["post"],
        tender + "/lots/{lot_pk}": ["delete"],
        tender + "/documents": ["get", "post"],
        tender + "/model": ["get", "patch"],
        tender + "/model/template": ["post"],
        tender + "/criteria": ["post"],
        tender + "/criteria/{criterion_pk}": ["patch", "delete"],
        tender + "/price-elements": ["post"],
        tender + "/price-elements/{element_pk}": ["patch", "delete"],
        tender + "/requirements": ["post"],
        tender + "/requirements/{requirement_pk}": ["patch", "delete"],
        tender + "/timetable": ["get", "put"],
        tender + "/evidence": ["get"],
        tender + "/publication-check": ["get"],
        tender + "/publish": ["post"],
        tender + "/ocds": ["get"],
        tender + "/clarifications": ["get"],
        tender + "/clarifications/{clarification_pk}/answer": ["post"],
        tender + "/addenda": ["post"],
        "/api/v1/tenders/{reference}": ["get"],
        "/api/v1/tenders/{reference}/ocds": ["get"],
        "/api/v1/tenders/{reference}/registrations": ["post"],
        "/api/v1/tenders/{reference}/clarifications": ["get", "post"],
        "/api/v1/clauses": ["get", "post"],
        "/api/v1/clauses/{clause_pk}": ["get", "patch"],
        "/api/v1/clauses/{clause_pk}/versions": ["post"],
        "/api/v1/clauses/{clause_pk}/measures": ["post"],
        "/api/v1/measures/{measure_pk}/proxies": ["post"],
        "/api/v1/scoring/simulate": ["post"],
    }
    for path, methods in expected.items():
        assert path in paths, path
        for method in methods:
            assert method in paths[path], f"{method.upper()} {path}"
    rules = paths["/api/v1/rules/procurement"]["get"]
    params = {p["name"] for p in rules["parameters"]}
    assert {"contract_type", "estimated_value", "vat_included", "vat_rate", "on"} <= params


def test_a_monetised_commitment_publishes_its_proxy_value(world, api, client):
    """A scored commitment without points per unit is monetised with the proxy table: the £
    per unit in force is published with the tender (page, API and OCDS)."""
    from coplan.tendering import domain, ocds

    reuse = Clause.objects.get(type="environmental")
    items = reuse.measures.get(name="Items reused")
    row = api("procurement").post(
        f"{base(world.partnership)}/{world.tender.pk}/requirements",
        {"measure_id": items.pk, "mode": "scored"},
    )
    assert row.status_code == 201, row.content
    assert row.json()["proxy"]["value"] == "25.00"
    assert row.json()["proxy"]["table_version"] == "Coplan starter 2016.1"
    assert row.json()["points_per_unit"] is None
    domain.publish(tender=world.tender, actor=world.people["commissioner"])

    public = Api().get(f"/tenders/{world.tender.reference}").json()
    by_measure = {r["measure"]: r for r in public["benefit_requirements"]}
    assert by_measure["Items reused"]["proxy"]["value"] == "25.00"
    assert by_measure["Tonnes diverted from landfill"]["proxy"] is None  # a points menu
    page = client.get(f"/tenders/{world.tender.reference}/").content.decode()
    assert "valued at £25 per items (proxy table Coplan starter 2016.1" in page
    description = ocds.release_package(world.tender)["releases"][0]["tender"]["description"]
    assert "valued at £25 per items, proxy table Coplan starter 2016.1" in description
    assert "1 points per tonnes" in description

    # under a method statement there is nothing to monetise
    world.tender.benefit_method = "method_statement"
    assert [r.proxy for r in domain_rows(world.tender)] == [None, None, None]


def domain_rows(tender):
    from coplan.tendering import queries

    return queries.requirement_rows(tender)
