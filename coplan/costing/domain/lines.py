"""Changing a draft version's lines: activities, staff, direct costs, pools and entered
driver values. Every function refuses a locked version (code ``version_locked``)."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from coplan.core.errors import DomainError

from ..enums import Driver
from ..models import (
    CostActivity,
    DirectCostLine,
    DriverValue,
    OverheadPool,
    StaffLine,
    StaffTime,
)
from .versions import _draft, _record_change, _text

# --- activities ------------------------------------------------------------------------------


def _next_order(qs) -> int:
    return (qs.aggregate(n=Max("order"))["n"] or 0) + 1


def add_activity(
    *, version, actor, name: str, kind: str, revision: int | None = None
) -> CostActivity:
    name = name.strip()
    with transaction.atomic():
        current = _draft(version, revision)
        if not name:
            raise DomainError("Name the activity.", code="required", field="name")
        if current.activities.filter(name__iexact=name).exists():
            raise DomainError(f"“{name}” is already an activity.", code="duplicate", field="name")
        activity = CostActivity.objects.create(
            version=current, name=name, kind=kind, order=_next_order(current.activities)
        )
        _record_change(
            current, actor=actor, action="costing.activity.added", activity=name, kind=kind
        )
    return activity


def remove_activity(*, version, actor, activity, revision: int | None = None) -> None:
    with transaction.atomic():
        current = _draft(version, revision)
        if activity.version_id != current.pk:
            raise DomainError("That activity is not in this version.", code="wrong_version")
        if activity.name == version.cost_model.service:
            raise DomainError(
                "The service being costed cannot be removed from its own model.",
                code="service_activity",
            )
        if activity.direct_costs.exists():
            raise DomainError(
                f"Move or remove the direct costs on {activity.name} first.",
                code="activity_in_use",
            )
        name = activity.name
        activity.delete()
        _record_change(current, actor=actor, action="costing.activity.removed", activity=name)


# --- staff, direct costs, pools, drivers -----------------------------------------------------


def save_staff_line(
    *,
    version,
    actor,
    line=None,
    name: str,
    salary: Decimal,
    employer_ni: Decimal = Decimal(0),
    pension: Decimal = Decimal(0),
    times: dict | None = None,
    revision: int | None = None,
) -> StaffLine:
    """Add or change a post: its costs and the fraction of its time on each activity
    (``times`` maps a :class:`CostActivity` to a fraction 0–1; the total may not exceed 1)."""
    times = {a: f for a, f in (times or {}).items() if f}
    total = sum(times.values(), Decimal(0))
    if any(f < 0 or f > 1 for f in times.values()):
        raise DomainError("Time on an activity is between 0 and 100 %.", code="time", field="time")
    if total > 1:
        raise DomainError(
            f"{name}'s time adds up to {total * 100:g} %; a person's time cannot exceed 100 %.",
            code="time_over_100",
            field="time",
        )
    for amount, label in ((salary, "salary"), (employer_ni, "employer_ni"), (pension, "pension")):
        if amount < 0:
            raise DomainError("Enter an amount of 0 or more.", code="negative", field=label)
    with transaction.atomic():
        current = _draft(version, revision)
        if any(a.version_id != current.pk for a in times):
            raise DomainError("That activity is not in this version.", code="wrong_version")
        fields = {"name": name, "salary": salary, "employer_ni": employer_ni, "pension": pension}
        if line is None:
            line = StaffLine.objects.create(
                version=current, order=_next_order(current.staff_lines), **fields
            )
            action = "costing.staff.added"
        else:
            for key, value in fields.items():
                setattr(line, key, value)
            line.save()
            line.times.all().delete()
            action = "costing.staff.updated"
        StaffTime.objects.bulk_create(
            StaffTime(staff_line=line, activity=a, fraction=f) for a, f in times.items()
        )
        _record_change(
            current,
            actor=actor,
            action=action,
            post=name,
            cost=str(line.cost),
            time={a.name: str(f) for a, f in times.items()},
        )
    return line


def remove_staff_line(*, version, actor, line, revision: int | None = None) -> None:
    with transaction.atomic():
        current = _draft(version, revision)
        name = line.name
        line.delete()
        _record_change(current, actor=actor, action="costing.staff.removed", post=name)


def save_direct_cost(
    *,
    version,
    actor,
    line=None,
    name: str,
    category: str,
    amount: Decimal,
    activity,
    revision: int | None = None,
) -> DirectCostLine:
    """Add or change a direct cost. Pass the ``revision`` the person read: a save on top of
    someone else's is refused (code ``edit_conflict``)."""
    if amount < 0:
        raise DomainError("Enter an amount of 0 or more.", code="negative", field="amount")
    with transaction.atomic():
        current = _draft(version, revision)
        if activity.version_id != current.pk:
            raise DomainError("That activity is not in this version.", code="wrong_version")
        fields = {"name": name, "category": category, "amount": amount, "activity": activity}
        if line is None:
            line = DirectCostLine.objects.create(
                version=current, order=_next_order(current.direct_costs), **fields
            )
            action = "costing.cost.added"
        else:
            for key, value in fields.items():
                setattr(line, key, value)
            line.save()
            action = "costing.cost.updated"
        _record_change(
            current,
            actor=actor,
            action=action,
            item=name,
            amount=str(amount),
            activity=activity.name,
        )
    return line


def remove_direct_cost(*, version, actor, line, revision: int | None = None) -> None:
    with transaction.atomic():
        current = _draft(version, revision)
        name = line.name
        line.delete()
        _record_change(current, actor=actor, action="costing.cost.removed", item=name)


def save_pool(
    *,
    version,
    actor,
    pool=None,
    name: str,
    category: str,
    amount: Decimal,
    driver: str,
    denominator: Decimal | None = None,
    revision: int | None = None,
) -> OverheadPool:
    """Add or change an overhead pool. Pass the ``revision`` the person read: a save on top of
    someone else's is refused (code ``edit_conflict``)."""
    if amount < 0:
        raise DomainError("Enter an amount of 0 or more.", code="negative", field="amount")
    if denominator is not None and denominator <= 0:
        raise DomainError(
            "An explicit denominator must be more than 0 (or leave it empty).",
            code="denominator",
            field="denominator",
        )
    with transaction.atomic():
        current = _draft(version, revision)
        fields = {
            "name": name,
            "category": category,
            "amount": amount,
            "driver": driver,
            "denominator": denominator,
        }
        if pool is None:
            pool = OverheadPool.objects.create(
                version=current, order=_next_order(current.pools), **fields
            )
            action = "costing.pool.added"
        else:
            for key, value in fields.items():
                setattr(pool, key, value)
            pool.save()
            action = "costing.pool.updated"
        _record_change(
            current,
            actor=actor,
            action=action,
            pool=name,
            amount=str(amount),
            driver=driver,
            denominator=_text(denominator),
        )
    return pool


def remove_pool(*, version, actor, pool, revision: int | None = None) -> None:
    with transaction.atomic():
        current = _draft(version, revision)
        name = pool.name
        pool.delete()
        _record_change(current, actor=actor, action="costing.pool.removed", pool=name)


def set_driver_values(
    *, version, actor, driver: str, values: dict, revision: int | None = None
) -> None:
    """Floor area or custom values per activity (``values`` maps an activity to a number, or
    to ``None`` to clear it)."""
    if driver not in Driver.entered():
        raise DomainError(
            "Headcount, staff time and expenditure come from the staff and cost lines.",
            code="derived_driver",
            field="driver",
        )
    with transaction.atomic():
        current = _draft(version, revision)
        recorded = {}
        for activity, value in values.items():
            if activity.version_id != current.pk:
                raise DomainError("That activity is not in this version.", code="wrong_version")
            if value is not None and value < 0:
                raise DomainError(
                    f"{Driver(driver).label} for {activity.name} cannot be negative.",
                    code="negative",
                    field=f"activity_{activity.pk}",
                )
            DriverValue.objects.filter(version=current, driver=driver, activity=activity).delete()
            if value is not None:
                DriverValue.objects.create(
                    version=current, driver=driver, activity=activity, value=value
                )
            recorded[activity.name] = _text(value)
        _record_change(
            current, actor=actor, action="costing.drivers.updated", driver=driver, values=recorded
        )
