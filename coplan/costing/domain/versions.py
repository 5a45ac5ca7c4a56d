"""Business actions on cost models: each guards, changes, saves and audits in one transaction.

Only a draft version changes; a locked version is immutable (the tender and the evaluation may
cite it) and only its sharing with the council can be switched on or off.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.partnerships.enums import Role

from .. import calc, queries
from ..enums import ActivityKind, VersionStatus
from ..models import (
    CostActivity,
    CostModel,
    CostModelVersion,
    DirectCostLine,
    DriverValue,
    OverheadPool,
    StaffLine,
    StaffTime,
)
from ..rules import organisations_of

SETTINGS_FIELDS = ("period", "units", "surplus_rate", "basis", "count_unallocated_staff", "notes")


def _record_change(version, *, actor, action: str, **data) -> None:
    """Record a change to ``version``: raise its revision (optimistic locking) and audit it with
    the version's context (its cost model and number first, then ``data``). The two always go
    together, so every audited change to a version comes through here."""
    if version.pk is not None:
        CostModelVersion.objects.filter(pk=version.pk).update(revision=F("revision") + 1)
        version.revision += 1
    audit.log(
        actor=actor,
        action=action,
        obj=version,
        partnership=version.cost_model.partnership,
        data={"cost_model": version.cost_model_id, "version": version.number, **data},
    )


def _draft(version, revision: int | None = None) -> CostModelVersion:
    """The version, re-read and locked for update, if it is still a draft. ``revision`` is the
    version's revision when the person opened it: if anyone changed the version since, the
    save is refused (optimistic locking) instead of overwriting their changes."""
    current = CostModelVersion.objects.select_for_update().get(pk=version.pk)
    if current.status != VersionStatus.DRAFT:
        raise DomainError(
            f"Version {current.number} is locked and cannot change: start a new draft to "
            "change the figures.",
            code="version_locked",
        )
    if revision is not None and revision != current.revision:
        raise DomainError(
            f"Someone else changed version {current.number} after you opened it, so your "
            "changes were not saved (nothing was overwritten). Open it again to see their "
            "changes, then make yours.",
            code="edit_conflict",
            field="revision",
            data={"current_revision": current.revision},
        )
    current.cost_model = version.cost_model
    return current


def _text(value) -> str:
    return "" if value is None else str(value)


# --- models and versions ---------------------------------------------------------------------


def create_cost_model(
    *, partnership, actor, organisation, service: str, unit_name: str = "unit"
) -> CostModel:
    """A new cost model for ``organisation``'s part of ``service``, with an empty draft version 1
    listing the service as its first activity."""
    service = service.strip()
    if not service:
        raise DomainError("Name the service being costed.", code="required", field="service")
    is_enterprise = partnership.memberships.filter(
        role=Role.SE_PARTNER, organisation=organisation
    ).exists()
    if not is_enterprise:
        raise DomainError(
            f"{organisation} is not a social enterprise partner in this partnership.",
            code="not_an_enterprise",
            field="organisation",
        )
    facilitating = partnership.memberships.filter(user=actor, role=Role.FACILITATOR).exists()
    if not facilitating and organisation.pk not in organisations_of(actor, partnership):
        raise DomainError(
            "You can only create cost models for the enterprise you represent.",
            code="not_your_enterprise",
            field="organisation",
        )
    with transaction.atomic():
        if CostModel.objects.filter(
            partnership=partnership, organisation=organisation, service__iexact=service
        ).exists():
            raise DomainError(
                f"{organisation} already has a cost model for {service}.",
                code="duplicate",
                field="service",
            )
        model = CostModel.objects.create(
            partnership=partnership,
            organisation=organisation,
            service=service,
            unit_name=unit_name.strip() or "unit",
            created_by=actor,
        )
        version = CostModelVersion.objects.create(cost_model=model, number=1, created_by=actor)
        version.cost_model = model
        CostActivity.objects.create(version=version, name=service, kind=ActivityKind.PROJECT)
        audit.log(
            actor=actor,
            action="costing.model.created",
            obj=model,
            partnership=partnership,
            data={"organisation": organisation.name, "service": service},
        )
    return model


def update_cost_model(*, model, actor, unit_name: str) -> CostModel:
    with transaction.atomic():
        before = model.unit_name
        model.unit_name = unit_name.strip() or "unit"
        model.save(update_fields=["unit_name"])
        audit.log(
            actor=actor,
            action="costing.model.updated",
            obj=model,
            partnership=model.partnership,
            data={"unit_name": [before, model.unit_name]},
        )
    return model


def update_settings(*, version, actor, revision: int | None = None, **values) -> dict:
    """Change the units, surplus rate, denominator choice, period or notes of a draft.

    Pass the ``revision`` the person read: a save on top of someone else's is refused."""
    with transaction.atomic():
        current = _draft(version, revision)
        changed = {}
        for name, value in values.items():
            if name not in SETTINGS_FIELDS:
                raise DomainError(
                    f"{name} cannot be changed here.", code="not_editable", field=name
                )
            if getattr(current, name) != value:
                changed[name] = [_text(getattr(current, name)), _text(value)]
                setattr(current, name, value)
        if "units" in values and (values["units"] is None or values["units"] <= 0):
            raise DomainError("Units of service must be more than 0.", code="units", field="units")
        if "surplus_rate" in values and values["surplus_rate"] < 0:
            raise DomainError(
                "The surplus cannot be negative.", code="surplus_rate", field="surplus_rate"
            )
        if changed:
            current.save()
            _record_change(current, actor=actor, action="costing.version.updated", changed=changed)
    version.refresh_from_db()
    return changed


def lock_version(*, version, actor) -> calc.Result:
    """Lock a draft: the figures must pass every check; they are recorded and never change."""
    with transaction.atomic():
        current = _draft(version)
        loaded = queries.full_version(current)
        loaded.cost_model = version.cost_model
        try:
            result = calc.calculate(queries.inputs_for(loaded))
        except calc.CalcError as error:
            raise DomainError(
                "The model cannot be locked until it adds up: "
                + " ".join(e.message for e in error.errors),
                code="model_invalid",
                data={"errors": [e.__dict__ for e in error.errors]},
            ) from None
        if not result.passed:
            failed = [c.label for c in result.checks if not c.passed]
            raise DomainError(
                "The model cannot be locked: " + "; ".join(failed) + ".", code="checks_failed"
            )
        current.status = VersionStatus.LOCKED
        current.locked_at = clock.now()
        current.locked_by = actor
        current.snapshot = queries.snapshot(result)
        current.save(update_fields=["status", "locked_at", "locked_by", "snapshot", "updated_at"])
        _record_change(
            current, actor=actor, action="costing.version.locked", figures=current.snapshot
        )
    version.refresh_from_db()
    return result


def share_version(*, version, actor, shared: bool = True) -> CostModelVersion:
    """Share a locked version with the council (or stop sharing it)."""
    with transaction.atomic():
        current = CostModelVersion.objects.select_for_update().get(pk=version.pk)
        if current.status != VersionStatus.LOCKED:
            raise DomainError(
                "Lock the version before sharing it: the council only sees figures that no "
                "longer change.",
                code="not_locked",
            )
        if shared == current.is_shared:
            return current
        current.shared_at = clock.now() if shared else None
        current.shared_by = actor if shared else None
        current.save(update_fields=["shared_at", "shared_by", "updated_at"])
        current.cost_model = version.cost_model
        _record_change(
            current,
            actor=actor,
            action="costing.version.shared" if shared else "costing.version.unshared",
        )
    version.refresh_from_db()
    return current


def new_draft(*, model, actor) -> CostModelVersion:
    """Start the next version as a copy of the newest one."""
    with transaction.atomic():
        CostModel.objects.select_for_update().get(pk=model.pk)
        if model.versions.filter(status=VersionStatus.DRAFT).exists():
            raise DomainError(
                "This model already has a draft: change that one, or lock it first.",
                code="draft_exists",
            )
        latest = model.versions.order_by("-number").first()
        number = (model.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = CostModelVersion.objects.create(
            cost_model=model,
            number=number,
            created_by=actor,
            **{name: getattr(latest, name) for name in SETTINGS_FIELDS},
        )
        version.cost_model = model
        _copy_lines(latest, version)
        _record_change(
            version, actor=actor, action="costing.version.created", copied_from=latest.number
        )
    return version


def _copy_lines(source, target) -> None:
    activities = {}
    for activity in source.activities.all():
        activities[activity.pk] = CostActivity.objects.create(
            version=target, name=activity.name, kind=activity.kind, order=activity.order
        )
    for line in source.staff_lines.prefetch_related("times"):
        new = StaffLine.objects.create(
            version=target,
            name=line.name,
            salary=line.salary,
            employer_ni=line.employer_ni,
            pension=line.pension,
            order=line.order,
        )
        StaffTime.objects.bulk_create(
            StaffTime(staff_line=new, activity=activities[t.activity_id], fraction=t.fraction)
            for t in line.times.all()
        )
    DirectCostLine.objects.bulk_create(
        DirectCostLine(
            version=target,
            name=c.name,
            category=c.category,
            amount=c.amount,
            activity=activities[c.activity_id],
            order=c.order,
        )
        for c in source.direct_costs.all()
    )
    OverheadPool.objects.bulk_create(
        OverheadPool(
            version=target,
            name=p.name,
            category=p.category,
            amount=p.amount,
            driver=p.driver,
            denominator=p.denominator,
            order=p.order,
        )
        for p in source.pools.all()
    )
    DriverValue.objects.bulk_create(
        DriverValue(
            version=target, driver=v.driver, activity=activities[v.activity_id], value=v.value
        )
        for v in source.driver_values.all()
    )


# --- replacing a draft's contents (the workbook import) ---------------------------------------


@dataclass
class Contents:
    """Everything in a version, as plain values (what a workbook holds)."""

    activities: list[tuple[str, str]] = field(default_factory=list)  # (name, kind)
    staff: list[dict] = field(default_factory=list)  # name, salary, employer_ni, pension, time
    direct_costs: list[dict] = field(default_factory=list)  # name, category, amount, activity
    pools: list[dict] = field(default_factory=list)  # name, category, amount, driver, denominator
    drivers: dict = field(default_factory=dict)  # driver → {activity name: value}
    settings: dict = field(default_factory=dict)  # SETTINGS_FIELDS values


def replace_contents(*, model, actor, contents: Contents, source: str = "") -> CostModelVersion:
    """Write ``contents`` into the model's draft (starting one if there is none), replacing
    everything in it. The caller has validated ``contents``; this writes all or nothing."""
    with transaction.atomic():
        draft = model.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is None:
            draft = new_draft(model=model, actor=actor)
        version = _draft(draft)
        version.cost_model = model
        version.activities.all().delete()  # cascades to times, direct costs, driver values
        version.staff_lines.all().delete()
        version.pools.all().delete()
        for name, value in contents.settings.items():
            if name in SETTINGS_FIELDS:
                setattr(version, name, value)
        version.save()
        activities = {}
        for order, (name, kind) in enumerate(contents.activities, start=1):
            activities[name] = CostActivity.objects.create(
                version=version, name=name, kind=kind, order=order
            )
        for order, person in enumerate(contents.staff, start=1):
            line = StaffLine.objects.create(
                version=version,
                name=person["name"],
                salary=person["salary"],
                employer_ni=person["employer_ni"],
                pension=person["pension"],
                order=order,
            )
            StaffTime.objects.bulk_create(
                StaffTime(staff_line=line, activity=activities[a], fraction=f)
                for a, f in person["time"].items()
                if f
            )
        DirectCostLine.objects.bulk_create(
            DirectCostLine(
                version=version,
                name=c["name"],
                category=c["category"],
                amount=c["amount"],
                activity=activities[c["activity"]],
                order=order,
            )
            for order, c in enumerate(contents.direct_costs, start=1)
        )
        OverheadPool.objects.bulk_create(
            OverheadPool(version=version, order=order, **p)
            for order, p in enumerate(contents.pools, start=1)
        )
        DriverValue.objects.bulk_create(
            DriverValue(version=version, driver=driver, activity=activities[a], value=v)
            for driver, values in contents.drivers.items()
            for a, v in values.items()
        )
        _record_change(
            version,
            actor=actor,
            action="costing.version.imported",
            source=source,
            activities=len(contents.activities),
            staff=len(contents.staff),
            direct_costs=len(contents.direct_costs),
            pools=len(contents.pools),
        )
    return version
