"""Costing API: the stateless full cost calculator, cost models with their versions, lines,
pools and calculation results, and capacity self-assessments and plans.

Paths are given in full (the router is mounted at the API root). The same domain functions,
permissions and visibility as the pages: 404 for outsiders and for a cost model the caller may
not see, 403 for a role that may not do the action, 422 for a broken rule (problem bodies).
Money is exchanged as decimal strings.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import BeforeValidator

from coplan.core.errors import DomainError
from coplan.core.models import Organisation
from coplan.partnerships.queries import get_for

from . import calc, domain, queries
from .enums import (
    ActionStatus,
    ActivityKind,
    Basis,
    CapacityArea,
    DirectCostCategory,
    Driver,
    PoolCategory,
    VersionStatus,
)
from .models import CostActivity, DirectCostLine, OverheadPool, StaffLine

router = Router(tags=["costing"])
BASE = "/partnerships/{int:pk}/costing"
MODELS = f"{BASE}/models"
VERSION = f"{MODELS}/{{int:model_id}}/versions/{{int:number}}"

DriverName = Literal["headcount", "staff_time", "expenditure", "floor_area", "custom"]


def money(value) -> str | None:
    """Money as a decimal string, to the penny (rounded half up)."""
    return None if value is None else str(calc.pennies(value))


def exact(value) -> str | None:
    return None if value is None else f"{Decimal(value).normalize():f}"


def _money_text(value):
    return money(value) if isinstance(value, Decimal | int) else value


MoneyText = Annotated[str, BeforeValidator(_money_text)]


# --- the stateless calculator ----------------------------------------------------------------


class StaffIn(Schema):
    name: str = Field(min_length=1)
    salary: Decimal = Field(ge=0, decimal_places=2)
    employer_ni: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    pension: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    time: dict[str, Decimal] = Field(default_factory=dict)


class DirectCostIn(Schema):
    name: str = Field(min_length=1)
    amount: Decimal = Field(ge=0, decimal_places=2)
    activity: str


class PoolIn(Schema):
    name: str = Field(min_length=1)
    amount: Decimal = Field(ge=0, decimal_places=2)
    driver: DriverName
    denominator: Decimal | None = Field(default=None, gt=0)


class FullCostIn(Schema):
    activities: list[str] = Field(min_length=1)
    service: str
    staff: list[StaffIn] = Field(default_factory=list)
    direct_costs: list[DirectCostIn] = Field(default_factory=list)
    pools: list[PoolIn] = Field(default_factory=list)
    drivers: dict[DriverName, dict[str, Decimal]] = Field(default_factory=dict)
    units: Decimal = Field(gt=0)
    surplus_rate: Decimal = Field(default=Decimal(0), ge=0)


class AllocationOut(Schema):
    pool: str
    activity: str
    share: str
    amount: str


class UnallocatedOut(Schema):
    pool: str
    amount: str


class CostingWarningOut(Schema):
    code: str
    message: str


class FullCostOut(Schema):
    allocations: list[AllocationOut]
    unallocated: list[UnallocatedOut]
    direct_cost: str
    full_cost: str
    unit_cost: str
    price: str
    overhead_recovery_rate: str | None
    warnings: list[CostingWarningOut]


def _result_out(result: calc.Result) -> dict:
    return {
        "allocations": [
            {
                "pool": a.pool,
                "activity": a.activity,
                "share": exact(a.share),
                "amount": money(a.amount),
            }
            for a in result.allocations
        ],
        "unallocated": [
            {"pool": p.name, "amount": money(p.unallocated)} for p in result.pools if p.unallocated
        ],
        "direct_cost": money(result.direct_cost),
        "full_cost": money(result.full_cost),
        "unit_cost": money(result.unit_cost),
        "price": money(result.price),
        "overhead_recovery_rate": exact(result.overhead_recovery_rate),
        "warnings": [{"code": w.code, "message": w.message} for w in result.warnings],
    }


def _calculate(inputs: calc.Inputs) -> calc.Result:
    try:
        return calc.calculate(inputs)
    except calc.CalcError as error:
        first = error.errors[0]
        raise DomainError(
            " ".join(e.message for e in error.errors),
            code=first.code,
            field=first.field,
            data={
                "errors": [
                    {"field": e.field, "message": e.message, "code": e.code} for e in error.errors
                ]
            },
        ) from None


@router.post("/costing/full-cost", response=FullCostOut)
def full_cost(request, payload: FullCostIn):
    """Full cost recovery for one service, computed by the same function as the pages.

    Without an explicit ``denominator`` a pool is shared by the sum of the activities' drivers;
    with one (for example the total headcount including staff on no activity) the remainder is
    reported as unallocated. Headcount, staff time and expenditure are derived from the staff
    and cost lines unless given in ``drivers``. Money is returned in pounds to the penny;
    shares and the overhead recovery rate unrounded."""
    inputs = calc.Inputs(
        activities=tuple(calc.Activity(name) for name in payload.activities),
        service=payload.service,
        staff=tuple(
            calc.Staff(s.name, s.salary, s.employer_ni, s.pension, dict(s.time))
            for s in payload.staff
        ),
        direct_costs=tuple(
            calc.DirectCost(c.name, c.amount, c.activity) for c in payload.direct_costs
        ),
        pools=tuple(calc.Pool(p.name, p.amount, p.driver, p.denominator) for p in payload.pools),
        drivers={k: dict(v) for k, v in payload.drivers.items()},
        units=payload.units,
        surplus_rate=payload.surplus_rate,
    )
    return _result_out(_calculate(inputs))


# --- cost models -----------------------------------------------------------------------------


class CostingOrganisationRef(Schema):
    id: int
    name: str


class VersionSummaryOut(Schema):
    number: int
    status: VersionStatus
    period: str
    locked_at: dt.datetime | None
    shared_at: dt.datetime | None
    full_cost: str | None = None
    unit_cost: str | None = None
    price: str | None = None

    @staticmethod
    def resolve_full_cost(obj):
        return money(obj.figure("full_cost"))

    @staticmethod
    def resolve_unit_cost(obj):
        return money(obj.figure("unit_cost"))

    @staticmethod
    def resolve_price(obj):
        return money(obj.figure("price"))


class CostModelOut(Schema):
    id: int
    organisation: CostingOrganisationRef
    service: str
    unit_name: str
    versions: list[VersionSummaryOut]

    @staticmethod
    def resolve_versions(obj):
        return obj.visible_versions


class CostModelIn(Schema):
    organisation_id: int
    service: str
    unit_name: str = "unit"


class CostingActivityOut(Schema):
    id: int
    name: str
    kind: ActivityKind


class CostingActivityIn(Schema):
    revision: int | None = Field(
        default=None,
        description="The version's revision you read; a save over a newer one is refused.",
    )
    name: str
    kind: ActivityKind = ActivityKind.PROJECT


class StaffLineOut(Schema):
    id: int
    name: str
    salary: MoneyText
    employer_ni: MoneyText
    pension: MoneyText
    time: dict[str, str]

    @staticmethod
    def resolve_time(obj):
        return {t.activity.name: exact(t.fraction) for t in obj.times.all()}


class StaffLineIn(Schema):
    revision: int | None = Field(
        default=None,
        description="The version's revision you read; a save over a newer one is refused.",
    )
    name: str
    salary: Decimal = Field(ge=0, decimal_places=2)
    employer_ni: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    pension: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    time: dict[str, Decimal] = Field(default_factory=dict)


class DirectCostOut(Schema):
    id: int
    name: str
    category: DirectCostCategory
    amount: MoneyText
    activity: str

    @staticmethod
    def resolve_activity(obj):
        return obj.activity.name


class DirectCostLineIn(Schema):
    revision: int | None = Field(
        default=None,
        description="The version's revision you read; a save over a newer one is refused.",
    )
    name: str
    category: DirectCostCategory = DirectCostCategory.OTHER
    amount: Decimal = Field(ge=0, decimal_places=2)
    activity: str


class PoolOut(Schema):
    id: int
    name: str
    category: PoolCategory
    amount: MoneyText
    driver: Driver
    denominator: str | None

    @staticmethod
    def resolve_denominator(obj):
        return exact(obj.denominator)


class PoolLineIn(Schema):
    revision: int | None = Field(
        default=None,
        description="The version's revision you read; a save over a newer one is refused.",
    )
    name: str
    category: PoolCategory = PoolCategory.CUSTOM
    amount: Decimal = Field(ge=0, decimal_places=2)
    driver: Driver
    denominator: Decimal | None = Field(default=None, gt=0)


class DriverValuesIn(Schema):
    revision: int | None = Field(
        default=None,
        description="The version's revision you read; a save over a newer one is refused.",
    )
    driver: Literal["floor_area", "custom"]
    values: dict[str, Decimal | None]


class SettingsIn(Schema):
    revision: int | None = Field(
        default=None,
        description="The version's revision you read; a save over a newer one is refused.",
    )
    period: str | None = None
    units: Decimal | None = Field(default=None, gt=0, decimal_places=2)
    surplus_rate: Decimal | None = Field(default=None, ge=0, decimal_places=4)
    basis: Basis | None = None
    count_unallocated_staff: bool | None = None
    notes: str | None = None


class CostingVersionOut(Schema):
    number: int
    status: VersionStatus
    period: str
    units: str
    surplus_rate: str
    basis: Basis
    count_unallocated_staff: bool
    notes: str
    locked_at: dt.datetime | None
    shared_at: dt.datetime | None
    activities: list[CostingActivityOut]
    staff: list[StaffLineOut]
    direct_costs: list[DirectCostOut]
    pools: list[PoolOut]
    drivers: dict[str, dict[str, str]]
    revision: int = 0

    @staticmethod
    def resolve_units(obj):
        return exact(obj.units)

    @staticmethod
    def resolve_surplus_rate(obj):
        return exact(obj.surplus_rate)

    @staticmethod
    def resolve_activities(obj):
        return list(obj.activities.all())

    @staticmethod
    def resolve_staff(obj):
        return list(obj.staff_lines.all())

    @staticmethod
    def resolve_direct_costs(obj):
        return list(obj.direct_costs.all())

    @staticmethod
    def resolve_pools(obj):
        return list(obj.pools.all())

    @staticmethod
    def resolve_drivers(obj):
        found: dict[str, dict[str, str]] = {}
        for value in obj.driver_values.all():
            found.setdefault(value.driver, {})[value.activity.name] = exact(value.value)
        return found


class CheckOut(Schema):
    code: str
    label: str
    passed: bool
    detail: str


class ErrorOut(Schema):
    field: str | None
    code: str
    message: str


class PoolResultOut(Schema):
    pool: str
    amount: str
    driver: str
    denominator: str
    denominator_label: str
    service_share: str
    service_amount: str
    unallocated: str


class CostingResultOut(FullCostOut):
    valid: bool
    errors: list[ErrorOut]
    denominator: str | None
    overheads: str | None
    units: str | None
    surplus_rate: str | None
    organisation_overhead_rate: str | None
    pools: list[PoolResultOut]
    checks: list[CheckOut]


def _partnership(request, pk, perm="costing.view_costing"):
    return get_for(request.user, pk, perm)


def _model(request, pk, model_id, perm=None):
    partnership = _partnership(request, pk)
    model = queries.model_for(partnership, request.user, model_id)
    if perm and not request.user.has_perm(perm, model):
        raise PermissionDenied("Only the enterprise and the intermediary can change its costs.")
    return model


def _version(request, pk, model_id, number, perm=None):
    model = _model(request, pk, model_id, perm)
    version = queries.version_for(model, request.user, number)
    loaded = queries.full_version(version)
    loaded.cost_model = model
    return loaded


def _editable(request, pk, model_id, number):
    return _version(request, pk, model_id, number, "costing.change_costmodel")


def _activity(version, name: str, field: str) -> CostActivity:
    found = next((a for a in version.activities.all() if a.name == name), None)
    if found is None:
        raise DomainError(
            f"“{name}” is not an activity in this version.", code="unknown_activity", field=field
        )
    return found


@router.get(MODELS, response=list[CostModelOut])
def list_models(request, pk: int):
    """The cost models the caller may see, each with the versions they may see."""
    return list(queries.models_for(_partnership(request, pk), request.user))


@router.post(MODELS, response={201: CostModelOut})
def create_model(request, pk: int, payload: CostModelIn):
    partnership = _partnership(request, pk, "costing.add_costmodel")
    organisation = queries.enterprises(partnership).filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise DomainError(
            "Choose a social enterprise in this partnership.",
            code="not_an_enterprise",
            field="organisation_id",
        )
    model = domain.create_cost_model(
        partnership=partnership,
        actor=request.user,
        organisation=organisation,
        service=payload.service,
        unit_name=payload.unit_name,
    )
    return Status(201, queries.model_for(partnership, request.user, model.pk))


@router.get(f"{MODELS}/{{int:model_id}}", response=CostModelOut)
def get_model(request, pk: int, model_id: int):
    return _model(request, pk, model_id)


@router.post(f"{MODELS}/{{int:model_id}}/versions", response={201: CostingVersionOut})
def start_draft(request, pk: int, model_id: int):
    """Start the next version as a copy of the newest one."""
    model = _model(request, pk, model_id, "costing.change_costmodel")
    version = domain.new_draft(model=model, actor=request.user)
    return Status(201, queries.full_version(version))


@router.get(VERSION, response=CostingVersionOut)
def get_version(request, pk: int, model_id: int, number: int):
    return _version(request, pk, model_id, number)


@router.patch(VERSION, response=CostingVersionOut)
def update_version(request, pk: int, model_id: int, number: int, payload: SettingsIn):
    version = _editable(request, pk, model_id, number)
    domain.update_settings(
        version=version, actor=request.user, **payload.dict(exclude_unset=True, exclude_none=True)
    )
    return _version(request, pk, model_id, number)


@router.get(f"{VERSION}/result", response=CostingResultOut)
def get_result(request, pk: int, model_id: int, number: int):
    """The version's figures from the calculator, with its checks; or why it does not add up."""
    version = _version(request, pk, model_id, number)
    calculation = queries.calculate(version)
    result = calculation.result
    if result is None:
        return {
            "valid": False,
            "errors": [e.__dict__ for e in calculation.errors],
            "allocations": [],
            "unallocated": [],
            "direct_cost": "",
            "full_cost": "",
            "unit_cost": "",
            "price": "",
            "overhead_recovery_rate": None,
            "warnings": [],
            "denominator": None,
            "overheads": None,
            "units": None,
            "surplus_rate": None,
            "organisation_overhead_rate": None,
            "pools": [],
            "checks": [],
        }
    return {
        **_result_out(result),
        "valid": result.passed,
        "errors": [],
        "denominator": result.denominator_label,
        "overheads": money(result.overheads),
        "units": exact(result.units),
        "surplus_rate": exact(result.surplus_rate),
        "organisation_overhead_rate": exact(result.organisation_overhead_rate),
        "pools": [
            {
                "pool": p.name,
                "amount": money(p.amount),
                "driver": p.driver,
                "denominator": exact(p.denominator),
                "denominator_label": p.denominator_label,
                "service_share": exact(p.service_share),
                "service_amount": money(p.service_amount),
                "unallocated": money(p.unallocated),
            }
            for p in result.pools
        ],
        "checks": [c.__dict__ for c in result.checks],
    }


@router.post(f"{VERSION}/lock", response=CostingVersionOut)
def lock(request, pk: int, model_id: int, number: int):
    version = _version(request, pk, model_id, number, "costing.lock_costmodel")
    domain.lock_version(version=version, actor=request.user)
    return _version(request, pk, model_id, number)


class CostingShareIn(Schema):
    shared: bool = True


@router.post(f"{VERSION}/share", response=CostingVersionOut)
def share(request, pk: int, model_id: int, number: int, payload: CostingShareIn):
    """Share a locked version with the council, or stop sharing it (the enterprise only)."""
    version = _version(request, pk, model_id, number, "costing.share_costmodel")
    domain.share_version(version=version, actor=request.user, shared=payload.shared)
    return _version(request, pk, model_id, number)


@router.post(f"{VERSION}/activities", response={201: CostingActivityOut})
def add_activity(request, pk: int, model_id: int, number: int, payload: CostingActivityIn):
    version = _editable(request, pk, model_id, number)
    return Status(201, domain.add_activity(version=version, actor=request.user, **payload.dict()))


@router.delete(f"{VERSION}/activities/{{int:item_id}}", response={204: None})
def remove_activity(
    request, pk: int, model_id: int, number: int, item_id: int, revision: int | None = None
):
    version = _editable(request, pk, model_id, number)
    activity = get_object_or_404(CostActivity, version=version, pk=item_id)
    domain.remove_activity(
        version=version, actor=request.user, activity=activity, revision=revision
    )
    return Status(204, None)


def _times(version, time: dict) -> dict:
    return {_activity(version, name, f"time.{name}"): f for name, f in time.items()}


@router.post(f"{VERSION}/staff", response={201: StaffLineOut})
def add_staff(request, pk: int, model_id: int, number: int, payload: StaffLineIn):
    version = _editable(request, pk, model_id, number)
    data = payload.dict()
    data["times"] = _times(version, data.pop("time"))
    line = domain.save_staff_line(version=version, actor=request.user, **data)
    return Status(201, StaffLine.objects.prefetch_related("times__activity").get(pk=line.pk))


@router.put(f"{VERSION}/staff/{{int:item_id}}", response=StaffLineOut)
def change_staff(request, pk: int, model_id: int, number: int, item_id: int, payload: StaffLineIn):
    version = _editable(request, pk, model_id, number)
    line = get_object_or_404(StaffLine, version=version, pk=item_id)
    data = payload.dict()
    data["times"] = _times(version, data.pop("time"))
    domain.save_staff_line(version=version, actor=request.user, line=line, **data)
    return StaffLine.objects.prefetch_related("times__activity").get(pk=line.pk)


@router.delete(f"{VERSION}/staff/{{int:item_id}}", response={204: None})
def remove_staff(
    request, pk: int, model_id: int, number: int, item_id: int, revision: int | None = None
):
    version = _editable(request, pk, model_id, number)
    line = get_object_or_404(StaffLine, version=version, pk=item_id)
    domain.remove_staff_line(version=version, actor=request.user, line=line, revision=revision)
    return Status(204, None)


@router.post(f"{VERSION}/direct-costs", response={201: DirectCostOut})
def add_direct_cost(request, pk: int, model_id: int, number: int, payload: DirectCostLineIn):
    version = _editable(request, pk, model_id, number)
    data = payload.dict()
    data["activity"] = _activity(version, data["activity"], "activity")
    return Status(201, domain.save_direct_cost(version=version, actor=request.user, **data))


@router.put(f"{VERSION}/direct-costs/{{int:item_id}}", response=DirectCostOut)
def change_direct_cost(
    request, pk: int, model_id: int, number: int, item_id: int, payload: DirectCostLineIn
):
    version = _editable(request, pk, model_id, number)
    line = get_object_or_404(DirectCostLine, version=version, pk=item_id)
    data = payload.dict()
    data["activity"] = _activity(version, data["activity"], "activity")
    return domain.save_direct_cost(version=version, actor=request.user, line=line, **data)


@router.delete(f"{VERSION}/direct-costs/{{int:item_id}}", response={204: None})
def remove_direct_cost(
    request, pk: int, model_id: int, number: int, item_id: int, revision: int | None = None
):
    version = _editable(request, pk, model_id, number)
    line = get_object_or_404(DirectCostLine, version=version, pk=item_id)
    domain.remove_direct_cost(version=version, actor=request.user, line=line, revision=revision)
    return Status(204, None)


@router.post(f"{VERSION}/pools", response={201: PoolOut})
def add_pool(request, pk: int, model_id: int, number: int, payload: PoolLineIn):
    version = _editable(request, pk, model_id, number)
    return Status(201, domain.save_pool(version=version, actor=request.user, **payload.dict()))


@router.put(f"{VERSION}/pools/{{int:item_id}}", response=PoolOut)
def change_pool(request, pk: int, model_id: int, number: int, item_id: int, payload: PoolLineIn):
    version = _editable(request, pk, model_id, number)
    pool = get_object_or_404(OverheadPool, version=version, pk=item_id)
    return domain.save_pool(version=version, actor=request.user, pool=pool, **payload.dict())


@router.delete(f"{VERSION}/pools/{{int:item_id}}", response={204: None})
def remove_pool(
    request, pk: int, model_id: int, number: int, item_id: int, revision: int | None = None
):
    version = _editable(request, pk, model_id, number)
    pool = get_object_or_404(OverheadPool, version=version, pk=item_id)
    domain.remove_pool(version=version, actor=request.user, pool=pool, revision=revision)
    return Status(204, None)


@router.put(f"{VERSION}/drivers", response=CostingVersionOut)
def set_drivers(request, pk: int, model_id: int, number: int, payload: DriverValuesIn):
    """Floor area or custom values per activity (``null`` clears a value)."""
    version = _editable(request, pk, model_id, number)
    values = {
        _activity(version, name, f"values.{name}"): value for name, value in payload.values.items()
    }
    domain.set_driver_values(
        version=version,
        actor=request.user,
        driver=payload.driver,
        values=values,
        revision=payload.revision,
    )
    return _version(request, pk, model_id, number)


# --- capacity --------------------------------------------------------------------------------


class CostingScoreOut(Schema):
    area: CapacityArea
    score: int
    evidence: str


class AssessmentOut(Schema):
    id: int
    organisation: CostingOrganisationRef
    assessed_on: dt.date
    notes: str
    scores: list[CostingScoreOut]

    @staticmethod
    def resolve_scores(obj):
        return list(obj.scores.all())


class CostingScoreIn(Schema):
    area: CapacityArea
    score: int = Field(ge=1, le=5)
    evidence: str = ""


class AssessmentIn(Schema):
    organisation_id: int
    assessed_on: dt.date
    scores: list[CostingScoreIn]
    notes: str = ""


class CostingActionOut(Schema):
    id: int
    organisation: CostingOrganisationRef
    area: CapacityArea
    gap: str
    action: str
    provider: str
    due_on: dt.date
    status: ActionStatus
    completed_on: dt.date | None


class CostingActionIn(Schema):
    organisation_id: int
    area: CapacityArea
    gap: str
    action: str
    provider: str
    due_on: dt.date


class CostingActionPatch(Schema):
    area: CapacityArea | None = None
    gap: str | None = None
    action: str | None = None
    provider: str | None = None
    due_on: dt.date | None = None
    status: ActionStatus | None = None


def _enterprise(partnership, organisation_id) -> Organisation:
    found = queries.enterprises(partnership).filter(pk=organisation_id).first()
    if found is None:
        raise DomainError(
            "Choose a social enterprise in this partnership.",
            code="not_an_enterprise",
            field="organisation_id",
        )
    return found


@router.get(f"{BASE}/capacity/assessments", response=list[AssessmentOut])
def list_assessments(request, pk: int, organisation_id: int | None = None):
    partnership = _partnership(request, pk, "costing.view_capacity")
    organisation = _enterprise(partnership, organisation_id) if organisation_id else None
    return list(queries.assessments_for(partnership, organisation))


@router.post(f"{BASE}/capacity/assessments", response={201: AssessmentOut})
def record_assessment(request, pk: int, payload: AssessmentIn):
    """A self-assessment: every area scored 1–5, with evidence."""
    partnership = _partnership(request, pk, "costing.add_assessment")
    assessment = domain.record_assessment(
        partnership=partnership,
        actor=request.user,
        organisation=_enterprise(partnership, payload.organisation_id),
        assessed_on=payload.assessed_on,
        scores={s.area: (s.score, s.evidence) for s in payload.scores},
        notes=payload.notes,
    )
    return Status(201, queries.assessment_for(partnership, assessment.pk))


@router.get(f"{BASE}/capacity/assessments/{{int:assessment_id}}", response=AssessmentOut)
def get_assessment(request, pk: int, assessment_id: int):
    partnership = _partnership(request, pk, "costing.view_capacity")
    return queries.assessment_for(partnership, assessment_id)


@router.get(f"{BASE}/capacity/plan", response=list[CostingActionOut])
def list_plan(request, pk: int, status: str = "", organisation_id: int | None = None):
    """The capacity-building plan; ``status=open`` for actions not done or cancelled."""
    partnership = _partnership(request, pk, "costing.view_capacity")
    organisation = _enterprise(partnership, organisation_id) if organisation_id else None
    return list(queries.actions_for(partnership, organisation, status))


@router.post(f"{BASE}/capacity/plan", response={201: CostingActionOut})
def add_plan_action(request, pk: int, payload: CostingActionIn):
    partnership = _partnership(request, pk, "costing.add_action")
    data = payload.dict()
    data["organisation"] = _enterprise(partnership, data.pop("organisation_id"))
    action = domain.add_action(partnership=partnership, actor=request.user, **data)
    return Status(201, queries.action_for(partnership, action.pk))


@router.patch(f"{BASE}/capacity/plan/{{int:action_id}}", response=CostingActionOut)
def update_plan_action(request, pk: int, action_id: int, payload: CostingActionPatch):
    partnership = _partnership(request, pk, "costing.view_capacity")
    action = queries.action_for(partnership, action_id)
    if not request.user.has_perm("costing.change_action", action):
        raise PermissionDenied("Only the enterprise and the intermediary can change its plan.")
    domain.update_action(
        item=action, actor=request.user, **payload.dict(exclude_unset=True, exclude_none=True)
    )
    return queries.action_for(partnership, action_id)
