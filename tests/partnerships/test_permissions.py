"""Who may see and do what on a partnership's pages.

The rule, for every page and action below:

* a member whose role is in the "who may" column gets the page (200) or is redirected after
  the change (302), and the change is saved with an audit event;
* any other member gets 403 and nothing changes;
* a signed-in person who is not a member (the "outsider") gets 404, so they cannot even learn
  the partnership exists;
* an anonymous visitor is redirected to sign in.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coplan.core.models import AuditEvent
from coplan.partnerships.enums import Role, Stage
from coplan.partnerships.models import Invitation, Membership, Partnership, StageChange
from tests.conftest import ALL_ROLES, PERSONAS
from tests.factories import (
    CouncilFactory,
    OrganisationFactory,
    SiteAdminFactory,
    UserFactory,
    member,
)


@pytest.fixture(autouse=True)
def _foundation(foundation_gates):
    """Stage actions here are about permissions: the gates hold only the foundation's own
    criteria (each app tests the criteria it adds)."""


MEMBERS = frozenset(ALL_ROLES)
MANAGERS = frozenset({Role.FACILITATOR.value, Role.COMMISSIONER.value})
COMMISSIONER = frozenset({Role.COMMISSIONER.value})

# fmt: off
PERMISSIONS = [
    # action                 url name              method  who may
    ("dashboard",            "dashboard",          "GET",  MEMBERS),
    ("timeline",             "timeline",           "GET",  MEMBERS),
    ("stage",                "stage",              "GET",  MEMBERS),
    ("members",              "members",            "GET",  MEMBERS),
    ("activity",             "activity",           "GET",  MEMBERS),
    ("edit details form",    "edit",               "GET",  MANAGERS),
    ("edit timeline form",   "timeline.edit",      "GET",  MANAGERS),
    ("edit details",         "edit",               "POST", MANAGERS),
    ("edit timeline",        "timeline.edit",      "POST", MANAGERS),
    ("back-plan",            "timeline.edit",      "POST", MANAGERS),
    ("advance stage",        "stage",              "POST", COMMISSIONER),
    ("loop back",            "stage",              "POST", COMMISSIONER),
    ("invite",               "members",            "POST", MANAGERS),
    ("remove member",        "member.remove",      "POST", MANAGERS),
    ("withdraw invitation",  "invitation.revoke",  "POST", MANAGERS),
]
# fmt: on
PAGES = [row for row in PERMISSIONS if row[2] == "GET"]
ACTIONS = [row for row in PERMISSIONS if row[2] == "POST"]


def _ids(rows):
    return [row[0] for row in rows]


# --- what each POST sends and changes --------------------------------------------------------


def fresh(partnership) -> Partnership:
    return Partnership.objects.get(pk=partnership.pk)


def timeline_of(partnership) -> dict:
    p = fresh(partnership)
    return {
        "started_on": p.started_on,
        "design_ends_on": p.design_ends_on,
        "pilot_starts_on": p.pilot_starts_on,
        "pilot_ends_on": p.pilot_ends_on,
        "spec_freeze_on": p.spec_freeze_on,
        "tender_on": p.tender_on,
    }


FACTORY_TIMELINE = {  # tests.factories.PartnershipFactory: the North Lanarkshire PSP's dates
    "started_on": dt.date(2006, 1, 1),
    "design_ends_on": dt.date(2006, 9, 30),
    "pilot_starts_on": dt.date(2006, 10, 1),
    "pilot_ends_on": dt.date(2007, 3, 31),
    "spec_freeze_on": dt.date(2007, 5, 1),
    "tender_on": dt.date(2007, 7, 1),
}
A_YEAR_LATER = {name: day.replace(year=day.year + 1) for name, day in FACTORY_TIMELINE.items()}


def leaving_member(partnership) -> dict:
    """An evaluator the managers may remove; returns the URL kwargs of their membership."""
    user = member(partnership, Role.EVALUATOR, email="leaving@example.org")
    return {"membership_pk": Membership.objects.get(user=user).pk}


def pending_invitation(partnership) -> dict:
    invitation = Invitation.objects.create(
        partnership=partnership,
        email="pending@example.org",
        roles=[Role.OBSERVER.value],
        token_hash="0" * 64,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    return {"invitation_pk": invitation.pk}


def at_strategic_stage(partnership) -> dict:
    Partnership.objects.filter(pk=partnership.pk).update(stage=Stage.STRATEGIC)
    return {}


@dataclass(frozen=True)
class Post:
    data: Callable[[Partnership], dict]  # the form as the browser sends it
    state: Callable[[Partnership], object]  # what the action changes, read from the database
    after: object  # ``state`` once the action succeeded
    audit: str | None  # the dotted AuditEvent action code it writes (None: it saves nothing)
    then: str | None  # the page it redirects to (None: it re-renders with 200)
    prepare: Callable[[Partnership], dict] = lambda partnership: {}  # returns extra URL kwargs
    mails: int = 0


POSTS = {
    "edit details": Post(
        data=lambda p: {
            "title": "Furniture reuse PSP",
            "service_area": p.service_area,
            "summary": p.summary,
            "lead_authority": p.lead_authority_id,
            "intermediary": p.intermediary_id,
        },
        state=lambda p: fresh(p).title,
        after="Furniture reuse PSP",
        audit="partnership.updated",
        then="dashboard",
    ),
    "edit timeline": Post(
        data=lambda p: {name: day.isoformat() for name, day in A_YEAR_LATER.items()},
        state=timeline_of,
        after=A_YEAR_LATER,
        audit="partnership.timeline.updated",
        then="timeline",
    ),
    "back-plan": Post(  # fills the form with suggested dates; saves nothing
        data=lambda p: {"back_plan": "1", "plan-tender_on": "2008-07-01"},
        state=timeline_of,
        after=FACTORY_TIMELINE,
        audit=None,
        then=None,
    ),
    "advance stage": Post(
        data=lambda p: {"confirmed": ["go_decision"], "note": "Go decision minuted 3 March"},
        state=lambda p: fresh(p).stage,
        after=Stage.STRATEGIC,
        audit="partnership.stage.advanced",
        then="stage",
    ),
    "loop back": Post(
        data=lambda p: {
            "loop_back": "1",
            "to_stage": Stage.FEASIBILITY.value,
            "reason": "The need statement was challenged",
        },
        state=lambda p: fresh(p).stage,
        after=Stage.FEASIBILITY,
        audit="partnership.stage.looped_back",
        then="stage",
        prepare=at_strategic_stage,
    ),
    "invite": Post(
        data=lambda p: {
            "email": "New.Partner@example.org",
            "full_name": "New Partner",
            "roles": [Role.EVALUATOR.value],
        },
        state=lambda p: list(p.invitations.values_list("email", flat=True)),
        after=["new.partner@example.org"],
        audit="partnership.member.invited",
        then="members",
        mails=1,
    ),
    "remove member": Post(
        data=lambda p: {},
        state=lambda p: p.memberships.filter(user__email="leaving@example.org").exists(),
        after=False,
        audit="partnership.member.removed",
        then="members",
        prepare=leaving_member,
    ),
    "withdraw invitation": Post(
        data=lambda p: {},
        state=lambda p: p.invitations.pending().filter(email="pending@example.org").exists(),
        after=False,
        audit="partnership.member.invitation_revoked",
        then="members",
        prepare=pending_invitation,
    ),
}
assert set(POSTS) == set(_ids(ACTIONS))


def audit_trail(partnership) -> list[tuple[str, int]]:
    return list(
        AuditEvent.objects.filter(partnership=partnership)
        .order_by("id")
        .values_list("action", "actor_id")
    )


# --- the table, run for every persona ------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("action", "url_name", "method", "allowed"), PAGES, ids=_ids(PAGES))
def test_pages(action, url_name, method, allowed, persona, partnership, personas, as_user):
    url = reverse(f"partnerships:{url_name}", args=[partnership.pk])

    response = as_user(personas[persona]).get(url)

    if persona == "outsider":
        assert response.status_code == 404
    elif persona in allowed:
        assert response.status_code == 200
        assert response.context["partnership"] == partnership
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("action", "url_name", "method", "allowed"), ACTIONS, ids=_ids(ACTIONS))
def test_actions(
    action,
    url_name,
    method,
    allowed,
    persona,
    partnership,
    personas,
    as_user,
    django_capture_on_commit_callbacks,
):
    post = POSTS[action]
    user = personas[persona]
    url = reverse(
        f"partnerships:{url_name}", kwargs={"pk": partnership.pk, **post.prepare(partnership)}
    )
    before = post.state(partnership)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(user).post(url, post.data(partnership))

    if persona in allowed:
        if post.then:
            assert response.status_code == 302
            assert response["Location"] == reverse(
                f"partnerships:{post.then}", args=[partnership.pk]
            )
        else:
            assert response.status_code == 200
        assert post.state(partnership) == post.after
        assert audit_trail(partnership) == ([(post.audit, user.pk)] if post.audit else [])
        assert len(mail.outbox) == post.mails
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert post.state(partnership) == before
        assert AuditEvent.objects.count() == 0
        assert StageChange.objects.count() == 0
        assert mail.outbox == []


@pytest.mark.parametrize(
    ("action", "url_name", "method", "allowed"), PERMISSIONS, ids=_ids(PERMISSIONS)
)
def test_anonymous_visitors_are_sent_to_sign_in(
    action, url_name, method, allowed, partnership, client
):
    post = POSTS.get(action)
    kwargs = post.prepare(partnership) if post else {}
    url = reverse(f"partnerships:{url_name}", kwargs={"pk": partnership.pk, **kwargs})
    before = post.state(partnership) if post else None

    response = client.get(url) if method == "GET" else client.post(url, post.data(partnership))

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"
    if post:
        assert post.state(partnership) == before
    assert AuditEvent.objects.count() == 0


# --- the details behind the table ------------------------------------------------------------


def test_back_plan_suggests_dates_from_the_tender_date(partnership, personas, as_user):
    response = as_user(personas["facilitator"]).post(
        reverse("partnerships:timeline.edit", args=[partnership.pk]),
        {"back_plan": "1", "plan-tender_on": "2008-07-01"},
    )

    assert response.status_code == 200
    suggested = {name: response.context["form"].initial[name] for name in A_YEAR_LATER}
    assert suggested == A_YEAR_LATER
    assert timeline_of(partnership) == FACTORY_TIMELINE


def test_staff_who_are_not_members_are_outsiders(partnership, personas, as_user):
    client = as_user(personas["staff"])

    assert client.get(reverse("partnerships:dashboard", args=[partnership.pk])).status_code == 404
    assert client.get(reverse("partnerships:edit", args=[partnership.pk])).status_code == 404


def test_an_unknown_partnership_is_404_even_for_a_member(partnership, personas, as_user):
    response = as_user(personas["commissioner"]).get(
        reverse("partnerships:dashboard", args=[partnership.pk + 1000])
    )

    assert response.status_code == 404


def test_a_manager_cannot_remove_a_member_of_another_partnership(partnership, personas, as_user):
    other = Partnership.objects.create(
        title="Other PSP", service_area="Meals", lead_authority=partnership.lead_authority
    )
    stranger = member(other, Role.COMMISSIONER)
    their_membership = Membership.objects.get(user=stranger)

    response = as_user(personas["commissioner"]).post(
        reverse(
            "partnerships:member.remove",
            kwargs={"pk": partnership.pk, "membership_pk": their_membership.pk},
        )
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=their_membership.pk).exists()
    assert AuditEvent.objects.count() == 0


def test_a_manager_cannot_withdraw_an_invitation_to_another_partnership(
    partnership, personas, as_user
):
    other = Partnership.objects.create(
        title="Other PSP", service_area="Meals", lead_authority=partnership.lead_authority
    )
    kwargs = pending_invitation(other)

    response = as_user(personas["commissioner"]).post(
        reverse("partnerships:invitation.revoke", kwargs={"pk": partnership.pk, **kwargs})
    )

    assert response.status_code == 404
    assert other.invitations.pending().count() == 1
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("url_name", "prepare"),
    [("member.remove", leaving_member), ("invitation.revoke", pending_invitation)],
)
def test_remove_and_withdraw_only_accept_post(url_name, prepare, partnership, personas, as_user):
    url = reverse(f"partnerships:{url_name}", kwargs={"pk": partnership.pk, **prepare(partnership)})

    response = as_user(personas["commissioner"]).get(url)

    assert response.status_code == 405
    assert AuditEvent.objects.count() == 0


def test_the_last_commissioner_cannot_be_removed(partnership, personas, as_user):
    commissioner = Membership.objects.get(partnership=partnership, role=Role.COMMISSIONER)

    response = as_user(personas["facilitator"]).post(
        reverse(
            "partnerships:member.remove",
            kwargs={"pk": partnership.pk, "membership_pk": commissioner.pk},
        )
    )

    assert response.status_code == 302
    assert Membership.objects.filter(pk=commissioner.pk).exists()
    assert AuditEvent.objects.count() == 0


def test_a_refused_advance_is_recorded_with_its_reasons(partnership, personas, as_user):
    response = as_user(personas["commissioner"]).post(
        reverse("partnerships:stage", args=[partnership.pk]), {"note": "Too early"}
    )

    assert response.status_code == 200
    assert response.context["refusal"] == [
        "Steering sponsor approved the go decision (to PSP or not): Confirm this when you advance."
    ]
    assert fresh(partnership).stage == Stage.FEASIBILITY
    assert audit_trail(partnership) == [
        ("partnership.stage.advance_refused", personas["commissioner"].pk)
    ]


# --- the partnerships list and starting a partnership --------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_shows_only_your_own_partnerships(persona, partnership, personas, as_user):
    Partnership.objects.create(
        title="Someone else's PSP", service_area="Meals", lead_authority=partnership.lead_authority
    )

    response = as_user(personas[persona]).get(reverse("partnerships:list"))

    assert response.status_code == 200
    shown = [p.title for p in response.context["page_obj"]]
    assert shown == ([] if persona == "outsider" else [partnership.title])


def _council_officer():
    user = UserFactory()
    user.organisations.add(CouncilFactory(name="North Lanarkshire Council"))
    return user


def _health_officer():
    user = UserFactory()
    user.organisations.add(OrganisationFactory(name="NHS Lanarkshire", type="nhs_hscp"))
    return user


def _intermediary_worker():
    user = UserFactory()
    user.organisations.add(OrganisationFactory(name="Glasgow CVS", type="intermediary"))
    return user


def _charity_worker():
    user = UserFactory()
    user.organisations.add(OrganisationFactory(name="Furniture charity", type="charity"))
    return user


# fmt: off
WHO_MAY_START = [
    # who                                                   may start it, as
    ("site admin",     SiteAdminFactory,                    Role.COMMISSIONER),
    ("staff only",     lambda: UserFactory(is_staff=True),  None),
    ("council",        _council_officer,                    Role.COMMISSIONER),
    ("nhs",            _health_officer,                     Role.COMMISSIONER),
    ("intermediary",   _intermediary_worker,                Role.FACILITATOR),
    ("charity",        _charity_worker,                     None),
    ("no affiliation", UserFactory,                         None),
]
# fmt: on


@pytest.mark.parametrize(("who", "make_user", "seat"), WHO_MAY_START, ids=_ids(WHO_MAY_START))
def test_who_may_start_a_partnership(who, make_user, seat, db, as_user):
    """A council or health body's officer starts one as its commissioner, an intermediary's
    worker as its facilitator (with their intermediary filled in), nobody else."""
    council = CouncilFactory(name="Glasgow City Council")
    user = make_user()
    client = as_user(user)
    url = reverse("partnerships:new")

    page = client.get(url)
    response = client.post(
        url, {"title": "Glasgow meals PSP", "service_area": "Meals", "lead_authority": council.pk}
    )

    if seat:
        assert page.status_code == 200
        created = Partnership.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("partnerships:dashboard", args=[created.pk])
        assert list(created.memberships.values_list("user", "role")) == [(user.pk, seat.value)]
        assert audit_trail(created) == [("partnership.created", user.pk)]
        if seat == Role.FACILITATOR:
            assert created.intermediary.name == "Glasgow CVS"
    else:
        assert page.status_code == 403
        assert response.status_code == 403
        assert Partnership.objects.count() == 0
        assert AuditEvent.objects.count() == 0


def test_members_of_a_partnership_cannot_start_one_unless_public_sector(personas, as_user):
    # The personas' organisations are social enterprises, whatever their role.
    for role in ALL_ROLES:
        response = as_user(personas[role]).get(reverse("partnerships:new"))
        assert response.status_code == 403, role


def test_anonymous_visitors_must_sign_in_to_start_a_partnership(client, db):
    response = client.get(reverse("partnerships:new"))

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/partnerships/new/"
