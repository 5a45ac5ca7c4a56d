"""The admin site: diagnostics and site administration only (statutory rules, organisations,
accounts; the clause library in ``coplan.tendering.admin``).

It never shows a secret or anything confidential to a partnership: no one-time-password
devices (their secret keys), no bid, bid document, score or evaluation (no bidding model is
registered; ``tests/security/test_superuser.py`` checks the registry), and of the audit trail
only the site-wide events, outside every partnership.
"""

from django.apps import apps
from django.contrib import admin

from .models import AuditEvent, Organisation, StatutoryRule, User

# django_otp's plugins (otp_totp here; otp_static, otp_hotp, otp_email if ever installed)
# register their device models, whose pages show each officer's secret key (and a QR code of
# it, on the TOTP "config" page): anyone who reads it can sign in as the officer. Their apps
# come before ours in INSTALLED_APPS, so their admin modules have run by now.
for model in apps.get_models():
    if model._meta.app_label.startswith("otp_") and admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]
    # Who holds which power is the superuser's to decide: a site administrator manages
    # accounts but cannot make anyone (themselves included) staff, a superuser or a member of
    # a group, nor change a superuser's account (its email address is its password reset).
    ELEVATED = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += self.ELEVATED
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "is_sme", "is_third_sector"]
    search_fields = ["name"]


@admin.register(StatutoryRule)
class StatutoryRuleAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "effective_from"]


# Events in a partnership carry its confidential data (evaluation scores and rationales,
# conflicts of interest, who bid), and every ``bidding.`` event is about sealed or opened bids:
# members read them on the partnership's activity page, by their role. The admin shows the
# site-wide rest.
CONFIDENTIAL_ACTIONS = "bidding."


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_repr"]
    list_filter = ["action"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(partnership__isnull=True)
            .exclude(action__startswith=CONFIDENTIAL_ACTIONS)
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
