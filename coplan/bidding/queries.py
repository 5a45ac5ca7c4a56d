"""Reusable reads of the bidding app."""

from dataclasses import dataclass

from django.db.models import Q

from coplan.core import clock
from coplan.tendering.models import BidderRegistration

from .enums import BidStatus
from .models import Bid


def bids_of(tender):
    """Every bid of ``tender`` (current, replaced, withdrawn), oldest first, with its
    documents' digests (no content)."""
    return (
        Bid.objects.filter(tender=tender)
        .select_related("organisation", "consortium", "tender")
        .prefetch_related("documents")
        .order_by("submitted_at", "pk")
    )


@dataclass(frozen=True)
class YourTender:
    """One tender a person's organisation is registered for, as the bidder sees it."""

    registration: object
    tender: object
    bid: Bid | None  # the live bid, if any
    withdrawn: bool  # its last bid was withdrawn

    @property
    def can_bid(self) -> bool:
        tender = self.tender
        return tender.opened_at is None and (
            tender.submission_deadline is None or clock.now() < tender.submission_deadline
        )

    @property
    def letter_ready(self) -> bool:
        return self.bid is not None and self.tender.awarded_at is not None


def your_tenders(user) -> list[YourTender]:
    """The tenders ``user`` registered a bidder for, or that one of their organisations is
    registered for: newest first, each with its live bid. Nothing of anyone else's."""
    registrations = list(
        BidderRegistration.objects.filter(
            Q(user=user) | Q(organisation__in=user.organisations.all())
        )
        .filter(tender__published_at__isnull=False)
        .select_related("tender", "tender__partnership", "organisation", "consortium")
        .order_by("-tender__published_at", "pk")
        .distinct()
    )
    bids = {}
    for bid in Bid.objects.filter(registration__in=registrations).order_by("submitted_at", "pk"):
        bids[(bid.tender_id, bid.organisation_id)] = bid  # the last one counts
    rows = []
    for registration in registrations:
        last = bids.get((registration.tender_id, registration.organisation_id))
        rows.append(
            YourTender(
                registration=registration,
                tender=registration.tender,
                bid=last if last is not None and last.is_live else None,
                withdrawn=last is not None and last.status == BidStatus.WITHDRAWN,
            )
        )
    return rows
