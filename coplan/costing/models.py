"""Full cost recovery models (versioned, private to the enterprise that owns them), capacity
self-assessments and capacity-building plans.

A cost model belongs to one social enterprise and costs one service. Its versions go
draft → locked; a locked version never changes (the tender and the evaluation may cite it)
and may be shared with the council. Figures are computed by :mod:`coplan.costing.calc`.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from coplan.core import clock
from coplan.core.fields import ChangedAtField
from coplan.core.models import Organisation

from .enums import (
    ActionStatus,
    ActivityKind,
    Basis,
    CapacityArea,
    DirectCostCategory,
    Driver,
    PoolCategory,
    VersionStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class CostModel(models.Model):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="cost_models"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cost_models"
    )
    service = models.CharField(
        max_length=200, help_text="The service (or the enterprise's part of it) being costed."
    )
    unit_name = models.CharField(
        "unit of service",
        max_length=100,
        default="unit",
        help_text="What one unit is, for example 'furniture pack' or 'befriending hour'.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["organisation__name", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation", "service"],
                name="one_cost_model_per_enterprise_and_service",
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.service}"

    def get_absolute_url(self):
        return reverse("costing:model.detail", args=[self.partnership_id, self.pk])


class CostModelVersion(models.Model):
    cost_model = models.ForeignKey(CostModel, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    period = models.CharField(
        max_length=100, blank=True, help_text="The period the figures cover, for example 2006/07."
    )
    units = models.DecimalField(
        "units of service",
        max_digits=14,
        decimal_places=2,
        default=Decimal(1),
        help_text="How many units of service the period's costs deliver.",
    )
    surplus_rate = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=Decimal(0),
        help_text="As a fraction: 0.05 is a 5 % surplus on top of the full cost.",
    )
    basis = models.CharField("denominator", max_length=10, choices=Basis.choices, default=Basis.ALL)
    count_unallocated_staff = models.BooleanField(
        "count staff with no allocation",
        default=False,
        help_text="Count staff who work on no activity in the headcount and staff time "
        "denominators; their part of those pools is shown as unallocated.",
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the enterprise shared this version with the council."
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    snapshot = models.JSONField(
        default=dict,
        blank=True,
        help_text="The key figures as exact decimal strings, recorded when the version locked.",
    )
    revision = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised by every change to this version, so a save based on an older read is "
        "refused instead of overwriting someone else's changes (optimistic locking).",
    )

    class Meta:
        ordering = ["cost_model", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cost_model", "number"], name="unique_cost_model_version_number"
            ),
            models.UniqueConstraint(
                fields=["cost_model"],
                condition=models.Q(status="draft"),
                name="one_draft_per_cost_model",
            ),
            models.CheckConstraint(condition=models.Q(units__gt=0), name="units_positive"),
            models.CheckConstraint(
                condition=models.Q(surplus_rate__gte=0), name="surplus_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(status="locked") | models.Q(shared_at__isnull=True),
                name="only_locked_versions_are_shared",
            ),
        ]

    def __str__(self):
        return f"{self.cost_model} — version {self.number}"

    def get_absolute_url(self):
        model = self.cost_model
        return reverse("costing:version.detail", args=[model.partnership_id, model.pk, self.number])

    @property
    def is_locked(self) -> bool:
        return self.status == VersionStatus.LOCKED

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def status_enum(self) -> VersionStatus:
        return VersionStatus(self.status)

    def figure(self, name: str) -> Decimal | None:
        """A figure recorded when the version locked (``full_cost``, ``unit_cost``, …)."""
        value = self.snapshot.get(name)
        return Decimal(value) if value not in (None, "") else None


class CostActivity(models.Model):
    """One of the organisation's activities: the service, other projects, core work,
    fundraising. Every activity is listed so that the shares are honest."""

    version = models.ForeignKey(
        CostModelVersion, on_delete=models.CASCADE, related_name="activities"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=ActivityKind.choices, default="project")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="unique_activity_name")
        ]

    def __str__(self):
        return self.name


class StaffLine(models.Model):
    version = models.ForeignKey(
        CostModelVersion, on_delete=models.CASCADE, related_name="staff_lines"
    )
    name = models.CharField("post", max_length=200)
    salary = models.DecimalField(**MONEY)
    employer_ni = models.DecimalField("employer's National Insurance", **MONEY, default=0)
    pension = models.DecimalField("employer's pension", **MONEY, default=0)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary__gte=0, employer_ni__gte=0, pension__gte=0),
                name="staff_costs_not_negative",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def cost(self) -> Decimal:
        return self.salary + self.employer_ni + self.pension


class StaffTime(models.Model):
    """The fraction (0–1) of a person's time spent on one activity."""

    staff_line = models.ForeignKey(StaffLine, on_delete=models.CASCADE, related_name="times")
    activity = models.ForeignKey(CostActivity, on_delete=models.CASCADE, related_name="staff_times")
    fraction = models.DecimalField(max_digits=5, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff_line", "activity"], name="unique_staff_time"),
            models.CheckConstraint(
                condition=models.Q(fraction__gte=0, fraction__lte=1), name="time_fraction_0_1"
            ),
        ]

    def __str__(self):
        return f"{self.fraction * 100:g} % on {self.activity}"


class DirectCostLine(models.Model):
    version = models.ForeignKey(
        CostModelVersion, on_delete=models.CASCADE, related_name="direct_costs"
    )
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=12, choices=DirectCostCategory.choices, default="other")
    amount = models.DecimalField(**MONEY)
    activity = models.ForeignKey(
        CostActivity, on_delete=models.CASCADE, related_name="direct_costs"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="direct_cost_not_negative"
            )
        ]

    def __str__(self):
        return self.name


class OverheadPool(models.Model):
    version = models.ForeignKey(CostModelVersion, on_delete=models.CASCADE, related_name="pools")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=12, choices=PoolCategory.choices, default="custom")
    amount = models.DecimalField(**MONEY)
    driver = models.CharField(max_length=12, choices=Driver.choices)
    denominator = models.DecimalField(
        "explicit denominator",
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Leave empty to use the model's denominator choice.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="pool_not_negative")
        ]

    def __str__(self):
        return self.name


class DriverValue(models.Model):
    """A floor area or custom driver value for one activity (the others derive from lines)."""

    version = models.ForeignKey(
        CostModelVersion, on_delete=models.CASCADE, related_name="driver_values"
    )
    driver = models.CharField(max_length=12, choices=Driver.choices)
    activity = models.ForeignKey(
        CostActivity, on_delete=models.CASCADE, related_name="driver_values"
    )
    value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["driver", "activity"], name="unique_driver_value"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="driver_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_driver_display()} of {self.activity}: {self.value}"


# --- capacity building -----------------------------------------------------------------------


class CapacityAssessment(models.Model):
    """A social enterprise's self-assessment on one date: each area scored 1–5 with evidence."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="capacity_assessments"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="capacity_assessments"
    )
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["organisation__name", "assessed_on", "pk"]

    def __str__(self):
        return f"{self.organisation}, {self.assessed_on:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("costing:assessment.detail", args=[self.partnership_id, self.pk])


class CapacityScore(models.Model):
    assessment = models.ForeignKey(
        CapacityAssessment, on_delete=models.CASCADE, related_name="scores"
    )
    area = models.CharField(max_length=24, choices=CapacityArea.choices)
    score = models.PositiveSmallIntegerField()
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="one_score_per_area"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="score_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.get_area_display()}: {self.score}"


class CapacityAction(models.Model):
    """One line of a capacity-building plan, tracked by the intermediary."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="capacity_actions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="capacity_actions"
    )
    area = models.CharField(max_length=24, choices=CapacityArea.choices)
    gap = models.TextField()
    action = models.TextField()
    provider = models.CharField(
        "who provides it", max_length=200, help_text="For example CRNS, or a named trainer."
    )
    due_on = models.DateField("due date")
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.organisation}: {self.action[:60]}"

    def is_overdue(self, today) -> bool:
        return self.status in ActionStatus.open() and self.due_on < today


class CostingSettings(models.Model):
    """The partnership's tolerance for planned against actual unit cost: an actual more than
    ``variance_threshold_percent`` above the planned is Amber, beyond twice it Red (25 % unless
    set)."""

    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="costing_settings"
    )
    variance_threshold_percent = models.DecimalField(
        "unit cost variance threshold (%)",
        max_digits=6,
        decimal_places=2,
        default=Decimal(25),
        help_text="Amber when the actual unit cost is more than this percentage above the "
        "planned; red beyond twice it.",
    )

    class Meta:
        verbose_name_plural = "costing settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(variance_threshold_percent__gt=0),
                name="variance_threshold_positive",
            )
        ]

    def __str__(self):
        return f"Unit cost variance threshold {self.variance_threshold_percent} %"
