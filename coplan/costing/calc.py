"""Full cost recovery (the ACEVO/NPC method, ``docs/formulas.md``, costing) as one pure function.

No ORM and no I/O: the cost model pages, the workbook export and the stateless calculator
endpoint (``POST /api/v1/costing/full-cost``) all call :func:`calculate` with the same
:class:`Inputs`, so the figures agree everywhere.

The method, for the activity being costed (the *service*):

* direct cost = Σ staff (salary + employer NI + pension) × share of their time on the service
  + Σ non-staff direct costs of the service;
* each overhead pool is shared by an allocation **driver** (headcount, staff time, expenditure,
  floor area or custom values): ``share = the service's driver ÷ the denominator``;
* the **denominator is an explicit choice**, named in :attr:`PoolResult.denominator_label`:
  the sum of the driver over all activities (core and fundraising included) or over projects
  only, optionally counting staff who have no allocation; or an explicit total for the pool.
  Whatever part of a pool the chosen denominator leaves over is reported as *unallocated*,
  never lost;
* full cost = direct + Σ pool × share; unit cost = full cost ÷ units of service;
  price = unit cost × (1 + surplus rate); overhead recovery rate = overheads ÷ direct costs.

Derived drivers (used unless values are given): **headcount** counts each person as one head,
split across activities in proportion to their time; **staff time** sums the fractions of
people's time; **expenditure** is each activity's direct cost. Floor area and custom drivers
need values per activity.

Arithmetic is exact (``Fraction``). Each pool is split into whole pennies by the largest
remainder, the unallocated remainder being one more bucket, so allocated plus unallocated
equals the pool to the penny. Direct costs stay exact; unit cost, price and rates are exact
and rounded only for display.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

PENNY = Decimal("0.01")
ZERO = Decimal("0")


class Driver(StrEnum):
    HEADCOUNT = "headcount"
    STAFF_TIME = "staff_time"
    EXPENDITURE = "expenditure"
    FLOOR_AREA = "floor_area"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return DRIVER_LABELS[self]

    @property
    def derived(self) -> bool:
        return self in {Driver.HEADCOUNT, Driver.STAFF_TIME, Driver.EXPENDITURE}


DRIVER_LABELS = {
    Driver.HEADCOUNT: "Headcount",
    Driver.STAFF_TIME: "Staff time",
    Driver.EXPENDITURE: "Expenditure",
    Driver.FLOOR_AREA: "Floor area",
    Driver.CUSTOM: "Custom values",
}


class Kind(StrEnum):
    """What an activity is, for the "projects only" denominator."""

    PROJECT = "project"
    CORE = "core"
    FUNDRAISING = "fundraising"


class Basis(StrEnum):
    """Which activities' drivers make up a pool's denominator."""

    ALL = "all"
    PROJECTS = "projects"


BASIS_LABELS = {
    Basis.ALL: "all activities, including core work and fundraising",
    Basis.PROJECTS: "projects only (core work and fundraising take no share)",
}


@dataclass(frozen=True)
class Activity:
    name: str
    kind: str = Kind.PROJECT


@dataclass(frozen=True)
class Staff:
    name: str
    salary: Decimal
    employer_ni: Decimal = ZERO
    pension: Decimal = ZERO
    time: Mapping[str, Decimal] = field(default_factory=dict)  # activity → fraction 0–1

    @property
    def cost(self) -> Decimal:
        return self.salary + self.employer_ni + self.pension

    @property
    def total_time(self) -> Decimal:
        return sum(self.time.values(), ZERO)


@dataclass(frozen=True)
class DirectCost:
    name: str
    amount: Decimal
    activity: str


@dataclass(frozen=True)
class Pool:
    name: str
    amount: Decimal
    driver: str
    denominator: Decimal | None = None  # an explicit total; None: the chosen basis


@dataclass(frozen=True)
class Inputs:
    activities: tuple[Activity, ...]
    service: str
    staff: tuple[Staff, ...] = ()
    direct_costs: tuple[DirectCost, ...] = ()
    pools: tuple[Pool, ...] = ()
    drivers: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    units: Decimal = Decimal(1)
    surplus_rate: Decimal = ZERO
    basis: str = Basis.ALL
    count_unallocated_staff: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    field: str | None = None


class CalcError(ValueError):
    """The inputs break a rule; ``errors`` lists every problem, each naming its field."""

    def __init__(self, errors: list[Finding]):
        super().__init__(errors[0].message)
        self.errors = errors


@dataclass(frozen=True)
class Allocation:
    pool: str
    activity: str
    driver_value: Decimal
    share: Decimal
    amount: Decimal  # whole pennies


@dataclass(frozen=True)
class PoolResult:
    name: str
    amount: Decimal
    driver: str
    denominator: Decimal
    denominator_label: str
    allocations: tuple[Allocation, ...]
    unallocated: Decimal  # whole pennies
    service: str
    shares_valid: bool = True  # every share in [0, 1] and their sum ≤ 1, checked exactly

    @property
    def driver_label(self) -> str:
        return Driver(self.driver).label

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)

    @property
    def service_allocation(self) -> Allocation | None:
        return next((a for a in self.allocations if a.activity == self.service), None)

    @property
    def service_share(self) -> Decimal:
        found = self.service_allocation
        return found.share if found else ZERO

    @property
    def service_amount(self) -> Decimal:
        found = self.service_allocation
        return found.amount if found else ZERO


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class Result:
    service: str
    basis: str
    count_unallocated_staff: bool
    pools: tuple[PoolResult, ...]
    direct_by_activity: Mapping[str, Decimal]
    staff_direct: Decimal
    non_staff_direct: Decimal
    direct_cost: Decimal
    overheads: Decimal
    full_cost: Decimal
    units: Decimal
    unit_cost: Decimal
    surplus_rate: Decimal
    price: Decimal
    overhead_recovery_rate: Decimal | None  # the service's overheads ÷ its direct costs
    organisation_overhead_rate: Decimal | None  # all pools ÷ all direct costs
    total_pools: Decimal
    total_allocated: Decimal
    total_unallocated: Decimal
    checks: tuple[Check, ...]
    warnings: tuple[Finding, ...]

    @property
    def denominator_label(self) -> str:
        label = BASIS_LABELS[Basis(self.basis)]
        if self.count_unallocated_staff:
            label += "; staff with no allocation counted in headcount and staff time"
        else:
            label += "; staff with no allocation not counted"
        return label

    @property
    def allocations(self) -> list[Allocation]:
        return [a for pool in self.pools for a in pool.allocations]

    @property
    def unallocated(self) -> list[tuple[str, Decimal]]:
        return [(p.name, p.unallocated) for p in self.pools if p.unallocated]

    @property
    def surplus(self) -> Decimal:
        return self.price * self.units - self.full_cost if self.units else ZERO

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


# --- validation ------------------------------------------------------------------------------


def _percent(value) -> str:
    return f"{(Decimal(value) * 100).normalize():f} %"


def validate(inputs: Inputs) -> list[Finding]:
    """Every rule the inputs break, each naming its field as ``staff.0.time.Befriending``."""
    errors: list[Finding] = []

    def error(code, message, where):
        errors.append(Finding(code, message, where))

    names = [a.name for a in inputs.activities]
    known = set(names)
    if not names:
        error("no_activities", "List at least one activity.", "activities")
    seen = set()
    for i, activity in enumerate(inputs.activities):
        if not activity.name.strip():
            error("blank_activity", "Give every activity a name.", f"activities.{i}")
        elif activity.name in seen:
            error("duplicate_activity", f"“{activity.name}” is listed twice.", f"activities.{i}")
        seen.add(activity.name)
        if activity.kind not in set(Kind):
            error("invalid_kind", f"“{activity.kind}” is not an activity kind.", f"activities.{i}")
    if inputs.service not in known:
        error(
            "unknown_service",
            f"The service “{inputs.service}” is not one of the activities.",
            "service",
        )
    if inputs.units is None or inputs.units <= 0:
        error("units", "Units of service must be more than 0.", "units")
    if inputs.surplus_rate is None or inputs.surplus_rate < 0:
        error("surplus_rate", "The surplus rate cannot be negative.", "surplus_rate")
    if inputs.basis not in set(Basis):
        error("basis", "Choose all activities or projects only.", "basis")

    for i, person in enumerate(inputs.staff):
        where = f"staff.{i}"
        for name in ("salary", "employer_ni", "pension"):
            if getattr(person, name) < 0:
                error(
                    "negative",
                    f"{person.name}: the {_money_label(name)} cannot be negative.",
                    f"{where}.{name}",
                )
        for activity, fraction in person.time.items():
            if activity not in known:
                error(
                    "unknown_activity",
                    f"{person.name}: “{activity}” is not an activity.",
                    f"{where}.time.{activity}",
                )
            if not (0 <= fraction <= 1):
                error(
                    "time_out_of_range",
                    f"{person.name}: time on {activity} must be between 0 and 100 %.",
                    f"{where}.time.{activity}",
                )
        if person.total_time > 1:
            error(
                "time_over_100",
                f"{person.name}'s time adds up to {_percent(person.total_time)}; a person's "
                "time cannot exceed 100 %.",
                f"{where}.time",
            )

    for i, cost in enumerate(inputs.direct_costs):
        if cost.amount < 0:
            error(
                "negative",
                f"{cost.name}: the amount cannot be negative.",
                f"direct_costs.{i}.amount",
            )
        if cost.activity not in known:
            error(
                "unknown_activity",
                f"{cost.name}: “{cost.activity}” is not an activity.",
                f"direct_costs.{i}.activity",
            )

    for driver, values in inputs.drivers.items():
        if driver not in set(Driver):
            error("unknown_driver", f"“{driver}” is not an allocation driver.", f"drivers.{driver}")
            continue
        for activity, value in values.items():
            if activity not in known:
                error(
                    "unknown_activity",
                    f"{Driver(driver).label}: “{activity}” is not an activity.",
                    f"drivers.{driver}.{activity}",
                )
            if value < 0:
                error(
                    "negative",
                    f"{Driver(driver).label} for {activity} cannot be negative.",
                    f"drivers.{driver}.{activity}",
                )

    for i, pool in enumerate(inputs.pools):
        where = f"pools.{i}"
        if pool.amount < 0:
            error("negative", f"{pool.name}: the amount cannot be negative.", f"{where}.amount")
        if pool.driver not in set(Driver):
            error(
                "unknown_driver",
                f"{pool.name}: “{pool.driver}” is not an allocation driver.",
                f"{where}.driver",
            )
            continue
        if not Driver(pool.driver).derived and pool.driver not in inputs.drivers:
            error(
                "missing_driver",
                f"{pool.name} is shared by {Driver(pool.driver).label.lower()}: give a value "
                "for each activity.",
                f"drivers.{pool.driver}",
            )
        if pool.denominator is not None and pool.denominator < 0:
            error(
                "negative",
                f"{pool.name}: the denominator cannot be negative.",
                f"{where}.denominator",
            )
    if errors:
        return errors

    # Only now can the denominators be checked against the drivers.
    values, _ = driver_values(inputs)
    sharing = _sharing(inputs)
    for i, pool in enumerate(inputs.pools):
        if pool.denominator is None:
            continue
        natural = sum((values[pool.driver].get(a, 0) for a in sharing), Fraction(0))
        if Fraction(pool.denominator) < natural:
            error(
                "denominator_too_small",
                f"{pool.name}: the denominator ({_num(pool.denominator)}) is less than the "
                f"activities' total {Driver(pool.driver).label.lower()} ({_num(natural)}), so "
                "the shares would add up to more than 1.",
                f"pools.{i}.denominator",
            )
    return errors


def _money_label(name: str) -> str:
    return {"salary": "salary", "employer_ni": "employer's NI", "pension": "pension"}[name]


def _num(value) -> str:
    return f"{_dec(value).normalize():f}"


# --- calculation -----------------------------------------------------------------------------


def _dec(value) -> Decimal:
    """A Fraction (or number) as a Decimal, to 28 significant digits."""
    if isinstance(value, Decimal):
        return value
    value = Fraction(value)
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(value.numerator) / Decimal(value.denominator)


def _sharing(inputs: Inputs) -> list[str]:
    """The activities that take a share of the pools under the chosen basis."""
    if inputs.basis == Basis.PROJECTS:
        return [
            a.name for a in inputs.activities if a.kind == Kind.PROJECT or a.name == inputs.service
        ]
    return [a.name for a in inputs.activities]


def direct_costs_by_activity(inputs: Inputs) -> dict[str, Fraction]:
    direct = {a.name: Fraction(0) for a in inputs.activities}
    for person in inputs.staff:
        for activity, fraction in person.time.items():
            direct[activity] += Fraction(person.cost) * Fraction(fraction)
    for cost in inputs.direct_costs:
        direct[cost.activity] += Fraction(cost.amount)
    return direct


def driver_values(inputs: Inputs) -> tuple[dict[str, dict[str, Fraction]], dict[str, Fraction]]:
    """Each driver's value per activity, and the part of it held by no activity (staff with no
    allocation, for the derived headcount and staff time)."""
    names = [a.name for a in inputs.activities]
    values = {d.value: {a: Fraction(0) for a in names} for d in Driver}
    unallocated = {d.value: Fraction(0) for d in Driver}
    for person in inputs.staff:
        total = Fraction(person.total_time)
        for activity, fraction in person.time.items():
            values[Driver.STAFF_TIME][activity] += Fraction(fraction)
            if total:
                values[Driver.HEADCOUNT][activity] += Fraction(fraction) / total
        unallocated[Driver.STAFF_TIME] += 1 - total
        if not total:
            unallocated[Driver.HEADCOUNT] += 1
    values[Driver.EXPENDITURE] = direct_costs_by_activity(inputs)
    for driver, given in inputs.drivers.items():
        values[driver] = {a: Fraction(given.get(a, 0)) for a in names}
        unallocated[driver] = Fraction(0)
    return values, unallocated


def _apportion(pool_amount: Decimal, exact: list[Fraction]) -> list[Decimal]:
    """Split ``pool_amount`` into whole pennies in proportion to ``exact`` (which sums to it),
    by the largest remainder; ties go to the earlier bucket."""
    pennies = [value * 100 for value in exact]
    floors = [int(p.numerator // p.denominator) for p in pennies]
    left = int((pool_amount * 100).to_integral_value(ROUND_FLOOR)) - sum(floors)
    order = sorted(range(len(pennies)), key=lambda i: (-(pennies[i] - floors[i]), i))
    for i in order[: max(left, 0)]:
        floors[i] += 1
    return [Decimal(p).scaleb(-2) for p in floors]


def _denominator_label(inputs: Inputs, pool: Pool, counted_unallocated: bool) -> str:
    if pool.denominator is not None:
        return f"an explicit total of {_num(pool.denominator)}"
    label = BASIS_LABELS[Basis(inputs.basis)]
    if counted_unallocated:
        label += ", and staff with no allocation"
    return label


def _pool_result(inputs, pool, values, unallocated, sharing) -> PoolResult:
    driver = Driver(pool.driver)
    natural = sum((values[driver][a] for a in sharing), Fraction(0))
    counted_unallocated = False
    if pool.denominator is not None:
        denominator = Fraction(pool.denominator)
    elif inputs.count_unallocated_staff and driver in {Driver.HEADCOUNT, Driver.STAFF_TIME}:
        denominator = natural + unallocated[driver]
        counted_unallocated = bool(unallocated[driver])
    else:
        denominator = natural
    amount = Fraction(pool.amount)
    shares = [values[driver][a] / denominator if denominator else Fraction(0) for a in sharing]
    exact = [amount * share for share in shares]
    exact.append(amount - sum(exact, Fraction(0)))  # the unallocated bucket
    pennies = _apportion(pool.amount, exact)
    allocations = tuple(
        Allocation(pool.name, activity, _dec(values[driver][activity]), _dec(share), money)
        for activity, share, money in zip(sharing, shares, pennies[:-1], strict=True)
    )
    # A pool given in fractions of a penny keeps them in the unallocated bucket, exactly.
    unallocated_amount = pool.amount - sum((a.amount for a in allocations), ZERO)
    return PoolResult(
        name=pool.name,
        amount=pool.amount,
        driver=driver.value,
        denominator=_dec(denominator),
        denominator_label=_denominator_label(inputs, pool, counted_unallocated),
        allocations=allocations,
        unallocated=unallocated_amount,
        service=inputs.service,
        shares_valid=all(0 <= s <= 1 for s in shares) and sum(shares, Fraction(0)) <= 1,
    )


def calculate(inputs: Inputs) -> Result:
    """The full cost, unit cost and price of ``inputs.service``; raises :class:`CalcError`
    listing every broken rule."""
    errors = validate(inputs)
    if errors:
        raise CalcError(errors)
    warnings: list[Finding] = []
    values, unallocated = driver_values(inputs)
    sharing = _sharing(inputs)
    pools = tuple(_pool_result(inputs, p, values, unallocated, sharing) for p in inputs.pools)

    direct = direct_costs_by_activity(inputs)
    service = inputs.service
    staff_direct = sum(
        (Fraction(p.cost) * Fraction(p.time.get(service, 0)) for p in inputs.staff), Fraction(0)
    )
    non_staff = sum(
        (Fraction(c.amount) for c in inputs.direct_costs if c.activity == service), Fraction(0)
    )
    direct_cost = staff_direct + non_staff
    overheads = sum((Fraction(p.service_amount) for p in pools), Fraction(0))
    full_cost = direct_cost + overheads
    units = Fraction(inputs.units)
    unit_cost = full_cost / units
    price = unit_cost * (1 + Fraction(inputs.surplus_rate))
    total_pools = sum((Fraction(p.amount) for p in pools), Fraction(0))
    total_allocated = sum((Fraction(p.allocated) for p in pools), Fraction(0))
    total_unallocated = sum((Fraction(p.unallocated) for p in pools), Fraction(0))
    all_direct = sum(direct.values(), Fraction(0))

    for person in inputs.staff:
        if not person.total_time:
            counted = "counted" if inputs.count_unallocated_staff else "not counted"
            warnings.append(
                Finding(
                    "staff_unallocated",
                    f"{person.name} has no time on any activity ({counted} in headcount and "
                    "staff time denominators).",
                )
            )
    for i, pool in enumerate(pools):
        if pool.amount and not pool.denominator:
            warnings.append(
                Finding(
                    "pool_not_shared",
                    f"{pool.name}: no activity has any {pool.driver_label.lower()}, so the "
                    "whole pool is unallocated.",
                    f"pools.{i}",
                )
            )
        elif pool.unallocated:
            warnings.append(
                Finding(
                    "unallocated_overhead",
                    f"{pool.name}: {_money(pool.unallocated)} is left unallocated by the "
                    f"denominator ({pool.denominator_label}).",
                    f"pools.{i}",
                )
            )
    if not direct_cost:
        warnings.append(
            Finding(
                "no_direct_cost",
                f"{service} has no direct costs, so its overhead recovery rate is undefined.",
            )
        )

    shares_ok = all(p.shares_valid for p in pools)
    checks = (
        Check(
            "shares_within_0_1",
            "Every share is between 0 and 1, and no pool is shared out more than once",
            shares_ok,
        ),
        Check(
            "time_within_100",
            "No one's time adds up to more than 100 %",
            all(p.total_time <= 1 for p in inputs.staff),
        ),
        Check(
            "pools_balance",
            "Allocated plus unallocated overheads equal the pools",
            total_allocated + total_unallocated == total_pools,
            f"{_money(total_allocated)} + {_money(total_unallocated)} = {_money(total_pools)}",
        ),
    )
    return Result(
        service=service,
        basis=inputs.basis,
        count_unallocated_staff=inputs.count_unallocated_staff,
        pools=pools,
        direct_by_activity={name: _dec(value) for name, value in direct.items()},
        staff_direct=_dec(staff_direct),
        non_staff_direct=_dec(non_staff),
        direct_cost=_dec(direct_cost),
        overheads=_dec(overheads),
        full_cost=_dec(full_cost),
        units=inputs.units,
        unit_cost=_dec(unit_cost),
        surplus_rate=inputs.surplus_rate,
        price=_dec(price),
        overhead_recovery_rate=_dec(overheads / direct_cost) if direct_cost else None,
        organisation_overhead_rate=_dec(total_pools / all_direct) if all_direct else None,
        total_pools=_dec(total_pools),
        total_allocated=_dec(total_allocated),
        total_unallocated=_dec(total_unallocated),
        checks=checks,
        warnings=tuple(warnings),
    )


def pennies(value: Decimal) -> Decimal:
    """Money for display: rounded half up to the penny."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def _money(value) -> str:
    return f"£{pennies(_dec(value)):,.2f}"
