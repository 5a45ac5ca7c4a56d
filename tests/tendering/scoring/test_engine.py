"""The scoring engine (domain.md §5): every formula with hand-worked figures, the zero-price
rules, the clamp, ties under each tie-break, the warnings, and input errors naming the field.

All figures are exact Decimals: nothing is rounded by the engine."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from coplan.tendering.scoring.engine import (
    QUALITY_SCALE,
    TEMPLATES,
    BenefitMethod,
    BidInput,
    PriceElement,
    PriceMethod,
    QualityCriterion,
    ScoringInputError,
    ScoringModel,
    TieBreak,
    ZeroPriceRule,
    describe,
    simulate,
    validate_model,
)


def model(method=PriceMethod.RELATIVE_TO_LOWEST, price=60, quality=(("Method", 40),), **extra):
    return ScoringModel(
        price_method=method,
        price_weight=D(price),
        quality_criteria=tuple(QualityCriterion(n, D(w)) for n, w in quality),
        **extra,
    )


def bid(name, price=None, method=2, **extra):
    return BidInput(
        name=name,
        price=None if price is None else D(price),
        quality_scores={"Method": D(method)},
        **extra,
    )


def by_name(result):
    return {b.name: b for b in result.bids}


def codes(result):
    return [(w.code, w.bid, w.element) for w in result.warnings]


def refused(m, bids) -> ScoringInputError:
    with pytest.raises(ScoringInputError) as caught:
        simulate(m, bids)
    return caught.value


# --- price formulas -------------------------------------------------------------------------


def test_relative_to_lowest_scores_weight_times_lowest_over_price():
    # W = 60; lowest £100,000. A: 60 × 100/100 = 60; B: 60 × 100/120 = 50; C: 60 × 100/150 = 40.
    # Quality (40 points, 0–4): A 2 → 20; B 4 → 40; C 3 → 30.
    result = simulate(
        model(),
        [bid("A", 100_000, 2), bid("B", 120_000, 4), bid("C", 150_000, 3)],
    )

    scores = by_name(result)
    assert [scores[n].price_score for n in "ABC"] == [D(60), D(50), D(40)]
    assert [scores[n].quality_score for n in "ABC"] == [D(20), D(40), D(30)]
    assert [scores[n].total for n in "ABC"] == [D(80), D(90), D(70)]
    assert [(b.name, b.rank) for b in result.bids] == [("B", 1), ("A", 2), ("C", 3)]
    assert result.warnings == ()


def test_scores_keep_full_precision():
    # 60 × 100/130 = 46.153846… to the 28 significant digits of Decimal arithmetic.
    result = simulate(model(), [bid("A", 100), bid("B", 130)])

    assert by_name(result)["B"].price_score == D("46.15384615384615384615384615")


def test_linear_deviation_loses_the_same_share_of_points_as_the_price_is_dearer():
    # W = 60; lowest 100. B is 25% dearer → 60 × (1 − 25/100) = 45; D 5% → 57.
    result = simulate(
        model(PriceMethod.LINEAR_DEVIATION),
        [bid("A", 100), bid("B", 125), bid("D", 105)],
    )

    scores = by_name(result)
    assert [scores[n].price_score for n in "ABD"] == [D(60), D(45), D(57)]
    assert result.warnings == ()


def test_linear_deviation_clamps_at_zero_and_records_the_clamp():
    # C is 101% dearer: 60 × (1 − 101/100) = −0.6 → clamped to 0.
    # (Four bids, so that A is not abnormally low: 0.7 × (110 + 105 + 201)/3 = 97.07 < 100.)
    result = simulate(
        model(PriceMethod.LINEAR_DEVIATION),
        [bid("A", 100), bid("B", 110), bid("D", 105), bid("C", 201)],
    )

    scores = by_name(result)
    assert [scores[n].price_score for n in "ABDC"] == [D(60), D(54), D(57), D(0)]
    assert codes(result) == [("clamped", "C", None)]
    assert "more than twice the lowest" in result.warnings[0].message


def test_range_scores_between_highest_and_lowest():
    # W = 60; Pmin 100, Pmax 200. B: 60 × (200 − 150)/(200 − 100) = 30; C: 0.
    result = simulate(
        model(PriceMethod.RANGE),
        [bid("A", 100), bid("B", 150), bid("C", 200)],
    )

    scores = by_name(result)
    assert [scores[n].price_score for n in "ABC"] == [D(60), D(30), D(0)]


def test_range_with_all_prices_equal_gives_everyone_the_full_weight():
    result = simulate(model(PriceMethod.RANGE), [bid("A", 100, 1), bid("B", 100, 3)])

    assert [b.price_score for b in result.bids] == [D(60), D(60)]
    assert [(b.name, b.total) for b in result.bids] == [("B", D(90)), ("A", D(70))]


# --- multi-element price schedules ----------------------------------------------------------

SCHEDULE = (PriceElement("Labour", D(40)), PriceElement("Materials", D(20)))


def scheduled(name, labour, materials, method=3):
    return BidInput(
        name=name,
        prices={"Labour": D(labour), "Materials": D(materials)},
        quality_scores={"Method": D(method)},
    )


def test_each_element_is_scored_with_its_weight_and_the_scores_added():
    # Labour (40): lowest 80 → A 40, B 40 × 80/100 = 32.
    # Materials (20): lowest 20 → A 20 × 20/40 = 10, B 20.
    # Price: A 50, B 52. Quality 3/4 × 40 = 30 each.
    result = simulate(
        model(price_elements=SCHEDULE),
        [scheduled("A", 80, 40), scheduled("B", 100, 20)],
    )

    a, b = by_name(result)["A"], by_name(result)["B"]
    assert a.element_scores == {"Labour": D(40), "Materials": D(10)}
    assert b.element_scores == {"Labour": D(32), "Materials": D(20)}
    assert (a.price_score, b.price_score) == (D(50), D(52))
    assert (a.total, b.total) == (D(80), D(82))
    assert (a.total_price, b.total_price) == (D(120), D(120))
    assert [x.name for x in result.bids] == ["B", "A"]


def test_element_weights_must_total_the_price_weight():
    schedule = (PriceElement("Labour", D(40)), PriceElement("Materials", D(10)))

    error = refused(model(price_elements=schedule), [scheduled("A", 80, 40)])

    assert error.field == "price_elements"
    assert error.message == (
        "The price elements' weights total 50; they must total the price weight, 60."
    )


def test_a_missing_element_price_names_the_element():
    error = refused(
        model(price_elements=SCHEDULE),
        [BidInput("A", prices={"Labour": D(80)}, quality_scores={"Method": D(3)})],
    )

    assert error.field == "bids[0].prices.Materials"


# Unit rates with published quantities over the contract (docs/formulas.md, unit rates): a
# 4-year community meals contract, 70,000 meals and 9,000 lunch-club places a year.
MEALS = (
    PriceElement("Meals", D(40), quantity=D(70000) * 4),
    PriceElement("Lunch club", D(20), quantity=D(9000) * 4),
)


def meals_bid(name, meal, place, method=3):
    return BidInput(
        name=name,
        prices={"Meals": D(meal), "Lunch club": D(place)},
        quality_scores={"Method": D(method)},
    )


def test_unit_rates_are_evaluated_at_rate_times_quantity_not_summed():
    # A: 4.20 × 280,000 = 1,176,000 and 5.65 × 36,000 = 203,400 → 1,379,400 (not 9.85).
    # B: 4.50 × 280,000 = 1,260,000 and 5.00 × 36,000 = 180,000 → 1,440,000.
    # Meals (40): lowest 1,176,000 → A 40, B 40 × 1,176,000 / 1,260,000 = 37.333…
    # Lunch club (20): lowest 180,000 → A 20 × 180,000 / 203,400 = 17.699…, B 20.
    result = simulate(
        model(price_elements=MEALS),
        [meals_bid("A", "4.20", "5.65"), meals_bid("B", "4.50", "5.00")],
    )

    a, b = by_name(result)["A"], by_name(result)["B"]
    assert a.element_prices == {"Meals": D("1176000.00"), "Lunch club": D("203400.00")}
    assert (a.total_price, b.total_price) == (D("1379400.00"), D("1440000.00"))
    assert a.element_scores["Meals"] == D(40)
    assert b.element_scores["Lunch club"] == D(20)
    assert a.element_scores["Lunch club"].quantize(D("0.0001")) == D("17.6991")
    assert b.element_scores["Meals"].quantize(D("0.0001")) == D("37.3333")


def test_a_stated_total_must_be_the_sum_of_the_evaluated_prices():
    bad = replace(meals_bid("A", "4.20", "5.65"), price=D("9.85"))

    error = refused(model(price_elements=MEALS), [bad])

    assert error.field == "bids[0].price"
    assert error.message == (
        "A's total price 9.85 is not the sum of its evaluated element prices (1379400)."
    )


def test_a_quantity_must_be_more_than_zero():
    schedule = (PriceElement("Meals", D(40), quantity=D(0)), MEALS[1])

    error = refused(model(price_elements=schedule), [meals_bid("A", "4.20", "5.65")])

    assert error.field == "price_elements[0].quantity"
    assert error.message == "The estimated quantity of 'Meals' must be more than 0."


def test_the_published_method_says_how_unit_rates_are_evaluated():
    sentences = describe(model(price_elements=MEALS))

    assert (
        "Unit-rate elements are evaluated at the rate × the published estimated quantity over "
        "the contract: Meals (280000), Lunch club (36000); the bid's total price is the sum of "
        "its evaluated element prices."
    ) in sentences


# --- a zero price in an element, under each rule ----------------------------------------------


def test_zero_element_price_is_refused_under_the_error_rule():
    error = refused(
        model(price_elements=SCHEDULE, zero_price_rule=ZeroPriceRule.ERROR),
        [scheduled("A", 100, 0), scheduled("B", 125, 75)],
    )

    assert error.field == "bids[0].prices.Materials"
    assert error.code == "zero_price"


def test_zero_element_price_scores_that_element_on_the_total_prices():
    # Labour (40): lowest 100 → A 40; B 40 × 100/125 = 32.
    # Materials (20) on totals (A 100, B 200): A 20; B 20 × 100/200 = 10.
    result = simulate(
        model(price_elements=SCHEDULE, zero_price_rule=ZeroPriceRule.SCORE_ON_TOTAL),
        [scheduled("A", 100, 0), scheduled("B", 125, 75)],
    )

    a, b = by_name(result)["A"], by_name(result)["B"]
    assert a.element_scores == {"Labour": D(40), "Materials": D(20)}
    assert b.element_scores == {"Labour": D(32), "Materials": D(10)}
    assert (a.price_score, b.price_score) == (D(60), D(42))
    # A's total (100) is also below 0.7 × 200.
    assert codes(result) == [
        ("zero_element_price", "A", "Materials"),
        ("abnormally_low", "A", None),
    ]
    assert "total prices" in result.warnings[0].message


def test_zero_element_price_gets_full_marks_and_the_rest_score_against_the_lowest_above_zero():
    # Materials (20): A's zero → 20; lowest above zero is C's 50: B 20 × 50/100 = 10, C 20.
    # Labour (40): lowest 100 → A 40, B 40 × 100/125 = 32, C 40 × 100/200 = 20.
    result = simulate(
        model(price_elements=SCHEDULE, zero_price_rule=ZeroPriceRule.FULL_MARKS),
        [scheduled("A", 100, 0), scheduled("B", 125, 100), scheduled("C", 200, 50)],
    )

    scores = by_name(result)
    assert [scores[n].element_scores["Materials"] for n in "ABC"] == [D(20), D(10), D(20)]
    assert [scores[n].price_score for n in "ABC"] == [D(60), D(42), D(40)]
    # A's total (100) is also below 0.7 × (225 + 250)/2 = 166.25.
    assert codes(result) == [
        ("zero_element_price", "A", "Materials"),
        ("abnormally_low", "A", None),
    ]


def test_the_range_formula_scores_a_zero_price_as_it_stands_with_a_warning():
    # Range is defined at zero, so the rule (error) does not apply. Materials (20): Pmin 0,
    # Pmax 100: A 20, B 0. Labour (40): A 40, B 0.
    result = simulate(
        model(PriceMethod.RANGE, price_elements=SCHEDULE, zero_price_rule=ZeroPriceRule.ERROR),
        [scheduled("A", 100, 0), scheduled("B", 125, 100)],
    )

    assert by_name(result)["A"].price_score == D(60)
    assert by_name(result)["B"].price_score == D(0)
    assert codes(result)[0] == ("zero_element_price", "A", "Materials")


def test_a_single_zero_price_under_each_rule():
    bids = [bid("A", 0), bid("B", 100)]

    error = refused(model(zero_price_rule=ZeroPriceRule.ERROR), bids)
    assert error.field == "bids[0].price"
    on_total = refused(model(zero_price_rule=ZeroPriceRule.SCORE_ON_TOTAL), bids)
    assert on_total.field == "bids[0].price"
    full = simulate(model(zero_price_rule=ZeroPriceRule.FULL_MARKS), bids)
    assert [b.price_score for b in full.bids] == [D(60), D(60)]
    assert ("zero_element_price", "A", None) in codes(full)


def test_score_on_total_is_refused_when_a_total_is_zero_too():
    error = refused(
        model(price_elements=SCHEDULE, zero_price_rule=ZeroPriceRule.SCORE_ON_TOTAL),
        [scheduled("A", 100, 20), scheduled("B", 0, 0)],
    )

    assert error.field == "bids[1].prices.Labour"


# --- quality --------------------------------------------------------------------------------


def test_quality_is_score_over_the_top_of_the_scale_times_the_weight():
    # Method 3/4 × 30 = 22.5; Staff 7/10 × 10 = 7.
    m = ScoringModel(
        PriceMethod.RELATIVE_TO_LOWEST,
        D(60),
        (QualityCriterion("Method", D(30)), QualityCriterion("Staff", D(10), scale_max=10)),
    )

    result = simulate(m, [BidInput("A", price=D(1), quality_scores={"Method": 3, "Staff": 7})])

    assert result.bids[0].criterion_scores == {"Method": D("22.5"), "Staff": D(7)}
    assert result.bids[0].quality_score == D("29.5")


@pytest.mark.parametrize(
    ("scores", "field", "message"),
    [
        ({"Method": D("4.5")}, "bids[0].quality_scores.Method", "between 0 and 4"),
        ({"Method": D(-1)}, "bids[0].quality_scores.Method", "between 0 and 4"),
        ({}, "bids[0].quality_scores.Method", "Enter A's score for 'Method'."),
        ({"Method": 2, "Price": 2}, "bids[0].quality_scores.Price", "not a quality question"),
    ],
)
def test_a_bad_quality_score_names_the_field(scores, field, message):
    error = refused(model(), [BidInput("A", price=D(100), quality_scores=scores)])

    assert error.field == field
    assert message in error.message


# --- community benefit ----------------------------------------------------------------------


def benefit_model(method=BenefitMethod.RELATIVE_TO_MAX):
    return model(price=60, quality=(("Method", 30),), benefit_weight=D(10), benefit_method=method)


def test_benefit_relative_to_the_highest_value():
    # W = 10; max 100 trainee weeks: A 10 × 50/100 = 5; B 10; C 0.
    result = simulate(
        benefit_model(),
        [bid(n, 100, benefit_value=D(v)) for n, v in (("A", 50), ("B", 100), ("C", 0))],
    )

    assert [by_name(result)[n].benefit_score for n in "ABC"] == [D(5), D(10), D(0)]


def test_benefit_scores_are_all_zero_when_nobody_commits_anything():
    result = simulate(benefit_model(), [bid(n, 100, benefit_value=D(0)) for n in "AB"])

    assert [b.benefit_score for b in result.bids] == [D(0), D(0)]


def test_benefit_method_statement_is_a_0_to_4_score():
    # W = 10: 3/4 × 10 = 7.5.
    result = simulate(
        benefit_model(BenefitMethod.METHOD_STATEMENT), [bid("A", 100, benefit_value=D(3))]
    )

    assert result.bids[0].benefit_score == D("7.5")
    # 60 + 2/4 × 30 + 7.5
    assert result.bids[0].total == D("82.5")


def test_benefit_value_errors_name_the_field():
    missing = refused(benefit_model(), [bid("A", 100), bid("B", 100, benefit_value=D(1))])
    above = refused(
        benefit_model(BenefitMethod.METHOD_STATEMENT), [bid("A", 100, benefit_value=D(5))]
    )
    negative = refused(benefit_model(), [bid("A", 100, benefit_value=D(-1))])

    assert missing.field == "bids[0].benefit_value"
    assert above.field == "bids[0].benefit_value"
    assert negative.field == "bids[0].benefit_value"


# --- weights --------------------------------------------------------------------------------


def test_weights_must_total_exactly_100():
    with pytest.raises(ScoringInputError) as caught:
        validate_model(model(price=60, quality=(("Method", 30),)))

    assert caught.value.field == "price_weight"
    assert caught.value.code == "weights_not_100"
    assert caught.value.message == (
        "The weights total 90 (price 60, quality 30, community benefit 0); "
        "they must total exactly 100."
    )


def test_price_only_is_refused():
    with pytest.raises(ScoringInputError) as caught:
        validate_model(model(price=100, quality=()))

    assert caught.value.field == "quality_criteria"
    assert caught.value.code == "price_only"


def test_price_and_community_benefit_only_is_not_price_only():
    validate_model(model(price=90, quality=(), benefit_weight=D(10)))


@pytest.mark.parametrize(
    ("m", "field"),
    [
        (model(quality=(("Method", 20), ("Method", 20))), "quality_criteria[1].name"),
        (model(quality=(("Method", 40), ("Staff", 0))), "quality_criteria[1].weight"),
        (model(price=-10, quality=(("Method", 110),)), "price_weight"),
        (model(abnormally_low_share=D("1.5")), "abnormally_low_share"),
        (model("cheapest"), "price_method"),
    ],
)
def test_other_model_errors_name_the_field(m, field):
    with pytest.raises(ScoringInputError) as caught:
        validate_model(m)

    assert caught.value.field == field


@pytest.mark.parametrize(
    ("bids", "field"),
    [
        ([], "bids"),
        ([bid("A", 100), bid("A", 110)], "bids[1].name"),
        ([bid("A", 100), bid("", 110)], "bids[1].name"),
        ([bid("A", 100), bid("B")], "bids[1].price"),
        ([bid("A", -5)], "bids[0].price"),
        ([bid("A", 100, prices={"Labour": D(1)})], "bids[0].prices"),
    ],
)
def test_bid_errors_name_the_field(bids, field):
    assert refused(model(), bids).field == field


# --- ranking and ties -----------------------------------------------------------------------

# W = 60 relative + quality 40: A 60 + 20, B 50 + 30, C 40 + 40 — all total exactly 80.
TIED = [bid("A", 100, 2), bid("B", 120, 3), bid("C", 150, 4)]


def test_a_tie_without_tie_break_shares_the_rank_and_warns():
    result = simulate(model(tie_break=TieBreak.NONE), TIED)

    assert [(b.name, b.total, b.rank) for b in result.bids] == [
        ("A", D(80), 1),
        ("B", D(80), 1),
        ("C", D(80), 1),
    ]
    assert codes(result) == [("tie", None, None)]
    assert result.warnings[0].message == (
        "A, B and C have the same total score (80.00, equal at full precision and not only "
        "when rounded); there is no tie-break, so they share the same rank."
    )


def test_a_tie_broken_by_higher_quality():
    result = simulate(model(tie_break=TieBreak.HIGHER_QUALITY), TIED)

    assert [(b.name, b.rank) for b in result.bids] == [("C", 1), ("B", 2), ("A", 3)]
    assert codes(result) == [("tie", None, None)]
    assert "the tie-break (higher quality score) ranks them C 1, B 2, A 3." in (
        result.warnings[0].message
    )


def test_a_tie_broken_by_lower_price():
    result = simulate(model(tie_break=TieBreak.LOWER_PRICE), TIED)

    assert [(b.name, b.rank) for b in result.bids] == [("A", 1), ("B", 2), ("C", 3)]
    assert codes(result) == [("tie", None, None)]


def test_a_tie_the_tie_break_cannot_settle_shares_the_rank():
    result = simulate(
        model(tie_break=TieBreak.HIGHER_QUALITY), [bid("A", 100, 2), bid("B", 100, 2)]
    )

    assert [b.rank for b in result.bids] == [1, 1]
    assert "still tied" in result.warnings[0].message


def test_ranks_use_unrounded_totals():
    # B: 60 × 100/100.001 = 59.99940000599994… — equal to A's 60 to 2 dp, but lower.
    result = simulate(model(), [bid("A", 100), bid("B", "100.001")])

    assert [(b.name, b.rank) for b in result.bids] == [("A", 1), ("B", 2)]
    assert f"{result.bids[1].total:.2f}" == "80.00"
    assert result.warnings == ()


def test_totals_equal_but_for_the_last_digit_of_decimal_division_are_a_tie():
    # Both 60 + 80/3 = 86.666…: A as 20 × 1/3 + 20 × 3/3, B as 20 × 2/3 + 20 × 2/3. In
    # 28-digit arithmetic they differ in the last digit; the engine compares to 20 places.
    m = ScoringModel(
        PriceMethod.RELATIVE_TO_LOWEST,
        D(60),
        (QualityCriterion("Method", D(20), 3), QualityCriterion("Staff", D(20), 3)),
    )
    a = BidInput("A", price=D(100), quality_scores={"Method": 1, "Staff": 3})
    b = BidInput("B", price=D(100), quality_scores={"Method": 2, "Staff": 2})

    result = simulate(m, [a, b])

    assert [b.rank for b in result.bids] == [1, 1]
    assert codes(result) == [("tie", None, None)]


def test_quality_multiplies_before_dividing_so_exact_thirds_stay_exact():
    m = ScoringModel(PriceMethod.RANGE, D(70), (QualityCriterion("Method", D(30), 3),))

    result = simulate(m, [BidInput("A", price=D(1), quality_scores={"Method": 1})])

    assert result.bids[0].quality_score == D(10)


def test_competition_ranking_skips_after_a_tie():
    result = simulate(model(), [bid("A", 100, 2), bid("B", 100, 2), bid("C", 100, 1)])

    assert [b.rank for b in result.bids] == [1, 1, 3]


# --- anomaly warnings -----------------------------------------------------------------------


def test_a_middle_priced_bid_that_ranks_last_is_flagged():
    # W = 50 relative, quality 50: A 50 + 50 = 100; B 50 × 100/125 = 40 + 0 = 40;
    # C 50 × 100/200 = 25 + 3/4 × 50 = 62.5. B's price lies between A's and C's, yet B is last.
    m = model(price=50, quality=(("Method", 50),))

    result = simulate(m, [bid("A", 100, 4), bid("B", 125, 0), bid("C", 200, 3)])

    assert [(b.name, b.total, b.rank) for b in result.bids] == [
        ("A", D(100), 1),
        ("C", D("62.5"), 2),
        ("B", D(40), 3),
    ]
    # (A's 100 is also below 0.7 × (125 + 200)/2 = 113.75.)
    assert codes(result) == [("abnormally_low", "A", None), ("middle_bid_last", "B", None)]
    assert "lies between other bids' prices, yet it ranks last" in result.warnings[1].message


def test_an_abnormally_low_price_is_flagged_below_the_published_share_of_the_others_mean():
    # A: 60 < 0.7 × (100 + 100)/2 = 70. B: 100 ≥ 0.7 × (60 + 100)/2 = 56.
    result = simulate(model(), [bid("A", 60), bid("B", 100, 3), bid("C", 100)])

    assert codes(result) == [("abnormally_low", "A", None)]
    assert result.warnings[0].message == (
        "A's price (£60.00) is below 70% of the mean of the other bids' prices (£100.00), "
        "so it may be abnormally low. Ask the bidder to explain the price before any "
        "decision to reject the bid."
    )


def test_the_abnormally_low_share_is_a_parameter_and_the_threshold_is_strict():
    bids = [bid("A", 70), bid("B", 100, 3), bid("C", 100)]

    assert codes(simulate(model(), bids)) == []  # 70 is not below 70
    half = simulate(model(abnormally_low_share=D("0.75")), bids)
    assert codes(half) == [("abnormally_low", "A", None)]
    assert "below 75% of the mean" in half.warnings[0].message


# --- published constants and description ----------------------------------------------------


def test_templates_are_the_procurement_journey_ratios():
    assert [(t.category, t.price_weight, t.quality_weight) for t in TEMPLATES] == [
        ("routine", 80, 20),
        ("leverage", 60, 40),
        ("strategic", 60, 40),
        ("strategic", 50, 50),
        ("strategic", 40, 60),
        ("bottleneck", 40, 60),
        ("bottleneck", 10, 90),
    ]
    assert TEMPLATES[0].label == "Routine 80:20"


def test_quality_scale_runs_0_to_4_with_descriptors():
    assert [(s.score, s.label) for s in QUALITY_SCALE] == [
        (0, "Unacceptable"),
        (1, "Poor"),
        (2, "Acceptable"),
        (3, "Good"),
        (4, "Excellent"),
    ]


def test_describe_states_the_method_for_publication():
    m = model(
        PriceMethod.LINEAR_DEVIATION,
        price_elements=SCHEDULE,
        quality=(("Method", 30),),
        benefit_weight=D(10),
        zero_price_rule=ZeroPriceRule.SCORE_ON_TOTAL,
        tie_break=TieBreak.HIGHER_QUALITY,
    )

    text = describe(m)

    assert text[0] == (
        "Each bid is scored out of 100: price (60 points), quality (30 points) and community "
        "benefit (10 points)."
    )
    assert "linear deviation" in text[1]
    assert "a score below 0 is set to 0" in text[1]
    assert text[2] == (
        "The price schedule has 2 elements, each scored separately and then added: "
        "Labour (40 points), Materials (20 points)."
    )
    assert text[3] == (
        "If any bid prices an element at zero, that element is scored for every bid on the "
        "bids' total prices instead."
    )
    assert "Method (30 points)" in text[4]
    assert "highest committed value" in text[5]
    assert text[-2] == (
        "If two bids have the same total, the one with the higher quality score ranks higher."
    )
    assert text[-1].startswith("A price below 70% of the mean of the other bids' prices")


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        (
            {},
            "Price is scored relative to the lowest price: the price scores the price weight "
            "(60) × the lowest price ÷ the bid's price.",
        ),
        ({}, "A zero price is not accepted."),
        ({"zero_price_rule": ZeroPriceRule.SCORE_ON_TOTAL}, "A zero price is not accepted."),
        (
            {"zero_price_rule": ZeroPriceRule.FULL_MARKS},
            "A zero price gets the full points for it; the other bids are scored against the "
            "lowest price above zero.",
        ),
        (
            {"method": PriceMethod.RANGE},
            "A zero price is scored by the same formula, which is defined at zero.",
        ),
        (
            {"method": PriceMethod.RANGE},
            "Price is scored on the range of prices: the price scores the price weight (60) × "
            "(the highest price − the bid's price) ÷ (the highest price − the lowest price); "
            "when all prices are equal every bid scores the full weight.",
        ),
        (
            {"tie_break": TieBreak.LOWER_PRICE},
            "If two bids have the same total, the one with the lower price ranks higher.",
        ),
        ({}, "If two bids have the same total, they share the same rank."),
        (
            {
                "quality": (("Method", 30),),
                "benefit_weight": D(10),
                "benefit_method": BenefitMethod.METHOD_STATEMENT,
            },
            "Community benefit is a scored method statement on the 0–4 scale: points = "
            "score ÷ 4 × 10.",
        ),
    ],
)
def test_describe_each_rule(changes, sentence):
    assert sentence in describe(model(**changes))


# --- quality minimums: thresholds that bind -------------------------------------------------
#
# The worked example. Price 55 (relative to the lowest), quality 45: Method 35 and Staffing 10,
# each scored 0–4. Quality points = score ÷ 4 × weight.
#
#   Avon   £100,000  Method 3, Staffing 3 → 26.25 + 7.5 = 33.75
#   Brora  £125,000  Method 4, Staffing 4 → 35 + 10     = 45
#   Clyde   £80,000  Method 1, Staffing 1 → 8.75 + 2.5  = 11.25
#   Dee     £60,000  Method 1, Staffing 2 → 8.75 + 5    = 13.75
#
# With no minimum Dee's £60,000 is the lowest price: Brora 55 × 60/125 = 26.4 + 45 = 71.4;
# Dee 55 + 13.75 = 68.75; Avon 55 × 60/100 = 33 + 33.75 = 66.75; Clyde 41.25 + 11.25 = 52.5 —
# Dee, with 13.75 of 45 quality points, ranks second.
#
# With the published minimum of 20 quality points, Clyde and Dee are non-compliant: unranked,
# and their prices set no benchmark. The lowest compliant price is Avon's £100,000: Brora
# 55 × 100/125 = 44 + 45 = 89; Avon 55 + 33.75 = 88.75. Brora still ranks above Avon.

WORKED = (("Method", 35), ("Staffing", 10))


def worked_model(**extra):
    return model(price=55, quality=WORKED, tie_break=TieBreak.HIGHER_QUALITY, **extra)


def worked_bids():
    return [
        BidInput("Avon", D(100_000), quality_scores={"Method": D(3), "Staffing": D(3)}),
        BidInput("Brora", D(125_000), quality_scores={"Method": D(4), "Staffing": D(4)}),
        BidInput("Clyde", D(80_000), quality_scores={"Method": D(1), "Staffing": D(1)}),
        BidInput("Dee", D(60_000), quality_scores={"Method": D(1), "Staffing": D(2)}),
    ]


def test_without_a_minimum_a_bid_with_13_75_quality_points_ranks_second():
    result = simulate(worked_model(), worked_bids())

    assert [(b.name, b.rank, b.total) for b in result.bids] == [
        ("Brora", 1, D("71.4")),
        ("Dee", 2, D("68.75")),
        ("Avon", 3, D("66.75")),
        ("Clyde", 4, D("52.5")),
    ]
    assert result.non_compliant == ()


def test_bids_below_the_minimum_quality_score_are_non_compliant_and_unranked():
    result = simulate(worked_model(quality_minimum=D(20)), worked_bids())

    assert [(b.name, b.rank, b.price_score, b.total) for b in result.bids] == [
        ("Brora", 1, D(44), D(89)),
        ("Avon", 2, D(55), D("88.75")),
    ]
    assert [(b.name, b.quality_score, b.reasons) for b in result.non_compliant] == [
        ("Clyde", D("11.25"), ("Quality 11.25 is below the minimum of 20 (of 45).",)),
        ("Dee", D("13.75"), ("Quality 13.75 is below the minimum of 20 (of 45).",)),
    ]
    dee = result.non_compliant[1]
    assert (dee.rank, dee.price_score, dee.benefit_score, dee.total) == (None, None, None, None)
    assert not dee.compliant
    assert dee.criterion_scores == {"Method": D("8.75"), "Staffing": D(5)}
    assert dee.total_price == D(60_000)


def test_the_simulator_warns_which_bids_a_minimum_excludes():
    result = simulate(worked_model(quality_minimum=D(20)), worked_bids())

    # Dee's abnormally low price is no longer flagged: the compliant bids are compared.
    assert codes(result) == [("non_compliant", "Clyde", None), ("non_compliant", "Dee", None)]
    assert result.warnings[1].message == (
        "Dee is non-compliant, so it is not ranked and sets no benchmark for the other bids' "
        "scores: Quality 13.75 is below the minimum of 20 (of 45)."
    )


def test_a_bid_exactly_at_the_minimum_is_compliant():
    result = simulate(worked_model(quality_minimum=D("13.75")), worked_bids())

    assert [b.name for b in result.non_compliant] == ["Clyde"]
    assert "Dee" in by_name(result)


def test_a_question_minimum_makes_a_bid_below_it_non_compliant():
    # Staffing needs at least 2 of 4: only Clyde (1) misses it. Dee's £60,000 is the lowest
    # compliant price: Brora 71.4, Dee 68.75, Avon 66.75, as with no minimum.
    m = replace(
        worked_model(),
        quality_criteria=(
            QualityCriterion("Method", D(35)),
            QualityCriterion("Staffing", D(10), minimum_score=D(2)),
        ),
    )

    result = simulate(m, worked_bids())

    assert [(b.name, b.rank, b.total) for b in result.bids] == [
        ("Brora", 1, D("71.4")),
        ("Dee", 2, D("68.75")),
        ("Avon", 3, D("66.75")),
    ]
    assert [(b.name, b.reasons) for b in result.non_compliant] == [
        ("Clyde", ("Staffing: score 1 is below the minimum of 2 (of 4).",)),
    ]


def test_a_bid_missing_both_minimums_gives_both_reasons():
    m = replace(
        worked_model(quality_minimum=D(20)),
        quality_criteria=(
            QualityCriterion("Method", D(35), minimum_score=D(2)),
            QualityCriterion("Staffing", D(10)),
        ),
    )

    result = simulate(m, worked_bids())

    assert {b.name: b.reasons for b in result.non_compliant} == {
        "Clyde": (
            "Quality 11.25 is below the minimum of 20 (of 45).",
            "Method: score 1 is below the minimum of 2 (of 4).",
        ),
        "Dee": (
            "Quality 13.75 is below the minimum of 20 (of 45).",
            "Method: score 1 is below the minimum of 2 (of 4).",
        ),
    }


def test_the_shown_score_never_rounds_up_to_the_minimum():
    # 19.996… would round to 20.00: the reason shows it rounded down, 19.99.
    m = model(price=55, quality=(("Method", 45),), quality_minimum=D(20))
    bids = [bid("A", 100, D("1.7774")), bid("B", 100, 4)]

    result = simulate(m, bids)

    assert result.non_compliant[0].reasons == ("Quality 19.99 is below the minimum of 20 (of 45).",)


def test_non_compliant_bids_set_no_benefit_benchmark():
    # Benefit 10 relative to the highest value: C offers 100 but is non-compliant, so B's 50
    # is the best and scores the full 10; A's 25 scores 5.
    m = model(price=50, quality=(("Method", 40),), benefit_weight=D(10), quality_minimum=D(20))
    bids = [
        bid("A", 100, 2, benefit_value=D(25)),
        bid("B", 100, 3, benefit_value=D(50)),
        bid("C", 100, 1, benefit_value=D(100)),
    ]

    result = simulate(m, bids)

    assert {b.name: b.benefit_score for b in result.bids} == {"A": D(5), "B": D(10)}
    assert [b.name for b in result.non_compliant] == ["C"]


def test_when_no_bid_is_compliant_none_is_ranked():
    result = simulate(worked_model(quality_minimum=D(45)), worked_bids()[2:])

    assert result.bids == ()
    assert [b.name for b in result.non_compliant] == ["Clyde", "Dee"]
    assert codes(result)[-1] == ("no_compliant_bid", None, None)


def test_a_zero_price_on_a_non_compliant_bid_divides_nothing():
    # The zero-price rule guards the formula's division by the lowest price; a non-compliant
    # bid's price is not scored, so its zero price is not refused.
    m = model(quality_minimum=D(20))
    result = simulate(m, [bid("A", 100, 3), bid("Z", 0, 1)])

    assert [(b.name, b.price_score) for b in result.bids] == [("A", D(60))]
    assert [b.name for b in result.non_compliant] == ["Z"]


@pytest.mark.parametrize(
    ("m", "field", "message"),
    [
        (
            model(quality_minimum=D(41)),
            "quality_minimum",
            "The minimum quality score (41) is more than the quality questions' weights (40): "
            "no bid could meet it.",
        ),
        (
            model(quality_minimum=D(-1)),
            "quality_minimum",
            "The minimum quality score cannot be negative.",
        ),
        (
            replace(model(), quality_criteria=(QualityCriterion("M", D(40), 4, D(5)),)),
            "quality_criteria[0].minimum_score",
            "The minimum score for 'M' must be between 0 and 4.",
        ),
    ],
)
def test_an_impossible_minimum_is_refused_naming_the_field(m, field, message):
    with pytest.raises(ScoringInputError) as caught:
        validate_model(m)

    assert (caught.value.field, caught.value.message) == (field, message)


def test_describe_publishes_the_minimums():
    m = ScoringModel(
        price_method=PriceMethod.RELATIVE_TO_LOWEST,
        price_weight=D(55),
        quality_criteria=(
            QualityCriterion("Method", D(35)),
            QualityCriterion("Staffing", D(10), minimum_score=D(2)),
        ),
        quality_minimum=D(20),
    )

    assert (
        "A bid with a quality score below 20 of the 45 quality points or a score below 2 "
        "(of 4) for Staffing is non-compliant: it is not ranked and cannot be awarded the "
        "contract, and it is left out when the lowest price and the other benchmarks are set."
    ) in describe(m)
    assert not any("non-compliant" in s for s in describe(worked_model()))
