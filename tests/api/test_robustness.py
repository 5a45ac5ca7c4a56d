"""Attacks a generated client (or a careless one) can make: explicit nulls, absurd numbers,
HEAD, server errors and oversized bodies. None of them may answer a bare 500."""

import pytest
from django.test import Client

from coplan.partnerships.api import PartnershipPatch
from coplan.tendering.models import QualityCriterion, Tender
from tests.governance.conftest import gov  # noqa: F401 - the fixture
from tests.governance.factories import meeting_of
from tests.tendering.conftest import build_world

from .helpers import INVALID, NOT_FOUND, PROBLEM, Api, api_as, assert_problem

HUGE = 2**64


@pytest.fixture
def world(partnership, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(partnership, personas)


def _criteria(world):
    return f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/criteria"


# --- explicit null -----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "question", "weight", "scale_max"])
def test_null_for_a_required_criterion_field_answers_422_naming_it(world, personas, field):
    officer = api_as(personas["procurement"])
    before = QualityCriterion.objects.get(pk=world.training.pk)
    response = officer.patch(f"{_criteria(world)}/{world.training.pk}", {field: None})
    body = assert_problem(response, 422, INVALID)
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["detail"] == f"Check these fields: {field}."
    after = QualityCriterion.objects.get(pk=world.training.pk)
    assert getattr(after, field) == getattr(before, field)


def test_null_clears_a_clearable_criterion_field(world, personas):
    officer = api_as(personas["procurement"])
    response = officer.patch(f"{_criteria(world)}/{world.training.pk}", {"parent_id": None})
    assert response.status_code == 200, response.content
    assert QualityCriterion.objects.get(pk=world.training.pk).parent_id is None


def test_null_for_the_tender_strategy_title_answers_422(world, personas):
    officer = api_as(personas["procurement"])
    path = f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/strategy"
    body = assert_problem(officer.patch(path, {"title": None}), 422, INVALID)
    assert [e["field"] for e in body["errors"]] == ["title"]
    assert Tender.objects.get(pk=world.tender.pk).title == world.tender.title


# --- absurd numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, field",
    [
        ({"limit": HUGE}, "limit"),
        ({"offset": HUGE}, "offset"),
        ({"limit": 1001}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 2**31}, "offset"),
    ],
)
def test_out_of_range_paging_answers_422_naming_the_parameter(personas, params, field):
    response = api_as(personas["facilitator"]).get("/organisations", params)
    body = assert_problem(response, 422, INVALID)
    assert [e["field"] for e in body["errors"]] == [field]


def test_the_largest_page_is_a_thousand(personas):
    response = api_as(personas["facilitator"]).get("/organisations", {"limit": 1000})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("which", ["partnership", "tender"])
def test_ids_beyond_any_database_id_on_bidder_routes_answer_404(world, personas, which):
    pk = HUGE if which == "partnership" else world.partnership.pk
    tender_pk = HUGE if which == "tender" else world.tender.pk
    bidder = api_as(personas["procurement"])
    response = bidder.get(f"/partnerships/{pk}/bids/{tender_pk}/mine")
    assert_problem(response, 404, NOT_FOUND)
    page = Client()
    page.force_login(personas["procurement"])
    assert page.get(f"/partnerships/{pk}/bids/{tender_pk}/mine/").status_code == 404


# --- HEAD --------------------------------------------------------------------------------


def test_head_answers_wherever_get_does_with_the_headers_and_no_body(personas):
    api = api_as(personas["facilitator"])
    got = api.get("/organisations", {"limit": 5})
    head = api.client.head("/api/v1/organisations?limit=5", **api.headers)
    assert got.status_code == 200
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]
    assert int(head["Content-Length"]) == len(got.content)
    assert head["X-Request-ID"]


def test_head_on_the_openapi_document_and_unknown_paths(personas):
    client = Client()
    assert client.head("/api/v1/openapi.json").status_code == 200
    missing = client.head("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.content == b""


def test_head_without_a_token_is_refused_like_get():
    client = Client()
    assert client.head("/api/v1/organisations").status_code == 401


# --- server errors and oversized bodies ---------------------------------------------------


def test_a_server_error_says_so_and_carries_the_request_id(personas, monkeypatch):
    from coplan.core import api as core_api

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    class Broken:
        class objects:
            all = staticmethod(boom)

    monkeypatch.setattr(core_api, "Organisation", Broken)
    api = api_as(personas["facilitator"])
    api.client = Client(raise_request_exception=False)
    response = api.client.get(
        "/api/v1/organisations", HTTP_X_REQUEST_ID="attack-500-request", **api.headers
    )
    body = assert_problem(response, 500, "Internal Server Error")
    assert body["request_id"] == "attack-500-request"
    assert response["X-Request-ID"] == "attack-500-request"
    assert "No such endpoint" not in body["detail"]
    assert "server" in body["detail"] or "our side" in body["detail"]


def test_a_too_large_body_answers_413(personas, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = api_as(personas["facilitator"])
    response = api.send("POST", "/organisations", '{"name": "' + "x" * 2000 + '"}')
    body = assert_problem(response, 413, "Request body too large")
    assert body["detail"] == "The request body is larger than the limit of 1000 bytes."
    assert response.get("Content-Type") == PROBLEM


def test_an_unknown_endpoint_still_says_so():
    body = assert_problem(Api().get("/no-such-thing"), 404, NOT_FOUND)
    assert body["detail"] == "No such endpoint. The schema is at /api/v1/openapi.json."


@pytest.mark.parametrize("field", sorted(PartnershipPatch.model_fields))
def test_null_for_each_partnership_field_never_answers_500(partnership, personas, field):
    response = api_as(personas["facilitator"]).patch(
        f"/partnerships/{partnership.pk}", {field: None}
    )
    if PartnershipPatch.may_be_null(field):
        assert response.status_code in (200, 422), (field, response.content)
    else:
        body = assert_problem(response, 422, INVALID)
        assert [e["field"] for e in body["errors"]] == [field]


def test_a_null_the_database_refuses_answers_422_naming_the_column(gov, personas):  # noqa: F811
    """The safety net for PATCH bodies not yet on ``PatchSchema``: governance's meetings."""
    meeting = meeting_of(gov.steering)
    response = api_as(personas["facilitator"]).patch(
        f"/partnerships/{gov.partnership.pk}/meetings/{meeting.pk}", {"title": None}
    )
    body = assert_problem(response, 422, INVALID)
    assert [e["field"] for e in body["errors"]] == ["title"]
