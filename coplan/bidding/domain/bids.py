"""Submitting, replacing and withdrawing sealed bids; reading and verifying them after opening.

A bid is accepted from a registered bidder while the tender is published and its submission
deadline has not passed. Its content — the price schedule, the quality responses, the
quantities of each scored community benefit — and its documents are encrypted (see
:mod:`coplan.bidding.seal`) before anything is saved. A later bid from the same bidder replaces
the earlier one (the last counts); a bid may be withdrawn until the deadline. Every action is
audited; a late bid is refused and the refusal audited.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError

from .. import seal
from ..enums import BidStatus
from ..models import Bid, BidDocument
from . import mail

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024  # each document of a bid


@dataclass(frozen=True)
class Document:
    name: str
    data: bytes


def _check_documents(documents: list[Document]) -> None:
    for i, d in enumerate(documents):
        if len(d.data) > MAX_DOCUMENT_BYTES:
            raise DomainError(
                f"“{d.name[:80]}” is {len(d.data) / 1024 / 1024:.1f} MB: each document of a bid "
                f"must be {MAX_DOCUMENT_BYTES // 1024 // 1024} MB or smaller.",
                code="file_too_large",
                field=f"documents.{i}",
            )
        if not d.data:
            raise DomainError(
                f"“{d.name[:80]}” is empty: attach the document itself.",
                code="empty_file",
                field=f"documents.{i}",
            )


def refuse(*, actor, tender, action: str, error: DomainError, **data):
    """Record the refusal in its own transaction, then raise ``error``."""
    with transaction.atomic():
        audit.log(
            actor=actor,
            action=action,
            obj=tender,
            partnership=tender.partnership,
            data={"tender": tender.pk, "code": error.code, "message": error.message, **data},
        )
    raise error


def _number(value, field_name) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("£", ""))
    except (InvalidOperation, ValueError):
        raise DomainError("Enter a number.", code="not_a_number", field=field_name) from None
    if not number.is_finite():
        raise DomainError("Enter a number.", code="not_a_number", field=field_name)
    if number < 0:
        raise DomainError("Enter zero or more.", code="negative", field=field_name)
    return number


def _text(number: Decimal) -> str:
    text = f"{number.normalize():f}"
    return "0" if text in {"-0", ""} else text


def scored_criteria(tender):
    return [c for c in tender.quality_criteria.prefetch_related("children") if c.is_scored]


def scored_requirements(tender):
    return list(tender.benefit_requirements.filter(mode="scored").select_related("measure"))


def _content(
    tender,
    registration,
    *,
    submitted_at,
    salt,
    price,
    prices,
    quality,
    quantities,
    documents,
    quantities_up_to=None,
):
    """Validate the bid against the tender and build its canonical content (with its salt:
    see :mod:`coplan.bidding.seal`)."""
    elements = list(tender.price_elements.all())
    schedule = {}
    single = None
    if elements:
        prices = prices or {}
        for e in elements:
            if prices.get(e.name) in (None, ""):
                raise DomainError(
                    f"Enter a price for {e.name}.", code="price_missing", field=f"prices.{e.name}"
                )
            schedule[e.name] = _text(_number(prices[e.name], f"prices.{e.name}"))
        unknown = set(prices) - {e.name for e in elements}
        if unknown:
            raise DomainError(
                f"No price element called {sorted(unknown)[0]}.", code="unknown", field="prices"
            )
    else:
        if price in (None, ""):
            raise DomainError("Enter the total price.", code="price_missing", field="price")
        single = _text(_number(price, "price"))
    responses = {}
    for c in scored_criteria(tender):
        answer = (quality or {}).get(c.name, "")
        if not str(answer).strip():
            raise DomainError(
                f"Answer the quality question ‘{c.name}’.",
                code="response_missing",
                field=f"quality.{c.name}",
            )
        responses[c.name] = str(answer).strip()
    commitments = {}
    ranges = {}  # the top of a committed range, where the bidder gave one
    for r in scored_requirements(tender):
        key = str(r.pk)
        value = (quantities or {}).get(key, (quantities or {}).get(r.pk))
        if value in (None, ""):
            raise DomainError(
                f"Enter the quantity you commit to for {r.measure.name}.",
                code="quantity_missing",
                field=f"quantities.{key}",
            )
        qty = _number(value, f"quantities.{key}")
        if r.minimum is not None and qty < r.minimum:
            raise DomainError(
                f"Commit to at least {_text(r.minimum)} {r.measure.unit} for {r.measure.name}.",
                code="below_minimum",
                field=f"quantities.{key}",
            )
        commitments[key] = _text(qty)
        most = (quantities_up_to or {}).get(key, (quantities_up_to or {}).get(r.pk))
        if most not in (None, ""):
            most = _number(most, f"quantities_up_to.{key}")
            if most < qty:
                raise DomainError(
                    f"The top of your range for {r.measure.name} ({_text(most)}) is below the "
                    f"quantity you commit to ({_text(qty)}).",
                    code="range_inverted",
                    field=f"quantities_up_to.{key}",
                )
            if most > qty:
                ranges[key] = _text(most)
    content = {
        "tender": tender.reference,
        "bidder": registration.organisation.name,
        "consortium": registration.consortium.name if registration.consortium_id else None,
        "submitted_at": submitted_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "salt": salt,
        "price": single,
        "prices": schedule,
        "quality": responses,
        "commitments": commitments,
        "documents": [
            {"position": i, "name": d.name, "size": len(d.data), "sha256": seal.sha256(d.data)}
            for i, d in enumerate(documents, start=1)
        ],
    }
    if ranges:  # only then, so that a bid without ranges seals exactly as before
        content["commitments_up_to"] = ranges
    return content


def commitments_of(tender, content) -> list[dict]:
    """The community benefit quantities an opened bid commits to, one row per scored
    requirement: the measure, the quantity (scored), the top of its range if the bidder gave
    one, and the unit."""
    requirements = {str(r.pk): r for r in scored_requirements(tender)}
    ranges = content.get("commitments_up_to", {})
    rows = []
    for key, quantity in content.get("commitments", {}).items():
        r = requirements.get(key)
        rows.append(
            {
                "requirement_id": int(key) if key.isdigit() else None,
                "measure": r.measure.name if r else f"Requirement {key}",
                "quantity": quantity,
                "up_to": ranges.get(key),
                "unit": r.measure.unit if r else "",
            }
        )
    return rows


def _members(registration) -> list[str]:
    if not registration.consortium_id:
        return []
    return [
        m.organisation.name
        for m in registration.consortium.members.select_related("organisation").order_by(
            "organisation__name"
        )
    ]


def submit_bid(
    *,
    registration,
    actor,
    price=None,
    prices=None,
    quality=None,
    quantities=None,
    documents=(),
    quantities_up_to=None,
) -> Bid:
    """Seal and store a bid; a live earlier bid of the same bidder is replaced.
    ``quantities`` are the community benefit quantities committed to (scored);
    ``quantities_up_to`` the top of a range, where the bidder offers one (the contract's
    target range, not scored)."""
    tender = registration.tender
    now = clock.now()
    documents = [d if isinstance(d, Document) else Document(*d) for d in documents]
    _check_documents(documents)
    if not tender.published_at:
        raise DomainError("The tender is not published.", code="not_published")
    if tender.opened_at or (tender.submission_deadline and now >= tender.submission_deadline):
        refuse(
            actor=actor,
            tender=tender,
            action="bidding.bid.refused_late",
            error=DomainError(
                "The submission deadline has passed: late bids are refused.", code="late"
            ),
            organisation=registration.organisation.name,
            at=now,
        )
    content = _content(
        tender,
        registration,
        submitted_at=now,
        salt=seal.new_salt(),
        price=price,
        prices=prices,
        quality=quality,
        quantities=quantities,
        documents=documents,
        quantities_up_to=quantities_up_to,
    )
    canonical = seal.canonical(content)
    stored: list[str] = []
    try:
        bid = _store_bid(tender, registration, actor, content, canonical, documents, now, stored)
    except BaseException:
        # The sealed files written before a failure would outlive the rolled-back rows.
        for name in stored:
            default_storage.delete(name)
        raise
    return bid


def _store_bid(tender, registration, actor, content, canonical, documents, now, stored) -> Bid:
    """The bid's rows, sealed files and audit event, in one transaction; each stored file's
    name goes into ``stored`` as it is written."""
    with transaction.atomic():
        previous = (
            Bid.objects.select_for_update()
            .filter(
                tender=tender, organisation=registration.organisation, status=BidStatus.SUBMITTED
            )
            .first()
        )
        if previous is not None:
            previous.status = BidStatus.REPLACED
            previous.save(update_fields=["status"])
        bid_uuid = uuid.uuid4()
        bid = Bid.objects.create(
            uuid=bid_uuid,
            tender=tender,
            registration=registration,
            organisation=registration.organisation,
            consortium=registration.consortium,
            members=_members(registration),
            submitted_at=now,
            submitted_by=actor,
            sealed=seal.seal(tender, canonical, seal.bid_aad(tender, bid_uuid)),
            sealed_salt=seal.seal_salt(tender, bid_uuid, content["salt"]),
            digest=seal.sha256(canonical),
            replaces=previous,
        )
        for i, d in enumerate(documents, start=1):
            doc_uuid = uuid.uuid4()
            aad = seal.document_aad(tender, bid_uuid, doc_uuid)
            name = default_storage.save(
                f"sealed/{tender.pk}/{uuid.uuid4().hex}",
                ContentFile(seal.seal(tender, d.data, aad)),
            )
            stored.append(name)
            BidDocument.objects.create(
                uuid=doc_uuid,
                bid=bid,
                position=i,
                file=name,
                sealed_name=seal.seal(tender, d.name.encode(), aad + ":name"),
                size=len(d.data),
                sha256=seal.sha256(d.data),
            )
        audit.log(
            actor=actor,
            action="bidding.bid.replaced" if previous else "bidding.bid.submitted",
            obj=bid,
            partnership=tender.partnership,
            data={
                "tender": tender.pk,
                "organisation": registration.organisation.name,
                "receipt": bid.receipt_number,
                "digest": bid.digest,
                "documents": len(documents),
                "replaces": previous.receipt_number if previous else None,
            },
        )
        mail.bid_sealed(bid, replaced=previous is not None)
    return bid


def withdraw_bid(*, bid, actor) -> Bid:
    tender = bid.tender
    now = clock.now()
    if tender.opened_at or (tender.submission_deadline and now >= tender.submission_deadline):
        refuse(
            actor=actor,
            tender=tender,
            action="bidding.bid.withdrawal_refused",
            error=DomainError(
                "The submission deadline has passed: the bid can no longer be withdrawn.",
                code="late",
            ),
            receipt=bid.receipt_number,
        )
    if bid.status != BidStatus.SUBMITTED:
        raise DomainError("Only the current bid can be withdrawn.", code="not_live")
    with transaction.atomic():
        bid.status = BidStatus.WITHDRAWN
        bid.withdrawn_at = now
        bid.withdrawn_by = actor
        bid.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
        audit.log(
            actor=actor,
            action="bidding.bid.withdrawn",
            obj=bid,
            partnership=tender.partnership,
            data={
                "tender": tender.pk,
                "organisation": bid.organisation.name,
                "receipt": bid.receipt_number,
            },
        )
    return bid


# --- After opening ---------------------------------------------------------------------------


@dataclass
class OpenedDocument:
    document: BidDocument
    name: str
    ok: bool
    problem: str = ""
    digest: str = ""  # SHA-256 of the opened bytes ("" when they did not decrypt)


@dataclass
class Verification:
    bid: Bid
    content: dict | None
    ok: bool
    problems: list[str] = field(default_factory=list)
    documents: list[OpenedDocument] = field(default_factory=list)
    digest: str = ""  # SHA-256 of the opened canonical bid ("" when it did not decrypt)


def record_sealed_read(*, actor, tender, what: str) -> None:
    """Audit an attempt to read bid content while the bids are sealed (the caller refuses)."""
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="bidding.bid.read_refused",
            obj=tender,
            partnership=tender.partnership,
            data={"tender": tender.pk, "what": what, "code": "sealed"},
        )


def read_bid(bid, *, key: bytes | None = None) -> dict:
    """The bid's content (refused by the seal before opening)."""
    tender = bid.tender
    return _loads(seal.unseal(tender, bid.sealed, seal.bid_aad(tender, bid.uuid), key=key))


def _loads(raw: bytes) -> dict:
    import json

    return json.loads(raw.decode("utf-8"))


def read_document(document, *, key: bytes | None = None) -> tuple[str, bytes]:
    bid = document.bid
    tender = bid.tender
    aad = seal.document_aad(tender, bid.uuid, document.uuid)
    key = key or seal.open_key(tender)
    name = seal.unseal(tender, document.sealed_name, aad + ":name", key=key).decode()
    with default_storage.open(document.file.name, "rb") as f:
        data = seal.unseal(tender, f.read(), aad, key=key)
    return name, data


def _receipt_salt(bid, key) -> str | None:
    """The salt the bid's receipt prints (``None`` when its sealed copy does not decrypt)."""
    try:
        return seal.open_salt(bid.tender, bid.uuid, bid.sealed_salt, key=key)
    except DomainError:
        return None


def verify_bid(bid, *, key: bytes | None = None) -> Verification:
    """Check the opened bid against its receipt: the canonical content's digest and every
    document's bytes. A document altered in storage fails (its AES-GCM tag no longer matches,
    or its digest differs)."""
    tender = bid.tender
    key = key or seal.open_key(tender)
    problems = []
    try:
        raw = seal.unseal(tender, bid.sealed, seal.bid_aad(tender, bid.uuid), key=key)
    except DomainError as error:
        return Verification(bid=bid, content=None, ok=False, problems=[error.message])
    digest = seal.sha256(raw)
    if digest != bid.digest:
        problems.append("The bid's content does not match its receipt digest.")
    content = _loads(raw)
    if bid.sealed_salt is not None and _receipt_salt(bid, key) != content.get("salt"):
        problems.append("The salt printed on the receipt differs from the one in the bid.")
    manifest = {d["position"]: d for d in content.get("documents", [])}
    opened = []
    for doc in bid.documents.all():
        try:
            name, data = read_document(doc, key=key)
        except (DomainError, FileNotFoundError, OSError) as error:
            message = getattr(error, "message", "The stored file is missing.")
            opened.append(
                OpenedDocument(doc, manifest.get(doc.position, {}).get("name", ""), False, message)
            )
            continue
        data_digest = seal.sha256(data)
        listed = manifest.get(doc.position, {})
        if data_digest != doc.sha256 or data_digest != listed.get("sha256"):
            opened.append(
                OpenedDocument(
                    doc, name, False, "Its SHA-256 differs from the receipt.", data_digest
                )
            )
        else:
            opened.append(OpenedDocument(doc, name, True, digest=data_digest))
    if len(manifest) != len(opened):
        problems.append("The number of documents differs from the receipt.")
    problems += [f"Document {d.document.position}: {d.problem}" for d in opened if not d.ok]
    return Verification(
        bid=bid,
        content=content,
        ok=not problems,
        problems=problems,
        documents=opened,
        digest=digest,
    )


@dataclass
class ReceiptCheck:
    """The bidder's own receipt held against the opened bid."""

    ok: bool
    problems: list[str]
    verification: Verification


def check_receipt(*, bid, actor, receipt: str) -> ReceiptCheck:
    """Compare the digests and the salt on the receipt the bidder downloaded (its text) with
    the SHA-256 recomputed from the opened bid and documents and the salt sealed in the bid;
    audited (the check is on the record, never the salt)."""
    from .. import receipts

    parsed = receipts.parse(receipt)
    if parsed is None:
        raise DomainError(
            "This is not a Coplan bid receipt: choose the receipt file you downloaded.",
            code="not_a_receipt",
            field="receipt",
        )
    if parsed.number != bid.receipt_number:
        raise DomainError(
            f"This receipt is for bid {parsed.number}, not {bid.receipt_number}.",
            code="other_bid",
            field="receipt",
        )
    check = verify_bid(bid)
    problems = list(check.problems)
    if parsed.digest != check.digest:
        problems.append("The SHA-256 of the opened bid differs from the one on your receipt.")
    if parsed.salt is not None and parsed.salt != (check.content or {}).get("salt"):
        problems.append("The salt of the opened bid differs from the one on your receipt.")
    opened = {d.document.position: d for d in check.documents}
    if set(parsed.documents) != set(opened):
        problems.append("The documents listed on your receipt differ from the opened bid's.")
    for position, digest in sorted(parsed.documents.items()):
        d = opened.get(position)
        if d is not None and d.digest != digest:
            problems.append(
                f"Document {position}: its SHA-256 differs from the one on your receipt."
            )
    result = ReceiptCheck(ok=not problems, problems=problems, verification=check)
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="bidding.receipt.checked",
            obj=bid,
            partnership=bid.tender.partnership,
            data={
                "tender": bid.tender.pk,
                "receipt": bid.receipt_number,
                "ok": result.ok,
                "problems": problems,
            },
        )
    return result
