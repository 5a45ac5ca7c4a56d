"""Reading uploaded tables (CSV, XLSX) and writing exports (CSV, XLSX).

Imports are two passes (pretix ``modelimport``): :func:`read_table` turns the upload into rows
numbered as the person sees them in their spreadsheet (the header is row 1, data starts at
row 2); the caller validates every row, collecting :class:`RowError`s, and writes nothing
unless there are none — then writes everything in one transaction.

Every export a spreadsheet may open is written here (:func:`write_csv`, :func:`write_xlsx`,
:func:`write_workbook`, and :func:`put_row` for workbooks laid out by hand), so that no text
anyone typed can become a formula (OWASP's CSV injection rule): text starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return (or a line feed or NUL, which ASVS adds) is
written with a leading ``'``, and in XLSX every text cell is marked as text. Numbers, dates
and times stay what they are, negatives included. A formula the code writes on purpose is a
:class:`Formula`."""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from coplan.core.errors import DomainError

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        where = f"Row {self.row}" + (f", column “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"


class ImportRejected(DomainError):
    """The upload had errors; nothing was written."""

    def __init__(self, errors: list[RowError], total_rows: int = 0):
        shown = errors[:50]
        more = f" (and {len(errors) - 50} more)" if len(errors) > 50 else ""
        super().__init__(
            f"The file has {len(errors)} error{'s' if len(errors) != 1 else ''}{more}; "
            "nothing was imported. Fix them and upload it again.",
            code="import_rejected",
            data={
                "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in shown],
                "error_count": len(errors),
            },
        )
        self.errors = errors
        self.total_rows = total_rows


@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, str]]  # every value a stripped string ("" for empty)

    def numbered(self):
        """``(spreadsheet_row_number, row)`` pairs: data starts at row 2."""
        return enumerate(self.rows, start=2)


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(data: bytes, filename: str) -> Table:
    """Parse CSV (with polars, column-wise) or XLSX (with python-calamine), first sheet."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(
            "The file is larger than 50 MB: split it into smaller files.",
            code="file_too_large",
            field="file",
        )
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        return _read_spreadsheet(data)
    if name.endswith((".csv", ".txt")):
        return _read_csv(data)
    raise DomainError("Upload a CSV or XLSX file.", code="unsupported_file", field="file")


def _header(columns) -> list[str]:
    header = [_clean(c) for c in columns]
    if not any(header):
        raise DomainError("The first row must name the columns.", code="no_header", field="file")
    seen = set()
    for column in header:
        if column and column in seen:
            raise DomainError(
                f"The column “{column}” appears twice in the first row.",
                code="duplicate_column",
                field="file",
            )
        seen.add(column)
    return header


def _read_csv(data: bytes) -> Table:
    import polars as pl

    from coplan.core.uploads import utf8_problem

    if problem := utf8_problem(data):  # Latin-1, UTF-16, binary: say how to save it
        raise DomainError(problem, code="wrong_encoding", field="file")
    text = data.decode("utf-8-sig") if data else ""
    if not text.strip():
        raise DomainError("The file is empty.", code="empty_file", field="file")
    try:
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=False)
    except Exception as error:  # polars raises several types for malformed CSV
        raise DomainError(
            f"The file is not valid CSV: {str(error).splitlines()[0]}",
            code="invalid_csv",
            field="file",
        ) from None
    first_line = next(csv.reader(io.StringIO(text.split("\n", 1)[0])))
    columns = _header(first_line)  # polars renames duplicates; check the header as written
    rows = [
        {c: _clean(v) for c, v in zip(columns, values, strict=True)} for values in frame.iter_rows()
    ]
    return Table(columns, rows)


def _read_spreadsheet(data: bytes) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:
        raise DomainError(
            "The file could not be read as a spreadsheet: save it as an Excel workbook (.xlsx) "
            "or as CSV UTF-8, and upload it again.",
            code="invalid_xlsx",
            field="file",
        ) from None
    if not sheet:
        raise DomainError("The file is empty.", code="empty_file", field="file")
    columns = _header(sheet[0])
    rows = []
    for values in sheet[1:]:
        values = list(values) + [""] * (len(columns) - len(values))
        row = {c: _clean(v) for c, v in zip(columns, values, strict=False)}
        rows.append(row)
    while rows and not any(rows[-1].values()):
        rows.pop()
    return Table(columns, rows)


def decode_text(value) -> str:
    return value if isinstance(value, str) else value.decode("utf-8-sig")


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
KEPT_TYPES = (int, float, Decimal, dt.date, dt.time, dt.timedelta)  # bool is an int


class Formula(str):
    """A formula the code itself writes into a workbook (``Formula("=SUM(B3:B9)")``): the one
    kind of cell :func:`put_row` leaves as a formula."""


def safe_value(value):
    """A cell value no spreadsheet will run: numbers, dates and times as they are, anything
    else as text, with a ``'`` in front when it starts like a formula."""
    if value is None or isinstance(value, KEPT_TYPES):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def unquote(text: str) -> str:
    """Undo :func:`safe_value` on text read back from one of our own exports."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def write_csv(columns: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_value(c) for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else safe_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def put_row(sheet, values) -> None:
    """Append a row to an openpyxl worksheet: text as text (never a formula or an error
    code), numbers and dates as they are, a :class:`Formula` as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

    cells = []
    for value in values:
        if isinstance(value, Formula):
            cells.append(Cell(sheet, value=str(value)))
            continue
        value = safe_value(value)
        if isinstance(value, str):  # control characters are not allowed in XLSX text
            cell = Cell(sheet, value=safe_value(ILLEGAL_CHARACTERS_RE.sub("", value)))
            cell.data_type = "s"
        else:
            cell = Cell(sheet, value=value)
            exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
            if isinstance(exponent, int) and -4 <= exponent < 0:  # Decimal("12.50") shows 12.50
                cell.number_format = "0." + "0" * -exponent
        cells.append(cell)
    sheet.append(cells)


def write_workbook(sheets) -> bytes:
    """An XLSX workbook from ``(title, columns, rows)`` triples, one sheet each, with the
    columns in bold and frozen above the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    for index, (title, columns, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title[:31]
        put_row(sheet, columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            put_row(sheet, row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_xlsx(columns: list[str], rows, title: str = "Export") -> bytes:
    return write_workbook([(title, columns, rows)])
