"""The timeline forms' date errors quote the partnership's own dates (issue 15); a new
partnership, which has none yet, quotes today."""

import datetime as dt

import time_machine

from coplan.partnerships.forms import BackPlanForm, NewPartnershipForm, TimelineForm
from tests.factories import PartnershipFactory


def test_the_date_examples_are_the_partnerships_own(db):
    running_now = PartnershipFactory(
        started_on=dt.date(2025, 9, 1),
        design_ends_on=dt.date(2027, 3, 31),
        pilot_starts_on=dt.date(2027, 4, 1),
        pilot_ends_on=dt.date(2027, 9, 30),
        spec_freeze_on=None,
        tender_on=dt.date(2028, 3, 1),
    )
    data = {"pilot_starts_on": "2027-02-30", "spec_freeze_on": "soon"}
    errors = TimelineForm(data=data, instance=running_now).errors
    assert errors["pilot_starts_on"] == ["Enter a real date, like 2027-04-01"]
    assert errors["spec_freeze_on"] == ["Enter a real date, like 2028-03-01"]  # its tender date
    running_now.refresh_from_db()  # validating the timeline form wrote its fields onto it
    plan = BackPlanForm(data={"plan-tender_on": "July"}, partnership=running_now)
    assert plan.errors["tender_on"] == ["Enter a real date, like 2028-03-01"]
    assert not any("2007" in str(e) for e in [*errors.values(), *plan.errors.values()])
    with time_machine.travel(dt.datetime(2026, 12, 7, 12)):
        new = NewPartnershipForm(data={"tender_on": "next year"})
        assert new.errors["tender_on"] == ["Enter a real date, like 2026-12-07"]
