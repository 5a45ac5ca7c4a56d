"""Guards and helpers shared by the governance business actions."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from coplan.core import clock
from coplan.core.errors import DomainError

from ..models import Meeting


def site(base_url: str | None) -> str:
    return (base_url or settings.SITE_URL).rstrip("/")


def london_day(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y}"


def london_when(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"


def lock_meeting(meeting) -> Meeting:
    """Reload the meeting with a row lock, so concurrent changes to its record serialise."""
    return (
        Meeting.objects.select_for_update().select_related("body", "partnership").get(pk=meeting.pk)
    )


def ensure_not_cancelled(meeting) -> None:
    if meeting.cancelled_at is not None:
        raise DomainError("This meeting was cancelled.", code="meeting_cancelled")


def ensure_not_locked(meeting) -> None:
    if meeting.is_locked:
        raise DomainError(
            "The minutes of this meeting are approved and locked: its record cannot change.",
            code="minutes_locked",
        )


def ensure_held(meeting, what: str) -> None:
    if meeting.starts_at > clock.now():
        raise DomainError(
            f"The meeting has not started yet: record {what} once it has.",
            code="meeting_not_started",
        )


def ensure_member_of(partnership, user, field: str) -> None:
    if user is None or not partnership.memberships.filter(user=user).exists():
        raise DomainError(
            f"{user} is not a member of this partnership.", code="not_a_member", field=field
        )
