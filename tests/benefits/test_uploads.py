"""Return evidence goes through the shared upload checks (coplan.core.uploads): a size limit,
contents that must match the name whatever type the browser declared, nothing a browser would
run, a cleaned file name; and the download is an attachment a browser will not render or run."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplan.benefits import domain
from coplan.benefits.domain.returns import MAX_EVIDENCE_BYTES
from coplan.benefits.models import EvidenceFile
from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent

Q1 = dt.date(2007, 10, 1)


@pytest.fixture
def line(contract):
    ret = domain.submit_return(
        contract=contract.contract,
        actor=contract.people["se_partner"],
        period_start=Q1,
        lines={contract.trainees: {"actual": D(3)}},
    )
    return ret.lines.get()


def add(line, contract, name, content, declared="application/pdf"):
    return domain.add_evidence(
        line=line,
        actor=contract.people["se_partner"],
        upload=SimpleUploadedFile(name, content, declared),
    )


def nothing_written(media):
    assert EvidenceFile.objects.count() == 0
    assert not AuditEvent.objects.filter(action="benefits.evidence.added").exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def download(client, contract, evidence):
    client.force_login(contract.people["commissioner"])
    return client.get(reverse("benefits:evidence", args=[contract.partnership.pk, evidence.pk]))


def test_oversized_evidence_is_refused_and_nothing_written(contract, line, media):
    with pytest.raises(DomainError) as refused:
        add(line, contract, "payroll.pdf", b"%PDF-1.7" + b"0" * MAX_EVIDENCE_BYTES)

    assert refused.value.message == "The file must be smaller than 10 MB."
    assert (refused.value.code, refused.value.field) == ("file_too_large", "file")
    nothing_written(media)


@pytest.mark.parametrize(
    "name, content, declared, code",
    [
        ("letters.pdf", b"<html><script>alert(1)</script>", "application/pdf", "content_mismatch"),
        ("log.csv", b"<svg onload='alert(1)'></svg>", "text/csv", "content_mismatch"),
        ("log.txt", b"<!DOCTYPE html><html><body>", "text/plain", "content_mismatch"),
        ("ticket.png", b"MZ\x90\x00\x03", "image/png", "content_mismatch"),
        ("items.xlsx", b"#!/bin/sh\nrm -rf /", "text/csv", "content_mismatch"),
        ("letters.html", b"<p>hi</p>", "application/pdf", "unsupported_file"),
        ("drawing.svg", b"<svg onload='alert(1)'>", "image/png", "unsupported_file"),
        ("run.exe", b"MZ\x90\x00", "application/pdf", "unsupported_file"),
        ("empty.pdf", b"", "application/pdf", "empty_file"),
    ],
)
def test_active_or_disguised_evidence_is_refused(
    contract, line, media, name, content, declared, code
):
    with pytest.raises(DomainError) as refused:
        add(line, contract, name, content, declared)

    assert (refused.value.code, refused.value.field) == (code, "file")
    nothing_written(media)


def test_the_declared_type_is_never_trusted(contract, line, client):
    evidence = add(line, contract, "letters.pdf", b"%PDF-1.4 letters", declared="text/html")

    assert evidence.content_type == "application/pdf"  # from the checked contents, not the browser
    assert download(client, contract, evidence)["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "given, cleaned",
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\Windows\\win.ini.csv", "win.ini.csv"),
        ("Café plan ☃ ﬁnal.csv", "Caf-plan-final.csv"),
        ("évaluation\u202evsc.csv", "valuation-vsc.csv"),  # right-to-left override removed
        ('log"; filename=evil.html.csv', "log-filename-evil.html.csv"),
        ("a" * 300 + ".csv", "a" * 116 + ".csv"),
    ],
)
def test_hostile_file_names_are_cleaned(contract, line, media, client, given, cleaned):
    evidence = add(line, contract, given, b"name,start\nA1,2007-10-08\n", declared="text/csv")

    assert evidence.name == cleaned
    path = media / evidence.file.name
    assert path.is_file() and ".." not in evidence.file.name
    assert path.resolve().is_relative_to((media / "benefits" / "evidence").resolve())
    assert path.name.endswith(".csv") and len(evidence.file.name) <= 100
    response = download(client, contract, evidence)
    assert response["Content-Disposition"] == f'attachment; filename="{cleaned}"'


def test_downloads_are_attachments_that_cannot_run(contract, line, client):
    evidence = add(line, contract, "Start letters (Q1).pdf", b"%PDF-1.4 letters")

    response = download(client, contract, evidence)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Start letters (Q1).pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 letters"


def test_a_stored_type_is_not_served(contract, line, client):
    """Evidence stored before the checks, with the type the browser declared, is served with the
    type for its extension (or as bytes), never the stored one."""
    evidence = EvidenceFile.objects.create(
        line=line,
        name="notes.html",
        content_type="text/html",
        file=SimpleUploadedFile("notes.html", b"<script>alert(1)</script>"),
    )

    response = download(client, contract, evidence)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="notes.html"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_return_refused_for_its_evidence_leaves_no_files(client, contract, media):
    w = contract
    client.force_login(w.people["se_partner"])
    address = reverse("benefits:return.new", args=[w.partnership.pk, w.contract.pk])

    page = client.post(
        address,
        {
            "period_start": "2007-10-01",
            f"actual_{w.trainees.pk}": "3",
            f"additional_{w.trainees.pk}": "2",
            f"actual_{w.reused.pk}": "450",
            f"file_{w.trainees.pk}": SimpleUploadedFile("letters.pdf", b"%PDF-1.4 letters"),
            f"file_{w.reused.pk}": SimpleUploadedFile(
                "items.pdf", b"<html><script>alert(1)</script>", "application/pdf"
            ),
        },
    )

    assert page.status_code == 200
    assert "does not look like a .pdf file" in page.content.decode()
    assert w.contract.benefit_returns.count() == 0
    nothing_written(media)
