"""Personal tokens can be read-only, can expire, can be revoked, and are rate limited."""

import datetime as dt

import time_machine
from django.utils import timezone

from coplan.core.domain import issue_api_token, revoke_api_token

from .helpers import FORBIDDEN, UNAUTHORISED, Api, assert_problem


def test_a_read_only_token_reads_but_cannot_write(partnership, personas):
    _token, raw = issue_api_token(user=personas["commissioner"], name="dashboard", read_only=True)
    api = Api(raw)

    assert api.get(f"/partnerships/{partnership.pk}").status_code == 200
    response = api.patch(f"/partnerships/{partnership.pk}", {"title": "Renamed"})

    body = assert_problem(response, 403, FORBIDDEN)
    assert body["detail"] == (
        "This token (“dashboard”) is read-only: it cannot PATCH. "
        "Create a read-write token on your profile page."
    )
    partnership.refresh_from_db()
    assert partnership.title != "Renamed"


def test_a_read_only_token_may_use_the_stateless_calculators(personas):
    _token, raw = issue_api_token(user=personas["commissioner"], name="dashboard", read_only=True)
    api = Api(raw)

    response = api.post(
        "/benefits/sroi",
        {
            "investment": "1000",
            "discount_rate": "0",
            "outcomes": [
                {
                    "name": "Befriending",
                    "quantity": "10",
                    "proxy": "200",
                    "deadweight": "0",
                    "displacement": "0",
                    "attribution": "0",
                    "drop_off": "0",
                    "duration_years": 1,
                }
            ],
        },
    )

    assert response.status_code == 200
    assert response.json()["ratio"] == "2.00"


def test_an_expired_token_is_refused(partnership, personas):
    _token, raw = issue_api_token(
        user=personas["commissioner"],
        name="old",
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )

    assert_problem(Api(raw).get("/partnerships"), 401, UNAUTHORISED)


def test_a_token_works_until_it_expires(partnership, personas):
    _token, raw = issue_api_token(
        user=personas["commissioner"],
        name="week",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )

    assert Api(raw).get("/partnerships").status_code == 200


def test_a_revoked_token_is_refused(partnership, personas):
    token, raw = issue_api_token(user=personas["commissioner"], name="script")
    revoke_api_token(token=token, actor=personas["commissioner"])

    assert_problem(Api(raw).get("/partnerships"), 401, UNAUTHORISED)


def test_a_deactivated_owner_s_token_is_refused(partnership, personas):
    _token, raw = issue_api_token(user=personas["commissioner"], name="script")
    personas["commissioner"].is_active = False
    personas["commissioner"].save()

    assert_problem(Api(raw).get("/partnerships"), 401, UNAUTHORISED)


def test_each_token_is_rate_limited_per_minute(partnership, personas, settings):
    settings.COPLAN_API_RATE_LIMIT = 3
    _a, raw_a = issue_api_token(user=personas["commissioner"], name="a")
    _b, raw_b = issue_api_token(user=personas["commissioner"], name="b")
    api = Api(raw_a)
    # The clock stands still 15 seconds before a minute turns, so every request falls in the
    # same one-minute window however slow the test runs.
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 15, 45, tzinfo=dt.UTC), tick=False) as t:
        statuses = [api.get("/partnerships").status_code for _ in range(3)]
        limited = api.get("/partnerships")

        assert statuses == [200, 200, 200]
        body = assert_problem(limited, 429, "Too many requests")
        assert body["status"] == 429
        assert limited["Retry-After"] == "15"  # until the minute turns
        assert_problem(api.get("/partnerships"), 429, "Too many requests")  # still limited
        assert Api(raw_b).get("/partnerships").status_code == 200  # each token has its own count

        t.move_to(dt.datetime(2026, 3, 2, 10, 16, 0, tzinfo=dt.UTC), tick=False)
        assert api.get("/partnerships").status_code == 200  # a new minute, a new window
