"""The stage gates this app checks: a gate-approval decision of the steering group is what lets
the commissioner advance the stage; the strategic gate also needs the steering group's terms of
reference agreed."""

import datetime as dt

import pytest
import time_machine

from coplan.core.errors import DomainError
from coplan.governance import gates as governance_gates
from coplan.governance.enums import BodyKind, DecisionKind
from coplan.partnerships import domain as partnership_domain
from coplan.partnerships import gates
from coplan.partnerships.enums import Role, Stage
from tests.factories import DepartmentFactory, PartnershipFactory, member

from . import factories
from .factories import agree_terms, approve_gate, held_meeting


def manual(partnership) -> set[str]:
    return {c.code for c in gates.criteria_for(partnership.stage) if c.manual}


@pytest.fixture
def ready(db):
    """The foundation's ``ready`` partnership: every automatic foundation criterion passes."""
    partnership = PartnershipFactory()
    commissioner = member(partnership, Role.COMMISSIONER, DepartmentFactory(name="Housing"))
    member(partnership, Role.PROCUREMENT, DepartmentFactory(name="Procurement"))
    member(partnership, Role.FACILITATOR, partnership.intermediary)
    return partnership, commissioner


def codes(stage):
    return [c.code for c in gates.criteria_for(stage)]


def test_every_stage_from_feasibility_to_procurement_needs_the_steering_groups_approval():
    for stage in Stage:
        assert (governance_gates.GATE_CODE in codes(stage)) is (stage != Stage.CONTRACT)
    assert "go_decision" not in codes(Stage.FEASIBILITY)
    assert codes(Stage.STRATEGIC)[:5] == [
        "intermediary_appointed",
        "cross_departmental_group",
        "timeline_t1",
        "tor_mou_signed",
        "gate_approved_by_steering_group",
    ]
    for stage in (Stage.FEASIBILITY, Stage.STRATEGIC):  # no manual checklist item left
        assert [c.code for c in gates.criteria_for(stage) if c.manual] == []


def test_registering_twice_changes_nothing():
    before = {stage: sorted(codes(stage)) for stage in Stage}
    governance_gates.register_gates()
    assert {stage: sorted(codes(stage)) for stage in Stage} == before


def test_without_an_approval_the_advance_is_refused(ready):
    partnership, commissioner = ready
    with pytest.raises(partnership_domain.GateRefused) as refused:
        partnership_domain.advance_stage(partnership=partnership, actor=commissioner)
    assert refused.value.reasons == [
        "The steering group approved leaving this stage: No gate approval yet: the steering "
        "group records one as a decision at a quorate meeting (Governance, then the meeting, "
        "then Record a decision)."
    ]


def test_the_approval_lets_the_commissioner_advance(ready):
    partnership, commissioner = ready
    decision = approve_gate(partnership)
    result = gates.evaluate(partnership).results[-1]
    assert (result.criterion.code, result.met) == ("gate_approved_by_steering_group", True)
    assert result.detail.endswith(f"(decision {decision.reference}).")
    change = partnership_domain.advance_stage(partnership=partnership, actor=commissioner)
    assert change.to_stage == Stage.STRATEGIC


def test_the_strategic_gate_needs_the_terms_of_reference_agreed(ready):
    partnership, _ = ready
    partnership.stage = Stage.STRATEGIC
    partnership.save()
    outcome = governance_gates.tor_outcome(partnership)
    assert (outcome.met, outcome.detail) == (
        False,
        "No steering group yet: set it up on the Governance page.",
    )
    approve_gate(partnership)
    report = gates.evaluate(partnership)
    assert [r.criterion.code for r in report.blocking] == ["tor_mou_signed"]
    body = agree_terms(partnership)
    report = gates.evaluate(partnership)
    assert report.can_advance
    assert next(r for r in report.results if r.criterion.code == "tor_mou_signed").detail == (
        f"Agreed on {body.tor_agreed_on.day} {body.tor_agreed_on:%B %Y}."
    )


def test_advance_through_every_stage_with_the_steering_groups_approvals(ready, own_gates):
    """What tests/partnerships/test_stages.py does once this app is installed."""
    partnership, commissioner = ready
    agree_terms(partnership)
    with time_machine.travel(dt.datetime(2007, 10, 1, 12, tzinfo=dt.UTC)):
        for stage in list(Stage)[:-1]:
            approve_gate(partnership)
            change = partnership_domain.advance_stage(
                partnership=partnership, actor=commissioner, confirmed=manual(partnership)
            )
            assert (change.from_stage, change.to_stage) == (stage, stage.next)
    assert partnership.stage == Stage.CONTRACT


def test_only_the_current_stage_can_be_approved_once(ready):
    partnership, _ = ready
    meeting = held_meeting(factories.steering_group(partnership))
    with pytest.raises(DomainError) as error:
        factories.domain.record_decision(
            meeting=meeting, actor=None, kind=DecisionKind.GATE_APPROVAL, stage=Stage.PILOT
        )
    assert (error.value.code, error.value.field) == ("not_current_stage", "stage")
    with pytest.raises(DomainError) as error:
        factories.domain.record_decision(
            meeting=meeting, actor=None, kind=DecisionKind.GATE_APPROVAL
        )
    assert error.value.code == "stage_required"
    factories.domain.record_decision(
        meeting=meeting, actor=None, kind=DecisionKind.GATE_APPROVAL, stage=Stage.FEASIBILITY
    )
    with pytest.raises(DomainError) as error:
        factories.domain.record_decision(
            meeting=meeting, actor=None, kind=DecisionKind.GATE_APPROVAL, stage=Stage.FEASIBILITY
        )
    assert error.value.code == "already_approved"
    with pytest.raises(DomainError) as error:
        factories.domain.record_decision(
            meeting=meeting, actor=None, text="x", stage=Stage.FEASIBILITY
        )
    assert error.value.code == "stage_not_expected"


def test_only_the_steering_group_approves_gates(ready):
    partnership, commissioner = ready
    design = factories.make_body(
        partnership, BodyKind.DESIGN_COMMITTEE, people=[commissioner], quorum=1
    )
    with pytest.raises(DomainError) as error:
        factories.domain.record_decision(
            meeting=held_meeting(design),
            actor=None,
            kind=DecisionKind.GATE_APPROVAL,
            stage=Stage.FEASIBILITY,
        )
    assert error.value.code == "steering_group_only"


def test_after_a_loop_back_the_gate_must_be_approved_again(ready, own_gates):
    partnership, commissioner = ready
    partnership.stage = Stage.PILOT
    partnership.save()
    approve_gate(partnership)
    assert gates.evaluate(partnership).results[-1].met
    partnership_domain.loop_back(
        partnership=partnership,
        actor=commissioner,
        to_stage=Stage.SERVICE_DESIGN,
        reason="Referrals did not arrive.",
    )
    approve_gate(partnership)
    partnership_domain.advance_stage(
        partnership=partnership, actor=commissioner, confirmed=manual(partnership)
    )
    result = gates.evaluate(partnership).results[-1]
    assert partnership.stage == Stage.PILOT
    assert not result.met
    assert "came before the partnership returned to this stage" in result.detail
    approve_gate(partnership)
    assert gates.evaluate(partnership).results[-1].met
