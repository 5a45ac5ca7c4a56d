"""Every door tried before opening, generated rather than listed by hand: each URL of the bidding
app (resolved from its urlconf), each bidding endpoint of the OpenAPI schema, the tender's own
pages in the tendering app (internal and public), every admin page and the stored files at the
media URL — by every persona, the outside bidder, staff and a superuser, each with a two-factor
verified session. None may show the sealed content; no binary download (PDF, XLSX, document)
is served at all. A new view or endpoint joins the probe by itself; a URL whose arguments the
probe cannot fill fails the coverage test, so the probe cannot silently skip it.

Also: bids submitted through the page and the API (not only the domain) leave no plaintext in
the database or the media folder; ``opened_at`` set by any path other than the four-eyes
opening releases nothing; a refused attempt to read a sealed bid is audited.
"""

import base64
import itertools
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from coplan.bidding import domain
from coplan.bidding import urls as bidding_urls
from coplan.bidding.enums import Part
from coplan.bidding.models import Bid, ConflictDeclaration
from coplan.core.errors import DomainError
from coplan.core.models import Affiliation, AuditEvent
from coplan.tendering import public_urls as tendering_public_urls
from coplan.tendering import urls as tendering_urls
from coplan.tendering.models import Tender
from tests.conftest import PERSONAS
from tests.factories import UserFactory

from .conftest import MARKER, bid_data, close
from .test_seal import all_text_in_database

pytestmark = pytest.mark.django_db

# the Packs price as sealed and as a page would show it (£123,457.89)
SECRETS = (
    MARKER.encode(),
    b"123457.89",
    b"123,457.89",
    b"Method statement",
    b"method.txt",
    b"plan-secret",
)
TEXT_TYPES = ("text/html", "application/json", "text/plain")
EVERYONE = [*PERSONAS, "staff", "superuser", "outside_bidder"]


@pytest.fixture
def world(homereach, clearway, requirement, tender, personas, outside_bidder):
    """Two sealed bids, a panel (one evaluator flagged and pending), before the deadline."""
    bids = [
        domain.submit_bid(
            registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
        ),
        domain.submit_bid(registration=clearway, actor=outside_bidder, **bid_data(requirement.pk)),
    ]
    officer = personas["procurement"]
    method = tender.quality_criteria.get(name="Method")
    for role in ("evaluator", "service_user"):
        domain.assign(
            tender=tender,
            actor=officer,
            evaluator=personas[role],
            part=Part.QUALITY,
            criterion=method,
        )
    domain.assign(tender=tender, actor=officer, evaluator=personas["observer"], part=Part.PRICE)
    Affiliation.objects.create(user=personas["service_user"], organisation=clearway.organisation)
    for role in ("evaluator", "service_user", "observer"):
        domain.declare(tender=tender, evaluator=personas[role], kind="none")
    return bids


def _values(tender, bids):
    criteria = list(tender.quality_criteria.all())
    return {
        "pk": [tender.partnership_id],
        "tender_pk": [tender.pk],
        "bid_uuid": [b.uuid for b in bids],
        "position": [1],
        "criterion_pk": [c.pk for c in criteria],
        "declaration_pk": list(
            ConflictDeclaration.objects.filter(tender=tender).values_list("pk", flat=True)
        ),
        "fmt": ["xlsx", "pdf"],
        "reference": [tender.reference],
    }


def _arguments(pattern):
    return sorted(pattern.pattern.regex.groupindex)


def _urls(namespace, module, tender, bids, *, parent=("pk",), only_tender_args=False):
    """Every URL of ``module``'s patterns with every filling of their arguments (``parent``:
    those of the include); the names the probe could not fill are returned too (for the
    coverage test)."""
    values = _values(tender, bids)
    urls, unfilled = [], []
    for pattern in module.urlpatterns:
        names = sorted({*parent, *_arguments(pattern)})
        if any(n not in values for n in names):
            if not only_tender_args:
                unfilled.append(pattern.name)
            continue
        for combo in itertools.product(*(values[n] for n in names)):
            urls.append(
                reverse(f"{namespace}:{pattern.name}", kwargs=dict(zip(names, combo, strict=True)))
            )
    return urls, unfilled


def _api_paths(tender, bids):
    from coplan.api.urls import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    values = _values(tender, bids)
    values["declaration_id"] = values["declaration_pk"]
    urls = []
    for path, operations in schema["paths"].items():
        if "/bids/" not in path or "get" not in operations:
            continue
        names = [part[1:-1] for part in Path(path).parts if part.startswith("{")]
        names = [n.split("}")[0] for n in names]
        for combo in itertools.product(*(values[n] for n in names)):
            url = path
            for n, v in zip(names, combo, strict=True):
                url = url.replace("{" + n + "}", str(v))
            urls.append(url)
    return urls


def _admin_urls():
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        for obj in model._default_manager.all()[:50]:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    urls += ["/admin/bidding/", "/admin/bidding/bid/", "/admin/bidding/biddocument/"]
    return urls


def _media_urls(media):
    urls = []
    for path in Path(media).rglob("*"):
        relative = path.relative_to(media).as_posix()
        for base in {settings.MEDIA_URL or "/", "/media/"}:
            urls.append(f"{base.rstrip('/')}/{relative}")
    return urls


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_the_probe_reaches_every_bidding_url(world, tender):
    """Every named bidding URL is filled by the probe (none skipped), and every bidding GET
    endpoint of the OpenAPI schema is in it."""
    urls, unfilled = _urls("bidding", bidding_urls, tender, world)
    assert unfilled == []
    probed = {p.name for p in bidding_urls.urlpatterns}
    resolved = {get_resolver().resolve(u).url_name for u in urls}
    assert resolved == probed
    api = _api_paths(tender, world)
    assert any(u.endswith("/opened/" + str(world[0].uuid)) for u in api)
    assert any("/award/letters/" in u for u in api)
    assert any(u.endswith("/evaluation/mine") for u in api)


@pytest.mark.parametrize("persona", EVERYONE)
def test_before_opening_no_door_shows_content(
    persona, world, tender, personas, outside_bidder, verified, media
):
    people = {
        **personas,
        "outside_bidder": outside_bidder,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    client = verified(people[persona])
    pages, _ = _urls("bidding", bidding_urls, tender, world)
    internal, _ = _urls("tendering", tendering_urls, tender, world, only_tender_args=True)
    public, _ = _urls(
        "tenders_public", tendering_public_urls, tender, world, parent=(), only_tender_args=True
    )
    doors = [
        *(("get", u) for u in pages),
        # Posting empty forms (withdrawal aside: it is allowed before the deadline).
        *(("post", u) for u in pages if "/withdraw/" not in u),
        *(("get", u) for u in _api_paths(tender, world)),
        # The tendering app's PDFs (the evidence pack) are drawn before any bid and read none:
        # left out, as rendering them for every persona takes minutes.
        *(("get", u) for u in internal + public if not u.endswith(".pdf")),
        *(("get", u) for u in _admin_urls()),
        *(("get", u) for u in _media_urls(media)),
    ]
    assert len(doors) > 100
    for method, url in doors:
        response = getattr(client, method)(url)
        body = _body(response)
        for secret in SECRETS:
            assert secret not in body, (persona, method, url)
        kind = response.get("Content-Type", "text/html").split(";")[0]
        if response.status_code == 200:
            assert kind in TEXT_TYPES, (persona, method, url, kind)
    tender.refresh_from_db()
    assert tender.opened_at is None


def test_bids_sent_through_the_page_and_the_api_leave_no_plaintext(
    client, outside_bidder, clearway, homereach, requirement, tender, personas, media
):
    client.force_login(outside_bidder)
    response = client.post(
        reverse("bidding:mine", args=[tender.partnership_id, tender.pk]),
        {
            "price_0": "39000",
            "price_1": "123457.89",
            "quality_0": f"Vans {MARKER}",
            "quality_1": "Monthly meetings",
            f"quantity_{requirement.pk}": "40",
            "document_1": SimpleUploadedFile("plan-secret.txt", f"Plan {MARKER}".encode()),
        },
    )
    assert response.status_code == 302
    client.force_login(personas["se_partner"])
    api = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/mine"
    payload = {
        "prices": {"Storage": "41250", "Packs": "123457.89"},
        "quality": {"Method": f"Ours {MARKER}", "Partnership working": "Weekly"},
        "quantities": {str(requirement.pk): "52"},
        "documents": [
            {
                "name": "method.txt",
                "content_base64": base64.b64encode(f"Method statement {MARKER}".encode()).decode(),
            }
        ],
    }
    assert client.post(api, payload, content_type="application/json").status_code == 201
    assert Bid.objects.count() == 2
    text = all_text_in_database()
    for secret in SECRETS:
        assert secret.decode() not in text
    files = [p for p in Path(media).rglob("*") if p.is_file()]
    assert len(files) == 2
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret not in data


def test_opened_at_set_another_way_releases_nothing(world, tender, personas):
    """An admin or another app stamping ``opened_at`` does not open the seal: the key is
    released only with two different officers' confirmations on record."""
    close(tender)
    Tender.objects.filter(pk=tender.pk).update(opened_at=tender.opening_at)
    tender.refresh_from_db()
    bid = Bid.objects.get(pk=world[0].pk)
    for read in (domain.read_bid, domain.verify_bid):
        with pytest.raises(DomainError) as refused:
            read(bid)
        assert refused.value.code == "sealed"
    # One officer's confirmation is still not enough.
    from coplan.bidding.models import OpeningConfirmation

    OpeningConfirmation.objects.create(tender=tender, officer=personas["procurement"])
    with pytest.raises(DomainError):
        domain.read_bid(bid)


def test_a_refused_attempt_to_read_a_sealed_bid_is_audited(world, tender, personas, verified):
    client = verified(personas["procurement"])
    bid = world[0]
    args = [tender.partnership_id, tender.pk, bid.uuid]
    assert client.get(reverse("bidding:bid", args=args)).status_code == 404
    assert client.get(reverse("bidding:document", args=[*args, 1])).status_code == 404
    api = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/opened/{bid.uuid}"
    assert client.get(api).status_code == 404
    events = AuditEvent.objects.filter(
        action="bidding.bid.read_refused", actor=personas["procurement"]
    )
    assert sorted(e.data["what"] for e in events) == ["API bid content", "bid document", "bid page"]
