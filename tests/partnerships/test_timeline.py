"""Timing rules T1–T3 (domain.md §2) as the timeline page and the API apply them."""

import datetime as dt

from coplan.partnerships.timeline import back_plan, check_timeline

D = dt.date


def codes(findings):
    return [f.code for f in findings]


def test_north_lanarkshire_plan_is_clean():
    check = check_timeline(
        started_on=D(2006, 1, 1),
        tender_on=D(2007, 7, 1),
        pilot_start=D(2006, 10, 1),
        pilot_end=D(2007, 3, 31),
        design_ends_on=D(2006, 9, 30),
        spec_freeze_on=D(2007, 5, 1),
    )
    assert (check.errors, check.warnings) == ([], [])
    assert (check.months_before_tender, check.pilot_months) == (18, 6)


def test_start_under_18_months_is_a_warning():
    check = check_timeline(started_on=D(2006, 6, 1), tender_on=D(2007, 7, 1))
    assert codes(check.errors) == []
    assert codes(check.warnings) == ["psp_start_under_18_months"]
    assert check.months_before_tender == 13
    assert "start by 1 January 2006" in check.warnings[0].message


def test_start_under_12_months_is_an_error_naming_the_latest_start():
    check = check_timeline(started_on=D(2006, 7, 2), tender_on=D(2007, 7, 1))
    assert codes(check.errors) == ["psp_start_under_12_months"]
    assert codes(check.warnings) == []
    assert check.months_before_tender == 11
    assert "by 1 July 2006" in check.errors[0].message


def test_exactly_12_months_is_allowed_with_a_warning():
    check = check_timeline(started_on=D(2006, 7, 1), tender_on=D(2007, 7, 1))
    assert codes(check.errors) == []
    assert codes(check.warnings) == ["psp_start_under_18_months"]


def test_pilot_under_6_months_is_an_error():
    check = check_timeline(
        started_on=D(2006, 1, 1),
        tender_on=D(2007, 7, 1),
        pilot_start=D(2006, 10, 1),
        pilot_end=D(2007, 3, 30),
    )
    assert codes(check.errors) == ["pilot_under_6_months"]
    assert check.pilot_months == 5
    assert "to 31 March 2007 or later" in check.errors[0].message


def test_spec_freeze_must_follow_the_pilot_and_precede_the_tender():
    check = check_timeline(
        started_on=D(2006, 1, 1),
        tender_on=D(2007, 7, 1),
        pilot_start=D(2006, 10, 1),
        pilot_end=D(2007, 3, 31),
        spec_freeze_on=D(2007, 3, 1),
    )
    assert codes(check.errors) == ["spec_freeze_before_pilot_ends"]
    check = check_timeline(
        started_on=D(2006, 1, 1), tender_on=D(2007, 7, 1), spec_freeze_on=D(2007, 8, 1)
    )
    assert codes(check.errors) == ["tender_before_spec_freeze"]


def test_design_overlapping_the_pilot_is_a_warning():
    check = check_timeline(
        started_on=D(2006, 1, 1),
        tender_on=D(2007, 7, 1),
        pilot_start=D(2006, 10, 1),
        pilot_end=D(2007, 3, 31),
        design_ends_on=D(2006, 10, 1),
    )
    assert codes(check.warnings) == ["design_overlaps_pilot"]


def test_back_plan_from_july_2007_gives_north_lanarkshires_dates():
    assert back_plan(D(2007, 7, 1)) == {
        "started_on": D(2006, 1, 1),
        "design_ends_on": D(2006, 9, 30),
        "pilot_starts_on": D(2006, 10, 1),
        "pilot_ends_on": D(2007, 3, 31),
        "spec_freeze_on": D(2007, 5, 1),
        "tender_on": D(2007, 7, 1),
    }


def test_a_back_planned_timeline_passes_its_own_rules():
    plan = back_plan(D(2028, 2, 29))
    check = check_timeline(
        started_on=plan["started_on"],
        tender_on=plan["tender_on"],
        pilot_start=plan["pilot_starts_on"],
        pilot_end=plan["pilot_ends_on"],
        design_ends_on=plan["design_ends_on"],
        spec_freeze_on=plan["spec_freeze_on"],
    )
    assert (check.errors, check.warnings) == ([], [])
