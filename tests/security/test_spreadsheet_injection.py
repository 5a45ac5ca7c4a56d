"""Spreadsheet (CSV) injection: text someone typed into Coplan must never run as a formula in
the spreadsheet of the person who downloads an export.

OWASP's rule: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written with a leading ``'``; in XLSX every text cell is also marked as text, so not one cell of
an export is a formula. Real numbers, negative ones included, stay numbers. Uploads refuse the
same cells with a row-numbered error, while plain numbers such as ``-2`` and dates pass."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from coplan.core.tables import Formula, write_csv, write_xlsx
from coplan.costing import domain as costing
from coplan.costing import queries as costing_queries
from coplan.costing import workbook
from coplan.governance import domain as governance
from coplan.governance.models import Action
from coplan.partnerships.enums import Role
from coplan.pilots import domain as pilots
from coplan.pilots import importer
from coplan.pilots.enums import BatchStatus
from coplan.pilots.models import DeliveryRecord
from tests.costing.conftest import organisation_of, packs_contents
from tests.factories import OrganisationFactory, member

HYPERLINK = '=HYPERLINK("http://evil","x")'
DDE = "-2+3+cmd|' /C calc'!A0"
PAYLOADS = [
    pytest.param(HYPERLINK, id="HYPERLINK"),
    pytest.param("@SUM(1+1)", id="at-sign"),
    pytest.param("+1+1", id="plus"),
    pytest.param(DDE, id="DDE"),
    pytest.param("\t=1+1", id="leading tab"),
    pytest.param("\r=1+1", id="leading CR"),
]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def workbook_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def formula_cells(book) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()


# --- the governance action log ----------------------------------------------------------------


@pytest.fixture
def action_titled(partnership, personas):
    def make(title: str) -> Action:
        action = governance.create_action(
            partnership=partnership,
            actor=personas["commissioner"],
            description=title,
            owner=personas["procurement"],
            due_on=dt.date(2026, 12, 1),
        )
        # The domain strips what people type; a row written by any other path keeps a leading
        # tab or carriage return, and the export must still defuse it.
        Action.objects.filter(pk=action.pk).update(description=title)
        return action

    return make


def export_action_log(as_user, personas, partnership, fmt: str) -> bytes:
    url = reverse("governance:actions.export", args=[partnership.pk, fmt])
    response = as_user(personas["observer"]).get(url + "?status=all")
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("title", PAYLOADS)
def test_a_hostile_action_title_is_exported_to_csv_as_text(
    action_titled, as_user, personas, partnership, title
):
    action_titled(title)
    header, row = csv_rows(export_action_log(as_user, personas, partnership, "csv"))
    assert header[1] == "Action"
    assert row[1] == "'" + title


@pytest.mark.parametrize("title", PAYLOADS)
def test_a_hostile_action_title_is_exported_to_xlsx_as_text(
    action_titled, as_user, personas, partnership, title
):
    action_titled(title)
    book = workbook_of(export_action_log(as_user, personas, partnership, "xlsx"))
    assert formula_cells(book) == []
    cell = book["Action log"]["B2"]
    assert (cell.value, cell.data_type) == ("'" + title, "s")


def test_an_ordinary_action_title_is_exported_untouched(
    action_titled, as_user, personas, partnership
):
    action_titled("Draft the procurement strategy.")
    _, row = csv_rows(export_action_log(as_user, personas, partnership, "csv"))
    assert row[1] == "Draft the procurement strategy."


# --- the pilot's monthly return ----------------------------------------------------------------

HOSTILE_PROVIDER = HYPERLINK
HOSTILE_SERVICE = "@SUM(1+1)"
HOSTILE_UNIT = DDE


@pytest.fixture
def provider(partnership):
    """A social enterprise partner whose organisation calls itself a formula."""
    organisation = OrganisationFactory(name=HOSTILE_PROVIDER)
    member(partnership, Role.SE_PARTNER, organisation=organisation)
    return organisation


@pytest.fixture
def pilot(partnership, personas, provider):
    return pilots.create_pilot(
        partnership=partnership,
        actor=personas["facilitator"],
        title="Furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
        funding_amount=Decimal("120000"),
        funding_route="Council grant",
        services=[(HOSTILE_SERVICE, HOSTILE_UNIT)],
        providers=[provider],
    )


def upload(pilot, personas, provider, name: str, content: bytes):
    """Upload and import a file of deliveries (date, quantity, cost, outcome, notes), every
    row for the pilot's one service and ``provider``."""
    user = personas["facilitator"]
    batch = pilots.upload_file(
        pilot=pilot, actor=user, file=SimpleUploadedFile(name, content), filename=name
    )
    mapping = importer.Mapping(
        columns={"delivered_on": 0, "quantity": 1, "cost": 2, "outcome_code": 3},
        fixed={"service": pilot.services.get().pk, "provider": provider.pk},
        extra=[4],  # notes
    )
    pilots.queue_import(batch=batch, actor=user, mapping=mapping)
    importer.run(batch.pk)
    batch.refresh_from_db()
    return batch


HEADER = ["date", "quantity", "cost", "outcome", "notes"]


def deliveries_csv(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def deliveries_xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def october(pilot, personas, provider):
    rows = [["2006-10-16", "2", "300.00", "DELIVERED", "note"]]
    batch = upload(pilot, personas, provider, "d.csv", deliveries_csv(rows))
    assert batch.status == BatchStatus.IMPORTED, batch.errors


def export_return(client, personas, pilot, fmt: str) -> bytes:
    client.force_login(personas["steering"])
    url = reverse("pilots:returns.export", args=[pilot.partnership_id, "2006-10", fmt])
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def test_a_hostile_provider_and_service_are_text_in_the_csv_return(
    october, client, personas, pilot
):
    header, first, *_ = csv_rows(export_return(client, personas, pilot, "csv"))
    assert header[:5] == ["Service", "Provider", "Records", "Quantity", "Unit"]
    assert first[:7] == [
        "'" + HOSTILE_SERVICE,
        "'" + HOSTILE_PROVIDER,
        "1",
        "2.00",
        "'" + HOSTILE_UNIT,
        "300.00",
        "150.00",
    ]


def test_a_hostile_provider_and_service_are_text_in_the_xlsx_return(
    october, client, personas, pilot
):
    book = workbook_of(export_return(client, personas, pilot, "xlsx"))
    assert formula_cells(book) == []
    deliveries = book["Deliveries"]
    assert [(c.value, c.data_type) for c in deliveries[2]][:7] == [
        ("'" + HOSTILE_SERVICE, "s"),
        ("'" + HOSTILE_PROVIDER, "s"),
        (1, "n"),
        (2, "n"),
        ("'" + HOSTILE_UNIT, "s"),
        (300, "n"),
        (150, "n"),
    ]
    assert deliveries["F2"].number_format == "0.00"


# --- numbers stay numbers ------------------------------------------------------------------------


def test_a_negative_number_stays_a_number():
    numbers = [-5, Decimal("-5.50"), -5.5]
    assert csv_rows(write_csv(["a", "b", "c"], [numbers]))[1] == ["-5", "-5.50", "-5.5"]
    sheet = workbook_of(write_xlsx(["a", "b", "c"], [numbers])).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [(-5, "n"), (-5.5, "n"), (-5.5, "n")]


def test_a_negative_number_typed_as_text_is_text():
    assert csv_rows(write_csv(["a"], [["-5"]]))[1] == ["'-5"]


def test_text_that_looks_like_an_error_code_stays_text():
    sheet = workbook_of(write_xlsx(["a"], [["#N/A"]])).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("#N/A", "s")


def test_control_characters_cannot_smuggle_a_formula_into_xlsx():
    """openpyxl refuses control characters in text; they are dropped, and what they hid is
    defused like any other formula."""
    sheet = workbook_of(write_xlsx(["a"], [["\x01=1+1"]])).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("'=1+1", "s")


def test_only_a_formula_the_code_writes_is_a_formula():
    sheet = workbook_of(write_xlsx(["a", "b"], [[1, Formula("=A2*2")], ["=A2*2", None]])).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [(1, "n"), ("=A2*2", "f")]
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("'=A2*2", "s")


# --- the cost model workbook -------------------------------------------------------------------


@pytest.fixture
def hostile_cost_model(partnership, personas):
    owner = personas["se_partner"]
    model = costing.create_cost_model(
        partnership=partnership,
        actor=owner,
        organisation=organisation_of(partnership, owner),
        service="Packs",
        unit_name="furniture pack",
    )
    contents = packs_contents()
    contents.staff[0]["name"] = DDE
    contents.direct_costs[0]["name"] = HYPERLINK
    version = costing.replace_contents(model=model, actor=owner, contents=contents)
    loaded = costing_queries.full_version(version)
    loaded.cost_model = model
    return loaded


def test_hostile_names_in_a_cost_model_are_text_and_figures_are_numbers(hostile_cost_model):
    version = hostile_cost_model
    data = workbook.export(version, costing_queries.calculate(version).result)
    book = workbook_of(data)
    assert formula_cells(book) == []
    direct = book["Direct costs"]
    assert [(c.value, c.data_type) for c in direct[3]][:2] == [("'" + DDE, "s"), (30000, "n")]
    costs = [row for row in direct.iter_rows(values_only=True) if row[0] == "'" + HYPERLINK]
    assert [row[:4] for row in costs] == [("'" + HYPERLINK, "Travel", "Packs", 5000)]
    contents = workbook.parse(data, service="Packs")  # and the names read back as typed
    assert contents.staff[0]["name"] == DDE
    assert contents.direct_costs[0]["name"] == HYPERLINK


# --- the upload filter ---------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_upload_with_a_formula_in_a_cell_is_refused_with_its_row_number(
    pilot, personas, provider, payload
):
    rows = [
        ["2006-10-16", "1", "10", "DELIVERED", "-2"],
        ["2006-10-17", "1", "10", "DELIVERED", "-3.5"],
        ["2006-10-18", "1", "10", "DELIVERED", payload],
    ]
    batch = upload(pilot, personas, provider, "d.csv", deliveries_csv(rows))
    assert batch.status == BatchStatus.REJECTED
    assert [(e["row"], e["header"]) for e in batch.errors] == [(4, "notes")]
    assert "formula" in batch.errors[0]["message"]
    assert not DeliveryRecord.objects.exists()


def test_the_dde_payload_is_refused_in_an_xlsx_text_cell_and_as_a_real_formula(
    pilot, personas, provider
):
    rows = [
        ["2006-10-16", 1, 10, DDE, "-2"],
        ["2006-10-17", 1, 10, "DELIVERED", "=cmd|' /C calc'!A0"],  # openpyxl: a formula
    ]
    batch = upload(pilot, personas, provider, "d.xlsx", deliveries_xlsx(rows))
    assert batch.status == BatchStatus.REJECTED
    assert [(e["row"], e["header"], e["value"]) for e in batch.errors] == [
        (2, "outcome", DDE),
        (3, "notes", "=cmd|' /C calc'!A0"),
    ]


def test_the_dde_payload_in_a_number_column_is_refused_as_a_formula(pilot, personas, provider):
    rows = [["2006-10-16", DDE, "10", "DELIVERED", "note"]]
    batch = upload(pilot, personas, provider, "d.csv", deliveries_csv(rows))
    assert [(e["row"], e["header"]) for e in batch.errors] == [(2, "quantity")]
    assert "formula" in batch.errors[0]["message"]


def test_plain_negative_numbers_and_dates_are_accepted(pilot, personas, provider):
    rows = [
        ["2006-10-16", "1", "10", "-2", "-3.5"],
        ["16/10/2006", "1.5", "£1,250.50", "+44 20 7946 0000", "- 2"],
    ]
    batch = upload(pilot, personas, provider, "d.csv", deliveries_csv(rows))
    assert batch.status == BatchStatus.IMPORTED, batch.errors
    assert DeliveryRecord.objects.count() == 2


def test_the_refused_value_is_defused_in_the_errors_download(client, pilot, personas, provider):
    rows = [["2006-10-16", "1", "10", "DELIVERED", DDE]]
    batch = upload(pilot, personas, provider, "d.csv", deliveries_csv(rows))
    client.force_login(personas["facilitator"])
    response = client.get(reverse("pilots:batch.errors", args=[pilot.partnership_id, batch.pk]))
    header, row = csv_rows(response.content)
    assert header == ["Row", "Column", "Column letter", "Header", "Value", "Problem"]
    assert row[:5] == ["2", "5", "E", "notes", "'" + DDE]
