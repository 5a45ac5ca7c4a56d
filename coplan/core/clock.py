"""What time it is for the domain: the wall clock, or a moment of a story being told.

Domain functions, ``audit.log`` and every timestamp default read :func:`now` and :func:`today`
instead of ``django.utils.timezone``. Outside :func:`at` they are the wall clock. Inside it they
are the given moment: the demo runs each step of its story *at* the story's date, through the
same domain functions a request runs, so nothing is written "now" and moved back afterwards and
the audit log never has to be rewritten. Nothing a request sends can set it.

Operations (backups, sign-in throttling, the worker) keep the wall clock on purpose.
"""

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_moment: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "coplan_clock", default=None
)


def now() -> dt.datetime:
    """The current moment: the story's inside :func:`at`, otherwise the wall clock (aware)."""
    return _moment.get() or timezone.now()


def today() -> dt.date:
    """The current date in the site's time zone (Europe/London)."""
    return timezone.localdate(now())


@contextlib.contextmanager
def at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Run the block as if it were ``moment`` (an aware datetime). Blocks nest; the innermost
    wins, and the previous moment is back when the block ends, whatever happens inside it."""
    if timezone.is_naive(moment):
        raise ValueError(f"clock.at needs an aware datetime, got {moment!r}")
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)
