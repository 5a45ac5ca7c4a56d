"""A Public Social Partnership, the people in it and its stage history."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from coplan.core import clock
from coplan.core.fields import ChangedAtField
from coplan.core.models import Organisation

from .enums import Role, Stage, StageChangeKind, Status


class Partnership(models.Model):
    title = models.CharField(max_length=200)
    service_area = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="The need, the population and the service.")
    lead_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_partnerships"
    )
    intermediary = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="facilitated_partnerships",
        null=True,
        blank=True,
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.FEASIBILITY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    is_illustrative = models.BooleanField(
        default=False, help_text="Demo data: every page says the figures are illustrative."
    )
    # The timeline, back-planned from the tender date (docs/timeline.md, rules T1–T3).
    started_on = models.DateField("PSP start", null=True, blank=True)
    design_ends_on = models.DateField("service design ends", null=True, blank=True)
    pilot_starts_on = models.DateField("pilot starts", null=True, blank=True)
    pilot_ends_on = models.DateField("pilot ends", null=True, blank=True)
    spec_freeze_on = models.DateField("specification freeze", null=True, blank=True)
    tender_on = models.DateField("tender publication", null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pilot_ends_on__isnull=True)
                | models.Q(pilot_starts_on__isnull=True)
                | models.Q(pilot_ends_on__gte=models.F("pilot_starts_on")),
                name="pilot_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnerships:dashboard", args=[self.pk])

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @cached_property
    def roster(self) -> list["Membership"]:
        """Every membership with its person and organisation, read once per instance: gates,
        the health check and permission checks filter this list instead of querying again."""
        return list(
            self.memberships.select_related("user", "organisation").order_by(
                "role", "user__full_name"
            )
        )


class Membership(models.Model):
    """One role one person holds in one partnership, on behalf of one organisation."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    joined_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user", "role"], name="one_role_once_per_partnership"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=clock.now()
        )


class Invitation(models.Model):
    """A one-time link that lets a person join a partnership in the given roles."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=200, blank=True)
    roles = models.JSONField(help_text="Role codes the person gets on accepting.")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.partnership}"

    @staticmethod
    def new_raw_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash(raw)

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles]

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None and self.revoked_at is None and self.expires_at > clock.now()
        )


class StageChange(models.Model):
    """The stage history: every advance, loop back and refused advance, with its reasons."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stage_changes"
    )
    kind = models.CharField(max_length=12, choices=StageChangeKind.choices)
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    reason = models.TextField(blank=True)
    criteria = models.JSONField(default=list, help_text="The exit criteria as evaluated.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.from_stage} → {self.to_stage}"
