"""Receipts that prove without revealing, and an opening that two officers cannot jam.

Attack 1: a bid's whole-bid digest was an unsalted SHA-256 of its canonical form. Everything in
that form but the price is known or guessable (the tender, the bidder, the exact time of
receipt, the documents' names, sizes and digests), so trying every plausible price against the
digest gave the price away before the opening. Now the digest commits to the bid *and* a
per-bid salt of 32 random bytes, sealed with the bid and printed only on the bidder's own
receipt: the same search finds nothing, while the bidder's receipt still verifies.

Attack 2: two officers confirm the opening at the same instant on PostgreSQL; each counted only
its own confirmation (or both opened). Now confirmations are serialised on the tender's row:
the tender is opened exactly once.

World (``tests.bidding.conftest``): a published tender with two price elements (Storage,
Packs), the consortium Homereach (registered by the enterprise partner persona) and the
outside firm Clearway. Homereach bids Storage 41250.00 and Packs 123457.89.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from coplan.bidding import domain, receipts, seal
from coplan.bidding.models import Bid, OpeningConfirmation, OpeningRecord
from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.partnerships.enums import Role
from coplan.tendering.models import Tender
from tests.bidding.conftest import bid_data, close
from tests.factories import member

PACKS = "123457.89"


pytestmark = pytest.mark.django_db


def base(tender):
    return f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}"


def receipt_page(tender, bid):
    return reverse("bidding:receipt", args=[tender.partnership_id, tender.pk, bid.uuid])


def bids_page(tender):
    return reverse("bidding:tender", args=[tender.partnership_id, tender.pk])


@pytest.fixture
def bid(homereach, requirement, personas):
    return domain.submit_bid(
        registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
    )


def what_the_attacker_knows(bid, listed: dict, requirement) -> dict:
    """The bid's canonical form but for its Packs price (and its salt). The structure is
    public; the bidder and the documents' sizes and digests come from the officers' bid list,
    and so does the time of receipt to the millisecond (the microseconds are taken as known:
    a thousand guesses more would change nothing); the rest of the bid is assumed guessed.
    The strongest attacker."""
    return {
        "tender": bid.tender.reference,
        "bidder": listed["bidder"],
        "consortium": listed["consortium"],
        "submitted_at": bid.submitted_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "price": None,
        "prices": {"Storage": "41250", "Packs": None},
        "quality": {
            "Method": "Our method QUOKKA-7731-SECRET",
            "Partnership working": "We meet monthly.",
        },
        "commitments": {str(requirement.pk): "52"},
        "documents": [
            {
                "position": d["position"],
                "name": "method.txt",
                "size": d["size"],
                "sha256": d["sha256"],
            }
            for d in listed["documents"]
        ],
    }


def with_packs(known: dict, pence: int) -> dict:
    price = f"{(Decimal(pence) / 100).normalize():f}"
    return {**known, "prices": {**known["prices"], "Packs": price}}


# Every price from £123,400.00 to £123,500.00, to the penny: 10,001 candidates.
CANDIDATES = range(12_340_000, 12_350_001)


def brute_force(known: dict, target: str, digest=lambda c: seal.sha256(seal.canonical(c))):
    return [p for p in CANDIDATES if digest(with_packs(known, p)) == target]


# --- Attack 1: recovering a price from the receipt digest ---------------------------------------


def test_brute_forcing_the_price_against_the_digest_finds_nothing_without_the_salt(
    bid, tender, personas, verified, requirement
):
    # A commissioner (an officer: sees who bid, when and the digest, never content) takes
    # the digest from the bid list before the opening.
    officer = verified(personas["commissioner"])
    [listed] = officer.get(base(tender)).json()
    assert listed["digest"] == bid.digest
    known = what_the_attacker_knows(bid, listed, requirement)

    assert brute_force(known, bid.digest) == []
    # Guessing a salt does no better: an empty one, or one of zeros.
    for guess in ("", "0" * 64):
        assert brute_force(known, bid.digest, lambda c, g=guess: receipts.recompute(c, g)) == []

    # The attacker's model is exact: with the salt (which only the bidder's receipt prints)
    # the same search finds the one true price, so nothing but the salt stood in the way.
    salt = receipts.salt_of(bid)
    found = brute_force(known, bid.digest, lambda c: receipts.recompute(c, salt))
    assert found == [12_345_789]

    # And the search is real: against the unsalted digest the old receipts carried, it gives
    # the price away.
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    opened = domain.read_bid(bid)
    assert opened["prices"]["Packs"] == PACKS
    unsalted = seal.sha256(seal.canonical({k: v for k, v in opened.items() if k != "salt"}))
    assert brute_force(known, unsalted) == [12_345_789]


def test_the_bidders_receipt_prints_the_salt_and_verifies(
    bid, tender, personas, client, requirement
):
    client.force_login(personas["se_partner"])
    download = client.get(receipt_page(tender, bid)).content.decode()
    api = client.get(f"{base(tender)}/mine/{bid.uuid}/receipt").json()
    salt = api["salt"]
    assert len(salt) == 64 and int(salt, 16) >= 0
    assert receipts.parse(download).salt == salt
    assert receipts.parse(api["text"]).salt == salt
    assert f"  {salt}\n" in download
    assert receipts.parse(download).digest == api["digest"] == bid.digest

    # The bidder recomputes the digest from its own bid and the salt on its receipt.
    listed = client.get(f"{base(tender)}/mine").json()[0]
    mine = with_packs(what_the_attacker_knows(bid, listed, requirement), 12_345_789)
    assert receipts.recompute(mine, salt) == bid.digest
    # A wrong salt, or the right salt with a price a penny off, does not verify.
    wrong_salt = ("1" if salt[0] != "1" else "2") + salt[1:]
    assert receipts.recompute(mine, wrong_salt) != bid.digest
    assert receipts.recompute(with_packs(mine, 12_345_790), salt) != bid.digest

    # After the opening, the receipt the bidder downloaded is checked against the opened bid:
    # it matches; a receipt whose salt was altered does not.
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    bid.refresh_from_db()
    checked = domain.check_receipt(bid=bid, actor=personas["se_partner"], receipt=download)
    assert (checked.ok, checked.problems) == (True, [])
    assert domain.read_bid(bid)["salt"] == salt
    altered = domain.check_receipt(
        bid=bid, actor=personas["se_partner"], receipt=download.replace(salt, wrong_salt)
    )
    assert (altered.ok, altered.problems) == (
        False,
        ["The salt of the opened bid differs from the one on your receipt."],
    )
    assert salt not in str(
        list(AuditEvent.objects.filter(action="bidding.receipt.checked").values("data"))
    )


def test_the_salt_is_shown_to_no_one_but_its_bidder(
    bid, tender, personas, verified, client, clearway, outside_bidder
):
    salt = receipts.salt_of(bid)
    # The officers see the digest, never the salt: the bid list page and API, before and
    # after the opening (the opening record too).
    for persona in ("procurement", "commissioner"):
        officer = verified(personas[persona])
        page = officer.get(bids_page(tender))
        api = officer.get(base(tender))
        assert bid.digest in page.content.decode() and bid.digest in api.content.decode()
        assert salt not in page.content.decode() + api.content.decode()
    # The audit event of the submission records the digest, not the salt.
    submitted = AuditEvent.objects.get(action="bidding.bid.submitted")
    assert submitted.data["digest"] == bid.digest
    assert salt not in str(submitted.data)
    # Another bidder cannot fetch Homereach's receipt.
    client.force_login(outside_bidder)
    assert client.get(receipt_page(tender, bid)).status_code == 404
    assert client.get(f"{base(tender)}/mine/{bid.uuid}/receipt").status_code == 404
    # Nor does a copy of the database hold it in clear.
    raw = bytes.fromhex(salt)
    assert salt.encode() not in bytes(bid.sealed_salt)
    assert raw not in bytes(bid.sealed_salt) and raw not in bytes(bid.sealed)

    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    officer = verified(personas["commissioner"])
    page = officer.get(bids_page(tender))
    opening = officer.get(f"{base(tender)}/opening")
    assert bid.digest in opening.content.decode()
    assert salt not in page.content.decode() + opening.content.decode()
    opened_event = AuditEvent.objects.get(action="bidding.tender.opened")
    assert opened_event.data["bids"][0]["digest"] == bid.digest
    assert salt not in str(opened_event.data)


def test_the_salt_opener_opens_nothing_but_that_bids_salt(
    bid, clearway, outside_bidder, requirement, tender
):
    """Reading the salt is the one decryption allowed before the opening: handed the bid's
    sealed content, a document or another bid's salt, it refuses."""
    other = domain.submit_bid(
        registration=clearway, actor=outside_bidder, **bid_data(requirement.pk)
    )
    assert len(seal.open_salt(tender, bid.uuid, bid.sealed_salt)) == 64
    document = bid.documents.get()
    with document.file.open("rb") as f:
        sealed_document = f.read()
    for blob, uuid in (
        (bid.sealed, bid.uuid),
        (sealed_document, bid.uuid),
        (bytes(other.sealed_salt), bid.uuid),
    ):
        with pytest.raises(DomainError) as refused:
            seal.open_salt(tender, uuid, blob)
        assert refused.value.code == "tampered"


def test_a_receipt_salt_swapped_in_the_database_fails_verification(
    bid, clearway, outside_bidder, requirement, tender, personas
):
    other = domain.submit_bid(
        registration=clearway, actor=outside_bidder, **bid_data(requirement.pk)
    )
    # Someone with database access gives Clearway's row a salt sealed for it but not its own.
    forged = seal.seal_salt(tender, other.uuid, seal.new_salt())
    Bid.objects.filter(pk=other.pk).update(sealed_salt=forged)
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    other.refresh_from_db()
    check = domain.verify_bid(other)
    assert (check.ok, check.problems) == (
        False,
        ["The salt printed on the receipt differs from the one in the bid."],
    )
    assert domain.verify_bid(Bid.objects.get(pk=bid.pk)).ok


# --- Attack 2: two officers confirm the opening at the same instant -----------------------------


def confirm_together(tender, officers) -> list[str]:
    """Each officer confirms from its own thread (its own database connection and
    transaction, like two requests), all released at once by a barrier. The outcomes, sorted:
    "waiting" (confirmed, a second officer is needed), "opened", or the refusal's code."""
    barrier = threading.Barrier(len(officers))
    outcomes = []

    def confirm(officer):
        try:
            page = Tender.objects.get(pk=tender.pk)  # each request loads its own copy
            barrier.wait()
            record = domain.confirm_opening(tender=page, actor=officer)
            outcomes.append("opened" if record else "waiting")
        except DomainError as error:
            outcomes.append(error.code)
        except Exception as error:  # reported by the caller's assertion
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite serialises writers itself (IMMEDIATE transactions); the in-memory test "
    "database's shared cache reports 'table is locked' instead of waiting",
)


def assert_opened_once(tender, bids):
    tender.refresh_from_db()
    assert tender.opened_at is not None
    assert AuditEvent.objects.filter(action="bidding.tender.opened").count() == 1
    record = OpeningRecord.objects.get(tender=tender)
    assert record.opened_at == tender.opened_at
    assert [e["digest"] for e in record.bids] == [b.digest for b in bids]
    assert all(e["verified"] for e in record.bids)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_officers_confirming_at_the_same_instant_open_the_tender_once(bid, tender, personas):
    close(tender)
    procurement, commissioner = personas["procurement"], personas["commissioner"]

    outcomes = confirm_together(tender, [procurement, commissioner])

    assert outcomes == ["opened", "waiting"]
    assert OpeningConfirmation.objects.filter(tender=tender).count() == 2
    assert_opened_once(tender, [bid])


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_three_officers_confirming_at_once_open_it_once_and_the_third_finds_it_open(
    bid, tender, personas, partnership
):
    close(tender)
    second_procurement = member(partnership, Role.PROCUREMENT)
    officers = [personas["procurement"], personas["commissioner"], second_procurement]

    outcomes = confirm_together(tender, officers)

    assert outcomes == ["already_opened", "opened", "waiting"]
    assert OpeningConfirmation.objects.filter(tender=tender).count() == 2
    assert_opened_once(tender, [bid])


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_officer_double_clicking_confirms_once(bid, tender, personas):
    close(tender)
    procurement = personas["procurement"]

    outcomes = confirm_together(tender, [procurement, procurement])

    assert outcomes == ["same_officer", "waiting"]
    tender.refresh_from_db()
    assert tender.opened_at is None
    assert OpeningConfirmation.objects.filter(tender=tender).count() == 1


def test_confirmations_one_after_another_open_the_tender_once(bid, tender, personas, partnership):
    """The same on any database, one after the other, each officer with the copy of the
    tender their page loaded before anyone confirmed."""
    close(tender)
    second_procurement = member(partnership, Role.PROCUREMENT)
    pages = {o: Tender.objects.get(pk=tender.pk) for o in ("a", "b", "c", "d")}

    assert domain.confirm_opening(tender=pages["a"], actor=personas["procurement"]) is None
    with pytest.raises(DomainError) as twice:
        domain.confirm_opening(tender=pages["b"], actor=personas["procurement"])
    assert twice.value.code == "same_officer"
    assert domain.confirm_opening(tender=pages["c"], actor=personas["commissioner"]) is not None
    with pytest.raises(DomainError) as late:
        domain.confirm_opening(tender=pages["d"], actor=second_procurement)
    assert late.value.code == "already_opened"

    assert OpeningConfirmation.objects.filter(tender=tender).count() == 2
    assert AuditEvent.objects.filter(action="bidding.opening.refused_same_officer").count() == 1
    assert_opened_once(tender, [bid])
