"""Security basics: production settings, login throttling, CSRF, CSP, password rules."""

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


def _settings_in_subprocess(**env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("COPLAN_") and k != "DATABASE_URL"
    }
    code = (
        "import coplan.settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _settings_in_subprocess()
    assert result.returncode == 1
    assert "COPLAN_SECRET_KEY is not set" in result.stderr


def test_production_settings_use_secure_cookies_and_hsts():
    result = _settings_in_subprocess(COPLAN_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "31536000"]


def test_five_failed_logins_lock_the_account_from_that_address(db):
    user = UserFactory(email="moira.kerr@example.org")
    client = Client()
    for _ in range(5):
        response = client.post(
            reverse("core:login"), {"username": user.email, "password": "wrong-password"}
        )
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    response = client.post(reverse("core:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 429


def test_a_failed_login_says_what_to_fix(db):
    response = Client().post(reverse("core:login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].error_list() == [
        ("id_username", "Enter your email address"),
        ("id_password", "Enter your password"),
    ]
    assert b"There is a problem" in response.content


def test_posts_without_a_csrf_token_are_refused(db):
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("core:profile"), {"name": "sneaky"})
    assert response.status_code == 403
    assert not user.api_tokens.exists()


def test_pages_carry_a_nonce_based_content_security_policy(db):
    response = Client().get(reverse("core:login"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.content


@pytest.mark.parametrize("password", ["short", "password123", "1234567890123"])
def test_weak_passwords_are_rejected(password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password)
