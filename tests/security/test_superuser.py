"""No superpowers inside partnerships.

Attack: someone holding a Django superuser account — the person who installed Coplan, an IT
administrator at the council — who is not a member of a partnership reads what procurement law
keeps from everyone but its officers: the list of bids before opening, an opened bid and its
documents, the evaluation panel's scores; or opens the admin site for an officer's two-factor
secret (``/admin/otp_totp/totpdevice/N/config/``), and for the partnership events of the audit
trail, which carry evaluation data. Django lets them: ``PermissionsMixin.has_perm`` answers True
to every check of an active superuser before it asks a backend (our ``rules``).

Refusal: every check on an object (a partnership, a tender, a bid) goes to the ``rules``
predicates, superuser or not, so a superuser who is not a member is an outsider like any
other: 404 on every partnership page and endpoint (with a two-factor verified session, so
two-factor sign-in is not what stops them). The admin site shows no OTP device, no bidding
model and only the site-wide audit events. Site administration is a named role with exactly
the powers it needs: the "Site administrators" group (statutory rules, clause library,
organisations, accounts), staff but not superusers, outsiders to every partnership.
"""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.bidding import domain
from coplan.bidding.models import ModeratedScore, Score
from coplan.core.domain import create_organisation
from coplan.core.models import SITE_ADMINISTRATORS, AuditEvent, Organisation, StatutoryRule
from coplan.partnerships.enums import Role
from coplan.tendering.models import Clause
from tests.api.helpers import api_as
from tests.bidding.conftest import MARKER, bid_data
from tests.factories import SiteAdminFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(full_name="Sid Superuser", is_staff=True, is_superuser=True)


@pytest.fixture
def site_admin(db):
    return SiteAdminFactory(full_name="Priya Sandhu")


@pytest.fixture
def sealed(homereach, clearway, requirement, personas, outside_bidder):
    """Two bids, sealed: the deadline is tomorrow."""
    return [
        domain.submit_bid(
            registration=homereach, actor=personas["se_partner"], **bid_data(requirement.pk)
        ),
        domain.submit_bid(registration=clearway, actor=outside_bidder, **bid_data(requirement.pk)),
    ]


def bids_page(name, tender, *args):
    return reverse(f"bidding:{name}", args=[tender.partnership_id, tender.pk, *args])


def bids_api(tender, path=""):
    return f"/partnerships/{tender.partnership_id}/bids/{tender.pk}{path}"


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# --- a superuser who is not a member is an outsider ----------------------------------------


def test_a_superuser_has_every_site_wide_permission_but_none_on_a_partnership(
    superuser, partnership, tender
):
    assert superuser.has_perm("core.change_statutoryrule")
    assert superuser.has_perm("tendering.change_clause")
    assert superuser.has_perm("partnerships.add_partnership")
    assert not superuser.has_perm("partnerships.view_partnership", partnership)
    assert not superuser.has_perm("bidding.view_bids", tender)
    assert not superuser.has_perm("bidding.read_bid_content", tender)
    assert not superuser.has_perms(["bidding.view_evaluation", "bidding.award"], tender)


def test_a_superuser_gets_404_on_the_partnership_pages_and_api(superuser, partnership, verified):
    client = verified(superuser)
    for name in ("dashboard", "members", "activity", "timeline", "edit", "stage"):
        url = reverse(f"partnerships:{name}", args=[partnership.pk])
        assert client.get(url).status_code == 404, url
    assert partnership.title not in client.get(reverse("partnerships:list")).content.decode()
    api = api_as(superuser)
    for path in ("", "/members", "/activity", "/gate", "/health"):
        assert api.get(f"/partnerships/{partnership.pk}{path}").status_code == 404, path
    assert api.get("/partnerships").json() == {"items": [], "count": 0}


def test_before_opening_a_superuser_cannot_see_the_officers_bid_list(
    superuser, sealed, tender, personas, verified
):
    officer = verified(personas["procurement"])
    assert officer.get(bids_page("tender", tender)).status_code == 200
    client = verified(superuser)
    for url in (
        reverse("bidding:index", args=[tender.partnership_id]),
        bids_page("tender", tender),
        bids_page("opening_time", tender),
        f"/api/v1{bids_api(tender)}",
        f"/api/v1{bids_api(tender, '/opening')}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Homereach" not in response.content, url
    assert client.post(bids_page("open", tender)).status_code == 404
    tender.refresh_from_db()
    assert tender.opened_at is None
    assert tender.opening_confirmations.count() == 0


def test_a_superuser_cannot_read_an_opened_bid_or_its_documents(
    superuser, opened, tender, personas, verified
):
    homereach_bid = opened[0]
    officer = verified(personas["procurement"])
    assert MARKER in officer.get(bids_page("bid", homereach_bid.tender, homereach_bid.uuid)).text
    client = verified(superuser)
    for bid in opened:
        for url in (
            bids_page("bid", tender, bid.uuid),
            bids_page("document", tender, bid.uuid, 1),
            f"/api/v1{bids_api(tender, f'/opened/{bid.uuid}')}",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert MARKER.encode() not in body(response), url
        with_token = api_as(superuser).get(bids_api(tender, f"/opened/{bid.uuid}"))
        assert with_token.status_code == 404
        assert MARKER.encode() not in with_token.content


def test_a_superuser_cannot_see_or_change_the_evaluation(superuser, moderated, tender, verified):
    client = verified(superuser)
    bid, criterion = moderated[0], tender.quality_criteria.get(name="Method")
    endpoints = ["panel", "declarations", "scores", "results", "mine"]
    for url in (
        bids_page("evaluation", tender),
        bids_page("score", tender),
        bids_page("moderate", tender, bid.uuid, criterion.pk),
        bids_page("results", tender),
        reverse("bidding:results.export", args=[tender.partnership_id, tender.pk, "xlsx"]),
        bids_page("award", tender),
        *(f"/api/v1{bids_api(tender, f'/evaluation/{e}')}" for e in endpoints),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Scored 3" not in body(response), url
    for endpoint in endpoints:
        url = bids_api(tender, f"/evaluation/{endpoint}")
        assert api_as(superuser).get(url).status_code == 404, url
    scores = (Score.objects.count(), ModeratedScore.objects.count())
    for name in ("score.submit", "moderate"):
        url = bids_page(name, tender, bid.uuid, criterion.pk)
        assert client.post(url, {"score": "0", "rationale": "Overruled"}).status_code == 404
    assert (Score.objects.count(), ModeratedScore.objects.count()) == scores


def test_a_superuser_who_is_a_member_has_exactly_their_roles_powers(
    partnership, sealed, tender, verified
):
    observer = member(partnership, Role.OBSERVER, is_staff=True, is_superuser=True)
    client = verified(observer)
    assert client.get(reverse("partnerships:dashboard", args=[partnership.pk])).status_code == 200
    assert client.get(bids_page("tender", tender)).status_code == 403
    assert not observer.has_perm("partnerships.manage_members", partnership)


# --- the admin site keeps no secret --------------------------------------------------------


def test_the_admin_registers_no_otp_device_and_no_bidding_model():
    registered = sorted(model._meta.label for model in admin.site._registry)
    assert registered == [
        "auth.Group",
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "core.AuditEvent",
        "core.Organisation",
        "core.StatutoryRule",
        "core.User",
        "django_tasks_database.DBTaskResult",
        "tendering.Clause",
    ]


def test_a_superuser_gets_404_for_an_officers_totp_secret(superuser, personas, client):
    device = TOTPDevice.objects.create(user=personas["procurement"], name="phone", confirmed=True)
    client.force_login(superuser)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "otp" not in index.text.lower()
    for url in (
        "/admin/otp_totp/",
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert device.key.encode() not in response.content, url


def test_the_admin_audit_list_shows_no_partnership_event(superuser, moderated, tender, client):
    in_partnership = AuditEvent.objects.filter(partnership=tender.partnership)
    assert in_partnership.filter(action="bidding.score.submitted").count() == 12
    organisation = create_organisation(actor=superuser, name="Clyde Valley Housing", type="charity")
    client.force_login(superuser)
    response = client.get("/admin/core/auditevent/")
    assert response.status_code == 200
    listed = list(response.context["cl"].queryset)
    assert [(e.action, e.object_repr) for e in listed if e.actor == superuser] == [
        ("core.organisation.created", str(organisation))
    ]
    assert all(e.partnership_id is None for e in listed)
    assert not any(e.action.startswith("bidding.") for e in listed)
    assert b"bidding." not in response.content  # nor in the action filter
    assert b"Scored 3" not in response.content
    event = in_partnership.filter(action="bidding.score.submitted").first()
    hidden = client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert hidden.status_code == 302
    assert hidden.url == "/admin/"


# --- site administrators: a named role with exactly its powers ----------------------------


def test_the_site_administrators_group_holds_exactly_the_site_powers():
    group = Group.objects.get(name=SITE_ADMINISTRATORS)
    assert sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()) == [
        "core.add_organisation",
        "core.add_statutoryrule",
        "core.add_user",
        "core.change_organisation",
        "core.change_statutoryrule",
        "core.change_user",
        "core.view_organisation",
        "core.view_statutoryrule",
        "core.view_user",
        "tendering.change_clause",
        "tendering.view_clause",
        "tendering.view_clauseversion",
        "tendering.view_measure",
    ]


def test_site_powers_come_from_the_group_not_from_is_staff(site_admin):
    staff = UserFactory(is_staff=True)
    for perm in (
        "core.change_statutoryrule",
        "core.add_organisation",
        "tendering.change_clause",
        "partnerships.add_partnership",
    ):
        assert site_admin.has_perm(perm), perm
        assert not staff.has_perm(perm), perm


def test_a_site_administrator_uses_the_admin_for_exactly_their_models(site_admin, client):
    client.force_login(site_admin)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert [
        (app["app_label"], model["object_name"])
        for app in index.context["app_list"]
        for model in app["models"]
    ] == [
        ("core", "Organisation"),
        ("core", "StatutoryRule"),
        ("core", "User"),
        ("tendering", "Clause"),
    ]
    for url in (
        "/admin/core/organisation/",
        "/admin/core/statutoryrule/",
        "/admin/core/user/",
        "/admin/tendering/clause/",
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        "/admin/core/auditevent/",
        "/admin/auth/group/",
        "/admin/axes/accessattempt/",
        "/admin/django_tasks_database/dbtaskresult/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_a_site_administrator_edits_the_site_tables_in_the_admin(site_admin, client):
    client.force_login(site_admin)
    organisation = Organisation.objects.create(name="Clyde Valley Housing", type="charity")
    response = client.post(
        f"/admin/core/organisation/{organisation.pk}/change/",
        {"name": "Clyde Valley Housing Association", "type": "charity", "is_third_sector": "on"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.is_third_sector) == (
        "Clyde Valley Housing Association",
        True,
    )
    response = client.post(
        "/admin/core/statutoryrule/add/",
        {
            "key": "light_touch",
            "value": "700000.00",
            "unit": "money",
            "effective_from": "2030-01-01",
            "rule": "The light-touch regime applies.",
            "source": "A future regulation",
        },
    )
    assert response.status_code == 302, response.content
    added = StatutoryRule.objects.get(key="light_touch", effective_from="2030-01-01")
    assert added.value == Decimal("700000.00")
    clause = Clause.objects.filter(is_active=True).first()
    response = client.post(
        f"/admin/tendering/clause/{clause.pk}/change/",
        {
            "type": clause.type,
            "title": clause.title,
            "guidance": "Set the target with the employability service.",
            "is_active": "",
            **_empty_inlines(clause),
        },
    )
    assert response.status_code == 302, response.content
    clause.refresh_from_db()
    assert (clause.guidance, clause.is_active) == (
        "Set the target with the employability service.",
        False,
    )
    updated = AuditEvent.objects.get(action="tendering.clause.updated")
    assert (updated.actor, updated.data["changed"]) == (site_admin, ["guidance", "is_active"])


def _empty_inlines(clause):
    """What the change form sends for the clause's read-only inlines: their management forms
    and the ids of the versions and measures shown."""
    data = {}
    for prefix, rows in (("versions", clause.versions.all()), ("measures", clause.measures.all())):
        rows = list(rows)
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-id": str(row.pk), f"{prefix}-{i}-clause": str(clause.pk)}
    return data


def test_a_site_administrator_cannot_raise_anyones_powers(site_admin, superuser, client):
    client.force_login(site_admin)
    person = UserFactory(full_name="Colin Mair")
    response = client.post(
        f"/admin/core/user/{person.pk}/change/",
        {
            "email": person.email,
            "full_name": "Colin Mair",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=SITE_ADMINISTRATORS).pk],
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.is_staff, person.is_superuser, list(person.groups.all())) == (False, False, [])
    assert client.get(f"/admin/core/user/{superuser.pk}/change/").status_code == 200  # read
    response = client.post(
        f"/admin/core/user/{superuser.pk}/change/",
        {"email": site_admin.email, "full_name": "Sid Superuser", "is_active": "on"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email != site_admin.email


def test_a_site_administrator_is_an_outsider_to_partnerships(site_admin, opened, tender, verified):
    client = verified(site_admin)
    for url in (
        reverse("partnerships:dashboard", args=[tender.partnership_id]),
        bids_page("tender", tender),
        bids_page("bid", tender, opened[0].uuid),
        bids_page("evaluation", tender),
    ):
        assert client.get(url).status_code == 404, url
    assert api_as(site_admin).get(f"/partnerships/{tender.partnership_id}").status_code == 404


def test_the_demo_site_administrator_is_staff_in_the_group_and_not_a_superuser(client):
    """The demo's people (``_people``: the whole demo takes minutes to load)."""
    from coplan.demo import loader
    from coplan.demo.story import SITE_ADMIN

    priya = loader._people(loader._organisations())[SITE_ADMIN.email]
    assert (priya.is_staff, priya.is_superuser) == (True, False)
    assert list(priya.groups.values_list("name", flat=True)) == [SITE_ADMINISTRATORS]
    client.force_login(priya)
    index = client.get("/admin/")
    assert "You don’t have permission to view or edit anything" not in index.text
    assert len([m for app in index.context["app_list"] for m in app["models"]]) == 4
