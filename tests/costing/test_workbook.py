"""The ACEVO/NPC-style workbook: export, import, and bad workbooks rejected with cell references
and nothing written."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from coplan.core.models import AuditEvent
from coplan.costing import domain, queries, workbook
from coplan.costing.models import CostModelVersion, StaffLine
from coplan.costing.workbook import WorkbookRejected


def full(version, model):
    loaded = queries.full_version(version)
    loaded.cost_model = model
    return loaded


def exported(world) -> bytes:
    version = full(world.version, world.model)
    return workbook.export(version, queries.calculate(version).result)


def edit(data: bytes, changes: dict[str, object]) -> bytes:
    """Change cells, given as ``{"Direct costs!B3": value}``."""
    book = load_workbook(io.BytesIO(data))
    for ref, value in changes.items():
        sheet, cell = ref.split("!")
        book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_export_is_laid_out_like_the_acevo_npc_template(world):
    book = load_workbook(io.BytesIO(exported(world)))
    assert book.sheetnames == ["Summary", "Direct costs", "Pools and drivers"]
    direct = book["Direct costs"]
    assert direct["A1"].value == "Staff"
    assert [c.value for c in direct[2]][:6] == [
        "Post",
        "Salary",
        "Employer's NI",
        "Pension",
        "Packs (% time)",
        "Storage (% time)",
    ]
    assert (direct["A3"].value, direct["B3"].value, direct["E3"].value) == ("Manager", 30000, 0.2)
    pools = book["Pools and drivers"]
    assert [c.value for c in pools[3]][:4] == [
        "Premises",
        "Premises and office",
        12000,
        "Headcount",
    ]
    summary = book["Summary"]
    values = {row[0].value: row[1].value for row in summary.iter_rows() if row[0].value}
    assert values["Service"] == "Packs"
    assert values["Full cost"] == 60060
    assert values["Unit cost"] == pytest.approx(150.15)


def test_an_exported_workbook_imports_to_the_same_figures(world):
    data = exported(world)
    contents = workbook.parse(data, service="Packs")
    assert contents.settings["units"] == D(400)
    assert contents.settings["surplus_rate"] == D("0.05")
    assert [s["name"] for s in contents.staff][-1] == "Finance officer"
    domain.lock_version(version=world.version, actor=world.owner)
    draft = domain.replace_contents(
        model=world.model, actor=world.owner, contents=contents, source="packs.xlsx"
    )
    result = queries.calculate(full(draft, world.model)).result
    assert (result.full_cost, result.unit_cost) == (D("60060"), D("150.15"))
    event = AuditEvent.objects.filter(action="costing.version.imported").first()
    assert event.data["source"] == "packs.xlsx"


def test_the_blank_template_imports_once_it_is_filled_in(world):
    data = edit(
        workbook.blank(),
        {
            "Summary!B7": 10,
            "Summary!A14": "Packs",
            "Summary!B14": "Project or service",
            "Direct costs!A3": "Driver",
            "Direct costs!B3": 20000,
            "Direct costs!E2": "Packs (% time)",
            "Direct costs!E3": "100%",
        },
    )
    contents = workbook.parse(data, service="Packs")
    assert contents.activities == [("Packs", "project")]
    assert contents.staff[0]["time"] == {"Packs": D(1)}


@pytest.mark.parametrize(
    ("changes", "cell", "words"),
    [
        ({"Direct costs!B4": "lots"}, "Direct costs!B4", "as a number"),
        ({"Direct costs!B4": -5}, "Direct costs!B4", "cannot be negative"),
        ({"Direct costs!E4": 60}, "Direct costs!E4", "more than 100 %"),
        ({"Direct costs!E3": 0.7, "Direct costs!F3": 0.4}, "Direct costs!E3", "100 %"),
        ({"Direct costs!I2": "Woodwork (% time)"}, "Direct costs!I2", "not one of the activities"),
        ({"Direct costs!C11": "Nowhere"}, "Direct costs!C11", "not one of the activities"),
        ({"Direct costs!D12": 12.345}, "Direct costs!D12", "2 decimal places"),
        ({"Pools and drivers!D3": "Weather"}, "Pools and drivers!D3", "not a driver"),
        ({"Pools and drivers!E3": 2}, "Pools and drivers!E3", "less than the activities"),
        ({"Pools and drivers!D4": "Floor area"}, "Pools and drivers!A1", "floor area"),
        ({"Summary!B7": 0}, "Summary!B7", "more than 0"),
        ({"Summary!B8": 5}, "Summary!B8", "percentage"),
        ({"Summary!B10": "Perhaps"}, "Summary!B10", "Yes or No"),
        ({"Summary!A16": "Packs"}, "Summary!A16", "listed twice"),
    ],
)
def test_a_bad_workbook_is_rejected_with_the_cell_and_nothing_is_written(
    world, changes, cell, words
):
    before = (
        AuditEvent.objects.count(),
        StaffLine.objects.count(),
        CostModelVersion.objects.count(),
    )
    with pytest.raises(WorkbookRejected) as rejected:
        workbook.parse(edit(exported(world), changes), service="Packs")
    errors = {e.cell: e.message for e in rejected.value.errors}
    assert cell in errors, errors
    assert words in errors[cell], errors[cell]
    assert rejected.value.data["errors"][0]["cell"]
    assert (
        AuditEvent.objects.count(),
        StaffLine.objects.count(),
        CostModelVersion.objects.count(),
    ) == before


def test_every_error_in_a_workbook_is_listed_at_once(world):
    data = edit(exported(world), {"Direct costs!B3": "x", "Direct costs!B4": "y"})
    with pytest.raises(WorkbookRejected) as rejected:
        workbook.parse(data, service="Packs")
    assert [e.cell for e in rejected.value.errors] == ["Direct costs!B3", "Direct costs!B4"]
    assert str(rejected.value.errors[0]).startswith("Direct costs!B3: ")
    assert "nothing was imported" in rejected.value.message


def test_a_workbook_for_another_service_or_missing_a_sheet_is_rejected(world):
    with pytest.raises(WorkbookRejected) as rejected:
        workbook.parse(exported(world), service="Storage and removals")
    assert rejected.value.errors[0].cell == "Summary!A15"
    book = load_workbook(io.BytesIO(exported(world)))
    del book["Pools and drivers"]
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(WorkbookRejected) as rejected:
        workbook.parse(buffer.getvalue(), service="Packs")
    assert "no “Pools and drivers” sheet" in rejected.value.errors[0].message
    with pytest.raises(WorkbookRejected):
        workbook.parse(b"not a workbook", service="Packs")
