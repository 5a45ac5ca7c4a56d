"""Reading uploaded tables (CSV, XLSX) and writing exports (CSV, XLSX).

Imports are two passes (pretix ``modelimport``): :func:`read_table` turns the upload into rows
numbered as the person sees them in their spreadsheet (the header is row 1, data starts at
row 2); the caller validates every row, collecting :class:`RowError`s, and writes nothing
unless there are none — then writes everything in one transaction."""

import csv
import io
from dataclasses import dataclass

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

    text = data.decode("utf-8-sig", errors="strict") if data else ""
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
            "The file could not be read as a spreadsheet.", code="invalid_xlsx", field="file"
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


def write_csv(columns: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(columns: list[str], rows, title: str = "Export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
