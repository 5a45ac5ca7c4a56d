"""Models of the bidding app: sealed bids and their documents and receipts, the per-tender
seal key (wrapped, see :mod:`coplan.bidding.seal`), the four-eyes opening, and the contract
with its community benefit commitments and KPIs (which the benefits app builds on).

Before opening, a bid row holds only: who bid, when, its status, the sealed content
(``nonce || AES-GCM ciphertext``), its sealed salt and the SHA-256 digests of its receipt.
Prices, quality responses, commitment quantities, the salt and document names and bytes are
all inside ciphertext.
"""

import uuid

from django.conf import settings
from django.db import models

from coplan.core import clock
from coplan.core.models import Organisation

from .enums import (
    BidStatus,
    CommitmentSource,
    Conflict,
    ConflictDecision,
    Part,
    PriceQueryOutcome,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class SealKey(models.Model):
    """A tender's data key, wrapped with the master key (useless without it)."""

    tender = models.OneToOneField(
        "tendering.Tender", on_delete=models.CASCADE, related_name="seal_key"
    )
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self):
        return f"Seal key of tender {self.tender_id}"


class Bid(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tender = models.ForeignKey("tendering.Tender", on_delete=models.CASCADE, related_name="bids")
    registration = models.ForeignKey(
        "tendering.BidderRegistration", on_delete=models.PROTECT, related_name="bids"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bids")
    consortium = models.ForeignKey(
        "consortium.Consortium",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bids",
    )
    members = models.JSONField(
        default=list, blank=True, help_text="A consortium's members, disclosed when it bid."
    )
    status = models.CharField(max_length=12, choices=BidStatus.choices, default=BidStatus.SUBMITTED)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sealed = models.BinaryField(help_text="nonce || AES-GCM ciphertext of the canonical bid.")
    digest = models.CharField("SHA-256 of the canonical bid", max_length=64)
    sealed_salt = models.BinaryField(
        null=True,
        blank=True,
        help_text="nonce || AES-GCM ciphertext of the bid's salt (also inside the sealed bid), "
        "for its bidder's receipt; empty for bids sealed before salts.",
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["tender", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "organisation"],
                condition=models.Q(status="submitted"),
                name="one_live_bid_per_bidder",
            )
        ]

    def __str__(self):
        return f"Bid by {self.organisation} ({self.get_status_display().lower()})"

    @property
    def is_live(self) -> bool:
        return self.status == BidStatus.SUBMITTED

    @property
    def receipt_number(self) -> str:
        return f"{self.tender.reference}-{str(self.uuid)[:8].upper()}"


class BidDocument(models.Model):
    """A document of a bid: its bytes are encrypted before they reach storage; its name is
    sealed too. The digest is over the plaintext bytes (the receipt's)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveIntegerField()
    file = models.FileField(upload_to="sealed/", max_length=300)
    sealed_name = models.BinaryField()
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["bid", "position"]

    def __str__(self):
        return f"Document {self.position} of {self.bid}"


class OpeningConfirmation(models.Model):
    """An authorised officer confirmed the opening (two different ones are needed)."""

    tender = models.ForeignKey(
        "tendering.Tender", on_delete=models.CASCADE, related_name="opening_confirmations"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "officer"], name="one_confirmation_each")
        ]

    def __str__(self):
        return f"{self.officer} confirmed the opening"


class OpeningRecord(models.Model):
    """The record of the opening: who, when, and every bid with its receipt digest."""

    tender = models.OneToOneField(
        "tendering.Tender", on_delete=models.CASCADE, related_name="opening_record"
    )
    opened_at = models.DateTimeField()
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    bids = models.JSONField(default=list)

    def __str__(self):
        return f"Opening of tender {self.tender_id}"


# --- The contract ------------------------------------------------------------------------


class Contract(models.Model):
    tender = models.ForeignKey(
        "tendering.Tender", on_delete=models.PROTECT, related_name="contracts"
    )
    lot = models.ForeignKey(
        "tendering.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    consortium = models.ForeignKey(
        "consortium.Consortium",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="contracts")
    value = models.DecimalField(
        **MONEY, help_text="The contract's value over its term, excluding VAT."
    )
    derived_value = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        help_text="The value the winning bid's price schedule gives (rate × estimated volume × "
        "years, or the total price); empty when the schedule cannot give one.",
    )
    value_reason = models.TextField(
        blank=True,
        help_text="Why the officer entered the value instead of the derived one.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    standstill_ends_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["tender", "lot", "pk"]

    def __str__(self):
        return f"Contract with {self.supplier} ({self.starts_on:%b %Y} – {self.ends_on:%b %Y})"


class Commitment(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="commitments")
    requirement = models.ForeignKey(
        "tendering.BenefitRequirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    measure = models.ForeignKey(
        "tendering.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    description = models.CharField(max_length=300)
    unit = models.CharField(max_length=60)
    target_min = models.DecimalField(max_digits=14, decimal_places=2)
    target_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    evidence_type = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=CommitmentSource.choices)

    class Meta:
        ordering = ["contract", "period_start", "pk"]

    def __str__(self):
        return f"{self.description}: {self.target_min} {self.unit}"


class ContractKpi(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    kpi = models.ForeignKey("pilots.Kpi", on_delete=models.PROTECT, related_name="contract_kpis")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "kpi"], name="one_contract_kpi_each")
        ]

    def __str__(self):
        return f"{self.kpi} on {self.contract}"


# --- Evaluation --------------------------------------------------------------------------


class Assignment(models.Model):
    """An evaluator assigned to a quality question, or to price and benefits (never both)."""

    tender = models.ForeignKey(
        "tendering.Tender", on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluation_assignments"
    )
    part = models.CharField(max_length=10, choices=Part.choices)
    criterion = models.ForeignKey(
        "tendering.QualityCriterion",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=clock.now)
    # The evaluation training the person has had (what and when), e.g. for a service user on
    # the quality panel: recorded by the procurement officer, shown on the panel.
    training = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["tender", "part", "criterion__order", "evaluator__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "evaluator", "criterion"], name="one_assignment_per_question"
            ),
            models.UniqueConstraint(
                fields=["tender", "evaluator"],
                condition=models.Q(part="price"),
                name="one_price_assignment",
            ),
        ]

    def __str__(self):
        return f"{self.evaluator} on {self.criterion or 'price and benefits'}"


class PanelShortfall(models.Model):
    """Why a quality question has fewer than three evaluators (recorded by the officer)."""

    tender = models.ForeignKey(
        "tendering.Tender", on_delete=models.CASCADE, related_name="panel_shortfalls"
    )
    criterion = models.ForeignKey(
        "tendering.QualityCriterion", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tender", "criterion"], name="one_shortfall_reason")
        ]

    def __str__(self):
        return f"Fewer than three evaluators on {self.criterion}"


class ConflictDeclaration(models.Model):
    """An evaluator's conflict-of-interest declaration for a tender, with the links Coplan
    found (``flags``) and the officer's decision when one is needed."""

    tender = models.ForeignKey(
        "tendering.Tender", on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    kind = models.CharField(max_length=10, choices=Conflict.choices)
    details = models.TextField(blank=True)
    flags = models.JSONField(default=list, blank=True)
    declared_at = models.DateTimeField(default=clock.now)
    decision = models.CharField(max_length=10, choices=ConflictDecision.choices)
    mitigation = models.TextField(blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "evaluator"], name="one_declaration_each")
        ]

    def __str__(self):
        return f"{self.evaluator}: {self.get_kind_display()}"

    @property
    def may_see(self) -> bool:
        return ConflictDecision(self.decision).may_see


class Score(models.Model):
    """An evaluator's individual 0–4 score with its rationale; blind until submitted."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "tendering.QualityCriterion", on_delete=models.CASCADE, related_name="+"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    submitted_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["bid", "criterion__order", "evaluator__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "criterion", "evaluator"], name="one_score_per_evaluator"
            ),
            models.CheckConstraint(condition=models.Q(score__lte=4), name="score_0_to_4"),
        ]

    def __str__(self):
        return f"{self.evaluator}: {self.score} on {self.criterion}"


class ModeratedScore(models.Model):
    """The panel's consensus score for a bid and question, and why it differs from the
    individual scores (which are kept)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="moderated_scores")
    criterion = models.ForeignKey(
        "tendering.QualityCriterion", on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    difference_reason = models.TextField(blank=True)
    individual = models.JSONField(default=list, help_text="The individual scores moderated.")
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="one_moderated_score"),
            models.CheckConstraint(condition=models.Q(score__lte=4), name="moderated_0_to_4"),
        ]

    def __str__(self):
        return f"Moderated {self.score} on {self.criterion}"


class PriceQuery(models.Model):
    """An abnormally low bid: explanation requested before any rejection."""

    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="price_query")
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=clock.now)
    explanation = models.TextField(blank=True)
    explained_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=10, choices=PriceQueryOutcome.choices, default=PriceQueryOutcome.OPEN
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Price query on {self.bid}"


class Award(models.Model):
    """The approved award decision, its letters and the standstill period."""

    tender = models.OneToOneField(
        "tendering.Tender", on_delete=models.CASCADE, related_name="award"
    )
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()
    decision = models.ForeignKey(
        "governance.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = models.TextField(help_text="Why the winning bid is the most advantageous.")
    results = models.JSONField(default=list, help_text="The scored results at approval.")
    electronic = models.BooleanField("letters sent electronically", default=True)
    letters_sent_at = models.DateTimeField()
    standstill_days = models.PositiveSmallIntegerField()
    standstill_ends_at = models.DateTimeField()
    notice = models.TextField("award notice", blank=True)

    def __str__(self):
        return f"Award of {self.tender} to {self.bid.organisation}"
