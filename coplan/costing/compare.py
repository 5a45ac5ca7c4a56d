"""Comparing two versions of a cost model: the key figures side by side, then what changed in
the lines (posts, direct costs, pools) and the settings."""

from dataclasses import dataclass, field
from decimal import Decimal

from . import queries


@dataclass
class FigureRow:
    label: str
    before: Decimal | None
    after: Decimal | None
    kind: str = "money"  # money, number, rate

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class LineChange:
    section: str
    name: str
    change: str  # added, removed, changed
    before: str = ""
    after: str = ""


@dataclass
class Comparison:
    older: object
    newer: object
    figures: list[FigureRow] = field(default_factory=list)
    lines: list[LineChange] = field(default_factory=list)
    errors: dict = field(default_factory=dict)


def _money(value) -> str:
    return f"£{value:,.2f}"


def _staff(version) -> dict[str, str]:
    rows = {}
    for line in version.staff_lines.all():
        times = ", ".join(
            f"{t.activity.name} {t.fraction * 100:g} %"
            for t in sorted(line.times.all(), key=lambda t: t.activity.order)
        )
        rows[line.name] = f"{_money(line.cost)} a year; {times or 'no time allocated'}"
    return rows


def _costs(version) -> dict[str, str]:
    return {
        c.name: f"{_money(c.amount)} on {c.activity.name} ({c.get_category_display().lower()})"
        for c in version.direct_costs.all()
    }


def _pools(version) -> dict[str, str]:
    rows = {}
    for p in version.pools.all():
        text = f"{_money(p.amount)} by {p.get_driver_display().lower()}"
        if p.denominator is not None:
            text += f" over {p.denominator.normalize():f}"
        rows[p.name] = text
    return rows


def _settings(version) -> dict[str, str]:
    return {
        "Activities": ", ".join(a.name for a in version.activities.all()),
        "Units of service": f"{version.units.normalize():f}",
        "Surplus": f"{version.surplus_rate * 100:g} %",
        "Denominator": version.get_basis_display(),
        "Staff with no allocation": "counted" if version.count_unallocated_staff else "not counted",
        "Period": version.period or "not given",
    }


def _diff(section, before: dict, after: dict) -> list[LineChange]:
    changes = []
    for name in before:
        if name not in after:
            changes.append(LineChange(section, name, "removed", before[name], ""))
        elif before[name] != after[name]:
            changes.append(LineChange(section, name, "changed", before[name], after[name]))
    for name in after:
        if name not in before:
            changes.append(LineChange(section, name, "added", "", after[name]))
    return changes


def compare_versions(older, newer) -> Comparison:
    model = older.cost_model
    a, b = queries.full_version(older), queries.full_version(newer)
    a.cost_model = b.cost_model = model
    calc_a, calc_b = queries.calculate(a), queries.calculate(b)
    comparison = Comparison(older=a, newer=b)
    ra, rb = calc_a.result, calc_b.result
    if calc_a.errors:
        comparison.errors[a.number] = calc_a.errors
    if calc_b.errors:
        comparison.errors[b.number] = calc_b.errors

    def figure(label, name, kind="money"):
        comparison.figures.append(
            FigureRow(
                label,
                getattr(ra, name) if ra else None,
                getattr(rb, name) if rb else None,
                kind,
            )
        )

    figure("Direct cost", "direct_cost")
    figure("Overheads", "overheads")
    figure("Full cost", "full_cost")
    figure("Units of service", "units", "number")
    figure("Unit cost", "unit_cost")
    figure("Price", "price")
    figure("Overhead recovery rate", "overhead_recovery_rate", "rate")
    figure("Unallocated overheads", "total_unallocated")
    comparison.lines = (
        _diff("Settings", _settings(a), _settings(b))
        + _diff("Staff", _staff(a), _staff(b))
        + _diff("Direct costs", _costs(a), _costs(b))
        + _diff("Overhead pools", _pools(a), _pools(b))
    )
    return comparison
