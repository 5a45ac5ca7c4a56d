"""The data protection register (UK GDPR Article 30) and the rights it serves.

Each app declares, in its own ``privacy.py``, the personal data it holds as ``Category``
entries of ``coplan.core.privacy``: what, whose, why (purpose and lawful basis), how long
(retention), and three functions — ``export(person)`` for subject access, ``erase(person)``
for erasure and ``retain(today, dry_run)`` for the retention rule. This module gathers them
(the register page, the privacy notice), and runs subject access, erasure and retention
across every app.

Erasure anonymises, it does not delete: the person's ``User`` row is kept (official records such
as minutes, signatures and the audit log point at it) but scrubbed — name, email and password
gone, deactivated, tokens revoked — and each app removes the name from what the person
contributed (ideas and feedback keep their text). It cannot be undone.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from coplan.core import audit, clock, sensitivity
from coplan.core.errors import DomainError
from coplan.core.models import ApiToken, AuditEvent
from coplan.core.privacy import (
    ERASED_NAME,
    Category,
    categories,
    months_ago,
    register,
    retention_months,
)

# Subject access.


def describe_person(person) -> dict:
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "email": person.email,
        "active": person.is_active,
        "staff": person.is_staff,
        "joined": person.date_joined,
        "organisations": [
            {"organisation": a.organisation.name, "job_title": a.job_title}
            for a in person.affiliation_set.select_related("organisation")
        ]
        if hasattr(person, "affiliation_set")
        else [],
        "api_tokens": [
            {
                "name": t.name,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "revoked_at": t.revoked_at,
                "read_only": t.read_only,
            }
            for t in person.api_tokens.all()
        ],
    }


def export_person(person) -> dict:
    """Everything Coplan holds about ``person``, by register category."""
    sections = []
    for category in categories():
        if category.export is None:
            continue
        records = category.export(person)
        sections.append(
            {
                "category": category.key,
                "title": category.title,
                "purpose": category.purpose,
                "lawful_basis": category.lawful_basis,
                "retention": category.retention,
                "records": records,
            }
        )
    return {
        "generated_at": clock.now(),
        "person": describe_person(person),
        "categories": sections,
    }


# Erasure.


def erase_person(*, person, actor) -> dict:
    """Anonymise ``person`` everywhere, in one transaction, audited. Irreversible."""
    if person.pk == getattr(actor, "pk", None):
        raise DomainError("You cannot erase yourself; ask another member of staff.", code="self")
    if person.is_superuser:
        raise DomainError("A superuser cannot be erased.", code="superuser")
    with transaction.atomic():
        locked = type(person).objects.select_for_update().get(pk=person.pk)
        if locked.email.endswith("@erased.invalid"):
            raise DomainError("This person was already erased.", code="already_erased")
        counts = {}
        for category in categories():
            if category.erase is not None:
                counts[category.key] = category.erase(locked)
        ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(revoked_at=clock.now())
        if hasattr(locked, "affiliation_set"):
            locked.affiliation_set.update(job_title="")
        redacted = audit.redact(
            terms=[locked.full_name, locked.email],
            replacement=ERASED_NAME,
            actor=actor,
            reason=f"erasure of person #{locked.pk}",
        )
        counts["core.audit"] = len(redacted)
        locked.full_name = ERASED_NAME
        locked.email = f"erased-{locked.pk}@erased.invalid"
        locked.is_active = False
        locked.set_unusable_password()
        locked.save()
        audit.log(
            actor=actor,
            action="ops.person.erased",
            obj=locked,
            data={"anonymised": counts},
        )
    person.refresh_from_db()
    return counts


# Retention.


@dataclass
class RetentionRun:
    today: dt.date
    dry_run: bool
    results: list[tuple[Category, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _c, n in self.results)


def apply_retention(*, today: dt.date | None = None, dry_run: bool = False, actor=None):
    """Apply every category's retention rule; safe to rerun (a second run finds nothing)."""
    today = today or clock.today()
    run = RetentionRun(today=today, dry_run=dry_run)
    with transaction.atomic():
        for category in categories():
            if category.retain is not None:
                run.results.append((category, category.retain(today, dry_run)))
        if not dry_run and run.total:
            audit.log(
                actor=actor,
                action="ops.retention.applied",
                data={"today": today, "applied": {c.key: n for c, n in run.results if n}},
            )
        if dry_run:
            transaction.set_rollback(True)
    return run


# The kernel's own categories: accounts and the audit log.


def _export_account(person):
    return [describe_person(person)]


def _export_audit(person):
    """The person's own actions, less those still sealed (coplan.core.sensitivity): who bid for
    a tender is told to no one, a staff member answering a subject-access request included,
    until its bids are opened."""
    reached = sensitivity.reached(None)
    events = AuditEvent.objects.filter(actor=person).order_by("created_at", "id")
    return [
        {"at": e.created_at, "action": e.action, "about": e.object_repr}
        for e in events
        if not _sealed(e, reached)
    ]


def _sealed(event, reached) -> bool:
    until = sensitivity.of(event.action).sealed_until
    if until is None:
        return False
    tender = event.data.get("tender") if isinstance(event.data, dict) else None
    return tender not in reached[until]


def _retain_tokens(today, dry_run):
    """Revoked or expired API tokens are deleted 12 months later."""
    cutoff = months_ago(today, retention_months("api_tokens", 12))
    old = ApiToken.objects.filter(Q(revoked_at__date__lt=cutoff) | Q(expires_at__date__lt=cutoff))
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted


register(
    Category(
        key="core.accounts",
        title="Accounts",
        holds="Name, email address, organisations and job titles, password hash, API tokens.",
        about="Everyone with a Coplan account.",
        purpose="To let people sign in and to show who they are to their partners.",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)).",
        retention="While the account is in use; revoked or expired API tokens are deleted after "
        "12 months; on erasure the name and email are removed and the account closed.",
        export=_export_account,
        retain=_retain_tokens,
        notice="If you have an account, we keep your name, email address and organisation so "
        "you can sign in and your partners know who you are.",
    )
)
register(
    Category(
        key="core.audit",
        title="Audit trail",
        holds="Which account did what, and when.",
        about="Everyone with a Coplan account.",
        purpose="Accountability for public money and procurement decisions (Freedom of "
        "Information, audit).",
        lawful_basis="Legal obligation and public task (UK GDPR Art. 6(1)(c), (e)).",
        retention="Kept (it is tamper-evident and cannot be edited); on erasure the person's "
        "name and email are replaced by 'Erased person' in every entry, and the entries point "
        "to 'Erased person'. The redaction itself is recorded, and the chain still verifies.",
        export=_export_audit,
    )
)
