"""Fixtures for the pilots tests: a pilot in the North Lanarkshire shape (Oct 2006 – Mar 2007)
whose providers are the persona social enterprise partner's organisation and a second one."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coplan.partnerships.enums import Role
from coplan.pilots import domain, importer
from tests.factories import OrganisationFactory, member

START = dt.date(2006, 10, 1)
END = dt.date(2007, 3, 31)
HEADER = [
    "service",
    "provider",
    "date",
    "quantity",
    "cost",
    "client_id",
    "referral_date",
    "satisfaction",
    "outcome",
    "notes",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached dashboards, charts and pages from one test never reach another."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=False):
        cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def own_org(personas, partnership):
    return partnership.memberships.get(
        user=personas["se_partner"], role=Role.SE_PARTNER
    ).organisation


@pytest.fixture
def other_org(partnership):
    org = OrganisationFactory(name="Beulah Scotland")
    member(partnership, Role.SE_PARTNER, organisation=org)
    return org


@pytest.fixture
def pilot(partnership, personas, own_org, other_org):
    return domain.create_pilot(
        partnership=partnership,
        actor=personas["facilitator"],
        title="Furniture pilot",
        starts_on=START,
        ends_on=END,
        funding_amount=Decimal("120000"),
        funding_route="Council grant",
        services=[("Emergency storage", "storage day"), ("Emergency furniture packs", "pack")],
        providers=[own_org, other_org],
    )


@pytest.fixture
def services(pilot):
    return {s.name: s for s in pilot.services.all()}


def make_kpis(pilot, actor, services):
    packs = services["Emergency furniture packs"]
    return {
        "within5": domain.save_kpi(
            pilot=pilot,
            actor=actor,
            name="Packs within 5 working days",
            definition="Share of packs delivered within 5 working days of referral",
            unit="%",
            baseline=Decimal(60),
            target=Decimal(90),
            source="Delivery records",
            method="records",
            aggregation="percentage",
            filter_service=packs,
            condition_field="wait_working_days",
            condition_op="lte",
            condition_value="5",
        ),
        "cost": domain.save_kpi(
            pilot=pilot,
            actor=actor,
            name="Cost per pack",
            definition="Cost per pack",
            unit="£",
            baseline=Decimal(400),
            target=Decimal(350),
            direction="lower",
            source="Delivery records",
            method="records",
            aggregation="per_unit",
            measure="cost",
            filter_service=packs,
        ),
        "satisfaction": domain.save_kpi(
            pilot=pilot,
            actor=actor,
            name="Satisfaction",
            definition="Average satisfaction",
            unit="out of 5",
            baseline=Decimal(3),
            target=Decimal(4),
            source="Records",
            method="records",
            aggregation="average",
            measure="satisfaction",
        ),
        "count": domain.save_kpi(
            pilot=pilot,
            actor=actor,
            name="Storage cases reclaimed",
            definition="Storage cases reclaimed",
            unit="cases",
            baseline=Decimal(0),
            target=Decimal(10),
            source="Records",
            method="records",
            aggregation="count",
            filter_service=services["Emergency storage"],
            filter_outcomes="RECLAIMED",
        ),
        "total": domain.save_kpi(
            pilot=pilot,
            actor=actor,
            name="Storage days",
            definition="Storage days",
            unit="days",
            baseline=Decimal(0),
            target=Decimal(100),
            source="Records",
            method="records",
            aggregation="sum",
            measure="quantity",
            condition_field="outcome_code",
            condition_op="ne",
            condition_value="DISPOSED",
        ),
        "feedback": domain.save_kpi(
            pilot=pilot,
            actor=actor,
            name="Rated good",
            definition="Feedback 4 or 5",
            unit="%",
            baseline=Decimal(50),
            target=Decimal(80),
            source="Feedback",
            method="feedback",
            aggregation="percentage",
            condition_field="satisfaction",
            condition_op="gte",
            condition_value="4",
        ),
        "manual": domain.save_kpi(
            pilot=pilot,
            actor=actor,
            name="Trainee starts",
            definition="Trainees",
            unit="starts",
            baseline=Decimal(0),
            target=Decimal(6),
            frequency="quarterly",
            source="Registers",
            method="manual",
        ),
    }


@pytest.fixture
def kpis(pilot, personas, services):
    return make_kpis(pilot, personas["facilitator"], services)


def csv_bytes(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def row(
    service="Emergency furniture packs",
    provider=None,
    day="2006-10-16",
    quantity="1",
    cost="300.00",
    client="C1",
    referred="2006-10-01",
    satisfaction="4",
    outcome="DELIVERED",
    notes="note",
):
    return [service, provider, day, quantity, cost, client, referred, satisfaction, outcome, notes]


def sample_rows(own_name, other_name, count=40):
    rows = []
    for i in range(count):
        rows.append(
            row(
                service="Emergency furniture packs" if i % 3 else "Emergency storage",
                provider=own_name if i % 2 else other_name,
                day=(START + dt.timedelta(days=(i * 7) % 175 + 3)).isoformat(),
                quantity=str(1 + i % 4) + (".5" if i % 5 == 0 else ""),
                cost=f"{100 + i * 13.37:.2f}",
                client=f"C{i % 9}",
                referred=(START + dt.timedelta(days=(i * 7) % 175 - (i % 9))).isoformat(),
                satisfaction=str(1 + i % 5) if i % 4 else "",
                outcome=["DELIVERED", "RECLAIMED", "DISPOSED", "REUSED"][i % 4],
            )
        )
    return rows


def upload(pilot, user, content: bytes, name="deliveries.csv", mapping=None, scope=None):
    """Upload, match (by name unless given) and import inline; returns the batch."""
    batch = domain.upload_file(
        pilot=pilot, actor=user, file=SimpleUploadedFile(name, content), filename=name
    )
    domain.queue_import(
        batch=batch,
        actor=user,
        mapping=mapping or importer.Mapping.from_json(batch.mapping),
        scope=scope,
    )
    importer.run(batch.pk)
    batch.refresh_from_db()
    return batch
