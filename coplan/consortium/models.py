"""The consortium the design committee's enterprises form to bid as one: its members and lead
partner, legal model, capability matrix (member × service × geography), work and revenue split
per service, and the agreement with its signatures."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from coplan.core import clock
from coplan.core.fields import ChangedAtField
from coplan.core.models import Organisation

from .enums import AgreementStatus, LegalModel

PERCENT = {"max_digits": 5, "decimal_places": 2}


class Consortium(models.Model):
    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="consortium"
    )
    name = models.CharField(max_length=200)
    legal_model = models.CharField(max_length=20, choices=LegalModel.choices)
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="consortia_led",
        null=True,
        blank=True,
        help_text="The lead partner: it bids for the members and manages the consortium's "
        "documents.",
    )
    formed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()

    class Meta:
        verbose_name_plural = "consortia"

    def __str__(self):
        return self.name


class ConsortiumMember(models.Model):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consortium_memberships"
    )
    role = models.CharField(
        "what they bring", max_length=300, blank=True, help_text="For example 'warehouse and vans'."
    )
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="authorised signatory",
    )
    joined_on = models.DateField(default=clock.today)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self):
        return str(self.organisation)


class ConsortiumService(models.Model):
    """A service (or lot) the consortium will deliver and bid for."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "name"], name="unique_service_name")
        ]

    def __str__(self):
        return self.name


class Capability(models.Model):
    """A member can deliver a service in a geography."""

    member = models.ForeignKey(
        ConsortiumMember, on_delete=models.CASCADE, related_name="capabilities"
    )
    service = models.ForeignKey(
        ConsortiumService, on_delete=models.CASCADE, related_name="capabilities"
    )
    geography = models.CharField(max_length=200, help_text="A town, locality or area.")
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["service__order", "member__organisation__name", "geography"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "service", "geography"], name="unique_capability"
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.service} in {self.geography}"


class SplitShare(models.Model):
    """A member's share of the work and of the revenue of one service, in percent. Each
    service's shares total 100 (checked by the domain when the split is set)."""

    service = models.ForeignKey(ConsortiumService, on_delete=models.CASCADE, related_name="split")
    member = models.ForeignKey(ConsortiumMember, on_delete=models.CASCADE, related_name="split")
    work_percent = models.DecimalField(**PERCENT, default=Decimal(0))
    revenue_percent = models.DecimalField(**PERCENT, default=Decimal(0))

    class Meta:
        ordering = ["service__order", "member__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "member"], name="one_share_per_member"),
            models.CheckConstraint(
                condition=models.Q(
                    work_percent__gte=0,
                    work_percent__lte=100,
                    revenue_percent__gte=0,
                    revenue_percent__lte=100,
                ),
                name="split_percent_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.member}: {self.work_percent} % of the work on {self.service}"


class Agreement(models.Model):
    """The consortium agreement: heads of terms → draft → signed. ``revision`` counts the
    changes; a signature records the revision it signed."""

    consortium = models.OneToOneField(
        Consortium, on_delete=models.CASCADE, related_name="agreement"
    )
    status = models.CharField(
        max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.HEADS_OF_TERMS
    )
    revision = models.PositiveIntegerField(default=1)
    heads_of_terms = models.TextField(blank=True)
    governance = models.TextField(blank=True)
    liability = models.TextField(blank=True)
    disputes = models.TextField("dispute resolution", blank=True)
    exit = models.TextField("exit and replacement of a member", blank=True)
    data_sharing = models.TextField("data sharing and confidentiality", blank=True)
    heads_agreed_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    TERMS = ("heads_of_terms", "governance", "liability", "disputes", "exit", "data_sharing")

    def __str__(self):
        return f"{self.consortium} agreement"

    @property
    def status_enum(self) -> AgreementStatus:
        return AgreementStatus(self.status)


class Signature(models.Model):
    """A member's authorised signatory signed the agreement (time and actor). An edit after
    signing voids every signature: ``voided_at`` and ``void_reason`` say when and why."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    member = models.ForeignKey(
        ConsortiumMember,
        on_delete=models.SET_NULL,
        null=True,
        related_name="signatures",
        help_text="Empty once the member has left (its signature was voided first).",
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=clock.now)
    revision = models.PositiveIntegerField()
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "member"],
                condition=models.Q(voided_at__isnull=True),
                name="one_valid_signature_per_member",
            )
        ]

    def __str__(self):
        return f"{self.organisation} signed revision {self.revision}"

    @property
    def is_valid(self) -> bool:
        return self.voided_at is None
