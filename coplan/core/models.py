"""The shared kernel: people, organisations, the audit trail, statutory rules and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
    _auser_has_perm,
    _user_has_perm,
)
from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import clock
from .fields import ChangedAtField

# The Django group of the people who run the site: statutory rules, the clause library,
# organisations and accounts, in the site's pages and in /admin/ (created by the data migrations
# core 0011 and tendering 0004). Being in it gives nothing inside any partnership.
SITE_ADMINISTRATORS = "Site administrators"


class UserManager(BaseUserManager):
    """Email addresses are case-insensitive, as invitations are: stored in lower case, and
    ``Alice@Example.org`` signs in the account ``alice@example.org``."""

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        return (email or "").strip().lower()

    def get_by_natural_key(self, email):
        """The account for ``email`` whatever its case (every sign-in looks people up here)."""
        try:
            return self.get(email__iexact=email)
        except self.model.MultipleObjectsReturned:
            # two old accounts differing only in case: only the exact address signs in
            return self.get(email=email)

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("Every user needs an email address.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False,
        help_text="Staff may sign in to the admin site; what they may do there comes from their "
        "groups (Site administrators).",
    )
    is_superuser = models.BooleanField(
        "superuser status",
        default=False,
        help_text="Superusers hold every site-wide permission but nothing inside a partnership: "
        "they see a partnership, its bids and its evaluation only as a member with a role.",
    )
    date_joined = models.DateTimeField(default=clock.now)
    organisations = models.ManyToManyField(
        "core.Organisation", blank=True, related_name="people", through="core.Affiliation"
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # No superpowers inside partnerships. Django's PermissionsMixin answers True to every check
    # of an active superuser before asking a backend; an object-level check (a partnership, a
    # tender, a bid...) goes to the backends (the ``rules`` predicates) only, so a superuser
    # who is not a member gets the outsider's 404 like anyone else. Model-level checks (no
    # object: the admin, site-wide pages) keep Django's behaviour.

    def has_perm(self, perm, obj=None):
        if obj is None:
            return super().has_perm(perm)
        return self.is_active and _user_has_perm(self, perm, obj)

    async def ahas_perm(self, perm, obj=None):
        if obj is None:
            return await super().ahas_perm(perm)
        return self.is_active and await _auser_has_perm(self, perm, obj)


class OrganisationType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    COUNCIL_DEPARTMENT = "council_department", "Council department"
    NHS_HSCP = "nhs_hscp", "NHS / health and social care partnership"
    INTERMEDIARY = "intermediary", "Intermediary (CVS, TSI or network)"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    CHARITY = "charity", "Charity"
    PRIVATE_COMPANY = "private_company", "Private company"
    SUPPORTED_BUSINESS = "supported_business", "Supported business"

    @classmethod
    def public_sector(cls):
        return {cls.LOCAL_AUTHORITY, cls.COUNCIL_DEPARTMENT, cls.NHS_HSCP}

    @classmethod
    def third_sector(cls):
        return {cls.INTERMEDIARY, cls.SOCIAL_ENTERPRISE, cls.CHARITY, cls.SUPPORTED_BUSINESS}


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=32, choices=OrganisationType.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
        help_text="For a council department: the council it belongs to.",
    )
    is_sme = models.BooleanField("SME", default=False)
    is_third_sector = models.BooleanField("third sector", default=False)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Affiliation(models.Model):
    """A person belongs to one or more organisations."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    job_title = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_affiliation")
        ]

    def __str__(self):
        return f"{self.user} at {self.organisation}"


class AuditChainBroken(RuntimeError):
    """Raised when code tries to change or remove a recorded audit event."""


class AuditEventQuerySet(models.QuerySet):
    """The audit log is append-only: ``update()`` and ``delete()`` are refused, always.

    The demo writes its story at the story's dates (``coplan.core.clock``), so nothing needs to
    move an event afterwards; the one change ever made to a recorded event is an erasure's
    redaction of its free text (``coplan.core.audit.redact``), which keeps every sealed field.
    """

    def update(self, **kwargs):
        raise AuditChainBroken("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise AuditChainBroken("Audit events are append-only: they cannot be deleted.")


class AuditEvent(models.Model):
    """One state change: who, what (dotted action code), on which object, with what data.

    Written by :func:`coplan.core.audit.log` inside the same transaction as the change. Each
    event carries the SHA-256 ``hash`` of its own canonical content and of the hash of the
    previous event in its chain (``prev_hash``; one chain per partnership, one for events with
    no partnership), so editing or deleting any entry breaks the chain
    (``coplan verify-audit``). Events are never updated or deleted.
    """

    created_at = models.DateTimeField(default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(max_length=100, db_index=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    # SHA-256 of object_repr and data: the chain covers this digest, not the text itself, so
    # an erasure can remove a person's name from the text and the chain still verifies every
    # other field (empty on events written before it existed).
    detail_digest = models.CharField(max_length=64, blank=True, editable=False)
    # Set only by coplan.core.audit.redact (erasure, UK GDPR Art. 17), which records the ids.
    redacted = models.BooleanField(default=False, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partnership", "-created_at"])]

    def __str__(self):
        return f"{self.action} by {self.actor or 'system'} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AuditChainBroken("Audit events are append-only: they cannot be updated.")
        if not self.hash:
            raise AuditChainBroken("Write audit events with coplan.core.audit.log().")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditChainBroken("Audit events are append-only: they cannot be deleted.")


class AuditChainHead(models.Model):
    """The newest link of one audit chain. There is one chain per partnership
    (``"partnership:<id>"``, its events) and one for site-wide events (``"site"``, events with
    no partnership). Appending locks only that chain's head row, so two transactions cannot
    fork a chain while writes in two partnerships never wait on each other; and it lets
    ``verify-audit`` notice entries removed from the end of a chain."""

    chain = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    count = models.BigIntegerField(default=0)

    def __str__(self):
        return f"audit chain {self.chain} head: {self.count} events, last #{self.last_id}"


class StatutoryRuleKey(models.TextChoices):
    REGULATED_GOODS_SERVICES = (
        "regulated_goods_services",
        "Regulated procurement: goods and services",
    )
    REGULATED_WORKS = "regulated_works", "Regulated procurement: works"
    CB_DUTY = "cb_duty_threshold", "Community benefit duty (s.25)"
    LIGHT_TOUCH = "light_touch", "Light-touch regime: social and other specific services"
    PROCUREMENT_STRATEGY = "procurement_strategy_spend", "Procurement strategy and annual report"
    STANDSTILL_ELECTRONIC = (
        "standstill_days_electronic",
        "Standstill period: award letters sent electronically",
    )
    STANDSTILL_OTHER = "standstill_days_other", "Standstill period: award letters sent otherwise"


class RuleUnit(models.TextChoices):
    MONEY = "money", "Pounds"
    DAYS = "days", "Days"


# Keys whose value is a number of days rather than a sum of money.
DAY_RULE_KEYS = frozenset(
    {StatutoryRuleKey.STANDSTILL_ELECTRONIC, StatutoryRuleKey.STANDSTILL_OTHER}
)


class StatutoryRule(models.Model):
    """An effective-dated statutory threshold or period. The version in force on a date is the
    one with the latest ``effective_from`` on or before it. ``unit`` says whether ``value`` is a
    sum in pounds (the thresholds) or a number of days (the standstill periods); it follows the
    key (see ``clean``)."""

    key = models.CharField(max_length=40, choices=StatutoryRuleKey.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=5, choices=RuleUnit.choices, default=RuleUnit.MONEY)
    includes_vat = models.BooleanField(
        default=False, help_text="Thresholds in the 2014 Act exclude VAT (s.5)."
    )
    effective_from = models.DateField()
    rule = models.CharField(max_length=400, help_text="What the threshold triggers.")
    source = models.CharField(max_length=300)
    updated_at = ChangedAtField()

    class Meta:
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="unique_rule_version_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="rule_value_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_key_display()} from {self.effective_from:%d %b %Y}"

    def clean(self):
        # The unit is a property of the key: a standstill period is always days, a threshold
        # always pounds, whatever form or API call saved the version.
        self.unit = RuleUnit.DAYS if self.key in DAY_RULE_KEYS else RuleUnit.MONEY

    @property
    def is_days(self) -> bool:
        return self.unit == RuleUnit.DAYS


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Not revoked, not expired, and its owner still active."""
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=clock.now())
        )

    def authenticate(self, raw: str):
        """The active token with this raw value, or None. Records its use and counts it in the
        current one-minute window (``token.requests_this_minute``, for rate limiting) in the
        same single UPDATE, so every request costs the same two queries."""
        token = self.active().select_related("user").filter(token_hash=_hash_token(raw)).first()
        if token is not None:
            now = clock.now()
            window = now.replace(second=0, microsecond=0)
            same = token.window_started_at == window
            ApiToken.objects.filter(pk=token.pk).update(
                last_used_at=now,
                window_count=models.Case(
                    models.When(window_started_at=window, then=models.F("window_count") + 1),
                    default=models.Value(1),
                ),
                window_started_at=window,
            )
            token.requests_this_minute = token.window_count + 1 if same else 1
        return token


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the raw token is shown once."""

    PREFIX = "cpl_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="After this the token is refused. Empty: never expires."
    )
    read_only = models.BooleanField(
        default=False, help_text="A read-only token may only GET; writes are refused (403)."
    )
    # Rate limiting: requests counted in the current one-minute window (coplan.api.auth).
    window_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_raw_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)
