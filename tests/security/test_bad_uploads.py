"""Bad input changes nothing.

The attack: a file that is not UTF-8 text is uploaded where Coplan imports a table — a CSV
saved by an old Excel in Latin-1 (with é and £), the same saved as UTF-16 "Unicode text", a
picture renamed to look like the file. Every import — survey results, delivery records, the
costing workbook — on the page and in the API, refuses it with a message on the file field
that says how to save the file, and answers no 500.

And a refused upload keeps nothing: no import record or batch, no preview rows, no records,
no audit event and no file on disk (the files hold respondents' names and raw client
identifiers). A file rejected for its rows keeps only its errors. A UTF-8 file with a byte
order mark — what Excel's "CSV UTF-8" writes — is still imported.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from coplan.core.models import AuditEvent
from coplan.costing import domain as costing
from coplan.costing.models import CostModelVersion, StaffLine
from coplan.design import domain as design
from coplan.design.enums import ImportStatus, Method
from coplan.design.models import Consent, Item, SurveyImport
from coplan.partnerships.enums import Role
from coplan.pilots import domain as pilots
from coplan.pilots.models import DeliveryRecord, ImportBatch
from tests.api.helpers import REFUSED, api_as, assert_problem
from tests.costing.conftest import organisation_of, packs_contents
from tests.factories import OrganisationFactory, member
from tests.pilots.conftest import csv_bytes, row, sample_rows

# --- the attack files ---------------------------------------------------------------------

TEXT = "Client,Answer\nRené Dubois,Café vouchers for £5\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
ATTACKS = {
    "Latin-1 text": TEXT.encode("latin-1"),
    "UTF-16 text with a byte order mark": TEXT.encode("utf-16"),
    "a PNG picture": PNG,
}
SAVE_AS = "In Excel choose File > Save As > “CSV UTF-8 (Comma delimited)” and upload that file."
SAYS = {
    "Latin-1 text": f"The file is not UTF-8 text: byte 18 (on line 2) is 0xE9. {SAVE_AS}",
    "UTF-16 text with a byte order mark": (
        f"The file is saved as UTF-16 (“Unicode text”), not UTF-8. {SAVE_AS}"
    ),
    "a PNG picture": (
        "The file is not UTF-8 text: it holds binary data, like a picture or a workbook with a "
        f"text file's name. {SAVE_AS}"
    ),
}
NOT_A_WORKBOOK = (
    "The file is not an Excel workbook, so nothing was imported. Open it in Excel, choose "
    "File > Save As > “Excel Workbook (.xlsx)” and upload that file."
)
each_attack = pytest.mark.parametrize("attack", list(ATTACKS))


def test_the_attack_files_are_what_they_claim():
    assert ATTACKS["Latin-1 text"][17:18] == "é".encode("latin-1") == b"\xe9"
    assert ATTACKS["UTF-16 text with a byte order mark"][:2] == b"\xff\xfe"
    assert b"\x00" in ATTACKS["a PNG picture"]


# --- the world ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def facilitator(personas):
    return personas["facilitator"]


@pytest.fixture
def api(facilitator):
    """The API as the facilitator (issuing the token is audited, so before any footprint)."""
    return api_as(facilitator)


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what waits for the transaction to commit (deleting files), as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def survey(partnership, facilitator):
    return design.create_activity(
        partnership=partnership,
        actor=facilitator,
        title="Tenants' furniture survey",
        method=Method.SURVEY,
        held_on=dt.date(2006, 6, 1),
        online=True,
        participant_count=0,
    )


@pytest.fixture
def providers(partnership, personas):
    own = partnership.memberships.get(user=personas["se_partner"], role=Role.SE_PARTNER)
    other = OrganisationFactory(name="Beulah Scotland")
    member(partnership, Role.SE_PARTNER, organisation=other)
    return own.organisation, other


@pytest.fixture
def pilot(partnership, facilitator, providers):
    return pilots.create_pilot(
        partnership=partnership,
        actor=facilitator,
        title="Furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
        funding_amount=Decimal("120000"),
        funding_route="Council grant",
        services=[("Emergency storage", "storage day"), ("Emergency furniture packs", "pack")],
        providers=list(providers),
    )


@pytest.fixture
def cost_model(partnership, personas):
    owner = personas["se_partner"]
    model = costing.create_cost_model(
        partnership=partnership,
        actor=owner,
        organisation=organisation_of(partnership, owner),
        service="Packs",
        unit_name="furniture pack",
    )
    costing.replace_contents(model=model, actor=owner, contents=packs_contents())
    return model


def footprint(media) -> dict:
    """Everything an upload could leave behind."""
    previews = ImportBatch.objects.values_list("preview", flat=True)
    return {
        "import batches": ImportBatch.objects.count(),
        "preview rows": sum(len(preview) for preview in previews),
        "delivery records": DeliveryRecord.objects.count(),
        "survey imports": SurveyImport.objects.count(),
        "answers": Item.objects.count(),
        "consents": Consent.objects.count(),
        "cost model versions": CostModelVersion.objects.count(),
        "staff lines": StaffLine.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "files on disk": sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()),
    }


def shows_on_the_file_field(response, message: str) -> None:
    """The page is shown again with the GOV.UK error summary linking to the file field, and
    the message next to the field."""
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert f'<a href="#id_file">{escape(message)}</a>' in html
    assert (
        '<p id="id_file-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        f"Error:</span> {escape(message)}</p>"
    ) in html


def refused_in_the_api(response, message: str) -> None:
    body = assert_problem(response, 422, REFUSED)
    assert (body["field"], body["code"], body["detail"]) == ("file", "wrong_encoding", message)


# --- survey results (design) --------------------------------------------------------------


NAME_WITHOUT_CONSENT = "Answer,Name,Consent\nBeds first,René Dubois,\n".encode()
BY_NAME = {"text_columns": ["Answer"], "name_column": "Name", "consent_column": "Consent"}
NO_CONSENT = "A name is given without consent: remove the name, or record the consent as yes."


def post_survey_page(client, user, survey, name, content):
    client.force_login(user)
    return client.post(
        reverse("design:import.upload", args=[survey.partnership_id]),
        {"activity": survey.pk, "file": SimpleUploadedFile(name, content)},
    )


def post_survey_api(api, survey, name, content, mapping=None):
    return api.client.post(
        f"/api/v1/partnerships/{survey.partnership_id}/design/imports",
        {
            "activity_id": survey.pk,
            "mapping": json.dumps(mapping or {"text_columns": ["Answer"]}),
            "file": SimpleUploadedFile(name, content),
        },
        **api.headers,
    )


@each_attack
def test_the_survey_page_refuses_a_file_that_is_not_utf8(
    attack, client, facilitator, survey, media
):
    before = footprint(media)

    response = post_survey_page(client, facilitator, survey, "survey.csv", ATTACKS[attack])

    shows_on_the_file_field(response, SAYS[attack])
    assert footprint(media) == before


@each_attack
def test_the_survey_api_refuses_a_file_that_is_not_utf8(attack, api, survey, media):
    before = footprint(media)

    response = post_survey_api(api, survey, "survey.csv", ATTACKS[attack])

    refused_in_the_api(response, SAYS[attack])
    assert footprint(media) == before


def test_a_survey_rejected_for_its_rows_in_the_api_keeps_no_record_and_no_file(
    api, survey, media, commits
):
    before = footprint(media)

    with commits():
        response = post_survey_api(api, survey, "survey.csv", NAME_WITHOUT_CONSENT, BY_NAME)

    body = assert_problem(response, 422, REFUSED)
    assert body["code"] == "import_rejected"
    assert body["errors"] == [{"row": 2, "column": "Name", "message": NO_CONSENT}]
    assert footprint(media) == before


def test_a_survey_rejected_on_the_page_keeps_its_errors_but_not_the_file_with_names(
    client, facilitator, survey, media, commits
):
    uploaded = post_survey_page(client, facilitator, survey, "survey.csv", NAME_WITHOUT_CONSENT)
    survey_import = SurveyImport.objects.get()
    mapping_page = reverse("design:import.map", args=[survey.partnership_id, survey_import.pk])
    assert uploaded.status_code == 302
    assert len(footprint(media)["files on disk"]) == 1

    with commits():
        rejected = client.post(mapping_page, {**BY_NAME, "kind": "feedback"})
    again = client.post(mapping_page, {"text_columns": ["Answer"], "kind": "feedback"})

    assert rejected.status_code == 200
    assert f'<td class="govuk-table__cell">{NO_CONSENT}</td>' in rejected.content.decode()
    survey_import.refresh_from_db()
    assert (survey_import.status, survey_import.file.name) == (ImportStatus.REJECTED, "")
    assert survey_import.errors == [{"row": 2, "column": "Name", "message": NO_CONSENT}]
    assert footprint(media)["files on disk"] == []
    assert (
        "This file was rejected and deleted: fix the problems listed and upload it again."
        in again.content.decode()
    )
    assert Item.objects.filter(source="survey").count() == 0


def test_a_utf8_survey_with_a_byte_order_mark_is_still_imported(
    client, facilitator, api, survey, media, commits
):
    excel_csv_utf8 = "Answer,Group\nCafé vouchers for £5,Carers\n".encode("utf-8-sig")
    assert excel_csv_utf8.startswith(b"\xef\xbb\xbf")

    with commits():
        by_api = post_survey_api(api, survey, "api.csv", excel_csv_utf8)
    uploaded = post_survey_page(client, facilitator, survey, "page.csv", excel_csv_utf8)
    on_page = SurveyImport.objects.get(filename="page.csv")
    with commits():
        mapped = client.post(
            reverse("design:import.map", args=[survey.partnership_id, on_page.pk]),
            {"text_columns": ["Answer"], "kind": "feedback"},
        )

    assert by_api.status_code == 201, by_api.content
    assert by_api.json()["items_created"] == 1
    assert (uploaded.status_code, mapped.status_code) == (302, 302)
    assert on_page.columns == ["Answer", "Group"]  # no stray byte order mark in the header
    texts = Item.objects.filter(source="survey").values_list("text", flat=True)
    assert list(texts) == ["Café vouchers for £5", "Café vouchers for £5"]
    assert footprint(media)["files on disk"] == []  # deleted once imported


# --- delivery records (pilots) ------------------------------------------------------------


def post_deliveries_page(client, user, pilot, name, content):
    client.force_login(user)
    return client.post(
        reverse("pilots:batch.new", args=[pilot.partnership_id]),
        {"file": SimpleUploadedFile(name, content)},
    )


def post_deliveries_api(api, pilot, name, content, mapping=None):
    data = {"file": SimpleUploadedFile(name, content)}
    if mapping is not None:
        data["mapping"] = mapping if isinstance(mapping, str) else json.dumps(mapping)
    return api.client.post(
        f"/api/v1/partnerships/{pilot.partnership_id}/pilot/uploads", data, **api.headers
    )


@each_attack
def test_the_delivery_upload_page_refuses_a_file_that_is_not_utf8(
    attack, client, facilitator, pilot, media
):
    before = footprint(media)

    response = post_deliveries_page(client, facilitator, pilot, "october.csv", ATTACKS[attack])

    shows_on_the_file_field(response, SAYS[attack])
    assert footprint(media) == before


@each_attack
def test_the_delivery_upload_api_refuses_a_file_that_is_not_utf8(attack, api, pilot, media):
    before = footprint(media)

    response = post_deliveries_api(api, pilot, "october.csv", ATTACKS[attack])

    refused_in_the_api(response, SAYS[attack])
    assert footprint(media) == before


def test_a_delivery_upload_with_an_incomplete_mapping_keeps_no_batch_and_no_file(
    api, pilot, providers, media
):
    before = footprint(media)
    with_client_ids = csv_bytes(sample_rows(providers[0].name, providers[1].name, 3))

    response = post_deliveries_api(
        api, pilot, "october.csv", with_client_ids, {"columns": {"delivered_on": 2}}
    )

    body = assert_problem(response, 422, REFUSED)
    assert (body["field"], body["code"]) == ("mapping", "mapping_incomplete")
    assert footprint(media) == before


def test_a_mapping_that_is_not_json_is_refused_before_the_file_is_stored(
    api, pilot, providers, media
):
    before = footprint(media)
    with_client_ids = csv_bytes(sample_rows(providers[0].name, providers[1].name, 3))

    response = post_deliveries_api(api, pilot, "october.csv", with_client_ids, "{columns")

    body = assert_problem(response, 422, REFUSED)
    assert (body["field"], body["code"]) == ("mapping", "invalid_mapping")
    assert footprint(media) == before


def test_the_command_line_keeps_nothing_of_a_file_it_refuses(pilot, providers, media, tmp_path):
    path = tmp_path / "october.csv"
    path.write_bytes(csv_bytes(sample_rows(providers[0].name, providers[1].name, 3)))
    before = footprint(media)

    with pytest.raises(CommandError) as unmatched:
        call_command("import_deliveries", str(pilot.pk), str(path), "--map=delivered_on=Visit")
    path.write_bytes(ATTACKS["Latin-1 text"])
    with pytest.raises(CommandError) as latin1:
        call_command("import_deliveries", str(pilot.pk), str(path))

    assert str(unmatched.value) == "--map: the file has no column “Visit”."
    assert str(latin1.value) == SAYS["Latin-1 text"]
    assert footprint(media) == before


def test_a_delivery_file_rejected_for_its_rows_keeps_its_errors_but_not_the_file(
    api, pilot, providers, media, commits
):
    own = providers[0].name
    one_bad_row = csv_bytes(
        [row(provider=own, client="CLIENT-0042"), row(provider=own, quantity="-1")]
    )

    with commits():
        response = post_deliveries_api(api, pilot, "october.csv", one_bad_row)

    assert response.status_code == 202 and response.json()["status"] == "rejected"
    batch = ImportBatch.objects.get()
    assert (batch.file.name, batch.preview) == ("", [])  # the raw client identifiers are gone
    assert [(e["row"], e["header"]) for e in batch.errors] == [(3, "quantity")]
    assert footprint(media)["files on disk"] == []
    assert DeliveryRecord.objects.count() == 0


def test_a_utf8_delivery_file_with_a_byte_order_mark_is_still_imported(
    client, facilitator, api, pilot, providers, media
):
    rows = sample_rows(providers[0].name, providers[1].name, 3)
    excel_csv_utf8 = csv_bytes(rows).decode().encode("utf-8-sig")
    on_the_page = csv_bytes(rows[:1]).decode().encode("utf-8-sig")

    by_api = post_deliveries_api(api, pilot, "october.csv", excel_csv_utf8)
    uploaded = post_deliveries_page(client, facilitator, pilot, "november.csv", on_the_page)

    assert by_api.status_code == 202, by_api.content
    assert (by_api.json()["status"], by_api.json()["imported_rows"]) == ("imported", 3)
    batch = ImportBatch.objects.get(filename="november.csv")
    assert uploaded.status_code == 302
    assert uploaded.url == reverse("pilots:batch", args=[pilot.partnership_id, batch.pk])
    assert batch.columns[0] == "service"  # no stray byte order mark in the header
    assert DeliveryRecord.objects.count() == 3


# --- the costing workbook -----------------------------------------------------------------


@each_attack
def test_the_workbook_import_refuses_a_file_that_is_not_a_workbook(
    attack, client, personas, cost_model, media
):
    before = footprint(media)
    client.force_login(personas["se_partner"])

    response = client.post(
        reverse("costing:model.import", args=[cost_model.partnership_id, cost_model.pk]),
        {"file": SimpleUploadedFile("full-cost-recovery.xlsx", ATTACKS[attack])},
    )

    shows_on_the_file_field(response, NOT_A_WORKBOOK)
    assert footprint(media) == before
