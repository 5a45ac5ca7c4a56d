"""A private cache for hot, read-mostly signed-in pages (such as the pilot dashboard).

The normal view does all the work the first time: it signs the person in, checks their role and
permissions, and renders the page. The rendered page is kept (in this process's cache) together
with a **fingerprint** of everything that decided who may see it and what it shows:

* the session row (its signed data, which holds the user id and the password-derived session
  hash, and that it has not expired) and the CSRF cookie;
* the person's user row (password hash, active, staff and superuser flags, name);
* their roles in the partnership, and the partnership's own row;
* whatever the page names besides (for the dashboard: the pilot's data version);
* the path, the query string and the date.

The next request by the same session reads those few rows with raw SQL and, only if every one
is unchanged, serves the kept page with a fresh CSP nonce. Anything else — a changed role, a
logout (the session row is gone), a new password, a flash message waiting, a POST, an htmx
request — falls through to the normal view, which answers as always (404 for outsiders, 403, a
redirect to sign in). So a hit is never more permissive than the view it stands for. Links that
depend on other apps' state (such as a tender being published) may lag by at most
``SECONDS``.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import patch_vary_headers

from coplan.core import clock
from coplan.core.models import User

from .models import Membership, Partnership

SECONDS = 60
_DB_SESSIONS = "django.contrib.sessions.backends.db"


def _tables():
    return User._meta.db_table, Membership._meta.db_table, Partnership._meta.db_table


def _read(cursor, session_key, user_id, partnership_id, extra) -> list:
    """In one query: the session row (if not expired), the person, their roles here (one row
    each, or one row with none), the partnership and the page's own ``extra`` columns."""
    users, memberships, partnerships = _tables()
    columns = "".join(f", {sql}" for sql in extra)
    cursor.execute(
        "SELECT s.session_data, u.password, u.is_active, u.is_staff, u.is_superuser, "
        f"u.full_name, u.email, m.role, m.organisation_id, p.*{columns} "
        f"FROM django_session s CROSS JOIN {users} u CROSS JOIN {partnerships} p "
        f"LEFT JOIN {memberships} m ON m.partnership_id = p.id AND m.user_id = u.id "
        "WHERE s.session_key = %s AND s.expire_date > %s AND u.id = %s AND p.id = %s "
        "ORDER BY m.role",
        [session_key, clock.now(), user_id, partnership_id],
    )
    return cursor.fetchall()


def _user_of(cursor, session_key) -> tuple[int, str] | None:
    cursor.execute(
        "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s",
        [session_key, clock.now()],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    try:
        return int(SessionStore().decode(row[0])[SESSION_KEY]), row[0]
    except (KeyError, TypeError, ValueError):
        return None


def fingerprint(request, partnership_id, extra=(), known=None) -> tuple[str, int, str] | None:
    """(fingerprint, user id, session data) of the request's session for ``partnership_id``,
    or None when the request cannot be served from the cache at all.

    ``extra`` are SQL expressions (scalar subqueries on the partnership ``p``) for what else the
    page shows. ``known`` is the cached entry: while its session data is unchanged, its user id
    stands and everything is read in one query."""
    cookies = request.COOKIES
    session_key = cookies.get(settings.SESSION_COOKIE_NAME)
    if (
        request.method != "GET"
        or not session_key
        or not cookies.get(settings.CSRF_COOKIE_NAME)
        or "messages" in cookies
        or request.headers.get("HX-Request")
        or settings.SESSION_ENGINE != _DB_SESSIONS
    ):
        return None
    try:
        partnership_id = int(partnership_id)
    except (TypeError, ValueError):
        return None
    with connection.cursor() as cursor:
        rows = []
        if known is not None:
            user_id = known["user_id"]
            rows = _read(cursor, session_key, user_id, partnership_id, extra)
        if not rows or rows[0][0] != known["session_data"]:
            found = _user_of(cursor, session_key)
            if found is None:
                return None
            user_id, _data = found
            rows = _read(cursor, session_key, user_id, partnership_id, extra)
            if not rows:
                return None
    session_data = rows[0][0]
    parts = [session_key, cookies.get(settings.CSRF_COOKIE_NAME), rows]
    parts += [request.path, request.META.get("QUERY_STRING", ""), clock.today()]
    return hashlib.sha256(repr(parts).encode()).hexdigest(), user_id, session_data


def _key(request) -> str:
    raw = f"{request.COOKIES.get(settings.SESSION_COOKIE_NAME)}|{request.get_full_path()}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not any(name != settings.CSRF_COOKIE_NAME for name in response.cookies)
        and not (session is not None and session.modified)
    )


def _cache():
    return caches["pages"]


def cached_page(*, partnership_kwarg: str = "pk", extra=()):
    """Serve a signed-in partnership page from the cache while its fingerprint holds.

    ``extra`` are SQL expressions for what else the page depends on: scalar subqueries on the
    partnership row ``p``, such as the pilot's data version.
    Put it outside ``login_required``: a miss runs the view with every check it has.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            key = _key(request)
            entry = _cache().get(key)
            found = fingerprint(request, kwargs.get(partnership_kwarg), extra, known=entry)
            if found is not None and entry is not None and entry["fingerprint"] == found[0]:
                return _serve(request, entry, user_id=found[1])
            response = view(request, *args, **kwargs)
            if found is not None and _cacheable(request, response):
                lazy = get_nonce(request)
                _cache().set(
                    key,
                    {
                        "fingerprint": found[0],
                        "user_id": found[1],
                        "session_data": found[2],
                        "nonce": str(lazy) if lazy else "",
                        "content": response.content,
                        "content_type": response["Content-Type"],
                    },
                    SECONDS,
                )
            return response

        return wrapper

    return decorate


def _serve(request, entry, *, user_id: int) -> HttpResponse:
    request.coplan_user_id = user_id  # for the request log, without loading the user
    content = entry["content"]
    if entry["nonce"]:
        content = content.replace(entry["nonce"].encode(), str(get_nonce(request)).encode())
    response = HttpResponse(content, content_type=entry["content_type"])
    patch_vary_headers(response, ("Cookie",))
    return response
