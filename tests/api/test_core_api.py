"""The kernel's API: organisations, the statutory rules table, the OpenAPI document, and the
promise that every API error is an RFC 9457 problem body."""

import pytest

from coplan.core.models import AuditEvent, Organisation, StatutoryRule
from tests.factories import CouncilFactory

from .helpers import FORBIDDEN, INVALID, NOT_FOUND, PROBLEM, api_as, assert_problem

EVERYONE = ["staff", "manager", "member", "user"]


@pytest.fixture
def people(personas):
    """staff; a "manager" (facilitator in a partnership); a "member" (steering group member,
    who manages nothing); a plain signed-in "user" who belongs to no partnership."""
    return {
        "staff": personas["staff"],
        "manager": personas["facilitator"],
        "member": personas["steering"],
        "user": personas["outsider"],
    }


def audit_trail() -> list[tuple[str, int]]:
    """Audit events other than the issuing of the tests' own tokens."""
    return list(
        AuditEvent.objects.exclude(action="core.api_token.created")
        .order_by("id")
        .values_list("action", "actor_id")
    )


# --- organisations -------------------------------------------------------------------------


@pytest.mark.parametrize("person", EVERYONE)
def test_everyone_signed_in_lists_organisations(person, people):
    response = api_as(people[person]).get("/organisations", {"limit": 100})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Organisation.objects.count()
    assert [o["name"] for o in body["items"]] == list(
        Organisation.objects.values_list("name", flat=True)
    )


def test_organisations_can_be_searched_and_filtered_by_type(people):
    CouncilFactory(name="North Lanarkshire Council")
    CouncilFactory(name="South Lanarkshire Council")
    client = api_as(people["user"])

    by_name = client.get("/organisations", {"q": "north lanark"}).json()
    by_type = client.get("/organisations", {"type": "local_authority", "q": "lanarkshire"}).json()

    assert [o["name"] for o in by_name["items"]] == ["North Lanarkshire Council"]
    assert [o["name"] for o in by_type["items"]] == [
        "North Lanarkshire Council",
        "South Lanarkshire Council",
    ]


@pytest.mark.parametrize(
    ("person", "may"), [("staff", True), ("manager", True), ("member", False), ("user", False)]
)
def test_staff_and_partnership_managers_may_add_organisations(person, may, people):
    council = CouncilFactory(name="North Lanarkshire Council")

    response = api_as(people[person]).post(
        "/organisations",
        {
            "name": "NLC Housing",
            "type": "council_department",
            "parent_id": council.pk,
            "website": "https://www.northlanarkshire.gov.uk",
        },
    )

    if may:
        assert response.status_code == 201
        created = Organisation.objects.get(name="NLC Housing")
        assert response.json() == {
            "id": created.pk,
            "name": "NLC Housing",
            "type": "council_department",
            "parent_id": council.pk,
            "is_sme": False,
            "is_third_sector": False,
            "website": "https://www.northlanarkshire.gov.uk",
        }
        assert audit_trail() == [("core.organisation.created", people[person].pk)]
    else:
        body = assert_problem(response, 403, FORBIDDEN)
        assert body["detail"] == (
            "Only staff and partnership facilitators or commissioners can add organisations."
        )
        assert not Organisation.objects.filter(name="NLC Housing").exists()
        assert audit_trail() == []


def test_an_organisation_name_is_unique(people):
    CouncilFactory(name="North Lanarkshire Council")

    response = api_as(people["staff"]).post(
        "/organisations", {"name": "North Lanarkshire Council", "type": "local_authority"}
    )

    body = assert_problem(response, 422, INVALID)
    assert body["errors"] == [
        {
            "field": "name",
            "message": "Organisation with this Name already exists.",
            "code": "invalid",
        }
    ]
    assert audit_trail() == []


def test_an_unknown_parent_organisation_is_refused(people):
    response = api_as(people["staff"]).post(
        "/organisations",
        {"name": "NLC Housing", "type": "council_department", "parent_id": 999_999},
    )

    body = assert_problem(response, 422, "Not allowed by the partnership's rules")
    assert body["field"] == "parent_id"
    assert not Organisation.objects.filter(name="NLC Housing").exists()


# --- the statutory rules table -------------------------------------------------------------


def test_everyone_signed_in_reads_the_rules_table(people):
    response = api_as(people["user"]).get("/statutory-rules")

    assert response.status_code == 200
    assert [(r["key"], r["value"], r["effective_from"]) for r in response.json()] == [
        ("cb_duty_threshold", "4000000.00", "2016-06-01"),
        ("light_touch", "615278.00", "2018-01-01"),
        ("light_touch", "589148.00", "2016-04-18"),
        ("procurement_strategy_spend", "5000000.00", "2016-04-18"),
        ("regulated_goods_services", "50000.00", "2016-04-18"),
        ("regulated_works", "2000000.00", "2016-04-18"),
        ("standstill_days_electronic", "10.00", "2016-04-18"),
        ("standstill_days_electronic", "10.00", "2009-12-20"),
        ("standstill_days_electronic", "10.00", "2006-01-31"),
        ("standstill_days_other", "15.00", "2016-04-18"),
        ("standstill_days_other", "15.00", "2009-12-20"),
        ("standstill_days_other", "10.00", "2006-01-31"),
    ]


@pytest.mark.parametrize(
    ("on", "light_touch", "standstill"),
    [
        (
            "2017-01-01",
            ("589148.00", "2016-04-18"),
            (("10.00", "2016-04-18"), ("15.00", "2016-04-18")),
        ),
        (
            "2019-01-01",
            ("615278.00", "2018-01-01"),
            (("10.00", "2016-04-18"), ("15.00", "2016-04-18")),
        ),
    ],
)
def test_the_version_in_force_on_a_date(on, light_touch, standstill, people):
    response = api_as(people["user"]).get("/statutory-rules/in-force", {"on": on})

    assert response.status_code == 200
    rules = {r["key"]: (r["value"], r["effective_from"]) for r in response.json()}
    assert rules == {
        "regulated_goods_services": ("50000.00", "2016-04-18"),
        "regulated_works": ("2000000.00", "2016-04-18"),
        "cb_duty_threshold": ("4000000.00", "2016-06-01"),
        "light_touch": light_touch,
        "procurement_strategy_spend": ("5000000.00", "2016-04-18"),
        "standstill_days_electronic": standstill[0],
        "standstill_days_other": standstill[1],
    }


def test_only_the_2006_regulations_standstill_is_in_force_before_the_act(people):
    response = api_as(people["user"]).get("/statutory-rules/in-force", {"on": "2016-04-17"})

    assert response.status_code == 200
    assert [(r["key"], r["value"], r["effective_from"]) for r in response.json()] == [
        ("standstill_days_electronic", "10.00", "2009-12-20"),
        ("standstill_days_other", "15.00", "2009-12-20"),
    ]


def test_nothing_is_in_force_before_the_2006_regulations(people):
    response = api_as(people["user"]).get("/statutory-rules/in-force", {"on": "2006-01-30"})

    assert response.status_code == 200
    assert response.json() == []


def test_an_impossible_in_force_date_is_a_problem(people):
    response = api_as(people["user"]).get("/statutory-rules/in-force", {"on": "2017-02-30"})

    body = assert_problem(response, 422, INVALID)
    assert [e["field"] for e in body["errors"]] == ["on"]


RULE = {
    "key": "light_touch",
    "value": "663540.00",
    "effective_from": "2020-01-01",
    "rule": "Social and other specific services at or above this value follow the light-touch "
    "regime.",
    "source": "SG EU and PR(S)A reference pack (2020)",
}


@pytest.mark.parametrize(
    ("person", "may"), [("staff", True), ("manager", False), ("member", False), ("user", False)]
)
def test_only_staff_may_add_a_rule_version(person, may, people):
    response = api_as(people[person]).post("/statutory-rules", RULE)

    if may:
        assert response.status_code == 201
        created = StatutoryRule.objects.get(effective_from="2020-01-01")
        assert response.json() == {"id": created.pk, "includes_vat": False, "unit": "money", **RULE}
        assert audit_trail() == [("core.statutory_rule.created", people[person].pk)]
    else:
        body = assert_problem(response, 403, FORBIDDEN)
        assert body["detail"] == "Only staff can change the statutory rules table."
        assert not StatutoryRule.objects.filter(effective_from="2020-01-01").exists()
        assert audit_trail() == []


def test_a_second_version_on_the_same_day_is_a_problem(people):
    response = api_as(people["staff"]).post(
        "/statutory-rules", {**RULE, "effective_from": "2018-01-01"}
    )

    body = assert_problem(response, 422, INVALID)
    message = "Statutory rule with this Key and Effective from already exists."
    assert body["detail"] == message
    assert body["errors"] == [{"field": "body", "message": message, "code": "invalid"}]
    assert StatutoryRule.objects.filter(key="light_touch").count() == 2
    assert audit_trail() == []


def test_a_negative_threshold_is_a_problem(people):
    response = api_as(people["staff"]).post("/statutory-rules", {**RULE, "value": "-1"})

    body = assert_problem(response, 422, INVALID)
    assert body["errors"] == [
        {
            "field": "body",
            "message": "Constraint “rule_value_not_negative” is violated.",
            "code": "invalid",
        }
    ]
    assert audit_trail() == []


# --- the API describes itself ------------------------------------------------------------


def test_the_openapi_document_lists_the_endpoints(people):
    response = api_as(people["user"]).get("/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/planning/timeline-check" in paths
    assert "post" in paths["/api/v1/partnerships/{pk}/advance"]


# --- every API error is a problem body -----------------------------------------------------


def test_an_unparseable_body_is_a_problem(people):
    response = api_as(people["staff"]).send("POST", "/organisations", "{not json")

    assert_problem(response, 400, "Cannot parse request body")


def test_a_method_the_endpoint_does_not_have_is_a_problem(people):
    response = api_as(people["staff"]).send("PUT", "/organisations", "{}")

    assert_problem(response, 405, "Method Not Allowed")


def test_an_unknown_api_path_is_a_problem(people):
    response = api_as(people["staff"]).get("/no-such-endpoint")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == NOT_FOUND
