"""Service user feedback during the pilot: quick ratings and comments, anonymous allowed, and
the "you said, we did" responses."""

import datetime as dt

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError

from .. import rollups
from ..models import Feedback, Pilot


def check_feedback_date(pilot: Pilot, received_on: dt.date) -> None:
    """Feedback is collected during the pilot: from its start to its last day (the end after
    any approved extension, or the day it stopped early)."""
    first, last = pilot.starts_on, pilot.last_day
    if not first <= received_on <= last:
        when = "has not started yet" if received_on < first else "has ended"
        raise DomainError(
            f"Feedback is collected during the pilot ({first.day} {first:%B %Y} to "
            f"{last.day} {last:%B %Y}); on {received_on.day} {received_on:%B %Y} the pilot "
            f"{when}. Enter a date within the pilot.",
            code="outside_pilot",
            field="received_on",
            data={"starts_on": first, "last_day": last},
        )


def submit_feedback(
    *,
    pilot: Pilot,
    actor,
    rating: int,
    comment: str = "",
    anonymous: bool = False,
    service=None,
    provider=None,
    channel: str = "online",
    received_on: dt.date | None = None,
) -> Feedback:
    """Anonymous feedback keeps no author, not even in the audit trail."""
    received_on = received_on or clock.today()
    if not 1 <= int(rating) <= 5:
        raise DomainError("Choose a rating from 1 to 5.", code="invalid_rating", field="rating")
    if received_on > clock.today():
        raise DomainError(
            "The date cannot be in the future.", code="future_date", field="received_on"
        )
    check_feedback_date(pilot, received_on)
    if service is not None and service.pilot_id != pilot.pk:
        raise DomainError("Choose one of the pilot's services.", code="invalid", field="service")
    if provider is not None and not pilot.providers.filter(organisation=provider).exists():
        raise DomainError("Choose one of the pilot's providers.", code="invalid", field="provider")
    with transaction.atomic():
        feedback = Feedback.objects.create(
            pilot=pilot,
            rating=int(rating),
            comment=comment.strip(),
            anonymous=anonymous,
            submitted_by=None if anonymous else actor,
            service=service,
            provider=provider,
            channel=channel,
            received_on=received_on,
            month=received_on.replace(day=1),
        )
        rollups.touch(pilot.pk)
        audit.log(
            actor=None if anonymous else actor,
            action="pilots.feedback.submitted",
            obj=feedback,
            partnership=pilot.partnership,
            data={"rating": feedback.rating, "anonymous": anonymous, "channel": channel},
        )
    return feedback


def respond_to_feedback(*, feedback: Feedback, actor, response: str) -> Feedback:
    """ "You said, we did": what the partnership did about a comment."""
    if not response.strip():
        raise DomainError("Say what was done.", code="response_required", field="response")
    with transaction.atomic():
        feedback.response = response.strip()
        feedback.responded_by = actor
        feedback.responded_at = clock.now()
        feedback.save(update_fields=["response", "responded_by", "responded_at"])
        audit.log(
            actor=actor,
            action="pilots.feedback.responded",
            obj=feedback,
            partnership=feedback.pilot.partnership,
            data={"response": feedback.response[:300]},
        )
    return feedback
