"""The tender: procurement strategy, lots, criteria tree and scoring model, community benefit
requirements drawn from the shared clause library, timetable, publication, bidder registration,
clarifications and addenda.

The tender's ``status`` is derived from its timestamps (as the Digital Marketplace derives
``Brief.status``); ``opened_at`` and ``awarded_at`` are set only by the bidding app's domain.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from coplan.core import clock
from coplan.core.fields import ChangedAtField
from coplan.core.models import Organisation

from .enums import (
    BenefitMethod,
    ClarificationStatus,
    ClauseType,
    ContractType,
    PriceMethod,
    RequirementMode,
    Route,
    TenderStatus,
    TieBreak,
    ZeroPriceRule,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
WEIGHT = {"max_digits": 7, "decimal_places": 4}


# --- The community benefit clause library (shared across partnerships) ----------------------


class Clause(models.Model):
    """A model community benefit clause. Its wording is versioned: editing the wording makes a
    new :class:`ClauseVersion`; the old versions stay, because tenders cite them."""

    type = models.CharField(max_length=32, choices=ClauseType.choices)
    title = models.CharField(max_length=200, unique=True)
    guidance = models.TextField(
        blank=True, help_text="When to use the clause and how to set a fair target."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["type", "title"]

    def __str__(self):
        return self.title

    @property
    def current_version(self) -> "ClauseVersion | None":
        versions = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if versions is not None:
            return max(versions, key=lambda v: v.number, default=None)
        return self.versions.order_by("-number").first()


class ClauseVersion(models.Model):
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    wording = models.TextField(help_text="The model wording that goes into the tender documents.")
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["clause", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "number"], name="unique_clause_version")
        ]

    def __str__(self):
        return f"{self.clause} (version {self.number})"


class Measure(models.Model):
    """A measurable output of a clause (docs/statutory.md, community benefit requirements): its
    unit and how it is evidenced."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=60, help_text="For example 'FTE jobs' or 'tonnes'.")
    evidence = models.CharField(max_length=300, help_text="How the supplier evidences it.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["clause", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "name"], name="unique_measure_per_clause")
        ]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def proxy_on(self, day) -> "ProxyValue | None":
        """The proxy value in force on ``day``: the latest ``effective_from`` on or before it."""
        return self.proxies.filter(effective_from__lte=day).order_by("-effective_from").first()


class ProxyValue(models.Model):
    """An effective-dated £-per-unit proxy of a measure, in a named proxy table version."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="proxies")
    value = models.DecimalField("£ per unit", **MONEY)
    effective_from = models.DateField()
    table_version = models.CharField(max_length=40, help_text="For example 'Coplan 2026.1'.")
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["measure", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "effective_from"], name="unique_proxy_per_day"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="proxy_not_negative"),
        ]

    def __str__(self):
        return f"£{self.value} per {self.measure.unit} from {self.effective_from:%d %b %Y}"


# --- The tender ------------------------------------------------------------------------------


class Tender(models.Model):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="tenders"
    )
    title = models.CharField(max_length=200)
    reference = models.SlugField(
        max_length=60,
        unique=True,
        help_text="The public reference, used in the tender's public address.",
    )
    description = models.TextField(blank=True)

    # Procurement strategy.
    contract_type = models.CharField(
        max_length=10, choices=ContractType.choices, default=ContractType.SERVICES
    )
    estimated_value = models.DecimalField(
        "estimated contract value",
        **MONEY,
        null=True,
        blank=True,
        help_text="The whole-life value, as entered.",
    )
    vat_included = models.BooleanField("the estimated value includes VAT", default=False)
    vat_rate = models.DecimalField(
        "VAT rate (%)", max_digits=5, decimal_places=2, default=Decimal("20")
    )
    value_ex_vat = models.DecimalField(
        "estimated value excluding VAT", **MONEY, null=True, blank=True
    )
    duration_months = models.PositiveIntegerField(null=True, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.OPEN)
    strategy_date = models.DateField(null=True, blank=True)
    regulated = models.BooleanField(null=True, blank=True)
    cb_duty = models.BooleanField("community benefit duty applies", null=True, blank=True)
    rules_version = models.JSONField(
        default=dict, blank=True, help_text="The statutory rules (key → effective from) used."
    )
    cb_summary = models.TextField("summary of the community benefit requirements", blank=True)
    cb_no_requirements_reasons = models.TextField(
        "reasons for not including community benefit requirements", blank=True
    )

    # Scoring model.
    price_method = models.CharField(
        max_length=20, choices=PriceMethod.choices, default=PriceMethod.RELATIVE_TO_LOWEST
    )
    price_weight = models.DecimalField(**WEIGHT, default=Decimal("60"))
    benefit_weight = models.DecimalField(**WEIGHT, default=Decimal("0"))
    benefit_method = models.CharField(
        max_length=20, choices=BenefitMethod.choices, default=BenefitMethod.RELATIVE_TO_MAX
    )
    zero_price_rule = models.CharField(
        max_length=20, choices=ZeroPriceRule.choices, default=ZeroPriceRule.ERROR
    )
    tie_break = models.CharField(
        max_length=20, choices=TieBreak.choices, default=TieBreak.HIGHER_QUALITY
    )
    quality_minimum = models.DecimalField(
        "minimum quality score",
        **WEIGHT,
        null=True,
        blank=True,
        help_text="A bid whose weighted quality score is below this is non-compliant.",
    )

    # Timetable.
    clarification_deadline = models.DateTimeField(null=True, blank=True)
    submission_deadline = models.DateTimeField(null=True, blank=True)
    opening_at = models.DateTimeField("bid opening", null=True, blank=True)
    planned_award_on = models.DateField("planned award", null=True, blank=True)

    # Lifecycle timestamps.
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tendering:tender.detail", args=[self.partnership_id, self.pk])

    def get_public_url(self):
        return reverse("tenders_public:notice", args=[self.reference])

    @property
    def status(self) -> TenderStatus:
        if self.awarded_at:
            return TenderStatus.AWARDED
        if self.opened_at:
            return TenderStatus.OPENED
        if not self.published_at:
            return TenderStatus.DRAFT
        if self.submission_deadline and clock.now() >= self.submission_deadline:
            return TenderStatus.CLOSED
        return TenderStatus.PUBLISHED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def scoring_model(self):
        """The tender's scoring model as the engine's ``ScoringModel``."""
        from coplan.tendering.scoring import engine

        nodes = list(self.quality_criteria.all())
        groups = {c.parent_id for c in nodes if c.parent_id}
        criteria = [c for c in nodes if c.pk not in groups]
        return engine.ScoringModel(
            price_method=engine.PriceMethod(self.price_method),
            price_weight=Decimal(self.price_weight),
            quality_criteria=tuple(
                engine.QualityCriterion(
                    name=c.name,
                    weight=Decimal(c.weight),
                    scale_max=c.scale_max,
                    minimum_score=None if c.minimum_score is None else Decimal(c.minimum_score),
                )
                for c in sorted(criteria, key=lambda c: (c.order, c.pk))
            ),
            benefit_weight=Decimal(self.benefit_weight),
            price_elements=tuple(
                engine.PriceElement(
                    name=e.name,
                    weight=Decimal(e.weight),
                    quantity=e.quantity(self.duration_months),
                )
                for e in self.price_elements.all()
            ),
            tie_break=engine.TieBreak(self.tie_break),
            zero_price_rule=engine.ZeroPriceRule(self.zero_price_rule),
            benefit_method=engine.BenefitMethod(self.benefit_method),
            quality_minimum=None if self.quality_minimum is None else Decimal(self.quality_minimum),
        )


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    estimated_value = models.DecimalField(**MONEY, null=True, blank=True)

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="unique_lot_number")
        ]

    def __str__(self):
        return f"Lot {self.number}: {self.title}"


class QualityCriterion(models.Model):
    """A node of the criteria tree. A leaf (a criterion without children) is a scored quality
    question; a parent groups questions and its weight is the sum of its children's."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="quality_criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=200)
    question = models.TextField(blank=True)
    weight = models.DecimalField("weight (% of the total)", **WEIGHT, default=Decimal(0))
    scale_max = models.PositiveSmallIntegerField(default=4)
    minimum_score = models.PositiveSmallIntegerField(
        "minimum score",
        null=True,
        blank=True,
        help_text="A bid scoring below this on the question (on its 0 to top-of-scale scale) "
        "is non-compliant.",
    )
    order = models.PositiveIntegerField(default=0)
    # The specification requirement it assesses (the golden thread), from the partnership's
    # signed-off specification. Cleared, not blocked, if that requirement goes.
    spec_requirement = models.ForeignKey(
        "design.Requirement",
        verbose_name="specification requirement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tender_criteria",
    )

    class Meta:
        ordering = ["tender", "order", "pk"]
        verbose_name_plural = "quality criteria"
        constraints = [
            models.UniqueConstraint(fields=["tender", "name"], name="unique_criterion_name"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0), name="criterion_weight_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_scored(self) -> bool:
        """Only leaves are scored. Set ``_is_group`` to avoid a query per criterion."""
        is_group = getattr(self, "_is_group", None)
        if is_group is None:
            is_group = self.children.exists()
        return not is_group


class PriceElement(models.Model):
    """An element of the price schedule. With a unit and a published estimated volume a year,
    bidders price it as a rate per unit, and its evaluated price is rate × volume × the
    contract's years (docs/formulas.md, price schedules); without a volume, the bid's price
    for it is a lump sum over the contract."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="price_elements")
    name = models.CharField(max_length=200)
    weight = models.DecimalField("weight (% of the total)", **WEIGHT)
    unit = models.CharField(
        max_length=60, blank=True, help_text="What one unit is, for example 'meal' or 'pack'."
    )
    annual_volume = models.DecimalField(
        "estimated volume a year",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The published estimate of units a year; empty for a lump-sum price.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["tender", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "name"], name="unique_price_element_name")
        ]

    def __str__(self):
        return self.name

    @property
    def is_unit_rate(self) -> bool:
        return self.annual_volume is not None

    def quantity(self, duration_months: int | None) -> Decimal | None:
        """The evaluated quantity over the contract: volume a year × months ÷ 12 (None for a
        lump sum, or while the contract's duration is unknown)."""
        if self.annual_volume is None or not duration_months:
            return None
        return Decimal(self.annual_volume) * Decimal(duration_months) / 12


class BenefitRequirement(models.Model):
    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="benefit_requirements"
    )
    clause_version = models.ForeignKey(ClauseVersion, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="requirements")
    mode = models.CharField(max_length=10, choices=RequirementMode.choices)
    minimum = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="The minimum quantity every bidder commits to."
    )
    points_per_unit = models.DecimalField(
        **WEIGHT, null=True, blank=True, help_text="For a points menu: points per unit offered."
    )
    notes = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    # The specification requirement it delivers (the golden thread), from the partnership's
    # signed-off specification. Cleared, not blocked, if that requirement goes.
    spec_requirement = models.ForeignKey(
        "design.Requirement",
        verbose_name="specification requirement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tender_benefit_requirements",
    )

    class Meta:
        ordering = ["tender", "order", "pk"]

    def __str__(self):
        return f"{self.measure.name} ({self.get_mode_display().lower()})"


class TenderDocument(models.Model):
    """A document published with the tender (ITT, specification, terms and conditions)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="tender-documents/%Y/%m/", max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["tender", "uploaded_at"]

    def __str__(self):
        return self.title


class BidderRegistration(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="tender_registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tender_registrations"
    )
    consortium = models.ForeignKey(
        "consortium.Consortium",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tender_registrations",
    )
    registered_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["tender", "registered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "organisation"], name="one_registration_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.organisation} for {self.tender}"


class Clarification(models.Model):
    """A bidder's question. The officer answers it with an anonymised version of the question,
    and the answer is published to every registered bidder at once (docs/disclosure.md, F1)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    registration = models.ForeignKey(
        BidderRegistration, on_delete=models.CASCADE, related_name="clarifications"
    )
    number = models.PositiveIntegerField()
    question = models.TextField(help_text="As the bidder asked it (never published).")
    published_question = models.TextField(
        blank=True, help_text="The question as published: anonymised by the officer."
    )
    answer = models.TextField(blank=True)
    asked_at = models.DateTimeField(default=clock.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="unique_clarification_number")
        ]

    def __str__(self):
        return f"Clarification {self.number}"

    @property
    def status(self) -> ClarificationStatus:
        return ClarificationStatus.ANSWERED if self.answered_at else ClarificationStatus.ASKED


class Addendum(models.Model):
    """A numbered amendment to the published tender documents, notified to every bidder."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="addenda")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(default=clock.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["tender", "number"]
        verbose_name_plural = "addenda"
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="unique_addendum_number")
        ]

    def __str__(self):
        return f"Addendum {self.number}: {self.title}"
