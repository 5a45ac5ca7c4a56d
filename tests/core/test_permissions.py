"""Who may see and do what on the kernel's pages: profile and API tokens, organisations and
the statutory rules table.

* everyone signed in may see their profile, manage their own API tokens and read the
  organisations and the rules table;
* staff, and anyone who is a facilitator or commissioner in some partnership, may add an
  organisation;
* only staff may add or change a statutory rule;
* anyone else signed in gets 403 and nothing changes; anonymous visitors are sent to sign in.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from coplan.core.models import ApiToken, AuditEvent, Organisation, StatutoryRule

EVERYONE = frozenset({"staff", "manager", "member", "user"})
STAFF_AND_MANAGERS = frozenset({"staff", "manager"})
STAFF = frozenset({"staff"})
PEOPLE = sorted(EVERYONE)

# fmt: off
PERMISSIONS = [
    # action                    url name             method  who may
    ("profile",                 "profile",           "GET",  EVERYONE),
    ("create token",            "profile",           "POST", EVERYONE),
    ("revoke own token",        "token.revoke",      "POST", EVERYONE),
    ("organisations",           "organisations",     "GET",  EVERYONE),
    ("add organisation form",   "organisation.new",  "GET",  STAFF_AND_MANAGERS),
    ("add organisation",        "organisation.new",  "POST", STAFF_AND_MANAGERS),
    ("rules",                   "rules",             "GET",  EVERYONE),
    ("new rule form",           "rule.new",          "GET",  STAFF),
    ("add rule",                "rule.new",          "POST", STAFF),
    ("edit rule form",          "rule.edit",         "GET",  STAFF),
    ("edit rule",               "rule.edit",         "POST", STAFF),
]
# fmt: on
PAGES = [row for row in PERMISSIONS if row[2] == "GET"]
ACTIONS = [row for row in PERMISSIONS if row[2] == "POST"]


def _ids(rows):
    return [row[0] for row in rows]


@pytest.fixture
def people(personas):
    """staff; a "manager" (facilitator in a partnership); a "member" (steering group member,
    who manages nothing); a plain signed-in "user" who belongs to no partnership."""
    return {
        "staff": personas["staff"],
        "manager": personas["facilitator"],
        "member": personas["steering"],
        "user": personas["outsider"],
    }


def light_touch_2018() -> StatutoryRule:
    """Seeded by migration core/0003."""
    return StatutoryRule.objects.get(key="light_touch", effective_from=dt.date(2018, 1, 1))


def an_old_token(user) -> dict:
    token = ApiToken.objects.create(
        user=user, name="old laptop", token_hash=ApiToken.hash(f"cpl_old_{user.pk}"), hint="cpl_old"
    )
    return {"pk": token.pk}


# --- what each POST sends and changes --------------------------------------------------------

RULE_FORM = {
    "key": "light_touch",
    "value": "663540.00",
    "effective_from": "2020-01-01",
    "rule": "Social and other specific services at or above this value follow the light-touch "
    "regime.",
    "source": "SG EU and PR(S)A reference pack (2020)",
}


@dataclass(frozen=True)
class Post:
    data: dict
    state: Callable  # (user) -> what the action changes, read from the database
    after: object  # ``state`` once the action succeeded
    audit: str  # the dotted AuditEvent action code it writes
    then: str | None  # the page it redirects to (None: it re-renders with 200)
    prepare: Callable = lambda user: {}  # (user) -> URL kwargs


POSTS = {
    "create token": Post(
        data={"name": "monthly returns"},
        state=lambda user: list(user.api_tokens.values_list("name", flat=True)),
        after=["monthly returns"],
        audit="core.api_token.created",
        then=None,
    ),
    "revoke own token": Post(
        data={},
        state=lambda user: user.api_tokens.active().exists(),
        after=False,
        audit="core.api_token.revoked",
        then="profile",
        prepare=an_old_token,
    ),
    "add organisation": Post(
        data={"name": "Lanarkshire Furniture Reuse", "type": "social_enterprise", "is_sme": "on"},
        state=lambda user: Organisation.objects.filter(name="Lanarkshire Furniture Reuse").exists(),
        after=True,
        audit="core.organisation.created",
        then="organisations",
    ),
    "add rule": Post(
        data=RULE_FORM,
        state=lambda user: StatutoryRule.objects.filter(effective_from="2020-01-01").exists(),
        after=True,
        audit="core.statutory_rule.created",
        then="rules",
    ),
    "edit rule": Post(
        data={**RULE_FORM, "value": "615278.00", "effective_from": "2018-01-01"},
        state=lambda user: (light_touch_2018().value, light_touch_2018().source),
        after=(Decimal("615278.00"), "SG EU and PR(S)A reference pack (2020)"),
        audit="core.statutory_rule.updated",
        then="rules",
        prepare=lambda user: {"pk": light_touch_2018().pk},
    ),
}
assert set(POSTS) == set(_ids(ACTIONS))


def _url(url_name, kwargs=None):
    return reverse(f"core:{url_name}", kwargs=kwargs or None)


# --- the table ----------------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("action", "url_name", "method", "allowed"), PAGES, ids=_ids(PAGES))
def test_pages(action, url_name, method, allowed, person, people, as_user):
    kwargs = {"pk": light_touch_2018().pk} if url_name == "rule.edit" else None

    response = as_user(people[person]).get(_url(url_name, kwargs))

    assert response.status_code == (200 if person in allowed else 403)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("action", "url_name", "method", "allowed"), ACTIONS, ids=_ids(ACTIONS))
def test_actions(action, url_name, method, allowed, person, people, as_user):
    post = POSTS[action]
    user = people[person]
    url = _url(url_name, post.prepare(user))
    before = post.state(user)

    response = as_user(user).post(url, post.data)

    if person in allowed:
        if post.then:
            assert response.status_code == 302
            assert response["Location"] == _url(post.then)
        else:
            assert response.status_code == 200
        assert post.state(user) == post.after
        assert list(AuditEvent.objects.values_list("action", "actor")) == [(post.audit, user.pk)]
    else:
        assert response.status_code == 403
        assert post.state(user) == before
        assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "url_name", "method", "allowed"), PERMISSIONS, ids=_ids(PERMISSIONS)
)
def test_anonymous_visitors_are_sent_to_sign_in(action, url_name, method, allowed, people, client):
    post = POSTS.get(action)
    owner = people["user"]
    kwargs = post.prepare(owner) if post else {}
    if url_name == "rule.edit":
        kwargs = {"pk": light_touch_2018().pk}
    url = _url(url_name, kwargs)
    before = post.state(owner) if post else None

    response = client.get(url) if method == "GET" else client.post(url, post.data)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"
    if post:
        assert post.state(owner) == before
    assert AuditEvent.objects.count() == 0


# --- tokens belong to their owner --------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_nobody_can_revoke_someone_elses_token(person, people, personas, as_user):
    owner = personas["observer"]
    url = _url("token.revoke", an_old_token(owner))

    response = as_user(people[person]).post(url)

    assert response.status_code == 404
    assert owner.api_tokens.active().count() == 1
    assert AuditEvent.objects.count() == 0


def test_revoking_a_token_twice_records_it_once(people, as_user):
    user = people["user"]
    url = _url("token.revoke", an_old_token(user))
    client = as_user(user)

    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["core.api_token.revoked"]


def test_token_revoke_only_accepts_post(people, as_user):
    user = people["user"]
    url = _url("token.revoke", an_old_token(user))

    assert as_user(user).get(url).status_code == 405
    assert user.api_tokens.active().count() == 1


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(people, as_user):
    user = people["user"]

    response = as_user(user).post(_url("profile"), {"name": "monthly returns"})

    raw = response.context["new_token"]
    token = user.api_tokens.get()
    assert raw.startswith("cpl_")
    assert token.token_hash == ApiToken.hash(raw)
    assert token.hint == raw[:8]
    assert raw.encode() not in as_user(user).get(_url("profile")).content


def test_the_profile_lists_only_your_own_tokens(people, as_user):
    an_old_token(people["staff"])
    an_old_token(people["user"])

    response = as_user(people["user"]).get(_url("profile"))

    assert [t.user for t in response.context["tokens"]] == [people["user"]]


# --- the rules table -------------------------------------------------------------------------


def test_a_second_version_on_the_same_day_is_refused(people, as_user):
    response = as_user(people["staff"]).post(
        _url("rule.new"), {**RULE_FORM, "effective_from": "2018-01-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["effective_from"] == [
        "A version of this threshold already starts on this date: edit that version or choose "
        "another date"
    ]
    assert StatutoryRule.objects.filter(key="light_touch").count() == 2
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("on", "value"), [("2017-01-01", Decimal("589148.00")), ("2019-01-01", Decimal("615278.00"))]
)
def test_the_rules_table_marks_the_version_in_force(on, value, people, as_user):
    response = as_user(people["user"]).get(_url("rules"), {"on": on})

    in_force = StatutoryRule.objects.filter(pk__in=response.context["in_force"], key="light_touch")
    assert [r.value for r in in_force] == [value]


def test_the_rules_table_shows_standstill_periods_in_days_and_thresholds_in_pounds(people, as_user):
    response = as_user(people["user"]).get(_url("rules"), {"on": "2026-11-25"})

    html = response.content.decode()
    assert ">10 days</td>" in html
    assert ">15 days</td>" in html
    assert ">£50,000</td>" in html
    assert "£10" not in html and "£15<" not in html
