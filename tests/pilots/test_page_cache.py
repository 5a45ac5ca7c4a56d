"""The pilot dashboard is served from the private page cache (coplan.partnerships.pagecache)
only while nothing that decided who may see it, and what it shows, has changed; otherwise the
normal view answers, with all its checks."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplan.partnerships.enums import Role
from coplan.pilots import domain

HIT_QUERIES = 1  # the session, the person, their roles, the partnership and its pilot at once


@pytest.fixture
def url(pilot):
    return reverse("pilots:dashboard", args=[pilot.partnership_id])


def _get(client, url, **query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    return response, len(queries)


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def _without_nonce(response) -> str:
    return response.content.decode().replace(_nonce(response), "NONCE")


def test_a_repeat_visit_is_served_from_the_cache_with_a_fresh_nonce(client, personas, url):
    client.force_login(personas["commissioner"])
    _get(client, url)  # the first page sets the CSRF cookie a browser then keeps
    first, first_queries = _get(client, url)
    second, second_queries = _get(client, url)
    assert first.status_code == second.status_code == 200
    assert first_queries > HIT_QUERIES
    assert second_queries == HIT_QUERIES
    assert _nonce(first) != _nonce(second)
    assert f'nonce="{_nonce(second)}"' in second.content.decode()
    assert _without_nonce(first) == _without_nonce(second)


def test_filters_are_cached_apart(client, personas, url):
    client.force_login(personas["commissioner"])
    _get(client, url)
    _get(client, url, month="2006-11")
    _get(client, url, month="2006-11")
    filtered, queries = _get(client, url, month="2006-11")
    assert queries == HIT_QUERIES
    assert 'value="2006-11" selected' in filtered.content.decode()


def test_a_removed_member_gets_404_at_once(client, personas, partnership, url):
    steering = personas[Role.STEERING.value]
    client.force_login(steering)
    _get(client, url)
    _get(client, url)
    partnership.memberships.filter(user=steering).delete()
    response, _ = _get(client, url)
    assert response.status_code == 404


def test_a_changed_role_sees_what_the_new_role_may_see(client, personas, partnership, url):
    person = personas[Role.STEERING.value]
    client.force_login(person)
    assert "Actual cost per unit" in _get(client, url)[0].content.decode()
    partnership.memberships.filter(user=person).update(role=Role.SERVICE_USER)
    html = _get(client, url)[0].content.decode()
    assert "Actual cost per unit" not in html and "£" not in html


def test_signing_out_or_a_new_password_ends_it(client, personas, url):
    person = personas["commissioner"]
    client.force_login(person)
    _get(client, url)
    client.post(reverse("core:logout"))
    response, _ = _get(client, url)
    assert response.status_code == 302 and "/login/" in response["Location"]

    client.force_login(person)
    _get(client, url)
    person.set_password("a brand new passphrase")
    person.save()
    response, _ = _get(client, url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_outsider_never_gets_a_members_cached_page(client, personas, url):
    client.force_login(personas["commissioner"])
    _get(client, url)
    _get(client, url)
    client.force_login(personas["outsider"])
    assert _get(client, url)[0].status_code == 404
    assert _get(client, url)[0].status_code == 404


def test_new_records_and_a_renamed_partnership_show_at_once(
    client, personas, partnership, pilot, services, own_org, url
):
    client.force_login(personas["commissioner"])
    _get(client, url)
    _get(client, url)
    domain.record_delivery(
        pilot=pilot,
        actor=personas["facilitator"],
        service=services["Emergency furniture packs"],
        provider=own_org,
        delivered_on=dt.date(2006, 10, 20),
        quantity=Decimal(7),
        cost=Decimal("300"),
        referred_on=dt.date(2006, 10, 16),
        client_id="C1",
    )
    response, queries = _get(client, url)
    assert queries > HIT_QUERIES
    partnership.title = "Furniture for North Lanarkshire, renamed"
    partnership.save()
    response, queries = _get(client, url)
    assert queries > HIT_QUERIES
    assert "renamed" in response.content.decode()


def test_a_waiting_message_is_shown_not_a_cached_page(client, personas, url):
    client.force_login(personas["commissioner"])
    _get(client, url)
    _get(client, url)
    client.cookies["messages"] = "pending"
    response, queries = _get(client, url)
    assert response.status_code == 200 and queries > HIT_QUERIES
