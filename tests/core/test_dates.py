import datetime as dt

import pytest

from coplan.core.dates import add_months, months_inclusive, whole_months_between

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2007, 7, 1), -18, D(2006, 1, 1)),
        (D(2007, 7, 1), -12, D(2006, 7, 1)),
        (D(2007, 3, 31), -1, D(2007, 2, 28)),  # clamped to the shorter month
        (D(2008, 1, 31), 1, D(2008, 2, 29)),  # leap year
        (D(2006, 12, 15), 1, D(2007, 1, 15)),
    ],
)
def test_add_months_moves_by_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2006, 1, 1), D(2007, 7, 1), 18),
        (D(2006, 1, 2), D(2007, 7, 1), 17),  # one day short of 18 whole months
        (D(2006, 7, 1), D(2007, 7, 1), 12),
        (D(2007, 7, 1), D(2006, 7, 1), -12),
        (D(2007, 1, 15), D(2007, 1, 20), 0),
    ],
)
def test_whole_months_between_counts_complete_months(start, end, expected):
    assert whole_months_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2006, 10, 1), D(2007, 3, 31), 6),  # North Lanarkshire's pilot
        (D(2006, 10, 1), D(2007, 3, 30), 5),
        (D(2006, 10, 15), D(2007, 4, 14), 6),
        (D(2007, 2, 1), D(2007, 2, 28), 1),
    ],
)
def test_months_inclusive_counts_the_end_date(start, end, expected):
    assert months_inclusive(start, end) == expected


def test_examples_come_from_the_partnerships_own_dates():
    from types import SimpleNamespace

    from coplan.core.dates import DateExamples

    partnership = SimpleNamespace(
        started_on=D(2025, 9, 1),
        design_ends_on=D(2027, 3, 31),
        pilot_starts_on=D(2027, 4, 1),
        pilot_ends_on=D(2027, 9, 30),
        tender_on=D(2028, 3, 1),
        lead_authority=SimpleNamespace(name="Renfrewshire Council"),
    )
    examples = DateExamples(partnership, today=D(2026, 12, 7))
    assert examples.six_month_pilot() == "1 April 2027 to 30 September 2027 is 6 months."
    assert examples.costing_period() == "2027/28"
    assert examples.opening_time() == "2028-04-19 10:00"  # 7 weeks after publication
    assert examples.training_month() == "November 2027"
    assert examples.tender_reference() == "RC-2028-001"
    # No partnership (the statutory rules page): today.
    today = DateExamples(today=D(2026, 12, 7))
    assert today.iso() == "2026-12-07"
    assert today.six_month_pilot() == "7 December 2026 to 6 June 2027 is 6 months."
