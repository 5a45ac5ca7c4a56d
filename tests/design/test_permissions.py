"""Who may see and do what on the service design pages.

For every page and action below, run for every persona:

* a member whose role is in the "who may" column gets the page (200), or is redirected after
  the change (302) with the change audited under the given dotted code, by them;
* any other member gets 403 and nothing changes (no audit event);
* a signed-in person who is not a member (the "outsider") gets 404;
* an anonymous visitor is sent to sign in.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from coplan.core.models import AuditEvent
from coplan.design import domain
from coplan.design.enums import Disclosure
from coplan.design.models import Attendance, Consent, EngagementActivity, Item, SurveyImport
from coplan.partnerships.enums import Role
from tests.conftest import ALL_ROLES, PERSONAS

from .conftest import upload

MEMBERS = frozenset(ALL_ROLES)
CONTRIBUTORS = MEMBERS - {Role.OBSERVER.value}
FACILITATOR = frozenset({Role.FACILITATOR.value})
MANAGERS = frozenset({Role.FACILITATOR.value, Role.COMMISSIONER.value})
COMMISSIONER = frozenset({Role.COMMISSIONER.value})
CLASSIFIERS = frozenset({Role.FACILITATOR.value, Role.COMMISSIONER.value, Role.PROCUREMENT.value})


def activity(w):
    return {"activity_pk": w.workshop.pk}


def item(w):
    return {"item_pk": w.idea.pk}


def version(w):
    return {"number": w.version.number}


def requirement(w):
    return {"number": w.version.number, "requirement_pk": w.requirement.pk}


def theme(w):
    return {"theme_pk": w.storage.pk}


def attachment(w):
    found = domain.add_attachment(
        activity=w.workshop, actor=w.people["facilitator"], file=upload("notes.txt", b"Notes")
    )
    return {"attachment_pk": found.pk}


def survey(w):
    uploaded = domain.upload_survey(
        partnership=w.partnership,
        activity=w.survey,
        actor=w.people["facilitator"],
        file=upload("survey.csv", "Answer\nBeds first\n"),
    )
    return {"import_pk": uploaded.pk}


def nothing(w):
    return {}


# fmt: off
PAGES = [
    # page                      url name               who may       URL kwargs
    ("overview",                "overview",            MEMBERS,      nothing),
    ("activities",              "activity.list",       MEMBERS,      nothing),
    ("activity",                "activity.detail",     MEMBERS,      activity),
    ("new activity form",       "activity.new",        FACILITATOR,  nothing),
    ("edit activity form",      "activity.edit",       FACILITATOR,  activity),
    ("record form",             "activity.record",     FACILITATOR,  activity),
    ("attachment download",     "attachment.download", MEMBERS,      attachment),
    ("board",                   "board",               MEMBERS,      nothing),
    ("share form",              "item.new",            CONTRIBUTORS, nothing),
    ("item",                    "item.detail",         MEMBERS,      item),
    ("insights",                "insights",            MEMBERS,      nothing),
    ("theme form",              "theme.edit",          FACILITATOR,  theme),
    ("import upload form",      "import.upload",       FACILITATOR,  nothing),
    ("import mapping form",     "import.map",          FACILITATOR,  survey),
    ("specification versions",  "spec.list",           MEMBERS,      nothing),
    ("specification version",   "spec.detail",         MEMBERS,      version),
    ("edit draft form",         "spec.edit",           MANAGERS,     version),
    ("new requirement form",    "requirement.new",     MANAGERS,     version),
    ("edit requirement form",   "requirement.edit",    MANAGERS,     requirement),
    ("compare versions",        "spec.diff",           MEMBERS,      nothing),
    ("specification PDF",       "spec.pdf",            MEMBERS,      version),
    ("you said, we did",        "you_said",            MEMBERS,      nothing),
    ("you said, we did PDF",    "you_said.pdf",        MEMBERS,      nothing),
    ("consent",                 "consent.list",        MEMBERS,      nothing),
    ("disclosure",              "disclosure",          CLASSIFIERS,  nothing),
]
# fmt: on


@dataclass(frozen=True)
class Post:
    url_name: str
    allowed: frozenset
    audit: str  # the dotted code the change writes
    data: Callable = lambda w: {}
    prepare: Callable = nothing  # returns the URL kwargs (and may set up state)
    done: Callable = lambda w: True  # True once the change is in the database


def _approved(w):
    domain.approve_version(version=w.version, actor=w.people["commissioner"])
    return version(w)


POSTS = {
    "add activity": Post(
        "activity.new",
        FACILITATOR,
        "design.activity.created",
        data=lambda w: {
            "title": "Drop-in at the day centre",
            "method": "drop_in",
            "held_on": "2006-06-20",
            "place": "Coatbridge",
            "participant_count": "9",
        },
        done=lambda w: EngagementActivity.objects.filter(
            title="Drop-in at the day centre"
        ).exists(),
    ),
    "edit activity": Post(
        "activity.edit",
        FACILITATOR,
        "design.activity.updated",
        data=lambda w: {
            "title": "Renamed workshop",
            "method": "workshop",
            "held_on": "2006-05-17",
            "place": "Motherwell",
            "participant_count": "15",
        },
        prepare=activity,
        done=lambda w: EngagementActivity.objects.filter(title="Renamed workshop").exists(),
    ),
    "record what was said": Post(
        "activity.record",
        FACILITATOR,
        "design.item.recorded",
        data=lambda w: {"kind": "idea", "text": "A van to collect furniture"},
        prepare=activity,
        done=lambda w: Item.objects.filter(text="A van to collect furniture").exists(),
    ),
    "open link": Post(
        "activity.link",
        FACILITATOR,
        "design.activity.link_opened",
        prepare=activity,
        done=lambda w: EngagementActivity.objects.get(pk=w.workshop.pk).open_token is not None,
    ),
    "add attendance": Post(
        "attendance.add",
        FACILITATOR,
        "design.attendance.added",
        data=lambda w: {"consent": Consent.objects.get(user=w.people["service_user"]).pk},
        prepare=activity,
        done=lambda w: Attendance.objects.filter(activity=w.workshop).exists(),
    ),
    "remove attendance": Post(
        "attendance.remove",
        FACILITATOR,
        "design.attendance.removed",
        prepare=lambda w: {
            **activity(w),
            "attendance_pk": domain.add_attendance(
                activity=w.workshop,
                actor=w.people["facilitator"],
                consent=Consent.objects.get(user=w.people["service_user"]),
            ).pk,
        },
        done=lambda w: not Attendance.objects.exists(),
    ),
    "attach a file": Post(
        "attachment.add",
        FACILITATOR,
        "design.attachment.added",
        data=lambda w: {"title": "Flip chart", "file": upload("flip.png", b"\x89PNG")},
        prepare=activity,
        done=lambda w: w.workshop.attachments.filter(title="Flip chart").exists(),
    ),
    "post an idea": Post(
        "item.new",
        CONTRIBUTORS,
        "design.item.posted",
        data=lambda w: {"kind": "idea", "text": "Evening deliveries", "consent_given": "on"},
        done=lambda w: Item.objects.filter(text="Evening deliveries").exists(),
    ),
    "support": Post(
        "item.support",
        CONTRIBUTORS,
        "design.item.supported",
        prepare=item,
        done=lambda w: w.idea.supports.exists(),
    ),
    "comment": Post(
        "item.comment",
        CONTRIBUTORS,
        "design.item.commented",
        data=lambda w: {"text": "Agreed", "consent_given": "on"},
        prepare=item,
        done=lambda w: w.idea.comments.filter(text="Agreed").exists(),
    ),
    "tag and mark insight": Post(
        "item.curate",
        FACILITATOR,
        "design.item.curated",
        data=lambda w: {"themes": [w.speed.pk], "is_insight": "on"},
        prepare=item,
        done=lambda w: list(w.idea.themes.all()) == [w.speed],
    ),
    "merge": Post(
        "item.merge",
        FACILITATOR,
        "design.item.merged",
        data=lambda w: {"keep": w.idea.pk},
        prepare=lambda w: {"item_pk": w.feedback.pk},
        done=lambda w: Item.objects.get(pk=w.feedback.pk).merged_into_id == w.idea.pk,
    ),
    "respond": Post(
        "item.respond",
        MANAGERS,
        "design.item.responded",
        data=lambda w: {"we_did": "Free storage for a year"},
        prepare=item,
        done=lambda w: Item.objects.get(pk=w.idea.pk).we_did == "Free storage for a year",
    ),
    "add theme": Post(
        "theme.new",
        FACILITATOR,
        "design.theme.created",
        data=lambda w: {"name": "Reuse"},
        done=lambda w: w.partnership.themes.filter(name="Reuse").exists(),
    ),
    "rename theme": Post(
        "theme.edit",
        FACILITATOR,
        "design.theme.updated",
        data=lambda w: {"name": "Safe storage"},
        prepare=theme,
        done=lambda w: w.partnership.themes.filter(name="Safe storage").exists(),
    ),
    "upload survey": Post(
        "import.upload",
        FACILITATOR,
        "design.import.uploaded",
        data=lambda w: {"activity": w.survey.pk, "file": upload("s.csv", "Answer\nBeds\n")},
        done=lambda w: SurveyImport.objects.exists(),
    ),
    "import survey": Post(
        "import.map",
        FACILITATOR,
        "design.import.completed",
        data=lambda w: {"text_columns": ["Answer"], "kind": "feedback"},
        prepare=survey,
        done=lambda w: Item.objects.filter(text="Beds first", source="survey").exists(),
    ),
    "start a new draft": Post(
        "spec.new",
        MANAGERS,
        "design.spec.draft_created",
        prepare=lambda w: (_approved(w), {})[1],
        done=lambda w: w.partnership.specification_versions.filter(number=2).exists(),
    ),
    "edit draft": Post(
        "spec.edit",
        MANAGERS,
        "design.spec.updated",
        data=lambda w: {"change_note": "First draft", "intro_outcomes": "Nobody on a floor"},
        prepare=version,
        done=lambda w: w.version.sections.get(kind="outcomes").intro == "Nobody on a floor",
    ),
    "add requirement": Post(
        "requirement.new",
        MANAGERS,
        "design.spec.requirement.added",
        data=lambda w: {"section": "outcomes", "text": "Nobody sleeps on a floor"},
        prepare=version,
        done=lambda w: w.version.requirements.filter(key="OUT-1").exists(),
    ),
    "change requirement": Post(
        "requirement.edit",
        MANAGERS,
        "design.spec.requirement.updated",
        data=lambda w: {"section": "service_levels", "text": "Store for 6 months"},
        prepare=requirement,
        done=lambda w: w.version.requirements.get().text == "Store for 6 months",
    ),
    "remove requirement": Post(
        "requirement.remove",
        MANAGERS,
        "design.spec.requirement.removed",
        prepare=requirement,
        done=lambda w: not w.version.requirements.exists(),
    ),
    "approve": Post(
        "spec.approve",
        COMMISSIONER,
        "design.spec.approved",
        prepare=version,
        done=lambda w: w.partnership.specification_versions.get().status == "approved",
    ),
    "freeze": Post(
        "spec.freeze",
        COMMISSIONER,
        "design.spec.frozen",
        prepare=_approved,
        done=lambda w: w.partnership.specification_versions.get().status == "frozen",
    ),
    "discard draft": Post(
        "spec.discard",
        MANAGERS,
        "design.spec.draft_discarded",
        prepare=version,
        done=lambda w: not w.partnership.specification_versions.exists(),
    ),
    "record consent": Post(
        "consent.list",
        FACILITATOR,
        "design.consent.recorded",
        data=lambda w: {"name": "Jo Bloggs", "covers": "Named quotes", "given_on": "2006-05-17"},
        done=lambda w: Consent.objects.filter(name="Jo Bloggs").exists(),
    ),
    "classify several": Post(
        "disclosure",
        CLASSIFIERS,
        "design.disclosure.classified",
        data=lambda w: {"ref": [f"activity:{w.workshop.pk}"], "disclosure": "publish"},
        done=lambda w: EngagementActivity.objects.get(pk=w.workshop.pk).disclosure == "publish",
    ),
    "classify one": Post(
        "classify",
        CLASSIFIERS,
        "design.disclosure.classified",
        data=lambda w: {"disclosure": "internal_only", "reason": "Personal stories"},
        prepare=lambda w: {"kind": "item", "obj_pk": w.feedback.pk},
        done=lambda w: Item.objects.get(pk=w.feedback.pk).disclosure == "internal_only",
    ),
}


def new_events(before: int):
    return AuditEvent.objects.filter(pk__gt=before).order_by("id")


def last_event_id() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.pk if last else 0


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("page", "url_name", "allowed", "kwargs"), PAGES, ids=[row[0] for row in PAGES]
)
def test_pages(page, url_name, allowed, kwargs, persona, world, as_user):
    url = reverse(f"design:{url_name}", kwargs={"pk": world.partnership.pk, **kwargs(world)})

    response = as_user(world.people[persona]).get(url)

    if persona == "outsider":
        assert response.status_code == 404
    elif persona in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(POSTS))
def test_actions(action, persona, world, as_user, django_capture_on_commit_callbacks):
    post = POSTS[action]
    user = world.people[persona]
    url = reverse(
        f"design:{post.url_name}", kwargs={"pk": world.partnership.pk, **post.prepare(world)}
    )
    before = last_event_id()
    done_before = post.done(world)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(user).post(url, post.data(world))

    if persona in post.allowed:
        assert response.status_code == 302, getattr(response, "context", {}) and [
            f.errors for f in [response.context.get("form")] if f
        ]
        assert post.done(world)
        events = new_events(before)
        assert post.audit in [e.action for e in events]
        assert {e.actor_id for e in events} == {user.pk}
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert post.done(world) == done_before
        assert not new_events(before).exists()


@pytest.mark.parametrize(("page", "url_name", "allowed", "kwargs"), PAGES[:6])
def test_anonymous_visitors_are_sent_to_sign_in(page, url_name, allowed, kwargs, world, client):
    url = reverse(f"design:{url_name}", kwargs={"pk": world.partnership.pk, **kwargs(world)})

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_anonymous_visitors_cannot_post(world, client):
    url = reverse("design:item.new", args=[world.partnership.pk])
    before = last_event_id()

    response = client.post(url, {"kind": "idea", "text": "Spam", "consent_given": "on"})

    assert response.status_code == 302
    assert not new_events(before).exists()


# --- consent withdrawal: the person themselves, or the facilitator -----------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_withdraw_a_members_consent(persona, world, as_user):
    consent = Consent.objects.get(user=world.people["service_user"])
    url = reverse("design:consent.withdraw", args=[world.partnership.pk, consent.pk])

    response = as_user(world.people[persona]).post(url)

    consent.refresh_from_db()
    if persona in {"service_user", "facilitator"}:
        assert response.status_code == 302
        assert consent.withdrawn_on is not None
    else:
        assert response.status_code == (404 if persona == "outsider" else 403)
        assert consent.withdrawn_on is None


def test_members_see_only_their_own_consent(world, as_user):
    response = as_user(world.people["service_user"]).get(
        reverse("design:consent.list", args=[world.partnership.pk])
    )

    shown = list(response.context["page_obj"])
    assert [c.user for c in shown] == [world.people["service_user"]]
    assert response.context["form"] is None


# --- service users never see internal-only artefacts -------------------------------------------


def _internal(world, obj):
    domain.classify(
        obj=obj, actor=world.people["facilitator"], disclosure="internal_only", reason="Sensitive"
    )


@pytest.mark.parametrize(
    ("url_name", "kwargs", "artefact"),
    [
        ("activity.detail", activity, lambda w: w.workshop),
        ("item.detail", lambda w: {"item_pk": w.feedback.pk}, lambda w: w.feedback),
        ("spec.detail", version, lambda w: w.version),
        ("spec.pdf", version, lambda w: w.version),
        ("attachment.download", attachment, None),
    ],
)
def test_internal_only_artefacts_are_404_for_service_users(
    url_name, kwargs, artefact, world, as_user
):
    url_kwargs = kwargs(world)
    obj = artefact(world) if artefact else world.workshop.attachments.get()
    _internal(world, obj)
    url = reverse(f"design:{url_name}", kwargs={"pk": world.partnership.pk, **url_kwargs})

    assert as_user(world.people["service_user"]).get(url).status_code == 404
    assert as_user(world.people["se_partner"]).get(url).status_code == 200


def test_internal_only_artefacts_are_left_out_of_service_user_lists(world, as_user):
    _internal(world, world.workshop)
    _internal(world, world.feedback)
    _internal(world, world.speed)
    client = as_user(world.people["service_user"])
    p = world.partnership.pk

    board = client.get(reverse("design:board", args=[p])).context["page_obj"]
    activities = client.get(reverse("design:activity.list", args=[p])).context["page_obj"]
    insights = client.get(reverse("design:insights", args=[p])).context
    you_said = client.get(reverse("design:you_said", args=[p])).context["rows"]

    assert list(board) == [world.idea]
    assert [a.pk for a in activities] == [world.survey.pk]
    assert [r.theme for r in insights["summary"].rows] == [world.storage]
    assert [row.insight for row in you_said] == [world.idea]
    spec = client.get(reverse("design:spec.detail", args=[p, 1]))
    linked = spec.context["sections"][2].requirements.all()[0]
    assert list(linked.activities.all()) == []  # the internal workshop is not shown as evidence
    assert b"Motherwell Civic Centre" not in spec.content


def test_the_disclosure_class_is_hidden_from_service_users(world, as_user):
    response = as_user(world.people["service_user"]).get(
        reverse("design:item.detail", args=[world.partnership.pk, world.idea.pk])
    )

    assert Disclosure.UNCLASSIFIED.label.encode() not in response.content
    assert b"Disclosure to bidders" not in response.content


# --- the open engagement link ------------------------------------------------------------------


def test_the_open_link_lets_anyone_post_while_it_is_on(world, client):
    domain.open_link(activity=world.workshop, actor=world.people["facilitator"])
    url = reverse("design:open", args=[world.partnership.pk, world.workshop.open_token])

    page = client.get(url)
    sent = client.post(url, {"kind": "feedback", "text": "The van was late", "name": ""})

    assert page.status_code == 200
    assert sent.status_code == 302 and sent["Location"] == f"{url}?sent=1"
    posted = Item.objects.get(text="The van was late")
    assert (posted.activity, posted.source, posted.author) == (world.workshop, "open_link", None)
    assert AuditEvent.objects.filter(action="design.item.posted_openly", actor=None).exists()


def test_a_wrong_or_closed_open_link_is_404(world, client):
    domain.open_link(activity=world.workshop, actor=world.people["facilitator"])
    token = world.workshop.open_token
    domain.close_open_link(activity=world.workshop, actor=world.people["facilitator"])

    assert client.get(reverse("design:open", args=[world.partnership.pk, token])).status_code == 404
    assert client.get(reverse("design:open", args=[world.partnership.pk, "x"])).status_code == 404
