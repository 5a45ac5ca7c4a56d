"""The bid receipt (Directive 2014/24/EU Annex IV (a)): the exact time and date of receipt and
SHA-256 digests of every document and of the whole bid, with the bid's salt. It names no
content, so the bidder can download it at any time and, after opening, check it against the
opened bid.

The whole-bid digest commits to the bid and its salt (32 random bytes sealed with the bid, see
:mod:`coplan.bidding.seal`): without the salt, trying every plausible price against the digest
finds nothing. The salt is printed only here, on the bidder's own receipt; officers see the
digest alone.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone

from . import seal


def salt_of(bid) -> str | None:
    """The bid's salt (``None`` for a bid sealed before salts): for its bidder only."""
    if bid.sealed_salt is None:
        return None
    return seal.open_salt(bid.tender, bid.uuid, bid.sealed_salt)


def recompute(content: dict, salt: str) -> str:
    """The whole-bid digest of ``content`` with ``salt``: what the bidder (or anyone holding
    the opened bid and the receipt) computes to check the receipt."""
    return seal.sha256(seal.canonical({**content, "salt": salt}))


def text(bid) -> str:
    salt = salt_of(bid)
    lines = [
        "COPLAN BID RECEIPT",
        "",
        f"Receipt number:   {bid.receipt_number}",
        f"Tender:           {bid.tender.title} ({bid.tender.reference})",
        f"Bidder:           {bid.organisation.name}",
    ]
    if bid.consortium_id:
        lines.append(f"Consortium:       {bid.consortium.name}")
        lines.append(f"Members:          {', '.join(bid.members)}")
    utc = bid.submitted_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    lines += [
        f"Received (UTC):   {utc}",
        f"Received (local): {timezone.localtime(bid.submitted_at):%d %B %Y %H:%M:%S.%f %Z}",
        f"Status:           {bid.get_status_display()}",
        "",
        "SHA-256 of the whole bid (its canonical form: the JSON document of the bid with keys",
        "sorted, no whitespace, UTF-8; it includes each document's name, size and digest"
        + (',\nand the salt below as "salt"):' if salt else "):"),
        f"  {bid.digest}",
        "",
    ]
    if salt:
        lines += [
            "Salt of the bid (32 random bytes, hex, sealed with the bid and printed only on this",
            "receipt; keep it private: with it, the digest could be tested against guesses):",
            f"  {salt}",
            "",
        ]
    lines.append(f"Documents ({bid.documents.count()}):")
    for d in bid.documents.all():
        lines.append(f"  {d.position}. {d.size} bytes  SHA-256 {d.sha256}")
    lines += [
        "",
        "The bid is sealed (AES-256-GCM) until two authorised officers open it at the opening",
        "time. After opening, the verification page recomputes these digests from the opened",
        "bid; you can also compute the SHA-256 of your own copies (sha256sum) and compare.",
        "",
    ]
    return "\n".join(lines)


@dataclass
class Parsed:
    number: str
    digest: str
    documents: dict[int, str] = field(default_factory=dict)  # position → SHA-256
    salt: str | None = None


_NUMBER = re.compile(r"^Receipt number:\s+(\S+)\s*$", re.M)
_WHOLE = re.compile(r"SHA-256 of the whole bid.*?^\s+([0-9a-f]{64})\s*$", re.M | re.S)
_SALT = re.compile(r"^Salt of the bid.*?^\s+([0-9a-f]{64})\s*$", re.M | re.S)
_DOCUMENT = re.compile(r"^\s+(\d+)\. \d+ bytes\s+SHA-256 ([0-9a-f]{64})\s*$", re.M)


def parse(receipt: str) -> Parsed | None:
    """The receipt number, digests and salt of a receipt written by :func:`text` (``None`` if
    the text is not one)."""
    if not receipt.lstrip().startswith("COPLAN BID RECEIPT"):
        return None
    number, whole = _NUMBER.search(receipt), _WHOLE.search(receipt)
    if number is None or whole is None:
        return None
    documents = {int(p): d for p, d in _DOCUMENT.findall(receipt)}
    salt = _SALT.search(receipt)
    return Parsed(
        number=number.group(1),
        digest=whole.group(1),
        documents=documents,
        salt=salt.group(1) if salt else None,
    )
