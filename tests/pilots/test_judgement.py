"""A KPI is judged on its full periods, never on the total of its months against a monthly
target nor on a partial last month (docs/formulas.md, KPI judgement; issue 18, item 1).

The pilot (conftest): October 2006 to March 2007."""

import datetime as dt
from decimal import Decimal as D

import pytest

from coplan.pilots import domain
from coplan.pilots.compute import PeriodValue, judge
from coplan.pilots.enums import Rag

from .conftest import START, csv_bytes, row, upload

pytestmark = pytest.mark.django_db

MONTHS = ["Oct 2006", "Nov 2006", "Dec 2006", "Jan 2007", "Feb 2007", "Mar 2007"]


def months(values, partial=()):
    return [
        PeriodValue(dt.date(2006, 10, 1), label, None if v is None else D(v), label not in partial)
        for label, v in zip(MONTHS, values, strict=False)
    ]


def test_a_monthly_target_is_judged_month_by_month_not_on_the_total():
    visits = months([2913, 3204, 3611, 3688, 3715, 3942])

    judged = judge(
        visits, pooled=None, additive=True, target=D(4000), direction="higher", tolerance=D(10)
    )

    assert (judged.rag, judged.value.quantize(D("0.1")), judged.met, judged.judged) == (
        Rag.AMBER,
        D("3512.2"),
        0,
        6,
    )
    assert judged.basis == (
        "Target met in 0 of 6 full months, 4 more within the amber tolerance; best 3,942, "
        "worst 2,913; a month on average 3,512.2; improving from the first to the last."
    )


def test_a_partial_last_month_is_shown_but_never_judged():
    hours = months([310, 431, 402, 415, 388, 95], partial={"Mar 2007"})

    judged = judge(
        hours, pooled=None, additive=True, target=D(400), direction="higher", tolerance=D(10)
    )

    assert (judged.rag, judged.value.quantize(D("0.1")), judged.met, judged.judged) == (
        Rag.AMBER,
        D("389.2"),
        3,
        5,
    )
    assert judged.basis == (
        "Target met in 3 of 5 full months, 1 more within the amber tolerance; best 431, "
        "worst 310; a month on average 389.2; improving from the first to the last. "
        "Mar 2007 is partial and not judged."
    )


def test_green_needs_three_quarters_of_the_months_and_red_is_fewer_than_half_near():
    def status(values):
        return judge(
            months(values),
            pooled=None,
            additive=True,
            target=D(100),
            direction="higher",
            tolerance=D(10),
        ).rag

    assert status([100, 100, 100, 80]) == Rag.GREEN  # 3 of 4
    assert status([100, 100, 80, 80]) == Rag.AMBER  # 2 of 4 met: half
    assert status([100, 80, 80, 80]) == Rag.RED  # 1 of 4 met or near
    assert status([95, 91, 80, 80]) == Rag.AMBER  # none met, 2 of 4 near


def test_a_ratio_is_the_pooled_ratio_and_lower_can_be_better():
    waits = months([5, 4, 3, 3])

    judged = judge(
        waits,
        pooled=D("3.9"),
        additive=False,
        target=D(4),
        direction="lower",
        tolerance=D(10),
        unit="days",
    )

    assert (judged.rag, judged.value) == (Rag.GREEN, D("3.9"))
    assert judged.basis == (
        "Target met in 3 of 4 full months; best 3, worst 5; over those months together 3.9; "
        "improving from the first to the last."
    )


def test_with_no_full_month_nothing_is_judged():
    judged = judge(
        months([95], partial={"Oct 2006"}),
        pooled=None,
        additive=True,
        target=D(400),
        direction="higher",
        tolerance=D(10),
    )

    assert (judged.value, judged.rag) == (None, Rag.NONE)
    assert (
        judged.basis
        == "No full month with data yet, so not judged. Oct 2006 is partial and not judged."
    )


def test_an_evaluation_ending_inside_a_month_judges_the_full_months(pilot, personas, services):
    hours = domain.save_kpi(
        pilot=pilot,
        actor=personas["facilitator"],
        name="Volunteer hours",
        definition="Hours given by volunteers in the month",
        unit="hours",
        target=D(400),
        frequency="monthly",
        source="Volunteer timesheets",
        method="manual",
    )
    for month, value in zip(
        [
            dt.date(2006, 10, 1),
            dt.date(2006, 11, 1),
            dt.date(2006, 12, 1),
            dt.date(2007, 1, 1),
            dt.date(2007, 2, 1),
            dt.date(2007, 3, 1),
        ],
        [310, 431, 402, 415, 388, 95],
        strict=True,
    ):
        domain.set_kpi_value(kpi=hours, actor=personas["evaluator"], period=month, value=D(value))

    evaluation = domain.create_evaluation(
        pilot=pilot,
        actor=personas["evaluator"],
        kind="final",
        period_start=START,
        period_end=dt.date(2007, 3, 6),
    )

    result = evaluation.results.get(kpi=hours)
    assert (result.rag, result.value) == ("amber", D("389.2000"))
    assert result.basis.startswith("Target met in 3 of 5 full months")
    assert result.basis.endswith("Mar 2007 is partial and not judged.")


def test_a_monthly_count_from_records_is_a_month_on_average(pilot, personas, services, own_org):
    packs = domain.save_kpi(
        pilot=pilot,
        actor=personas["facilitator"],
        name="Packs delivered a month",
        definition="Emergency packs delivered in the month",
        unit="packs",
        target=D(3),
        frequency="monthly",
        source="Delivery records",
        method="records",
        aggregation="count",
        filter_service=services["Emergency furniture packs"],
    )
    # October 4 packs, November 2, December 3: 9 in all, never "9 against a target of 3".
    days = [
        "2006-10-03",
        "2006-10-09",
        "2006-10-16",
        "2006-10-23",
        "2006-11-06",
        "2006-11-20",
        "2006-12-04",
        "2006-12-11",
        "2006-12-18",
    ]
    rows = [
        row(provider=own_org.name, day=d, client=f"C{i}", referred=d) for i, d in enumerate(days)
    ]
    upload(pilot, personas["facilitator"], csv_bytes(rows))

    evaluation = domain.create_evaluation(
        pilot=pilot,
        actor=personas["evaluator"],
        kind="final",
        period_start=START,
        period_end=dt.date(2006, 12, 31),
    )

    result = evaluation.results.get(kpi=packs)
    assert (result.value, result.rag) == (D(3), "amber")  # 2 of 3 months is not 3 quarters
    assert result.basis == (
        "Target met in 2 of 3 full months; best 4, worst 2; a month on average 3; worsening "
        "from the first to the last."
    )
