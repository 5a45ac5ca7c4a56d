"""The demo's North Lanarkshire bids: sealed in August 2007 and opened by two officers, against
a tender like the tendering demo's (built here)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from coplan.bidding import demo, domain
from coplan.bidding.models import Bid
from coplan.demo.context import DemoStory
from coplan.partnerships.enums import Role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_three_bids_are_sealed_and_opened(tender, homereach, personas, partnership):
    tender.published_at = dt.datetime(2007, 7, 2, 10, tzinfo=LONDON)
    tender.submission_deadline = dt.datetime(2007, 8, 17, 12, tzinfo=LONDON)
    tender.opening_at = dt.datetime(2007, 8, 17, 14, tzinfo=LONDON)
    tender.save()
    story = DemoStory(key="north_lanarkshire", partnership=partnership, today=dt.date.today())
    demo.load(story)
    tender.refresh_from_db()
    trained = {a.evaluator for a in tender.assignments.exclude(training="")}
    assert trained == {story.person(Role.SERVICE_USER)}  # the panel's trained service user
    bids = list(Bid.objects.filter(tender=tender).order_by("submitted_at"))
    assert [b.organisation.name for b in bids] == [
        homereach.organisation.name,
        "Brannock Removals and Storage Ltd",
        "Cairnhill Furnishing Services Ltd",
    ]
    assert bids[0].consortium.name == "Homereach"
    assert tender.opened_at == dt.datetime(2007, 8, 17, 14, 8, tzinfo=LONDON)
    assert all(e["verified"] for e in tender.opening_record.bids)
    assert domain.read_bid(bids[0])["prices"] == {"Storage": "518400", "Packs": "777600"}
    panel = {str(a.evaluator) for a in tender.assignments.filter(part="quality")}
    assert str(personas["service_user"]) in panel
    award = tender.award
    assert award.bid == bids[0]
    assert award.approved_at == dt.datetime(2007, 9, 24, 16, tzinfo=LONDON)
    assert award.standstill_ends_at == dt.datetime(2007, 10, 5, tzinfo=LONDON)
    contract = tender.contracts.get()
    assert (contract.starts_on, contract.ends_on) == (dt.date(2007, 10, 8), dt.date(2010, 9, 30))
    assert contract.concluded_at == award.standstill_ends_at
    assert [(c.description, c.target_min) for c in contract.commitments.all()] == [
        ("Trainee weeks", 24)
    ]
    demo.load(story)  # idempotent
    assert Bid.objects.filter(tender=tender).count() == 3


def test_bids_state_the_items_they_will_reuse(tender, homereach, personas, partnership):
    """With the demo tender's "Items reused" (scored, at least 2,000): Homereach offers 2,400;
    the two firms offer less than the minimum, so they state the minimum."""

    from coplan.tendering.models import BenefitRequirement, Clause, ClauseVersion, Measure

    clause = Clause.objects.create(type="environmental", title="Reuse")
    version = ClauseVersion.objects.create(clause=clause, number=1, wording="Reuse goods.")
    measure = Measure.objects.create(
        clause=clause, name=demo.ITEMS_REUSED, unit="items", evidence="Item log"
    )
    items = BenefitRequirement.objects.create(
        tender=tender,
        clause_version=version,
        measure=measure,
        mode="scored",
        minimum=Decimal(2000),
        points_per_unit=Decimal("0.01"),
        order=2,
    )
    trainees = tender.benefit_requirements.get(measure__name="Trainee weeks")
    tender.published_at = dt.datetime(2007, 7, 2, 10, tzinfo=LONDON)
    tender.submission_deadline = dt.datetime(2007, 8, 17, 12, tzinfo=LONDON)
    tender.opening_at = dt.datetime(2007, 8, 17, 14, tzinfo=LONDON)
    tender.save()
    story = DemoStory(key="north_lanarkshire", partnership=partnership, today=dt.date.today())
    demo.load(story)
    stated = [
        domain.read_bid(b)["commitments"]
        for b in Bid.objects.filter(tender=tender).order_by("submitted_at")
    ]
    assert [(c[str(trainees.pk)], c[str(items.pk)]) for c in stated] == [
        ("24", "2400"),
        ("10", "2000"),
        ("10", "2000"),
    ]
    contract = tender.contracts.get()
    assert [(c.description, c.target_min) for c in contract.commitments.all()] == [
        ("Trainee weeks", 24),
        ("Items reused", 2400),
    ]


def test_homereachs_contract_reports_against_three_pilot_kpis(tender, homereach, partnership):
    from coplan.pilots.models import Kpi, Pilot

    pilot = Pilot.objects.create(
        partnership=partnership,
        title="Homereach furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
    )
    for name in ["Cost per emergency furniture pack", *demo.CONTRACT_KPIS]:
        Kpi.objects.create(
            pilot=pilot, name=name, definition="-", unit="%", target=Decimal(1), source="-"
        )
    tender.published_at = dt.datetime(2007, 7, 2, 10, tzinfo=LONDON)
    tender.submission_deadline = dt.datetime(2007, 8, 17, 12, tzinfo=LONDON)
    tender.opening_at = dt.datetime(2007, 8, 17, 14, tzinfo=LONDON)
    tender.save()
    story = DemoStory(key="north_lanarkshire", partnership=partnership, today=dt.date.today())
    demo.load(story)
    contract = tender.contracts.get()
    assert [ck.kpi.name for ck in contract.kpis.order_by("kpi_id")] == [
        "Emergency packs delivered within 5 working days",
        "Permanent packs delivered within 10 working days",
        "Young homeless trainee starts",
    ]
