"""The benefits calculations, with hand-worked figures (domain.md §7, §8)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from coplan.benefits import calc
from coplan.benefits.calc import CalcInputError, Outcome, Rag, Recruitment

# A contract year with a leap day: 1 October 2007 – 30 September 2008 is 366 days, and
# 1 October – 31 March is 31 + 30 + 31 + 31 + 29 + 31 = 183 of them: exactly half.
START, END, HALF = dt.date(2007, 10, 1), dt.date(2008, 9, 30), dt.date(2008, 3, 31)


def status(actual, target_min=20, target_max=None, as_of=HALF, **kw):
    return calc.rag(
        actual=D(actual),
        target_min=D(target_min),
        target_max=None if target_max is None else D(target_max),
        start=START,
        end=END,
        as_of=as_of,
        **kw,
    )


def test_pro_rata_target_is_the_share_of_days_elapsed():
    assert calc.pro_rata(D(20), START, END, HALF) == D(10)
    assert calc.pro_rata(D(20), START, END, dt.date(2007, 9, 30)) == 0
    assert calc.pro_rata(D(20), START, END, START) == D(20) / 366
    assert calc.pro_rata(D(20), START, END, dt.date(2009, 1, 1)) == D(20)


@pytest.mark.parametrize(
    ("actual", "rag", "percent"),
    [
        ("12", Rag.GREEN, D(120)),
        ("10", Rag.GREEN, D(100)),
        ("9.9", Rag.AMBER, D(99)),
        ("7.5", Rag.AMBER, D(75)),
        ("7.4", Rag.RED, D(74)),
        ("0", Rag.RED, D(0)),
    ],
)
def test_rag_is_verified_actual_over_the_pro_rata_target(actual, rag, percent):
    result = status(actual)
    assert result.due == D(10)
    assert (result.rag, result.percent) == (rag, percent)


def test_thresholds_are_configurable():
    strict = calc.Thresholds(green=D(110), amber=D(90))
    assert status("10", thresholds=strict).rag == Rag.AMBER
    assert status("8.9", thresholds=strict).rag == Rag.RED
    assert status("11", thresholds=strict).rag == Rag.GREEN
    with pytest.raises(CalcInputError) as refused:
        calc.Thresholds(green=D(80), amber=D(90))
    assert refused.value.field == "amber"


def test_nothing_is_due_before_the_period_starts():
    result = status("0", as_of=dt.date(2007, 9, 1))
    assert (result.rag, result.percent, result.label) == (Rag.NOT_DUE, None, "Not due yet")


def test_a_range_is_measured_against_its_floor_and_reports_passing_the_top():
    # 20–30 trainees: half-way 10 are due (the floor) and 15 would reach the top of the range.
    within = status("12", target_min=20, target_max=30)
    assert (within.rag, within.due, within.due_max, within.above_range) == (
        Rag.GREEN,
        D(10),
        D(15),
        False,
    )
    assert status("16", target_min=20, target_max=30).above_range is True
    assert status("8", target_min=20, target_max=30).rag == Rag.AMBER
    with pytest.raises(CalcInputError) as refused:
        status("8", target_min=20, target_max=10)
    assert refused.value.field == "target_max"


def test_additionality_and_retention_at_26_and_52_weeks():
    rows = [
        # 31 December 2007: 26 weeks later is 30 June 2008, 52 weeks 29 December 2008.
        Recruitment(
            starts=4, additional=3, started_by=dt.date(2007, 12, 31), in_post_26=3, in_post_52=2
        ),
        # 31 March 2008: 26 weeks later is 29 September 2008.
        Recruitment(starts=6, additional=3, started_by=dt.date(2008, 3, 31), in_post_26=5),
        Recruitment(starts=2, additional=2, started_by=dt.date(2008, 9, 30)),
    ]
    summary = calc.recruitment_summary(rows, as_of=dt.date(2008, 12, 31))
    assert (summary.starts, summary.additional) == (12, 8)
    assert summary.additional_percent == D(8) / 12 * 100  # 66.7 %
    assert (summary.eligible_26, summary.in_post_26) == (10, 8)
    assert summary.retention_26_percent == D(80)
    assert (summary.eligible_52, summary.in_post_52) == (4, 2)
    assert summary.retention_52_percent == D(50)
    early = calc.recruitment_summary(rows, as_of=dt.date(2008, 6, 29))
    assert (early.eligible_26, early.retention_26_percent, early.retention_52_percent) == (
        0,
        None,
        None,
    )


def test_additional_recruits_cannot_exceed_the_starts():
    with pytest.raises(CalcInputError) as refused:
        calc.recruitment_summary([Recruitment(starts=2, additional=3, started_by=START)], as_of=END)
    assert refused.value.field == "rows[0].additional"


def test_the_proxy_in_force_is_the_latest_effective_on_the_day():
    proxies = [
        calc.Proxy(D("100"), dt.date(2007, 4, 1), "2007"),
        calc.Proxy(D("110"), dt.date(2008, 4, 1), "2008"),
    ]
    assert calc.proxy_on(proxies, dt.date(2008, 3, 31)).value == D("100")
    assert calc.proxy_on(proxies, dt.date(2008, 4, 1)).table_version == "2008"
    assert calc.proxy_on(proxies, dt.date(2007, 3, 31)) is None


# SROI, worked by hand:
#   Less lonely: 40 × £1,000 × (1 − 0.25) × (1 − 0) × (1 − 0.2) = £24,000 in year 1;
#                drop-off 50 % → £12,000 in year 2.
#   Fewer GP visits: 10 × £500 × (1 − 0.1) × (1 − 0.2) × (1 − 0) = £3,600, year 1 only.
#   Year 1 £27,600 ÷ 1.035; year 2 £12,000 ÷ 1.035².
LONELY = Outcome("Less lonely", D(40), D(1000), D("0.25"), D(0), D("0.2"), D("0.5"), 2)
GP = Outcome("Fewer GP visits", D(10), D(500), D("0.1"), D("0.2"), D(0), D(0), 1)


def test_sroi_worked_example():
    result = calc.sroi(investment=D(20000), outcomes=[LONELY, GP])
    assert result.impacts == (D(24000), D(3600))
    assert [(y.year, y.value) for y in result.years] == [(1, D(27600)), (2, D(12000))]
    year1, year2 = D(27600) / D("1.035"), D(12000) / D("1.035") ** 2
    assert [y.discounted for y in result.years] == [year1, year2]
    assert result.present_value == year1 + year2
    assert calc.pennies(result.present_value) == D("37868.80")  # 26,666.67 + 11,202.13
    assert calc.pennies(result.npv) == D("17868.80")
    assert calc.rounded(result.ratio) == D("1.89")
    # payback: £20,000 ÷ (£27,600 ÷ 12 = £2,300 a month) = 8.7 months
    assert result.payback_months == D(20000) / D(2300)
    assert calc.rounded(result.payback_months, 1) == D("8.7")
    assert "year 1" in result.convention


def test_sroi_without_discounting_is_the_plain_sum():
    result = calc.sroi(investment=D(39600), outcomes=[LONELY, GP], discount_rate=D(0))
    assert result.present_value == D(39600)
    assert (result.npv, result.ratio) == (D(0), D(1))


def test_sensitivity_moves_one_assumption_at_a_time():
    rows = calc.sensitivity(investment=D(39600), outcomes=[LONELY, GP], discount_rate=D(0))
    by_label = {r.label: r for r in rows}
    assert by_label["As entered"].ratio == D(1)
    # proxies −20 %: every value falls by a fifth
    assert by_label["Proxies 20 % lower"].present_value == D(39600) * D("0.8")
    # deadweight +10 points: lonely 40 × 1000 × 0.65 × 0.8 = 20,800 then 10,400;
    # GP 10 × 500 × 0.8 × 0.8 = 3,200 → 34,400
    assert by_label["Deadweight 10 points higher"].present_value == D(34400)
    # drop-off 10 points lower: lonely year 2 = 24,000 × 0.6 = 14,400 → 42,000
    assert by_label["Drop-off 10 points lower"].present_value == D(42000)
    assert by_label["No discounting"].change == 0
    assert len(rows) == 11


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"investment": D(0)}, "investment"),
        ({"discount_rate": D("1.2")}, "discount_rate"),
        ({"outcomes": []}, "outcomes"),
        (
            {"outcomes": [GP, Outcome("x", D(1), D(1), deadweight=D("1.5"))]},
            "outcomes[1].deadweight",
        ),
        ({"outcomes": [Outcome("", D(1), D(1))]}, "outcomes[0].name"),
        ({"outcomes": [Outcome("x", D(-1), D(1))]}, "outcomes[0].quantity"),
        ({"outcomes": [Outcome("x", D(1), D(1), duration_years=0)]}, "outcomes[0].duration_years"),
    ],
)
def test_sroi_input_errors_name_the_field(kwargs, field):
    args = {"investment": D(1000), "outcomes": [GP], **kwargs}
    with pytest.raises(CalcInputError) as refused:
        calc.sroi(**args)
    assert refused.value.field == field


def test_payback_is_unknown_when_year_one_has_no_value():
    late = Outcome("Nothing yet", D(0), D(100))
    assert calc.sroi(investment=D(100), outcomes=[late]).payback_months is None
