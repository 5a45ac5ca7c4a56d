"""API authentication: a personal token (``Authorization: Bearer cpl_…``) or the session.

A token is refused (401) once revoked or expired. A read-only token may only read: any other
method is a 403 problem, except the stateless calculators that answer a POST without storing
anything (``CALCULATORS``). Each token may make ``COPLAN_API_RATE_LIMIT`` requests a minute
(counted in the database by ``ApiToken.objects.authenticate``, so every app process shares
the count); more are a 429 problem with ``Retry-After``.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from coplan.core import clock
from coplan.core.models import ApiToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# POST only because their input is a JSON document; they change nothing.
CALCULATORS = {
    "/api/v1/planning/timeline-check",
    "/api/v1/scoring/simulate",
    "/api/v1/benefits/sroi",
}


class RateLimited(HttpError):
    def __init__(self, retry_after: int):
        super().__init__(429, "Too many requests")
        self.retry_after = retry_after


class PersonalToken(HttpBearer):
    """``Authorization: Bearer cpl_…`` — a personal API token from the profile page."""

    def authenticate(self, request, token):
        found = ApiToken.objects.authenticate(token)
        if found is None:
            return None
        limit = getattr(settings, "COPLAN_API_RATE_LIMIT", 600)
        if limit and found.requests_this_minute > limit:
            retry_after = 60 - clock.now().second
            request.META["COPLAN_RETRY_AFTER"] = str(retry_after)
            raise RateLimited(retry_after)
        if (
            found.read_only
            and request.method not in SAFE_METHODS
            and request.path not in CALCULATORS
        ):
            raise PermissionDenied(
                f"This token (“{found.name}”) is read-only: it cannot {request.method}. "
                "Create a read-write token on your profile page."
            )
        request.user = found.user
        request.api_token = found
        return found.user


AUTH = [PersonalToken(), django_auth]
