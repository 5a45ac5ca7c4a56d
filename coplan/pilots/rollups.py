"""Keeping the rollups equal to the records, inside the transaction that changes the records.

Every write path (single entry, edit, delete, import, revert) locks the pilot row first
(:func:`lock_pilot`), so concurrent writers to one pilot queue up instead of racing on the same
rollup rows, then calls :func:`apply` with the sums it added or removed, then :func:`touch`.
:func:`rebuild_kpi` recomputes one KPI's rollups from the records after its definition changes;
:func:`verify` recomputes everything from the records and says what differs (tests, and a
diagnostic for operators).
"""

from django.db import transaction
from django.db.models import F, Q

from . import compute
from .models import DeliveryRecord, Kpi, KpiRollup, MonthlyRollup, Pilot


def lock_pilot(pilot_id: int) -> Pilot:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Rollups change only inside the transaction that changes the records")
    return Pilot.objects.select_for_update().get(pk=pilot_id)


def touch(pilot_id: int) -> None:
    """Invalidate cached dashboards: they are keyed by the pilot's data version."""
    Pilot.objects.filter(pk=pilot_id).update(data_version=F("data_version") + 1)


def record_specs(pilot_id: int) -> list[compute.KpiSpec]:
    return [
        compute.KpiSpec.of(k)
        for k in Kpi.objects.filter(pilot_id=pilot_id, method="records").order_by("pk")
    ]


def apply(pilot_id: int, monthly: dict, kpi_parts: dict, sign: int = 1) -> None:
    """Add (``sign`` 1) or subtract (-1) sums to the rollups; drop rows that reach zero."""
    _apply_monthly(pilot_id, monthly, sign)
    _apply_kpis(kpi_parts, sign)


def _apply_monthly(pilot_id, monthly, sign):
    if not monthly:
        return
    months = {key[2] for key in monthly}
    existing = {
        (r.service_id, r.provider_id, r.month): r
        for r in MonthlyRollup.objects.filter(pilot_id=pilot_id, month__in=months)
    }
    create, update, delete = [], [], []
    for key, sums in monthly.items():
        row = existing.get(key)
        if row is None:
            row = MonthlyRollup(
                pilot_id=pilot_id, service_id=key[0], provider_id=key[1], month=key[2]
            )
            is_new = True
        else:
            is_new = False
        parts = compute.Parts({f: getattr(row, f) for f in compute.MONTHLY_FIELDS})
        parts.add({f: sums.get(f) for f in compute.MONTHLY_FIELDS}, sign)
        for name, value in parts.values.items():
            if value < 0:
                raise RuntimeError(f"Rollup {key} would go negative in {name}: {value}")
            setattr(row, name, value)
        if row.records == 0:
            if not is_new:
                delete.append(row.pk)
        elif is_new:
            create.append(row)
        else:
            update.append(row)
    if create:
        MonthlyRollup.objects.bulk_create(create)
    if update:
        MonthlyRollup.objects.bulk_update(update, list(compute.MONTHLY_FIELDS))
    if delete:
        MonthlyRollup.objects.filter(pk__in=delete).delete()


def _apply_kpis(kpi_parts, sign):
    if not kpi_parts:
        return
    kpi_ids = {kpi_id for kpi_id, _ in kpi_parts}
    months = {key[2] for _, key in kpi_parts}
    existing = {
        (r.kpi_id, (r.service_id, r.provider_id, r.month)): r
        for r in KpiRollup.objects.filter(kpi_id__in=kpi_ids, month__in=months)
    }
    create, update, delete = [], [], []
    for (kpi_id, key), sums in kpi_parts.items():
        row = existing.get((kpi_id, key))
        is_new = row is None
        if is_new:
            row = KpiRollup(kpi_id=kpi_id, service_id=key[0], provider_id=key[1], month=key[2])
        parts = compute.Parts({f: getattr(row, f) for f in compute.KPI_FIELDS})
        parts.add({f: sums.get(f) for f in compute.KPI_FIELDS}, sign)
        for name, value in parts.values.items():
            if value < 0:
                raise RuntimeError(f"KPI rollup {kpi_id} {key} would go negative in {name}")
            setattr(row, name, value)
        if row.rows == 0:
            if not is_new:
                delete.append(row.pk)
        elif is_new:
            create.append(row)
        else:
            update.append(row)
    if create:
        KpiRollup.objects.bulk_create(create)
    if update:
        KpiRollup.objects.bulk_update(update, list(compute.KPI_FIELDS))
    if delete:
        KpiRollup.objects.filter(pk__in=delete).delete()


def rebuild_kpi(kpi: Kpi) -> None:
    """Recompute one KPI's rollups from the pilot's records (one grouped query)."""
    KpiRollup.objects.filter(kpi=kpi)._raw_delete(KpiRollup.objects.db)
    if kpi.method != "records":
        return
    parts = compute.queryset_kpi_parts(
        DeliveryRecord.objects.filter(pilot_id=kpi.pilot_id), [compute.KpiSpec.of(kpi)]
    )
    KpiRollup.objects.bulk_create(
        KpiRollup(
            kpi_id=kpi_id,
            service_id=key[0],
            provider_id=key[1],
            month=key[2],
            **{f: sums.get(f) or compute._zero(f) for f in compute.KPI_FIELDS},
        )
        for (kpi_id, key), sums in parts.items()
    )


def _normalise(rows: dict, fields) -> dict:
    return {
        key: {f: (sums.get(f) or compute._zero(f)) for f in fields}
        for key, sums in rows.items()
        if any(sums.get(f) for f in fields)
    }


def verify(pilot_id: int) -> list[str]:
    """Differences between the stored rollups and the records' aggregates, and records whose
    service, provider or batch is not the pilot's (empty: all sound)."""
    from .models import ImportBatch, PilotProvider, PilotService

    records = DeliveryRecord.objects.filter(pilot_id=pilot_id)
    problems = []
    orphans = records.exclude(
        Q(service_id__in=PilotService.objects.filter(pilot_id=pilot_id).values("pk"))
        & Q(provider_id__in=PilotProvider.objects.filter(pilot_id=pilot_id).values("organisation"))
    )
    if orphans.exists():
        problems.append("records whose service or provider is not the pilot's")
    if (
        records.filter(batch__isnull=False)
        .exclude(batch_id__in=ImportBatch.objects.filter(pilot_id=pilot_id).values("pk"))
        .exists()
    ):
        problems.append("records of an upload that no longer exists")
    expected = _normalise(compute.queryset_monthly(records), compute.MONTHLY_FIELDS)
    stored = {
        (r.service_id, r.provider_id, r.month): {f: getattr(r, f) for f in compute.MONTHLY_FIELDS}
        for r in MonthlyRollup.objects.filter(pilot_id=pilot_id)
    }
    for key in sorted(set(expected) | set(stored), key=str):
        if expected.get(key) != stored.get(key):
            problems.append(f"monthly {key}: records {expected.get(key)} rollup {stored.get(key)}")
    specs = record_specs(pilot_id)
    expected = _normalise(compute.queryset_kpi_parts(records, specs), compute.KPI_FIELDS)
    stored = {
        (r.kpi_id, (r.service_id, r.provider_id, r.month)): {
            f: getattr(r, f) for f in compute.KPI_FIELDS
        }
        for r in KpiRollup.objects.filter(kpi__pilot_id=pilot_id)
    }
    for key in sorted(set(expected) | set(stored), key=str):
        if expected.get(key) != stored.get(key):
            problems.append(f"kpi {key}: records {expected.get(key)} rollup {stored.get(key)}")
    return problems
