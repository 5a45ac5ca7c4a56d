"""The design forms' date errors quote the partnership's own service design period (issue 15),
never North Lanarkshire's 2006."""

import datetime as dt

from coplan.design.forms import ActivityForm, ConsentForm
from tests.factories import PartnershipFactory


def test_the_date_examples_come_from_the_partnerships_own_design_period(db):
    running_now = PartnershipFactory(
        started_on=dt.date(2026, 1, 1), design_ends_on=dt.date(2027, 1, 1)
    )
    north_lanarkshire = PartnershipFactory()  # design 1 January to 30 September 2006
    activity = ActivityForm(data={"held_on": "31/02/2026"}, partnership=running_now)
    consent = ConsentForm(data={"given_on": "not a date"}, partnership=running_now)
    assert activity.errors["held_on"] == ["Enter a real date, like 2026-07-02"]
    assert consent.errors["given_on"] == ["Enter a real date, like 2026-07-02"]
    activity = ActivityForm(data={"held_on": "never"}, partnership=north_lanarkshire)
    assert activity.errors["held_on"] == ["Enter a real date, like 2006-05-17"]
