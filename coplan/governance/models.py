"""Governance bodies (steering group, design committee, working groups), their meetings, minutes,
decisions and actions, declarations of interest and the standing register of interests."""

import datetime as dt
import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from coplan.core import clock
from coplan.core.errors import DomainError
from coplan.core.fields import ChangedAtField
from coplan.core.models import Organisation
from coplan.partnerships.enums import Stage
from coplan.partnerships.models import Membership, Partnership

from .enums import (
    ActionStatus,
    AttendanceStatus,
    BodyKind,
    BodyRole,
    DecisionKind,
    DecisionRule,
    DeclarationOutcome,
    InterestKind,
    InterestNature,
    MeetingStatus,
    MinutesStatus,
    ReminderKind,
)


class Body(models.Model):
    """A steering group, design committee or working group of one partnership, with its terms of
    reference (quorum and decision rule)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="governance_bodies"
    )
    kind = models.CharField(max_length=20, choices=BodyKind.choices)
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    terms_of_reference = models.TextField(
        blank=True,
        help_text="Membership, roles, confidentiality, how disputes are resolved, how members "
        "leave.",
    )
    quorum = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="How many voting members must be present for the meeting to take decisions.",
    )
    decision_rule = models.CharField(
        max_length=20, choices=DecisionRule.choices, default=DecisionRule.CONSENSUS
    )
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    tor_agreed_on = models.DateField("terms of reference agreed on", null=True, blank=True)
    tor_decision = models.ForeignKey(
        "Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind"],
                condition=models.Q(kind__in=["steering_group", "design_committee"]),
                name="one_steering_group_and_design_committee",
            ),
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_body_name"),
            models.CheckConstraint(condition=models.Q(quorum__gte=1), name="quorum_at_least_one"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.position = BodyKind(self.kind).position
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("governance:body", args=[self.partnership_id, self.pk])

    @property
    def is_steering_group(self) -> bool:
        return self.kind == BodyKind.STEERING_GROUP


class BodyMember(models.Model):
    """A seat on a body, held by a partnership member in one of their roles. Leaving keeps the
    seat's history (``left_on``)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="body_seats"
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The department or organisation the person represents.",
    )
    role_in_body = models.CharField(
        max_length=12, choices=BodyRole.choices, default=BodyRole.MEMBER
    )
    is_voting = models.BooleanField(
        "voting member",
        help_text="Counts towards the quorum and votes on decisions. Chosen when the seat is "
        "given, never assumed.",
    )
    joined_on = models.DateField(default=clock.today)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["left_on", "role_in_body", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "user"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_seat_per_person_per_body",
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.body}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


def _london(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


class Meeting(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="governance_meetings"
    )
    title = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=300, blank=True)
    online_url = models.URLField("online meeting link", max_length=500, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar revision number.")
    quorum_required = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The body's quorum when attendance was first recorded."
    )
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "-starts_at"]),
            models.Index(fields=["body", "-starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            )
        ]

    def __str__(self):
        when = _london(self.starts_at)
        return f"{self.body.name}, {when.day} {when:%B %Y}"

    def get_absolute_url(self):
        return reverse("governance:meeting", args=[self.partnership_id, self.pk])

    @property
    def display_title(self) -> str:
        return self.title or f"{self.body.name} meeting"

    def status_on(self, now: dt.datetime | None = None) -> MeetingStatus:
        if self.cancelled_at:
            return MeetingStatus.CANCELLED
        if self.starts_at <= (now or clock.now()):
            return MeetingStatus.HELD
        return MeetingStatus.UPCOMING

    @property
    def status(self) -> MeetingStatus:
        return self.status_on()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= clock.now()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def minutes_or_none(self):
        try:
            return self.minutes
        except Minutes.DoesNotExist:
            return None

    @property
    def is_locked(self) -> bool:
        """Approved minutes lock the meeting's record: attendance, declarations, decisions,
        agenda and papers."""
        minutes = self.minutes_or_none
        return minutes is not None and minutes.status == MinutesStatus.APPROVED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minute = models.TextField(
        blank=True, help_text="What was discussed under this item: part of the minutes."
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_agenda_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


def paper_path(paper, filename: str) -> str:
    name = PurePath(filename).name[-100:]
    meeting = paper.agenda_item.meeting
    return f"governance/papers/{meeting.partnership_id}/{meeting.pk}/{uuid.uuid4().hex}-{name}"


class Paper(models.Model):
    """A document for an agenda item. Served only through a view that checks permission."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=paper_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title

    @property
    def filename(self) -> str:
        name = PurePath(self.file.name).name
        return name.split("-", 1)[1] if "-" in name else name

    @property
    def extension(self) -> str:
        return PurePath(self.file.name).suffix.lstrip(".").upper()


class MeetingInvitation(models.Model):
    """An invitation email sent to one person for one revision of a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"Invitation to {self.user} for {self.meeting}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role_in_body = models.CharField(
        max_length=12, choices=BodyRole.choices, default=BodyRole.MEMBER
    )
    is_voting = models.BooleanField(
        "voting at this meeting",
        help_text="The seat's voting status as it was at the meeting: quorum and the minutes "
        "count this, so editing the seat later never changes a past meeting.",
    )
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_person")
        ]

    def __str__(self):
        return f"{self.user}: {self.get_status_display()}"


class Declaration(models.Model):
    """A declaration of interest made at a meeting, for the whole meeting or one item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="declarations"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nature = models.CharField(max_length=15, choices=InterestNature.choices)
    interest = models.TextField()
    outcome = models.CharField(max_length=10, choices=DeclarationOutcome.choices)
    register_entry = models.ForeignKey(
        "Interest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.user}: {self.interest[:60]}"


class Minutes(models.Model):
    """The minutes of a meeting: drafted after it, approved at a later meeting of the same body
    by a decision, and then locked."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(
        blank=True, help_text="Summary and any business not under an agenda item."
    )
    status = models.CharField(
        max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=clock.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    approval = models.ForeignKey(
        "Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft", approved_at__isnull=True)
                | models.Q(status="approved", approved_at__isnull=False),
                name="approved_minutes_have_a_date",
            )
        ]

    def __str__(self):
        return f"Minutes of {self.meeting}"

    def save(self, *args, **kwargs):
        """Defence in depth: approved minutes never change, whatever code path tries."""
        if self.pk and Minutes.objects.filter(pk=self.pk, status=MinutesStatus.APPROVED).exists():
            raise DomainError(
                "These minutes are approved and locked: they cannot change.", code="minutes_locked"
            )
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class Decision(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="governance_decisions"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=DecisionKind.choices)
    text = models.TextField()
    stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        blank=True,
        help_text="For a gate approval: the stage the partnership may leave.",
    )
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_abstaining = models.PositiveSmallIntegerField(null=True, blank=True)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-meeting__starts_at", "-number"]
        indexes = [models.Index(fields=["partnership", "kind", "stage"])]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_decision_number"),
            models.CheckConstraint(
                condition=(models.Q(kind="gate_approval") & ~models.Q(stage=""))
                | (~models.Q(kind="gate_approval") & models.Q(stage="")),
                name="gate_approvals_name_a_stage",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    votes_for__isnull=True,
                    votes_against__isnull=True,
                    votes_abstaining__isnull=True,
                )
                | models.Q(
                    votes_for__isnull=False,
                    votes_against__isnull=False,
                    votes_abstaining__isnull=False,
                ),
                name="votes_all_or_none",
            ),
        ]

    def __str__(self):
        return f"Decision {self.reference}: {self.text[:80]}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#decision-{self.number}"

    @property
    def reference(self) -> str:
        return f"{_london(self.meeting.starts_at):%Y-%m-%d}/{self.number}"

    @property
    def has_vote(self) -> bool:
        return self.votes_for is not None

    @property
    def votes_label(self) -> str:
        if not self.has_vote:
            return "No vote taken"
        return (
            f"{self.votes_for} for, {self.votes_against} against, "
            f"{self.votes_abstaining} abstaining"
        )


class Action(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="governance_actions"
    )
    body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="governance_actions"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    progress_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ChangedAtField()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["partnership", "status", "due_on"]),
            models.Index(fields=["owner", "status", "due_on"]),
        ]

    def __str__(self):
        return f"A{self.pk}: {self.description[:80]}"

    def get_absolute_url(self):
        return reverse("governance:action.edit", args=[self.partnership_id, self.pk])

    @property
    def reference(self) -> str:
        return f"A{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in ActionStatus.open()

    def is_overdue_on(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(clock.today())


class Reminder(models.Model):
    """A reminder email about one action, so that ``send_reminders`` sends at most one per
    action per day, however often it runs."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField()
    due_on = models.DateField(help_text="The action's due date when the reminder was sent.")
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "sent_on"], name="one_reminder_per_action_per_day"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder for {self.action} on {self.sent_on}"


class Interest(models.Model):
    """A standing declaration in a person's register of interests."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registered_interests"
    )
    kind = models.CharField(max_length=20, choices=InterestKind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation_name = models.CharField(
        max_length=200, blank=True, help_text="If the organisation is not in Coplan."
    )
    description = models.TextField()
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    declared_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["ends_on", "-declared_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:60]}"

    @property
    def organisation_label(self) -> str:
        return str(self.organisation) if self.organisation else self.organisation_name

    def is_current_on(self, day: dt.date) -> bool:
        started = self.starts_on is None or self.starts_on <= day
        return started and (self.ends_on is None or self.ends_on >= day)


class InterestReview(models.Model):
    """A person confirmed their register of interests is complete and up to date."""

    REVIEW_EVERY_DAYS = 365

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interest_reviews"
    )
    reviewed_at = models.DateTimeField(default=clock.now)
    interest_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self):
        return f"{self.user} reviewed their interests on {self.reviewed_at:%d %b %Y}"


class CalendarFeed(models.Model):
    """The secret that makes a person's calendar feed URLs. Anyone with the URL can read the
    feed, so it can be reset."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self):
        return f"Calendar feed of {self.user}"

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)
