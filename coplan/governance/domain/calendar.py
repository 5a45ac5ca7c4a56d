"""Secret calendar feed URLs."""

from django.db import IntegrityError, transaction

from coplan.core import audit

from ..models import CalendarFeed


def calendar_feed(user) -> CalendarFeed:
    """The person's feed, created the first time they ask for it."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, secret=CalendarFeed.new_secret())
    except IntegrityError:  # created meanwhile by another request
        return CalendarFeed.objects.get(user=user)


def reset_calendar_feed(*, user) -> CalendarFeed:
    """A new secret: the old feed URLs stop working (for a link shared by mistake)."""
    with transaction.atomic():
        feed = calendar_feed(user)
        feed.secret = CalendarFeed.new_secret()
        feed.save(update_fields=["secret"])
        audit.log(actor=user, action="governance.calendar_feed.reset", obj=feed)
    return feed


def find_feed(secret: str) -> CalendarFeed | None:
    if not secret or len(secret) > 64:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(secret=secret, user__is_active=True)
        .first()
    )
