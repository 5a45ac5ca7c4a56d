"""The profile page issues read-only and expiring tokens."""

import datetime as dt

from django.utils import timezone

from coplan.core.models import ApiToken


def test_a_read_only_token_that_expires(personas, as_user):
    client = as_user(personas["commissioner"])

    response = client.post(
        "/profile/", {"name": "dashboard", "read_only": "on", "expires_in_days": "30"}
    )

    assert response.status_code == 200
    token = ApiToken.objects.get(name="dashboard")
    assert token.read_only is True
    expected = timezone.now() + dt.timedelta(days=30)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert "Read-only" in response.text


def test_a_nonsense_expiry_is_an_error(personas, as_user):
    response = as_user(personas["commissioner"]).post(
        "/profile/", {"name": "x", "expires_in_days": "0"}
    )
    assert "Enter a number of days of 1 or more" in response.text
    assert not ApiToken.objects.filter(name="x").exists()
