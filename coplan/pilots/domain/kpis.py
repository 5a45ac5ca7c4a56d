"""The monitoring framework: KPI definitions and manual values."""

import datetime as dt

from django.db import transaction

from coplan.core import audit
from coplan.core.errors import DomainError

from .. import compute, rollups
from ..enums import Aggregation, ConditionField, Frequency, Method, Op
from ..models import Kpi, KpiValue, Pilot

FIELDS = (
    "name",
    "definition",
    "unit",
    "baseline",
    "baseline_note",
    "target",
    "direction",
    "amber_tolerance",
    "frequency",
    "source",
    "method",
    "aggregation",
    "measure",
    "filter_service",
    "filter_provider",
    "filter_outcomes",
    "condition_field",
    "condition_op",
    "condition_value",
    "requirement",
    "requirement_key",
)
COMPUTED = (
    "method",
    "aggregation",
    "measure",
    "filter_service",
    "filter_provider",
    "filter_outcomes",
    "condition_field",
    "condition_op",
    "condition_value",
)


def _problem(message, field):
    raise DomainError(message, code="invalid_kpi", field=field)


def _check(kpi: Kpi, pilot: Pilot) -> None:
    method = Method(kpi.method)
    if method == Method.MANUAL:
        kpi.aggregation = kpi.measure = kpi.condition_field = kpi.condition_op = ""
        kpi.condition_value = kpi.filter_outcomes = ""
        kpi.filter_service = kpi.filter_provider = None
        return
    if not kpi.aggregation:
        _problem("Choose how the value is computed.", "aggregation")
    agg = Aggregation(kpi.aggregation)
    if method == Method.FEEDBACK:
        if agg not in (Aggregation.COUNT, Aggregation.AVERAGE, Aggregation.PERCENTAGE):
            _problem(
                "From feedback, a KPI counts responses, averages the ratings or gives the "
                "percentage of ratings meeting a condition.",
                "aggregation",
            )
        kpi.measure = "satisfaction" if agg == Aggregation.AVERAGE else ""
        if kpi.condition_field and kpi.condition_field != ConditionField.SATISFACTION:
            _problem("A feedback condition can only test the rating.", "condition_field")
        kpi.filter_outcomes = ""
    if agg in (Aggregation.SUM, Aggregation.AVERAGE, Aggregation.PER_UNIT) and not kpi.measure:
        _problem("Choose the measure to add up or average.", "measure")
    if agg in (Aggregation.COUNT, Aggregation.PERCENTAGE) and method == Method.RECORDS:
        kpi.measure = ""
    if agg == Aggregation.PERCENTAGE and not kpi.condition_field:
        _problem("A percentage needs the condition records must meet.", "condition_field")
    if kpi.condition_field:
        if not kpi.condition_op:
            _problem("Choose how the condition compares.", "condition_op")
        if kpi.condition_field == ConditionField.OUTCOME and kpi.condition_op not in (
            Op.EQ,
            Op.NE,
            Op.IN,
        ):
            _problem("An outcome code can only equal, not equal or be one of.", "condition_op")
        try:
            compute.parse_condition_value(
                kpi.condition_field, kpi.condition_op, kpi.condition_value
            )
        except ValueError as error:
            _problem(str(error), "condition_value")
    else:
        kpi.condition_op = kpi.condition_value = ""
    if kpi.filter_service_id and kpi.filter_service.pilot_id != pilot.pk:
        _problem("Choose one of the pilot's services.", "filter_service")
    if (
        kpi.filter_provider_id
        and not pilot.providers.filter(organisation_id=kpi.filter_provider_id).exists()
    ):
        _problem("Choose one of the pilot's providers.", "filter_provider")


def _link_requirement(kpi: Kpi, pilot: Pilot) -> None:
    if kpi.requirement_id is None:
        return
    requirement = kpi.requirement
    version = getattr(requirement, "version", None)
    if version is not None and getattr(version, "partnership_id", None) != pilot.partnership_id:
        _problem("Choose a requirement of this partnership's specification.", "requirement")
    kpi.requirement_key = getattr(requirement, "key", "") or kpi.requirement_key


def _state(kpi: Kpi) -> dict:
    return {f: str(getattr(kpi, f + "_id" if f in _FKS else f) or "") for f in FIELDS}


_FKS = {"filter_service", "filter_provider", "requirement"}


def save_kpi(*, pilot: Pilot, actor, kpi: Kpi | None = None, **fields) -> Kpi:
    """Create or change a KPI; when how it is computed changes, its rollups are rebuilt from
    the records in the same transaction."""
    with transaction.atomic():
        created = kpi is None
        if created:
            kpi = Kpi(pilot=pilot, position=pilot.kpis.count())
            before = {}
        else:
            kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
            before = _state(kpi)
        for name, value in fields.items():
            if name not in FIELDS:
                raise DomainError(f"{name} is not a KPI field.", code="not_editable")
            setattr(kpi, name, value)
        if Kpi.objects.filter(pilot=pilot, name__iexact=kpi.name).exclude(pk=kpi.pk).exists():
            _problem(f"The framework already has a KPI called “{kpi.name}”.", "name")
        _check(kpi, pilot)
        _link_requirement(kpi, pilot)
        kpi.full_clean()
        kpi.save()
        after = _state(kpi)
        changed = {f: [before.get(f, ""), after[f]] for f in FIELDS if before.get(f) != after[f]}
        if created or any(f in changed for f in COMPUTED):
            rollups.lock_pilot(pilot.pk)
            rollups.rebuild_kpi(kpi)
        rollups.touch(pilot.pk)
        audit.log(
            actor=actor,
            action="pilots.kpi.created" if created else "pilots.kpi.updated",
            obj=kpi,
            partnership=pilot.partnership,
            data=after if created else {"changed": changed},
        )
    return kpi


def delete_kpi(*, kpi: Kpi, actor) -> None:
    pilot = kpi.pilot
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="pilots.kpi.deleted",
            obj=kpi,
            partnership=pilot.partnership,
            data={"name": kpi.name},
        )
        kpi.delete()
        rollups.touch(pilot.pk)


def period_start(day: dt.date, frequency: str) -> dt.date:
    if frequency == Frequency.QUARTERLY:
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return day.replace(day=1)


def set_kpi_value(*, kpi: Kpi, actor, period: dt.date, value, note: str = "") -> KpiValue:
    """Enter (or correct) a manual KPI's value for one month or quarter of the pilot."""
    if kpi.method != Method.MANUAL:
        raise DomainError(
            "This KPI is computed; only a manual KPI takes values by hand.", code="not_manual"
        )
    pilot = kpi.pilot
    start = period_start(period, kpi.frequency)
    if start > pilot.last_day or start < period_start(pilot.starts_on, kpi.frequency):
        raise DomainError(
            "Choose a period within the pilot.", code="period_outside_pilot", field="period"
        )
    with transaction.atomic():
        entry, created = KpiValue.objects.update_or_create(
            kpi=kpi,
            period=start,
            defaults={"value": value, "note": note, "entered_by": actor},
        )
        rollups.touch(pilot.pk)
        audit.log(
            actor=actor,
            action="pilots.kpi_value.entered" if created else "pilots.kpi_value.corrected",
            obj=entry,
            partnership=pilot.partnership,
            data={"kpi": kpi.name, "period": start, "value": value, "note": note},
        )
    return entry
