"""Formulas in an XLSX upload's first sheet.

python-calamine (which reads the cells) returns a formula's cached result and has no API for
the formula itself, so a formula would slip in as if it were a typed value. The sheet's XML
says which cells hold one (an ``<f>`` element in the cell): this module streams that XML,
first with a cheap byte search for any ``<f`` element, and only when there is one, parses it
to name the cells. Nothing is held whole: the sheet is decompressed block by block.
"""

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
BLOCK = 1 << 20
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _first_sheet(book: zipfile.ZipFile) -> str | None:
    """The path of the workbook's first sheet (calamine's sheet 0) inside the zip."""
    try:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    sheet = workbook.find(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet")
    if sheet is None:
        return None
    rid = sheet.get(f"{{{RELS}}}id")
    for rel in rels.iter(f"{{{PACKAGE_RELS}}}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None


def _has_formula(stream) -> bool:
    tail = b""
    while block := stream.read(BLOCK):
        if FORMULA_TAG.search(tail + block):
            return True
        tail = block[-64:]
    return False


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def formula_cells(path: Path | str) -> Iterator[tuple[int, int, str]]:
    """(row, column, formula) of every cell of the first sheet that holds a formula, rows
    and columns counted from 1 as in the sheet; nothing for a file that is not an XLSX
    package (calamine says what is wrong with those)."""
    try:
        book = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        return
    with book:
        name = _first_sheet(book)
        if name is None or name not in book.namelist():
            return
        with book.open(name) as stream:
            if not _has_formula(stream):
                return
        row_tag, cell_tag, formula_tag = f"{{{MAIN}}}row", f"{{{MAIN}}}c", f"{{{MAIN}}}f"
        with book.open(name) as stream:
            try:
                for _event, element in ElementTree.iterparse(stream, events=("end",)):
                    if element.tag == row_tag:
                        element.clear()
                    if element.tag != cell_tag:
                        continue
                    formula = element.find(formula_tag)
                    if formula is not None:
                        match = CELL_REF.match(element.get("r") or "")
                        if match:
                            text = (formula.text or "").strip()
                            yield int(match[2]), _column_number(match[1]), text and "=" + text
                    element.clear()
            except ElementTree.ParseError:
                return
