"""An explicit ``null`` for each field of the pilot PATCH bodies: 422 naming the field, or 200
when the field may be cleared. Never 500."""

import pytest

from coplan.pilots.api import KpiPatch, PilotPatch
from tests.api.helpers import INVALID, api_as, assert_problem


def _check(response, field, schema):
    if schema.may_be_null(field):
        assert response.status_code in (200, 422), (field, response.content)
        if response.status_code == 422:
            assert response.json()["status"] == 422
    else:
        body = assert_problem(response, 422, INVALID)
        assert [e["field"] for e in body["errors"]] == [field]


@pytest.mark.parametrize("field", sorted(PilotPatch.model_fields))
def test_null_for_each_pilot_field(pilot, personas, field):
    response = api_as(personas["facilitator"]).patch(
        f"/partnerships/{pilot.partnership_id}/pilot", {field: None}
    )
    _check(response, field, PilotPatch)


@pytest.mark.parametrize("field", sorted(KpiPatch.model_fields))
def test_null_for_each_kpi_field(pilot, kpis, personas, field):
    kpi = pilot.kpis.first()
    response = api_as(personas["facilitator"]).patch(
        f"/partnerships/{pilot.partnership_id}/pilot/kpis/{kpi.pk}", {field: None}
    )
    _check(response, field, KpiPatch)
