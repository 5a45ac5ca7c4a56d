"""Evaluation and award, worked by hand.

The tender (conftest): price 50 (Storage 20, Packs 30, relative to the lowest price), quality
40 (Method 25, Partnership working 15), community benefit 10 (trainee weeks, relative to the
most offered, no proxy or points so the value is the quantity).

Bids: Homereach — Storage £41,250, Packs £123,457.89, 52 trainee weeks;
      Clearway  — Storage £39,000, Packs £150,000,     40 trainee weeks.
Moderated scores: Homereach Method 3, Partnership 4; Clearway Method 2, Partnership 3.

Homereach: Storage 20 × 39000/41250 = 18.9091; Packs 30; Method 3/4 × 25 = 18.75;
           Partnership 15; benefit 10 → total 92.6591.
Clearway:  Storage 20; Packs 30 × 123457.89/150000 = 24.6916; Method 12.5; Partnership 11.25;
           benefit 10 × 40/52 = 7.6923 → total 76.1339.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from coplan.bidding import domain
from coplan.bidding.enums import CommitmentSource, ConflictDecision, Part
from coplan.bidding.models import Award, Score
from coplan.core import clock
from coplan.core.errors import DomainError
from coplan.core.models import Affiliation, AuditEvent
from coplan.partnerships.enums import Role
from tests.factories import member

from .conftest import score_all

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def q(value, places="0.0001"):
    return Decimal(value).quantize(Decimal(places))


def test_the_price_evaluator_does_not_score_quality(tender, personas):
    officer = personas["procurement"]
    method = tender.quality_criteria.get(name="Method")
    domain.assign(tender=tender, actor=officer, evaluator=personas["observer"], part=Part.PRICE)
    with pytest.raises(DomainError) as refused:
        domain.assign(
            tender=tender,
            actor=officer,
            evaluator=personas["observer"],
            part=Part.QUALITY,
            criterion=method,
        )
    assert refused.value.code == "scores_price"
    domain.assign(
        tender=tender,
        actor=officer,
        evaluator=personas["evaluator"],
        part=Part.QUALITY,
        criterion=method,
    )
    with pytest.raises(DomainError) as refused:
        domain.assign(
            tender=tender, actor=officer, evaluator=personas["evaluator"], part=Part.PRICE
        )
    assert refused.value.code == "scores_quality"


def test_a_question_needs_three_evaluators_unless_the_officer_says_why(tender, personas):
    officer = personas["procurement"]
    method = tender.quality_criteria.get(name="Method")
    domain.assign(
        tender=tender,
        actor=officer,
        evaluator=personas["evaluator"],
        part=Part.QUALITY,
        criterion=method,
    )
    rows = {r.criterion.name if r.criterion else "price": r for r in domain.panel_of(tender)}
    assert rows["Method"].problem == "Method has 1 evaluator: add more or record why not."
    assert rows["price"].problem == "Nobody evaluates price and benefits."
    domain.record_shortfall(
        tender=tender, actor=officer, criterion=method, reason="Small council team."
    )
    rows = {r.criterion.name if r.criterion else "price": r for r in domain.panel_of(tender)}
    assert rows["Method"].problem == ""


def test_only_the_procurement_officer_sets_the_panel(tender, personas):
    with pytest.raises(DomainError) as refused:
        domain.assign(
            tender=tender,
            actor=personas["commissioner"],
            evaluator=personas["evaluator"],
            part=Part.PRICE,
        )
    assert refused.value.code == "not_authorised"


def test_a_flagged_evaluator_sees_nothing_until_the_officer_decides(
    opened, tender, personas, homereach
):
    beulah = homereach.consortium.members.get(organisation__name="Beulah Scotland").organisation
    linked = member(tender.partnership, Role.EVALUATOR, beulah, full_name="Linked Evaluator")
    method = tender.quality_criteria.get(name="Method")
    officer = personas["procurement"]
    domain.assign(
        tender=tender,
        actor=officer,
        evaluator=linked,
        part=Part.QUALITY,
        criterion=method,
        confirm_conflict=True,  # warned at assignment (test_conflicts_at_assignment)
    )
    assert domain.parts_of(tender, linked) == []  # nothing before declaring
    declaration = domain.declare(tender=tender, evaluator=linked, kind="none")
    assert declaration.flags == [
        "Your organisation Beulah Scotland is a member of the bidding consortium Homereach."
    ]
    assert declaration.decision == ConflictDecision.PENDING
    assert domain.parts_of(tender, linked) == []
    with pytest.raises(DomainError) as refused:
        domain.submit_score(
            bid=opened[1], criterion=method, evaluator=linked, score=2, rationale="x"
        )
    assert refused.value.code == "not_cleared"
    with pytest.raises(DomainError) as refused:
        domain.decide_conflict(
            declaration=declaration, actor=officer, decision="proceed", reason="Minor."
        )
    assert refused.value.field == "mitigation"
    domain.decide_conflict(
        declaration=declaration,
        actor=officer,
        decision="proceed",
        mitigation="Does not score Homereach's bid; a second moderator checks.",
        reason="Member organisation's trustee only.",
    )
    assert [a.criterion for a in domain.parts_of(tender, linked)] == [method]
    assert AuditEvent.objects.filter(action="bidding.conflict.decided").count() == 1


def test_a_recused_evaluator_stays_out(opened, tender, personas):
    Affiliation.objects.create(user=personas["evaluator"], organisation=opened[1].organisation)
    method = tender.quality_criteria.get(name="Method")
    domain.assign(
        tender=tender,
        actor=personas["procurement"],
        evaluator=personas["evaluator"],
        part=Part.QUALITY,
        criterion=method,
        confirm_conflict=True,
    )
    declaration = domain.declare(
        tender=tender,
        evaluator=personas["evaluator"],
        kind="actual",
        details="I work for Clearway.",
    )
    assert declaration.flags == ["Your organisation Clearway Removals Ltd is a bidder."]
    domain.decide_conflict(
        declaration=declaration,
        actor=personas["procurement"],
        decision="recused",
        reason="Works for a bidder.",
    )
    assert domain.parts_of(tender, personas["evaluator"]) == []


def test_scoring_is_blind_until_one_submits(opened, panel, tender, personas):
    method = tender.quality_criteria.get(name="Method")
    bid = opened[0]
    domain.submit_score(
        bid=bid, criterion=method, evaluator=personas["evaluator"], score=3, rationale="Good"
    )
    assert domain.visible_scores(bid, method, personas["steering"]) == []
    domain.submit_score(
        bid=bid, criterion=method, evaluator=personas["steering"], score=2, rationale="Gaps"
    )
    assert [s.score for s in domain.visible_scores(bid, method, personas["steering"])] == [3, 2]
    with pytest.raises(DomainError) as refused:
        domain.submit_score(
            bid=bid, criterion=method, evaluator=personas["steering"], score=4, rationale="Changed"
        )
    assert refused.value.code == "already_scored"
    with pytest.raises(DomainError) as refused:
        domain.submit_score(
            bid=bid, criterion=method, evaluator=personas["service_user"], score=5, rationale="x"
        )
    assert refused.value.field == "score"


def test_moderation_keeps_individual_scores_and_the_reason(opened, panel, tender, personas):
    score_all(tender, opened, personas, {(0, "Method"): (3, 3, 4)})
    method = tender.quality_criteria.get(name="Method")
    with pytest.raises(DomainError) as refused:
        domain.moderate(
            bid=opened[0],
            criterion=method,
            actor=personas["procurement"],
            score=3,
            rationale="Agreed",
        )
    assert refused.value.field == "difference_reason"
    row = domain.moderate(
        bid=opened[0],
        criterion=method,
        actor=personas["procurement"],
        score=3,
        rationale="Agreed",
        difference_reason="Generous on detail.",
    )
    assert [i["score"] for i in row.individual] == [3, 3, 4]
    assert Score.objects.filter(bid=opened[0], criterion=method).count() == 3


def test_results_through_the_engine(moderated, tender):
    results = domain.results_of(tender)
    assert results.complete
    rows = {r.name: r for r in results.ranked}
    homereach, clearway = moderated[0].organisation.name, "Clearway Removals Ltd"
    assert [r.name for r in results.ranked] == [homereach, clearway]
    assert q(rows[homereach].total) == Decimal("92.6591")
    assert q(rows[clearway].total) == Decimal("76.1339")
    assert q(rows[homereach].price_score) == Decimal("48.9091")
    assert q(rows[clearway].benefit_score) == Decimal("7.6923")
    assert rows[homereach].quality_score == Decimal("33.75")


def test_results_wait_for_moderation(opened, panel, tender):
    results = domain.results_of(tender)
    assert not results.complete
    assert len(results.missing) == 4


def test_an_abnormally_low_bid_is_rejected_only_after_an_explanation(moderated, tender, personas):
    officer = personas["procurement"]
    query = domain.request_explanation(
        bid=moderated[1], actor=officer, reason="Packs 30% under the pilot unit cost."
    )
    with pytest.raises(DomainError) as refused:
        domain.decide_price_query(query=query, actor=officer, outcome="rejected", reason="Too low")
    assert refused.value.code == "no_explanation"
    domain.record_explanation(query=query, actor=officer, explanation="We have donated vans.")
    domain.decide_price_query(
        query=query, actor=officer, outcome="rejected", reason="Not sustainable."
    )
    results = domain.results_of(tender)
    assert [r.name for r in results.ranked] == [moderated[0].organisation.name]
    assert results.excluded == [moderated[1]]


def test_the_commissioner_approves_the_award_and_the_contract_waits_for_standstill(
    moderated, tender, personas
):
    sent = dt.datetime(2007, 9, 3, 10, tzinfo=LONDON)
    with pytest.raises(DomainError) as refused, clock.at(sent):
        domain.approve_award(tender=tender, actor=personas["procurement"], reasons="Best value")
    assert refused.value.code == "commissioner_required"
    with clock.at(sent):
        award = domain.approve_award(
            tender=tender,
            actor=personas["commissioner"],
            reasons="Most economically advantageous tender.",
            starts_on=dt.date(2007, 10, 1),
            ends_on=dt.date(2010, 9, 30),
        )
    assert (award.standstill_days, award.standstill_ends_at) == (
        10,
        dt.datetime(2007, 9, 14, 0, tzinfo=LONDON),
    )
    tender.refresh_from_db()
    assert tender.awarded_at == sent
    contract = tender.contracts.get()
    assert contract.supplier == moderated[0].organisation
    assert contract.consortium.name == "Homereach"
    assert contract.value == Decimal("164707.89")
    assert [(c.description, c.target_min, c.source) for c in contract.commitments.all()] == [
        ("Trainee weeks", Decimal("52"), CommitmentSource.BID)
    ]
    assert [r["name"] for r in award.results] == [
        moderated[0].organisation.name,
        "Clearway Removals Ltd",
    ]
    with (
        pytest.raises(DomainError) as refused,
        clock.at(dt.datetime(2007, 9, 13, 23, 59, tzinfo=LONDON)),
    ):
        domain.conclude_contract(contract=contract, actor=personas["procurement"])
    assert refused.value.code == "standstill"
    assert AuditEvent.objects.filter(action="bidding.contract.refused_in_standstill").exists()
    with clock.at(dt.datetime(2007, 9, 14, 0, tzinfo=LONDON)):
        domain.conclude_contract(contract=contract, actor=personas["procurement"])
    assert contract.concluded_at is not None


def test_letters_by_post_had_ten_days_in_2007(moderated, tender, personas):
    """The rules table in force on the day: PC(S)R 2006 reg 32(3), 10 days however sent."""
    with clock.at(dt.datetime(2007, 9, 3, 10, tzinfo=LONDON)):
        award = domain.approve_award(
            tender=tender, actor=personas["commissioner"], reasons="Best", electronic=False
        )
    assert award.standstill_days == 10
    assert award.standstill_ends_at == dt.datetime(2007, 9, 14, 0, tzinfo=LONDON)


def test_letters_by_post_have_fifteen_days_since_the_remedies_directive(
    moderated, tender, personas
):
    with clock.at(dt.datetime(2016, 9, 5, 10, tzinfo=LONDON)):
        award = domain.approve_award(
            tender=tender, actor=personas["commissioner"], reasons="Best", electronic=False
        )
    assert award.standstill_days == 15
    assert award.standstill_ends_at == dt.datetime(2016, 9, 21, 0, tzinfo=LONDON)
    assert award.notice.splitlines()[2] == (
        "Standstill period: 15 days, ending 21 September 2016 00:00."
    )


def test_a_new_version_of_the_rule_changes_the_standstill(moderated, tender, personas):
    from coplan.core.models import StatutoryRule

    StatutoryRule.objects.create(
        key="standstill_days_electronic",
        value=12,
        unit="days",
        effective_from=dt.date(2007, 9, 1),
        rule="Illustrative longer period.",
        source="Illustrative",
    )
    with clock.at(dt.datetime(2007, 9, 3, 10, tzinfo=LONDON)):
        award = domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best")
    assert award.standstill_days == 12


def test_the_fallback_applies_only_when_no_rule_is_in_force(db):
    from coplan.bidding.domain.award import standstill_days
    from coplan.core.models import StatutoryRule

    assert standstill_days(dt.date(2007, 9, 3), electronic=False) == 10  # from the table
    StatutoryRule.objects.filter(key__startswith="standstill").delete()
    assert standstill_days(dt.date(2007, 9, 3), electronic=False) == 15  # reg 85 fallback


def test_the_award_notice_states_the_benefits_when_the_duty_applied(moderated, tender, personas):
    tender.cb_duty = True
    tender.save()
    award = domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best")
    assert "Community benefits expected" in award.notice
    assert "- Trainee weeks: 52 weeks" in award.notice


def test_with_a_governance_body_the_award_cites_its_decision(moderated, tender, personas):
    from coplan.governance.models import Body

    Body.objects.create(
        partnership=tender.partnership, kind="steering_group", name="Steering group"
    )
    with pytest.raises(DomainError) as refused:
        domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best")
    assert refused.value.field == "decision"
    assert not Award.objects.exists()


def test_the_gate_checks_for_declarations_and_standstill(moderated, tender, personas):
    from coplan.bidding.health import conflicts_complete, standstill_elapsed

    assert conflicts_complete(tender.partnership).met
    assert standstill_elapsed(tender.partnership).detail == "No award yet."
    domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best")
    outcome = standstill_elapsed(tender.partnership)
    assert not outcome.met
    assert outcome.detail.startswith("Furniture storage and packs: standstill ends ")


def test_the_panel_records_each_evaluators_training(tender, personas):
    """A service user on the quality panel is trained first; the panel says so, and the
    assignment is audited with it."""
    from coplan.core.models import AuditEvent

    method = tender.quality_criteria.get(name="Method")
    domain.assign(
        tender=tender,
        actor=personas["procurement"],
        evaluator=personas["service_user"],
        part=Part.QUALITY,
        criterion=method,
        training="  Evaluator training for service users, CRNS, June 2007 ",
    )
    (row,) = [r for r in domain.panel_of(tender) if r.criterion == method]
    assert row.trained == [
        (personas["service_user"], "Evaluator training for service users, CRNS, June 2007")
    ]
    event = AuditEvent.objects.filter(action="bidding.panel.assigned").latest("pk")
    assert event.data["training"] == "Evaluator training for service users, CRNS, June 2007"
