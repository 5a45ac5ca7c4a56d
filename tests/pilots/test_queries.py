"""Every list view and the dashboard make the same number of queries however many rows there
are (pretalx's query-count tests): no N+1, and the dashboard never reads the records."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplan.pilots import domain, rollups

from .conftest import csv_bytes, sample_rows, upload

VIEWS = [
    "overview",
    "dashboard",
    "kpis",
    "records",
    "batches",
    "feedback",
    "issues",
    "evaluations",
    "returns",
]


def _grow(pilot, personas, own_org, other_org, step):
    actor = personas["facilitator"]
    upload(
        pilot,
        actor,
        csv_bytes(sample_rows(own_org.name, other_org.name, 10 * step)),
        name=f"g{step}.csv",
    )
    for i in range(3 * step):
        domain.submit_feedback(
            pilot=pilot,
            actor=personas["service_user"],
            rating=1 + i % 5,
            comment=f"c{i}",
            anonymous=bool(i % 2),
            received_on=dt.date(2006, 10, 1) + dt.timedelta(days=i),
        )
        domain.log_issue(
            pilot=pilot,
            actor=actor,
            title=f"Issue {step}-{i}",
            severity="low",
            owner=personas["steering"],
        )
    domain.create_evaluation(
        pilot=pilot,
        actor=actor,
        kind="final",
        period_start=dt.date(2006, 10, 1),
        period_end=dt.date(2007, 3, 31),
    )


def _count(client, url, cold=None):
    """Queries for one GET by the view itself (not a page-cache hit, whose three queries
    test_page_cache counts); ``cold``: a pilot whose cached dashboards are invalidated first."""
    caches["pages"].clear()
    if cold is not None:
        rollups.touch(cold.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", VIEWS)
def test_list_views_do_not_grow_with_rows(client, pilot, personas, own_org, other_org, kpis, name):
    client.force_login(personas["commissioner"])
    url = reverse(f"pilots:{name}", args=[pilot.partnership_id])
    _grow(pilot, personas, own_org, other_org, 1)
    client.get(url)  # warm caches (charts, content types)
    first, first_cold = _count(client, url), _count(client, url, cold=pilot)
    _grow(pilot, personas, own_org, other_org, 3)
    client.get(url)
    second, second_cold = _count(client, url), _count(client, url, cold=pilot)
    assert second == first, f"{name}: {first} queries, then {second} with more rows"
    assert second_cold == first_cold, f"{name} (cold): {first_cold}, then {second_cold}"
    assert first_cold <= 40, f"{name}: {first_cold} queries"


def test_the_dashboard_never_reads_delivery_records(
    client, pilot, personas, own_org, other_org, kpis
):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name)))
    client.force_login(personas["commissioner"])
    url = reverse("pilots:dashboard", args=[pilot.partnership_id])
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"month": "2006-11"})
    assert not [q for q in queries if "pilots_deliveryrecord" in q["sql"]]


@pytest.mark.parametrize(
    "path", ["records", "batches", "feedback", "issues", "evaluations", "kpis", "dashboard"]
)
def test_api_lists_do_not_grow_with_rows(client, pilot, personas, own_org, other_org, kpis, path):
    client.force_login(personas["commissioner"])
    url = f"/api/v1/partnerships/{pilot.partnership_id}/pilot/{path}"
    _grow(pilot, personas, own_org, other_org, 1)
    client.get(url)
    first, first_cold = _count(client, url), _count(client, url, cold=pilot)
    _grow(pilot, personas, own_org, other_org, 3)
    client.get(url)
    second, second_cold = _count(client, url), _count(client, url, cold=pilot)
    assert second == first, f"{path}: {first} then {second}"
    assert second_cold == first_cold, f"{path} (cold): {first_cold} then {second_cold}"
