"""Models of the benefits app: saved SROI analyses (per partnership, optionally for one
contract) and, on top of the bidding app's contracts and commitments, quarterly returns,
verification, evidence and remedial plans."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from coplan.core import clock
from coplan.core.fields import ChangedAtField

from . import calc

MONEY = {"max_digits": 14, "decimal_places": 2}
PROPORTION = {
    "max_digits": 7,
    "decimal_places": 6,
    "default": Decimal(0),
    "validators": [MinValueValidator(0), MaxValueValidator(1)],
}
USER = settings.AUTH_USER_MODEL


class SroiAnalysis(models.Model):
    """A forecast or evaluative SROI analysis of the partnership's service (docs/formulas.md,
    SROI)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="sroi_analyses"
    )
    title = models.CharField(max_length=200)
    contract = models.ForeignKey(
        "bidding.Contract",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sroi_analyses",
        help_text="Leave blank for an analysis of the partnership's service as a whole.",
    )
    scope = models.TextField(
        blank=True, help_text="What activity is analysed, for whom, over which period."
    )
    stakeholders = models.TextField(blank=True, help_text="Who was involved, and how.")
    investment = models.DecimalField(
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="The inputs: the value of everything invested in the activity, in £.",
    )
    discount_rate = models.DecimalField(
        max_digits=7,
        decimal_places=6,
        default=calc.DEFAULT_DISCOUNT_RATE,
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.99"))],
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "SROI analysis"
        verbose_name_plural = "SROI analyses"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("benefits:sroi.detail", args=[self.partnership_id, self.pk])

    def calc_outcomes(self) -> list[calc.Outcome]:
        return [o.as_calc() for o in self.outcomes.all()]

    def summary(self) -> calc.SroiSummary | None:
        outcomes = self.calc_outcomes()
        if not outcomes:
            return None
        return calc.analyse(
            investment=self.investment, outcomes=outcomes, discount_rate=self.discount_rate
        )


class SroiOutcome(models.Model):
    """One line of the value map: quantity × proxy, less deadweight, displacement and
    attribution, lasting ``duration_years`` with ``drop_off`` a year after the first."""

    analysis = models.ForeignKey(SroiAnalysis, on_delete=models.CASCADE, related_name="outcomes")
    name = models.CharField(max_length=200)
    stakeholder = models.CharField(max_length=200, blank=True)
    indicator = models.CharField(
        max_length=300, blank=True, help_text="How you know the change happened."
    )
    quantity = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    proxy = models.DecimalField(
        "financial proxy",
        **MONEY,
        validators=[MinValueValidator(0)],
        help_text="£ value of one unit of the outcome.",
    )
    proxy_source = models.CharField(max_length=300, blank=True)
    deadweight = models.DecimalField(**PROPORTION)
    displacement = models.DecimalField(**PROPORTION)
    attribution = models.DecimalField(**PROPORTION)
    drop_off = models.DecimalField("drop-off", **PROPORTION)
    duration_years = models.PositiveSmallIntegerField(
        "duration (years)", default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    def as_calc(self) -> calc.Outcome:
        return calc.Outcome(
            name=self.name,
            quantity=self.quantity,
            proxy=self.proxy,
            deadweight=self.deadweight,
            displacement=self.displacement,
            attribution=self.attribution,
            drop_off=self.drop_off,
            duration_years=self.duration_years,
        )

    @property
    def impact(self) -> Decimal:
        return self.as_calc().impact


# --- contract monitoring ---------------------------------------------------------------------


class LineStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted, awaiting verification"
    VERIFIED = "verified", "Verified"
    QUERIED = "queried", "Queried"

    @property
    def tag_class(self) -> str:
        return {
            "submitted": "govuk-tag--blue",
            "verified": "govuk-tag--green",
            "queried": "govuk-tag--orange",
        }[self.value]


class MonitoringSettings(models.Model):
    """The partnership's RAG thresholds (docs/formulas.md: 100 % and 75 % unless configured)."""

    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="benefit_settings"
    )
    green_percent = models.DecimalField(
        "green from (% of the pro-rata target)",
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(0)],
    )
    amber_percent = models.DecimalField(
        "amber from (% of the pro-rata target)",
        max_digits=6,
        decimal_places=2,
        default=Decimal(75),
        validators=[MinValueValidator(0)],
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amber_percent__lte=models.F("green_percent")),
                name="amber_not_above_green",
            )
        ]

    def __str__(self):
        return f"RAG thresholds: green {self.green_percent} %, amber {self.amber_percent} %"

    @property
    def thresholds(self) -> calc.Thresholds:
        return calc.Thresholds(green=self.green_percent, amber=self.amber_percent)


class QuarterlyReturn(models.Model):
    """The contractor's return for one quarter of the contract: a line per commitment."""

    contract = models.ForeignKey(
        "bidding.Contract", on_delete=models.CASCADE, related_name="benefit_returns"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    notes = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["contract", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"], name="one_return_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="return_period_in_order",
            ),
        ]

    def __str__(self):
        return calc.quarter_label(self.period_start, self.period_end)


class ReturnLine(models.Model):
    """One commitment's actual for the quarter; only verified figures count towards status.
    For recruitment commitments: how many were additional (would not have been recruited
    anyway) and, later, how many were still in post at 26 and 52 weeks."""

    quarterly_return = models.ForeignKey(
        QuarterlyReturn, on_delete=models.CASCADE, related_name="lines"
    )
    commitment = models.ForeignKey(
        "bidding.Commitment", on_delete=models.CASCADE, related_name="return_lines"
    )
    actual = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    notes = models.TextField(blank=True)
    additional = models.PositiveIntegerField(null=True, blank=True)
    in_post_26 = models.PositiveIntegerField("in post at 26 weeks", null=True, blank=True)
    in_post_52 = models.PositiveIntegerField("in post at 52 weeks", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=LineStatus.choices, default=LineStatus.SUBMITTED
    )
    query = models.TextField(blank=True, help_text="What the contract manager asked.")
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["quarterly_return__period_start", "commitment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarterly_return", "commitment"], name="one_line_per_commitment"
            ),
            models.CheckConstraint(condition=models.Q(actual__gte=0), name="actual_not_negative"),
        ]

    def __str__(self):
        return f"{self.commitment.description}, {self.quarterly_return}"

    @property
    def status_enum(self) -> LineStatus:
        return LineStatus(self.status)

    @property
    def counts(self) -> bool:
        return self.status == LineStatus.VERIFIED


def _evidence_path(instance, filename):
    return f"benefits/evidence/{instance.line.quarterly_return.contract_id}/{filename}"


class EvidenceFile(models.Model):
    """A file behind a return line (payroll extract, weighbridge ticket, item log), served only
    through a permission-checked view."""

    line = models.ForeignKey(ReturnLine, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


class RemedialPlan(models.Model):
    """What the contractor will do to bring a red commitment back, by when."""

    commitment = models.ForeignKey(
        "bidding.Commitment", on_delete=models.CASCADE, related_name="remedial_plans"
    )
    actions = models.TextField()
    starts_on = models.DateField()
    due_on = models.DateField()
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["commitment", "-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")),
                name="remedy_due_after_start",
            )
        ]

    def __str__(self):
        return f"Remedial plan for {self.commitment.description}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None
