"""Service design (PSP element 1): engagement with service users, their ideas and feedback,
insights, and the versioned service specification whose requirements trace back to them.

Every design artefact carries a bidder disclosure class (docs/disclosure.md, F1): partners who
co-design may later bid, so everything they saw must be classified before the tender opens.
"""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse

from coplan.core import clock
from coplan.core.errors import DomainError
from coplan.core.fields import ChangedAtField
from coplan.partnerships.models import Partnership

from .enums import (
    Disclosure,
    ImportStatus,
    ItemKind,
    ItemSource,
    Method,
    SectionKind,
    VersionStatus,
)

USER = settings.AUTH_USER_MODEL


class Classified(models.Model):
    """The bidder disclosure class every design artefact carries (docs/disclosure.md, F1)."""

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

    @property
    def is_internal(self) -> bool:
        return self.disclosure == Disclosure.INTERNAL_ONLY


class UserGroup(models.Model):
    """A group of service users the partnership engages, e.g. "older people living alone"."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="user_groups"
    )
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_user_group_name")
        ]

    def __str__(self):
        return self.name


class EngagementActivity(Classified):
    """A workshop, survey, interview, focus group or drop-in the intermediary ran."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="engagement_activities"
    )
    title = models.CharField(max_length=200)
    method = models.CharField(max_length=20, choices=Method.choices)
    held_on = models.DateField("date")
    place = models.CharField(max_length=200, blank=True)
    online = models.BooleanField(default=False)
    user_groups = models.ManyToManyField(UserGroup, blank=True, related_name="activities")
    participant_count = models.PositiveIntegerField("number of participants", default=0)
    facilitator = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, help_text="What happened and what people said.")
    open_token = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="While set, anyone with the link can post ideas and feedback to this activity.",
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "engagement activity"
        verbose_name_plural = "engagement activities"
        constraints = [
            *Classified.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(online=True) | ~models.Q(place=""),
                name="activity_has_place_or_online",
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()}: {self.title} ({self.held_on:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("design:activity.detail", args=[self.partnership_id, self.pk])

    @property
    def where(self) -> str:
        if self.online and self.place:
            return f"{self.place} and online"
        return "Online" if self.online else self.place

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)


def _attachment_path(instance, filename):
    name = PurePath(filename).name[-120:]
    activity = instance.activity
    return (
        f"design/{activity.partnership_id}/activities/{activity.pk}/{secrets.token_hex(4)}-{name}"
    )


class Attachment(Classified):
    """A file from an engagement activity: a flip-chart photo, a survey form, a write-up."""

    activity = models.ForeignKey(
        EngagementActivity, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = Classified.Meta.constraints

    def __str__(self):
        return self.title

    @property
    def filename(self) -> str:
        return PurePath(self.file.name).name.split("-", 1)[-1]


class Consent(models.Model):
    """A named contributor's consent: what it covers, when given, when withdrawn.

    Withdrawing it removes the person's name from their items, supports and attendance but
    keeps the anonymised text and the counts (see ``domain.withdraw_consent``)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="consents")
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="design_consents"
    )
    name = models.CharField(
        max_length=200, blank=True, help_text="For a person without a Coplan account."
    )
    user_group = models.ForeignKey(
        UserGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    covers = models.TextField(help_text="What the person agreed to.")
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="consent_names_a_person",
            ),
            models.UniqueConstraint(
                fields=["partnership", "user"],
                condition=models.Q(withdrawn_on__isnull=True, user__isnull=False),
                name="one_active_consent_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"Consent #{self.pk}"

    @property
    def person_name(self) -> str:
        if self.user_id and self.user:
            return self.user.full_name or self.user.email
        return self.name

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class Attendance(models.Model):
    """A named participant at an activity (optional: anonymous counts are always possible)."""

    activity = models.ForeignKey(
        EngagementActivity, on_delete=models.CASCADE, related_name="attendances"
    )
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances"
    )
    user_group = models.ForeignKey(
        UserGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "consent"],
                condition=models.Q(consent__isnull=False),
                name="attend_once_per_activity",
            )
        ]

    def __str__(self):
        return f"Attendance #{self.pk}"

    @property
    def person_name(self) -> str:
        return self.consent.person_name if self.consent_id else "Anonymous participant"


class Theme(Classified):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            *Classified.Meta.constraints,
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_theme_name"),
        ]

    def __str__(self):
        return self.name


class Item(Classified):
    """An idea, a piece of feedback, or a comment on one, from a service user or a partner."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="design_items"
    )
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    text = models.TextField()
    prompt = models.CharField(
        max_length=300, blank=True, help_text="The question asked, e.g. a survey question."
    )
    author = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="design_items"
    )
    author_name = models.CharField(
        max_length=200, blank=True, help_text="A named contributor without a Coplan account."
    )
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    anonymous = models.BooleanField(
        "anonymous to other members",
        default=False,
        help_text="Other members do not see who wrote it.",
    )
    user_group = models.ForeignKey(
        UserGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    activity = models.ForeignKey(
        EngagementActivity, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    source = models.CharField(max_length=10, choices=ItemSource.choices, default=ItemSource.BOARD)
    themes = models.ManyToManyField(Theme, blank=True, related_name="items")
    is_insight = models.BooleanField("insight", default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_items"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    we_did = models.TextField(
        "what we did", blank=True, help_text="In plain words, for the 'you said, we did' page."
    )
    not_taken_up_reason = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partnership", "kind", "-created_at"])]
        constraints = [
            *Classified.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(kind=ItemKind.COMMENT, parent__isnull=False)
                | (~models.Q(kind=ItemKind.COMMENT) & models.Q(parent__isnull=True)),
                name="comments_have_a_parent",
            ),
        ]

    def __str__(self):  # never a name: audit records outlive consent
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("design:item.detail", args=[self.partnership_id, self.parent_id or self.pk])

    @property
    def is_named(self) -> bool:
        return bool(self.author_id or self.author_name)

    def author_label(self, viewer=None) -> str:
        """The name other members see: nobody's, if anonymous (the author sees their own)."""
        name = self.author.full_name if self.author_id and self.author else self.author_name
        if not name:
            return "Anonymous"
        if self.anonymous:
            if viewer is not None and self.author_id and viewer.pk == self.author_id:
                return f"{name} (anonymous to other members)"
            return "Anonymous"
        return name


class Support(models.Model):
    """One person's support for an idea (one per person per item)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="design_supports"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="support_once_per_person")
        ]

    def __str__(self):
        return f"Support #{self.pk} for {self.item}"


def _import_path(instance, filename):
    name = PurePath(filename).name[-120:]
    return f"design/{instance.partnership_id}/imports/{secrets.token_hex(6)}-{name}"


class SurveyImport(models.Model):
    """An uploaded survey file (one row per response), its column mapping and its result."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="survey_imports"
    )
    activity = models.ForeignKey(
        EngagementActivity, on_delete=models.CASCADE, related_name="imports"
    )
    file = models.FileField(upload_to=_import_path, max_length=300)
    filename = models.CharField(max_length=200)
    columns = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    errors = models.JSONField(default=list, blank=True)
    items_created = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Survey import {self.filename}"


class SpecificationVersion(Classified):
    """One version of the service specification: draft → approved → frozen."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="specification_versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    change_note = models.TextField(blank=True, help_text="What changed in this version, and why.")
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    frozen_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised by every save of the draft, so a save based on an older read is "
        "refused instead of overwriting someone else's changes (optimistic locking).",
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            *Classified.Meta.constraints,
            models.UniqueConstraint(
                fields=["partnership", "number"], name="unique_spec_version_number"
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=models.Q(status=VersionStatus.DRAFT),
                name="one_draft_spec_per_partnership",
            ),
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT)
                | models.Q(approved_at__isnull=False),
                name="signed_off_spec_has_approval",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=VersionStatus.FROZEN)
                | models.Q(frozen_at__isnull=False),
                name="frozen_spec_has_freeze_time",
            ),
        ]

    def __str__(self):
        return f"Specification version {self.number}"

    def get_absolute_url(self):
        return reverse("design:spec.detail", args=[self.partnership_id, self.number])

    @property
    def status_enum(self) -> VersionStatus:
        return VersionStatus(self.status)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


def _guard_draft(version_id):
    status = (
        SpecificationVersion.objects.filter(pk=version_id).values_list("status", flat=True).first()
    )
    if status is not None and status != VersionStatus.DRAFT:
        raise DomainError(
            f"This specification version is {VersionStatus(status).label.lower()}: only a draft "
            "can change. Start a new draft instead.",
            code="version_not_draft",
        )


class Section(models.Model):
    version = models.ForeignKey(
        SpecificationVersion, on_delete=models.CASCADE, related_name="sections"
    )
    kind = models.CharField(max_length=24, choices=SectionKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    intro = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "kind"], name="one_section_per_kind")
        ]

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        if self.pk:
            _guard_draft(self.version_id)  # frozen and approved versions cannot change
        super().save(*args, **kwargs)

    @property
    def kind_enum(self) -> SectionKind:
        return SectionKind(self.kind)


class Requirement(models.Model):
    """One requirement of a specification version, traced to the user input behind it."""

    version = models.ForeignKey(
        SpecificationVersion, on_delete=models.CASCADE, related_name="requirements"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="requirements")
    key = models.CharField(
        max_length=12, help_text="A stable reference kept across versions, e.g. SL-2."
    )
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    evidence = models.TextField(
        blank=True, help_text="Other evidence behind it: research, pilot data, a statutory duty."
    )
    insights = models.ManyToManyField(Item, blank=True, related_name="requirements")
    activities = models.ManyToManyField(EngagementActivity, blank=True, related_name="requirements")
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    class Meta:
        ordering = ["section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_requirement_key")
        ]

    def __str__(self):
        return f"{self.key}: {self.text[:80]}"

    def save(self, *args, **kwargs):
        _guard_draft(self.version_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _guard_draft(self.version_id)
        return super().delete(*args, **kwargs)
