"""The demo, built once per test process and shared by every test that asks for it.

Loading both demo partnerships takes tens of seconds, so a test that needs them asks for the
``demo_db`` fixture (or ``demo_stories``) instead of calling ``load_demo()``. The first such
test loads the demo inside an outer transaction that stays open; every test then runs in its own
savepoint inside it (pytest-django's ``db``), so whatever a test changes is rolled back and the
next test finds the demo exactly as loaded. Tests that ask for the demo are run one after another
(``order_demo_tests_first``), and the outer transaction is rolled back before the first test
that did not ask for it, so no other test ever sees the demo's rows.

The demo's files (sealed bids, uploads) are written to a media folder of their own, which every
demo test uses as ``MEDIA_ROOT``.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

FIXTURE = "demo_db"


class SharedDemo:
    """The outer transaction holding the loaded demo, while it is open."""

    def __init__(self):
        self.atomic = None
        self.media = None
        self.loaded = None  # what load_demo() answered: (logins, created)

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def open(self, blocker, media) -> None:
        from django.test import override_settings

        from coplan.demo.loader import load_demo

        if connection.in_atomic_block:
            raise RuntimeError(
                "The shared demo must be loaded before the test's own transaction opens: "
                "a test using demo_db may not be marked django_db or ask for transactional_db."
            )
        with blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic._from_testcase = True  # as Django's TestCase: durable blocks may nest
            self.atomic.__enter__()
            try:
                with override_settings(MEDIA_ROOT=media):
                    self.loaded = load_demo()
            except BaseException:
                self.close(blocker)
                raise
        self.media = media

    def close(self, blocker) -> None:
        if self.atomic is None:
            return
        with blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = None


SHARED = SharedDemo()


def asks_for_demo(item) -> bool:
    return FIXTURE in getattr(item, "fixturenames", ())


def order_demo_tests_first(items: list) -> None:
    """Run the tests that share the demo one after another, before the other database tests
    (pytest-django has already put database tests first; this sort is stable)."""
    items.sort(key=lambda item: not asks_for_demo(item))


def stories() -> dict:
    """The two demo partnerships as ``DemoStory`` objects, keyed as the apps' demos key them."""
    from coplan.demo import story as cast
    from coplan.demo.context import DemoStory
    from coplan.partnerships.models import Partnership

    today = timezone.localdate()
    return {
        key: DemoStory(key=key, partnership=Partnership.objects.get(title=spec.title), today=today)
        for key, spec in (
            ("north_lanarkshire", cast.NORTH_LANARKSHIRE),
            ("renfrewshire", cast.RENFREWSHIRE),
        )
    }


def fail_if_transactional(request) -> None:
    if "transactional_db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        pytest.fail(
            "demo_db shares one loaded demo through savepoints: ask for demo_db alone "
            "(it brings db), without a django_db mark or transactional_db.",
            pytrace=False,
        )
