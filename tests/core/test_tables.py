import io

import pytest
from openpyxl import Workbook, load_workbook

from coplan.core.errors import DomainError
from coplan.core.tables import ImportRejected, RowError, read_table, write_csv, write_xlsx


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_csv_rows_are_numbered_as_in_the_spreadsheet():
    table = read_table(b"month,packs\n2006-10,41\n2006-11, 38 \n", "returns.csv")
    assert table.columns == ["month", "packs"]
    assert list(table.numbered()) == [
        (2, {"month": "2006-10", "packs": "41"}),
        (3, {"month": "2006-11", "packs": "38"}),
    ]


def test_xlsx_is_read_with_calamine_and_trailing_blank_rows_dropped():
    table = read_table(xlsx([["month", "packs"], ["2006-10", 41], [None, None]]), "r.xlsx")
    assert table.rows == [{"month": "2006-10", "packs": "41"}]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "a.csv", "empty_file"),
        (b"a,a\n1,2\n", "a.csv", "duplicate_column"),
        (b"a,b\n1,2,3\n", "a.csv", "invalid_csv"),
        (b"not a spreadsheet", "a.xlsx", "invalid_xlsx"),
        (b"a\n1\n", "a.pdf", "unsupported_file"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, name, code):
    with pytest.raises(DomainError) as error:
        read_table(data, name)
    assert error.value.code == code


def test_import_rejected_lists_row_numbered_errors():
    rejected = ImportRejected([RowError(3, "packs", "Enter a whole number, like 40")])
    assert rejected.message == (
        "The file has 1 error; nothing was imported. Fix them and upload it again."
    )
    assert str(rejected.errors[0]) == "Row 3, column “packs”: Enter a whole number, like 40"


def test_exports_round_trip():
    assert write_csv(["a", "b"], [[1, None]]).decode("utf-8-sig") == "a,b\r\n1,\r\n"
    book = load_workbook(io.BytesIO(write_xlsx(["a", "b"], [[1, "x"]], title="Actions")))
    assert [[c.value for c in row] for row in book["Actions"].iter_rows()] == [["a", "b"], [1, "x"]]
