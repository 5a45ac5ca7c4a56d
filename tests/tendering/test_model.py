"""The criteria tree and scoring model: weights total 100 and price-only is refused (the
engine's validation), Procurement Journey templates, incumbency warnings (F2), and the
evaluation model hidden from partners who may bid until it is published."""

from decimal import Decimal as D

import pytest

from coplan.core.errors import DomainError
from coplan.tendering import domain
from coplan.tendering.models import Clause
from coplan.tendering.scoring import engine


def test_the_tender_maps_to_the_engines_scoring_model(world):
    model = world.tender.scoring_model()
    assert model == engine.ScoringModel(
        price_method=engine.PriceMethod.RELATIVE_TO_LOWEST,
        price_weight=D(60),
        quality_criteria=(
            engine.QualityCriterion("Service delivery", D(20), 4),
            engine.QualityCriterion("Training young people", D(10), 4),
        ),
        benefit_weight=D(10),
        tie_break=engine.TieBreak.HIGHER_QUALITY,
        zero_price_rule=engine.ZeroPriceRule.ERROR,
        benefit_method=engine.BenefitMethod.RELATIVE_TO_MAX,
    )
    assert domain.check_model(world.tender) == ([], [])


def test_a_group_is_not_scored_its_questions_are(world):
    officer = world.people["procurement"]
    group = domain.add_criterion(tender=world.tender, actor=officer, name="Social value")
    domain.update_criterion(criterion=world.training, actor=officer, weight=D(5))
    domain.add_criterion(
        tender=world.tender, actor=officer, name="Volunteering", weight=D(5), parent=group
    )
    model = world.tender.scoring_model()
    assert [c.name for c in model.quality_criteria] == [
        "Service delivery",
        "Training young people",
        "Volunteering",
    ]
    rows = domain.tree_of(world.tender)
    assert [(c.name, depth) for c, depth in rows] == [
        ("Service delivery", 0),
        ("Training young people", 0),
        ("Social value", 0),
        ("Volunteering", 1),
    ]
    assert rows[2][0].group_weight == D(5)


def test_weights_not_totalling_100_and_price_only_are_refused(world):
    officer = world.people["procurement"]
    domain.set_scoring_model(tender=world.tender, actor=officer, price_weight=D(65))
    errors, _ = domain.check_model(world.tender)
    assert [(e.code, e.field) for e in errors] == [("weights_not_100", "price_weight")]
    assert "total 105" in errors[0].message
    domain.remove_criterion(criterion=world.delivery, actor=officer)
    domain.remove_criterion(criterion=world.training, actor=officer)
    domain.set_scoring_model(
        tender=world.tender, actor=officer, price_weight=D(100), benefit_weight=D(0)
    )
    errors, _ = domain.check_model(world.tender)
    assert [e.code for e in errors] == ["price_only"]
    blockers = domain.check_publication(world.tender).blockers
    assert "invalid_model" in [b.code for b in blockers]


def test_a_template_sets_the_price_quality_ratio(world):
    # Strategic 50:50 with a community benefit weight of 10: quality questions share 40,
    # in their current proportion 20:10 → 26.6667 and 13.3333 (the last takes the rest).
    domain.apply_template(
        tender=world.tender, actor=world.people["procurement"], key="strategic_50_50"
    )
    world.delivery.refresh_from_db()
    world.training.refresh_from_db()
    world.tender.refresh_from_db()
    assert world.tender.price_weight == D(50)
    assert world.delivery.weight == D("26.6667")
    assert world.training.weight == D("13.3333")
    assert domain.check_model(world.tender)[0] == []
    with pytest.raises(DomainError) as refused:
        domain.apply_template(
            tender=world.tender, actor=world.people["procurement"], key="routine_80_20x"
        )
    assert refused.value.field == "template"


def test_price_elements_total_the_price_weight(world):
    officer = world.people["procurement"]
    domain.add_price_element(tender=world.tender, actor=officer, name="Storage", weight=D(20))
    domain.add_price_element(tender=world.tender, actor=officer, name="Packs", weight=D(30))
    errors, _ = domain.check_model(world.tender)
    assert [e.code for e in errors] == ["elements_not_price_weight"]
    domain.add_price_element(tender=world.tender, actor=officer, name="Delivery", weight=D(10))
    assert domain.check_model(world.tender)[0] == []


def test_f2_criteria_that_reward_incumbency_draw_a_warning(world):
    domain.add_criterion(
        tender=world.tender,
        actor=world.people["procurement"],
        name="Track record",
        question="Describe how you delivered the pilot for the council.",
        weight=D(0),
    )
    _, warnings = domain.check_model(world.tender)
    assert [w.code for w in warnings] == ["rewards_incumbency"]
    assert "the pilot" in warnings[0].message
    assert domain.incumbency_warnings("Method for outcomes and referrals") == []
    assert domain.incumbency_warnings("Experience as the incumbent provider") == ["incumbent"]


def test_a_mandatory_requirement_needs_its_minimum(world):
    clause = Clause.objects.get(type="apprenticeships")
    with pytest.raises(DomainError) as refused:
        domain.add_requirement(
            tender=world.tender,
            actor=world.people["procurement"],
            clause_version=clause.current_version,
            measure=clause.measures.first(),
            mode="mandatory",
        )
    assert refused.value.field == "minimum"
    other = Clause.objects.get(type="education").measures.first()
    with pytest.raises(DomainError) as refused:
        domain.add_requirement(
            tender=world.tender,
            actor=world.people["procurement"],
            clause_version=clause.current_version,
            measure=other,
            mode="scored",
        )
    assert refused.value.field == "measure"


def test_a_requirement_keeps_the_clause_version_it_chose(world):
    clause = world.trainees.clause_version.clause
    domain.revise_wording(clause=clause, actor=world.people["staff"], wording="New wording.")
    world.trainees.refresh_from_db()
    assert world.trainees.clause_version.number == 1


@pytest.mark.parametrize(
    ("persona", "before", "after"),
    [
        ("commissioner", True, True),
        ("procurement", True, True),
        ("steering", True, True),
        ("evaluator", True, True),
        ("observer", True, True),
        ("facilitator", False, True),
        ("se_partner", False, True),
        ("service_user", False, False),
        ("outsider", False, False),
        ("staff", False, False),
    ],
)
def test_partners_who_may_bid_never_see_the_unpublished_model(world, persona, before, after):
    user = world.people[persona]
    assert user.has_perm("tendering.view_evaluation_model", world.tender) is before
    domain.publish(tender=world.tender, actor=world.people["commissioner"])
    world.tender.refresh_from_db()
    assert user.has_perm("tendering.view_evaluation_model", world.tender) is after


def test_the_published_model_cannot_change(world):
    domain.publish(tender=world.tender, actor=world.people["commissioner"])
    assert not world.people["procurement"].has_perm(
        "tendering.change_evaluation_model", world.tender
    )
    with pytest.raises(DomainError) as refused:
        domain.set_scoring_model(
            tender=world.tender, actor=world.people["procurement"], price_weight=D(50)
        )
    assert refused.value.code == "tender_published"


def test_partners_learn_only_that_the_model_is_incomplete(world, client):
    domain.set_scoring_model(
        tender=world.tender, actor=world.people["procurement"], price_weight=D(70)
    )
    partner, officer = world.people["se_partner"], world.people["procurement"]
    assert [b.message for b in domain.check_publication(world.tender, user=partner).blockers] == [
        "The scoring model is not complete yet."
    ]
    told = domain.check_publication(world.tender, user=officer).blockers
    assert "weights total 110" in told[0].message
    client.force_login(partner)
    page = client.get(world.tender.get_absolute_url()).content.decode()
    assert "The scoring model is not complete yet." in page
    assert "110" not in page and "price 70" not in page
    from tests.api.helpers import FORBIDDEN, api_as, assert_problem

    ocds_path = f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/ocds"
    assert_problem(api_as(partner).get(ocds_path), 403, FORBIDDEN)
    assert api_as(officer).get(ocds_path).status_code == 200
