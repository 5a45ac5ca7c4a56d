"""Who may see and do what on the governance pages, for every role.

The ``gov`` fixture sits the commissioner (chair), the procurement officer and the steering
group member on the steering group with the facilitator as secretary, and the facilitator
(chair), the social enterprise partner and the service user on the design committee. The rule,
for every row below:

* a member whose role is in the "who may" column gets the page (200), or the change is made,
  audited once under their name and they are redirected (302);
* any other member gets 403 and nothing changes (no audit event, no email);
* a signed-in person who is not a member gets 404;
* an anonymous visitor is sent to sign in.

So members of one body cannot edit another body's minutes, and observers only read.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.urls import reverse

from coplan.core.models import AuditEvent
from coplan.governance import domain
from coplan.governance.enums import AttendanceStatus, BodyKind
from coplan.governance.models import Action, Body, Meeting
from coplan.partnerships.models import Membership
from tests.conftest import ALL_ROLES, PERSONAS

from .conftest import Gov
from .factories import held_meeting, meeting_of

MEMBERS = frozenset(ALL_ROLES)
MANAGERS = frozenset({"facilitator", "commissioner"})
STEERING = MANAGERS | {"procurement", "steering"}  # who may run the steering group
DESIGN = MANAGERS | {"se_partner", "service_user"}  # who may run the design committee
OWNER = STEERING | {"se_partner"}  # the partner owns an action of the steering group


# --- what each row needs -------------------------------------------------------------------


def nothing(gov: Gov) -> dict:
    return {}


def steering_body(gov):
    return {"body_pk": gov.steering.pk}


def design_body(gov):
    return {"body_pk": gov.design.pk}


def upcoming(gov):
    return {"meeting_pk": meeting_of(gov.steering, days_ahead=7).pk}


def held(gov):
    return {"meeting_pk": held_meeting(gov.steering).pk}


def held_design(gov):
    return {"meeting_pk": held_meeting(gov.design).pk}


def minuted(gov):
    meeting = held_meeting(gov.steering)
    domain.save_minutes(meeting=meeting, actor=None, text="Agreed the plan.")
    return {"meeting_pk": meeting.pk}


def agenda_item(gov):
    meeting = meeting_of(gov.steering, days_ahead=7)
    item = domain.add_agenda_item(meeting=meeting, actor=None, title="Pilot report")
    return {"meeting_pk": meeting.pk, "item_pk": item.pk}


def paper(gov):
    item = domain.add_agenda_item(
        meeting=meeting_of(gov.steering, days_ahead=7), actor=None, title="Pilot report"
    )
    document = domain.add_paper(
        agenda_item=item,
        actor=None,
        title="",
        file=SimpleUploadedFile("report.pdf", b"%PDF-1.7", "application/pdf"),
    )
    return {"paper_pk": document.pk}


def steering_action(gov):
    action = domain.create_action(
        partnership=gov.partnership,
        actor=None,
        description="Share the referral data.",
        owner=gov.people["se_partner"],
        due_on=dt.date(2030, 1, 31),
        meeting=held_meeting(gov.steering),
    )
    return {"action_pk": action.pk}


def seat(gov):
    member = gov.steering.members.get(user=gov.people["steering"])
    return {"body_pk": gov.steering.pk, "seat_pk": member.pk}


def csv(gov):
    return {"fmt": "csv"}


# fmt: off
PAGES = [
    # page                     url name            prepare         who may
    ("overview",               "index",            nothing,        MEMBERS),
    ("meetings",               "meetings",         nothing,        MEMBERS),
    ("decisions",              "decisions",        nothing,        MEMBERS),
    ("action log",             "actions",          nothing,        MEMBERS),
    ("export action log",      "actions.export",   csv,            MEMBERS),
    ("register of interests",  "interests",        nothing,        MEMBERS),
    ("body",                   "body",             steering_body,  MEMBERS),
    ("meeting",                "meeting",          held,           MEMBERS),
    ("paper",                  "paper",            paper,          MEMBERS),
    ("minutes PDF",            "minutes.pdf",      minuted,        MEMBERS),
    ("set up a body",          "body.new",         nothing,        MANAGERS),
    ("terms of reference",     "body.edit",        steering_body,  MANAGERS),
    ("edit a seat form",       "body.member.edit", seat,           MANAGERS),
    ("schedule steering",      "meeting.new",      steering_body,  STEERING),
    ("schedule design",        "meeting.new",      design_body,    DESIGN),
    ("change meeting",         "meeting.edit",     upcoming,       STEERING),
    ("cancel meeting form",    "meeting.cancel",   upcoming,       STEERING),
    ("agenda item form",       "agenda.new",       upcoming,       STEERING),
    ("paper form",             "paper.new",        agenda_item,    STEERING),
    ("attendance form",        "attendance",       held,           STEERING),
    ("declaration form",       "declaration.new",  held,           STEERING),
    ("steering minutes form",  "minutes",          held,           STEERING),
    ("design minutes form",    "minutes",          held_design,    DESIGN),
    ("decision form",          "decision.new",     held,           STEERING),
    ("partnership action form", "action.new",      nothing,        MANAGERS),
    ("update action form",     "action.edit",      steering_action, OWNER),
]
# fmt: on


def fresh_meeting(ctx) -> Meeting:
    return Meeting.objects.get(pk=ctx["meeting_pk"])


def meeting_url(gov, ctx):
    return fresh_meeting(ctx).get_absolute_url()


def body_url(gov, ctx):
    return Body.objects.get(pk=ctx["body_pk"]).get_absolute_url()


def evaluator_membership(gov):
    return Membership.objects.get(partnership=gov.partnership, user=gov.people["evaluator"])


@dataclass(frozen=True)
class Post:
    url_name: str
    allowed: frozenset
    prepare: Callable[[Gov], dict]
    data: Callable[[Gov, dict], dict]
    state: Callable[[Gov, dict], object]
    after: object
    audit: str
    then: Callable[[Gov, dict], str]
    mails: int = 0
    query: Callable[[Gov, dict], str] = lambda gov, ctx: ""


def meeting_form(location):
    return lambda gov, ctx: {
        "title": "",
        "date": "2030-05-14",
        "starts": "10:00",
        "ends": "12:00",
        "location": location,
        "online_url": "",
    }


POSTS = {
    "set up a body": Post(
        "body.new",
        MANAGERS,
        nothing,
        lambda gov, ctx: {
            "kind": BodyKind.WORKING_GROUP,
            "name": "Referrals working group",
            "quorum": "2",
            "decision_rule": "consensus",
        },
        lambda gov, ctx: Body.objects.filter(name="Referrals working group").count(),
        1,
        "governance.body.created",
        lambda gov, ctx: Body.objects.get(name="Referrals working group").get_absolute_url(),
    ),
    "add a member": Post(
        "body",
        MANAGERS,
        steering_body,
        lambda gov, ctx: {
            "membership": evaluator_membership(gov).pk,
            "role_in_body": "adviser",
            "is_voting": "no",
        },
        lambda gov, ctx: gov.steering.members.filter(user=gov.people["evaluator"]).count(),
        1,
        "governance.body.member_added",
        body_url,
    ),
    "edit a seat": Post(
        "body.member.edit",
        MANAGERS,
        seat,
        lambda gov, ctx: {"role_in_body": "member", "is_voting": "no"},
        lambda gov, ctx: gov.steering.members.get(pk=ctx["seat_pk"]).is_voting,
        False,
        "governance.body.member_updated",
        body_url,
    ),
    "remove a member": Post(
        "body.member.remove",
        MANAGERS,
        seat,
        lambda gov, ctx: {},
        lambda gov, ctx: gov.steering.members.get(pk=ctx["seat_pk"]).left_on is not None,
        True,
        "governance.body.member_removed",
        body_url,
    ),
    "edit terms of reference": Post(
        "body.edit",
        MANAGERS,
        steering_body,
        lambda gov, ctx: {
            "name": "Steering group",
            "purpose": "",
            "terms_of_reference": "Meets every two months.",
            "quorum": "3",
            "decision_rule": "simple_majority",
        },
        lambda gov, ctx: Body.objects.get(pk=gov.steering.pk).quorum,
        3,
        "governance.body.updated",
        body_url,
    ),
    "schedule steering": Post(
        "meeting.new",
        STEERING,
        steering_body,
        meeting_form("Room 2"),
        lambda gov, ctx: gov.steering.meetings.count(),
        1,
        "governance.meeting.scheduled",
        lambda gov, ctx: gov.steering.meetings.get().get_absolute_url(),
    ),
    "schedule design": Post(
        "meeting.new",
        DESIGN,
        design_body,
        meeting_form("Room 2"),
        lambda gov, ctx: gov.design.meetings.count(),
        1,
        "governance.meeting.scheduled",
        lambda gov, ctx: gov.design.meetings.get().get_absolute_url(),
    ),
    "change meeting": Post(
        "meeting.edit",
        STEERING,
        upcoming,
        meeting_form("Room 4"),
        lambda gov, ctx: fresh_meeting(ctx).location,
        "Room 4",
        "governance.meeting.updated",
        meeting_url,
    ),
    "cancel meeting": Post(
        "meeting.cancel",
        STEERING,
        upcoming,
        lambda gov, ctx: {"reason": "The chair is ill."},
        lambda gov, ctx: fresh_meeting(ctx).cancelled_at is not None,
        True,
        "governance.meeting.cancelled",
        meeting_url,
    ),
    "send invitations": Post(
        "meeting.invite",
        STEERING,
        upcoming,
        lambda gov, ctx: {},
        lambda gov, ctx: fresh_meeting(ctx).invitations_sent_at is not None,
        True,
        "governance.meeting.invitations_sent",
        meeting_url,
        mails=4,
    ),
    "add agenda item": Post(
        "agenda.new",
        STEERING,
        upcoming,
        lambda gov, ctx: {"title": "Pilot report", "description": "", "presenter": ""},
        lambda gov, ctx: fresh_meeting(ctx).agenda_items.count(),
        1,
        "governance.agenda_item.added",
        meeting_url,
    ),
    "add paper": Post(
        "paper.new",
        STEERING,
        agenda_item,
        lambda gov, ctx: {
            "title": "Monitoring report",
            "file": SimpleUploadedFile("monitoring.xlsx", b"PK fake", "application/zip"),
        },
        lambda gov, ctx: fresh_meeting(ctx).agenda_items.get().papers.count(),
        1,
        "governance.paper.added",
        meeting_url,
    ),
    "record attendance": Post(
        "attendance",
        STEERING,
        lambda gov: {"meeting_pk": meeting_of(gov.steering).pk},
        lambda gov, ctx: {
            f"person_{s.user_id}": AttendanceStatus.PRESENT for s in domain.seats_on(gov.steering)
        },
        lambda gov, ctx: fresh_meeting(ctx).attendance.count(),
        4,
        "governance.attendance.recorded",
        meeting_url,
    ),
    "record declaration": Post(
        "declaration.new",
        STEERING,
        held,
        lambda gov, ctx: {
            "person": gov.people["steering"].pk,
            "agenda_item": "",
            "nature": "financial",
            "interest": "Shares in a bidder.",
            "outcome": "no_vote",
        },
        lambda gov, ctx: fresh_meeting(ctx).declarations.count(),
        1,
        "governance.declaration.recorded",
        meeting_url,
    ),
    "write steering minutes": Post(
        "minutes",
        STEERING,
        held,
        lambda gov, ctx: {"text": "The group agreed the risk log."},
        lambda gov, ctx: getattr(fresh_meeting(ctx).minutes_or_none, "text", None),
        "The group agreed the risk log.",
        "governance.minutes.drafted",
        meeting_url,
    ),
    "write design minutes": Post(
        "minutes",
        DESIGN,
        held_design,
        lambda gov, ctx: {"text": "The committee agreed the consortium's name."},
        lambda gov, ctx: getattr(fresh_meeting(ctx).minutes_or_none, "text", None),
        "The committee agreed the consortium's name.",
        "governance.minutes.drafted",
        meeting_url,
    ),
    "record decision": Post(
        "decision.new",
        STEERING,
        held,
        lambda gov, ctx: {
            "kind": "general",
            "stage": "",
            "minutes": "",
            "agenda_item": "",
            "text": "The risk log was agreed.",
        },
        lambda gov, ctx: fresh_meeting(ctx).decisions.count(),
        1,
        "governance.decision.recorded",
        meeting_url,
    ),
    "add partnership action": Post(
        "action.new",
        MANAGERS,
        nothing,
        lambda gov, ctx: {
            "description": "Book the room.",
            "owner": gov.people["evaluator"].pk,
            "due_on": "2030-01-31",
        },
        lambda gov, ctx: Action.objects.filter(meeting=None).count(),
        1,
        "governance.action.created",
        lambda gov, ctx: reverse("governance:actions", args=[gov.partnership.pk]),
        mails=1,
    ),
    "add meeting action": Post(
        "action.new",
        STEERING,
        lambda gov: {"meeting": held_meeting(gov.steering).pk},  # a query parameter
        lambda gov, ctx: {
            "meeting": ctx["meeting"],
            "description": "Book the room.",
            "owner": gov.people["evaluator"].pk,
            "due_on": "2030-01-31",
            "decision": "",
        },
        lambda gov, ctx: Meeting.objects.get(pk=ctx["meeting"]).actions.count(),
        1,
        "governance.action.created",
        lambda gov, ctx: Meeting.objects.get(pk=ctx["meeting"]).get_absolute_url(),
        mails=1,
        query=lambda gov, ctx: f"?meeting={ctx['meeting']}",
    ),
    "update action": Post(
        "action.edit",
        OWNER,
        steering_action,
        lambda gov, ctx: {
            "status": "done",
            "due_on": "2030-01-31",
            "owner": gov.people["se_partner"].pk,
            "progress_note": "Sent on Monday.",
        },
        lambda gov, ctx: Action.objects.get(pk=ctx["action_pk"]).status,
        "done",
        "governance.action.updated",
        lambda gov, ctx: reverse("governance:actions", args=[gov.partnership.pk]),
    ),
}
ACTIONS = list(POSTS)


def url(gov, url_name, ctx, query="") -> str:
    kwargs = {k: v for k, v in ctx.items() if k.endswith("_pk") or k == "fmt"}
    return reverse(f"governance:{url_name}", kwargs={"pk": gov.partnership.pk, **kwargs}) + query


def new_events(since: int) -> list[tuple[str, int | None]]:
    return list(
        AuditEvent.objects.filter(pk__gt=since).order_by("id").values_list("action", "actor_id")
    )


def last_event() -> int:
    return AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("page", "url_name", "prepare", "allowed"), PAGES, ids=[p[0] for p in PAGES]
)
def test_pages(page, url_name, prepare, allowed, persona, gov, as_user):
    target = url(gov, url_name, prepare(gov))

    response = as_user(gov.people[persona]).get(target)

    if persona == "outsider":
        assert response.status_code == 404
    elif persona in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ACTIONS)
def test_actions(action, persona, gov, as_user, django_capture_on_commit_callbacks):
    post = POSTS[action]
    user = gov.people[persona]
    ctx = post.prepare(gov)
    before = post.state(gov, ctx)
    since = last_event()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(user).post(
            url(gov, post.url_name, ctx, post.query(gov, ctx)), post.data(gov, ctx)
        )

    if persona in post.allowed:
        assert response.status_code == 302, getattr(response, "context", {}) and (
            response.context.get("form") and response.context["form"].errors
        )
        assert response["Location"] == post.then(gov, ctx)
        assert post.state(gov, ctx) == post.after
        assert new_events(since)[-1] == (post.audit, user.pk)
        assert [e for e in new_events(since) if e[0] == post.audit] == [(post.audit, user.pk)]
        assert len(mail.outbox) == post.mails
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert post.state(gov, ctx) == before
        assert new_events(since) == []
        assert mail.outbox == []


ALL_URLS = [(p[0], p[1], p[2], "GET", None) for p in PAGES] + [
    (name, post.url_name, post.prepare, "POST", post) for name, post in POSTS.items()
]


@pytest.mark.parametrize(
    ("name", "url_name", "prepare", "method", "post"),
    ALL_URLS,
    ids=[u[0] + " " + u[3] for u in ALL_URLS],
)
def test_anonymous_visitors_are_sent_to_sign_in(name, url_name, prepare, method, post, gov, client):
    ctx = prepare(gov)
    target = url(gov, url_name, ctx)
    since = last_event()

    response = client.get(target) if method == "GET" else client.post(target, post.data(gov, ctx))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert new_events(since) == []


def test_remove_and_invite_only_accept_post(gov, as_user):
    client = as_user(gov.people["commissioner"])
    assert client.get(url(gov, "body.member.remove", seat(gov))).status_code == 405
    assert client.get(url(gov, "meeting.invite", upcoming(gov))).status_code == 405


def test_objects_of_another_partnership_are_not_found(gov, as_user):
    from tests.factories import PartnershipFactory

    from .factories import make_body

    other = PartnershipFactory()
    body = make_body(other)
    meeting = meeting_of(body, days_ahead=3)
    client = as_user(gov.people["commissioner"])
    for url_name, kwargs in [
        ("body", {"body_pk": body.pk}),
        ("meeting", {"meeting_pk": meeting.pk}),
        ("meeting.edit", {"meeting_pk": meeting.pk}),
        ("minutes", {"meeting_pk": meeting.pk}),
    ]:
        target = reverse(f"governance:{url_name}", kwargs={"pk": gov.partnership.pk, **kwargs})
        assert client.get(target).status_code == 404, url_name


# --- personal pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_what_needs_doing_is_for_the_people_who_run_a_partnership(persona, gov, as_user):
    response = as_user(gov.people[persona]).get(reverse("governance_personal:needs_doing"))
    assert response.status_code == (200 if persona in MANAGERS else 403)


@pytest.mark.parametrize("name", ["actions", "needs_doing", "interests", "calendar"])
def test_personal_pages_need_signing_in(name, client, db):
    response = client.get(reverse(f"governance_personal:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
