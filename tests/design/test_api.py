"""The service design API: same rules as the pages, errors as problem bodies (RFC 9457)."""

import json

import pytest

from coplan.core.domain import issue_api_token
from coplan.core.models import AuditEvent
from coplan.design import domain
from coplan.design.models import Consent, EngagementActivity, Item
from tests.conftest import PERSONAS

from .conftest import upload

PROBLEM = "application/problem+json"


@pytest.fixture
def api(client, world):
    """``api(persona)`` → a function calling the API with that persona's bearer token."""

    def as_persona(persona):
        _, raw = issue_api_token(user=world.people[persona], name="tests")
        headers = {"Authorization": f"Bearer {raw}"}

        def call(method, path, body=None, **kwargs):
            url = f"/api/v1/partnerships/{world.partnership.pk}/design{path}"
            send = getattr(client, method.lower())
            if body is not None and "data" not in kwargs:
                kwargs.update(data=json.dumps(body), content_type="application/json")
            return send(url, headers=headers, **kwargs)

        return call

    return as_persona


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


def test_without_a_token_the_api_says_401(client, world):
    response = client.get(f"/api/v1/partnerships/{world.partnership.pk}/design/activities")

    problem(response, 401)


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_activities_by_role(persona, api):
    response = api(persona)("GET", "/activities")

    if persona == "outsider":
        problem(response, 404)
    else:
        assert response.status_code == 200
        titles = [a["title"] for a in response.json()["items"]]
        assert titles == ["Tenants' furniture survey", "Workshop with young tenants"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_an_activity_by_role(persona, api):
    body = {
        "title": "Drop-in",
        "method": "drop_in",
        "held_on": "2006-06-20",
        "place": "Coatbridge",
        "participant_count": 9,
        "user_groups": ["Carers"],
    }

    response = api(persona)("POST", "/activities", body)

    if persona == "facilitator":
        assert response.status_code == 201
        assert response.json()["user_groups"] == ["Carers"]
        assert EngagementActivity.objects.filter(title="Drop-in").exists()
    else:
        problem(response, 404 if persona == "outsider" else 403)
        assert not EngagementActivity.objects.filter(title="Drop-in").exists()


def test_an_activity_without_a_place_is_a_422_problem(api):
    body = {"title": "Drop-in", "method": "drop_in", "held_on": "2006-06-20"}

    body = problem(api("facilitator")("POST", "/activities", body), 422)

    assert body["field"] == "place"
    assert "online" in body["detail"]


def test_a_bad_date_is_a_422_problem_naming_the_field(api):
    body = {"title": "Drop-in", "method": "drop_in", "held_on": "17/05/2006", "online": True}

    body = problem(api("facilitator")("POST", "/activities", body), 422)

    assert body["errors"][0]["field"] == "held_on"


def test_patching_an_activity(api, world):
    response = api("facilitator")(
        "PATCH",
        f"/activities/{world.workshop.pk}",
        {"participant_count": 16, "user_groups": ["Carers"]},
    )

    assert response.status_code == 200
    assert response.json()["participant_count"] == 16
    assert response.json()["user_groups"] == ["Carers"]


def test_posting_an_idea_needs_consent_first(api):
    call = api("steering")

    refused = problem(call("POST", "/items", {"kind": "idea", "text": "Evening deliveries"}), 422)
    posted = call(
        "POST", "/items", {"kind": "idea", "text": "Evening deliveries", "consent_given": True}
    )

    assert refused["code"] == "consent_required" and refused["field"] == "consent_given"
    assert posted.status_code == 201
    assert posted.json()["kind"] == "idea" and posted.json()["support_count"] == 0


def test_observers_cannot_post(api):
    body = problem(
        api("observer")("POST", "/items", {"kind": "idea", "text": "X", "consent_given": True}),
        403,
    )

    assert "role" in body["detail"].lower() or body["detail"]
    assert not Item.objects.filter(text="X").exists()


def test_listing_items_shows_the_author_as_each_reader_may_see_it(api, world):
    mine = api("se_partner")("GET", "/items").json()["items"]
    theirs = api("facilitator")("GET", "/items").json()["items"]

    feedback_mine = next(i for i in mine if i["id"] == world.feedback.pk)
    feedback_theirs = next(i for i in theirs if i["id"] == world.feedback.pk)
    assert "anonymous to other members" in feedback_mine["author"]
    assert feedback_theirs["author"] == "Anonymous"


def test_support_is_once_per_person(api, world):
    call = api("commissioner")

    first = call("PUT", f"/items/{world.idea.pk}/support")
    second = problem(call("PUT", f"/items/{world.idea.pk}/support"), 422)
    withdrawn = call("DELETE", f"/items/{world.idea.pk}/support")

    assert first.json()["support_count"] == 1 and first.json()["supported"] is True
    assert second["code"] == "already_supported"
    assert withdrawn.json()["support_count"] == 0


def test_comments_appear_on_the_item(api, world):
    call = api("service_user")
    created = call("POST", f"/items/{world.idea.pk}/comments", {"text": "And evenings"})

    detail = call("GET", f"/items/{world.idea.pk}").json()

    assert created.status_code == 201 and created.json()["parent_id"] == world.idea.pk
    assert [c["text"] for c in detail["comments"]] == ["And evenings"]
    assert detail["comment_count"] == 1


def test_curating_and_merging(api, world):
    call = api("facilitator")

    tagged = call("PATCH", f"/items/{world.feedback.pk}", {"theme_ids": [world.storage.pk]})
    unknown = problem(call("PATCH", f"/items/{world.feedback.pk}", {"theme_ids": [999999]}), 422)
    merged = call("POST", f"/items/{world.feedback.pk}/merge", {"keep_id": world.idea.pk})

    assert tagged.json()["themes"] == ["Storage"]
    assert unknown["field"] == "theme_ids"
    assert merged.json()["id"] == world.idea.pk
    assert Item.objects.get(pk=world.feedback.pk).merged_into_id == world.idea.pk


def test_themes_and_their_summary(api, world):
    call = api("facilitator")
    created = call("POST", "/themes", {"name": "Reuse"})
    duplicate = problem(call("POST", "/themes", {"name": "reuse"}), 422)

    summary = api("service_user")("GET", "/themes/summary").json()

    assert created.status_code == 201 and duplicate["code"] == "duplicate"
    storage = next(t for t in summary["themes"] if t["name"] == "Storage")
    assert storage["items"] == 1
    assert storage["by_user_group"] == {"Young people leaving homelessness": 1}
    assert storage["by_activity"] == {"Workshop with young tenants": 1}


def test_the_specification_lifecycle_over_the_api(api, world):
    facilitator, commissioner = api("facilitator"), api("commissioner")

    added = facilitator(
        "POST",
        "/versions/1/requirements",
        {
            "section": "outcomes",
            "text": "Nobody sleeps on a floor",
            "insight_ids": [world.feedback.pk],
        },
    )
    refused = problem(facilitator("POST", "/versions/1/approve"), 403)
    approved = commissioner("POST", "/versions/1/approve")
    frozen_edit = problem(
        facilitator("PATCH", f"/versions/1/requirements/{world.requirement.pk}", {"text": "X"}),
        422,
    )
    draft = facilitator("POST", "/versions", {"change_note": "After the pilot"})
    detail = api("service_user")("GET", "/versions/2").json()

    assert added.status_code == 201 and added.json()["key"] == "OUT-1"
    assert added.json()["insight_ids"] == [world.feedback.pk]
    assert refused["status"] == 403
    assert approved.json()["status"] == "approved"
    assert frozen_edit["code"] == "version_not_draft"
    assert draft.status_code == 201 and draft.json()["based_on"] == 1
    keys = [r["key"] for s in detail["sections"] for r in s["requirements"]]
    assert keys == ["OUT-1", "SL-1"]


def test_links_can_be_replaced(api, world):
    response = api("commissioner")(
        "PUT",
        f"/versions/1/requirements/{world.requirement.pk}/links",
        {"insight_ids": [world.idea.pk, world.feedback.pk]},
    )

    assert sorted(response.json()["insight_ids"]) == sorted([world.idea.pk, world.feedback.pk])
    assert response.json()["activity_ids"] == [world.workshop.pk]  # untouched


def test_comparing_versions(api, world):
    domain.approve_version(version=world.version, actor=world.people["commissioner"])
    draft = domain.new_draft(partnership=world.partnership, actor=world.people["facilitator"])
    domain.update_requirement(
        requirement=draft.requirements.get(),
        actor=world.people["facilitator"],
        text="Store furniture for up to 6 months at no charge.",
    )

    body = api("observer")("GET", "/versions/compare?base=1&other=2").json()

    assert body["summary"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 0}
    assert body["changes"][0]["new_text"].startswith("Store furniture for up to 6")


def test_unknown_version_is_a_404_problem(api):
    problem(api("commissioner")("GET", "/versions/9"), 404)


def test_you_said_we_did_report(api, world):
    domain.respond(
        insight=world.feedback, actor=world.people["commissioner"], not_taken_up_reason="Later"
    )

    body = api("service_user")("GET", "/you-said-we-did").json()

    assert body["version"] == 1 and body["without_response"] == 0
    rows = {r["insight_id"]: r for r in body["insights"]}
    assert rows[world.idea.pk]["response"] == "shaped"
    assert rows[world.idea.pk]["requirements"][0]["key"] == "SL-1"
    assert rows[world.feedback.pk]["response"] == "not_taken_up"
    assert rows[world.feedback.pk]["not_taken_up_reason"] == "Later"


def test_responding_needs_the_respond_permission(api, world):
    problem(api("steering")("POST", f"/items/{world.idea.pk}/response", {"we_did": "X"}), 403)
    body = problem(api("commissioner")("POST", f"/items/{world.feedback.pk}/response", {}), 422)

    assert body["code"] == "reason_required"


def test_survey_import_all_or_nothing_with_row_errors(api, world):
    call = api("facilitator")
    mapping = json.dumps({"text_columns": ["Answer"], "theme_column": "Themes"})
    bad = "Answer,Themes\nBeds first,Storage\nVans,Nope\n"

    rejected = call(
        "POST",
        "/imports",
        data={"activity_id": world.survey.pk, "mapping": mapping, "file": upload("s.csv", bad)},
    )
    good = call(
        "POST",
        "/imports",
        data={
            "activity_id": world.survey.pk,
            "mapping": mapping,
            "file": upload("s.csv", "Answer,Themes\nBeds first,Storage\n"),
        },
    )

    body = problem(rejected, 422)
    assert body["code"] == "import_rejected"
    assert body["errors"] == [
        {"row": 3, "column": "Themes", "message": body["errors"][0]["message"]}
    ]
    assert good.status_code == 201 and good.json()["items_created"] == 1
    assert Item.objects.filter(source="survey").count() == 1


def test_consent_over_the_api(api, world):
    recorded = api("facilitator")("POST", "/consents", {"name": "Jo Bloggs", "covers": "Quotes"})
    mine = api("service_user")("GET", "/consents").json()["items"]
    consent = Consent.objects.get(user=world.people["service_user"])
    not_yours = problem(api("se_partner")("POST", f"/consents/{consent.pk}/withdraw"), 403)
    withdrawn = api("service_user")("POST", f"/consents/{consent.pk}/withdraw")

    assert recorded.status_code == 201 and recorded.json()["person"] == "Jo Bloggs"
    assert [c["user_id"] for c in mine] == [world.people["service_user"].pk]
    assert not_yours["status"] == 403
    assert withdrawn.json()["withdrawn_on"] is not None
    assert Item.objects.get(pk=world.idea.pk).author is None


def test_disclosure_over_the_api(api, world):
    call = api("procurement")
    refs = [a["ref"] for a in call("GET", "/disclosure/unclassified").json()]

    missing_reason = problem(
        call("POST", "/disclosure", {"refs": refs, "disclosure": "internal_only"}), 422
    )
    done = call("POST", "/disclosure", {"refs": refs, "disclosure": "publish"})

    assert f"activity:{world.workshop.pk}" in refs
    assert missing_reason["code"] == "reason_required"
    assert done.json() == {"classified": len(refs)}
    assert call("GET", "/disclosure/unclassified").json() == []
    assert problem(api("se_partner")("GET", "/disclosure/unclassified"), 403)


def test_service_users_never_get_internal_only_artefacts(api, world):
    domain.classify(
        obj=world.feedback,
        actor=world.people["facilitator"],
        disclosure="internal_only",
        reason="Commercial detail",
    )
    call = api("service_user")

    listed = [i["id"] for i in call("GET", "/items").json()["items"]]

    assert world.feedback.pk not in listed
    problem(call("GET", f"/items/{world.feedback.pk}"), 404)
    assert world.feedback.pk in [
        i["id"] for i in api("se_partner")("GET", "/items").json()["items"]
    ]


def test_every_api_change_is_audited(api, world):
    call = api("facilitator")
    before = AuditEvent.objects.count()

    call("POST", "/themes", {"name": "Reuse"})

    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.actor) == ("design.theme.created", world.people["facilitator"])


def test_the_design_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    paths = set(schema["paths"])
    for path in [
        "/api/v1/partnerships/{pk}/design/activities",
        "/api/v1/partnerships/{pk}/design/items/{item_id}/support",
        "/api/v1/partnerships/{pk}/design/themes/summary",
        "/api/v1/partnerships/{pk}/design/versions/{number}/requirements/{requirement_id}/links",
        "/api/v1/partnerships/{pk}/design/you-said-we-did",
        "/api/v1/partnerships/{pk}/design/imports",
    ]:
        assert path in paths
