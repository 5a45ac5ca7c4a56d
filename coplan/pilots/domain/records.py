"""Delivery records entered one at a time: each insert, edit and delete updates the rollups in
its own transaction, through the same polars sums as a bulk import."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError

from .. import compute, rollups
from ..models import DeliveryRecord, Pilot, PilotService
from ..pseudonym import Pseudonymiser

FIELDS = (
    "service",
    "provider",
    "delivered_on",
    "quantity",
    "unit",
    "cost",
    "referred_on",
    "satisfaction",
    "outcome_code",
    "extra",
)


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from ``start`` (counted) to ``end`` (not counted), as polars'
    ``business_day_count``; negative when ``end`` is earlier."""
    if end < start:
        return -working_days(end, start)
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    day = start.weekday()
    for offset in range(rest):
        if (day + offset) % 7 < 5:
            count += 1
    return count


def frame_of(records: list[DeliveryRecord]):
    """Records as the polars frame the rollup sums are computed from."""
    import polars as pl

    return pl.DataFrame(
        {
            "service_id": [r.service_id for r in records],
            "provider_id": [r.provider_id for r in records],
            "month": [r.month for r in records],
            "quantity": [Decimal(r.quantity) for r in records],
            "cost": [Decimal(r.cost) for r in records],
            "satisfaction": [r.satisfaction for r in records],
            "wait_days": [r.wait_days for r in records],
            "wait_working_days": [r.wait_working_days for r in records],
            "outcome_code": [r.outcome_code for r in records],
        },
        schema={
            "service_id": pl.Int64,
            "provider_id": pl.Int64,
            "month": pl.Date,
            "quantity": pl.Decimal(10, 2),
            "cost": pl.Decimal(14, 2),
            "satisfaction": pl.Int16,
            "wait_days": pl.Int32,
            "wait_working_days": pl.Int32,
            "outcome_code": pl.String,
        },
    )


def _account(pilot_id: int, record: DeliveryRecord, sign: int) -> None:
    frame = frame_of([record])
    rollups.apply(
        pilot_id,
        compute.frame_monthly(frame),
        compute.frame_kpi_parts(frame, rollups.record_specs(pilot_id)),
        sign,
    )


def _d(day):
    return f"{day.day} {day:%B %Y}"


def _validate(pilot: Pilot, record: DeliveryRecord, scope: set[int] | None) -> None:
    errors = []
    if (
        record.service_id is None
        or not PilotService.objects.filter(pk=record.service_id, pilot=pilot).exists()
    ):
        errors.append(("service", "Choose one of the pilot's services"))
    if (
        record.provider_id is None
        or not pilot.providers.filter(organisation_id=record.provider_id).exists()
    ):
        errors.append(("provider", "Choose one of the pilot's providers"))
    elif scope is not None and record.provider_id not in scope:
        errors.append(("provider", "You can record deliveries only for your own organisation"))
    day = record.delivered_on
    if day is None:
        errors.append(("delivered_on", "Enter the date of the delivery"))
    elif day > clock.today():
        errors.append(("delivered_on", "The date of the delivery cannot be in the future"))
    elif not pilot.starts_on <= day <= pilot.last_day:
        errors.append(
            (
                "delivered_on",
                f"The date must be within the pilot ({_d(pilot.starts_on)} to "
                f"{_d(pilot.last_day)})",
            )
        )
    if record.referred_on and day and record.referred_on > day:
        errors.append(("referred_on", "The referral date must be on or before the delivery"))
    if record.quantity is None or record.quantity < 0:
        errors.append(("quantity", "Enter a quantity of 0 or more"))
    if record.cost is None or record.cost < 0:
        errors.append(("cost", "Enter a cost of 0 or more"))
    if record.satisfaction is not None and not 1 <= record.satisfaction <= 5:
        errors.append(("satisfaction", "Satisfaction is a whole number from 1 to 5"))
    if errors:
        field, message = errors[0]
        raise DomainError(
            message + ".", code="invalid_record", field=field, data={"errors": errors}
        )


def _derive(pilot: Pilot, record: DeliveryRecord, client_id: str | None) -> None:
    record.month = record.delivered_on.replace(day=1)
    if record.referred_on:
        record.wait_days = (record.delivered_on - record.referred_on).days
        record.wait_working_days = working_days(record.referred_on, record.delivered_on)
    else:
        record.wait_days = record.wait_working_days = None
    if client_id is not None:
        record.client_ref = Pseudonymiser(pilot.pk)(client_id)
    if not record.unit:
        record.unit = PilotService.objects.get(pk=record.service_id).unit
    record.outcome_code = record.outcome_code or ""
    record.extra = record.extra or {}


def _snapshot(record: DeliveryRecord) -> dict:
    return {
        "service": record.service_id,
        "provider": record.provider_id,
        "delivered_on": record.delivered_on,
        "quantity": record.quantity,
        "cost": record.cost,
        "satisfaction": record.satisfaction,
        "outcome_code": record.outcome_code,
        "referred_on": record.referred_on,
    }


def record_delivery(
    *, pilot: Pilot, actor, scope: set[int] | None = None, client_id: str = "", **fields
) -> DeliveryRecord:
    """One delivery. ``client_id`` is hashed here and never stored; ``scope`` limits the
    providers the actor may record for (``None``: any)."""
    record = DeliveryRecord(pilot=pilot, **{k: v for k, v in fields.items() if k in FIELDS})
    _validate(pilot, record, scope)
    with transaction.atomic():
        rollups.lock_pilot(pilot.pk)
        _derive(pilot, record, client_id)
        record.full_clean(exclude=["batch"])
        record.save()
        _account(pilot.pk, record, +1)
        rollups.touch(pilot.pk)
        audit.log(
            actor=actor,
            action="pilots.record.created",
            obj=record,
            partnership=pilot.partnership,
            data=_snapshot(record),
        )
    return record


def update_delivery(
    *, record: DeliveryRecord, actor, scope: set[int] | None = None, client_id=None, **fields
) -> dict:
    """Change a record: the old values leave the rollups and the new ones enter, together."""
    pilot = record.pilot
    if scope is not None and record.provider_id not in scope:
        raise DomainError(
            "You can change only your own organisation's records.", code="not_your_record"
        )
    with transaction.atomic():
        rollups.lock_pilot(pilot.pk)
        old = DeliveryRecord.objects.get(pk=record.pk)
        before = _snapshot(old)
        for name, value in fields.items():
            if name in FIELDS:
                setattr(record, name, value)
        _validate(pilot, record, scope)
        _derive(pilot, record, client_id)
        record.full_clean(exclude=["batch"])
        _account(pilot.pk, old, -1)
        record.save()
        _account(pilot.pk, record, +1)
        rollups.touch(pilot.pk)
        after = _snapshot(record)
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if client_id is not None and old.client_ref != record.client_ref:
            changed["client_ref"] = ["changed", "changed"]
        audit.log(
            actor=actor,
            action="pilots.record.updated",
            obj=record,
            partnership=pilot.partnership,
            data={"changed": changed},
        )
    return changed


def delete_delivery(*, record: DeliveryRecord, actor, scope: set[int] | None = None) -> None:
    pilot = record.pilot
    if scope is not None and record.provider_id not in scope:
        raise DomainError(
            "You can delete only your own organisation's records.", code="not_your_record"
        )
    with transaction.atomic():
        rollups.lock_pilot(pilot.pk)
        old = DeliveryRecord.objects.get(pk=record.pk)
        _account(pilot.pk, old, -1)
        audit.log(
            actor=actor,
            action="pilots.record.deleted",
            obj=old,
            partnership=pilot.partnership,
            data=_snapshot(old),
        )
        DeliveryRecord.objects.filter(pk=old.pk).delete()
        rollups.touch(pilot.pk)
