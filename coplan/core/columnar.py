"""Big uploaded tables, read in chunks and checked column by column.

:func:`coplan.core.tables.read_table` turns a whole upload into a list of dicts, which is right
for a few thousand rows and far too slow and large for a million. This module is its streaming
sibling:

* :func:`inspect_file` reads the file once in 1 MB blocks to hash it (SHA-256, for duplicate
  detection), to prove it is UTF-8 text (CSV) or a readable workbook (XLSX), and to estimate
  its rows; it returns the header and a preview for matching columns.
* :func:`iter_chunks` yields the rows as polars DataFrames of strings, ``chunk_rows`` at a time
  (CSV parsed by polars' streaming engine, XLSX read with python-calamine), each with a
  ``_row`` column holding the row number as a spreadsheet shows it (the header is row 1).
  Columns are named ``c0``, ``c1``… by position, so odd or blank headers never matter.
* :class:`Checks` builds one message per cell from polars expressions and collects
  row- and column-numbered :class:`CellError`s without a Python loop over rows.
"""

import codecs
import csv
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from coplan.core.errors import DomainError
from coplan.core.tables import write_csv
from coplan.core.uploads import NOT_TEXT, SAVE_AS_CSV_UTF8, utf8_problem

BLOCK = 1024 * 1024
# A cell a spreadsheet would run (OWASP's CSV injection rule): it starts with ``=``, ``@``, a
# tab, CR or LF, or with ``+`` or ``-`` and is not a plain number — ``-2`` and ``+3.5`` pass,
# ``-2+3+cmd|' /C calc'!A0`` and ``+1+1`` do not.
FORMULA_PATTERN = r"(?s)^(?:[=@\t\r\n]|[+-].*[^0-9.,\s])"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".txt")


def column_letter(number: int) -> str:
    """1 → A, 27 → AA (as a spreadsheet labels its columns)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class CellError:
    row: int
    column: int  # 1-based; 0 for a problem with the whole row
    header: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value,
            "message": self.message,
        }

    def __str__(self):
        where = f"Row {self.row}"
        if self.column:
            where += f", column {column_letter(self.column)} (“{self.header}”)"
        return f"{where}: {self.message}"


@dataclass
class FileInfo:
    format: str  # "csv" or "xlsx"
    sha256: str
    size: int
    columns: list[str]
    preview: list[list[str]] = field(default_factory=list)
    estimated_rows: int = 0


def file_format(filename: str) -> str:
    name = filename.lower()
    if name.endswith(SPREADSHEET_SUFFIXES):
        return "xlsx"
    if name.endswith(TEXT_SUFFIXES):
        return "csv"
    raise DomainError("Upload a CSV or XLSX file.", code="unsupported_file", field="file")


def _problem(message: str, code: str) -> DomainError:
    return DomainError(message, code=code, field="file")


def _header(cells) -> list[str]:
    header = [cell_text(c) for c in cells]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    if not any(header):
        raise _problem("The first row must name the columns.", "no_header")
    seen = {}
    for number, name in enumerate(header, start=1):
        key = name.casefold()
        if name and key in seen:
            raise _problem(
                f"The column “{name}” appears twice in the first row (columns "
                f"{column_letter(seen[key])} and {column_letter(number)}): rename one of them.",
                "duplicate_column",
            )
        seen.setdefault(key, number)
    return header


def cell_text(value) -> str:
    """A spreadsheet cell as text: whole floats without ``.0``, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = format(value, ".12g")  # 33.300000000000004 (float noise) → 33.3
        return text if "e" not in text else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def inspect_file(path: Path | str, filename: str, *, preview_rows: int = 8) -> FileInfo:
    """Hash and check the whole file, return its header, a preview and a row estimate."""
    path = Path(path)
    fmt = file_format(filename)
    size = path.stat().st_size
    if size == 0:
        raise _problem("The file is empty (0 bytes): choose the file again.", "empty_file")
    if fmt == "csv":
        return _inspect_csv(path, size, preview_rows)
    return _inspect_xlsx(path, size, preview_rows)


def _inspect_csv(path: Path, size: int, preview_rows: int) -> FileInfo:
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    newlines = 0
    offset = 0
    with path.open("rb") as handle:
        first = True
        while block := handle.read(BLOCK):
            if first and (problem := utf8_problem(block[:8192], final=False)):
                raise _problem(problem, "wrong_encoding")  # UTF-16, binary, Latin-1 at the top
            first = False
            digest.update(block)
            if b"\x00" in block:  # valid UTF-8, but no text file has it
                raise _problem(NOT_TEXT, "wrong_encoding")
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                at = offset + error.start
                line = newlines + block[: error.start].count(b"\n") + 1
                raise _problem(
                    f"The file is not UTF-8 text: byte {at + 1} (on line {line}) is "
                    f"0x{block[error.start]:02X}. {SAVE_AS_CSV_UTF8}",
                    "wrong_encoding",
                ) from None
            newlines += block.count(b"\n")
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _problem(
                f"The file is not UTF-8 text: it ends in the middle of a character. "
                f"{SAVE_AS_CSV_UTF8}",
                "wrong_encoding",
            ) from None
    with path.open(encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        try:
            first_row = next(reader, None)
            if first_row is None or not any(c.strip() for c in first_row):
                raise _problem(
                    "The file is empty: the first row must name the columns.", "empty_file"
                )
            columns = _header(first_row)
            preview = []
            for row in reader:
                if len(preview) >= preview_rows:
                    break
                cells = [c.strip() for c in row] + [""] * (len(columns) - len(row))
                preview.append(cells[: len(columns)])
        except csv.Error as error:
            raise _problem(f"The file is not valid CSV: {error}.", "invalid_csv") from None
    return FileInfo(
        format="csv",
        sha256=digest.hexdigest(),
        size=size,
        columns=columns,
        preview=preview,
        estimated_rows=max(newlines - 1, len(preview)),
    )


def _open_sheet(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        return book.get_sheet_by_index(0)
    except Exception:
        raise _problem(
            "The file could not be read as a spreadsheet: save it as an Excel workbook (.xlsx) "
            "or as CSV UTF-8, and upload it again.",
            "invalid_xlsx",
        ) from None


def _inspect_xlsx(path: Path, size: int, preview_rows: int) -> FileInfo:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    sheet = _open_sheet(path)
    rows = sheet.iter_rows()
    first = next(rows, None)
    if first is None or not any(cell_text(c) for c in first):
        raise _problem("The file is empty: the first row must name the columns.", "empty_file")
    columns = _header(first)
    preview = []
    for row in rows:
        if len(preview) >= preview_rows:
            break
        cells = [cell_text(c) for c in row][: len(columns)]
        preview.append(cells + [""] * (len(columns) - len(cells)))
    return FileInfo(
        format="xlsx",
        sha256=digest.hexdigest(),
        size=size,
        columns=columns,
        preview=preview,
        estimated_rows=max(sheet.height - 1, 0),
    )


def internal(index: int) -> str:
    return f"c{index}"


def iter_chunks(path: Path | str, fmt: str, width: int, *, chunk_rows: int = 50_000) -> Iterator:
    """The data rows as polars DataFrames of strings named ``c0``…, plus ``_row``."""
    if fmt == "csv":
        yield from _csv_chunks(Path(path), width, chunk_rows)
    else:
        yield from _xlsx_chunks(Path(path), width, chunk_rows)


def _csv_chunks(path: Path, width: int, chunk_rows: int):
    import polars as pl

    frame = pl.scan_csv(
        path,
        infer_schema=False,
        has_header=True,
        new_columns=[internal(i) for i in range(width)],
        truncate_ragged_lines=False,
        raise_if_empty=False,
    ).with_row_index("_row", offset=2)
    try:
        yield from frame.collect_batches(chunk_size=chunk_rows)
    except pl.exceptions.PolarsError as error:
        raise _ragged_or_invalid(path, width, error) from None


def _ragged_or_invalid(path: Path, width: int, error) -> DomainError:
    """Find the row polars choked on, to say where the problem is."""
    with path.open(encoding="utf-8-sig", newline="") as text:
        try:
            for number, row in enumerate(csv.reader(text), start=1):
                if len(row) > width:
                    return _problem(
                        f"Row {number} has {len(row)} cells but the first row names only "
                        f"{width} columns: remove the extra cells or add a header for them.",
                        "ragged_row",
                    )
        except csv.Error as csv_error:
            return _problem(f"The file is not valid CSV: {csv_error}.", "invalid_csv")
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return _problem(f"The file is not valid CSV: {first}", "invalid_csv")


def _xlsx_chunks(path: Path, width: int, chunk_rows: int):
    import polars as pl

    sheet = _open_sheet(path)
    rows = sheet.iter_rows()
    next(rows, None)  # the header
    columns = [[] for _ in range(width)]
    numbers = []

    def frame():
        data = {"_row": pl.Series("_row", numbers, dtype=pl.UInt32)}
        for i, values in enumerate(columns):
            data[internal(i)] = pl.Series(internal(i), values, dtype=pl.String)
        return pl.DataFrame(data)

    for number, row in enumerate(rows, start=2):
        cells = [cell_text(c) for c in row]
        if len(cells) > width and any(cells[width:]):
            raise _problem(
                f"Row {number} has cells beyond the last named column "
                f"({column_letter(width)}): remove them or add a header for them.",
                "ragged_row",
            )
        if not any(cells):
            continue
        numbers.append(number)
        for i in range(width):
            value = cells[i] if i < len(cells) else ""
            columns[i].append(value or None)
        if len(numbers) >= chunk_rows:
            yield frame()
            columns = [[] for _ in range(width)]
            numbers = []
    if numbers:
        yield frame()


class Checks:
    """Per-column checks as polars expressions: the first failing check gives the cell's
    message. :meth:`collect` returns them as :class:`CellError`s in row order."""

    def __init__(self, headers: list[str]):
        self.headers = headers
        self.rules: dict[int, list] = {}

    def add(self, index: int, failed, message) -> None:
        """``failed``: a boolean expression; ``message``: text or a string expression."""
        self.rules.setdefault(index, []).append((failed, message))

    def collect(self, frame, limit: int) -> tuple[list[CellError], int]:
        """The first ``limit`` failing cells in row order, and how many cells failed: every
        check runs in one polars ``select``."""
        import polars as pl

        if not self.rules:
            return [], 0
        messages = []
        for index, rules in self.rules.items():
            message = None
            for failed, text in rules:
                text = pl.lit(text) if isinstance(text, str) else text
                failed = failed.fill_null(False)
                message = (
                    pl.when(failed).then(text)
                    if message is None
                    else message.when(failed).then(text)
                )
            messages.append(message.otherwise(pl.lit(None, dtype=pl.String)).alias(f"m{index}"))
        names = [f"m{index}" for index in self.rules]
        bad = frame.select(
            pl.col("_row").cast(pl.Int64),
            *messages,
            *[pl.col(internal(i)).alias(f"v{i}") for i in self.rules],
        ).filter(pl.any_horizontal(pl.col(n).is_not_null() for n in names))
        if bad.height == 0:
            return [], 0
        count = int(
            bad.select(pl.sum_horizontal(pl.col(n).is_not_null().sum() for n in names)).item()
        )
        parts = [
            bad.filter(pl.col(f"m{i}").is_not_null()).select(
                pl.col("_row").alias("row"),
                pl.lit(i + 1).cast(pl.Int64).alias("column"),
                pl.col(f"v{i}").fill_null("").str.slice(0, 60).alias("value"),
                pl.col(f"m{i}").alias("message"),
            )
            for i in self.rules
        ]
        table = pl.concat(parts).sort(["row", "column"]).head(max(limit, 0))
        found = [
            CellError(row, column, self.headers[column - 1], value, message)
            for row, column, value, message in table.iter_rows()
        ]
        return found, count


def errors_csv(errors: list[dict]) -> bytes:
    """The errors as a CSV people can open next to their file (the bad values, formulas
    among them, written as text by :func:`coplan.core.tables.write_csv`)."""
    return write_csv(
        ["Row", "Column", "Column letter", "Header", "Value", "Problem"],
        (
            [
                e.get("row", ""),
                e.get("column") or "",
                column_letter(e["column"]) if e.get("column") else "",
                e.get("header", ""),
                e.get("value", ""),
                e.get("message", ""),
            ]
            for e in errors
        ),
    )
