"""The pilot itself: dates (docs/timeline.md, T2), funding, services, providers and extensions."""

import datetime as dt

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.partnerships import domain as partnership_domain
from coplan.partnerships.enums import Role
from coplan.partnerships.timeline import CONVENTION, check_timeline

from .. import rollups
from ..enums import ExtensionStatus
from ..models import DeliveryRecord, Kpi, Pilot, PilotExtension, PilotProvider, PilotService

PILOT_FIELDS = (
    "title",
    "description",
    "starts_on",
    "ends_on",
    "funding_amount",
    "funding_route",
    "funding_notes",
)


def check_pilot_dates(starts_on: dt.date, ends_on: dt.date, *, field: str = "ends_on") -> int:
    """The pilot's whole calendar months; refuses a pilot under six months (docs/timeline.md,
    T2), saying the rule and the earliest end date that would do."""
    if ends_on < starts_on:
        raise DomainError(
            "The pilot must end after it starts.", code="pilot_ends_before_start", field=field
        )
    check = check_timeline(
        started_on=None, tender_on=None, pilot_start=starts_on, pilot_end=ends_on
    )
    error = next((f for f in check.errors if f.code == "pilot_under_6_months"), None)
    if error:
        raise DomainError(
            f"{error.message} {CONVENTION}",
            code="pilot_under_6_months",
            field=field,
            data={"months": check.pilot_months, "rule": CONVENTION},
        )
    return check.pilot_months


def _sync_timeline(pilot: Pilot, actor) -> None:
    """The partnership's timeline shows the pilot's dates: the stage gates read them."""
    partnership = pilot.partnership
    end = pilot.effective_ends_on
    if partnership.pilot_starts_on != pilot.starts_on or partnership.pilot_ends_on != end:
        partnership_domain.update_timeline(
            partnership=partnership,
            actor=actor,
            pilot_starts_on=pilot.starts_on,
            pilot_ends_on=end,
        )


def _partner_organisations(partnership):
    return set(
        partnership.memberships.filter(role=Role.SE_PARTNER)
        .exclude(organisation=None)
        .values_list("organisation_id", flat=True)
    )


def create_pilot(*, partnership, actor, services=(), providers=(), **fields) -> Pilot:
    """Create the partnership's pilot. ``services``: (name, unit) pairs; ``providers``:
    organisations, which must be social enterprise partners in the partnership."""
    if Pilot.objects.filter(partnership=partnership).exists():
        raise DomainError("This partnership already has a pilot.", code="pilot_exists")
    check_pilot_dates(fields["starts_on"], fields["ends_on"])
    with transaction.atomic():
        pilot = Pilot(partnership=partnership, **fields)
        pilot.full_clean()
        pilot.save()
        for position, (name, unit) in enumerate(services):
            PilotService.objects.create(pilot=pilot, name=name, unit=unit, position=position)
        for organisation in providers:
            _add_provider(pilot, organisation)
        audit.log(
            actor=actor,
            action="pilots.pilot.created",
            obj=pilot,
            partnership=partnership,
            data={
                "title": pilot.title,
                "starts_on": pilot.starts_on,
                "ends_on": pilot.ends_on,
                "services": [name for name, _ in services],
                "providers": [str(o) for o in providers],
            },
        )
        _sync_timeline(pilot, actor)
    return pilot


def update_pilot(*, pilot: Pilot, actor, **values) -> dict:
    with transaction.atomic():
        locked = Pilot.objects.select_for_update().select_related("partnership").get(pk=pilot.pk)
        before = {f: getattr(locked, f) for f in PILOT_FIELDS}
        for name, value in values.items():
            if name not in PILOT_FIELDS:
                raise DomainError(f"{name} cannot be changed here.", code="not_editable")
            setattr(locked, name, value)
        check_pilot_dates(locked.starts_on, locked.ends_on)
        stopped = locked.stopped_on
        if stopped and not locked.starts_on <= stopped < locked.effective_ends_on:
            raise DomainError(
                f"The pilot was stopped on {stopped:%d %B %Y}: it must start on or before "
                "that day and end after it.",
                code="stop_outside_pilot",
                field="ends_on",
            )
        if locked.extended_to and locked.extended_to <= locked.ends_on:
            locked.extended_to = None
        first = DeliveryRecord.objects.filter(pilot=locked).order_by("delivered_on").first()
        last = DeliveryRecord.objects.filter(pilot=locked).order_by("-delivered_on").first()
        if first and first.delivered_on < locked.starts_on:
            raise DomainError(
                f"Delivery records start on {first.delivered_on:%d %B %Y}: the pilot cannot "
                "start later than its first record.",
                code="records_outside_pilot",
                field="starts_on",
            )
        if last and last.delivered_on > locked.effective_ends_on:
            raise DomainError(
                f"Delivery records run to {last.delivered_on:%d %B %Y}: the pilot cannot end "
                "before its last record.",
                code="records_outside_pilot",
                field="ends_on",
            )
        locked.full_clean()
        changed = {
            f: [str(before[f]), str(getattr(locked, f))]
            for f in PILOT_FIELDS
            if before[f] != getattr(locked, f)
        }
        if changed:
            locked.save()
            rollups.touch(locked.pk)
            audit.log(
                actor=actor,
                action="pilots.pilot.updated",
                obj=locked,
                partnership=locked.partnership,
                data={"changed": changed},
            )
            _sync_timeline(locked, actor)
    pilot.refresh_from_db()
    return changed


def save_service(*, pilot: Pilot, actor, service: PilotService | None = None, **fields):
    with transaction.atomic():
        created = service is None
        service = service or PilotService(pilot=pilot)
        for name, value in fields.items():
            setattr(service, name, value)
        if created:
            service.position = pilot.services.count()
        clash = pilot.services.filter(name__iexact=service.name).exclude(pk=service.pk).exists()
        if clash:
            raise DomainError(
                f"The pilot already has a service called “{service.name}”.",
                code="duplicate_service",
                field="name",
            )
        service.full_clean()
        service.save()
        rollups.touch(pilot.pk)
        audit.log(
            actor=actor,
            action="pilots.service.created" if created else "pilots.service.updated",
            obj=service,
            partnership=pilot.partnership,
            data={"name": service.name, "unit": service.unit},
        )
    return service


def _guard_unused(pilot, *, service=None, organisation=None) -> None:
    records = DeliveryRecord.objects.filter(pilot=pilot)
    kpis = Kpi.objects.filter(pilot=pilot)
    if service is not None:
        records, kpis = records.filter(service=service), kpis.filter(filter_service=service)
        what = f"the service “{service.name}”"
    else:
        records = records.filter(provider=organisation)
        kpis = kpis.filter(filter_provider=organisation)
        what = f"{organisation}"
    if records.exists():
        raise DomainError(
            f"Delivery records exist for {what}: revert or delete them first.", code="in_use"
        )
    if kpis.exists():
        raise DomainError(f"A KPI is filtered on {what}: change that KPI first.", code="in_use")


def remove_service(*, service: PilotService, actor) -> None:
    pilot = service.pilot
    with transaction.atomic():
        _guard_unused(pilot, service=service)
        audit.log(
            actor=actor,
            action="pilots.service.removed",
            obj=service,
            partnership=pilot.partnership,
            data={"name": service.name},
        )
        service.delete()
        rollups.touch(pilot.pk)


def _add_provider(pilot, organisation) -> PilotProvider:
    if organisation.pk not in _partner_organisations(pilot.partnership):
        raise DomainError(
            f"{organisation} is not a social enterprise partner in this partnership: invite "
            "them on the members page first.",
            code="not_a_partner",
            field="organisation",
        )
    provider, _ = PilotProvider.objects.get_or_create(pilot=pilot, organisation=organisation)
    return provider


def add_provider(*, pilot: Pilot, actor, organisation) -> PilotProvider:
    with transaction.atomic():
        provider = _add_provider(pilot, organisation)
        rollups.touch(pilot.pk)
        audit.log(
            actor=actor,
            action="pilots.provider.added",
            obj=provider,
            partnership=pilot.partnership,
            data={"organisation": str(organisation)},
        )
    return provider


def remove_provider(*, provider: PilotProvider, actor) -> None:
    pilot = provider.pilot
    with transaction.atomic():
        _guard_unused(pilot, organisation=provider.organisation)
        audit.log(
            actor=actor,
            action="pilots.provider.removed",
            obj=provider,
            partnership=pilot.partnership,
            data={"organisation": str(provider.organisation)},
        )
        provider.delete()
        rollups.touch(pilot.pk)


def request_extension(*, pilot: Pilot, actor, new_ends_on: dt.date, reason: str):
    if pilot.stopped_on:
        raise DomainError(
            f"The pilot was stopped on {pilot.stopped_on:%d %B %Y}: it cannot be extended.",
            code="pilot_stopped",
            field="new_ends_on",
        )
    if new_ends_on <= pilot.effective_ends_on:
        raise DomainError(
            f"An extension must end after the pilot's current end "
            f"({pilot.effective_ends_on:%d %B %Y}).",
            code="extension_not_later",
            field="new_ends_on",
        )
    if not reason.strip():
        raise DomainError("Say why the pilot needs longer.", code="reason_required", field="reason")
    with transaction.atomic():
        extension = PilotExtension.objects.create(
            pilot=pilot, new_ends_on=new_ends_on, reason=reason, requested_by=actor
        )
        audit.log(
            actor=actor,
            action="pilots.extension.requested",
            obj=extension,
            partnership=pilot.partnership,
            data={"new_ends_on": new_ends_on, "reason": reason},
        )
    return extension


def decide_extension(*, extension: PilotExtension, actor, approve: bool, note: str = ""):
    """The commissioner approves or refuses; an approval moves the pilot's end date (and the
    partnership's timeline) in the same transaction."""
    with transaction.atomic():
        extension = PilotExtension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionStatus.PROPOSED:
            raise DomainError("This extension has already been decided.", code="already_decided")
        pilot = (
            Pilot.objects.select_for_update()
            .select_related("partnership")
            .get(pk=extension.pilot_id)
        )
        if approve and extension.new_ends_on <= pilot.effective_ends_on:
            raise DomainError("The pilot already runs past this date.", code="extension_not_later")
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        extension.decided_by = actor
        extension.decided_at = clock.now()
        extension.decision_note = note
        extension.save()
        if approve:
            pilot.extended_to = extension.new_ends_on
            pilot.save(update_fields=["extended_to", "updated_at"])
            rollups.touch(pilot.pk)
            _sync_timeline(pilot, actor)
        audit.log(
            actor=actor,
            action=f"pilots.extension.{extension.status}",
            obj=extension,
            partnership=pilot.partnership,
            data={"new_ends_on": extension.new_ends_on, "note": note},
        )
    return extension


def _latest(related, field: str) -> dt.date | None:
    return related.order_by(f"-{field}").values_list(field, flat=True).first()


def stop_pilot(*, pilot: Pilot, actor, stopped_on: dt.date, reason: str) -> Pilot:
    """Record that the pilot stopped early: ``stopped_on`` is its last day, so no delivery
    record or feedback may come later. Run again to correct the date or the reason."""
    if not reason.strip():
        raise DomainError(
            "Say why the pilot stopped early.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        locked = Pilot.objects.select_for_update().select_related("partnership").get(pk=pilot.pk)
        first, end = locked.starts_on, locked.effective_ends_on
        if not first <= stopped_on < end:
            raise DomainError(
                f"A pilot stops early on a day from its start ({first:%d %B %Y}) to before its "
                f"planned end ({end:%d %B %Y}).",
                code="stop_outside_pilot",
                field="stopped_on",
            )
        if stopped_on > clock.today():
            raise DomainError(
                "The date cannot be in the future: record the stop once it has happened.",
                code="future_date",
                field="stopped_on",
            )
        for what, latest in (
            ("Delivery records", _latest(locked.records, "delivered_on")),
            ("Feedback", _latest(locked.feedback, "received_on")),
        ):
            if latest and latest > stopped_on:
                raise DomainError(
                    f"{what} run to {latest:%d %B %Y}, after {stopped_on:%d %B %Y}: the pilot "
                    "cannot stop before them. Correct or remove them first.",
                    code="records_outside_pilot",
                    field="stopped_on",
                )
        before = [str(locked.stopped_on or ""), locked.stop_reason]
        locked.stopped_on = stopped_on
        locked.stop_reason = reason.strip()
        locked.save(update_fields=["stopped_on", "stop_reason", "updated_at"])
        rollups.touch(locked.pk)
        audit.log(
            actor=actor,
            action="pilots.pilot.stopped",
            obj=locked,
            partnership=locked.partnership,
            data={"stopped_on": stopped_on, "reason": locked.stop_reason, "before": before},
        )
    pilot.refresh_from_db()
    return pilot
