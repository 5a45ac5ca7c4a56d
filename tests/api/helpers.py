"""Calling the API as a person, with a real personal token, and checking problem bodies."""

from django.test import Client

from coplan.core.domain import issue_api_token

PROBLEM = "application/problem+json"


class Api:
    """A test client that sends ``Authorization: Bearer <token>`` and JSON bodies."""

    def __init__(self, raw_token: str | None = None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if raw_token else {}

    def get(self, path, params=None):
        return self.client.get(_url(path), params, **self.headers)

    def post(self, path, body=None):
        return self.client.post(
            _url(path), body or {}, content_type="application/json", **self.headers
        )

    def patch(self, path, body):
        return self.client.patch(_url(path), body, content_type="application/json", **self.headers)

    def delete(self, path):
        return self.client.delete(_url(path), **self.headers)

    def send(self, method, path, raw_body=""):
        """Any method with a raw body, for requests the helpers above would not send."""
        return self.client.generic(
            method, _url(path), raw_body, content_type="application/json", **self.headers
        )


def _url(path: str) -> str:
    return "/api/v1" + path


def api_as(user) -> Api:
    """The API as ``user``, authenticated with a newly issued personal token."""
    _token, raw = issue_api_token(user=user, name="tests")
    return Api(raw)


def assert_problem(response, status: int, title: str) -> dict:
    """An RFC 9457 problem body with this status and title; returns the body."""
    assert response.status_code == status, response.content
    assert response.get("Content-Type") == PROBLEM, response.get("Content-Type")
    body = response.json()
    assert body["status"] == status
    assert body["title"] == title
    assert body["type"] == "about:blank"
    return body


UNAUTHORISED = "Unauthorised"
FORBIDDEN = "Forbidden"
NOT_FOUND = "Not found"
INVALID = "Invalid request"
REFUSED = "Not allowed by the partnership's rules"
