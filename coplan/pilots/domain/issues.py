"""The pilot's issue log."""

from django.db import transaction

from coplan.core import audit
from coplan.core.errors import DomainError

from ..models import Pilot, PilotIssue

FIELDS = (
    "title",
    "description",
    "severity",
    "owner",
    "service",
    "provider",
    "raised_on",
    "resolution",
    "resolved_on",
)


def _check(issue: PilotIssue) -> None:
    if issue.resolved_on and not issue.resolution.strip():
        raise DomainError(
            "Say how the issue was resolved.", code="resolution_required", field="resolution"
        )
    if issue.resolved_on and issue.resolved_on < issue.raised_on:
        raise DomainError(
            "An issue cannot be resolved before it was raised.",
            code="resolved_before_raised",
            field="resolved_on",
        )
    partnership = issue.pilot.partnership
    if issue.owner_id and not partnership.memberships.filter(user_id=issue.owner_id).exists():
        raise DomainError(
            "The owner must be a member of the partnership.", code="invalid_owner", field="owner"
        )


def log_issue(*, pilot: Pilot, actor, **fields) -> PilotIssue:
    with transaction.atomic():
        issue = PilotIssue(pilot=pilot, raised_by=actor)
        for name, value in fields.items():
            if name in FIELDS:
                setattr(issue, name, value)
        _check(issue)
        issue.full_clean()
        issue.save()
        audit.log(
            actor=actor,
            action="pilots.issue.logged",
            obj=issue,
            partnership=pilot.partnership,
            data={"title": issue.title, "severity": issue.severity},
        )
    return issue


def update_issue(*, issue: PilotIssue, actor, **fields) -> dict:
    with transaction.atomic():
        before = {
            f: str(getattr(issue, f + "_id" if f in ("owner", "service", "provider") else f))
            for f in FIELDS
        }
        was_open = issue.resolved_on is None
        for name, value in fields.items():
            if name in FIELDS:
                setattr(issue, name, value)
        _check(issue)
        issue.full_clean()
        issue.save()
        after = {
            f: str(getattr(issue, f + "_id" if f in ("owner", "service", "provider") else f))
            for f in FIELDS
        }
        changed = {f: [before[f], after[f]] for f in FIELDS if before[f] != after[f]}
        action = (
            "pilots.issue.resolved" if was_open and issue.resolved_on else "pilots.issue.updated"
        )
        audit.log(
            actor=actor,
            action=action,
            obj=issue,
            partnership=issue.pilot.partnership,
            data={"changed": changed},
        )
    return changed
