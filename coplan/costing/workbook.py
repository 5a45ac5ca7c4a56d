"""The cost model as an XLSX workbook laid out like the familiar ACEVO/NPC full cost recovery
template: a **Direct costs** sheet (staff with their time per activity, then non-staff
costs), a **Pools and drivers** sheet (overhead pools with their drivers, then floor area and
custom driver values) and a **Summary** sheet (the service, units, surplus, the denominator
choice and the activities; on export also the results).

Every row is written with :func:`coplan.core.tables.put_row`, so the names people typed stay
text (a post called ``=HYPERLINK(…)`` is exported as ``'=HYPERLINK(…)``, and read back without
the quote) while numbers stay numbers.

Import is all or nothing: the workbook is read with python-calamine, every cell checked, and
the calculator's own rules applied; any problem is reported with its cell reference
("Direct costs!C7") and nothing is written.
"""

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from coplan.core.errors import DomainError
from coplan.core.tables import put_row, unquote

from . import calc
from .domain import Contents
from .enums import ActivityKind, Basis, DirectCostCategory, Driver, PoolCategory

SUMMARY = "Summary"
DIRECT = "Direct costs"
POOLS = "Pools and drivers"
SHEETS = (SUMMARY, DIRECT, POOLS)

LABEL_SERVICE = "Service"
LABEL_ORGANISATION = "Organisation"
LABEL_UNIT = "Unit of service"
LABEL_PERIOD = "Period"
LABEL_UNITS = "Units of service"
LABEL_SURPLUS = "Surplus"
LABEL_BASIS = "Denominator"
LABEL_UNALLOCATED = "Count staff with no allocation"
LABEL_VERSION = "Version"
ACTIVITIES = "Activities"
RESULTS = "Results (calculated by Coplan; not read on import)"
STAFF = "Staff"
NON_STAFF = "Non-staff direct costs"
OVERHEADS = "Overhead pools"
DRIVER_VALUES = "Driver values"

STAFF_HEADER = ["Post", "Salary", "Employer's NI", "Pension"]
COST_HEADER = ["Item", "Category", "Activity", "Amount"]
POOL_HEADER = ["Pool", "Category", "Amount", "Driver", "Denominator (optional)"]
MAX_ROWS = 2000
UNREADABLE = (
    "The file is not an Excel workbook, so nothing was imported. Open it in Excel, choose "
    "File > Save As > “Excel Workbook (.xlsx)” and upload that file."
)


@dataclass(frozen=True)
class CellError:
    cell: str
    message: str

    def __str__(self):
        return f"{self.cell}: {self.message}"


class WorkbookRejected(DomainError):
    """The workbook had errors; nothing was written."""

    def __init__(self, errors: list[CellError], message: str = ""):
        shown = errors[:50]
        more = f" (and {len(errors) - 50} more)" if len(errors) > 50 else ""
        super().__init__(
            message
            or f"The workbook has {len(errors)} error{'s' if len(errors) != 1 else ''}{more}; "
            "nothing was imported. Fix them and upload it again.",
            code="import_rejected",
            field="file",
            data={
                "errors": [{"cell": e.cell, "message": e.message} for e in shown],
                "error_count": len(errors),
            },
        )
        self.errors = errors


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(sheet: str, row: int, col: int) -> str:
    """A cell reference from zero-based row and column: ``Direct costs!C7``."""
    return f"{sheet}!{column_letter(col)}{row + 1}"


def _choices(enum) -> dict[str, str]:
    """Accept a choice by its label or its code, ignoring case."""
    found = {}
    for value, label in enum.choices:
        found[str(label).casefold()] = value
        found[str(value).casefold()] = value
    return found


KINDS = _choices(ActivityKind) | {"service": ActivityKind.PROJECT, "project": ActivityKind.PROJECT}
CATEGORIES = _choices(DirectCostCategory)
POOL_CATEGORIES = _choices(PoolCategory)
DRIVERS = _choices(Driver) | {"custom": Driver.CUSTOM}
BASES = _choices(Basis) | {"all activities": Basis.ALL, "projects only": Basis.PROJECTS}
YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False}
YES.update({"0": False, "": False})


# --- export ----------------------------------------------------------------------------------


def export(version, result: calc.Result | None = None) -> bytes:
    """The version as a workbook. ``version`` is loaded with ``queries.full_version``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    model = version.cost_model
    activities = list(version.activities.all())
    book = Workbook()
    bold = Font(bold=True)
    title = Font(bold=True, size=14)

    summary = book.active
    summary.title = SUMMARY
    put_row(summary, ["Full cost recovery model"])
    summary["A1"].font = title
    put_row(summary, [])
    rows = [
        (LABEL_ORGANISATION, model.organisation.name),
        (LABEL_SERVICE, model.service),
        (LABEL_UNIT, model.unit_name),
        (LABEL_PERIOD, version.period),
        (LABEL_UNITS, version.units),
        (LABEL_SURPLUS, version.surplus_rate),
        (LABEL_BASIS, "Projects only" if version.basis == Basis.PROJECTS else "All activities"),
        (LABEL_UNALLOCATED, "Yes" if version.count_unallocated_staff else "No"),
        (LABEL_VERSION, f"{version.number} ({version.get_status_display().lower()})"),
    ]
    for label, value in rows:
        put_row(summary, [label, value])
        summary.cell(row=summary.max_row, column=1).font = bold
    summary.cell(row=8, column=2).number_format = "0.0%"
    put_row(summary, [])
    put_row(summary, [ACTIVITIES])
    summary.cell(row=summary.max_row, column=1).font = bold
    put_row(summary, ["Activity", "Kind"])
    for activity in activities:
        put_row(summary, [activity.name, activity.get_kind_display()])
    if result is not None:
        put_row(summary, [])
        put_row(summary, [RESULTS])
        summary.cell(row=summary.max_row, column=1).font = bold
        for label, value, fmt in [
            ("Denominator used", result.denominator_label, None),
            ("Direct cost", result.direct_cost, "£#,##0.00"),
            ("Overheads", result.overheads, "£#,##0.00"),
            ("Full cost", result.full_cost, "£#,##0.00"),
            ("Unit cost", result.unit_cost, "£#,##0.00"),
            ("Price", result.price, "£#,##0.00"),
            ("Overhead recovery rate", result.overhead_recovery_rate, "0.0%"),
            ("Unallocated overheads", result.total_unallocated, "£#,##0.00"),
        ]:
            put_row(summary, [label, value])
            if fmt:
                summary.cell(row=summary.max_row, column=2).number_format = fmt
        put_row(summary, [])
        put_row(
            summary,
            ["Pool", "Driver", "Denominator", "Service's share", "Service's amount", "Unallocated"],
        )
        for pool in result.pools:
            put_row(
                summary,
                [
                    pool.name,
                    pool.driver_label,
                    pool.denominator,
                    pool.service_share,
                    pool.service_amount,
                    pool.unallocated,
                ],
            )
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 44

    direct = book.create_sheet(DIRECT)
    put_row(direct, [STAFF])
    direct["A1"].font = bold
    put_row(direct, STAFF_HEADER + [f"{a.name} (% time)" for a in activities])
    for line in version.staff_lines.all():
        times = {t.activity_id: t.fraction for t in line.times.all()}
        put_row(
            direct,
            [line.name, line.salary, line.employer_ni, line.pension]
            + [times.get(a.pk, Decimal(0)) for a in activities],
        )
        for col in range(5, 5 + len(activities)):
            direct.cell(row=direct.max_row, column=col).number_format = "0.0%"
    put_row(direct, [])
    put_row(direct, [NON_STAFF])
    direct.cell(row=direct.max_row, column=1).font = bold
    put_row(direct, COST_HEADER)
    for cost in version.direct_costs.all():
        put_row(direct, [cost.name, cost.get_category_display(), cost.activity.name, cost.amount])
    direct.column_dimensions["A"].width = 34

    pools = book.create_sheet(POOLS)
    put_row(pools, [OVERHEADS])
    pools["A1"].font = bold
    put_row(pools, POOL_HEADER)
    for pool in version.pools.all():
        put_row(
            pools,
            [
                pool.name,
                pool.get_category_display(),
                pool.amount,
                pool.get_driver_display(),
                pool.denominator,
            ],
        )
    put_row(pools, [])
    put_row(pools, [DRIVER_VALUES])
    pools.cell(row=pools.max_row, column=1).font = bold
    put_row(pools, ["Driver"] + [a.name for a in activities])
    values = {(v.driver, v.activity_id): v.value for v in version.driver_values.all()}
    for driver in Driver.entered():
        if any(d == driver for d, _ in values):
            put_row(pools, [driver.label] + [values.get((driver, a.pk)) for a in activities])
    pools.column_dimensions["A"].width = 34

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def blank() -> bytes:
    """An empty template with the headings in place."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = SUMMARY
    put_row(summary, ["Full cost recovery model"])
    put_row(summary, [])
    for label, value in [
        (LABEL_ORGANISATION, ""),
        (LABEL_SERVICE, ""),
        (LABEL_UNIT, "unit"),
        (LABEL_PERIOD, ""),
        (LABEL_UNITS, 1),
        (LABEL_SURPLUS, 0),
        (LABEL_BASIS, "All activities"),
        (LABEL_UNALLOCATED, "No"),
    ]:
        put_row(summary, [label, value])
    put_row(summary, [])
    put_row(summary, [ACTIVITIES])
    put_row(summary, ["Activity", "Kind"])
    direct = book.create_sheet(DIRECT)
    put_row(direct, [STAFF])
    put_row(direct, STAFF_HEADER)
    put_row(direct, [])
    put_row(direct, [NON_STAFF])
    put_row(direct, COST_HEADER)
    pools = book.create_sheet(POOLS)
    put_row(pools, [OVERHEADS])
    put_row(pools, POOL_HEADER)
    put_row(pools, [])
    put_row(pools, [DRIVER_VALUES])
    put_row(pools, ["Driver"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- import ----------------------------------------------------------------------------------


class _Reader:
    """Reads one workbook, collecting every error with its cell reference."""

    def __init__(self, sheets: dict[str, list[list]]):
        self.sheets = sheets
        self.errors: list[CellError] = []
        self.fields: dict[str, str] = {}  # calculator field path → cell reference

    def error(self, where: str, message: str) -> None:
        self.errors.append(CellError(where, message))

    def value(self, sheet: str, row: int, col: int):
        rows = self.sheets[sheet]
        if row >= len(rows) or col >= len(rows[row]):
            return None
        return rows[row][col]

    def text(self, sheet, row, col) -> str:
        value = self.value(sheet, row, col)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return unquote(str(value).strip())  # "'-Packs" as exported reads back as "-Packs"

    def blank_row(self, sheet, row, stop: str = "") -> bool:
        """The end of a table: an empty row, or the title of the next table."""
        rows = self.sheets[sheet]
        if row >= len(rows) or all(v in (None, "") for v in rows[row]):
            return True
        return bool(stop) and self.text(sheet, row, 0).casefold() == stop.casefold()

    def find(self, sheet: str, label: str, start: int = 0) -> int | None:
        """The row whose column A reads ``label`` (ignoring case)."""
        for row in range(start, min(len(self.sheets[sheet]), MAX_ROWS)):
            if self.text(sheet, row, 0).casefold() == label.casefold():
                return row
        return None

    def number(
        self, sheet, row, col, *, what: str, places: int | None = 2, required=True, percent=False
    ) -> Decimal | None:
        where = cell(sheet, row, col)
        raw = self.value(sheet, row, col)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.error(where, f"Enter the {what}.")
            return None
        text = str(raw).strip().replace(",", "").replace("£", "")
        is_percent = text.endswith("%")
        if is_percent:
            text = text[:-1].strip()
        try:
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(text)
            if is_percent:
                value = value / 100
        except InvalidOperation:
            self.error(where, f"Enter the {what} as a number, not “{raw}”.")
            return None
        if not value.is_finite():
            self.error(where, f"Enter the {what} as a number.")
            return None
        if value < 0:
            self.error(where, f"The {what} cannot be negative.")
            return None
        if percent and value > 1:
            self.error(
                where,
                f"{raw} is more than 100 %: enter the {what} as a percentage, such as 60 %.",
            )
            return None
        if places is not None:
            rounded = value.quantize(Decimal(1).scaleb(-places))
            if percent:  # spreadsheet formulas such as =1/3 give long fractions of time
                value = rounded
            elif abs(value - rounded) > Decimal("0.000001"):
                self.error(where, f"Enter the {what} with at most {places} decimal places.")
                return None
            else:
                value = rounded
        return value

    def choice(self, sheet, row, col, options: dict, *, what: str, default=None):
        text = self.text(sheet, row, col)
        if not text and default is not None:
            return default
        found = options.get(text.casefold())
        if found is None:
            self.error(
                cell(sheet, row, col),
                f"“{text}” is not a {what}." if text else f"Choose the {what}.",
            )
        return found


def _read_sheets(data: bytes) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # a CSV, a picture, any other file: say how to make a workbook of it
        raise WorkbookRejected([CellError("file", UNREADABLE)], message=UNREADABLE) from None
    names = {name.casefold(): name for name in book.sheet_names}
    missing = [s for s in SHEETS if s.casefold() not in names]
    if missing:
        raise WorkbookRejected([CellError(s, f"The workbook has no “{s}” sheet.") for s in missing])
    return {
        s: book.get_sheet_by_name(names[s.casefold()]).to_python(skip_empty_area=False)
        for s in SHEETS
    }


def parse(data: bytes, *, service: str) -> Contents:
    """The workbook's contents, or :class:`WorkbookRejected` listing every error."""
    if not data:
        raise WorkbookRejected([CellError("file", "The file is empty.")])
    reader = _Reader(_read_sheets(data))
    contents = Contents()
    _summary(reader, contents)
    names = [name for name, _ in contents.activities]
    _direct(reader, contents, names)
    _pools(reader, contents, names)
    if not reader.errors:
        if service not in names:
            where = reader.fields.get("activities", f"{SUMMARY}!A1")
            reader.error(where, f"List the service “{service}” as an activity.")
        else:
            _check(reader, contents, service)
    if reader.errors:
        raise WorkbookRejected(reader.errors)
    return contents


def _summary(r: _Reader, contents: Contents) -> None:
    labels = {}
    end = r.find(SUMMARY, ACTIVITIES)
    for row in range(0, end if end is not None else min(len(r.sheets[SUMMARY]), 40)):
        labels[r.text(SUMMARY, row, 0).casefold()] = row
    settings = {}

    def row_of(label):
        row = labels.get(label.casefold())
        if row is None:
            r.error(f"{SUMMARY}!A1", f"The Summary sheet has no “{label}” row.")
        return row

    if (row := row_of(LABEL_UNITS)) is not None:
        settings["units"] = r.number(SUMMARY, row, 1, what="units of service")
        r.fields["units"] = cell(SUMMARY, row, 1)
        if settings["units"] is not None and settings["units"] <= 0:
            r.error(cell(SUMMARY, row, 1), "Units of service must be more than 0.")
    if (row := row_of(LABEL_SURPLUS)) is not None:
        settings["surplus_rate"] = r.number(
            SUMMARY, row, 1, what="surplus", places=4, required=False, percent=False
        ) or Decimal(0)
        if settings["surplus_rate"] > 1:  # typed as 5 meaning 5 %
            r.error(cell(SUMMARY, row, 1), "Enter the surplus as a percentage, such as 5 %.")
    if (row := row_of(LABEL_BASIS)) is not None:
        settings["basis"] = r.choice(SUMMARY, row, 1, BASES, what="denominator", default=Basis.ALL)
    if (row := labels.get(LABEL_UNALLOCATED.casefold())) is not None:
        answer = r.text(SUMMARY, row, 1).casefold()
        if answer not in YES:
            r.error(cell(SUMMARY, row, 1), "Answer Yes or No.")
        settings["count_unallocated_staff"] = YES.get(answer, False)
    if (row := labels.get(LABEL_PERIOD.casefold())) is not None:
        settings["period"] = r.text(SUMMARY, row, 1)[:100]
    contents.settings = {k: v for k, v in settings.items() if v is not None}

    if end is None:
        r.error(f"{SUMMARY}!A1", f"The Summary sheet has no “{ACTIVITIES}” table.")
        return
    first = end + 2  # the title, then the header row
    r.fields["activities"] = cell(SUMMARY, first, 0)
    seen = set()
    row = first
    while not r.blank_row(SUMMARY, row, RESULTS) and row < MAX_ROWS:
        name = r.text(SUMMARY, row, 0)
        kind = r.choice(
            SUMMARY, row, 1, KINDS, what="kind of activity", default=ActivityKind.PROJECT
        )
        if not name:
            r.error(cell(SUMMARY, row, 0), "Name the activity.")
        elif name.casefold() in seen:
            r.error(cell(SUMMARY, row, 0), f"“{name}” is listed twice.")
        elif len(name) > 200:
            r.error(cell(SUMMARY, row, 0), "Keep the activity's name under 200 characters.")
        else:
            seen.add(name.casefold())
            r.fields[f"activities.{len(contents.activities)}"] = cell(SUMMARY, row, 0)
            contents.activities.append((name, kind))
        row += 1
    if not contents.activities:
        r.error(cell(SUMMARY, first, 0), "List at least one activity.")


def _activity_columns(r: _Reader, sheet: str, header_row: int, first_col: int, names) -> dict:
    """``{column: activity name}`` for activity headings such as “Befriending (% time)”."""
    columns = {}
    width = len(r.sheets[sheet][header_row]) if header_row < len(r.sheets[sheet]) else 0
    by_name = {n.casefold(): n for n in names}
    for col in range(first_col, width):
        heading = r.text(sheet, header_row, col)
        if not heading:
            continue
        name = heading.removesuffix("(% time)").strip()
        if name.casefold() not in by_name:
            r.error(
                cell(sheet, header_row, col),
                f"“{name}” is not one of the activities on the Summary sheet.",
            )
            continue
        columns[col] = by_name[name.casefold()]
    return columns


def _direct(r: _Reader, contents: Contents, names) -> None:
    start = r.find(DIRECT, STAFF)
    if start is None:
        r.error(f"{DIRECT}!A1", f"The sheet has no “{STAFF}” table.")
    else:
        header = start + 1
        columns = _activity_columns(r, DIRECT, header, len(STAFF_HEADER), names)
        row = header + 1
        while not r.blank_row(DIRECT, row, NON_STAFF) and row < MAX_ROWS:
            name = r.text(DIRECT, row, 0)
            if not name:
                r.error(cell(DIRECT, row, 0), "Name the post.")
            index = len(contents.staff)
            salary = r.number(DIRECT, row, 1, what="salary")
            ni = r.number(DIRECT, row, 2, what="employer's NI", required=False)
            pension = r.number(DIRECT, row, 3, what="pension", required=False)
            time = {}
            for col, activity in columns.items():
                fraction = r.number(
                    DIRECT,
                    row,
                    col,
                    what=f"time on {activity}",
                    places=4,
                    required=False,
                    percent=True,
                )
                if fraction:
                    time[activity] = fraction
                    r.fields[f"staff.{index}.time.{activity}"] = cell(DIRECT, row, col)
            r.fields[f"staff.{index}.time"] = cell(DIRECT, row, len(STAFF_HEADER))
            for key, col in (("salary", 1), ("employer_ni", 2), ("pension", 3)):
                r.fields[f"staff.{index}.{key}"] = cell(DIRECT, row, col)
            contents.staff.append(
                {
                    "name": name[:200],
                    "salary": salary or Decimal(0),
                    "employer_ni": ni or Decimal(0),
                    "pension": pension or Decimal(0),
                    "time": time,
                }
            )
            row += 1
    start = r.find(DIRECT, NON_STAFF)
    if start is None:
        r.error(f"{DIRECT}!A1", f"The sheet has no “{NON_STAFF}” table.")
        return
    row = start + 2
    by_name = {n.casefold(): n for n in names}
    while not r.blank_row(DIRECT, row) and row < MAX_ROWS:
        name = r.text(DIRECT, row, 0)
        if not name:
            r.error(cell(DIRECT, row, 0), "Name the cost.")
        category = r.choice(
            DIRECT, row, 1, CATEGORIES, what="cost category", default=DirectCostCategory.OTHER
        )
        activity_text = r.text(DIRECT, row, 2)
        activity = by_name.get(activity_text.casefold())
        if activity is None:
            r.error(
                cell(DIRECT, row, 2),
                f"“{activity_text}” is not one of the activities on the Summary sheet."
                if activity_text
                else "Say which activity the cost is for.",
            )
        amount = r.number(DIRECT, row, 3, what="amount")
        index = len(contents.direct_costs)
        r.fields[f"direct_costs.{index}.amount"] = cell(DIRECT, row, 3)
        r.fields[f"direct_costs.{index}.activity"] = cell(DIRECT, row, 2)
        contents.direct_costs.append(
            {
                "name": name[:200],
                "category": category,
                "amount": amount or Decimal(0),
                "activity": activity,
            }
        )
        row += 1


def _pools(r: _Reader, contents: Contents, names) -> None:
    start = r.find(POOLS, OVERHEADS)
    if start is None:
        r.error(f"{POOLS}!A1", f"The sheet has no “{OVERHEADS}” table.")
    else:
        row = start + 2
        while not r.blank_row(POOLS, row, DRIVER_VALUES) and row < MAX_ROWS:
            name = r.text(POOLS, row, 0)
            if not name:
                r.error(cell(POOLS, row, 0), "Name the pool.")
            category = r.choice(
                POOLS, row, 1, POOL_CATEGORIES, what="pool category", default=PoolCategory.CUSTOM
            )
            amount = r.number(POOLS, row, 2, what="amount")
            driver = r.choice(
                POOLS,
                row,
                3,
                DRIVERS,
                what="driver (headcount, staff time, expenditure, floor area or custom values)",
            )
            denominator = r.number(POOLS, row, 4, what="denominator", places=4, required=False)
            if denominator is not None and denominator == 0:
                r.error(cell(POOLS, row, 4), "A denominator must be more than 0, or empty.")
            index = len(contents.pools)
            r.fields[f"pools.{index}.amount"] = cell(POOLS, row, 2)
            r.fields[f"pools.{index}.driver"] = cell(POOLS, row, 3)
            r.fields[f"pools.{index}.denominator"] = cell(POOLS, row, 4)
            r.fields[f"pools.{index}"] = cell(POOLS, row, 0)
            contents.pools.append(
                {
                    "name": name[:200],
                    "category": category,
                    "amount": amount or Decimal(0),
                    "driver": driver,
                    "denominator": denominator,
                }
            )
            row += 1
    start = r.find(POOLS, DRIVER_VALUES)
    if start is None:
        return  # optional: only needed for floor area and custom drivers
    header = start + 1
    columns = _activity_columns(r, POOLS, header, 1, names)
    row = header + 1
    while not r.blank_row(POOLS, row) and row < MAX_ROWS:
        driver = r.choice(POOLS, row, 0, DRIVERS, what="driver")
        if driver is not None and driver not in Driver.entered():
            r.error(
                cell(POOLS, row, 0),
                "Headcount, staff time and expenditure come from the staff and cost lines: "
                "only floor area and custom values are entered here.",
            )
            driver = None
        values = {}
        for col, activity in columns.items():
            value = r.number(
                POOLS, row, col, what=f"value for {activity}", places=4, required=False
            )
            if value is not None:
                values[activity] = value
        if driver is not None:
            r.fields[f"drivers.{driver}"] = cell(POOLS, row, 0)
            for col, activity in columns.items():
                r.fields[f"drivers.{driver}.{activity}"] = cell(POOLS, row, col)
            contents.drivers[driver] = values
        row += 1


def _check(r: _Reader, contents: Contents, service: str) -> None:
    """The calculator's own rules, each error mapped back to its cell."""
    inputs = calc.Inputs(
        activities=tuple(calc.Activity(n, k) for n, k in contents.activities),
        service=service,
        staff=tuple(
            calc.Staff(s["name"], s["salary"], s["employer_ni"], s["pension"], s["time"])
            for s in contents.staff
        ),
        direct_costs=tuple(
            calc.DirectCost(c["name"], c["amount"], c["activity"]) for c in contents.direct_costs
        ),
        pools=tuple(
            calc.Pool(p["name"], p["amount"], p["driver"], p["denominator"]) for p in contents.pools
        ),
        drivers=contents.drivers,
        units=contents.settings.get("units", Decimal(1)),
        surplus_rate=contents.settings.get("surplus_rate", Decimal(0)),
        basis=contents.settings.get("basis", Basis.ALL),
        count_unallocated_staff=contents.settings.get("count_unallocated_staff", False),
    )
    for finding in calc.validate(inputs):
        where = _where(r, finding.field)
        r.error(where, finding.message)


def _where(r: _Reader, path: str | None) -> str:
    """The cell for a calculator field path, or the nearest enclosing one."""
    while path:
        if path in r.fields:
            return r.fields[path]
        if path.startswith("drivers.") and path.count(".") == 1:
            return f"{POOLS}!A1"
        path = path.rpartition(".")[0]
    return f"{SUMMARY}!A1"
