"""The shared kernel: people, organisations, the audit trail, statutory rules and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("Every user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
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
        default=False, help_text="Staff can edit the statutory rules table and use the admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)
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
    created_at = models.DateTimeField(auto_now_add=True)

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


class AuditEvent(models.Model):
    """One state change: who, what (dotted action code), on which object, with what data.

    Written by :func:`coplan.core.audit.log` inside the same transaction as the change.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=100, db_index=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_events",
    )
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partnership", "-created_at"])]

    def __str__(self):
        return f"{self.action} by {self.actor or 'system'} at {self.created_at:%Y-%m-%d %H:%M}"


class StatutoryRuleKey(models.TextChoices):
    REGULATED_GOODS_SERVICES = (
        "regulated_goods_services",
        "Regulated procurement: goods and services",
    )
    REGULATED_WORKS = "regulated_works", "Regulated procurement: works"
    CB_DUTY = "cb_duty_threshold", "Community benefit duty (s.25)"
    LIGHT_TOUCH = "light_touch", "Light-touch regime: social and other specific services"
    PROCUREMENT_STRATEGY = "procurement_strategy_spend", "Procurement strategy and annual report"


class StatutoryRule(models.Model):
    """An effective-dated statutory threshold. The version in force on a date is the one with the
    latest ``effective_from`` on or before it."""

    key = models.CharField(max_length=40, choices=StatutoryRuleKey.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    includes_vat = models.BooleanField(
        default=False, help_text="Thresholds in the 2014 Act exclude VAT (s.5)."
    )
    effective_from = models.DateField()
    rule = models.CharField(max_length=400, help_text="What the threshold triggers.")
    source = models.CharField(max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

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


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def authenticate(self, raw: str):
        token = self.active().select_related("user").filter(token_hash=_hash_token(raw)).first()
        if token is not None:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
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
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

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
