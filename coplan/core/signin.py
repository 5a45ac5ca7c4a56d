"""Sign-in throttling on django-axes (until the move to django-allauth and its rate limits).

Failed sign-ins are counted three ways, each against its own limit (``COPLAN_SIGN_IN_LIMITS``
in settings): one account from one address (a person mistyping, or a guesser), one account
from any address (a brute force spread over many addresses) and one address across every
account (password spraying: one likely password tried on many accounts). Reaching any limit
refuses sign-in for that account or from that address, with the correct password too, until
enough of the failures are older than ``AXES_COOLOFF_TIME``; the page says how long that is.
Failures made while refused are not counted, so the wait it names holds.

Email addresses are counted in lower case, as they sign in (``UserManager.get_by_natural_key``),
so changing the case of an address does not start a new count.
"""

import datetime as dt
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def username(request, credentials=None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the email address tried, in lower case."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = credentials.get(field) if credentials else request.POST.get(field)
    return value.strip().lower() if isinstance(value, str) else value


def client_ip(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the address the request came from. Behind
    ``COPLAN_TRUSTED_PROXIES`` proxies (each appending the address it was called from to
    ``X-Forwarded-For``) it is the entry that many places from the right; anything further
    left was written by the client and is not believed."""
    proxies = settings.COPLAN_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _groups():
    return [(tuple(group), limit) for group, limit in settings.COPLAN_SIGN_IN_LIMITS]


class ThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with a limit for each way of counting.

    axes measures one number of failures (the largest of its ``AXES_LOCKOUT_PARAMETERS``
    groups) against one ``AXES_FAILURE_LIMIT``, so each group would share the lowest limit.
    Here each group is measured against its own limit, and the failures reported are those of
    the group nearest (or furthest past) its limit, moved onto ``AXES_FAILURE_LIMIT``: the
    request is refused exactly when some group has reached its own limit."""

    def get_failures(self, request, credentials=None) -> int:
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        margins = [n - limit for n, (_group, limit) in zip(counts, _groups(), strict=True)]
        return settings.AXES_FAILURE_LIMIT + max(margins)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in, forget the failures on that account only: signing in to
        one's own account must not clear the address's count of failures on other accounts."""
        count = 0
        groups = _groups()
        for attempts, (group, _limit) in zip(
            self.filter_user_attempts(request, credentials), groups, strict=True
        ):
            if "username" in group:
                count += attempts.delete()[0]
        return count

    def locked_until(self, request, credentials=None) -> dt.datetime:
        """When every count at or over its limit is back under it. A failure counts until
        ``AXES_COOLOFF_TIME`` after the last failure of its record (one record per account,
        address and browser), so the oldest records lapse first."""
        cool_off = get_cool_off(request)
        until = timezone.now()
        for attempts, (_group, limit) in zip(
            self.get_user_attempts(request, credentials), _groups(), strict=True
        ):
            records = list(
                attempts.order_by("attempt_time").values_list(
                    "attempt_time", "failures_since_start"
                )
            )
            total = sum(n for _time, n in records)
            for attempt_time, n in records:
                if total < limit:
                    break
                total -= n
                until = max(until, attempt_time + cool_off)
        return until


def wait_phrase(seconds: float) -> str:
    """``40 seconds``, ``15 minutes``, ``3 hours``: a wait rounded up, never to nothing."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 120:
        n, unit = seconds, "second"
    elif seconds < 120 * 60:
        n, unit = math.ceil(seconds / 60), "minute"
    else:
        n, unit = math.ceil(seconds / 3600), "hour"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def locked_out(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the page that says sign-in is paused, and for how long."""
    handler = AxesProxyHandler.get_implementation()
    seconds = (handler.locked_until(request, credentials) - timezone.now()).total_seconds()
    seconds = max(1, math.ceil(seconds))
    response = render(
        request,
        "core/locked_out.html",
        {"wait": wait_phrase(seconds)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response
