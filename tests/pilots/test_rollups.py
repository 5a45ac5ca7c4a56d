"""The per-month rollups always equal the aggregates computed from the records: after every
single entry, edit, delete, import, revert and KPI change, in a long deterministic random run."""

import datetime as dt
import random
from decimal import Decimal

import polars as pl
import pytest

from coplan.pilots import compute, domain, rollups
from coplan.pilots.domain.records import frame_of, working_days
from coplan.pilots.models import DeliveryRecord, KpiRollup, MonthlyRollup

from .conftest import START, csv_bytes, sample_rows, upload


def _single(pilot, actor, services, org, r: random.Random):
    service = r.choice(list(services.values()))
    day = START + dt.timedelta(days=r.randrange(0, 180))
    return domain.record_delivery(
        pilot=pilot,
        actor=actor,
        service=service,
        provider=org,
        delivered_on=day,
        quantity=Decimal(r.randint(0, 40)) / 4,
        cost=Decimal(r.randint(0, 90000)) / 100,
        referred_on=day - dt.timedelta(days=r.randrange(0, 20)) if r.random() < 0.8 else None,
        satisfaction=r.choice([None, 1, 2, 3, 4, 5]),
        outcome_code=r.choice(["DELIVERED", "RECLAIMED", "DISPOSED", ""]),
        client_id=f"C{r.randrange(10)}",
    )


def test_rollups_equal_the_records_through_a_random_run(
    pilot, personas, own_org, other_org, services, kpis
):
    actor = personas["facilitator"]
    r = random.Random(42)
    batches = []
    for step in range(30):
        action = r.choice(["insert", "insert", "edit", "delete", "import", "revert", "kpi"])
        records = list(DeliveryRecord.objects.filter(pilot=pilot).order_by("pk"))
        if action == "insert" or (not records and action in ("edit", "delete")):
            _single(pilot, actor, services, r.choice([own_org, other_org]), r)
        elif action == "edit":
            record = r.choice(records)
            day = START + dt.timedelta(days=r.randrange(0, 180))
            domain.update_delivery(
                record=record,
                actor=actor,
                delivered_on=day,
                quantity=Decimal(r.randint(1, 9)),
                cost=Decimal(r.randint(1, 50000)) / 100,
                satisfaction=r.choice([None, 2, 5]),
                provider=r.choice([own_org, other_org]),
                service=r.choice(list(services.values())),
                referred_on=day - dt.timedelta(days=r.randrange(0, 9)),
                outcome_code=r.choice(["DELIVERED", "RECLAIMED", "DISPOSED"]),
            )
        elif action == "delete":
            domain.delete_delivery(record=r.choice(records), actor=actor)
        elif action == "import":
            rows = sample_rows(own_org.name, other_org.name, r.randint(5, 60))
            for row in rows:
                row[3] = str(r.randint(0, 12))
                row[4] = f"{r.randint(0, 99999) / 100:.2f}"
            batch = upload(pilot, actor, csv_bytes(rows), name=f"step{step}.csv")
            assert batch.status == "imported", batch.errors
            batches.append(batch)
        elif action == "revert" and batches:
            domain.revert_batch(batch=batches.pop(r.randrange(len(batches))), actor=actor)
        elif action == "kpi":
            kpi = kpis["within5"]
            domain.save_kpi(pilot=pilot, actor=actor, kpi=kpi, condition_value=str(r.randint(2, 9)))
        assert rollups.verify(pilot.pk) == [], (step, action)
    assert DeliveryRecord.objects.filter(pilot=pilot).exists()


def test_rollups_after_import_edit_and_revert(pilot, personas, own_org, other_org, kpis):
    actor = personas["facilitator"]
    batch = upload(pilot, actor, csv_bytes(sample_rows(own_org.name, other_org.name, 50)))
    assert rollups.verify(pilot.pk) == []
    record = DeliveryRecord.objects.filter(batch=batch).first()
    domain.update_delivery(record=record, actor=actor, cost=Decimal("999.99"), satisfaction=1)
    assert rollups.verify(pilot.pk) == []
    domain.revert_batch(batch=batch, actor=actor)
    assert rollups.verify(pilot.pk) == []
    assert not MonthlyRollup.objects.filter(pilot=pilot).exists()
    assert not KpiRollup.objects.filter(kpi__pilot=pilot).exists()


def test_polars_and_sql_sums_agree(pilot, personas, own_org, other_org, kpis):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name, 60)))
    records = DeliveryRecord.objects.filter(pilot=pilot)
    frame = frame_of(list(records))
    specs = rollups.record_specs(pilot.pk)

    def normal(rows, fields):
        return {k: {f: Decimal(v[f] or 0) for f in fields} for k, v in rows.items()}

    assert normal(compute.frame_monthly(frame), compute.MONTHLY_FIELDS) == normal(
        compute.queryset_monthly(records), compute.MONTHLY_FIELDS
    )
    assert normal(compute.frame_kpi_parts(frame, specs), compute.KPI_FIELDS) == normal(
        compute.queryset_kpi_parts(records, specs), compute.KPI_FIELDS
    )


def test_verify_reports_differences_and_orphans(pilot, personas, own_org, services):
    actor = personas["facilitator"]
    record = _single(pilot, actor, services, own_org, random.Random(1))
    MonthlyRollup.objects.filter(pilot=pilot).update(records=99)
    assert any("monthly" in p for p in rollups.verify(pilot.pk))
    DeliveryRecord.objects.filter(pk=record.pk).update(service_id=999999)
    assert any("service or provider" in p for p in rollups.verify(pilot.pk))


def test_deleting_a_pilot_deletes_its_records_and_rollups_in_bulk(
    pilot, personas, own_org, other_org, kpis
):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name)))
    pilot.delete()
    assert not DeliveryRecord.objects.exists()
    assert not MonthlyRollup.objects.exists() and not KpiRollup.objects.exists()


@pytest.mark.parametrize("offset", range(0, 15))
@pytest.mark.parametrize("length", [0, 1, 4, 5, 6, 11, 30])
def test_working_days_match_polars(offset, length):
    start = dt.date(2006, 10, 1) + dt.timedelta(days=offset)
    end = start + dt.timedelta(days=length)
    expected = (
        pl.DataFrame({"a": [start], "b": [end]}).select(pl.business_day_count("a", "b")).item()
    )
    assert working_days(start, end) == expected


def test_kpi_values_from_parts():
    parts = {
        "rows": 10,
        "eligible": 8,
        "hits": 6,
        "total": Decimal(30),
        "measured": 5,
        "quantity": Decimal(12),
    }
    assert compute.value_of("count", parts) == 6
    assert compute.value_of("sum", parts) == 30
    assert compute.value_of("average", parts) == 6
    assert compute.value_of("percentage", parts) == 75
    assert compute.value_of("per_unit", parts) == Decimal("2.5")
    assert compute.value_of("percentage", {**parts, "eligible": 0}) is None


@pytest.mark.parametrize(
    ("value", "target", "direction", "rag"),
    [
        (90, 90, "higher", "green"),
        (82, 90, "higher", "amber"),
        (80, 90, "higher", "red"),
        (340, 350, "lower", "green"),
        (380, 350, "lower", "amber"),
        (400, 350, "lower", "red"),
        (None, 350, "lower", "none"),
    ],
)
def test_rag(value, target, direction, rag):
    assert compute.rag(value, target, direction, 10).value == rag
