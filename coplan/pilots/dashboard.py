"""The pilot dashboard, computed from the rollups only.

Nothing here reads delivery records: the per-month rollups (a few hundred rows for a pilot of
any size), KPI rollups, feedback counts and manual values are read in a handful of queries and
combined in Python, so the dashboard of a million-record pilot costs what a thousand-record
pilot's does. Charts are cached by the pilot's ``data_version``, which every change bumps.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count
from django.utils.safestring import mark_safe

from coplan.core import charts, clock
from coplan.core.dates import add_months

from . import compute
from .enums import Aggregation, Frequency, Method, Op, Rag
from .models import Feedback, Kpi, KpiRollup, KpiValue, MonthlyRollup, Pilot, PilotProvider

CHART_SECONDS = 24 * 60 * 60


def month_label(month: dt.date) -> str:
    return f"{month:%b %Y}"


def quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def period_label(start: dt.date, frequency: str) -> str:
    if frequency == Frequency.QUARTERLY:
        end = add_months(start, 2)
        return f"{start:%b}–{end:%b %Y}"
    return month_label(start)


def pilot_months(pilot: Pilot, today: dt.date | None = None) -> list[dt.date]:
    """First days of the pilot's months, up to its last day or this month if earlier."""
    today = today or clock.today()
    last = min(pilot.last_day, today)
    months = []
    month = pilot.starts_on.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass(frozen=True)
class Filters:
    month: dt.date | None = None
    service: int | None = None
    provider: int | None = None

    @classmethod
    def from_query(cls, query, pilot: Pilot, months: list[dt.date]) -> "Filters":
        def number(name, allowed):
            try:
                value = int(query.get(name, ""))
            except (TypeError, ValueError):
                return None
            return value if value in allowed else None

        month = None
        raw = query.get("month", "")
        for candidate in months:
            if raw == f"{candidate:%Y-%m}":
                month = candidate
        services = {s.pk for s in pilot.services.all()}
        providers = {p.organisation_id for p in pilot.providers.all()}
        return cls(month, number("service", services), number("provider", providers))

    @property
    def key(self) -> str:
        return f"{self.month or ''}:{self.service or ''}:{self.provider or ''}"

    def matches(self, service_id, provider_id) -> bool:
        return (self.service is None or service_id == self.service) and (
            self.provider is None or provider_id == self.provider
        )

    @property
    def active(self) -> bool:
        return bool(self.month or self.service or self.provider)


@dataclass
class Point:
    period: dt.date
    label: str
    value: Decimal | None
    rag: Rag
    complete: bool = True  # False: the period has not ended yet (a month so far)


@dataclass
class KpiResult:
    kpi: Kpi
    points: list[Point]
    latest: Point | None
    to_date: Decimal | None
    hidden: bool = False  # a cost KPI shown to someone who may not see costs
    chart: str = ""
    applies_filters: bool = True

    @property
    def rag(self) -> Rag:
        return self.latest.rag if self.latest else Rag.NONE


@dataclass
class Dashboard:
    pilot: Pilot
    filters: Filters
    months: list[dt.date]
    show_costs: bool
    kpis: list[KpiResult] = field(default_factory=list)
    volumes: list[dict] = field(default_factory=list)  # per service: unit, per-month quantities
    volume_totals: list[dict] = field(default_factory=list)
    unit_costs: list[dict] = field(default_factory=list)
    satisfaction: list[dict] = field(default_factory=list)
    satisfaction_total: int = 0
    satisfaction_average: Decimal | None = None
    feedback: list[dict] = field(default_factory=list)
    feedback_total: int = 0
    feedback_average: Decimal | None = None
    records: int = 0
    charts: dict = field(default_factory=dict)
    rag_counts: dict = field(default_factory=dict)
    today: dt.date | None = None

    @property
    def shown_months(self) -> list[dt.date]:
        if self.filters.month:
            return [m for m in self.months if m <= self.filters.month]
        return self.months


def _selected(months: list[dt.date], filters: Filters) -> set[dt.date]:
    return {filters.month} if filters.month else set(months)


def build(
    pilot: Pilot,
    filters: Filters | None = None,
    *,
    show_costs: bool = True,
    with_charts: bool = True,
    today: dt.date | None = None,
) -> Dashboard:
    today = today or clock.today()
    months = pilot_months(pilot, today)
    filters = filters or Filters()
    board = Dashboard(pilot=pilot, filters=filters, months=months, show_costs=show_costs)
    board.today = today
    services = {s.pk: s for s in pilot.services.all()}
    providers = {
        p.organisation_id: p.organisation
        for p in PilotProvider.objects.filter(pilot=pilot).select_related("organisation")
    }
    rows = list(
        MonthlyRollup.objects.filter(pilot=pilot).values_list(
            "service_id", "provider_id", "month", *compute.MONTHLY_FIELDS
        )
    )
    selected = _selected(months, filters)
    _volumes(board, rows, services, providers, selected)
    _feedback(board, pilot, selected)
    _kpis(board, pilot, services)
    if with_charts:
        _charts(board)
    return board


def _volumes(board, rows, services, providers, selected):
    filters = board.filters
    per_service = defaultdict(lambda: defaultdict(lambda: [0, Decimal(0)]))
    cost_cells = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    histogram = [0] * 5
    satisfaction_sum = 0
    for service_id, provider_id, month, *values in rows:
        data = dict(zip(compute.MONTHLY_FIELDS, values, strict=True))
        if not filters.matches(service_id, provider_id):
            continue
        if month <= (filters.month or month):
            cell = per_service[service_id][month]
            cell[0] += data["records"]
            cell[1] += data["quantity"]
        if month not in selected:
            continue
        board.records += data["records"]
        costs = cost_cells[(service_id, provider_id)]
        costs[0] += data["cost"]
        costs[1] += data["quantity"]
        costs[2] += data["records"]
        for k in range(5):
            histogram[k] += data[f"sat_{k + 1}"]
        satisfaction_sum += data["satisfaction_sum"]
    for service_id, service in services.items():
        if filters.service and service_id != filters.service:
            continue
        cells = per_service.get(service_id, {})
        board.volumes.append(
            {
                "service": service,
                "months": [
                    {
                        "month": m,
                        "records": cells.get(m, [0, 0])[0],
                        "quantity": cells.get(m, [0, 0])[1],
                    }
                    for m in board.shown_months
                ],
                "records": sum(cells.get(m, [0, 0])[0] for m in selected),
                "quantity": sum((cells.get(m, [0, Decimal(0)])[1] for m in selected), Decimal(0)),
            }
        )
    if board.show_costs:
        for (service_id, provider_id), (cost, quantity, records) in sorted(
            cost_cells.items(),
            key=lambda kv: (services[kv[0][0]].position, str(providers.get(kv[0][1], ""))),
        ):
            board.unit_costs.append(
                {
                    "service": services[service_id],
                    "provider": providers.get(provider_id),
                    "records": records,
                    "quantity": quantity,
                    "cost": cost,
                    "unit_cost": (cost / quantity).quantize(Decimal("0.01")) if quantity else None,
                }
            )
    total = sum(histogram)
    board.satisfaction_total = total
    board.satisfaction_average = Decimal(satisfaction_sum) / total if total else None
    board.satisfaction = [
        {
            "score": k + 1,
            "count": histogram[k],
            "share": round(histogram[k] * 100 / total) if total else 0,
        }
        for k in range(5)
    ]


def _feedback_rows(pilot):
    return list(
        Feedback.objects.filter(pilot=pilot)
        .values_list("month", "service_id", "provider_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
    )


def _feedback(board, pilot, selected):
    filters = board.filters
    histogram = [0] * 5
    board._feedback_rows = rows = _feedback_rows(pilot)
    total_rating = 0
    for month, service_id, provider_id, rating, n in rows:
        if month not in selected:
            continue
        if filters.service and service_id not in (None, filters.service):
            continue
        if filters.provider and provider_id not in (None, filters.provider):
            continue
        histogram[rating - 1] += n
        total_rating += rating * n
    total = sum(histogram)
    board.feedback_total = total
    board.feedback_average = Decimal(total_rating) / total if total else None
    board.feedback = [
        {
            "score": k + 1,
            "count": histogram[k],
            "share": round(histogram[k] * 100 / total) if total else 0,
        }
        for k in range(5)
    ]


def _periods(board, frequency) -> list[dt.date]:
    if frequency == Frequency.QUARTERLY:
        seen = []
        for month in board.shown_months:
            q = quarter_of(month)
            if q not in seen:
                seen.append(q)
        return seen
    return list(board.shown_months)


def _period_of(month, frequency):
    return quarter_of(month) if frequency == Frequency.QUARTERLY else month


def _feedback_parts(kpi: Kpi, rows, filters: Filters) -> dict[dt.date, dict]:
    spec = compute.KpiSpec.of(kpi) if kpi.condition_field else None
    parts = defaultdict(
        lambda: {
            "rows": 0,
            "eligible": 0,
            "hits": 0,
            "total": Decimal(0),
            "measured": 0,
            "quantity": Decimal(0),
        }
    )
    for month, service_id, provider_id, rating, n in rows:
        if kpi.filter_service_id and service_id != kpi.filter_service_id:
            continue
        if kpi.filter_provider_id and provider_id != kpi.filter_provider_id:
            continue
        if filters.service and service_id not in (None, filters.service):
            continue
        if filters.provider and provider_id not in (None, filters.provider):
            continue
        period = _period_of(month, kpi.frequency)
        p = parts[period]
        p["rows"] += n
        p["eligible"] += n
        hit = True
        if spec is not None:
            hit = _meets(Decimal(rating), spec.condition_op, spec.condition_value)
        if hit:
            p["hits"] += n
            p["total"] += Decimal(rating * n)
            p["measured"] += n
    return parts


def _meets(value, op, target) -> bool:
    return {
        Op.LT: lambda: value < target,
        Op.LTE: lambda: value <= target,
        Op.EQ: lambda: value == target,
        Op.NE: lambda: value != target,
        Op.GTE: lambda: value >= target,
        Op.GT: lambda: value > target,
        Op.IN: lambda: value in target,
    }[Op(op)]()


def _kpis(board, pilot, services):
    filters = board.filters
    kpis = list(Kpi.objects.filter(pilot=pilot).select_related("filter_service", "filter_provider"))
    record_ids = [k.pk for k in kpis if k.method == Method.RECORDS]
    rollup_rows = defaultdict(list)
    if record_ids:
        for row in KpiRollup.objects.filter(kpi_id__in=record_ids).values_list(
            "kpi_id", "service_id", "provider_id", "month", *compute.KPI_FIELDS
        ):
            rollup_rows[row[0]].append(row)
    manual = defaultdict(dict)
    manual_ids = [k.pk for k in kpis if k.method == Method.MANUAL]
    if manual_ids:
        for kpi_id, period, value in KpiValue.objects.filter(kpi_id__in=manual_ids).values_list(
            "kpi_id", "period", "value"
        ):
            manual[kpi_id][period] = value
    feedback_rows = getattr(board, "_feedback_rows", None) or _feedback_rows(pilot)
    counts = defaultdict(int)
    last_month = filters.month or (board.months[-1] if board.months else None)
    for kpi in kpis:
        periods = _periods(board, kpi.frequency)
        by_period: dict[dt.date, dict] = {}
        to_date_parts = None
        applies = True
        if kpi.method == Method.RECORDS:
            grouped = defaultdict(list)
            for _, service_id, provider_id, month, *values in rollup_rows[kpi.pk]:
                if not filters.matches(service_id, provider_id):
                    continue
                if last_month and month > last_month:
                    continue
                grouped[_period_of(month, kpi.frequency)].append(
                    dict(zip(compute.KPI_FIELDS, values, strict=True))
                )
            by_period = {p: compute.merge(rows, compute.KPI_FIELDS) for p, rows in grouped.items()}
            to_date_parts = (
                compute.merge([r for rows in grouped.values() for r in rows], compute.KPI_FIELDS)
                if grouped
                else None
            )
        elif kpi.method == Method.FEEDBACK:
            parts = _feedback_parts(kpi, feedback_rows, filters)
            by_period = {p: v for p, v in parts.items() if not last_month or p <= last_month}
            to_date_parts = (
                compute.merge(by_period.values(), compute.KPI_FIELDS) if by_period else None
            )
        points = []
        today = board.today
        for period in periods:
            if kpi.method == Method.MANUAL:
                value = manual[kpi.pk].get(period)
                applies = False
            else:
                value = compute.value_of(_aggregation(kpi), by_period.get(period))
            ends = add_months(period, Frequency(kpi.frequency).months)
            complete = ends <= today
            points.append(
                Point(
                    period,
                    period_label(period, kpi.frequency) + ("" if complete else " (so far)"),
                    value,
                    compute.rag(value, kpi.target, kpi.direction, kpi.amber_tolerance),
                    complete,
                )
            )
        # The latest value is the last finished period's: a month so far would understate a
        # count or a sum. Only a pilot in its first period shows the period so far.
        known = [p for p in points if p.value is not None]
        latest = next((p for p in reversed(known) if p.complete), known[-1] if known else None)
        to_date = (
            compute.value_of(_aggregation(kpi), to_date_parts)
            if kpi.method != Method.MANUAL
            else None
        )
        hidden = kpi.uses_costs and not board.show_costs
        result = KpiResult(kpi, points, latest, to_date, hidden=hidden, applies_filters=applies)
        if not hidden:
            counts[result.rag.value] += 1
        board.kpis.append(result)
    board.rag_counts = {r.value: counts.get(r.value, 0) for r in Rag}
    del services


def _aggregation(kpi: Kpi) -> str:
    if kpi.method == Method.FEEDBACK and kpi.aggregation == Aggregation.AVERAGE:
        return Aggregation.AVERAGE
    return kpi.aggregation


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _cached(board: Dashboard, name: str, build_chart):
    digest = hashlib.sha256(
        f"{_identity(board.pilot)}:{board.filters.key}:{board.show_costs}:{name}".encode()
    ).hexdigest()[:32]
    key = f"pilots:chart:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = charts.render(build_chart())
        cache.set(key, svg, CHART_SECONDS)
    return mark_safe(svg)


def _charts(board: Dashboard) -> None:
    for result in board.kpis:
        if result.hidden or not result.points:
            continue
        kpi = result.kpi

        def build_chart(result=result, kpi=kpi):
            values = [p.value for p in result.points]
            known = [(p.label, p.value) for p in result.points if p.value is not None]
            if known:
                trend = (
                    f"From {known[0][1]:.1f} {kpi.unit} in {known[0][0]} to {known[-1][1]:.1f} "
                    f"{kpi.unit} in {known[-1][0]}"
                )
            else:
                trend = "No values yet"
            lines = [charts.Line("Target", _number(kpi.target), colour="#00703c")]
            if kpi.baseline is not None:
                lines.append(charts.Line("Baseline", _number(kpi.baseline), dash=(2, 2)))
            return charts.Chart(
                title=f"{kpi.name}: trend",
                description=f"{trend}; target {kpi.target.normalize():f} {kpi.unit}. "
                "The table beside the chart gives every value.",
                labels=[p.label for p in result.points],
                series=[charts.Series(kpi.name, [_number(v) for v in values])],
                lines=lines,
                y_label=kpi.unit,
            )

        result.chart = _cached(board, f"kpi:{kpi.pk}", build_chart)
    if board.volumes and board.shown_months:

        def volumes_chart():
            return charts.Chart(
                title="Volumes delivered by month",
                description="Quantity delivered each month, one line per service. The table "
                "beside the chart gives every value.",
                labels=[month_label(m) for m in board.shown_months],
                series=[
                    charts.Series(
                        f"{row['service'].name} ({row['service'].unit}s)",
                        [_number(c["quantity"]) for c in row["months"]],
                    )
                    for row in board.volumes
                ],
                y_label="Quantity",
            )

        board.charts["volumes"] = _cached(board, "volumes", volumes_chart)
    if board.satisfaction_total or board.feedback_total:

        def satisfaction_chart():
            series = []
            if board.satisfaction_total:
                series.append(
                    charts.Series("Delivery records", [r["count"] for r in board.satisfaction])
                )
            if board.feedback_total:
                series.append(
                    charts.Series("Service user feedback", [r["count"] for r in board.feedback])
                )
            return charts.Chart(
                title="Satisfaction distribution",
                description="How many ratings of 1 (very poor) to 5 (very good) were given. "
                "The table beside the chart gives every count.",
                labels=["1", "2", "3", "4", "5"],
                series=series,
                y_label="Ratings",
                kind="bar",
                height=2.6,
            )

        board.charts["satisfaction"] = _cached(board, "satisfaction", satisfaction_chart)


def cache_key(pilot: Pilot, query, show_costs: bool, kind: str) -> str:
    """A key for a rendered dashboard: it changes with the pilot's data version (bumped by every
    change to records, KPIs, feedback, services or providers), the day, the filters asked for
    and whether costs are shown — so a cached dashboard is never stale."""
    raw = "|".join(str(query.get(name, ""))[:20] for name in ("month", "service", "provider"))
    digest = hashlib.sha256(
        f"{_identity(pilot)}:{clock.today()}:{show_costs}:{raw}".encode()
    ).hexdigest()[:32]
    return f"pilots:{kind}:{digest}"


def _identity(pilot: Pilot) -> str:
    """The pilot's id, data version and creation time: a pilot recreated with a reused id (a
    restored database, a test) never meets the cached dashboards of its predecessor."""
    return f"{pilot.pk}:{pilot.data_version}:{pilot.created_at.timestamp()}"


def cached(key: str, make):
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, CHART_SECONDS)
    return value


def coverage(pilot: Pilot, today: dt.date | None = None) -> dict:
    """How many of the pilot's months so far have delivery records, overall and for each
    service × provider pair (read from the rollups)."""
    months = pilot_months(pilot, today)
    rows = MonthlyRollup.objects.filter(pilot=pilot).values_list(
        "service_id", "provider_id", "month"
    )
    any_month = set()
    pairs = defaultdict(set)
    for service_id, provider_id, month in rows:
        any_month.add(month)
        pairs[(service_id, provider_id)].add(month)
    expected_pairs = pilot.services.count() * pilot.providers.count()
    covered_cells = sum(len(m & set(months)) for m in pairs.values())
    return {
        "months": len(months),
        "months_with_data": len(any_month & set(months)),
        "pair_months": covered_cells,
        "pair_months_expected": expected_pairs * len(months),
    }


def _full(period: dt.date, frequency: str, window: tuple[dt.date, dt.date]) -> bool:
    """Whether ``period`` lies wholly inside ``window`` (the evaluation's dates within the
    pilot's) and has ended."""
    ends = add_months(period, Frequency(frequency).months) - dt.timedelta(days=1)
    return window[0] <= period and ends <= window[1] and ends < clock.today()


def judge_kpi(kpi: Kpi, first: dt.date, last: dt.date, window, feedback_rows) -> compute.Judgement:
    """A KPI judged over the months ``first`` to ``last`` (``window``: the exact dates), on its
    full months or quarters only (:func:`compute.judge`)."""
    frequency = kpi.frequency
    parts: dict[dt.date, dict] = {}
    manual: dict[dt.date, Decimal] = {}
    if kpi.method == Method.RECORDS:
        grouped = defaultdict(list)
        for row in KpiRollup.objects.filter(kpi=kpi, month__gte=first, month__lte=last).values(
            "month", *compute.KPI_FIELDS
        ):
            grouped[_period_of(row["month"], frequency)].append(row)
        parts = {p: compute.merge(rows, compute.KPI_FIELDS) for p, rows in grouped.items()}
    elif kpi.method == Method.FEEDBACK:
        rows = [r for r in feedback_rows if first <= r[0] <= last]
        parts = dict(_feedback_parts(kpi, rows, Filters()))
    else:
        manual = dict(
            KpiValue.objects.filter(kpi=kpi, period__gte=first, period__lte=last).values_list(
                "period", "value"
            )
        )
    aggregation = _aggregation(kpi)
    periods = [
        compute.PeriodValue(
            period,
            period_label(period, frequency),
            manual.get(period)
            if kpi.method == Method.MANUAL
            else compute.value_of(aggregation, parts.get(period)),
            _full(period, frequency, window),
        )
        for period in sorted(set(parts) | set(manual))
    ]
    full = [p.start for p in periods if p.full]
    pooled = None
    if kpi.method != Method.MANUAL and full:
        pooled = compute.value_of(
            aggregation, compute.merge([parts[p] for p in full], compute.KPI_FIELDS)
        )
    return compute.judge(
        periods,
        pooled=pooled,
        additive=kpi.method == Method.MANUAL or aggregation in compute.ADDITIVE,
        target=kpi.target,
        direction=kpi.direction,
        tolerance=kpi.amber_tolerance,
        unit=kpi.unit,
        noun="quarter" if frequency == Frequency.QUARTERLY else "month",
    )


def summarise(pilot: Pilot, start: dt.date, end: dt.date) -> dict:
    """KPI values, actual unit costs and volumes over the months from ``start`` to ``end``
    (for an evaluation's results), from the rollups. Each KPI is judged on its full months
    or quarters (:func:`judge_kpi`), with the sentence that says how."""
    first, last = start.replace(day=1), end.replace(day=1)
    services = {s.pk: s for s in pilot.services.all()}
    providers = {
        p.organisation_id: p.organisation
        for p in PilotProvider.objects.filter(pilot=pilot).select_related("organisation")
    }
    cells = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for service_id, provider_id, cost, quantity, records in MonthlyRollup.objects.filter(
        pilot=pilot, month__gte=first, month__lte=last
    ).values_list("service_id", "provider_id", "cost", "quantity", "records"):
        cell = cells[(service_id, provider_id)]
        cell[0] += cost
        cell[1] += quantity
        cell[2] += records
    unit_costs = [
        {
            "service": services[s],
            "provider": providers.get(p),
            "cost": c,
            "quantity": q,
            "records": n,
            "unit_cost": (c / q).quantize(Decimal("0.01")) if q else None,
        }
        for (s, p), (c, q, n) in sorted(
            cells.items(),
            key=lambda kv: (services[kv[0][0]].position, str(providers.get(kv[0][1]))),
        )
    ]
    volumes = []
    for service in services.values():
        quantity = sum((c[1] for (s, _), c in cells.items() if s == service.pk), Decimal(0))
        records = sum(c[2] for (s, _), c in cells.items() if s == service.pk)
        volumes.append({"service": service, "quantity": quantity, "records": records})
    kpis = []
    feedback_rows = _feedback_rows(pilot)
    window = (max(start, pilot.starts_on), min(end, pilot.last_day))
    for kpi in Kpi.objects.filter(pilot=pilot):
        judgement = judge_kpi(kpi, first, last, window, feedback_rows)
        kpis.append(
            {"kpi": kpi, "value": judgement.value, "rag": judgement.rag, "basis": judgement.basis}
        )
    return {"kpis": kpis, "unit_costs": unit_costs, "volumes": volumes}
