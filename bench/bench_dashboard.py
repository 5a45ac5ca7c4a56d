"""Partnership dashboard throughput, as a ratio of a minimal Django view on the same server."""

from bench import harness


def run(seconds: float) -> dict:
    with harness.database() as url:
        harness.setup_django(url)
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from coplan.demo.loader import load_demo
        from coplan.partnerships.models import Partnership

        load_demo()
        partnership = Partnership.objects.order_by("pk").first()
        user = partnership.memberships.get(role="commissioner").user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        with harness.server(url) as port:
            baseline = harness.load(
                port, "/bench/minimal", label="minimal Django view", seconds=seconds
            )
            subject = harness.load(
                port,
                f"/partnerships/{partnership.pk}/",
                label=f"dashboard: {partnership.title[:28]}",
                seconds=seconds,
                cookie=cookie,
            )
    ratio = harness.report(
        "Partnership dashboard vs minimal view (granian, same run)", subject, baseline
    )
    return {"dashboard_vs_minimal": ratio}
