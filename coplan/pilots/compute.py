"""What a KPI and a rollup are made of, computed two ways that must always agree.

* From a polars frame of new records (an import chunk, or the one row of a single entry or
  edit): :func:`frame_monthly` and :func:`frame_kpi_parts`.
* From the database, for records already stored (a revert, rebuilding a KPI after its
  definition changes, and the tests that prove the rollups equal the records' aggregates):
  :func:`queryset_monthly` and :func:`queryset_kpi_parts`.

A record-based KPI picks the records matching its filter (service, provider, outcome codes):
``rows``. If it has a condition, ``eligible`` are the rows whose condition field is known and
``hits`` those meeting it; without one, all rows are eligible hits. Its value is then

=========== ===============================
count        hits
sum          Σ measure over the hits
average      Σ measure ÷ known measures over the hits
percentage   hits ÷ eligible × 100
per_unit     Σ measure ÷ Σ quantity over the hits
=========== ===============================
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Cast, Round

from .enums import Aggregation, ConditionField, Direction, Op, Rag

MonthKey = tuple[int, int, dt.date]  # service id, provider id, month
ZERO = Decimal(0)
HISTOGRAM = ("sat_1", "sat_2", "sat_3", "sat_4", "sat_5")
MONTHLY_FIELDS = (
    "records",
    "quantity",
    "cost",
    "satisfaction_sum",
    "satisfaction_count",
    *HISTOGRAM,
)
KPI_FIELDS = ("rows", "eligible", "hits", "total", "measured", "quantity")
DECIMAL_FIELDS = {"quantity", "cost", "total"}


def _zero(name):
    return ZERO if name in DECIMAL_FIELDS else 0


@dataclass
class Parts:
    """Additive sums for one rollup row."""

    values: dict = field(default_factory=dict)

    def add(self, other: dict, sign: int = 1) -> None:
        for name, value in other.items():
            value = value if value is not None else _zero(name)
            if name in DECIMAL_FIELDS:
                value = Decimal(value)
            self.values[name] = self.values.get(name, _zero(name)) + sign * value


@dataclass(frozen=True)
class KpiSpec:
    """The computable part of a record-based KPI."""

    id: int
    aggregation: str
    measure: str = ""
    service_id: int | None = None
    provider_id: int | None = None
    outcomes: tuple[str, ...] = ()
    condition_field: str = ""
    condition_op: str = ""
    condition_value: object = None

    @classmethod
    def of(cls, kpi) -> "KpiSpec":
        value = None
        if kpi.condition_field:
            value = parse_condition_value(
                kpi.condition_field, kpi.condition_op, kpi.condition_value
            )
        return cls(
            id=kpi.pk,
            aggregation=kpi.aggregation,
            measure=kpi.measure,
            service_id=kpi.filter_service_id,
            provider_id=kpi.filter_provider_id,
            outcomes=split_codes(kpi.filter_outcomes),
            condition_field=kpi.condition_field,
            condition_op=kpi.condition_op,
            condition_value=value,
        )


def split_codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in (text or "").split(",") if c.strip())


def parse_condition_value(field_name: str, op: str, raw: str):
    """The condition's value as the field's type; ``ValueError`` with a message if it is not."""
    numeric = ConditionField(field_name).numeric
    parts = split_codes(raw) if op == Op.IN else (str(raw).strip(),)
    if not parts or not all(parts):
        raise ValueError("Enter the value the condition compares with.")
    if numeric:
        try:
            parts = tuple(Decimal(p) for p in parts)
        except InvalidOperation:
            raise ValueError("Enter a number, like 5 or 2.5.") from None
    return parts if op == Op.IN else parts[0]


# --- from polars frames ----------------------------------------------------------------------


def frame_monthly(frame) -> dict[MonthKey, dict]:
    """Monthly rollup sums of a frame of new records (columns as the records table)."""
    import polars as pl

    sat = pl.col("satisfaction")
    grouped = frame.group_by(["service_id", "provider_id", "month"]).agg(
        pl.len().alias("records"),
        pl.col("quantity").sum().alias("quantity"),
        pl.col("cost").sum().alias("cost"),
        sat.cast(pl.Int64).sum().alias("satisfaction_sum"),
        sat.count().alias("satisfaction_count"),
        *[(sat == k).sum().alias(f"sat_{k}") for k in range(1, 6)],
    )
    return {
        (r["service_id"], r["provider_id"], r["month"]): r for r in grouped.iter_rows(named=True)
    }


def _polars_condition(spec: KpiSpec):
    import polars as pl

    column = pl.col(spec.condition_field)
    value = spec.condition_value
    if spec.condition_field != ConditionField.OUTCOME:
        column = column.cast(pl.Float64)
        value = [float(v) for v in value] if spec.condition_op == Op.IN else float(value)
    known = column.is_not_null()
    if spec.condition_field == ConditionField.OUTCOME:
        known = known & (column != "")
    test = {
        Op.LT: lambda: column < value,
        Op.LTE: lambda: column <= value,
        Op.EQ: lambda: column == value,
        Op.NE: lambda: column != value,
        Op.GTE: lambda: column >= value,
        Op.GT: lambda: column > value,
        Op.IN: lambda: column.is_in(list(value)),
    }[Op(spec.condition_op)]()
    return known, known & test


def frame_kpi_parts(frame, specs: list[KpiSpec]) -> dict[tuple[int, MonthKey], dict]:
    import polars as pl

    result = {}
    for spec in specs:
        selected = frame
        if spec.service_id:
            selected = selected.filter(pl.col("service_id") == spec.service_id)
        if spec.provider_id:
            selected = selected.filter(pl.col("provider_id") == spec.provider_id)
        if spec.outcomes:
            selected = selected.filter(pl.col("outcome_code").is_in(list(spec.outcomes)))
        if selected.height == 0:
            continue
        if spec.condition_field:
            known, hit = _polars_condition(spec)
        else:
            known = hit = pl.col("service_id").is_not_null()  # every row, as a column
        measure = pl.col(spec.measure) if spec.measure else pl.lit(None, dtype=pl.Int64)
        grouped = selected.group_by(["service_id", "provider_id", "month"]).agg(
            pl.len().alias("rows"),
            known.fill_null(False).sum().alias("eligible"),
            hit.fill_null(False).sum().alias("hits"),
            measure.filter(hit.fill_null(False)).sum().alias("total"),
            measure.filter(hit.fill_null(False)).count().alias("measured"),
            pl.col("quantity").filter(hit.fill_null(False)).sum().alias("quantity"),
        )
        for r in grouped.iter_rows(named=True):
            key = (r.pop("service_id"), r.pop("provider_id"), r.pop("month"))
            result[(spec.id, key)] = r
    return result


# --- from the database -----------------------------------------------------------------------


CENT = Decimal("0.01")
MONEY_MEASURES = {"quantity", "cost"}


def _pence(name: str, filter=None):
    """An exact sum of a 2-decimal column, in hundredths: SQLite keeps decimals as floating
    point, whose sums drift by fractions of a penny over a million rows."""
    return Sum(Cast(Round(F(name) * 100), BigIntegerField()), filter=filter)


def _from_pence(rows: list[dict], names) -> None:
    for row in rows:
        for name in names:
            value = row.get(name)
            row[name] = (Decimal(value) / 100).quantize(CENT) if value is not None else ZERO


def queryset_monthly(records) -> dict[MonthKey, dict]:
    rows = list(
        records.order_by()
        .values("service_id", "provider_id", "month")
        .annotate(
            records=Count("id"),
            quantity=_pence("quantity"),
            cost=_pence("cost"),
            satisfaction_sum=Sum("satisfaction"),
            satisfaction_count=Count("satisfaction"),
            **{f"sat_{k}": Count("id", filter=Q(satisfaction=k)) for k in range(1, 6)},
        )
    )
    _from_pence(rows, ("quantity", "cost"))
    return {(r.pop("service_id"), r.pop("provider_id"), r.pop("month")): r for r in rows}


def _q_condition(spec: KpiSpec) -> tuple[Q, Q]:
    name, value = spec.condition_field, spec.condition_value
    known = Q(**{f"{name}__isnull": False})
    if name == ConditionField.OUTCOME:
        known &= ~Q(outcome_code="")
    op = Op(spec.condition_op)
    if op == Op.NE:
        test = ~Q(**{name: value})
    elif op == Op.IN:
        test = Q(**{f"{name}__in": list(value)})
    else:
        lookup = {Op.LT: "lt", Op.LTE: "lte", Op.EQ: "exact", Op.GTE: "gte", Op.GT: "gt"}[op]
        test = Q(**{f"{name}__{lookup}": value})
    return known, known & test


def queryset_kpi_parts(records, specs: list[KpiSpec]) -> dict[tuple[int, MonthKey], dict]:
    result = {}
    for spec in specs:
        selected = records
        if spec.service_id:
            selected = selected.filter(service_id=spec.service_id)
        if spec.provider_id:
            selected = selected.filter(provider_id=spec.provider_id)
        if spec.outcomes:
            selected = selected.filter(outcome_code__in=spec.outcomes)
        aggregates = {"rows": Count("id")}
        if spec.condition_field:
            known, hit = _q_condition(spec)
            aggregates["eligible"] = Count("id", filter=known)
            aggregates["hits"] = Count("id", filter=hit)
        else:
            hit = None
            aggregates["eligible"] = Count("id")
            aggregates["hits"] = Count("id")
        money = ["quantity"]
        if spec.measure:
            if spec.measure in MONEY_MEASURES:
                aggregates["total"] = _pence(spec.measure, filter=hit)
                money.append("total")
            else:
                aggregates["total"] = Sum(spec.measure, filter=hit)
            aggregates["measured"] = Count(spec.measure, filter=hit)
        aggregates["quantity"] = _pence("quantity", filter=hit)
        rows = list(
            selected.order_by().values("service_id", "provider_id", "month").annotate(**aggregates)
        )
        _from_pence(rows, money)
        for r in rows:
            key = (r.pop("service_id"), r.pop("provider_id"), r.pop("month"))
            r.setdefault("total", ZERO)
            r.setdefault("measured", 0)
            result[(spec.id, key)] = r
    return result


# --- values and status -----------------------------------------------------------------------


def value_of(aggregation: str, parts: dict | None) -> Decimal | None:
    """A KPI's value from summed parts (None when there is nothing to compute it from)."""
    if not parts:
        return None
    agg = Aggregation(aggregation)
    total = Decimal(parts.get("total") or 0)
    if agg == Aggregation.COUNT:
        return Decimal(parts.get("hits") or 0)
    if agg == Aggregation.SUM:
        return total if parts.get("measured") else ZERO
    if agg == Aggregation.AVERAGE:
        measured = parts.get("measured") or 0
        return total / measured if measured else None
    if agg == Aggregation.PERCENTAGE:
        eligible = parts.get("eligible") or 0
        return Decimal(parts.get("hits") or 0) * 100 / eligible if eligible else None
    quantity = Decimal(parts.get("quantity") or 0)
    return total / quantity if quantity else None


def rag(value, target, direction: str, tolerance) -> Rag:
    """Green when the target is met; amber within ``tolerance`` % of the target; else red."""
    if value is None or target is None:
        return Rag.NONE
    value, target = Decimal(value), Decimal(target)
    margin = abs(target) * Decimal(tolerance or 0) / 100
    if direction == Direction.LOWER:
        if value <= target:
            return Rag.GREEN
        return Rag.AMBER if value <= target + margin else Rag.RED
    if value >= target:
        return Rag.GREEN
    return Rag.AMBER if value >= target - margin else Rag.RED


def merge(rows, fields) -> dict:
    """Sum rollup rows (dicts) field by field."""
    total = defaultdict(int)
    for name in fields:
        total[name] = _zero(name)
    for row in rows:
        for name in fields:
            value = row[name] if isinstance(row, dict) else getattr(row, name)
            total[name] += value or _zero(name)
    return dict(total)


# --- judging a KPI over an evaluation period (docs/formulas.md, KPI judgement) ---------------

# The share of full periods a KPI must meet its target in to be judged green, and the share
# that must be green or amber for it to be judged amber rather than red.
GREEN_SHARE = Decimal("0.75")
AMBER_SHARE = Decimal("0.5")
ADDITIVE = {Aggregation.COUNT, Aggregation.SUM}


@dataclass(frozen=True)
class PeriodValue:
    """A KPI's value in one of its periods (a month or a quarter)."""

    start: dt.date
    label: str
    value: Decimal | None
    full: bool  # wholly inside the evaluation period and the pilot, and ended


@dataclass(frozen=True)
class Judgement:
    """A KPI judged over an evaluation period: its headline ``value``, its status, and
    ``basis``, the sentence that says how both were reached."""

    value: Decimal | None
    rag: Rag
    basis: str
    met: int = 0
    judged: int = 0


def _figure(value: Decimal, unit: str) -> str:
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.1f}"
    if unit == "%":
        return f"{text}%"
    if unit == "£":
        return f"£{value:,.2f}"
    return text


def judge(
    periods: list[PeriodValue],
    *,
    pooled: Decimal | None,
    additive: bool,
    target,
    direction: str,
    tolerance,
    unit: str = "",
    noun: str = "month",
) -> Judgement:
    """Judge a periodic KPI (monthly or quarterly target) on its *full* periods only: a
    partial period (the evaluation or the pilot starts or ends inside it, or it has not
    ended) is shown but never judged.

    * Status: green if the target was met in at least three quarters of the full periods
      with data; amber if at least half were green or amber; red otherwise.
    * Value: for a count or a sum, the mean per full period (comparable with a target per
      period, never the total of all periods); for a ratio (an average, a percentage, a cost
      per unit), ``pooled``, the ratio over the full periods' records together.
    """
    full = [p for p in periods if p.full and p.value is not None]
    partial = [p for p in periods if not p.full]
    notes = []
    if partial:
        listed = ", ".join(p.label for p in partial)
        notes.append(f"{listed} {'is' if len(partial) == 1 else 'are'} partial and not judged.")
    if not full:
        return Judgement(
            None, Rag.NONE, " ".join([f"No full {noun} with data yet, so not judged.", *notes])
        )
    rags = [rag(p.value, target, direction, tolerance) for p in full]
    met = sum(1 for r in rags if r == Rag.GREEN)
    near = sum(1 for r in rags if r == Rag.AMBER)
    judged = len(full)
    if met >= GREEN_SHARE * judged:
        status = Rag.GREEN
    elif met + near >= AMBER_SHARE * judged:
        status = Rag.AMBER
    else:
        status = Rag.RED
    values = [p.value for p in full]
    better = min if direction == Direction.LOWER else max
    worse = max if direction == Direction.LOWER else min
    plural = f"{noun}s" if judged != 1 else noun
    if additive:
        value = sum(values, ZERO) / judged
        headline = f"a {noun} on average {_figure(value, unit)}"
    else:
        value = pooled
        headline = (
            f"over those {plural} together {_figure(value, unit)}" if value is not None else ""
        )
    sentence = f"Target met in {met} of {judged} full {plural}"
    if near:
        sentence += f", {near} more within the amber tolerance"
    sentence += f"; best {_figure(better(values), unit)}, worst {_figure(worse(values), unit)}" + (
        f"; {headline}" if headline else ""
    )
    if judged > 1 and _figure(values[0], unit) != _figure(values[-1], unit):
        improving = (values[-1] < values[0]) == (direction == Direction.LOWER)
        sentence += f"; {'improving' if improving else 'worsening'} from the first to the last"
    return Judgement(value, status, " ".join([sentence + ".", *notes]), met, judged)
