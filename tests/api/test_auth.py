"""Authenticating to the API: a personal token (``Authorization: Bearer cpl_…``) or, for the
browser, the signed-in session. Anything else is a 401 problem body asking for a token."""

import pytest
from django.test import Client

from coplan.core.domain import issue_api_token, revoke_api_token
from coplan.core.models import ApiToken

from .helpers import UNAUTHORISED, Api, assert_problem

ENDPOINTS = [
    "/partnerships",
    "/partnerships/1",
    "/organisations",
    "/statutory-rules",
    "/statutory-rules/in-force",
]


def assert_unauthorised(response):
    body = assert_problem(response, 401, UNAUTHORISED)
    assert body["detail"] == "Send a personal API token as 'Authorization: Bearer <token>'."
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_no_token_is_401(path, db):
    assert_unauthorised(Api().get(path))


def test_no_token_is_401_for_writes_too(partnership):
    anonymous = Api()

    assert_unauthorised(anonymous.patch(f"/partnerships/{partnership.pk}", {"title": "Hijacked"}))
    assert_unauthorised(anonymous.post("/planning/timeline-check", {}))
    partnership.refresh_from_db()
    assert partnership.title != "Hijacked"


def test_an_unknown_token_is_401(db):
    assert_unauthorised(Api("cpl_this-token-was-never-issued").get("/partnerships"))


def test_a_header_that_is_not_bearer_is_401(personas):
    _token, raw = issue_api_token(user=personas["commissioner"], name="script")
    client = Client()

    response = client.get("/api/v1/partnerships", HTTP_AUTHORIZATION=f"Token {raw}")

    assert_unauthorised(response)


def test_a_personal_token_authenticates_as_its_owner(partnership, personas):
    token, raw = issue_api_token(user=personas["commissioner"], name="script")

    response = Api(raw).get("/partnerships")

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [partnership.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_401(personas):
    token, raw = issue_api_token(user=personas["commissioner"], name="old laptop")
    client = Api(raw)
    assert client.get("/partnerships").status_code == 200

    revoke_api_token(token=token, actor=personas["commissioner"])

    assert_unauthorised(client.get("/partnerships"))


def test_the_token_of_a_deactivated_person_is_401(personas):
    user = personas["commissioner"]
    _token, raw = issue_api_token(user=user, name="script")
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert_unauthorised(Api(raw).get("/partnerships"))


def test_only_the_hash_of_a_token_is_stored(personas):
    token, raw = issue_api_token(user=personas["commissioner"], name="script")

    assert raw.startswith("cpl_")
    assert token.token_hash == ApiToken.hash(raw)
    assert not ApiToken.objects.filter(token_hash=raw).exists()


def test_the_signed_in_session_works_for_reading(partnership, personas):
    client = Client()
    client.force_login(personas["observer"])

    response = client.get("/api/v1/partnerships")

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [partnership.pk]


def test_the_session_follows_the_same_rules(partnership, personas):
    client = Client()
    client.force_login(personas["outsider"])

    response = client.get(f"/api/v1/partnerships/{partnership.pk}")

    assert_problem(response, 404, "Not found")


def test_a_signed_out_session_is_401(partnership, personas):
    client = Client()
    client.force_login(personas["observer"])
    client.logout()

    assert_unauthorised(client.get("/api/v1/partnerships"))
