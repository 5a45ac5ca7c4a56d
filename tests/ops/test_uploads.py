"""Uploads: size limits, contents that must match the name, no active content, names never
trusted; downloads are attachments a browser will not render or run."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coplan.core.errors import DomainError
from coplan.core.uploads import check_upload, safe_filename
from coplan.design import domain as design

DOCS = {"pdf", "txt", "csv", "png", "docx"}


def upload(name, content: bytes):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", b"%PDF-1.7 a report"),
        ("notes.txt", "Café notes, £5\n".encode()),
        ("returns.csv", b"client,date\nA1,2026-03-02\n"),
        ("flip.png", b"\x89PNG\r\n\x1a\n..."),
        ("plan.docx", b"PK\x03\x04..."),
    ],
)
def test_real_documents_are_accepted(name, content):
    assert check_upload(upload(name, content), allowed=DOCS, max_bytes=1024) == name


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("report.pdf", b"<html><script>alert(1)</script>", "Its contents are not a .pdf file"),
        ("notes.txt", b"<!DOCTYPE html><html>", "web page code"),
        ("notes.txt", b"<svg onload=alert(1)>", "web page code"),
        ("returns.csv", b"a,b\n\x00\x01", "not a .csv text file"),
        ("report.pdf", b"MZ\x90\x00", "It is a program"),
        ("notes.txt", b"#!/bin/sh\nrm -rf /", "It is a program"),
        ("flip.png", b"GIF89a", "Its contents are not a .png file"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(name, content, message):
    with pytest.raises(DomainError, match=message) as refused:
        check_upload(upload(name, content), allowed=DOCS, max_bytes=1024)
    assert (refused.value.code, refused.value.field) == ("content_mismatch", "file")


def test_type_size_and_emptiness_are_checked():
    with pytest.raises(DomainError, match="must be one of these types") as wrong:
        check_upload(upload("page.html", b"<p>"), allowed=DOCS, max_bytes=1024)
    assert wrong.value.code == "unsupported_file"
    with pytest.raises(DomainError, match="larger than 1 MB"):
        check_upload(upload("big.txt", b"x" * (2 * 1024 * 1024)), allowed=DOCS, max_bytes=1 << 20)
    with pytest.raises(DomainError, match="is empty"):
        check_upload(upload("empty.txt", b""), allowed=DOCS, max_bytes=1024)


@pytest.mark.parametrize(
    "given, safe",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ann\\report.pdf", "report.pdf"),
        ('evil"; filename=x.html', "evil-filename-x.html"),
        ("line\r\nbreak.txt", "line-break.txt"),
        ("", "file"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_file_names_are_never_trusted(given, safe):
    assert safe_filename(given) == safe


@pytest.fixture
def workshop(partnership, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return design.create_activity(
        partnership=partnership,
        actor=personas["facilitator"],
        title="Workshop with young tenants",
        method="workshop",
        held_on=dt.date(2006, 5, 17),
        place="Motherwell Civic Centre",
        participant_count=14,
    )


def test_design_refuses_a_web_page_named_as_a_text_file(workshop, personas):
    with pytest.raises(DomainError, match="web page code"):
        design.add_attachment(
            activity=workshop,
            actor=personas["facilitator"],
            file=upload("notes.txt", b"<html><body onload=steal()>"),
        )
    assert workshop.attachments.count() == 0


def test_downloads_are_attachments_that_cannot_run(workshop, partnership, personas, as_user):
    attachment = design.add_attachment(
        activity=workshop,
        actor=personas["facilitator"],
        file=upload("Flip chart (day 1).png", b"\x89PNG\r\n\x1a\nimage"),
    )
    url = f"/partnerships/{partnership.pk}/design/attachments/{attachment.pk}/"

    response = as_user(personas["facilitator"]).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    # the stored name is Django's cleaned one, never the path the browser sent
    assert response["Content-Disposition"] == 'attachment; filename="Flip_chart_day_1.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\nimage"
