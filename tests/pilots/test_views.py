"""The pages do what they say: create a pilot (the six-month rule shown), match columns and
import with a progress bar, dashboard charts paired with tables, returns and PDFs."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from coplan.pilots import domain
from coplan.pilots.enums import BatchStatus
from coplan.pilots.models import DeliveryRecord, ImportBatch, Pilot
from tests.pdfs import inflated

from .conftest import csv_bytes, row, sample_rows, upload


def url(pilot_or_partnership, name, *args):
    pk = getattr(pilot_or_partnership, "partnership_id", None) or pilot_or_partnership.pk
    return reverse(f"pilots:{name}", args=[pk, *args])


def test_creating_a_pilot_shows_the_six_month_rule(client, partnership, personas, own_org):
    client.force_login(personas["facilitator"])
    assert "no pilot recorded" in client.get(url(partnership, "overview")).content.decode()
    data = {
        "title": "Furniture pilot",
        "starts_on": "2006-10-01",
        "ends_on": "2007-02-28",
        "services": "Emergency furniture packs: pack\nEmergency storage: storage day",
        "providers": [own_org.pk],
    }
    response = client.post(url(partnership, "pilot.new"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The pilot runs 5 months" in html and "31 March 2007 or later" in html
    assert "Months are whole calendar months and end dates are inclusive" in html
    assert not Pilot.objects.exists()
    data["ends_on"] = "2007-03-31"
    response = client.post(url(partnership, "pilot.new"), data)
    assert response.status_code == 302
    pilot = Pilot.objects.get()
    assert [s.name for s in pilot.services.all()] == [
        "Emergency furniture packs",
        "Emergency storage",
    ]
    partnership.refresh_from_db()
    assert partnership.pilot_ends_on.isoformat() == "2007-03-31"


def test_an_approved_extension_moves_the_end_and_the_timeline(client, pilot, personas):
    client.force_login(personas["facilitator"])
    client.post(url(pilot, "extension.new"), {"new_ends_on": "2007-05-31", "reason": "Winter"})
    extension = pilot.extensions.get()
    client.force_login(personas["commissioner"])
    response = client.post(
        url(pilot, "extension.decide", extension.pk),
        {"decision": "approve", "note": "Steering 6 March"},
    )
    assert response.status_code == 302
    pilot.refresh_from_db()
    pilot.partnership.refresh_from_db()
    assert pilot.effective_ends_on.isoformat() == "2007-05-31"
    assert pilot.partnership.pilot_ends_on.isoformat() == "2007-05-31"
    page = client.get(url(pilot, "overview")).content.decode()
    assert "8 whole months" in page and "Approved" in page


def test_upload_match_columns_and_import_with_progress(
    client, pilot, personas, own_org, other_org, kpis
):
    client.force_login(personas["facilitator"])
    content = csv_bytes(sample_rows(own_org.name, other_org.name, 30))
    response = client.post(
        url(pilot, "batch.new"), {"file": SimpleUploadedFile("october.csv", content)}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/uploads/{batch.pk}/")
    page = client.get(url(pilot, "batch", batch.pk)).content.decode()
    assert "Match the columns" in page and "Preview" in page
    assert 'name="col_service"' in page
    assert re.search(r'<option value="0" selected>service</option>', page)
    form = {
        "col_service": "0",
        "col_provider": "1",
        "col_delivered_on": "2",
        "col_quantity": "3",
        "col_cost": "4",
        "col_client_id": "5",
        "col_referred_on": "6",
        "col_satisfaction": "7",
        "col_outcome_code": "8",
        "extra": ["9"],
    }
    response = client.post(url(pilot, "batch", batch.pk), form)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED  # the Immediate task backend runs it inline
    assert DeliveryRecord.objects.count() == 30
    progress = client.get(url(pilot, "batch.progress", batch.pk), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200
    assert progress["HX-Refresh"] == "true"
    assert b'<progress id="batch-progress-bar" max="100" value="100">' in progress.content
    page = client.get(url(pilot, "batch", batch.pk)).content.decode()
    assert "Revert the upload" in page


def test_a_running_batch_polls_its_progress(client, pilot, personas, own_org):
    client.force_login(personas["facilitator"])
    batch = domain.upload_file(
        pilot=pilot,
        actor=personas["facilitator"],
        file=SimpleUploadedFile("r.csv", csv_bytes([row(provider=own_org.name)])),
        filename="r.csv",
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, processed_rows=1, estimated_rows=4
    )
    from coplan.pilots import importer

    path = importer._progress_file(batch.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"processed": 1, "total": 4}')
    page = client.get(url(pilot, "batch", batch.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="25"' in page
    partial = client.get(url(pilot, "batch.progress", batch.pk), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in partial
    assert partial.content.decode().strip().startswith('<div id="batch-progress"')


def test_rejected_upload_lists_errors_by_row_and_column(client, pilot, personas, own_org):
    batch = upload(
        pilot,
        personas["facilitator"],
        csv_bytes([row(provider=own_org.name), row(provider=own_org.name, day="x")]),
    )
    client.force_login(personas["facilitator"])
    page = client.get(url(pilot, "batch", batch.pk)).content.decode()
    assert "Download the errors as CSV" in page
    assert "C (date)" in page and "is not a date" in page


def test_dashboard_pairs_each_chart_with_a_table(client, pilot, personas, own_org, other_org, kpis):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name, 60)))
    domain.submit_feedback(
        pilot=pilot,
        actor=personas["service_user"],
        rating=5,
        anonymous=True,
        received_on=dt.date(2006, 12, 1),
    )
    client.force_login(personas["commissioner"])
    page = client.get(url(pilot, "dashboard")).content.decode()
    charts = re.findall(r"<svg[^>]*>", page)
    assert len(charts) >= 3
    for tag in charts:
        assert 'role="img"' in tag and "aria-label=" in tag
    assert page.count("<title>") >= len(charts) + 1
    assert "style=" not in "".join(re.findall(r"<svg.*?</svg>", page, re.S))  # CSP-safe
    assert "Actual cost per unit" in page and "Satisfaction distribution" in page
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    filtered = client.get(url(pilot, "dashboard"), {"month": "2006-11", "provider": own_org.pk})
    assert filtered.status_code == 200
    assert "Showing November 2006" in filtered.content.decode()


def test_monthly_return_exports(client, pilot, personas, own_org, other_org, kpis):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name, 40)))
    client.force_login(personas["steering"])
    page = client.get(url(pilot, "returns"), {"month": "2006-10"}).content.decode()
    assert "Return for October 2006" in page
    response = client.get(url(pilot, "returns.export", "2006-10", "csv"))
    text = response.content.decode("utf-8-sig")
    assert text.startswith("Service,Provider,Records,Quantity")
    assert "Packs within 5 working days" in text
    book = load_workbook(
        io.BytesIO(client.get(url(pilot, "returns.export", "2006-10", "xlsx")).content)
    )
    assert book.sheetnames == ["Deliveries", "KPIs", "Feedback and issues"]
    pdf = client.get(url(pilot, "returns.export", "2006-10", "pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"/StructTreeRoot" in inflated(pdf.content)
    assert client.get(url(pilot, "returns.export", "2009-01", "csv")).status_code == 404


@pytest.mark.django_db
def test_evaluation_pdf_is_tagged(client, pilot, personas, kpis):
    import datetime as dt

    evaluation = domain.create_evaluation(
        pilot=pilot,
        actor=personas["evaluator"],
        kind="final",
        period_start=dt.date(2006, 10, 1),
        period_end=dt.date(2007, 3, 31),
        lessons="Vans matter",
    )
    client.force_login(personas["observer"])
    response = client.get(url(pilot, "evaluation.pdf", evaluation.pk))
    assert response.content.startswith(b"%PDF")
    pdf = inflated(response.content)
    assert b"/StructTreeRoot" in pdf  # tagged: a structure tree for assistive technology
    assert b"pdfuaid:part" in pdf  # declares PDF/UA conformance


def test_records_list_pages_with_counts_from_the_rollups(
    client, pilot, personas, own_org, other_org
):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name, 60)))
    client.force_login(personas["facilitator"])
    page = client.get(url(pilot, "records")).content.decode()
    assert "60 records" in page and 'aria-label="Page 3"' in page
    assert f'<option value="{other_org.pk}"' in page  # the facilitator filters by any provider
    assert "As a provider you see only" not in page
    client.force_login(personas["se_partner"])
    own = DeliveryRecord.objects.filter(provider=own_org).count()
    page = client.get(url(pilot, "records")).content.decode()
    assert f"{own} records" in page
    # a provider is told why it sees only its own, and is never offered a filter that
    # returns nothing by design (issue 18, item 8)
    assert f"As a provider you see only {own_org.name}'s delivery records" in page
    assert f'<option value="{other_org.pk}"' not in page
    assert f'<option value="{own_org.pk}"' in page


def test_feedback_you_said_we_did(client, pilot, personas):
    client.force_login(personas["service_user"])
    with time_machine.travel(dt.datetime(2007, 1, 15, 12)):  # dated today: during the pilot
        response = client.post(
            url(pilot, "feedback.new"),
            {"rating": "2", "comment": "The van was late", "anonymous": "on"},
        )
    assert response.status_code == 302
    item = pilot.feedback.get()
    assert item.anonymous and item.submitted_by is None
    client.force_login(personas["facilitator"])
    client.post(url(pilot, "feedback.respond", item.pk), {"response": "A second van"})
    client.force_login(personas["service_user"])
    page = client.get(url(pilot, "feedback")).content.decode()
    assert "The van was late" in page and "A second van" in page and "Anonymous" in page


# A partnership running now (issue 15): its hints quote its own dates, never North Lanarkshire's.
RUNNING_NOW = {
    "started_on": dt.date(2025, 9, 1),
    "design_ends_on": dt.date(2027, 3, 31),
    "pilot_starts_on": dt.date(2027, 4, 1),
    "pilot_ends_on": dt.date(2027, 9, 30),
    "spec_freeze_on": dt.date(2027, 12, 1),
    "tender_on": dt.date(2028, 3, 1),
}


def test_the_pilot_length_example_is_the_partnerships_own(client, partnership, personas, pilot):
    from coplan.pilots.forms import ApproveForm

    client.force_login(personas["facilitator"])
    hint = client.get(url(partnership, "pilot.edit")).context["form"].fields["ends_on"].help_text
    assert hint.endswith(": 1 October 2006 to 31 March 2007 is 6 months.")
    for name, day in RUNNING_NOW.items():
        setattr(partnership, name, day)
    partnership.save()
    pilot.delete()
    hint = client.get(url(partnership, "pilot.new")).context["form"].fields["ends_on"].help_text
    assert hint == (
        "The last day of the pilot. A pilot runs at least 6 whole calendar months: "
        "1 April 2027 to 30 September 2027 is 6 months."
    )
    note = ApproveForm(partnership=partnership).fields["note"].help_text
    assert note == "For example 'Steering group meeting of 14 October 2027'."
    assert not any(year in hint + note for year in ("2006", "2007"))
