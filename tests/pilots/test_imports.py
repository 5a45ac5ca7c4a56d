"""Bulk imports: checked column-wise, all or nothing, row- and column-numbered errors, fuzzed
with malformed files; duplicate files detected; batches reverted; the CLI path."""

import datetime as dt
import io
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.pilots import domain, importer, rollups
from coplan.pilots.enums import BatchStatus
from coplan.pilots.models import DeliveryRecord, ImportBatch, KpiRollup, MonthlyRollup
from coplan.pilots.pseudonym import Pseudonymiser

from .conftest import HEADER, csv_bytes, row, sample_rows, upload


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    if header is not None:
        sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def nothing_written(pilot):
    return (
        not DeliveryRecord.objects.filter(pilot=pilot).exists()
        and not MonthlyRollup.objects.filter(pilot=pilot).exists()
        and not KpiRollup.objects.filter(kpi__pilot=pilot).exists()
    )


# --- a good file -------------------------------------------------------------------------


def test_a_good_csv_is_imported_with_its_rollups(pilot, personas, own_org, other_org, kpis):
    rows = sample_rows(own_org.name, other_org.name, 40)
    batch = upload(pilot, personas["facilitator"], csv_bytes(rows))
    assert batch.status == BatchStatus.IMPORTED, batch.message
    assert batch.imported_rows == 40
    assert DeliveryRecord.objects.filter(pilot=pilot, batch=batch).count() == 40
    assert rollups.verify(pilot.pk) == []
    assert AuditEvent.objects.filter(action="pilots.batch.imported").count() == 1
    record = DeliveryRecord.objects.filter(pilot=pilot).order_by("pk").first()
    assert record.extra == {"notes": "note"}
    assert record.month == record.delivered_on.replace(day=1)


def test_client_identifiers_are_stored_only_as_keyed_hashes(pilot, personas, own_org):
    upload(
        pilot,
        personas["facilitator"],
        csv_bytes(
            [
                row(provider=own_org.name, client="C1"),
                row(provider=own_org.name, client=" c1 "),
                row(provider=own_org.name, client="C2"),
            ]
        ),
    )
    refs = list(DeliveryRecord.objects.order_by("pk").values_list("client_ref", flat=True))
    assert refs[0] == refs[1] != refs[2]  # the same person, whatever the spacing or case
    assert all(len(r) == 32 and "C1" not in r for r in refs)
    assert refs[0] == Pseudonymiser(pilot.pk)("C1")
    assert refs[0] != Pseudonymiser(pilot.pk + 1)("C1")  # not linkable across pilots
    for record in DeliveryRecord.objects.all():
        assert "C1" not in str(record.extra) and "C2" not in str(record.extra)


def test_a_good_xlsx_with_real_dates_and_numbers_is_imported(pilot, personas, own_org, other_org):
    rows = [
        [
            "Emergency furniture packs",
            own_org.name,
            dt.date(2006, 11, 3),
            2,
            412.5,
            "C9",
            dt.datetime(2006, 10, 30),
            5,
            "DELIVERED",
            "x",
        ],
        [
            "Emergency storage",
            other_org.name,
            dt.datetime(2006, 12, 4, 9, 30),
            14,
            33.300000000000004,
            None,
            None,
            None,
            "RECLAIMED",
            None,
        ],
    ]
    batch = upload(pilot, personas["facilitator"], xlsx_bytes(rows), name="returns.xlsx")
    assert batch.status == BatchStatus.IMPORTED, (batch.message, batch.errors)
    first, second = DeliveryRecord.objects.order_by("pk")
    assert first.delivered_on == dt.date(2006, 11, 3) and first.cost == Decimal("412.50")
    assert first.wait_days == 4 and first.wait_working_days == 4
    assert second.cost == Decimal("33.30") and second.referred_on is None


def test_uk_dates_money_signs_and_blank_rows_are_accepted(pilot, personas, own_org):
    content = csv_bytes(
        [
            row(provider=own_org.name, day="16/10/2006", referred="10/10/2006", cost="£1,250.50"),
            ["", "", "", "", "", "", "", "", "", ""],
        ]
    )
    batch = upload(pilot, personas["facilitator"], content)
    assert batch.status == BatchStatus.IMPORTED, batch.errors
    record = DeliveryRecord.objects.get()
    assert record.cost == Decimal("1250.50") and record.delivered_on == dt.date(2006, 10, 16)


def test_fixed_service_and_provider_for_every_row(pilot, personas, own_org, services):
    content = csv_bytes([["2006-10-12", "1", "10"]], header=["Date", "Qty", "Cost"])
    batch = domain.upload_file(
        pilot=pilot,
        actor=personas["se_partner"],
        file=SimpleUploadedFile("f.csv", content),
        filename="f.csv",
    )
    mapping = importer.Mapping(
        columns={"delivered_on": 0, "quantity": 1, "cost": 2},
        fixed={"service": services["Emergency storage"].pk, "provider": own_org.pk},
    )
    domain.queue_import(
        batch=batch, actor=personas["se_partner"], mapping=mapping, scope={own_org.pk}
    )
    assert importer.run(batch.pk).status == BatchStatus.IMPORTED
    record = DeliveryRecord.objects.get()
    assert record.unit == "storage day" and record.provider == own_org


# --- malformed files: a clear error, nothing written ----------------------------------------

BAD_UPLOADS = [
    # id, file name, bytes, error code at upload
    ("latin-1 text", "f.csv", "service,provider\nCaf\xe9,x\n".encode("latin-1"), "wrong_encoding"),
    ("UTF-16 text", "f.csv", "service,provider\n".encode("utf-16"), "wrong_encoding"),
    ("empty file", "f.csv", b"", "empty_file"),
    ("only blank lines", "f.csv", b"\n\n\n", "empty_file"),
    ("0-byte xlsx", "f.xlsx", b"", "empty_file"),
    ("not a workbook", "f.xlsx", b"PK\x03\x04 broken zip", "invalid_xlsx"),
    ("pdf", "f.pdf", b"%PDF-1.4", "unsupported_file"),
    ("duplicate headers", "f.csv", b"date,quantity,Date\n2006-10-01,1,2\n", "duplicate_column"),
    ("duplicate xlsx headers", "f.xlsx", None, "duplicate_column"),
]


@pytest.mark.parametrize(
    ("name", "content", "code"), [b[1:] for b in BAD_UPLOADS], ids=[b[0] for b in BAD_UPLOADS]
)
def test_unreadable_files_are_refused_at_upload(pilot, personas, name, content, code):
    if content is None:
        content = xlsx_bytes([["2006-10-01", 1]], header=["date", "DATE"])
    with pytest.raises(DomainError) as error:
        domain.upload_file(
            pilot=pilot,
            actor=personas["facilitator"],
            file=SimpleUploadedFile(name, content),
            filename=name,
        )
    assert error.value.code == code
    assert error.value.message  # says what to do
    assert not ImportBatch.objects.exists()
    assert nothing_written(pilot)


def test_missing_required_columns_cannot_be_queued(pilot, personas):
    content = csv_bytes([["2006-10-12", "1"]], header=["date", "quantity"])
    batch = domain.upload_file(
        pilot=pilot,
        actor=personas["facilitator"],
        file=SimpleUploadedFile("f.csv", content),
        filename="f.csv",
    )
    with pytest.raises(DomainError) as error:
        domain.queue_import(
            batch=batch,
            actor=personas["facilitator"],
            mapping=importer.Mapping.from_json(batch.mapping),
        )
    assert error.value.code == "mapping_incomplete"
    problems = " ".join(error.value.data["problems"])
    assert "Service" in problems and "Provider" in problems and "Cost" in problems
    assert nothing_written(pilot)


LONG = "x" * 10_000
BAD_ROWS = [
    # id, row changes, expected column header, words in the message
    ("bad date", {"day": "31/02/2007"}, "date", "is not a date"),
    ("text date", {"day": "next Tuesday"}, "date", "is not a date"),
    ("date outside the pilot", {"day": "2007-06-01"}, "date", "outside the pilot"),
    ("date in the future", {"day": "2099-01-01"}, "date", "in the future"),
    ("negative quantity", {"quantity": "-2"}, "quantity", "negative"),
    ("quantity not a number", {"quantity": "two"}, "quantity", "not a quantity"),
    ("three decimals", {"quantity": "1.125"}, "quantity", "2 decimal places"),
    ("negative cost", {"cost": "-12.50"}, "cost", "negative"),
    ("formula in a number", {"cost": "=SUM(A1:A9)"}, "cost", "formula"),
    ("formula in text", {"outcome": '=HYPERLINK("http://x")'}, "outcome", "formula"),
    ("formula in extra column", {"notes": "@SUM(1)"}, "notes", "formula"),
    ("10,000-character cell", {"notes": LONG}, "notes", "10000 characters"),
    ("10,000-character outcome", {"outcome": LONG}, "outcome", "10000 characters"),
    ("unknown service", {"service": "Carpets"}, "service", "not one of this pilot's services"),
    ("unknown provider", {"provider": "Acme Ltd"}, "provider", "not one of this pilot's providers"),
    ("empty service", {"service": ""}, "service", "is empty"),
    ("satisfaction 7", {"satisfaction": "7"}, "satisfaction", "from 1 to 5"),
    ("referral after delivery", {"referred": "2006-10-20"}, "referral_date", "after the delivery"),
]


@pytest.mark.parametrize(
    ("changes", "header", "words"), [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS]
)
def test_bad_cells_reject_the_whole_file(pilot, personas, own_org, kpis, changes, header, words):
    good = [row(provider=own_org.name, day=f"2006-10-{d:02d}") for d in range(2, 12)]
    bad = dict(provider=own_org.name, day="2006-10-16")
    bad.update(changes)
    rows = [*good[:5], row(**bad), *good[5:]]
    batch = upload(pilot, personas["facilitator"], csv_bytes(rows))
    assert batch.status == BatchStatus.REJECTED
    assert batch.error_count >= 1
    error = batch.errors[0]
    assert error["row"] == 7  # header is row 1; the bad row is the sixth data row
    assert error["header"] == header
    assert error["column"] == HEADER.index(header) + 1
    assert words in error["message"], error
    assert "nothing was imported" in batch.message
    assert nothing_written(pilot)


def test_ragged_rows_are_refused_with_the_row_number(pilot, personas, own_org):
    content = csv_bytes([row(provider=own_org.name)]) + b"a,b,c,d,e,f,g,h,i,j,k,l\n"
    batch = upload(pilot, personas["facilitator"], content)
    assert batch.status == BatchStatus.REJECTED
    assert "Row 3 has 12 cells" in batch.message
    assert nothing_written(pilot)


def test_every_error_is_reported_even_in_later_chunks(pilot, personas, own_org, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 10)
    rows = [row(provider=own_org.name, day="2006-10-05") for _ in range(45)]
    rows[3][3] = "-1"
    rows[38][2] = "not a date"
    batch = upload(pilot, personas["facilitator"], csv_bytes(rows))
    assert batch.status == BatchStatus.REJECTED
    assert [(e["row"], e["header"]) for e in batch.errors] == [(5, "quantity"), (40, "date")]
    assert nothing_written(pilot)


def test_errors_are_capped_but_counted(pilot, personas, own_org, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ERRORS", 5)
    rows = [row(provider=own_org.name, quantity="-1") for _ in range(12)]
    batch = upload(pilot, personas["facilitator"], csv_bytes(rows))
    assert batch.error_count == 12 and len(batch.errors) == 5
    assert "The first 5 are listed" in batch.message


def test_a_provider_cannot_upload_for_another_organisation(pilot, personas, own_org, other_org):
    rows = [row(provider=own_org.name), row(provider=other_org.name)]
    batch = upload(pilot, personas["se_partner"], csv_bytes(rows), scope={own_org.pk})
    assert batch.status == BatchStatus.REJECTED
    assert batch.errors[0]["row"] == 3
    assert "your own organisation" in batch.errors[0]["message"]
    assert nothing_written(pilot)


def test_a_file_with_only_a_header_has_no_rows(pilot, personas):
    batch = upload(pilot, personas["facilitator"], csv_bytes([]))
    assert batch.status == BatchStatus.REJECTED
    assert "no rows" in batch.message


def test_errors_download_as_csv(client, pilot, personas, own_org):
    batch = upload(
        pilot, personas["facilitator"], csv_bytes([row(provider=own_org.name, cost="=1+1")])
    )
    client.force_login(personas["facilitator"])
    response = client.get(
        f"/partnerships/{pilot.partnership_id}/pilot/uploads/{batch.pk}/errors.csv"
    )
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert text.splitlines()[0] == "Row,Column,Column letter,Header,Value,Problem"
    assert "2,5,E,cost,'=1+1," in text  # the formula is defused in the download


# --- duplicates and reverts ----------------------------------------------------------------


def test_the_same_file_twice_is_detected(pilot, personas, own_org):
    content = csv_bytes([row(provider=own_org.name)])
    first = upload(pilot, personas["facilitator"], content)
    assert first.status == BatchStatus.IMPORTED
    with pytest.raises(DomainError) as error:
        upload(pilot, personas["facilitator"], content, name="renamed.csv")
    assert error.value.code == "duplicate_file"
    assert f"upload {first.pk}" in error.value.message
    assert DeliveryRecord.objects.count() == 1


def test_a_reverted_file_can_be_uploaded_again(pilot, personas, own_org):
    content = csv_bytes([row(provider=own_org.name)])
    first = upload(pilot, personas["facilitator"], content)
    domain.revert_batch(batch=first, actor=personas["facilitator"], reason="Wrong month")
    second = upload(pilot, personas["facilitator"], content)
    assert second.status == BatchStatus.IMPORTED


def test_reverting_removes_the_records_and_their_rollups_audited(
    pilot, personas, own_org, other_org, kpis
):
    keep = upload(
        pilot,
        personas["facilitator"],
        csv_bytes(sample_rows(own_org.name, other_org.name, 20)),
        name="a.csv",
    )
    drop = upload(
        pilot,
        personas["facilitator"],
        csv_bytes(sample_rows(other_org.name, own_org.name, 30)[::-1]),
        name="b.csv",
    )
    removed = domain.revert_batch(batch=drop, actor=personas["facilitator"], reason="Duplicate")
    assert removed == 30
    assert DeliveryRecord.objects.filter(batch=drop).count() == 0
    assert DeliveryRecord.objects.filter(batch=keep).count() == 20
    assert rollups.verify(pilot.pk) == []
    event = AuditEvent.objects.get(action="pilots.batch.reverted")
    assert event.data["rows"] == 30 and event.data["reason"] == "Duplicate"
    with pytest.raises(DomainError):
        domain.revert_batch(batch=drop, actor=personas["facilitator"])


def test_a_provider_may_revert_only_its_own_uploads(pilot, personas, own_org, other_org):
    batch = upload(pilot, personas["facilitator"], csv_bytes([row(provider=other_org.name)]))
    with pytest.raises(DomainError) as error:
        domain.revert_batch(batch=batch, actor=personas["se_partner"], scope={own_org.pk})
    assert error.value.code == "not_your_upload"


def test_progress_is_reported_outside_the_transaction(pilot, personas, own_org, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 5)
    seen = []
    batch = domain.upload_file(
        pilot=pilot,
        actor=personas["facilitator"],
        file=SimpleUploadedFile("p.csv", csv_bytes([row(provider=own_org.name)] * 12)),
        filename="p.csv",
    )
    domain.queue_import(
        batch=batch,
        actor=personas["facilitator"],
        mapping=importer.Mapping.from_json(batch.mapping),
    )
    outcome = importer.run(batch.pk, progress=lambda done, total: seen.append((done, total)))
    assert outcome.status == BatchStatus.IMPORTED
    assert [d for d, _ in seen] == [5, 10, 12]
    batch.refresh_from_db()
    assert batch.percent == 100 and batch.processed_rows == 12


# --- the command line ----------------------------------------------------------------------


def test_import_deliveries_command(pilot, personas, own_org, other_org, tmp_path):
    path = tmp_path / "returns.csv"
    path.write_bytes(csv_bytes(sample_rows(own_org.name, other_org.name, 25)))
    out, err = StringIO(), StringIO()
    call_command(
        "import_deliveries",
        str(pilot.pk),
        str(path),
        "--as",
        personas["facilitator"].email,
        stdout=out,
        stderr=err,
    )
    assert "25 delivery records imported" in out.getvalue()
    assert "100%" in err.getvalue() and "[" in err.getvalue()  # the terminal progress bar
    assert DeliveryRecord.objects.filter(pilot=pilot).count() == 25
    assert ImportBatch.objects.get().via == "cli"
    with pytest.raises(CommandError, match="already uploaded"):
        call_command("import_deliveries", str(pilot.pk), str(path), stdout=out, stderr=err)


def test_import_deliveries_command_reports_errors(pilot, own_org, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row(provider=own_org.name, quantity="-3")]))
    errors = tmp_path / "errors.csv"
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_deliveries",
            str(pilot.partnership_id),
            str(path),
            "--partnership",
            "--errors",
            str(errors),
            stdout=StringIO(),
            stderr=err,
        )
    assert "Row 2, column 4 (quantity): is negative" in err.getvalue()
    assert "negative" in errors.read_text(encoding="utf-8-sig")
    assert nothing_written(pilot)


def test_import_deliveries_command_mapping_options(pilot, own_org, tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes([["2006-10-12", "3", "30"]], header=["When", "Qty", "Cost"]))
    call_command(
        "import_deliveries",
        str(pilot.pk),
        str(path),
        "--map",
        "delivered_on=When",
        "--map",
        "quantity=Qty",
        "--service",
        "emergency storage",
        "--provider",
        own_org.name,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert DeliveryRecord.objects.get().quantity == 3
    with pytest.raises(CommandError, match="No pilot"):
        call_command("import_deliveries", "999999", str(path), stdout=StringIO())


def test_the_coplan_script_maps_import_deliveries(pilot, own_org, tmp_path, monkeypatch):
    from coplan import cli

    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes([row(provider=own_org.name)]))
    calls = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", calls.append)
    cli.main(["coplan", "import-deliveries", str(pilot.pk), str(path)])
    assert calls[0][1] == "import_deliveries"


# --- formulas in XLSX cells ------------------------------------------------------------------
# python-calamine hands over a formula's cached value (or nothing, when the file was never
# recalculated) and has no formula API; the sheet's XML is read to find them.


def test_formulas_in_xlsx_cells_reject_the_whole_file(pilot, personas, own_org, kpis):
    rows = [row(provider=own_org.name, day=f"2006-10-{d:02d}") for d in range(2, 8)]
    rows[2][4] = "=100+200"  # cost: openpyxl writes the formula with no cached value
    rows[4][8] = '=IF(1,"DELIVERED","")'  # outcome: text formula
    batch = upload(pilot, personas["facilitator"], xlsx_bytes(rows), name="returns.xlsx")
    assert batch.status == BatchStatus.REJECTED
    assert batch.error_count == 2
    first, second = batch.errors
    assert (first["row"], first["column"], first["header"]) == (4, 5, "cost")
    assert first["value"] == "=100+200"
    assert "formula" in first["message"]
    assert (second["row"], second["column"], second["header"]) == (6, 9, "outcome")
    assert "nothing was imported" in batch.message
    assert nothing_written(pilot)


def test_a_formula_in_an_ignored_xlsx_column_is_not_an_error(pilot, personas, own_org):
    rows = [row(provider=own_org.name), row(provider=own_org.name, day="2006-10-17")]
    rows[0][9] = "=1+1"  # the "notes" column, left out of the mapping below
    content = xlsx_bytes(rows)
    batch = domain.upload_file(
        pilot=pilot,
        actor=personas["facilitator"],
        file=SimpleUploadedFile("f.xlsx", content),
        filename="f.xlsx",
    )
    mapping = importer.Mapping.from_json(batch.mapping)
    mapping.extra = [i for i in mapping.extra if batch.columns[i] != "notes"]
    domain.queue_import(batch=batch, actor=personas["facilitator"], mapping=mapping)
    importer.run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED, batch.message
    assert DeliveryRecord.objects.filter(pilot=pilot).count() == 2


def test_shared_formulas_in_xlsx_are_found(tmp_path):
    """Excel writes a filled-down formula once and marks the other cells ``<f t="shared"/>``."""
    import zipfile

    from coplan.pilots.xlsx_formulas import formula_cells

    path = tmp_path / "shared.xlsx"
    original = io.BytesIO(xlsx_bytes([["a", 1], ["b", 2]], header=["x", "y"]))
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b'<c r="B2" t="n"><v>1</v></c>',
                    b'<c r="B2"><f t="shared" ref="B2:B3" si="0">A1*2</f><v>1</v></c>',
                ).replace(
                    b'<c r="B3" t="n"><v>2</v></c>',
                    b'<c r="B3"><f t="shared" si="0"/><v>2</v></c>',
                )
                assert b"shared" in data, data
            out.writestr(item, data)
    assert list(formula_cells(path)) == [(2, 2, "=A1*2"), (3, 2, "")]


def test_formula_search_ignores_files_that_are_not_workbooks(tmp_path):
    from coplan.pilots.xlsx_formulas import formula_cells

    path = tmp_path / "junk.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    assert list(formula_cells(path)) == []


def test_an_uploaded_file_and_its_raw_rows_are_deleted_a_month_after_the_import(
    pilot, personas, own_org, other_org
):
    """The file (with the provider's raw client identifiers) goes; the batch keeps its counts
    and checksum, so uploading the same file again is still caught."""
    from coplan.ops import privacy

    content = csv_bytes(sample_rows(own_org.name, other_org.name))
    batch = upload(pilot, personas["facilitator"], content)
    assert batch.status == "imported" and batch.file and batch.preview
    path = Path(batch.file.path)
    finished = timezone.localdate(batch.finished_at)

    soon = privacy.apply_retention(today=finished + dt.timedelta(days=20))
    assert dict((c.key, n) for c, n in soon.results)["pilots.upload_files"] == 0
    later = finished + dt.timedelta(days=40)
    dry = privacy.apply_retention(today=later, dry_run=True)
    assert dict((c.key, n) for c, n in dry.results)["pilots.upload_files"] == 1
    assert path.exists()

    run = privacy.apply_retention(today=later)

    assert dict((c.key, n) for c, n in run.results)["pilots.upload_files"] == 1
    batch.refresh_from_db()
    assert not batch.file and batch.preview == [] and not path.exists()
    assert batch.imported_rows == len(sample_rows(own_org.name, other_org.name))
    rerun = privacy.apply_retention(today=later)
    assert dict((c.key, n) for c, n in rerun.results)["pilots.upload_files"] == 0
    with pytest.raises(DomainError, match="already uploaded"):
        upload(pilot, personas["facilitator"], content)
