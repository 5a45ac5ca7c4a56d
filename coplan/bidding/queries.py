"""Reusable reads of the bidding app."""

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
