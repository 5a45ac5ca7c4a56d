"""Attacks on signing in, and how each is refused.

Failed sign-ins within 15 minutes are counted per account from one address (5), per account
from any address (10: a brute force spread over many addresses) and per address across every
account (20: password spraying). The lock says how long to wait. Email addresses sign in
whatever their case, and are counted so too. Guessing two-factor codes is slowed down, and
the page says to wait. Signed-in answers are kept out of every cache, and every page tells
the browser which features it never needs.
"""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.core.domain import issue_api_token
from coplan.core.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"
PROXY = "10.0.0.2"
SPRAYED = ["Summer2026!", "Winter2026!"]  # the passwords a sprayer tries on every account
REFUSED_FAILURE = 200  # a wrong password: the form again, with its error
LOCKED = 429
SIGNED_IN = 302


def sign_in(client, email, password, **headers):
    return client.post(reverse("core:login"), {"username": email, "password": password}, **headers)


def signed_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


@pytest.fixture
def frozen(time_machine):
    """The clock stands still until the test moves it."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


# Password spraying: one address, one likely password, every account.


def test_password_spraying_from_one_address_is_paused_after_twenty_failures():
    accounts = [UserFactory() for _ in range(10)]
    attacker = Client(REMOTE_ADDR=ATTACKER)

    statuses = [
        sign_in(attacker, account.email, guess).status_code
        for guess in SPRAYED
        for account in accounts
    ]

    assert statuses == [REFUSED_FAILURE] * 19 + [LOCKED]
    # even a right password is refused from that address now, on any account
    newcomer = UserFactory()
    refused = sign_in(attacker, newcomer.email, PASSWORD)
    assert refused.status_code == LOCKED
    assert signed_in_as(attacker) is None
    # a colleague elsewhere signs in to a sprayed account as usual
    colleague = Client(REMOTE_ADDR=COLLEAGUE)
    assert sign_in(colleague, accounts[0].email, PASSWORD).status_code == SIGNED_IN
    assert signed_in_as(colleague) == accounts[0].pk


def test_signing_in_to_ones_own_account_does_not_clear_the_spraying_count():
    accounts = [UserFactory() for _ in range(10)]
    own = UserFactory()
    for account in accounts:
        sign_in(Client(REMOTE_ADDR=ATTACKER), account.email, SPRAYED[0])
    for account in accounts[:9]:
        sign_in(Client(REMOTE_ADDR=ATTACKER), account.email, SPRAYED[1])

    assert sign_in(Client(REMOTE_ADDR=ATTACKER), own.email, PASSWORD).status_code == SIGNED_IN
    last = sign_in(Client(REMOTE_ADDR=ATTACKER), accounts[9].email, SPRAYED[1])

    assert last.status_code == LOCKED


def test_a_forged_x_forwarded_for_does_not_hide_the_sprayers_address(settings):
    settings.COPLAN_TRUSTED_PROXIES = 1  # the TLS proxy appends the caller's address
    accounts = [UserFactory() for _ in range(10)]
    behind_proxy = Client(REMOTE_ADDR=PROXY)

    attempts = [(guess, account) for guess in SPRAYED for account in accounts]

    statuses = [
        sign_in(
            behind_proxy,
            account.email,
            guess,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}",  # a new forged address each time
        ).status_code
        for n, (guess, account) in enumerate(attempts)
    ]

    assert statuses == [REFUSED_FAILURE] * 19 + [LOCKED]
    # the proxy's own address is not what was counted: a colleague behind it signs in
    colleague = sign_in(
        Client(REMOTE_ADDR=PROXY), accounts[0].email, PASSWORD, HTTP_X_FORWARDED_FOR=COLLEAGUE
    )
    assert colleague.status_code == SIGNED_IN


# Brute force on one account, spread over many addresses.


def test_a_brute_force_on_one_account_from_many_addresses_is_paused_after_ten(frozen):
    victim = UserFactory(email="moira.kerr@example.org")
    bystander = UserFactory()
    addresses = [f"203.0.113.{n}" for n in range(1, 11)]

    statuses = [
        sign_in(Client(REMOTE_ADDR=address), victim.email, f"guess-{n}").status_code
        for n, address in enumerate(addresses)
    ]

    assert statuses == [REFUSED_FAILURE] * 9 + [LOCKED]
    # the account is paused from everywhere, even with its password ...
    home = Client(REMOTE_ADDR=COLLEAGUE)
    refused = sign_in(home, victim.email, PASSWORD)
    assert refused.status_code == LOCKED
    assert "Wait 15 minutes, then try again." in refused.content.decode()
    # ... but not the addresses: other accounts sign in from them
    assert sign_in(Client(REMOTE_ADDR=addresses[0]), bystander.email, PASSWORD).status_code == (
        SIGNED_IN
    )
    # and once the wait is over the owner signs in
    frozen.shift(dt.timedelta(minutes=15, seconds=1))
    assert sign_in(home, victim.email, PASSWORD).status_code == SIGNED_IN
    assert signed_in_as(home) == victim.pk


# The lock says how long to wait, and trying again does not make it longer.


def test_the_locked_out_page_says_how_long_to_wait(frozen):
    user = UserFactory()
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(4):
        sign_in(attacker, user.email, f"guess-{n}")

    locked = sign_in(attacker, user.email, "guess-4")

    assert locked.status_code == LOCKED
    assert locked["Retry-After"] == "900"
    assert "Wait 15 minutes, then try again." in locked.content.decode()
    frozen.shift(dt.timedelta(minutes=5, seconds=30))
    later = sign_in(attacker, user.email, PASSWORD)
    assert later.status_code == LOCKED
    assert later["Retry-After"] == "570"
    assert "Wait 10 minutes, then try again." in later.content.decode()
    # that refused try did not restart the wait
    frozen.shift(dt.timedelta(minutes=9, seconds=31))
    assert sign_in(attacker, user.email, PASSWORD).status_code == SIGNED_IN


# Email addresses are case-insensitive, for signing in and for counting failures.


@pytest.mark.parametrize("typed", ["ALICE@EXAMPLE.ORG", "Alice@Example.org", " alice@example.org "])
def test_an_email_address_signs_in_whatever_its_case(typed):
    alice = UserFactory(email="alice@example.org")
    client = Client()

    response = sign_in(client, typed, PASSWORD)

    assert response.status_code == SIGNED_IN
    assert signed_in_as(client) == alice.pk


def test_a_new_account_keeps_its_address_in_lower_case():
    user = User.objects.create_user("Bob.Smith@Example.ORG", PASSWORD, full_name="Bob Smith")
    assert user.email == "bob.smith@example.org"


def test_changing_the_case_of_the_address_does_not_start_a_new_count():
    UserFactory(email="alice@example.org")
    attacker = Client(REMOTE_ADDR=ATTACKER)
    typed = [
        "alice@example.org",
        "Alice@example.org",
        "ALICE@EXAMPLE.ORG",
        "aLiCe@example.org",
        "ALICE@example.org",
    ]

    statuses = [sign_in(attacker, email, "guess").status_code for email in typed]

    assert statuses == [REFUSED_FAILURE] * 4 + [LOCKED]


# Guessing two-factor codes (the step-up before sealed bids).


NOT_RIGHT = "The code is not right: enter the code the app shows now"


def _codes_now(device) -> set[str]:
    """The codes the device accepts now (its tolerance is one step either side)."""
    return {f"{totp(device.bin_key, drift=d):06d}" for d in (-1, 0, 1)}


def test_guessing_two_factor_codes_is_slowed_down_and_the_page_says_to_wait(
    client, personas, partnership, frozen
):
    officer = personas["procurement"]
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)
    url = reverse("bidding:two_factor", args=[partnership.pk])
    wrong = next(c for c in ("000000", "000001", "000002", "000003") if c not in _codes_now(device))

    def answer(code) -> list[str]:
        form = client.post(url, {"token": code}).context["form"]
        return [message for _field, message in form.error_list()]

    assert answer(wrong) == [NOT_RIGHT]
    # at once again: refused without being checked
    assert answer(wrong) == ["Too many wrong codes. Wait 1 second, then try again."]
    frozen.shift(1)
    assert answer(wrong) == [NOT_RIGHT]
    # the right code too is refused until the wait (now 2 seconds) is over
    right = f"{totp(device.bin_key):06d}"
    assert answer(right) == ["Too many wrong codes. Wait 2 seconds, then try again."]
    frozen.shift(2)
    response = client.post(url, {"token": right})
    assert response.status_code == 302
    assert response.url == reverse("bidding:index", args=[partnership.pk])
    assert client.get(reverse("core:profile")).wsgi_request.user.is_verified()


# Headers: signed-in answers are kept out of caches; features Coplan never uses are off.

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), publickey-credentials-create=(self), "
    "publickey-credentials-get=(self)"
)


def test_a_signed_in_page_is_kept_out_of_every_cache(client, personas):
    client.force_login(personas["commissioner"])

    response = client.get(reverse("core:profile"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_an_api_answer_to_a_token_is_kept_out_of_every_cache(partnership, personas):
    _token, raw = issue_api_token(user=personas["commissioner"], name="script")

    response = Client().get("/api/v1/partnerships", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_a_page_served_from_the_page_cache_is_kept_out_too(client, partnership, personas):
    from coplan.pilots import domain as pilots

    pilot = pilots.create_pilot(
        partnership=partnership,
        actor=personas["facilitator"],
        title="Furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
    )
    url = reverse("pilots:dashboard", args=[pilot.partnership_id])
    for cache in caches.all(initialized_only=False):
        cache.clear()
    client.force_login(personas["commissioner"])
    client.get(url)  # sets the CSRF cookie a browser then keeps
    client.get(url)  # kept in the page cache

    with CaptureQueriesContext(connection) as queries:
        hit = client.get(url)

    assert len(queries) == 1  # served from the cache, and the headers cost no query
    assert hit["Cache-Control"] == "private, no-store"
    assert hit["Permissions-Policy"] == PERMISSIONS_POLICY
    for cache in caches.all(initialized_only=False):
        cache.clear()


def test_a_public_page_may_be_cached_but_still_turns_features_off(db):
    response = Client().get(reverse("core:accessibility"))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
