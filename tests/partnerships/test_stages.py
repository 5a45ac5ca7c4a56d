"""Stages and exit gates: advancing is the commissioner's action, refused with reasons when a
hard rule fails; every advance, refusal and loop back is audited."""

import datetime as dt

import pytest
import time_machine

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.partnerships import domain, gates
from coplan.partnerships.enums import Role, Stage, StageChangeKind
from tests.factories import DepartmentFactory, PartnershipFactory, member

MANUAL = {
    Stage.FEASIBILITY: {"go_decision"},
    Stage.STRATEGIC: {"tor_mou_signed"},
    Stage.SERVICE_DESIGN: {"spec_v1_approved", "kpi_baselines", "consortium_heads_of_terms"},
    Stage.PILOT: {"pilot_evaluation_approved", "spec_revised"},
    Stage.PROCUREMENT: {
        "criteria_published",
        "coi_complete",
        "cb_duty_checked",
        "standstill_elapsed",
    },
}


@pytest.fixture(autouse=True)
def _foundation(foundation_gates):
    """These tests are about the stage mechanics: the apps' own criteria are tested there."""


@pytest.fixture
def ready(db):
    """A partnership whose automatic criteria all pass: commissioner and procurement officer
    from two departments, a facilitator, North Lanarkshire's timeline."""
    partnership = PartnershipFactory()
    commissioner = member(partnership, Role.COMMISSIONER, DepartmentFactory(name="Housing"))
    member(partnership, Role.PROCUREMENT, DepartmentFactory(name="Procurement"))
    member(partnership, Role.FACILITATOR, partnership.intermediary)
    return partnership, commissioner


def test_feasibility_gate_lists_its_criteria_in_order(ready):
    partnership, _ = ready
    report = gates.evaluate(partnership)
    assert [(r.criterion.code, r.met) for r in report.results] == [
        ("need_statement", True),
        ("commissioner_named", True),
        ("procurement_officer_assigned", True),
        ("go_decision", False),
    ]
    assert report.next_stage == Stage.STRATEGIC
    assert not report.can_advance


def test_advance_needs_manual_criteria_confirmed_and_records_the_refusal(ready):
    partnership, commissioner = ready
    with pytest.raises(domain.GateRefused) as refused:
        domain.advance_stage(partnership=partnership, actor=commissioner)
    assert refused.value.reasons == [
        "Steering sponsor approved the go decision (to PSP or not): Confirm this when you advance."
    ]
    partnership.refresh_from_db()
    assert partnership.stage == Stage.FEASIBILITY
    change = partnership.stage_changes.get()
    assert (change.kind, change.actor) == (StageChangeKind.REFUSED, commissioner)
    event = AuditEvent.objects.get(action="partnership.stage.advance_refused")
    assert event.actor == commissioner
    assert event.data["reasons"] == refused.value.reasons


def test_advance_through_every_stage_to_contract(ready):
    partnership, commissioner = ready
    with time_machine.travel(dt.datetime(2007, 10, 1, 12, tzinfo=dt.UTC)):
        for stage in list(Stage)[:-1]:
            change = domain.advance_stage(
                partnership=partnership,
                actor=commissioner,
                confirmed=MANUAL[stage],
                note=f"Leaving {stage.label}",
            )
            assert (change.from_stage, change.to_stage) == (stage, stage.next)
    partnership.refresh_from_db()
    assert partnership.stage == Stage.CONTRACT
    assert list(
        AuditEvent.objects.filter(action="partnership.stage.advanced")
        .order_by("id")
        .values_list("data__to", flat=True)
    ) == ["strategic", "service_design", "pilot", "procurement", "contract"]
    with pytest.raises(domain.GateRefused) as refused:
        domain.advance_stage(partnership=partnership, actor=commissioner)
    assert refused.value.reasons == ["Contract and monitoring is the last stage."]


def test_strategic_gate_refuses_a_single_department_group(db):
    partnership = PartnershipFactory(stage=Stage.STRATEGIC)
    housing = DepartmentFactory(name="Housing")
    commissioner = member(partnership, Role.COMMISSIONER, housing)
    member(partnership, Role.FACILITATOR, partnership.intermediary)
    with pytest.raises(domain.GateRefused) as refused:
        domain.advance_stage(
            partnership=partnership, actor=commissioner, confirmed={"tor_mou_signed"}
        )
    assert refused.value.reasons == [
        "Steering group has at least 2 council departments and procurement: The steering group "
        "needs at least 2 council departments (now 1) and a procurement officer."
    ]


def test_strategic_gate_refuses_a_start_under_12_months_before_tender(ready):
    partnership, _commissioner = ready
    partnership.stage = Stage.STRATEGIC
    partnership.started_on = dt.date(2006, 9, 1)
    partnership.save()
    report = gates.evaluate(partnership, {"tor_mou_signed"})
    assert [r.criterion.code for r in report.blocking] == ["timeline_t1"]
    assert report.blocking[0].detail.startswith("The PSP starts 10 months before the tender")


def test_pilot_gate_counts_the_months_the_pilot_has_run(ready):
    partnership, _commissioner = ready
    partnership.stage = Stage.PILOT
    partnership.save()
    with time_machine.travel(dt.datetime(2007, 3, 15, 12, tzinfo=dt.UTC)):
        report = gates.evaluate(partnership, MANUAL[Stage.PILOT])
        assert [(r.criterion.code, r.detail) for r in report.blocking] == [
            ("pilot_ran_6_months", "The pilot has run 5 months; it must run at least 6.")
        ]
    with time_machine.travel(dt.datetime(2007, 4, 2, 12, tzinfo=dt.UTC)):
        assert gates.evaluate(partnership, MANUAL[Stage.PILOT]).can_advance


def test_loop_back_from_pilot_to_design_records_the_reason(ready):
    partnership, commissioner = ready
    partnership.stage = Stage.PILOT
    partnership.save()
    change = domain.loop_back(
        partnership=partnership,
        actor=commissioner,
        to_stage=Stage.SERVICE_DESIGN,
        reason="Referrals from housing officers did not arrive.",
    )
    partnership.refresh_from_db()
    assert partnership.stage == Stage.SERVICE_DESIGN
    assert change.kind == StageChangeKind.LOOPED_BACK
    event = AuditEvent.objects.get(action="partnership.stage.looped_back")
    assert event.data == {
        "from": "pilot",
        "to": "service_design",
        "reason": "Referrals from housing officers did not arrive.",
    }


@pytest.mark.parametrize(
    ("to_stage", "reason", "code"),
    [
        (Stage.SERVICE_DESIGN, "  ", "reason_required"),
        (Stage.PROCUREMENT, "Skip ahead", "not_earlier"),
        (Stage.PILOT, "Same stage", "not_earlier"),
    ],
)
def test_loop_back_refuses_without_a_reason_or_forwards(ready, to_stage, reason, code):
    partnership, commissioner = ready
    partnership.stage = Stage.PILOT
    partnership.save()
    with pytest.raises(DomainError) as error:
        domain.loop_back(
            partnership=partnership, actor=commissioner, to_stage=to_stage, reason=reason
        )
    assert error.value.code == code
    partnership.refresh_from_db()
    assert partnership.stage == Stage.PILOT
    assert not AuditEvent.objects.filter(action="partnership.stage.looped_back").exists()


def test_a_later_app_can_register_and_retire_criteria(ready, monkeypatch):
    partnership, _ = ready
    monkeypatch.setattr(gates, "_CRITERIA", {s: list(c) for s, c in gates._CRITERIA.items()})
    monkeypatch.setattr(gates, "_RETIRED", set())
    gates.register(
        Stage.FEASIBILITY,
        gates.Criterion(
            "market_scan", "Market scan done", lambda p: gates.Outcome(False, "No scan yet.")
        ),
        replaces="go_decision",
    )
    report = gates.evaluate(partnership)
    assert [r.criterion.code for r in report.results] == [
        "need_statement",
        "commissioner_named",
        "procurement_officer_assigned",
        "market_scan",
    ]
