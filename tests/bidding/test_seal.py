"""The seal, attacked: nothing readable before opening, four-eyes opening, receipts that verify
and a tampered document that does not.

The world (conftest): a published tender, the consortium Homereach (registered by the
enterprise partner persona) and an outside firm, Clearway Removals Ltd. Their bids carry the
marker string ``QUOKKA-7731-SECRET`` in a quality response and in a document, and the price
123457.89 for packs.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from coplan.bidding import domain, seal
from coplan.bidding.enums import BidStatus
from coplan.bidding.models import Bid, OpeningRecord, SealKey
from coplan.core import clock
from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent

from .conftest import MARKER, bid_data, close

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_bids(homereach, clearway, requirement, personas, outside_bidder):
    first = domain.submit_bid(
        registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
    )
    second = domain.submit_bid(
        registration=clearway,
        actor=outside_bidder,
        **bid_data(
            requirement.pk,
            prices={"Storage": "39000", "Packs": "150000"},
            documents=[("a.txt", b"Clearway A"), ("b.txt", b"Clearway B")],
        ),
    )
    return first, second


def all_text_in_database() -> str:
    """Every table's every text and binary column, as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        chunks.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        chunks.append(str(value))
    return "\n".join(chunks)


def test_database_and_media_hold_no_plaintext_before_opening(two_bids, media):
    text = all_text_in_database()
    assert MARKER not in text
    assert "123457.89" not in text
    assert "method.txt" not in text
    files = [p for p in Path(media).rglob("*") if p.is_file()]
    assert len(files) == 3  # Homereach's one document and Clearway's two, all sealed
    for path in files:
        data = path.read_bytes()
        assert MARKER.encode() not in data
        assert b"Clearway" not in data
        assert path.suffix == ""


def test_the_data_key_is_stored_only_wrapped_with_the_master_key(two_bids, tender):
    row = SealKey.objects.get(tender=tender)
    # 12-byte nonce + 32-byte key + 16-byte tag: the key itself never appears in clear.
    assert len(bytes(row.wrapped)) == 60
    with pytest.raises(DomainError) as refused:
        seal._decrypt(b"\0" * 32, row.wrapped, f"coplan-tender-key:{tender.pk}")
    assert refused.value.code == "tampered"


def test_content_cannot_be_read_before_opening(two_bids):
    bid = two_bids[0]
    with pytest.raises(DomainError) as refused:
        domain.read_bid(bid)
    assert refused.value.code == "sealed"
    with pytest.raises(DomainError):
        domain.read_document(bid.documents.get())
    with pytest.raises(DomainError):
        domain.verify_bid(bid)


def test_production_refuses_to_seal_without_a_master_key(settings, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("COPLAN_SEAL_MASTER_KEY", raising=False)
    settings.DEBUG = False
    settings.TESTING = False
    settings.DEMO = False
    with pytest.raises(ImproperlyConfigured):
        seal.master_key()


def test_opening_before_the_opening_time_is_refused_and_audited(two_bids, tender, personas):
    close(tender, opening_passed=False)
    with pytest.raises(DomainError) as refused:
        domain.confirm_opening(tender=tender, actor=personas["procurement"])
    assert refused.value.code == "too_early"
    assert AuditEvent.objects.filter(action="bidding.opening.refused_early").count() == 1
    tender.refresh_from_db()
    assert tender.opened_at is None


def test_one_officer_cannot_open_alone_nor_twice(two_bids, tender, personas):
    close(tender)
    assert domain.confirm_opening(tender=tender, actor=personas["procurement"]) is None
    with pytest.raises(DomainError) as refused:
        domain.confirm_opening(tender=tender, actor=personas["procurement"])
    assert refused.value.code == "same_officer"
    assert AuditEvent.objects.filter(action="bidding.opening.refused_same_officer").exists()
    tender.refresh_from_db()
    assert tender.opened_at is None
    with pytest.raises(DomainError):
        domain.read_bid(two_bids[0])


@pytest.mark.parametrize("role", ["steering", "evaluator", "facilitator", "se_partner", "observer"])
def test_only_officers_confirm_the_opening(two_bids, tender, personas, role):
    close(tender)
    with pytest.raises(DomainError) as refused:
        domain.confirm_opening(tender=tender, actor=personas[role])
    assert refused.value.code == "not_authorised"
    assert AuditEvent.objects.filter(action="bidding.opening.refused").count() == 1


def test_two_different_officers_open_and_the_record_lists_every_bid(two_bids, tender, personas):
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    record = domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    tender.refresh_from_db()
    assert tender.opened_at == record.opened_at
    assert set(record.officers.all()) == {personas["procurement"], personas["commissioner"]}
    assert [(e["bidder"], e["digest"], e["verified"]) for e in record.bids] == [
        (b.organisation.name, b.digest, True) for b in two_bids
    ]
    assert record.bids[0]["consortium"] == "Homereach"
    assert record.bids[0]["members"] == ["Beulah Scotland", two_bids[0].organisation.name] or (
        sorted(record.bids[0]["members"]) == record.bids[0]["members"]
    )
    assert OpeningRecord.objects.count() == 1
    content = domain.read_bid(two_bids[0])
    assert content["prices"] == {"Storage": "41250", "Packs": "123457.89"}
    assert content["quality"]["Method"] == f"Our method {MARKER}"
    assert content["commitments"] == {str(tender.benefit_requirements.get().pk): "52"}
    assert domain.read_document(two_bids[0].documents.get()) == (
        "method.txt",
        f"Method statement {MARKER}".encode(),
    )


def test_receipt_verifies_after_opening_and_a_tampered_document_fails(two_bids, tender, personas):
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    homereach_bid, clearway_bid = two_bids
    check = domain.verify_bid(homereach_bid)
    assert check.ok
    assert check.content["documents"][0]["sha256"] == seal.sha256(
        f"Method statement {MARKER}".encode()
    )
    # Someone with access to the media folder swaps a byte of Clearway's second document.
    stored = clearway_bid.documents.get(position=2)
    path = Path(stored.file.path)
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    check = domain.verify_bid(clearway_bid)
    assert not check.ok
    assert [d.ok for d in check.documents] == [True, False]
    assert check.problems == [
        "Document 2: The sealed content does not decrypt: it was altered or does not belong here."
    ]


def test_a_ciphertext_moved_to_another_bid_does_not_decrypt(two_bids, tender, personas):
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    first, second = two_bids
    Bid.objects.filter(pk=second.pk).update(sealed=first.sealed)
    second.refresh_from_db()
    assert not domain.verify_bid(second).ok


def test_late_bids_are_refused_and_audited(homereach, requirement, tender, personas):
    close(tender)
    with pytest.raises(DomainError) as refused:
        domain.submit_bid(
            registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
        )
    assert refused.value.code == "late"
    assert not Bid.objects.exists()
    assert AuditEvent.objects.filter(action="bidding.bid.refused_late").count() == 1


def test_a_later_bid_replaces_the_earlier_and_withdrawal_until_the_deadline(
    homereach, requirement, tender, personas
):
    actor = personas["se_partner"]
    first = domain.submit_bid(registration=homereach, actor=actor, **bid_data(requirement.pk))
    second = domain.submit_bid(registration=homereach, actor=actor, **bid_data(requirement.pk))
    first.refresh_from_db()
    assert (first.status, second.status, second.replaces) == (
        BidStatus.REPLACED,
        BidStatus.SUBMITTED,
        first,
    )
    domain.withdraw_bid(bid=second, actor=actor)
    assert second.status == BidStatus.WITHDRAWN
    assert list(
        AuditEvent.objects.filter(action__startswith="bidding.bid.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["bidding.bid.submitted", "bidding.bid.replaced", "bidding.bid.withdrawn"]
    third = domain.submit_bid(registration=homereach, actor=actor, **bid_data(requirement.pk))
    close(tender)
    with pytest.raises(DomainError):
        domain.withdraw_bid(bid=third, actor=actor)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"prices": {"Storage": "1"}}, "prices.Packs"),
        ({"prices": {"Storage": "1", "Packs": "-3"}}, "prices.Packs"),
        ({"prices": {"Storage": "x", "Packs": "3"}}, "prices.Storage"),
        ({"quality": {"Method": "Yes"}}, "quality.Partnership working"),
        ({"documents": [("a.txt", b"A"), ("empty.txt", b"")]}, "documents.1"),
        ({"documents": [("huge.pdf", b"%PDF" + b"0" * (25 * 1024 * 1024))]}, "documents.0"),
    ],
)
def test_an_incomplete_bid_names_the_field(homereach, requirement, personas, overrides, field):
    with pytest.raises(DomainError) as refused:
        domain.submit_bid(
            registration=homereach,
            actor=personas["se_partner"],
            **bid_data(requirement.pk, **overrides),
        )
    assert refused.value.field == field


def test_a_commitment_below_the_minimum_is_refused(homereach, requirement, personas):
    with pytest.raises(DomainError) as refused:
        domain.submit_bid(
            registration=homereach,
            actor=personas["se_partner"],
            **bid_data(requirement.pk, quantities={str(requirement.pk): "9"}),
        )
    assert (refused.value.code, refused.value.field) == (
        "below_minimum",
        f"quantities.{requirement.pk}",
    )


def test_the_receipt_digest_is_sha256_of_the_canonical_bid(homereach, requirement, personas):
    with clock.at(timezone.now().replace(microsecond=123456)):
        bid = domain.submit_bid(
            registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
        )
    close(bid.tender)
    domain.confirm_opening(tender=bid.tender, actor=personas["procurement"])
    domain.confirm_opening(tender=bid.tender, actor=personas["commissioner"])
    content = domain.read_bid(bid)
    assert content["submitted_at"] == bid.submitted_at.astimezone(dt.UTC).isoformat(
        timespec="microseconds"
    )
    assert seal.sha256(seal.canonical(content)) == bid.digest


def test_opening_time_is_set_by_officers_only_before_the_deadline(tender, personas):
    new = tender.submission_deadline + dt.timedelta(days=2)
    domain.set_opening_time(tender=tender, actor=personas["procurement"], opening_at=new)
    assert tender.opening_at == new
    with pytest.raises(DomainError) as refused:
        domain.set_opening_time(tender=tender, actor=personas["steering"], opening_at=new)
    assert refused.value.code == "not_authorised"
    with pytest.raises(DomainError) as refused:
        domain.set_opening_time(
            tender=tender,
            actor=personas["commissioner"],
            opening_at=tender.submission_deadline - dt.timedelta(hours=1),
        )
    assert refused.value.field == "opening_at"
    close(tender)
    with pytest.raises(DomainError) as refused:
        domain.set_opening_time(tender=tender, actor=personas["procurement"], opening_at=new)
    assert refused.value.code == "after_deadline"
    assert AuditEvent.objects.filter(action="bidding.opening_time.refused").count() == 2


def test_a_database_error_mid_submission_leaves_no_bid_and_no_sealed_file(
    homereach, requirement, personas, media
):
    """The failure is real (a trigger refuses the bid's audit event, its last write): every
    row is rolled back, and the sealed files already written are removed too."""
    from django.db import DatabaseError

    from tests.ops.test_atomic_actions import fail_on, snapshot

    fail_on("bidding.bid.submitted")
    before = snapshot()

    with pytest.raises(DatabaseError, match="injected failure"):
        domain.submit_bid(
            registration=homereach,
            actor=personas["se_partner"],
            **bid_data(requirement.pk, documents=[("a.txt", b"Method A"), ("b.txt", b"Method B")]),
        )

    after = snapshot()
    assert [table for table in before if before[table] != after[table]] == []
    assert [p for p in Path(media).rglob("*") if p.is_file()] == []
