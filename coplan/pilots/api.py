"""Pilots API: the same domain functions, permission rules and rollup-backed reads as the pages.

Paths are written in full (the router is mounted at the API root). Errors are problem bodies.
"""

import datetime as dt
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja import Status as Respond
from ninja.pagination import LimitOffsetPagination, paginate

from coplan.core.dates import months_inclusive
from coplan.core.errors import DomainError
from coplan.core.models import Organisation, User
from coplan.core.schemas import PatchSchema
from coplan.design.models import Requirement
from coplan.partnerships.queries import get_for

from . import dashboard, domain, importer, queries, rules, tasks
from .enums import (
    Aggregation,
    BatchStatus,
    ConditionField,
    Direction,
    Disclosure,
    EvaluationKind,
    FeedbackChannel,
    Frequency,
    Measure,
    Method,
    Op,
    Severity,
)
from .models import (
    DeliveryRecord,
    Evaluation,
    EvaluationResult,
    ImportBatch,
    Kpi,
    Pilot,
    PilotExtension,
    PilotIssue,
    PilotService,
)

router = Router(tags=["pilots"])
BASE = "/partnerships/{int:pk}/pilot"


def _pilot(request, pk, perm="pilots.view_pilot"):
    return queries.get_pilot(request.user, pk, perm)


def _require(request, partnership, perm, message):
    if not request.user.has_perm(perm, partnership):
        raise PermissionDenied(message)


# --- schemas ---------------------------------------------------------------------------------


class PilotRef(Schema):
    id: int
    name: str


class PilotServiceOut(Schema):
    id: int
    name: str
    unit: str
    description: str


class PilotServiceIn(Schema):
    name: str
    unit: str
    description: str = ""


class ExtensionOut(Schema):
    id: int
    new_ends_on: dt.date
    reason: str
    status: str
    decision_note: str
    decided_at: dt.datetime | None


class ExtensionIn(Schema):
    new_ends_on: dt.date
    reason: str


class PilotDecisionIn(Schema):
    approve: bool
    note: str = ""


class PilotOut(Schema):
    id: int
    partnership_id: int
    title: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    effective_ends_on: dt.date
    months: int
    status: str
    funding_amount: Decimal | None = None  # None also for roles that do not see costs
    funding_route: str | None = None  # likewise
    services: list[PilotServiceOut]
    providers: list[PilotRef]
    extensions: list[ExtensionOut]
    stopped_on: dt.date | None = None
    stop_reason: str = ""


class StopIn(Schema):
    stopped_on: dt.date
    reason: str


class PilotIn(Schema):
    title: str
    description: str = ""
    starts_on: dt.date
    ends_on: dt.date
    funding_amount: Decimal | None = None
    funding_route: str = ""
    funding_notes: str = ""
    services: list[PilotServiceIn] = []
    provider_ids: list[int] = []


class PilotPatch(PatchSchema):
    django_model = Pilot

    title: str | None = None
    description: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    funding_amount: Decimal | None = None
    funding_route: str | None = None
    funding_notes: str | None = None


def _pilot_out(pilot, show_costs: bool) -> dict:
    return {
        "id": pilot.pk,
        "partnership_id": pilot.partnership_id,
        "title": pilot.title,
        "description": pilot.description,
        "starts_on": pilot.starts_on,
        "ends_on": pilot.ends_on,
        "effective_ends_on": pilot.effective_ends_on,
        "months": months_inclusive(pilot.starts_on, pilot.effective_ends_on),
        "status": pilot.status.value,
        "funding_amount": pilot.funding_amount if show_costs else None,
        "funding_route": pilot.funding_route if show_costs else None,
        "services": list(pilot.services.all()),
        "providers": [
            {"id": p.organisation_id, "name": p.organisation.name}
            for p in pilot.providers.select_related("organisation")
        ],
        "extensions": list(pilot.extensions.all()),
        "stopped_on": pilot.stopped_on,
        "stop_reason": pilot.stop_reason,
    }


class KpiOut(Schema):
    """A KPI of the monitoring framework. For a KPI about money (its unit is £, or it measures
    or filters on cost), roles that do not see costs get no figures: ``baseline``, ``target``
    and ``condition_value`` are null."""

    id: int
    name: str
    definition: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    direction: Direction
    amber_tolerance: Decimal
    frequency: Frequency
    source: str
    method: Method
    aggregation: str
    measure: str
    filter_service_id: int | None
    filter_provider_id: int | None
    filter_outcomes: str
    condition_field: str
    condition_op: str
    condition_value: str | None
    requirement_id: int | None
    requirement_key: str


def _kpi_out(kpi, hidden: set[int]):
    """``kpi`` as the API answers it: without its figures when they are ``hidden``."""
    if kpi.pk not in hidden:
        return kpi
    data = {name: getattr(kpi, name) for name in KpiOut.model_fields}
    return data | {"baseline": None, "target": None, "condition_value": None}


class KpiIn(Schema):
    name: str
    definition: str
    unit: str
    baseline: Decimal | None = None
    baseline_note: str = ""
    target: Decimal
    direction: Direction = Direction.HIGHER
    amber_tolerance: Decimal = Decimal(10)
    frequency: Frequency = Frequency.MONTHLY
    source: str
    method: Method = Method.RECORDS
    aggregation: Aggregation | None = None
    measure: Measure | None = None
    filter_service_id: int | None = None
    filter_provider_id: int | None = None
    filter_outcomes: str = ""
    condition_field: ConditionField | None = None
    condition_op: Op | None = None
    condition_value: str = ""
    requirement_id: int | None = None
    requirement_key: str = ""


class KpiPatch(PatchSchema):
    django_model = Kpi

    name: str | None = None
    definition: str | None = None
    unit: str | None = None
    baseline: Decimal | None = None
    baseline_note: str | None = None
    target: Decimal | None = None
    direction: Direction | None = None
    amber_tolerance: Decimal | None = None
    frequency: Frequency | None = None
    source: str | None = None
    method: Method | None = None
    aggregation: Aggregation | None = None
    measure: Measure | None = None
    filter_outcomes: str | None = None
    condition_field: ConditionField | None = None
    condition_op: Op | None = None
    condition_value: str | None = None
    requirement_key: str | None = None


class KpiValueIn(Schema):
    period: dt.date
    value: Decimal
    note: str = ""


class KpiValueOut(Schema):
    id: int
    period: dt.date
    value: Decimal
    note: str


class RecordOut(Schema):
    id: int
    service_id: int
    provider_id: int
    batch_id: int | None
    delivered_on: dt.date
    quantity: Decimal
    unit: str
    cost: Decimal
    client_ref: str
    referred_on: dt.date | None
    wait_days: int | None
    wait_working_days: int | None
    satisfaction: int | None
    outcome_code: str
    extra: dict


class RecordIn(Schema):
    service_id: int
    provider_id: int
    delivered_on: dt.date
    quantity: Decimal
    unit: str = ""
    cost: Decimal
    client_id: str = ""
    referred_on: dt.date | None = None
    satisfaction: int | None = None
    outcome_code: str = ""
    extra: dict = {}


class RecordPatch(PatchSchema):
    django_model = DeliveryRecord

    service_id: int | None = None
    provider_id: int | None = None
    delivered_on: dt.date | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    cost: Decimal | None = None
    client_id: str | None = None
    referred_on: dt.date | None = None
    satisfaction: int | None = None
    outcome_code: str | None = None


class CellErrorOut(Schema):
    row: int
    column: int
    header: str = ""
    value: str = ""
    message: str


class BatchOut(Schema):
    id: int
    filename: str
    size: int
    sha256: str
    format: str
    columns: list[str]
    status: BatchStatus
    mapping: dict
    estimated_rows: int
    processed_rows: int
    total_rows: int
    imported_rows: int
    percent: int
    error_count: int
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    reverted_at: dt.datetime | None


class MappingIn(Schema):
    columns: dict[str, int] = {}
    fixed: dict[str, int] = {}
    extra: list[int] = []


class RevertIn(Schema):
    reason: str


class PointOut(Schema):
    period: dt.date
    label: str
    value: Decimal | None
    rag: str


class KpiResultOut(Schema):
    kpi_id: int
    name: str
    unit: str
    target: Decimal
    direction: str
    latest: PointOut | None
    to_date: Decimal | None
    rag: str
    points: list[PointOut]


class DashboardOut(Schema):
    pilot_id: int
    month: dt.date | None
    service_id: int | None
    provider_id: int | None
    records: int
    kpis: list[KpiResultOut]
    volumes: list[dict]
    unit_costs: list[dict] | None
    satisfaction: list[dict]
    feedback: list[dict]
    rag_counts: dict


class FeedbackIn(Schema):
    rating: int
    comment: str = ""
    anonymous: bool = False
    service_id: int | None = None
    provider_id: int | None = None
    channel: FeedbackChannel = FeedbackChannel.ONLINE
    received_on: dt.date | None = None


class FeedbackOut(Schema):
    id: int
    rating: int
    comment: str
    anonymous: bool
    service_id: int | None
    provider_id: int | None
    channel: str
    received_on: dt.date
    response: str


class IssueIn(Schema):
    title: str
    description: str = ""
    severity: Severity = Severity.MEDIUM
    owner_id: int | None = None
    service_id: int | None = None
    provider_id: int | None = None
    raised_on: dt.date | None = None


class IssuePatch(PatchSchema):
    django_model = PilotIssue

    title: str | None = None
    description: str | None = None
    severity: Severity | None = None
    owner_id: int | None = None
    resolution: str | None = None
    resolved_on: dt.date | None = None


class IssueOut(Schema):
    id: int
    title: str
    description: str
    severity: str
    owner_id: int | None
    service_id: int | None
    provider_id: int | None
    raised_on: dt.date
    resolution: str
    resolved_on: dt.date | None


class PilotResultOut(Schema):
    id: int
    kind: str
    label: str
    kpi_id: int | None
    service_id: int | None
    provider_id: int | None
    value: Decimal | None
    unit: str
    target: Decimal | None
    rag: str
    basis: str = Field(
        description="How the value and status were reached: a KPI is judged on its full months "
        "or quarters, e.g. 'Target met in 3 of 9 full months; best 3,942, worst 2,913; a month "
        "on average 3,512.'"
    )
    commentary: str
    disclosure: Disclosure
    disclosure_reason: str


class PilotEvaluationOut(Schema):
    id: int
    kind: EvaluationKind
    title: str
    period_start: dt.date
    period_end: dt.date
    summary: str
    feedback_summary: str
    lessons: str
    proposed_changes: str
    approved_on: dt.date | None
    approval_note: str
    disclosure: Disclosure
    disclosure_reason: str
    results: list[PilotResultOut] = []


class EvaluationIn(Schema):
    kind: EvaluationKind
    period_start: dt.date
    period_end: dt.date
    title: str = ""
    summary: str = ""
    feedback_summary: str = ""
    lessons: str = ""
    proposed_changes: str = ""


class ApproveIn(Schema):
    approved_on: dt.date | None = None
    note: str = ""


class ClassifyItem(Schema):
    result_id: int | None = None  # None: the report as a whole
    disclosure: Disclosure
    reason: str = ""


# --- the pilot -----------------------------------------------------------------------------


@router.get(BASE, response=PilotOut)
def get_pilot(request, pk: int):
    """The partnership's pilot: dates (at least 6 whole months), funding, services, providers."""
    partnership, pilot = _pilot(request, pk)
    return _pilot_out(pilot, request.user.has_perm("pilots.view_costs", partnership))


@router.post(BASE, response={201: PilotOut})
def create_pilot(request, pk: int, payload: PilotIn):
    partnership = get_for(request.user, pk, "pilots.manage_pilot")
    data = payload.dict()
    services = [(s["name"], s["unit"]) for s in data.pop("services")]
    provider_ids = data.pop("provider_ids")
    providers = list(Organisation.objects.filter(pk__in=provider_ids))
    if len(providers) != len(set(provider_ids)):
        raise DomainError(
            "Unknown provider organisation.", code="unknown_organisation", field="provider_ids"
        )
    pilot = domain.create_pilot(
        partnership=partnership, actor=request.user, services=services, providers=providers, **data
    )
    return Respond(201, _pilot_out(pilot, True))


@router.patch(BASE, response=PilotOut)
def update_pilot(request, pk: int, payload: PilotPatch):
    _partnership, pilot = _pilot(request, pk, "pilots.manage_pilot")
    domain.update_pilot(pilot=pilot, actor=request.user, **payload.dict(exclude_unset=True))
    return _pilot_out(pilot, True)


@router.get(BASE + "/services", response=list[PilotServiceOut])
def list_services(request, pk: int):
    _, pilot = _pilot(request, pk)
    return list(pilot.services.all())


@router.post(BASE + "/services", response={201: PilotServiceOut})
def add_service(request, pk: int, payload: PilotServiceIn):
    _, pilot = _pilot(request, pk, "pilots.manage_pilot")
    return Respond(201, domain.save_service(pilot=pilot, actor=request.user, **payload.dict()))


@router.post(BASE + "/extensions", response={201: ExtensionOut})
def request_extension(request, pk: int, payload: ExtensionIn):
    _, pilot = _pilot(request, pk, "pilots.manage_pilot")
    return Respond(201, domain.request_extension(pilot=pilot, actor=request.user, **payload.dict()))


@router.post(BASE + "/stop", response=PilotOut)
def stop_pilot(request, pk: int, payload: StopIn):
    """The commissioner records that the pilot stopped early (again, to correct it)."""
    _, pilot = _pilot(request, pk, "pilots.stop_pilot")
    pilot = domain.stop_pilot(
        pilot=pilot, actor=request.user, stopped_on=payload.stopped_on, reason=payload.reason
    )
    return _pilot_out(pilot, request.user.has_perm("pilots.view_costs", pilot.partnership))


@router.post(BASE + "/extensions/{int:extension_id}/decision", response=ExtensionOut)
def decide_extension(request, pk: int, extension_id: int, payload: PilotDecisionIn):
    """The commissioner approves or refuses an extension."""
    _, pilot = _pilot(request, pk, "pilots.approve_extension")
    extension = get_object_or_404(PilotExtension, pilot=pilot, pk=extension_id)
    return domain.decide_extension(
        extension=extension, actor=request.user, approve=payload.approve, note=payload.note
    )


# --- KPIs ----------------------------------------------------------------------------------


def _kpi_fields(pilot, data: dict) -> dict:
    fields = {
        k: (
            ""
            if v is None and k in ("aggregation", "measure", "condition_field", "condition_op")
            else v
        )
        for k, v in data.items()
    }
    if "filter_service_id" in fields:
        value = fields.pop("filter_service_id")
        fields["filter_service"] = (
            get_object_or_404(PilotService, pilot=pilot, pk=value) if value else None
        )
    if "filter_provider_id" in fields:
        value = fields.pop("filter_provider_id")
        fields["filter_provider"] = get_object_or_404(Organisation, pk=value) if value else None
    if "requirement_id" in fields:
        value = fields.pop("requirement_id")
        fields["requirement"] = None
        if value:
            fields["requirement"] = get_object_or_404(
                Requirement, pk=value, version__partnership=pilot.partnership
            )
    return fields


@router.get(BASE + "/kpis", response=list[KpiOut])
def list_kpis(request, pk: int):
    """The monitoring framework."""
    partnership, pilot = _pilot(request, pk)
    kpis = list(Kpi.objects.filter(pilot=pilot))
    hidden = rules.hidden_kpis(request.user, partnership, kpis)
    return [_kpi_out(kpi, hidden) for kpi in kpis]


@router.post(BASE + "/kpis", response={201: KpiOut})
def create_kpi(request, pk: int, payload: KpiIn):
    _, pilot = _pilot(request, pk, "pilots.manage_kpis")
    fields = _kpi_fields(pilot, payload.dict())
    return Respond(201, domain.save_kpi(pilot=pilot, actor=request.user, **fields))


@router.get(BASE + "/kpis/{int:kpi_id}", response=KpiOut)
def get_kpi(request, pk: int, kpi_id: int):
    partnership, pilot = _pilot(request, pk)
    kpi = get_object_or_404(Kpi, pilot=pilot, pk=kpi_id)
    return _kpi_out(kpi, rules.hidden_kpis(request.user, partnership, [kpi]))


@router.patch(BASE + "/kpis/{int:kpi_id}", response=KpiOut)
def update_kpi(request, pk: int, kpi_id: int, payload: KpiPatch):
    _, pilot = _pilot(request, pk, "pilots.manage_kpis")
    kpi = get_object_or_404(Kpi, pilot=pilot, pk=kpi_id)
    fields = _kpi_fields(pilot, payload.dict(exclude_unset=True))
    return domain.save_kpi(pilot=pilot, actor=request.user, kpi=kpi, **fields)


@router.post(BASE + "/kpis/{int:kpi_id}/values", response={201: KpiValueOut})
def enter_kpi_value(request, pk: int, kpi_id: int, payload: KpiValueIn):
    """A manual KPI's value for one month or quarter."""
    _, pilot = _pilot(request, pk, "pilots.enter_kpi_values")
    kpi = get_object_or_404(Kpi, pilot=pilot, pk=kpi_id)
    return Respond(201, domain.set_kpi_value(kpi=kpi, actor=request.user, **payload.dict()))


# --- delivery records ----------------------------------------------------------------------


@router.get(BASE + "/records", response=list[RecordOut])
@paginate(LimitOffsetPagination)
def list_records(
    request,
    pk: int,
    service: int | None = None,
    provider: int | None = None,
    month: dt.date | None = None,
):
    """Delivery records, newest first (a provider sees only its own)."""
    partnership, pilot = _pilot(request, pk, "pilots.view_records")
    return queries.records_of(
        pilot,
        scope=rules.record_scope(request.user, partnership),
        service=service,
        provider=provider,
        month=month.replace(day=1) if month else None,
    )


def _record_fields(pilot, data: dict) -> dict:
    fields = dict(data)
    if "service_id" in fields:
        fields["service"] = get_object_or_404(
            PilotService, pilot=pilot, pk=fields.pop("service_id")
        )
    if "provider_id" in fields:
        fields["provider"] = get_object_or_404(Organisation, pk=fields.pop("provider_id"))
    return fields


@router.post(BASE + "/records", response={201: RecordOut})
def create_record(request, pk: int, payload: RecordIn):
    """One delivery; ``client_id`` is hashed and never stored."""
    partnership, pilot = _pilot(request, pk, "pilots.record_deliveries")
    fields = _record_fields(pilot, payload.dict())
    client_id = fields.pop("client_id", "")
    record = domain.record_delivery(
        pilot=pilot,
        actor=request.user,
        scope=rules.provider_scope(request.user, partnership),
        client_id=client_id,
        **fields,
    )
    return Respond(201, record)


@router.patch(BASE + "/records/{int:record_id}", response=RecordOut)
def update_record(request, pk: int, record_id: int, payload: RecordPatch):
    partnership, pilot = _pilot(request, pk, "pilots.record_deliveries")
    record = get_object_or_404(DeliveryRecord, pilot=pilot, pk=record_id)
    fields = _record_fields(pilot, payload.dict(exclude_unset=True))
    client_id = fields.pop("client_id", None)
    domain.update_delivery(
        record=record,
        actor=request.user,
        scope=rules.provider_scope(request.user, partnership),
        client_id=client_id,
        **fields,
    )
    record.refresh_from_db()
    return record


@router.delete(BASE + "/records/{int:record_id}", response={204: None})
def delete_record(request, pk: int, record_id: int):
    partnership, pilot = _pilot(request, pk, "pilots.record_deliveries")
    record = get_object_or_404(DeliveryRecord, pilot=pilot, pk=record_id)
    try:
        domain.delete_delivery(
            record=record, actor=request.user, scope=rules.provider_scope(request.user, partnership)
        )
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    return Respond(204, None)


# --- bulk uploads ----------------------------------------------------------------------------


def _batch_out(batch: ImportBatch) -> ImportBatch:
    done, total = importer.live_progress(batch)
    batch.processed_rows, batch.total_rows = done, total
    return batch


@router.post(BASE + "/uploads", response={202: BatchOut})
def upload(request, pk: int, file: File[UploadedFile], mapping: Form[str] = ""):
    """Upload a CSV or XLSX file of delivery records. With ``mapping`` (JSON: ``columns`` —
    field → column index —, ``fixed`` and ``extra``), or when every required column is
    recognised by name, the import starts at once; otherwise match the columns with
    ``PUT …/batches/{id}/mapping``. Returns the batch and its status: poll it for progress.
    A refused file, or a refused ``mapping``, keeps nothing: no batch, no preview, no file."""
    partnership, pilot = _pilot(request, pk, "pilots.record_deliveries")
    scope = rules.provider_scope(request.user, partnership)
    try:
        chosen = importer.Mapping.from_json(json.loads(mapping)) if mapping else None
    except (ValueError, TypeError, AttributeError):
        raise DomainError(
            "mapping must be a JSON object.", code="invalid_mapping", field="mapping"
        ) from None
    if chosen is not None:
        batch = domain.upload_and_queue(
            pilot=pilot,
            actor=request.user,
            file=file,
            filename=file.name,
            mapping=chosen,
            scope=scope,
            via="api",
        )
    else:
        batch = domain.upload_file(
            pilot=pilot, actor=request.user, file=file, filename=file.name, via="api"
        )
        try:
            domain.queue_import(
                batch=batch,
                actor=request.user,
                mapping=importer.Mapping.from_json(batch.mapping),
                scope=scope,
            )
        except DomainError:  # not every column recognised: match them with PUT …/mapping
            return Respond(202, _batch_out(batch))
    tasks.start_import(batch)
    batch.refresh_from_db()
    return Respond(202, _batch_out(batch))


def _batch(request, pk, batch_id, perm="pilots.view_records"):
    partnership, pilot = _pilot(request, pk, perm)
    batch = queries.batch_for(pilot, batch_id)
    scope = rules.record_scope(request.user, partnership)
    if (
        scope is not None
        and batch.uploaded_by_id != request.user.pk
        and not (batch.allowed_providers is not None and set(batch.allowed_providers) <= scope)
    ):
        from django.http import Http404

        raise Http404("No such upload")
    return partnership, pilot, batch


@router.get(BASE + "/batches", response=list[BatchOut])
@paginate(LimitOffsetPagination)
def list_batches(request, pk: int):
    partnership, pilot = _pilot(request, pk, "pilots.view_records")
    return queries.batches_of(pilot, scope=rules.record_scope(request.user, partnership))


@router.get(BASE + "/batches/{int:batch_id}", response=BatchOut)
def get_batch(request, pk: int, batch_id: int):
    """A batch's status and progress (rows done of rows expected)."""
    _, _, batch = _batch(request, pk, batch_id)
    return _batch_out(batch)


@router.get(BASE + "/batches/{int:batch_id}/errors", response=list[CellErrorOut])
@paginate(LimitOffsetPagination)
def batch_errors(request, pk: int, batch_id: int):
    """Row- and column-numbered errors of a rejected upload (the first 1,000)."""
    _, _, batch = _batch(request, pk, batch_id)
    return batch.errors or []


@router.put(BASE + "/batches/{int:batch_id}/mapping", response={202: BatchOut})
def map_batch(request, pk: int, batch_id: int, payload: MappingIn):
    partnership, _, batch = _batch(request, pk, batch_id, "pilots.record_deliveries")
    domain.queue_import(
        batch=batch,
        actor=request.user,
        mapping=importer.Mapping.from_json(payload.dict()),
        scope=rules.provider_scope(request.user, partnership),
    )
    tasks.start_import(batch)
    batch.refresh_from_db()
    return Respond(202, _batch_out(batch))


@router.post(BASE + "/batches/{int:batch_id}/revert", response=BatchOut)
def revert_batch(request, pk: int, batch_id: int, payload: RevertIn):
    """Remove every record of an imported batch and its share of the rollups (audited)."""
    partnership, _, batch = _batch(request, pk, batch_id, "pilots.record_deliveries")
    domain.revert_batch(
        batch=batch,
        actor=request.user,
        reason=payload.reason,
        scope=rules.provider_scope(request.user, partnership),
    )
    batch.refresh_from_db()
    return batch


# --- dashboard -----------------------------------------------------------------------------


def _point(p):
    return (
        None
        if p is None
        else {"period": p.period, "label": p.label, "value": p.value, "rag": p.rag.value}
    )


@router.get(BASE + "/dashboard", response=DashboardOut)
def get_dashboard(
    request, pk: int, month: str = "", service: int | None = None, provider: int | None = None
):
    """KPI values, RAG status, volumes, satisfaction and (for roles that see costs) actual cost
    per unit — all from the per-month rollups. ``month`` is ``YYYY-MM``."""
    partnership, pilot = queries.get_pilot_light(request.user, pk, "pilots.view_dashboard")
    show_costs = request.user.has_perm("pilots.view_costs", partnership)
    query = {"month": month, "service": service or "", "provider": provider or ""}
    key = dashboard.cache_key(pilot, query, show_costs, "api")

    def serialised() -> str:
        data = _dashboard_data(partnership, query, show_costs)
        return DashboardOut.model_validate(data).model_dump_json()

    # Served as cached JSON: the data only changes with the pilot's data version.
    return HttpResponse(dashboard.cached(key, serialised), content_type="application/json")


def _dashboard_data(partnership, query, show_costs) -> dict:
    pilot = queries.pilot_of(partnership)
    months = dashboard.pilot_months(pilot)
    filters = dashboard.Filters.from_query(query, pilot, months)
    board = dashboard.build(pilot, filters, show_costs=show_costs, with_charts=False)
    return {
        "pilot_id": pilot.pk,
        "month": filters.month,
        "service_id": filters.service,
        "provider_id": filters.provider,
        "records": board.records,
        "kpis": [
            {
                "kpi_id": r.kpi.pk,
                "name": r.kpi.name,
                "unit": r.kpi.unit,
                "target": r.kpi.target,
                "direction": r.kpi.direction,
                "latest": _point(r.latest),
                "to_date": r.to_date,
                "rag": r.rag.value,
                "points": [_point(p) for p in r.points],
            }
            for r in board.kpis
            if not r.hidden
        ],
        "volumes": [
            {
                "service_id": v["service"].pk,
                "service": v["service"].name,
                "unit": v["service"].unit,
                "records": v["records"],
                "quantity": str(v["quantity"]),
                "months": [
                    {
                        "month": c["month"].isoformat(),
                        "records": c["records"],
                        "quantity": str(c["quantity"]),
                    }
                    for c in v["months"]
                ],
            }
            for v in board.volumes
        ],
        "unit_costs": [
            {
                "service_id": c["service"].pk,
                "provider_id": c["provider"].pk if c["provider"] else None,
                "quantity": str(c["quantity"]),
                "cost": str(c["cost"]),
                "unit_cost": str(c["unit_cost"]) if c["unit_cost"] is not None else None,
            }
            for c in board.unit_costs
        ]
        if show_costs
        else None,
        "satisfaction": board.satisfaction,
        "feedback": board.feedback,
        "rag_counts": board.rag_counts,
    }


# --- feedback and issues ---------------------------------------------------------------------


@router.get(BASE + "/feedback", response=list[FeedbackOut])
@paginate(LimitOffsetPagination)
def list_feedback(request, pk: int):
    _, pilot = _pilot(request, pk, "pilots.view_feedback")
    return queries.feedback_of(pilot)


@router.post(BASE + "/feedback", response={201: FeedbackOut})
def give_feedback(request, pk: int, payload: FeedbackIn):
    """A rating (1 to 5) and comment; anonymous feedback keeps no author."""
    _, pilot = _pilot(request, pk, "pilots.give_feedback")
    data = payload.dict()
    service_id, provider_id = data.pop("service_id"), data.pop("provider_id")
    data["service"] = (
        get_object_or_404(PilotService, pilot=pilot, pk=service_id) if service_id else None
    )
    data["provider"] = get_object_or_404(Organisation, pk=provider_id) if provider_id else None
    return Respond(201, domain.submit_feedback(pilot=pilot, actor=request.user, **data))


@router.get(BASE + "/issues", response=list[IssueOut])
@paginate(LimitOffsetPagination)
def list_issues(request, pk: int):
    _, pilot = _pilot(request, pk, "pilots.view_issues")
    return queries.issues_of(pilot)


def _issue_fields(pilot, data):
    fields = dict(data)
    for name, model, scope in (
        ("owner", User, {}),
        ("service", PilotService, {"pilot": pilot}),
        ("provider", Organisation, {}),
    ):
        if f"{name}_id" in fields:
            value = fields.pop(f"{name}_id")
            fields[name] = get_object_or_404(model, pk=value, **scope) if value else None
    if fields.get("raised_on") is None:
        fields.pop("raised_on", None)
    return fields


@router.post(BASE + "/issues", response={201: IssueOut})
def log_issue(request, pk: int, payload: IssueIn):
    _, pilot = _pilot(request, pk, "pilots.log_issue")
    fields = _issue_fields(pilot, payload.dict())
    return Respond(201, domain.log_issue(pilot=pilot, actor=request.user, **fields))


@router.patch(BASE + "/issues/{int:issue_id}", response=IssueOut)
def update_issue(request, pk: int, issue_id: int, payload: IssuePatch):
    _, pilot = _pilot(request, pk, "pilots.log_issue")
    issue = get_object_or_404(PilotIssue, pilot=pilot, pk=issue_id)
    domain.update_issue(
        issue=issue, actor=request.user, **_issue_fields(pilot, payload.dict(exclude_unset=True))
    )
    return issue


# --- evaluations -------------------------------------------------------------------------------


def _evaluation_out(evaluation, show_costs: bool) -> dict:
    prefetched = "results" in getattr(evaluation, "_prefetched_objects_cache", {})
    results = list(
        evaluation.results.all() if prefetched else evaluation.results.select_related("kpi")
    )
    results = rules.shown_results(results, show_costs)
    data = {f: getattr(evaluation, f) for f in PilotEvaluationOut.model_fields if f != "results"}
    data["results"] = results
    return data


@router.get(BASE + "/evaluations", response=list[PilotEvaluationOut])
def list_evaluations(request, pk: int):
    partnership, pilot = _pilot(request, pk, "pilots.view_evaluations")
    show = request.user.has_perm("pilots.view_costs", partnership)
    evaluations = queries.evaluations_of(pilot).prefetch_related("results__kpi")
    return [_evaluation_out(e, show) for e in evaluations]


@router.post(BASE + "/evaluations", response={201: PilotEvaluationOut})
def create_evaluation(request, pk: int, payload: EvaluationIn):
    """An interim (at six months or later) or final evaluation; results come from the data."""
    _, pilot = _pilot(request, pk, "pilots.write_evaluation")
    evaluation = domain.create_evaluation(pilot=pilot, actor=request.user, **payload.dict())
    return Respond(201, _evaluation_out(evaluation, True))


@router.get(BASE + "/evaluations/{int:evaluation_id}", response=PilotEvaluationOut)
def get_evaluation(request, pk: int, evaluation_id: int):
    partnership, pilot = _pilot(request, pk, "pilots.view_evaluations")
    evaluation = get_object_or_404(Evaluation, pilot=pilot, pk=evaluation_id)
    return _evaluation_out(evaluation, request.user.has_perm("pilots.view_costs", partnership))


@router.post(BASE + "/evaluations/{int:evaluation_id}/approve", response=PilotEvaluationOut)
def approve_evaluation(request, pk: int, evaluation_id: int, payload: ApproveIn):
    """The commissioner records the steering group's approval."""
    _, pilot = _pilot(request, pk, "pilots.approve_evaluation")
    evaluation = get_object_or_404(Evaluation, pilot=pilot, pk=evaluation_id)
    evaluation = domain.approve_evaluation(
        evaluation=evaluation,
        actor=request.user,
        approved_on=payload.approved_on,
        note=payload.note,
    )
    return _evaluation_out(evaluation, True)


@router.post(BASE + "/evaluations/{int:evaluation_id}/classification", response=PilotEvaluationOut)
def classify(request, pk: int, evaluation_id: int, payload: list[ClassifyItem]):
    """Set the bidder disclosure class of the report (``result_id`` null) or of results."""
    partnership, pilot = _pilot(request, pk, "pilots.classify")
    evaluation = get_object_or_404(Evaluation, pilot=pilot, pk=evaluation_id)
    items = [
        (
            evaluation
            if item.result_id is None
            else get_object_or_404(EvaluationResult, evaluation=evaluation, pk=item.result_id),
            item.disclosure,
            item.reason,
        )
        for item in payload
    ]
    domain.classify_many(items=items, actor=request.user)  # all or nothing
    evaluation.refresh_from_db()
    return _evaluation_out(evaluation, request.user.has_perm("pilots.view_costs", partnership))
