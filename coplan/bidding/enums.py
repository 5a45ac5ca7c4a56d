"""States of the bidding app as TextChoices."""

from django.db import models


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    REPLACED = "replaced", "Replaced by a later bid"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CommitmentSource(models.TextChoices):
    MANDATORY = "mandatory", "Mandatory contract condition"
    BID = "bid", "Committed in the bid"


class Part(models.TextChoices):
    QUALITY = "quality", "Quality question"
    PRICE = "price", "Price and benefits"


class Conflict(models.TextChoices):
    NONE = "none", "No conflict of interest"
    ACTUAL = "actual", "Actual conflict"
    POTENTIAL = "potential", "Potential conflict"
    PERCEIVED = "perceived", "Perceived conflict"


class ConflictDecision(models.TextChoices):
    CLEAR = "clear", "No decision needed"
    PENDING = "pending", "Awaiting the officer's decision"
    RECUSED = "recused", "Recused"
    PROCEED = "proceed", "Proceeds with mitigation"

    @property
    def may_see(self) -> bool:
        return self in {ConflictDecision.CLEAR, ConflictDecision.PROCEED}


class PriceQueryOutcome(models.TextChoices):
    OPEN = "open", "Explanation requested"
    ACCEPTED = "accepted", "Explanation accepted"
    REJECTED = "rejected", "Bid rejected as abnormally low"
