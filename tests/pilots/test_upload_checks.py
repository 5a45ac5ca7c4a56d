"""Delivery-record uploads go through the shared upload checks (``coplan.core.uploads``): the
name a person gave the file is cleaned, the contents must match it, and web page code is
refused, writing nothing; the pilot keeps its own 1 GB limit for CSV and XLSX files."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.pilots import domain
from coplan.pilots.domain import batches
from coplan.pilots.models import ImportBatch
from tests.api.helpers import api_as, assert_problem

from .conftest import csv_bytes, sample_rows

PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_web_page_renamed_csv_is_refused_and_nothing_is_written(pilot, personas, media):
    with pytest.raises(DomainError) as refused:
        domain.upload_file(
            pilot=pilot,
            actor=personas["facilitator"],
            file=SimpleUploadedFile("october.csv", PAGE),
            filename="october.csv",
        )

    assert refused.value.message == (
        "The file does not look like a .csv file: It contains web page code, which Coplan "
        "does not accept."
    )
    assert (refused.value.code, refused.value.field) == ("content_mismatch", "file")
    assert not ImportBatch.objects.exists()
    assert stored_files(media) == []


def test_the_upload_page_says_why_a_web_page_is_refused(client, pilot, personas, media):
    client.force_login(personas["facilitator"])
    response = client.post(
        reverse("pilots:batch.new", args=[pilot.partnership_id]),
        {"file": SimpleUploadedFile("october.csv", PAGE)},
    )

    assert response.status_code == 200
    assert "It contains web page code, which Coplan does not accept." in response.text
    assert "govuk-error-summary" in response.text
    assert not ImportBatch.objects.exists()
    assert stored_files(media) == []


def test_the_api_refuses_a_web_page_with_a_problem_naming_the_file(pilot, personas, media):
    api = api_as(personas["facilitator"])
    response = api.client.post(
        f"/api/v1/partnerships/{pilot.partnership_id}/pilot/uploads",
        {"file": SimpleUploadedFile("october.csv", PAGE)},
        **api.headers,
    )

    body = assert_problem(response, 422, "Not allowed by the partnership's rules")
    assert (body["code"], body["field"]) == ("content_mismatch", "file")
    assert not ImportBatch.objects.exists()


def test_a_path_traversal_name_is_cleaned(pilot, personas, own_org, other_org, media):
    content = csv_bytes(sample_rows(own_org.name, other_org.name, 3))
    sneaky = "..\\..\\../../etc/cron.d/october.csv"

    batch = domain.upload_file(
        pilot=pilot,
        actor=personas["facilitator"],
        file=SimpleUploadedFile(sneaky, content),
        filename=sneaky,
    )

    assert batch.filename == "october.csv"
    stored = Path(batch.file.path).resolve()
    assert stored.is_relative_to(media.resolve())
    assert stored.name.startswith("october") and stored.suffix == ".csv"


def test_an_xlsx_that_is_not_a_workbook_is_refused_before_it_is_stored(pilot, personas, media):
    with pytest.raises(DomainError, match=r"Its contents are not a \.xlsx file") as refused:
        domain.upload_file(
            pilot=pilot,
            actor=personas["facilitator"],
            file=SimpleUploadedFile("october.xlsx", PAGE),
            filename="october.xlsx",
        )
    assert refused.value.code == "content_mismatch"
    assert stored_files(media) == []


def test_the_pilot_keeps_its_larger_limit(pilot, personas, own_org, other_org, media, monkeypatch):
    """The shared check's limit is the pilot's 1 GB (here made 1 kB), with its own advice;
    the command line has no limit."""
    monkeypatch.setattr(batches, "MAX_UPLOAD_BYTES", 1024)
    content = csv_bytes(sample_rows(own_org.name, other_org.name, 40))
    assert len(content) > 1024

    with pytest.raises(DomainError) as refused:
        domain.upload_file(
            pilot=pilot,
            actor=personas["facilitator"],
            file=SimpleUploadedFile("october.csv", content),
            filename="october.csv",
        )
    assert refused.value.code == "file_too_large"
    assert refused.value.message == (
        "The file is larger than 1 GB: split it, or import it with `coplan import-deliveries`."
    )

    path = media / "october.csv"
    path.write_bytes(content)
    batch = domain.upload_file(
        pilot=pilot, actor=personas["facilitator"], file=path, filename=path.name, via="cli"
    )
    assert batch.size == len(content)
