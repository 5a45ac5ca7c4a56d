"""The tendering demo: North Lanarkshire's tender (three lots, published 2 July 2007, trainee
places for young homeless people, items and tonnes of unclaimed goods reused, two
clarifications and an addendum) and Renfrewshire's draft, which cannot be published yet. One
load for both (loading the demo takes a while)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from coplan.partnerships.health import HealthStatus
from coplan.tendering import domain, ocds, queries
from coplan.tendering.health import criteria_published, tender_benefits


@pytest.fixture
def loaded(demo_stories):
    return demo_stories


def test_the_demo_tenders(loaded, client):
    nl = loaded["north_lanarkshire"].partnership.tenders.get()
    assert nl.reference == "NLC-2007-017"
    assert timezone.localtime(nl.published_at).date() == dt.date(2007, 7, 2)
    assert nl.created_at.date() == dt.date(2007, 5, 14)
    assert nl.value_ex_vat == D("1350000.00")
    assert nl.rules_version == {
        "on": "2007-05-14",
        "regulated_goods_services": None,
        "cb_duty_threshold": None,
    }
    assert [lot.title for lot in nl.lots.all()] == [
        "Emergency storage of furniture",
        "Emergency furniture packs",
        "Permanent furniture packs",
    ]
    requirements = {r.measure.name: r for r in nl.benefit_requirements.all()}
    assert requirements["Trainee places for priority groups"].minimum == D(30)
    assert requirements["Trainee places for priority groups"].mode == "mandatory"
    assert requirements["Tonnes of goods reused"].mode == "scored"
    # the environmental clause's other measure: items reused, a point per 100 items offered
    items = requirements["Items reused"]
    assert (items.mode, items.minimum, items.points_per_unit) == ("scored", D(2000), D("0.01"))
    assert items.measure.clause.type == "environmental"
    assert items.clause_version == items.measure.clause.current_version
    assert list(requirements) == [
        "Trainee places for priority groups",
        "Items reused",
        "Tonnes of goods reused",
    ]
    assert domain.check_model(nl) == ([], [])
    assert [c.number for c in nl.clarifications.filter(answered_at__isnull=False)] == [1, 2]
    assert "Brannock" not in " ".join(c.published_question for c in nl.clarifications.all())
    assert [a.title for a in nl.addenda.all()] == [
        "Price schedule: storage priced per item per month"
    ]
    partnership = loaded["north_lanarkshire"].partnership
    assert criteria_published(partnership).met
    assert tender_benefits(partnership).status == HealthStatus.ON_TRACK
    events = partnership.audit_events.filter(action__startswith="tendering.")
    assert events.exists()
    assert all(e.created_at.year == 2007 for e in events)
    assert client.get(f"/tenders/{nl.reference}/").status_code == 200
    pack = queries.evidence_pack(nl)
    assert pack["missing"] == []
    assert pack["spec"].status == "frozen"
    evaluation, results = pack["evaluations"][0]
    assert evaluation.approved_on.year == 2007
    assert any(r["redacted"] for r in results)  # unit costs without the providers' names
    assert all("provider not named" in r["label"] for r in results if r["redacted"])
    assert pack["you_said"]
    release = ocds.release_package(nl)["releases"][0]
    assert "30 trainee places" in release["tender"]["description"]

    rf = loaded["renfrewshire"].partnership.tenders.get()
    assert rf.published_at is None
    assert rf.value_ex_vat == D("1620000.00")
    assert rf.regulated is True and rf.cb_duty is False
    assert domain.check_model(rf)[0] == []
    assert domain.check_timetable(rf).ok
    assert tender_benefits(loaded["renfrewshire"].partnership).status == HealthStatus.IN_PROGRESS
    assert client.get(f"/tenders/{rf.reference}/").status_code == 404
