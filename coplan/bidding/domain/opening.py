"""The opening time and the four-eyes opening.

Only officers (the partnership's procurement officer or commissioner) set or change the opening
time, and only before the submission deadline; it cannot precede the deadline. Opening needs two
different officers, each confirming in Coplan at or after the opening time; a confirmation
before the opening time, by someone not authorised, or a second one by the same officer is
refused and audited. The second confirmation opens the tender: ``tender.opened_at`` is set,
the seal key is released, every current bid is decrypted and checked against its receipt, and
the opening record lists each bid with its receipt digest. Confirmations of one tender are
serialised on its row, so two officers confirming at the same instant open it exactly once.
"""

import datetime as dt

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.tendering.models import Tender

from .. import seal
from ..enums import BidStatus
from ..models import Bid, OpeningConfirmation, OpeningRecord
from ..rules import is_officer
from . import mail
from .bids import refuse, verify_bid


def _officer(actor, tender, action):
    if not is_officer(actor, tender):
        refuse(
            actor=actor,
            tender=tender,
            action=action,
            error=DomainError(
                "Only the procurement officer or the commissioner can do this.",
                code="not_authorised",
            ),
        )


def set_opening_time(*, tender, actor, opening_at: dt.datetime):
    now = clock.now()
    _officer(actor, tender, "bidding.opening_time.refused")
    if tender.opened_at or (tender.submission_deadline and now >= tender.submission_deadline):
        refuse(
            actor=actor,
            tender=tender,
            action="bidding.opening_time.refused",
            error=DomainError(
                "The opening time can only be set or changed before the submission deadline.",
                code="after_deadline",
                field="opening_at",
            ),
            requested=opening_at,
        )
    if tender.submission_deadline and opening_at < tender.submission_deadline:
        raise DomainError(
            "The opening time cannot be before the submission deadline.",
            code="before_deadline",
            field="opening_at",
        )
    with transaction.atomic():
        was = tender.opening_at
        tender.opening_at = opening_at
        tender.save(update_fields=["opening_at", "updated_at"])
        audit.log(
            actor=actor,
            action="bidding.opening_time.set",
            obj=tender,
            partnership=tender.partnership,
            data={"tender": tender.pk, "was": was, "now": opening_at},
        )
    return tender


def confirm_opening(*, tender, actor):
    """Record ``actor``'s confirmation; the second officer's confirmation opens the tender.
    Returns the opening record once opened, else ``None``.

    Two officers may confirm at the same instant: the tender's row is locked
    (``select_for_update``) before anything is read or counted, so confirmations of one
    tender run one after the other and each counts the ones committed before it. The second
    opens the tender exactly once; a later one finds it opened; a double click finds the
    officer's own confirmation (and the unique constraint on tender and officer stands behind
    that)."""
    now = clock.now()
    _officer(actor, tender, "bidding.opening.refused")
    if tender.opened_at:
        raise DomainError("The bids have already been opened.", code="already_opened")
    if tender.opening_at is None or now < tender.opening_at:
        refuse(
            actor=actor,
            tender=tender,
            action="bidding.opening.refused_early",
            error=DomainError(
                "It is not yet the opening time: the bids stay sealed.", code="too_early"
            ),
            at=now,
            opening_at=tender.opening_at,
        )
    with transaction.atomic():
        locked = Tender.objects.select_for_update().only("opened_at").get(pk=tender.pk)
        tender.opened_at = locked.opened_at
        if tender.opened_at:
            raise DomainError("The bids have already been opened.", code="already_opened")
        again = OpeningConfirmation.objects.filter(tender=tender, officer=actor).exists()
        if not again:
            OpeningConfirmation.objects.create(tender=tender, officer=actor, confirmed_at=now)
            audit.log(
                actor=actor,
                action="bidding.opening.confirmed",
                obj=tender,
                partnership=tender.partnership,
                data={"tender": tender.pk, "at": now},
            )
            officers = list(
                OpeningConfirmation.objects.filter(tender=tender).values_list("officer", flat=True)
            )
            if len(set(officers)) < 2:
                return None
            return _open(tender, actor, officers, now)
    # Audited in its own transaction, outside the one above (which saved nothing).
    refuse(
        actor=actor,
        tender=tender,
        action="bidding.opening.refused_same_officer",
        error=DomainError(
            "You have already confirmed: a second, different officer must confirm.",
            code="same_officer",
        ),
    )


def _open(tender, actor, officers, now):
    tender.opened_at = now
    tender.save(update_fields=["opened_at", "updated_at"])
    key = None
    bids = list(
        Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED)
        .select_related("organisation", "consortium")
        .prefetch_related("documents")
    )
    if bids:
        key = seal.open_key(tender)
    entries = []
    for bid in bids:
        check = verify_bid(bid, key=key)
        entries.append(
            {
                "bid": str(bid.uuid),
                "receipt": bid.receipt_number,
                "bidder": bid.organisation.name,
                "consortium": bid.consortium.name if bid.consortium_id else None,
                "members": bid.members,
                "submitted_at": bid.submitted_at.isoformat(),
                "digest": bid.digest,
                "documents": [d.sha256 for d in bid.documents.all()],
                "verified": check.ok,
                "problems": check.problems,
            }
        )
    record = OpeningRecord.objects.create(tender=tender, opened_at=now, bids=entries)
    record.officers.set(officers)
    audit.log(
        actor=actor,
        action="bidding.tender.opened",
        obj=record,
        partnership=tender.partnership,
        data={
            "tender": tender.pk,
            "officers": officers,
            "bids": [{"receipt": e["receipt"], "digest": e["digest"]} for e in entries],
        },
    )
    mail.bid_opened(tender, bids, entries)
    return record
