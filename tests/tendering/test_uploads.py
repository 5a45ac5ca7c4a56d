"""Tender documents go through the shared upload checks (coplan.core.uploads): a size limit,
contents that must match the name, nothing a browser would run, a cleaned file name; and the
public download is an attachment a browser will not render or run."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.tendering import domain
from coplan.tendering.domain.strategy import MAX_DOCUMENT_BYTES
from coplan.tendering.models import TenderDocument


def add(world, name, content):
    return domain.add_document(
        tender=world.tender,
        actor=world.people["procurement"],
        title="Invitation to tender",
        file=SimpleUploadedFile(name, content, "application/pdf"),
    )


def nothing_written(media):
    assert TenderDocument.objects.count() == 0
    assert not AuditEvent.objects.filter(action="tendering.document.added").exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_an_oversized_document_is_refused_and_nothing_written(world, media):
    with pytest.raises(DomainError) as refused:
        add(world, "itt.pdf", b"%PDF-1.7" + b"0" * MAX_DOCUMENT_BYTES)

    assert refused.value.message == "The file is larger than 20 MB."
    assert (refused.value.code, refused.value.field) == ("file_too_large", "file")
    nothing_written(media)


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("itt.pdf", b"<html><script>alert(document.cookie)</script>", "content_mismatch"),
        ("specification.txt", b"<svg onload='alert(1)'></svg>", "content_mismatch"),
        ("terms.txt", b"<!DOCTYPE html><html><body>", "content_mismatch"),
        ("terms.docx", b"MZ\x90\x00\x03", "content_mismatch"),
        ("pricing.xlsx", b"\x7fELF\x02\x01", "content_mismatch"),
        ("notice.html", b"<p>Hello</p>", "unsupported_file"),
        ("diagram.svg", b"<svg onload='alert(1)'>", "unsupported_file"),
        ("setup.exe", b"MZ\x90\x00", "unsupported_file"),
        ("empty.pdf", b"", "empty_file"),
    ],
)  # fmt: skip
def test_active_or_disguised_documents_are_refused(world, media, name, content, code):
    with pytest.raises(DomainError) as refused:
        add(world, name, content)

    assert (refused.value.code, refused.value.field) == (code, "file")
    nothing_written(media)


def test_the_page_shows_why_a_document_was_refused(client, world, media):
    client.force_login(world.people["procurement"])
    address = reverse("tendering:document.add", args=[world.partnership.pk, world.tender.pk])

    page = client.post(
        address,
        {"title": "ITT", "file": SimpleUploadedFile("itt.pdf", b"<html><script>x</script>")},
    )

    assert page.status_code == 200
    assert "does not look like a .pdf file" in page.content.decode()
    nothing_written(media)


@pytest.mark.parametrize(
    "given, stored",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\win.ini.txt", "win.ini.txt"),
        ("Café plan ☃ ﬁnal.txt", "Caf-plan-final.txt"),
        ("évaluation\u202egnp.txt", "valuation-gnp.txt"),  # right-to-left override removed
        ('itt"; filename=evil.html.txt', "itt-filename-evil.html.txt"),
        ("a" * 300 + ".txt", "a" * 116 + ".txt"),
    ],
)
def test_hostile_file_names_are_cleaned(world, media, client, given, stored):
    document = add(world, given, b"Invitation to tender")
    domain.publish(tender=world.tender, actor=world.people["commissioner"])

    path = media / document.file.name
    assert path.name == stored
    assert path.resolve().is_relative_to((media / "tender-documents").resolve())
    download = client.get(
        reverse("tenders_public:document", args=[world.tender.reference, document.pk])
    )
    assert download["Content-Disposition"] == f'attachment; filename="{stored}"'


def test_public_downloads_are_attachments_that_cannot_run(world, client):
    document = add(world, "Invitation to tender.pdf", b"%PDF-1.7 the invitation")
    domain.publish(tender=world.tender, actor=world.people["commissioner"])

    response = client.get(  # no login: tender documents are public once published
        reverse("tenders_public:document", args=[world.tender.reference, document.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Invitation_to_tender.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 the invitation"


def test_a_stored_document_with_an_unknown_type_is_served_as_bytes(world, client):
    """A document stored before the checks (or by hand) is still never rendered inline."""
    domain.publish(tender=world.tender, actor=world.people["commissioner"])
    document = world.tender.documents.create(
        title="Old notice", file=SimpleUploadedFile("notice.html", b"<script>alert(1)</script>")
    )

    response = client.get(
        reverse("tenders_public:document", args=[world.tender.reference, document.pk])
    )

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="notice.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
