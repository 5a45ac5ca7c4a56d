"""Who may see and do what on the tender pages, for every persona (each role, an outsider
and a staff user who is not a member). Service user representatives never see commercial
things; partners who may bid (and the facilitator) never see the unpublished evaluation
model; the procurement officer builds the tender; the commissioner or procurement officer
publishes. Outsiders and non-member staff get 404, members without the permission 403."""

import pytest
from django.urls import reverse

from coplan.core.models import Affiliation, AuditEvent
from coplan.tendering import domain
from coplan.tendering.models import PriceElement
from tests.conftest import ALL_ROLES
from tests.factories import OrganisationFactory, UserFactory

EVERYONE = [*ALL_ROLES, "outsider", "staff"]
MEMBERS = frozenset(ALL_ROLES)
COMMERCIAL = MEMBERS - {"service_user"}
COUNCIL = frozenset({"commissioner", "procurement", "steering", "evaluator", "observer"})
OFFICER = frozenset({"procurement"})
PUBLISHERS = frozenset({"commissioner", "procurement"})


def nothing(w):
    return {}


def tender(w):
    return {"tender_pk": w.tender.pk}


def criterion(w):
    return {"tender_pk": w.tender.pk, "criterion_pk": w.delivery.pk}


def element(w):
    if not hasattr(w, "element"):  # made directly: a published tender's schedule is fixed
        w.element = PriceElement.objects.create(tender=w.tender, name="Packs", weight=60)
    return {"tender_pk": w.tender.pk, "element_pk": w.element.pk}


def requirement(w):
    return {"tender_pk": w.tender.pk, "requirement_pk": w.tonnes.pk}


def question(w):
    return {"tender_pk": w.tender.pk, "clarification_pk": w.question.pk}


# fmt: off
DRAFT_PAGES = [
    ("tenders", "overview", COMMERCIAL, nothing),
    ("start a tender", "tender.new", OFFICER, nothing),
    ("tender", "tender.detail", COMMERCIAL, tender),
    ("strategy form", "tender.strategy", OFFICER, tender),
    ("add a lot", "lot.add", OFFICER, tender),
    ("add a document", "document.add", OFFICER, tender),
    ("criteria and scoring model", "tender.model", COUNCIL, tender),
    ("scoring model form", "model.edit", OFFICER, tender),
    ("add a criterion", "criterion.add", OFFICER, tender),
    ("change a criterion", "criterion.edit", OFFICER, criterion),
    ("change a price element", "element.edit", OFFICER, element),
    ("add a price element", "element.add", OFFICER, tender),
    ("simulator", "tender.simulator", COUNCIL, tender),
    ("add a requirement", "requirement.add", OFFICER, tender),
    ("change a requirement", "requirement.edit", OFFICER, requirement),
    ("timetable form", "tender.timetable", OFFICER, tender),
    ("evidence pack", "tender.evidence", COMMERCIAL, tender),
    ("evidence pack PDF", "tender.evidence_pdf", COMMERCIAL, tender),
]
PUBLISHED_PAGES = [
    ("published criteria and scoring model", "tender.model", COMMERCIAL, tender),
    ("published simulator", "tender.simulator", COMMERCIAL, tender),
    ("clarifications", "tender.clarifications", PUBLISHERS, tender),
    ("answer a clarification", "clarification.answer", OFFICER, question),
    ("publish an addendum", "addendum.add", OFFICER, tender),
    ("change a published criterion", "criterion.edit", frozenset(), criterion),
    ("change a published price element", "element.edit", frozenset(), element),
    ("change a published requirement", "requirement.edit", frozenset(), requirement),
]
# fmt: on


def url(w, url_name, kwargs):
    return reverse(f"tendering:{url_name}", kwargs={"pk": w.partnership.pk, **kwargs})


def expected(persona, allowed):
    if persona in ("outsider", "staff"):
        return 404
    return 200 if persona in allowed else 403


@pytest.fixture
def asked(published):
    person = UserFactory()
    firm = OrganisationFactory(name="Cairnhill Furnishing Services Ltd")
    Affiliation.objects.create(user=person, organisation=firm)
    registration = domain.register_bidder(tender=published.tender, actor=person, organisation=firm)
    published.question = domain.ask(
        tender=published.tender, registration=registration, actor=person, question="When?"
    )
    return published


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(
    ("page", "url_name", "allowed", "kwargs"), DRAFT_PAGES, ids=[p[0] for p in DRAFT_PAGES]
)
def test_draft_pages_by_role(client, world, persona, page, url_name, allowed, kwargs):
    client.force_login(world.people[persona])
    response = client.get(url(world, url_name, kwargs(world)))
    assert response.status_code == expected(persona, allowed), page


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(
    ("page", "url_name", "allowed", "kwargs"),
    PUBLISHED_PAGES,
    ids=[p[0] for p in PUBLISHED_PAGES],
)
def test_published_pages_by_role(client, asked, persona, page, url_name, allowed, kwargs):
    client.force_login(asked.people[persona])
    response = client.get(url(asked, url_name, kwargs(asked)))
    assert response.status_code == expected(persona, allowed), page


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for _, url_name, _, kwargs in DRAFT_PAGES:
        response = client.get(url(world, url_name, kwargs(world)))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_partnerships_tender_is_not_found(client, world):
    from coplan.partnerships.enums import Role
    from tests.factories import PartnershipFactory, member

    other = PartnershipFactory()
    officer = member(other, Role.PROCUREMENT)
    client.force_login(officer)
    response = client.get(reverse("tendering:tender.detail", args=[other.pk, world.tender.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", EVERYONE)
def test_publish_by_role(client, world, persona):
    client.force_login(world.people[persona])
    response = client.post(url(world, "tender.publish", tender(world)))
    world.tender.refresh_from_db()
    if persona in PUBLISHERS:
        assert response.status_code == 302
        assert world.tender.published_at is not None
        assert AuditEvent.objects.filter(
            action="tendering.tender.published", actor=world.people[persona]
        ).exists()
    else:
        assert response.status_code == expected(persona, PUBLISHERS)
        assert world.tender.published_at is None


@pytest.mark.parametrize("persona", EVERYONE)
def test_changing_the_model_by_role(client, world, persona):
    client.force_login(world.people[persona])
    response = client.post(
        url(world, "criterion.add", tender(world)),
        {"name": "Referrals", "question": "How?", "weight": "0"},
    )
    made = world.tender.quality_criteria.filter(name="Referrals").exists()
    if persona in OFFICER:
        assert response.status_code == 302 and made
        assert AuditEvent.objects.filter(action="tendering.criterion.added").exists()
    else:
        assert response.status_code == expected(persona, OFFICER) and not made


@pytest.mark.parametrize("persona", EVERYONE)
def test_changing_a_criterion_by_role(client, world, persona):
    client.force_login(world.people[persona])
    response = client.post(
        url(world, "criterion.edit", criterion(world)),
        {"name": "Delivery within two days", "question": "How?", "weight": "25"},
    )
    world.delivery.refresh_from_db()
    changed = world.delivery.name == "Delivery within two days"
    if persona in OFFICER:
        assert response.status_code == 302 and changed
        assert AuditEvent.objects.filter(
            action="tendering.criterion.updated", actor=world.people[persona]
        ).exists()
    else:
        assert response.status_code == expected(persona, OFFICER) and not changed


@pytest.mark.parametrize("persona", EVERYONE)
def test_changing_a_price_element_by_role(client, world, persona):
    client.force_login(world.people[persona])
    response = client.post(
        url(world, "element.edit", element(world)), {"name": "Packs", "weight": "55"}
    )
    world.element.refresh_from_db()
    if persona in OFFICER:
        assert response.status_code == 302 and world.element.weight == 55
        assert AuditEvent.objects.filter(
            action="tendering.price_element.updated", actor=world.people[persona]
        ).exists()
    else:
        assert response.status_code == expected(persona, OFFICER)
        assert world.element.weight == 60


@pytest.mark.parametrize("persona", EVERYONE)
def test_a_published_criterion_cannot_be_changed_by_anyone(client, published, persona):
    client.force_login(published.people[persona])
    response = client.post(
        url(published, "criterion.edit", criterion(published)),
        {"name": "Delivery within two days", "question": "How?", "weight": "25"},
    )
    published.delivery.refresh_from_db()
    assert response.status_code == expected(persona, frozenset())
    assert published.delivery.name == "Service delivery"


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_model_api_by_role(world, persona):
    from tests.api.helpers import api_as

    path = f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/model"
    response = api_as(world.people[persona]).get(path)
    assert response.status_code == expected(persona, COUNCIL)
    if response.status_code == 200:
        body = response.json()
        assert body["valid"] is True
        assert [c["name"] for c in body["criteria"]] == [
            "Service delivery",
            "Training young people",
        ]


# --- the POST-only actions, by role: the officer's change is made and audited; nobody else's --

# fmt: off
DRAFT_ACTIONS = [
    # (action, url name, url kwargs, form data, whether the change was made, audit code)
    ("remove a lot", "lot.remove",
     lambda w: {"tender_pk": w.tender.pk, "lot_pk": w.lots[2].pk}, {},
     lambda w: not w.tender.lots.filter(pk=w.lots[2].pk).exists(), "tendering.lot.removed"),
    ("remove a criterion", "criterion.remove", criterion, {},
     lambda w: not w.tender.quality_criteria.filter(pk=w.delivery.pk).exists(),
     "tendering.criterion.removed"),
    ("remove a price element", "element.remove", element, {},
     lambda w: not w.tender.price_elements.exists(), "tendering.price_element.removed"),
    ("remove a requirement", "requirement.remove",
     lambda w: {"tender_pk": w.tender.pk, "requirement_pk": w.tonnes.pk}, {},
     lambda w: not w.tender.benefit_requirements.filter(pk=w.tonnes.pk).exists(),
     "tendering.requirement.removed"),
    ("apply a template", "model.template", tender, {"template": "strategic_50_50"},
     lambda w: w.tender.__class__.objects.get(pk=w.tender.pk).price_weight == 50,
     "tendering.model.template_applied"),
]
PUBLISHED_ACTIONS = [
    ("answer a clarification", "clarification.answer", question,
     {"published_question": "When are bids due?", "answer": "On the date in the notice."},
     lambda w: w.question.__class__.objects.get(pk=w.question.pk).answered_at is not None,
     "tendering.clarification.answered"),
    ("publish an addendum", "addendum.add", tender,
     {"title": "Site visit", "body": "Wednesday at 10:00."},
     lambda w: w.tender.addenda.exists(), "tendering.addendum.published"),
]
# fmt: on


def _check_action(client, w, persona, url_name, kwargs, data, made, code):
    client.force_login(w.people[persona])
    response = client.post(url(w, url_name, kwargs(w)), data)
    if persona in OFFICER:
        assert response.status_code == 302
        assert made(w)
        assert AuditEvent.objects.filter(action=code, actor=w.people[persona]).exists()
    else:
        assert response.status_code == expected(persona, OFFICER)
        assert not made(w)
        assert not AuditEvent.objects.filter(action=code).exists()


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(
    ("action", "url_name", "kwargs", "data", "made", "code"),
    DRAFT_ACTIONS,
    ids=[a[0] for a in DRAFT_ACTIONS],
)
def test_draft_actions_by_role(client, world, persona, action, url_name, kwargs, data, made, code):
    _check_action(client, world, persona, url_name, kwargs, data, made, code)


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(
    ("action", "url_name", "kwargs", "data", "made", "code"),
    PUBLISHED_ACTIONS,
    ids=[a[0] for a in PUBLISHED_ACTIONS],
)
def test_published_actions_by_role(
    client, asked, persona, action, url_name, kwargs, data, made, code
):
    _check_action(client, asked, persona, url_name, kwargs, data, made, code)


def test_post_only_actions_refuse_get(client, world):
    client.force_login(world.people["procurement"])
    for _, url_name, kwargs, *_rest in DRAFT_ACTIONS:
        assert client.get(url(world, url_name, kwargs(world))).status_code == 405, url_name
