"""Conflicts of interest at assignment, and recused evaluators on the panel.

The officer is warned the moment they assign someone Coplan finds linked to a bidder — the
same links that later hold the evaluator's declaration for a decision (their organisation bids
or is in a bidding consortium, a design committee seat, a standing interest in the register) —
and must confirm to go ahead: on the page with an "Assign anyway" box, through the API with
``confirm_conflict: true`` (409 without). Recused evaluators stay on the panel, marked
"Recused", and do not count towards the three a quality question needs.

World (conftest): Homereach — the consortium led by the enterprise partner persona's
organisation, with Beulah Scotland — and Clearway Removals Ltd are registered bidders.
"""

import pytest
from django.urls import reverse

from coplan.bidding import domain
from coplan.bidding.enums import ConflictDecision, Part
from coplan.bidding.models import Assignment
from coplan.core.errors import DomainError
from coplan.core.models import Affiliation, AuditEvent
from coplan.governance.enums import BodyKind, InterestKind
from coplan.governance.models import Body, BodyMember, Interest
from coplan.partnerships.enums import Role
from tests.conftest import PERSONAS
from tests.factories import member

pytestmark = pytest.mark.django_db
CONFIRM = (
    " Confirm to assign them anyway: they must still declare their interests, and see no bid "
    "until you decide on their declaration."
)


def url(name, tender, *args):
    return reverse(f"bidding:{name}", args=[tender.partnership_id, tender.pk, *args])


def api_panel(tender):
    return f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/evaluation/panel"


@pytest.fixture
def signatory(homereach, personas):
    """The lead bidder's own authorised signatory: the enterprise partner persona."""
    lead = homereach.consortium.members.get(organisation=homereach.organisation)
    lead.signatory = personas["se_partner"]
    lead.save(update_fields=["signatory"])
    return personas["se_partner"]


@pytest.fixture
def method(tender):
    return tender.quality_criteria.get(name="Method")


def test_assigning_the_lead_bidders_signatory_warns_at_once(
    tender, homereach, clearway, signatory, method, personas
):
    officer = personas["procurement"]
    lead = homereach.organisation.name
    link = f"{signatory}'s organisation {lead} is a registered bidder."
    with pytest.raises(DomainError) as warned:
        domain.assign(
            tender=tender, actor=officer, evaluator=signatory, part=Part.QUALITY, criterion=method
        )
    assert warned.value.code == "conflict_of_interest"
    assert warned.value.field == "confirm_conflict"
    assert warned.value.message == f"{signatory} may have a conflict of interest: {link}{CONFIRM}"
    assert warned.value.data == {"conflicts": [link]}
    assert not Assignment.objects.filter(tender=tender).exists()
    assert not AuditEvent.objects.filter(action__startswith="bidding.panel.").exists()

    assignment = domain.assign(
        tender=tender,
        actor=officer,
        evaluator=signatory,
        part=Part.QUALITY,
        criterion=method,
        confirm_conflict=True,
    )
    assert assignment.evaluator == signatory
    confirmed = AuditEvent.objects.get(action="bidding.panel.conflict_confirmed")
    assert confirmed.actor == officer
    assert confirmed.data == {
        "tender": tender.pk,
        "person_id": signatory.pk,
        "evaluator": str(signatory),
        "part": "quality",
        "criterion": "Method",
        "conflicts": [link],
    }
    # confirming at assignment does not clear them: the declaration still waits for a decision
    declaration = domain.declare(tender=tender, evaluator=signatory, kind="none")
    assert declaration.flags == [f"Your organisation {lead} is a bidder."]
    assert declaration.decision == ConflictDecision.PENDING


def test_every_link_the_declaration_gate_would_flag_warns_at_assignment(
    tender, homereach, clearway, personas
):
    officer = personas["procurement"]
    beulah = homereach.consortium.members.get(organisation__name="Beulah Scotland").organisation
    person = member(tender.partnership, Role.EVALUATOR, beulah, full_name="Isla Linked")
    committee = Body.objects.create(
        partnership=tender.partnership, kind=BodyKind.DESIGN_COMMITTEE, name="Design committee"
    )
    BodyMember.objects.create(body=committee, user=person, is_voting=True)
    Interest.objects.create(
        user=person,
        kind=InterestKind.FINANCIAL,
        organisation=clearway.organisation,
        description="Owns shares",
    )
    with pytest.raises(DomainError) as warned:
        domain.assign(tender=tender, actor=officer, evaluator=person, part=Part.PRICE)
    assert warned.value.data["conflicts"] == [
        "Isla Linked's organisation Beulah Scotland is a member of the bidding consortium "
        "Homereach.",
        "Isla Linked sat on the design committee that built the consortium.",
        "Isla Linked has a standing interest in the register: Financial interest (shares, "
        "contracts, paid work, gifts) — Clearway Removals Ltd: Owns shares (a bidder).",
    ]
    # the same links, told to the evaluator, are what their declaration is flagged with
    assert len(domain.conflict_flags(tender, person)) == 3


def test_someone_with_no_link_is_assigned_without_a_warning(tender, clearway, method, personas):
    domain.assign(
        tender=tender,
        actor=personas["procurement"],
        evaluator=personas["evaluator"],
        part=Part.QUALITY,
        criterion=method,
    )
    assert not AuditEvent.objects.filter(action="bidding.panel.conflict_confirmed").exists()


def by_name(*people):
    """The panel lists evaluators by name."""
    return sorted(people, key=lambda p: p.full_name)


@pytest.fixture
def one_recused(tender, clearway, method, personas):
    """Method has three evaluators, one of them (Clearway's employee) recused."""
    officer = personas["procurement"]
    for role in ("evaluator", "steering"):
        domain.assign(
            tender=tender,
            actor=officer,
            evaluator=personas[role],
            part=Part.QUALITY,
            criterion=method,
        )
    linked = personas["service_user"]
    Affiliation.objects.create(user=linked, organisation=clearway.organisation)
    domain.assign(
        tender=tender,
        actor=officer,
        evaluator=linked,
        part=Part.QUALITY,
        criterion=method,
        confirm_conflict=True,
    )
    declaration = domain.declare(
        tender=tender, evaluator=linked, kind="actual", details="I work for Clearway."
    )
    domain.decide_conflict(
        declaration=declaration, actor=officer, decision="recused", reason="Works for a bidder."
    )
    return linked


def test_a_recused_evaluator_is_listed_but_not_counted(tender, method, one_recused, personas):
    (row,) = [r for r in domain.panel_of(tender) if r.criterion == method]
    assigned = by_name(personas["evaluator"], personas["steering"], one_recused)
    assert row.evaluators == assigned
    assert [(e, recused) for e, _, recused in row.members] == [
        (e, e == one_recused) for e in assigned
    ]
    assert row.counted == by_name(personas["evaluator"], personas["steering"])
    assert row.short is True
    assert row.problem == (
        "Method has 2 evaluators (1 more recused, not counted): add more or record why not."
    )
    # recused from the tender: not assignable again, to this part or another
    with pytest.raises(DomainError) as refused:
        domain.assign(
            tender=tender,
            actor=personas["procurement"],
            evaluator=one_recused,
            part=Part.PRICE,
            confirm_conflict=True,
        )
    assert (refused.value.code, refused.value.field) == ("recused", "evaluator")
    assert refused.value.message == f"{one_recused} is recused from this tender's evaluation."
    # a third evaluator who counts completes the question
    domain.assign(
        tender=tender,
        actor=personas["procurement"],
        evaluator=personas["observer"],
        part=Part.QUALITY,
        criterion=method,
    )
    (row,) = [r for r in domain.panel_of(tender) if r.criterion == method]
    assert (len(row.counted), row.short, row.problem) == (3, False, "")


def test_the_panel_page_and_api_show_recused_members(
    tender, method, one_recused, personas, verified
):
    client = verified(personas["procurement"])
    page = client.get(url("evaluation", tender)).content.decode()
    assert f'{one_recused} <strong class="govuk-tag govuk-tag--grey">Recused</strong>' in page
    assert (
        "Recused evaluators stay listed, marked “Recused”, but do not count towards the three."
        in page
    )
    assert (
        "Method has 2 evaluators (1 more recused, not counted): add more or record why not." in page
    )
    rows = {r["criterion"]: r for r in client.get(api_panel(tender)).json()}
    assert rows["Method"] == {
        "criterion_id": method.pk,
        "criterion": "Method",
        "evaluators": [
            str(e) for e in by_name(personas["evaluator"], personas["steering"], one_recused)
        ],
        "recused": [str(one_recused)],
        "counted": 2,
        "training": {},
        "shortfall_reason": None,
        "problem": "Method has 2 evaluators (1 more recused, not counted): add more or record "
        "why not.",
    }


def test_the_page_warns_and_asks_to_assign_anyway(
    tender, homereach, signatory, method, personas, verified
):
    client = verified(personas["procurement"])
    form = {"evaluator": signatory.pk, "part": method.pk, "training": ""}
    warned = client.post(url("assign", tender), form)
    assert warned.status_code == 200
    page = warned.content.decode()
    assert "Coplan found possible conflicts of interest:" in page
    lead = homereach.organisation.name
    assert f"<li>{signatory}&#x27;s organisation {lead} is a registered bidder.</li>" in page
    assert (
        f"{signatory} may have a conflict of interest: tick “Assign anyway” to assign them, or "
        "choose someone else" in page
    )
    assert 'name="confirm_conflict"' in page and "Assign anyway" in page
    assert not Assignment.objects.filter(tender=tender).exists()
    # submitted again without ticking the box: still warned, still not assigned
    again = client.post(url("assign", tender), form)
    assert again.status_code == 200
    assert not Assignment.objects.filter(tender=tender).exists()

    assigned = client.post(url("assign", tender), {**form, "confirm_conflict": "on"})
    assert assigned.status_code == 302
    assert Assignment.objects.get(tender=tender).evaluator == signatory
    assert AuditEvent.objects.filter(action="bidding.panel.conflict_confirmed").count() == 1


def test_the_api_refuses_with_409_unless_confirmed(
    tender, homereach, signatory, method, personas, verified
):
    client = verified(personas["procurement"])
    body = {"evaluator_id": signatory.pk, "part": "quality", "criterion_id": method.pk}
    link = f"{signatory}'s organisation {homereach.organisation.name} is a registered bidder."
    refused = client.post(api_panel(tender), body, content_type="application/json")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json() == {
        "type": "about:blank",
        "title": "Not allowed by the partnership's rules",
        "status": 409,
        "detail": f"{signatory} may have a conflict of interest: {link}{CONFIRM}",
        "code": "conflict_of_interest",
        "field": "confirm_conflict",
        "conflicts": [link],
    }
    assert not Assignment.objects.filter(tender=tender).exists()
    created = client.post(
        api_panel(tender), {**body, "confirm_conflict": True}, content_type="application/json"
    )
    assert created.status_code == 201
    assert Assignment.objects.get(pk=created.json()["id"]).evaluator == signatory


def expected(persona, ok):
    if persona in {"outsider", "staff"}:
        return 404
    return ok if persona == "procurement" else 403


@pytest.mark.parametrize("persona", [*PERSONAS, "staff"])
def test_only_the_procurement_officer_assigns_despite_a_conflict(
    persona, tender, homereach, signatory, method, personas, verified
):
    client = verified(personas[persona])
    page = client.post(
        url("assign", tender),
        {"evaluator": signatory.pk, "part": method.pk, "confirm_conflict": "on"},
    )
    assert page.status_code == expected(persona, 302)
    other = tender.quality_criteria.get(name="Partnership working")
    api = client.post(
        api_panel(tender),
        {
            "evaluator_id": signatory.pk,
            "part": "quality",
            "criterion_id": other.pk,
            "confirm_conflict": True,
        },
        content_type="application/json",
    )
    assert api.status_code == expected(persona, 201)
    assigned = Assignment.objects.filter(tender=tender, evaluator=signatory).count()
    assert assigned == (2 if persona == "procurement" else 0)
