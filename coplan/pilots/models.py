"""Piloting (PSP element 2): the pilot, its monitoring framework, delivery records at national
scale with per-month rollups, service user feedback, the issue log and the evaluations.

Scale: delivery records are the one big table (10 million rows nationally, a million in the
largest pilot). Everything a dashboard shows is read from the small rollup tables
(:class:`MonthlyRollup`, :class:`KpiRollup`), which every insert, edit, import and revert keeps
up to date in its own transaction, so a dashboard costs the same for 1,000 records as for a
million. Records and rollups hang off ``DO_NOTHING`` foreign keys: ``signals.py`` deletes them
with one statement each before their pilot or KPI goes, so a deletion never loads a million rows
into Python.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from coplan.core import clock
from coplan.core.fields import ChangedAtField
from coplan.core.models import Organisation
from coplan.partnerships.models import Partnership

from .enums import (
    Aggregation,
    BatchStatus,
    ConditionField,
    Direction,
    Disclosure,
    EvaluationKind,
    ExtensionStatus,
    FeedbackChannel,
    Frequency,
    Measure,
    Method,
    Op,
    PilotStatus,
    ResultKind,
    Severity,
)

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}
SUM = {"max_digits": 18, "decimal_places": 2}


class Classified(models.Model):
    """The bidder disclosure class of a pilot artefact (docs/disclosure.md, F1)."""

    disclosure = models.CharField(
        max_length=20, choices=Disclosure.choices, default=Disclosure.UNCLASSIFIED
    )
    disclosure_reason = models.TextField(
        blank=True, help_text="Why it stays internal, or what is redacted."
    )
    classified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    classified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(disclosure=Disclosure.INTERNAL_ONLY)
                | ~models.Q(disclosure_reason=""),
                name="%(app_label)s_%(class)s_internal_has_reason",
            )
        ]

    @property
    def disclosure_enum(self) -> Disclosure:
        return Disclosure(self.disclosure)


class Pilot(models.Model):
    """The pilot of one partnership: at least six whole calendar months (docs/timeline.md, T2)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="pilot")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What is piloted, where and for whom.")
    starts_on = models.DateField("pilot starts")
    ends_on = models.DateField("pilot ends", help_text="The last day of the pilot (inclusive).")
    extended_to = models.DateField(
        null=True, blank=True, help_text="The end date after the latest approved extension."
    )
    funding_amount = models.DecimalField("funding", null=True, blank=True, **MONEY)
    funding_route = models.CharField(
        max_length=200,
        blank=True,
        help_text="For example 'council grant' or 'informal arrangement'.",
    )
    funding_notes = models.TextField(blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    stop_reason = models.TextField(blank=True)
    data_version = models.PositiveBigIntegerField(
        default=0, help_text="Bumped in every transaction that changes what the dashboard shows."
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()

    class Meta:
        ordering = ["partnership__title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="pilot_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(extended_to__isnull=True)
                | models.Q(extended_to__gt=models.F("ends_on")),
                name="pilot_extension_after_end",
            ),
            models.CheckConstraint(
                condition=models.Q(funding_amount__isnull=True) | models.Q(funding_amount__gte=0),
                name="pilot_funding_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pilots:overview", args=[self.partnership_id])

    @property
    def effective_ends_on(self) -> dt.date:
        return self.extended_to or self.ends_on

    def status_on(self, today: dt.date | None = None) -> PilotStatus:
        today = today or clock.today()
        if self.stopped_on and self.stopped_on <= today:
            return PilotStatus.STOPPED
        if today < self.starts_on:
            return PilotStatus.PLANNED
        if today > self.effective_ends_on:
            return PilotStatus.COMPLETED
        return PilotStatus.RUNNING

    @property
    def status(self) -> PilotStatus:
        return self.status_on()

    @property
    def last_day(self) -> dt.date:
        """The last day delivery records may carry."""
        return self.stopped_on or self.effective_ends_on


class PilotService(models.Model):
    """A service the pilot delivers, e.g. 'Emergency furniture packs' in packs."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=120)
    unit = models.CharField(
        max_length=40, help_text="What one unit is, in the singular: pack, storage day, visit."
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="unique_pilot_service_name")
        ]

    def __str__(self):
        return self.name


class PilotProvider(models.Model):
    """A partner organisation that delivers the pilot."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="providers")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "organisation"], name="unique_pilot_provider")
        ]

    def __str__(self):
        return str(self.organisation)


class PilotExtension(models.Model):
    """A request to run the pilot longer, and its approval or refusal."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="extensions")
    new_ends_on = models.DateField("new end date")
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PROPOSED
    )
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Extension to {self.new_ends_on:%d %B %Y}"

    @property
    def status_enum(self) -> ExtensionStatus:
        return ExtensionStatus(self.status)


class Kpi(models.Model):
    """One indicator of the monitoring framework, and how its value is computed."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="What is measured, exactly.")
    unit = models.CharField(max_length=40, help_text="For example %, days, packs or £.")
    baseline = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_note = models.CharField(
        max_length=300, blank=True, help_text="Where the baseline comes from."
    )
    target = models.DecimalField(max_digits=18, decimal_places=4)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    amber_tolerance = models.DecimalField(
        "amber tolerance (%)",
        max_digits=5,
        decimal_places=2,
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="How far from the target, as a % of the target, still counts as amber.",
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    source = models.CharField(
        "data source", max_length=300, help_text="Where the data comes from and who provides it."
    )
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.RECORDS)
    aggregation = models.CharField(max_length=12, choices=Aggregation.choices, blank=True)
    measure = models.CharField(max_length=20, choices=Measure.choices, blank=True)
    filter_service = models.ForeignKey(
        PilotService, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # a service a KPI filters on cannot be removed (domain guard); deleting the pilot may
    filter_provider = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filter_outcomes = models.CharField(
        "outcome codes", max_length=300, blank=True, help_text="Comma-separated; blank for all."
    )
    condition_field = models.CharField(max_length=20, choices=ConditionField.choices, blank=True)
    condition_op = models.CharField(max_length=4, choices=Op.choices, blank=True)
    condition_value = models.CharField(max_length=200, blank=True)
    # The specification requirement it tests (design app), kept loosely: the FK may be cleared
    # when a specification version goes; the stable key (e.g. SL-2) survives new versions.
    requirement = models.ForeignKey(
        "design.Requirement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilot_kpis",
    )
    requirement_key = models.CharField(
        max_length=12, blank=True, help_text="The specification requirement it tests, e.g. SL-2."
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="unique_kpi_name_per_pilot"),
            models.CheckConstraint(
                condition=models.Q(amber_tolerance__gte=0) & models.Q(amber_tolerance__lte=100),
                name="kpi_amber_tolerance_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def method_enum(self) -> Method:
        return Method(self.method)

    @property
    def frequency_enum(self) -> Frequency:
        return Frequency(self.frequency)

    @property
    def uses_costs(self) -> bool:
        """Its figures are money, or reveal it: it measures cost, counts deliveries by their
        cost, or is entered in pounds (a unit with £). Only those who see costs
        (``pilots.view_costs``) see its baseline, target and values."""
        return Measure.COST in (self.measure, self.condition_field) or "£" in self.unit

    @property
    def condition_text(self) -> str:
        if not self.condition_field:
            return ""
        return (
            f"{ConditionField(self.condition_field).label.lower()} "
            f"{Op(self.condition_op).label} {self.condition_value}"
        )


class KpiValue(models.Model):
    """A value entered by hand for one period of a manual KPI."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    period = models.DateField(help_text="The first day of the month or quarter.")
    value = models.DecimalField(max_digits=18, decimal_places=4)
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="one_value_per_kpi_period")
        ]

    def __str__(self):
        return f"{self.kpi}: {self.value} ({self.period:%b %Y})"


class ImportBatch(models.Model):
    """One uploaded file of delivery records: matched, checked and imported all or nothing."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="batches")
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="pilot-imports/%Y/%m/", max_length=400)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=4)  # csv or xlsx
    columns = models.JSONField(default=list, help_text="The headers, as in the file.")
    preview = models.JSONField(default=list, help_text="The first rows, for matching columns.")
    estimated_rows = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    allowed_providers = models.JSONField(
        null=True, blank=True, help_text="Organisation ids the uploader may record for; null: any."
    )
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.UPLOADED
    )
    via = models.CharField(max_length=10, default="web")  # web, api or cli
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reverted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverted_at = models.DateTimeField(null=True, blank=True)
    revert_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pilot", "sha256"], name="pilots_batch_sha")]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "sha256"],
                condition=models.Q(status="imported"),
                name="one_import_of_a_file_per_pilot",
            )
        ]

    def __str__(self):
        return f"Upload {self.pk}: {self.filename}"

    def get_absolute_url(self):
        return reverse("pilots:batch", args=[self.pilot.partnership_id, self.pk])

    @property
    def status_enum(self) -> BatchStatus:
        return BatchStatus(self.status)

    @property
    def in_progress(self) -> bool:
        return self.status in BatchStatus.in_progress()

    @property
    def percent(self) -> int:
        if self.status in (BatchStatus.IMPORTED, BatchStatus.REVERTED):
            return 100
        total = self.total_rows or self.estimated_rows
        if not total:
            return 0
        return max(0, min(99, int(self.processed_rows * 100 / total)))


class DeliveryRecord(models.Model):
    """One service event. The client is only ever stored as a keyed hash (``client_ref``).

    The national-scale table: its foreign keys carry no database constraints, because
    PostgreSQL checks a constraint with a trigger per inserted row, which made ``COPY`` of a
    million records five times slower. The application keeps them sound instead: the importer
    and the domain functions write only ids they have checked, a service or provider with
    records cannot be removed, and deleting a pilot or batch deletes its records first
    (``signals.py``); :func:`coplan.pilots.rollups.verify` reports any orphan."""

    pilot = models.ForeignKey(
        Pilot,
        on_delete=models.DO_NOTHING,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    service = models.ForeignKey(
        PilotService,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="records",
        db_constraint=False,
    )
    delivered_on = models.DateField("date")
    month = models.DateField(help_text="The first day of the delivery's month.")
    quantity = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(max_length=40)
    cost = models.DecimalField(validators=[MinValueValidator(0)], **MONEY)
    client_ref = models.CharField(
        "pseudonymised client reference",
        max_length=32,
        blank=True,
        help_text="HMAC-SHA256 of the client identifier (first 128 bits, hex); never the raw id.",
    )
    referred_on = models.DateField("referral date", null=True, blank=True)
    wait_days = models.IntegerField(null=True, blank=True)
    wait_working_days = models.IntegerField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    outcome_code = models.CharField(max_length=40, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        indexes = [
            models.Index(fields=["pilot", "delivered_on"], name="pilots_record_pilot_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="record_quantity_ge_0"
            ),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="record_cost_ge_0"),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | (models.Q(satisfaction__gte=1) & models.Q(satisfaction__lte=5)),
                name="record_satisfaction_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.service_id} on {self.delivered_on}"


class MonthlyRollup(models.Model):
    """Pilot × service × provider × month totals, kept equal to the records' aggregates."""

    pilot = models.ForeignKey(Pilot, on_delete=models.DO_NOTHING, related_name="+")
    service = models.ForeignKey(PilotService, on_delete=models.DO_NOTHING, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.DO_NOTHING, related_name="+")
    month = models.DateField()
    records = models.PositiveBigIntegerField(default=0)
    quantity = models.DecimalField(default=0, **SUM)
    cost = models.DecimalField(default=0, **SUM)
    satisfaction_sum = models.PositiveBigIntegerField(default=0)
    satisfaction_count = models.PositiveBigIntegerField(default=0)
    sat_1 = models.PositiveBigIntegerField(default=0)
    sat_2 = models.PositiveBigIntegerField(default=0)
    sat_3 = models.PositiveBigIntegerField(default=0)
    sat_4 = models.PositiveBigIntegerField(default=0)
    sat_5 = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "service", "provider", "month"], name="unique_monthly_rollup"
            )
        ]

    def __str__(self):
        return f"{self.month:%b %Y}: {self.records} records"


class KpiRollup(models.Model):
    """Per KPI × service × provider × month: the parts its value is computed from."""

    kpi = models.ForeignKey(Kpi, on_delete=models.DO_NOTHING, related_name="+")
    service = models.ForeignKey(PilotService, on_delete=models.DO_NOTHING, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.DO_NOTHING, related_name="+")
    month = models.DateField()
    rows = models.PositiveBigIntegerField(default=0)  # records passing the KPI's filter
    eligible = models.PositiveBigIntegerField(default=0)  # … whose condition field is known
    hits = models.PositiveBigIntegerField(default=0)  # … meeting the condition
    total = models.DecimalField(default=0, **SUM)  # sum of the measure over the hits
    measured = models.PositiveBigIntegerField(default=0)  # hits with a known measure
    quantity = models.DecimalField(default=0, **SUM)  # quantity over the hits

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "service", "provider", "month"], name="unique_kpi_rollup"
            )
        ]

    def __str__(self):
        return f"KPI {self.kpi_id}, {self.month:%b %Y}"


class Feedback(models.Model):
    """A quick rating and comment from a service user during the pilot."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="feedback")
    service = models.ForeignKey(
        PilotService, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    anonymous = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(
        max_length=10, choices=FeedbackChannel.choices, default=FeedbackChannel.ONLINE
    )
    received_on = models.DateField(default=clock.today)
    month = models.DateField()
    response = models.TextField("we did", blank=True)
    responded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["pilot", "month"], name="pilots_feedback_month")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1) & models.Q(rating__lte=5),
                name="feedback_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(anonymous=False) | models.Q(submitted_by__isnull=True),
                name="anonymous_feedback_has_no_author",
            ),
        ]

    def __str__(self):
        return f"{self.rating}/5 on {self.received_on}"


class PilotIssue(models.Model):
    """The issue log: a problem, its severity, owner and resolution."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField("problem", max_length=200)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(
        PilotService, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_on = models.DateField(default=clock.today)
    resolution = models.TextField(blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["resolved_on", "-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True) | ~models.Q(resolution=""),
                name="resolved_issue_has_resolution",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Evaluation(Classified):
    """An interim (at least at six months) or final pilot evaluation report."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(max_length=10, choices=EvaluationKind.choices)
    title = models.CharField(max_length=200)
    period_start = models.DateField("data from")
    period_end = models.DateField("data to")
    summary = models.TextField(blank=True)
    feedback_summary = models.TextField("what service users said", blank=True)
    lessons = models.TextField("lessons learned", blank=True)
    proposed_changes = models.TextField("proposed specification changes", blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)
    approval_note = models.CharField(
        max_length=300, blank=True, help_text="For example the steering group meeting."
    )

    class Meta:
        ordering = ["period_end", "id"]
        constraints = [
            *Classified.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="evaluation_period_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pilots:evaluation", args=[self.pilot.partnership_id, self.pk])

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None

    @property
    def kind_enum(self) -> EvaluationKind:
        return EvaluationKind(self.kind)


class EvaluationResult(Classified):
    """One result of an evaluation: a KPI against its target, an actual cost per unit or a
    volume. Each is classified for the tender's evidence pack."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(max_length=10, choices=ResultKind.choices)
    kpi = models.ForeignKey(Kpi, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    service = models.ForeignKey(
        PilotService, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=300)
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    target = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    baseline = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True)
    rag = models.CharField(max_length=6, blank=True)
    basis = models.TextField(
        blank=True,
        help_text="How the value and status were reached, in words (a KPI is judged on its full "
        "months or quarters).",
    )
    commentary = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [*Classified.Meta.constraints]

    def __str__(self):
        return self.label

    @property
    def kind_enum(self) -> ResultKind:
        return ResultKind(self.kind)
