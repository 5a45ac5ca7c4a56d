"""Business actions of the shared kernel: API tokens, statutory rules, organisations."""

import datetime as dt

from django.db import transaction

from . import audit, clock
from .models import ApiToken, Organisation, StatutoryRule


def issue_api_token(
    *, user, name: str, read_only: bool = False, expires_at=None
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it and the raw value, which is never stored.

    ``read_only`` tokens may only read (GET); ``expires_at`` makes the token stop working then.
    """
    raw = ApiToken.new_raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            token_hash=ApiToken.hash(raw),
            hint=raw[:8],
            read_only=read_only,
            expires_at=expires_at,
        )
        audit.log(
            actor=user,
            action="core.api_token.created",
            obj=token,
            data={"name": name, "read_only": read_only, "expires_at": expires_at},
        )
    return token, raw


def revoke_api_token(*, token: ApiToken, actor) -> None:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.log(actor=actor, action="core.api_token.revoked", obj=token)


RULE_FIELDS = ("key", "value", "includes_vat", "effective_from", "rule", "source")


def save_statutory_rule(*, rule: StatutoryRule, actor) -> StatutoryRule:
    """Create or update one version of a statutory rule, recording old and new values."""
    with transaction.atomic():
        created = rule.pk is None
        before = {}
        if not created:
            old = StatutoryRule.objects.select_for_update().get(pk=rule.pk)
            before = {f: getattr(old, f) for f in RULE_FIELDS}
        rule.full_clean()
        rule.save()
        after = {f: getattr(rule, f) for f in RULE_FIELDS}
        changed = {
            f: [before[f], after[f]] for f in RULE_FIELDS if before and before[f] != after[f]
        }
        audit.log(
            actor=actor,
            action="core.statutory_rule.created" if created else "core.statutory_rule.updated",
            obj=rule,
            data=after if created else {"changed": changed},
        )
    return rule


def rule_in_force(key: str, on: dt.date | None = None) -> StatutoryRule | None:
    """The version of rule ``key`` in force on ``on`` (today by default), or None."""
    on = on or clock.today()
    return (
        StatutoryRule.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def rules_in_force(on: dt.date | None = None) -> list[StatutoryRule]:
    on = on or clock.today()
    found = []
    for key in StatutoryRule._meta.get_field("key").choices:
        rule = rule_in_force(key[0], on)
        if rule is not None:
            found.append(rule)
    return found


def create_organisation(*, actor, **fields) -> Organisation:
    with transaction.atomic():
        org = Organisation(**fields)
        org.full_clean()
        org.save()
        audit.log(
            actor=actor,
            action="core.organisation.created",
            obj=org,
            data={"name": org.name, "type": org.type},
        )
    return org
