"""Pure calculations of the benefits app (no models): contract monitoring status (RAG against
the pro-rata target, ranges, additionality and retention) and social return on investment
(docs/formulas.md: community benefit monitoring, SROI). Decimal throughout; figures keep full
precision and are rounded only for display (:func:`pennies`).

SROI convention (stated on every page that shows a result): the first year of outcomes is
discounted by a full year, ``value_t / (1 + r)^t`` for t = 1, 2, …, as the SROI guide's value
map does; HM Treasury's Green Book tables instead start at year 0 with a factor of 1.0.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from coplan.core.dates import add_months
from coplan.core.errors import DomainError

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
PENNY = Decimal("0.01")

DEFAULT_DISCOUNT_RATE = Decimal("0.035")
CONVENTION = (
    "Discounting from year 1: the first year's value is divided by (1 + r), year t's by "
    "(1 + r)^t (the SROI value map convention; HM Treasury Green Book tables start at year 0 "
    "with a factor of 1.0). Payback months = investment ÷ (year 1 value ÷ 12), undiscounted."
)


def pennies(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def rounded(value: Decimal | None, places: int = 2) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class CalcInputError(DomainError):
    """Input the calculation cannot use; ``field`` names it (e.g. ``outcomes[1].deadweight``)."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message, code="invalid_input", field=field)


# --- RAG against the pro-rata target ----------------------------------------------------------


class Rag:
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_DUE = "not_due"

    LABELS = {GREEN: "Green", AMBER: "Amber", RED: "Red", NOT_DUE: "Not due yet"}
    TAGS = {
        GREEN: "govuk-tag--green",
        AMBER: "govuk-tag--yellow",
        RED: "govuk-tag--red",
        NOT_DUE: "govuk-tag--grey",
    }


@dataclass(frozen=True)
class Thresholds:
    """Green at or above ``green`` % of the pro-rata target, amber at or above ``amber`` %,
    red below (docs/formulas.md, pro-rata target and status: 100 and 75 by default,
    configurable)."""

    green: Decimal = Decimal(100)
    amber: Decimal = Decimal(75)

    def __post_init__(self):
        if not (ZERO <= self.amber <= self.green):
            raise CalcInputError(
                "The amber threshold must be between 0 and the green threshold.", field="amber"
            )


DEFAULT_THRESHOLDS = Thresholds()


def elapsed_share(start: dt.date, end: dt.date, as_of: dt.date) -> Decimal:
    """The share of the due period ``start``–``end`` (both inclusive) elapsed by the end of
    ``as_of``: 0 before it starts, 1 from its last day on."""
    if end < start:
        raise CalcInputError("The due period ends before it starts.", field="period_end")
    total = (end - start).days + 1
    done = min(max((as_of - start).days + 1, 0), total)
    return Decimal(done) / Decimal(total)


def pro_rata(target: Decimal, start: dt.date, end: dt.date, as_of: dt.date) -> Decimal:
    """The part of ``target`` due by ``as_of``, in proportion to the days elapsed."""
    return Decimal(target) * elapsed_share(start, end, as_of)


@dataclass(frozen=True)
class Status:
    rag: str
    actual: Decimal
    due: Decimal  # pro-rata contractual floor
    percent: Decimal | None  # actual ÷ due × 100, full precision
    due_max: Decimal | None = None  # pro-rata top of a range
    above_range: bool = False

    @property
    def label(self) -> str:
        return Rag.LABELS[self.rag]

    @property
    def tag_class(self) -> str:
        return Rag.TAGS[self.rag]


def rag(
    *,
    actual: Decimal,
    target_min: Decimal,
    target_max: Decimal | None,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Status:
    """The commitment's status: verified ``actual`` ÷ pro-rata target. For a range the minimum
    is the contractual floor, so the status is measured against it; the top of the range is
    reported as a stretch (``above_range`` when the actual passes its pro-rata share)."""
    if target_max is not None and target_max < target_min:
        raise CalcInputError("The top of the range is below its minimum.", field="target_max")
    actual = Decimal(actual)
    due = pro_rata(target_min, start, end, as_of)
    due_max = None if target_max is None else pro_rata(target_max, start, end, as_of)
    above = due_max is not None and due_max > 0 and actual > due_max
    if due <= 0:
        return Status(Rag.NOT_DUE, actual, due, None, due_max, above)
    percent = actual / due * HUNDRED
    if percent >= thresholds.green:
        status = Rag.GREEN
    elif percent >= thresholds.amber:
        status = Rag.AMBER
    else:
        status = Rag.RED
    return Status(status, actual, due, percent, due_max, above)


# --- Additionality and retention (recruitment commitments) -------------------------------------


@dataclass(frozen=True)
class Recruitment:
    """One return's recruits: ``starts`` people, of whom ``additional`` would not have been
    recruited without the contract, and how many were still in post at 26 and 52 weeks
    (``None`` until known)."""

    starts: int
    additional: int
    started_by: dt.date  # the last day of the return's period
    in_post_26: int | None = None
    in_post_52: int | None = None


@dataclass(frozen=True)
class RecruitmentSummary:
    starts: int
    additional: int
    additional_percent: Decimal | None
    eligible_26: int  # starts whose 26 weeks have passed and are recorded
    in_post_26: int
    retention_26_percent: Decimal | None
    eligible_52: int
    in_post_52: int
    retention_52_percent: Decimal | None


def _share(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(part) / Decimal(whole) * HUNDRED


def recruitment_summary(rows: Sequence[Recruitment], *, as_of: dt.date) -> RecruitmentSummary:
    """Additionality (additional ÷ starts) over every start, and retention at 26 and 52 weeks
    over the starts whose 26 (52) weeks have passed by ``as_of`` and were recorded."""
    starts = additional = e26 = r26 = e52 = r52 = 0
    for i, row in enumerate(rows):
        if row.additional > row.starts or row.additional < 0:
            raise CalcInputError(
                "Additional recruits cannot exceed the starts.", field=f"rows[{i}].additional"
            )
        for weeks, kept in ((26, row.in_post_26), (52, row.in_post_52)):
            if kept is not None and not 0 <= kept <= row.starts:
                raise CalcInputError(
                    f"People in post at {weeks} weeks cannot exceed the starts.",
                    field=f"rows[{i}].in_post_{weeks}",
                )
        starts += row.starts
        additional += row.additional
        if row.in_post_26 is not None and row.started_by + dt.timedelta(weeks=26) <= as_of:
            e26 += row.starts
            r26 += row.in_post_26
        if row.in_post_52 is not None and row.started_by + dt.timedelta(weeks=52) <= as_of:
            e52 += row.starts
            r52 += row.in_post_52
    return RecruitmentSummary(
        starts,
        additional,
        _share(additional, starts),
        e26,
        r26,
        _share(r26, e26),
        e52,
        r52,
        _share(r52, e52),
    )


# --- Social value of delivered outputs -------------------------------------------------------


@dataclass(frozen=True)
class Proxy:
    value: Decimal  # £ per unit
    effective_from: dt.date
    table_version: str = ""


def proxy_on(proxies: Sequence[Proxy], day: dt.date) -> Proxy | None:
    """The proxy in force on ``day``: the latest one effective on or before it."""
    best = None
    for p in proxies:
        if p.effective_from <= day and (best is None or p.effective_from > best.effective_from):
            best = p
    return best


# --- SROI ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    name: str
    quantity: Decimal
    proxy: Decimal  # £ per unit of outcome
    deadweight: Decimal = ZERO  # proportions, 0–1
    displacement: Decimal = ZERO
    attribution: Decimal = ZERO
    drop_off: Decimal = ZERO
    duration_years: int = 1

    @property
    def impact(self) -> Decimal:
        """Year 1 value: quantity × proxy × (1 − deadweight) × (1 − displacement) ×
        (1 − attribution)."""
        return (
            self.quantity
            * self.proxy
            * (ONE - self.deadweight)
            * (ONE - self.displacement)
            * (ONE - self.attribution)
        )

    def value_in(self, year: int) -> Decimal:
        """Year ``year``'s value: the impact, less drop-off compounded after year 1."""
        if year < 1 or year > self.duration_years:
            return ZERO
        return self.impact * (ONE - self.drop_off) ** (year - 1)


@dataclass(frozen=True)
class Year:
    year: int
    value: Decimal
    discounted: Decimal


@dataclass(frozen=True)
class SroiResult:
    investment: Decimal
    discount_rate: Decimal
    present_value: Decimal
    npv: Decimal
    ratio: Decimal | None
    payback_months: Decimal | None
    years: tuple[Year, ...]
    impacts: tuple[Decimal, ...]  # year 1 value of each outcome
    convention: str = CONVENTION

    @property
    def total_value(self) -> Decimal:
        return sum((y.value for y in self.years), ZERO)


MAX_YEARS = 50


def validate_sroi(investment: Decimal, discount_rate: Decimal, outcomes: Sequence[Outcome]) -> None:
    if investment is None or investment <= 0:
        raise CalcInputError("Enter an investment above £0.", field="investment")
    if not ZERO <= discount_rate < ONE:
        raise CalcInputError(
            "The discount rate is a proportion from 0 to below 1 (0.035 for 3.5 %).",
            field="discount_rate",
        )
    if not outcomes:
        raise CalcInputError("Add at least one outcome.", field="outcomes")
    for i, o in enumerate(outcomes):
        where = f"outcomes[{i}]"
        if not (o.name or "").strip():
            raise CalcInputError("Name the outcome.", field=f"{where}.name")
        if o.quantity < 0:
            raise CalcInputError("The quantity cannot be negative.", field=f"{where}.quantity")
        if o.proxy < 0:
            raise CalcInputError("The proxy cannot be negative.", field=f"{where}.proxy")
        for name in ("deadweight", "displacement", "attribution", "drop_off"):
            if not ZERO <= getattr(o, name) <= ONE:
                raise CalcInputError(
                    f"{name.replace('_', '-').capitalize()} is a proportion from 0 to 1.",
                    field=f"{where}.{name}",
                )
        if not 1 <= o.duration_years <= MAX_YEARS:
            raise CalcInputError(
                f"The duration is from 1 to {MAX_YEARS} years.", field=f"{where}.duration_years"
            )


def sroi(
    *,
    investment: Decimal,
    outcomes: Sequence[Outcome],
    discount_rate: Decimal = DEFAULT_DISCOUNT_RATE,
) -> SroiResult:
    """PV = Σ_t Σ_k V_{k,t} / (1 + r)^t; NPV = PV − investment; ratio = PV ÷ investment;
    payback months = investment ÷ (year 1 value ÷ 12) (docs/formulas.md, SROI)."""
    investment = Decimal(investment)
    discount_rate = Decimal(discount_rate)
    validate_sroi(investment, discount_rate, outcomes)
    horizon = max(o.duration_years for o in outcomes)
    years = []
    for t in range(1, horizon + 1):
        value = sum((o.value_in(t) for o in outcomes), ZERO)
        years.append(Year(t, value, value / (ONE + discount_rate) ** t))
    present = sum((y.discounted for y in years), ZERO)
    first = years[0].value
    return SroiResult(
        investment=investment,
        discount_rate=discount_rate,
        present_value=present,
        npv=present - investment,
        ratio=present / investment,
        payback_months=None if first <= 0 else investment / (first / 12),
        years=tuple(years),
        impacts=tuple(o.impact for o in outcomes),
    )


@dataclass(frozen=True)
class Scenario:
    label: str
    present_value: Decimal
    ratio: Decimal
    change: Decimal  # ratio − base ratio


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, ZERO), ONE)


SENSITIVITY_STEP = Decimal("0.1")  # ten percentage points
PROXY_STEP = Decimal("0.2")  # proxies ±20 %


def sensitivity(
    *,
    investment: Decimal,
    outcomes: Sequence[Outcome],
    discount_rate: Decimal = DEFAULT_DISCOUNT_RATE,
) -> list[Scenario]:
    """How the ratio moves when every outcome's proxy changes by ±20 %, its deadweight,
    attribution and drop-off by ±10 percentage points (clamped to 0–1), and the discount rate
    is 0 or doubled (the SROI guide's "vary deadweight, attribution, drop-off, proxies")."""
    base = sroi(investment=investment, outcomes=outcomes, discount_rate=discount_rate)
    step = SENSITIVITY_STEP
    cases = [
        ("Proxies 20 % lower", lambda o: replace(o, proxy=o.proxy * (ONE - PROXY_STEP)), None),
        ("Proxies 20 % higher", lambda o: replace(o, proxy=o.proxy * (ONE + PROXY_STEP)), None),
    ]
    for name, label in (
        ("deadweight", "Deadweight"),
        ("attribution", "Attribution"),
        ("drop_off", "Drop-off"),
    ):
        cases.append(
            (
                f"{label} 10 points higher",
                lambda o, n=name: replace(o, **{n: _clamp(getattr(o, n) + step)}),
                None,
            )
        )
        cases.append(
            (
                f"{label} 10 points lower",
                lambda o, n=name: replace(o, **{n: _clamp(getattr(o, n) - step)}),
                None,
            )
        )
    cases.append(("No discounting", lambda o: o, ZERO))
    cases.append(("Discount rate doubled", lambda o: o, min(discount_rate * 2, Decimal("0.99"))))
    rows = [Scenario("As entered", base.present_value, base.ratio, ZERO)]
    for label, change, rate in cases:
        result = sroi(
            investment=investment,
            outcomes=[change(o) for o in outcomes],
            discount_rate=discount_rate if rate is None else rate,
        )
        rows.append(Scenario(label, result.present_value, result.ratio, result.ratio - base.ratio))
    return rows


@dataclass
class SroiSummary:
    """A result and its sensitivity table, for pages and reports."""

    result: SroiResult
    scenarios: list[Scenario] = field(default_factory=list)


def analyse(
    *,
    investment: Decimal,
    outcomes: Sequence[Outcome],
    discount_rate: Decimal = DEFAULT_DISCOUNT_RATE,
) -> SroiSummary:
    result = sroi(investment=investment, outcomes=outcomes, discount_rate=discount_rate)
    return SroiSummary(
        result,
        sensitivity(investment=investment, outcomes=outcomes, discount_rate=discount_rate),
    )


# --- contract quarters -----------------------------------------------------------------------


def quarters(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The contract's quarters: three-month periods from its first day, the last one cut at
    its end."""
    periods = []
    n = 0
    while True:
        first = add_months(start, 3 * n)
        if first > end:
            return periods
        last = min(add_months(start, 3 * (n + 1)) - dt.timedelta(days=1), end)
        periods.append((first, last))
        n += 1


def quarter_label(start: dt.date, end: dt.date) -> str:
    """“October to December 2007”, “November 2007 to January 2008” for whole months; with the
    days when the quarter does not start on the 1st or end on a month's last day (a contract
    starting on 8 October 2007: “8 October 2007 to 7 January 2008”), so that no quarter reads
    as four months."""
    whole = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    first = f"{start:%B}" if whole else f"{start.day} {start:%B}"
    last = f"{end:%B %Y}" if whole else f"{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{first} to {last}"
    return f"{first} {start:%Y} to {last}"


def financial_year(day: dt.date) -> int:
    """The financial year (April–March) ``day`` falls in, named by its first calendar year."""
    return day.year if day.month >= 4 else day.year - 1
