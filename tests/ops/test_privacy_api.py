"""The data protection API: staff read the register, export and erase people, and run
retention; a person may export their own data."""

import pytest

from tests.api.helpers import FORBIDDEN, api_as, assert_problem
from tests.conftest import PERSONAS


def test_staff_read_the_register(personas):
    response = api_as(personas["staff"]).get("/privacy/register")
    assert response.status_code == 200
    design = {c["key"]: c for c in response.json()}["design.contributions"]
    assert (design["access"], design["erasure"], design["automatic_retention"]) == (
        True,
        True,
        False,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_others_may_not(persona, personas):
    assert_problem(api_as(personas[persona]).get("/privacy/register"), 403, FORBIDDEN)


def test_a_person_exports_their_own_data_but_not_others(personas):
    ann = personas["service_user"]
    api = api_as(ann)

    mine = api.get(f"/privacy/people/{ann.pk}/export")
    theirs = api.get(f"/privacy/people/{personas['facilitator'].pk}/export")

    assert mine.status_code == 200
    assert mine.json()["person"]["email"] == ann.email
    assert_problem(theirs, 403, FORBIDDEN)


def test_staff_erase_with_confirmation(personas):
    ann, api = personas["service_user"], api_as(personas["staff"])

    refused = api.post(f"/privacy/people/{ann.pk}/erase", {"confirm_email": "nope@example.org"})
    body = assert_problem(refused, 422, "Not allowed by the partnership's rules")
    assert body["field"] == "confirm_email"

    done = api.post(f"/privacy/people/{ann.pk}/erase", {"confirm_email": ann.email})
    assert done.status_code == 200
    assert done.json()["full_name"] == "Erased person"


def test_retention_dry_run_by_default(personas):
    response = api_as(personas["staff"]).post("/privacy/retention")
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["total"] == 0
