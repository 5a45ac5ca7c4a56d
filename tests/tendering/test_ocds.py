"""Open data: the tender's OCDS 1.1.5 release package validates against the schema with
``libcoveocds`` (offline) with no validation errors and no unknown closed-codelist values.

The schema zip is not copied into the project (``../shared/ocds/README.md``): its path comes from
``COPLAN_OCDS_SCHEMA_ZIP``, which ``.ci/run`` sets; locally it defaults to ``../shared/ocds/``
beside the checkout, and validation skips only when neither exists."""

import json
import os
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coplan.tendering import domain, ocds
from tests.api.helpers import FORBIDDEN, NOT_FOUND, Api, api_as, assert_problem

BESIDE_CHECKOUT = (
    Path(__file__).resolve().parents[3] / "shared" / "ocds" / "ocds-standard-1__1__5.zip"
)
SCHEMA_ZIP = Path(os.environ.get("COPLAN_OCDS_SCHEMA_ZIP") or BESIDE_CHECKOUT)


# The bids extension the award release declares, served offline from the copy beside this
# file (its README says where it comes from).
BIDS_EXTENSION_FILES = Path(__file__).resolve().parent / "ocds_bid_extension"


def _serve_bids_extension() -> None:
    """Answer requests for the bids extension from the copy in the tests, on the session
    ``ocdsextensionregistry`` fetches extensions with: its files under ``BIDS_EXTENSION``'s
    folder, and the repository archive (a ZIP) it downloads the release schema patch from."""
    import io
    import zipfile

    from ocdsextensionregistry.util import session
    from requests.adapters import HTTPAdapter
    from urllib3 import HTTPResponse

    from coplan.bidding.ocds import BIDS_EXTENSION

    base = BIDS_EXTENSION.rpartition("/")[0] + "/"
    archive = "https://github.com/open-contracting-extensions/ocds_bid_extension/archive/"
    files = sorted(p for p in BIDS_EXTENSION_FILES.rglob("*") if p.is_file())

    def zipped() -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zip_:
            zip_.writestr("ocds_bid_extension-1.1.5/", "")  # the archive's top folder first
            for path in files:
                name = path.relative_to(BIDS_EXTENSION_FILES).as_posix()
                zip_.writestr(f"ocds_bid_extension-1.1.5/{name}", path.read_bytes())
        return buffer.getvalue()

    class LocalFiles(HTTPAdapter):
        def send(self, request, **kwargs):
            body = None
            if request.url == f"{archive}v1.1.5.zip":
                body = zipped()
            elif request.url.startswith(base):
                path = BIDS_EXTENSION_FILES / request.url[len(base) :]
                body = path.read_bytes() if path.is_file() else None
            raw = HTTPResponse(
                body=io.BytesIO(body or b""),
                status=404 if body is None else 200,
                reason="Not Found" if body is None else "OK",
                preload_content=False,
                request_url=request.url,
            )
            return self.build_response(request, raw)

    session.mount(base, LocalFiles())
    session.mount(archive, LocalFiles())


def validate(package: dict) -> dict:
    if not SCHEMA_ZIP.is_file():
        assert not os.environ.get("COPLAN_OCDS_SCHEMA_ZIP"), f"no OCDS schema zip at {SCHEMA_ZIP}"
        pytest.skip(f"the OCDS schema zip is not at {SCHEMA_ZIP}: set COPLAN_OCDS_SCHEMA_ZIP")
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    _serve_bids_extension()
    config = LibCoveOCDSConfig()
    config.config["standard_zip"] = f"file://{SCHEMA_ZIP.resolve()}"
    config.config["context"] = "api"
    # With an extension declared, libcoveocds writes the extended schema into the output
    # folder: a temporary one, not the working directory.
    with tempfile.TemporaryDirectory() as output:
        result = ocds_json_output(
            output, json_data=json.loads(json.dumps(package)), lib_cove_ocds_config=config
        )
    # A declared extension that did not load would leave its fields unchecked.
    assert not (result.get("extensions") or {}).get("invalid_extension")
    return result


@pytest.fixture
def amended(published, django_capture_on_commit_callbacks):
    tender, officer = published.tender, published.people["procurement"]
    domain.publish_addendum(
        tender=tender,
        actor=officer,
        title="Site visit",
        body="Wednesday at 10:00 at the Motherwell store.",
    )
    return published


def test_the_release_package_validates_against_ocds_1_1_5(amended):
    package = ocds.release_package(amended.tender)
    result = validate(package)
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert "extensions" not in package
    assert package["version"] == "1.1"


def test_a_draft_validates_too(world):
    result = validate(ocds.release_package(world.tender))
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}


def test_the_release_describes_lots_and_community_benefits(amended):
    release = ocds.release_package(amended.tender)["releases"][0]
    assert release["ocid"] == "ocds-coplan-NLC-TEST-001"
    assert release["tag"] == ["tenderAmendment"]
    tender = release["tender"]
    assert tender["status"] == "active"
    assert tender["value"] == {"amount": 1200000, "currency": "GBP"}
    assert tender["mainProcurementCategory"] == "services"
    assert tender["procurementMethod"] == "open"
    assert [i["description"] for i in tender["items"]] == [
        "Lot 1: Emergency storage of furniture",
        "Lot 2: Emergency furniture packs",
        "Lot 3: Permanent furniture packs",
    ]
    assert "Community benefits: Trainee places for young homeless people" in tender["description"]
    assert (
        "New-entrant jobs for priority groups — mandatory contract condition, at least 6 FTE jobs"
        in tender["description"]
    )
    assert "Tonnes diverted from landfill — scored commitment" in tender["description"]
    assert "Service delivery 20%" in tender["awardCriteriaDetails"]
    assert [a["rationale"] for a in tender["amendments"]] == ["Site visit"]
    assert tender["hasEnquiries"] is False


def test_documents_are_listed(published):
    domain_doc = published.tender.documents.create(
        title="Invitation to tender",
        file=SimpleUploadedFile("itt.pdf", b"%PDF-1.4 test"),
    )
    docs = ocds.release_package(published.tender)["releases"][0]["tender"]["documents"]
    assert [d["documentType"] for d in docs] == [
        "tenderNotice",
        "biddingDocuments",
        "biddingDocuments",
    ]
    assert docs[2]["title"] == domain_doc.title
    assert validate(ocds.release_package(published.tender))["validation_errors"] == []


def test_a_stable_public_url_and_the_api(published, client):
    ref = published.tender.reference
    page = client.get(f"/tenders/{ref}/ocds.json")
    assert page.status_code == 200
    assert page.json()["uri"].endswith(f"/tenders/{ref}/ocds.json")
    assert Api().get(f"/tenders/{ref}/ocds").json() == page.json()
    base = f"/partnerships/{published.partnership.pk}/tenders/{published.tender.pk}/ocds"
    assert api_as(published.people["procurement"]).get(base).json() == page.json()
    assert_problem(api_as(published.people["outsider"]).get(base), 404, NOT_FOUND)
    assert_problem(api_as(published.people["service_user"]).get(base), 403, FORBIDDEN)


def test_the_validator_would_catch_a_bad_package(published):
    """The check is real: a wrong type and an unknown closed-codelist value are reported."""
    package = ocds.release_package(published.tender)
    package["releases"][0]["tender"]["status"] = "open_for_bids"
    package["releases"][0]["tender"]["value"]["amount"] = "a lot"
    result = validate(package)
    assert len(result["validation_errors"]) == 1
    assert list(result["additional_closed_codelist_values"]) == ["releases/tender/status"]
