"""The service design demo story loads for both reference PSPs, through the domain."""

import datetime as dt

import pytest

from coplan.core.models import AuditEvent
from coplan.demo.context import DemoStory
from coplan.design import demo, queries
from coplan.design.enums import Response, VersionStatus
from coplan.design.health import service_design, spec_approved
from coplan.design.models import Consent, EngagementActivity, Item, SpecificationVersion
from coplan.partnerships.enums import Role
from coplan.partnerships.health import HealthStatus
from tests.factories import PartnershipFactory, member


def _story(key: str, today: dt.date, **dates) -> DemoStory:
    partnership = PartnershipFactory(is_illustrative=True, **dates)
    for role in Role:
        member(partnership, role)
    for _ in range(2):
        member(partnership, Role.SE_PARTNER)
        member(partnership, Role.STEERING)
    return DemoStory(key=key, partnership=partnership, today=today)


@pytest.fixture
def north_lanarkshire(db):
    story = _story("north_lanarkshire", dt.date(2026, 5, 1))
    demo.load(story)
    return story


@pytest.fixture
def renfrewshire(db):
    today = dt.date.today()
    story = _story("renfrewshire", today, started_on=today - dt.timedelta(days=425))
    demo.load(story)
    return story


def test_north_lanarkshire_has_v1_approved_in_2006_and_v2_frozen_in_may_2007(north_lanarkshire):
    versions = {
        v.number: v
        for v in SpecificationVersion.objects.filter(partnership=north_lanarkshire.partnership)
    }

    assert versions[1].status == VersionStatus.APPROVED
    assert (versions[1].approved_at.year, versions[1].approved_at.month) == (2006, 9)
    assert versions[2].status == VersionStatus.FROZEN
    assert (versions[2].frozen_at.year, versions[2].frozen_at.month) == (2007, 5)
    assert versions[2].based_on == versions[1]
    assert versions[1].approved_by == north_lanarkshire.person(Role.COMMISSIONER)


def test_north_lanarkshire_engages_young_people_tenants_and_housing_officers(north_lanarkshire):
    activities = EngagementActivity.objects.filter(partnership=north_lanarkshire.partnership)
    groups = set(north_lanarkshire.partnership.user_groups.values_list("name", flat=True))

    assert activities.count() == 6
    assert all(a.held_on.year in (2006, 2007) for a in activities)
    assert groups == {
        "Young people leaving homelessness",
        "Tenants resettled from temporary accommodation",
        "Housing officers",
    }


def test_north_lanarkshire_requirements_trace_to_what_people_said(north_lanarkshire):
    partnership = north_lanarkshire.partnership
    frozen = queries.latest_signed_off(partnership)
    trace = queries.trace_stats(frozen)
    training = frozen.requirements.get(key="CB-1")

    assert trace.total == 15 and trace.share >= 80
    assert "10 trainee places" in training.text
    assert any("training on the vans" in i.text for i in training.insights.all())
    rows = queries.you_said_we_did(partnership, north_lanarkshire.person(Role.SERVICE_USER))
    assert {r.response for r in rows} == {Response.SHAPED, Response.NOT_TAKEN_UP}
    assert not queries.insights_without_response(partnership).exists()


def test_north_lanarkshire_is_fully_classified_before_the_tender(north_lanarkshire):
    assert queries.unclassified_artefacts(north_lanarkshire.partnership) == []


def test_the_historic_story_is_dated_in_2006_and_2007(north_lanarkshire):
    partnership = north_lanarkshire.partnership
    years = {
        e.created_at.year
        for e in AuditEvent.objects.filter(partnership=partnership, action__startswith="design.")
    }
    item_years = {i.created_at.year for i in Item.objects.filter(partnership=partnership)}

    assert years == {2006, 2007}
    assert item_years == {2006, 2007}
    assert {c.given_on.year for c in Consent.objects.filter(partnership=partnership)} == {2006}


def test_renfrewshire_has_an_approved_version_and_a_draft(renfrewshire):
    statuses = dict(
        SpecificationVersion.objects.filter(partnership=renfrewshire.partnership).values_list(
            "number", "status"
        )
    )

    assert statuses == {1: VersionStatus.APPROVED, 2: VersionStatus.DRAFT}


def test_renfrewshire_engages_older_people_carers_and_day_centre_members(renfrewshire):
    groups = set(renfrewshire.partnership.user_groups.values_list("name", flat=True))

    assert groups == {"Older people living alone", "Carers", "Day-centre members"}
    assert all(
        a.held_on < renfrewshire.today
        for a in EngagementActivity.objects.filter(partnership=renfrewshire.partnership)
    )


def test_renfrewshire_shows_a_withdrawn_consent_and_an_unanswered_insight(renfrewshire):
    partnership = renfrewshire.partnership
    withdrawn = Consent.objects.get(partnership=partnership, withdrawn_on__isnull=False)

    assert withdrawn.name == "Agnes Reid" and not withdrawn.items.exists()
    assert not Item.objects.filter(partnership=partnership, author_name="Agnes Reid").exists()
    assert (
        Item.objects.filter(partnership=partnership, text__startswith="If someone sat")
        .get()
        .author_label(None)
        == "Anonymous"
    )
    assert queries.insights_without_response(partnership).count() == 1
    assert queries.unclassified_artefacts(partnership)  # the tender is months away


def test_the_demo_health_rows_and_gates(north_lanarkshire, renfrewshire):
    nl, rf = service_design(north_lanarkshire.partnership), service_design(renfrewshire.partnership)

    assert nl.status == HealthStatus.ON_TRACK
    assert any("Version 2, frozen on 1 May 2007" in line for line in nl.evidence)
    assert rf.status == HealthStatus.IN_PROGRESS
    assert any("1 insight has no response" in line for line in rf.evidence)
    assert spec_approved(north_lanarkshire.partnership).met
    assert spec_approved(renfrewshire.partnership).met
