"""Who may see and do what on the costing pages, for every role.

The world: the enterprise partner's organisation owns a cost model whose version 1 is locked
and shared with the council and version 2 is a draft; a second enterprise ("other_se") has its
own partner. For every page and action below, for every persona:

* a persona in "who may" gets the page (200), or the change is made and audited (302);
* a persona in "hidden" gets 404 (it cannot know the object exists: outsiders always, and
  anyone who may not see a private cost model or draft);
* every other member gets 403 and nothing changes (no audit event);
* anonymous visitors are sent to sign in.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from coplan.core.models import AuditEvent
from coplan.costing import domain
from coplan.costing.enums import CapacityArea
from coplan.costing.models import CostModelVersion
from tests.conftest import PERSONAS

ALL = frozenset([*PERSONAS, "other_se"]) - {"outsider"}
SEES_COSTS = ALL - {"service_user"}
COUNCIL = frozenset({"commissioner", "procurement", "steering", "evaluator", "observer"})
OWNER = frozenset({"se_partner"})
OWNER_AND_FACILITATOR = frozenset({"se_partner", "facilitator"})
ENTERPRISES = frozenset({"se_partner", "other_se", "facilitator"})
SEES_MODEL = OWNER_AND_FACILITATOR | COUNCIL
NOBODY = frozenset()
EVERYONE = [*PERSONAS, "other_se"]


def nothing(w):
    return {}


def model(w):
    return {"model_pk": w.model.pk}


def shared(w):
    return {"model_pk": w.model.pk, "number": 1}


def draft(w):
    return {"model_pk": w.model.pk, "number": 2}


def staff_line(w):
    return {**draft(w), "line_pk": w.draft.staff_lines.first().pk}


def cost_line(w):
    return {**draft(w), "line_pk": w.draft.direct_costs.first().pk}


def pool(w):
    return {**draft(w), "pool_pk": w.draft.pools.first().pk}


def floor_area(w):
    return {**draft(w), "driver": "floor_area"}


def enterprise(w):
    return {"org_pk": w.enterprise.pk}


def assessment(w):
    return {"assessment_pk": w.assessment.pk}


def action(w):
    return {"action_pk": w.action.pk}


# fmt: off
PAGES = [
    # page, url name, who may, hidden (404), URL kwargs
    ("cost models", "overview", SEES_COSTS, NOBODY, nothing),
    ("blank workbook", "template", SEES_COSTS, NOBODY, nothing),
    ("new model form", "model.new", ENTERPRISES, NOBODY, nothing),
    ("cost model", "model.detail", SEES_MODEL, {"other_se"}, model),
    ("shared version", "version.detail", SEES_MODEL, {"other_se"}, shared),
    ("draft version", "version.detail", OWNER_AND_FACILITATOR, COUNCIL | {"other_se"}, draft),
    ("shared workbook", "version.export", SEES_MODEL, {"other_se"}, shared),
    ("draft workbook", "version.export", OWNER_AND_FACILITATOR, COUNCIL | {"other_se"}, draft),
    ("compare versions", "version.compare", SEES_MODEL, {"other_se"}, model),
    ("settings form", "version.settings", OWNER_AND_FACILITATOR, {"other_se"}, draft),
    ("locked settings form", "version.settings", NOBODY, {"other_se"}, shared),
    ("new post form", "staff.new", OWNER_AND_FACILITATOR, {"other_se"}, draft),
    ("edit post form", "staff.edit", OWNER_AND_FACILITATOR, {"other_se"}, staff_line),
    ("new cost form", "cost.new", OWNER_AND_FACILITATOR, {"other_se"}, draft),
    ("edit cost form", "cost.edit", OWNER_AND_FACILITATOR, {"other_se"}, cost_line),
    ("new pool form", "pool.new", OWNER_AND_FACILITATOR, {"other_se"}, draft),
    ("edit pool form", "pool.edit", OWNER_AND_FACILITATOR, {"other_se"}, pool),
    ("floor area form", "drivers.edit", OWNER_AND_FACILITATOR, {"other_se"}, floor_area),
    ("import form", "model.import", OWNER_AND_FACILITATOR, {"other_se"}, model),
    ("capacity", "capacity", SEES_COSTS, NOBODY, nothing),
    ("enterprise capacity", "capacity.organisation", SEES_COSTS, NOBODY, enterprise),
    ("assessment", "assessment.detail", SEES_COSTS, NOBODY, assessment),
    ("assessment form", "assessment.new", ENTERPRISES, NOBODY, nothing),
    ("plan", "plan", SEES_COSTS, NOBODY, nothing),
    ("new action form", "action.new", ENTERPRISES, NOBODY, nothing),
    ("edit action form", "action.edit", OWNER_AND_FACILITATOR, NOBODY, action),
]
# fmt: on


@pytest.fixture
def world(locked):
    w = locked
    w.assessment = domain.record_assessment(
        partnership=w.partnership,
        actor=w.owner,
        organisation=w.enterprise,
        assessed_on=dt.date(2006, 3, 1),
        scores={a.value: (3, "") for a in CapacityArea},
    )
    w.action = domain.add_action(
        partnership=w.partnership,
        actor=w.people["facilitator"],
        organisation=w.enterprise,
        area="finance",
        gap="No costing",
        action="Training",
        provider="CRNS",
        due_on=dt.date(2006, 6, 1),
    )
    return w


def url(w, url_name, kwargs):
    return reverse(f"costing:{url_name}", kwargs={"pk": w.partnership.pk, **kwargs})


def expected(persona, allowed, hidden):
    if persona == "outsider" or persona in hidden:
        return 404
    return 200 if persona in allowed else 403


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(
    ("page", "url_name", "allowed", "hidden", "kwargs"), PAGES, ids=[p[0] for p in PAGES]
)
def test_pages_by_role(client, world, persona, page, url_name, allowed, hidden, kwargs):
    client.force_login(world.people[persona])
    response = client.get(url(world, url_name, kwargs(world)))
    assert response.status_code == expected(persona, allowed, hidden), page


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for _, url_name, _, _, kwargs in PAGES:
        response = client.get(url(world, url_name, kwargs(world)))
        assert response.status_code == 302
        assert "/login/" in response["Location"]


@dataclass(frozen=True)
class Post:
    url_name: str
    allowed: frozenset
    hidden: frozenset
    audit: str
    kwargs: Callable = nothing
    data: Callable = lambda w: {}
    done: Callable = lambda w: True
    extra_hidden: frozenset = field(default=frozenset())


POSTS = {
    "lock the draft": Post(
        "version.lock",
        OWNER_AND_FACILITATOR,
        {"other_se"},
        "costing.version.locked",
        kwargs=draft,
        done=lambda w: CostModelVersion.objects.get(pk=w.draft.pk).is_locked,
    ),
    "stop sharing": Post(
        "version.share",
        OWNER,
        {"other_se"},
        "costing.version.unshared",
        kwargs=shared,
        data=lambda w: {"shared": "0"},
        done=lambda w: not CostModelVersion.objects.get(pk=w.version.pk).is_shared,
    ),
    "add an activity": Post(
        "activity.add",
        OWNER_AND_FACILITATOR,
        {"other_se"},
        "costing.activity.added",
        kwargs=draft,
        data=lambda w: {"name": "Tenancy support", "kind": "project"},
        done=lambda w: w.draft.activities.filter(name="Tenancy support").exists(),
    ),
    "change the settings": Post(
        "version.settings",
        OWNER_AND_FACILITATOR,
        {"other_se"},
        "costing.version.updated",
        kwargs=draft,
        data=lambda w: {"units": "500", "surplus_percent": "5", "basis": "projects"},
        done=lambda w: CostModelVersion.objects.get(pk=w.draft.pk).basis == "projects",
    ),
    "remove a post": Post(
        "line.remove",
        OWNER_AND_FACILITATOR,
        {"other_se"},
        "costing.staff.removed",
        kwargs=lambda w: {**draft(w), "kind": "staff", "line_pk": w.draft.staff_lines.first().pk},
        done=lambda w: w.draft.staff_lines.count() == 4,
    ),
    "update a plan action": Post(
        "action.edit",
        OWNER_AND_FACILITATOR,
        NOBODY,
        "costing.action.completed",
        kwargs=action,
        data=lambda w: {
            "organisation": w.enterprise.pk,
            "area": "finance",
            "gap": "No costing",
            "action": "Training",
            "provider": "CRNS",
            "due_on": "2006-06-01",
            "status": "done",
        },
        done=lambda w: w.action.__class__.objects.get(pk=w.action.pk).status == "done",
    ),
}


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("name", POSTS)
def test_actions_by_role(client, world, persona, name):
    post = POSTS[name]
    client.force_login(world.people[persona])
    before = AuditEvent.objects.count()
    response = client.post(url(world, post.url_name, post.kwargs(world)), post.data(world))
    status = expected(persona, post.allowed, post.hidden)
    if status == 200:
        assert response.status_code == 302, response.content[:2000]
        assert post.done(world)
        event = AuditEvent.objects.filter(action=post.audit).first()
        assert event is not None and event.actor == world.people[persona]
    else:
        assert response.status_code == status
        assert AuditEvent.objects.count() == before


def test_the_section_link_is_hidden_from_service_user_representatives(client, world):
    client.force_login(world.people["service_user"])
    page = client.get(reverse("partnerships:dashboard", args=[world.partnership.pk]))
    assert reverse("costing:overview", args=[world.partnership.pk]) not in page.content.decode()
    client.force_login(world.people["commissioner"])
    page = client.get(reverse("partnerships:dashboard", args=[world.partnership.pk]))
    assert reverse("costing:overview", args=[world.partnership.pk]) in page.content.decode()


def test_the_council_sees_only_the_shared_version(client, world):
    client.force_login(world.people["commissioner"])
    page = client.get(url(world, "model.detail", model(world))).content.decode()
    assert "Version 1" in page
    assert "Version 2" not in page
    client.force_login(world.people["other_se"])
    overview = client.get(url(world, "overview", {})).content.decode()
    assert "Packs" not in overview
