"""Fixtures for the tendering tests: a draft tender in the North Lanarkshire shape (three lots,
a 60:40 price:quality model) whose timetable allows publication today, built through the
domain functions by the procurement officer persona."""

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.utils import timezone

from coplan.tendering import domain
from coplan.tendering.models import Clause


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def build_world(partnership, personas):
    """The draft tender (also used by the browser tests, which cannot use these fixtures)."""
    officer = personas["procurement"]
    tender = domain.create_tender(
        partnership=partnership,
        actor=officer,
        title="Emergency furniture storage and furniture packs",
        reference="NLC-TEST-001",
        description="Storage of furniture for people who lose their tenancy, and packs.",
        contract_type="services",
        estimated_value=D("1410000.00"),
        vat_included=True,
        vat_rate=D("17.5"),
        duration_months=36,
        route="open",
        strategy_date=dt.date(2007, 6, 5),
        cb_summary="Trainee places for young homeless people; unclaimed goods reused.",
    )
    lots = [
        domain.add_lot(tender=tender, actor=officer, title=title)
        for title in (
            "Emergency storage of furniture",
            "Emergency furniture packs",
            "Permanent furniture packs",
        )
    ]
    domain.set_scoring_model(
        tender=tender,
        actor=officer,
        price_method="relative_to_lowest",
        price_weight=D(60),
        benefit_weight=D(10),
        tie_break="higher_quality",
    )
    delivery = domain.add_criterion(
        tender=tender,
        actor=officer,
        name="Service delivery",
        question="How will you deliver a pack within 2 working days of a referral?",
        weight=D(20),
    )
    training = domain.add_criterion(
        tender=tender,
        actor=officer,
        name="Training young people",
        question="How will you recruit and train young people leaving homelessness?",
        weight=D(10),
    )
    recruitment = Clause.objects.get(type="targeted_recruitment")
    reuse = Clause.objects.get(type="environmental")
    trainees = domain.add_requirement(
        tender=tender,
        actor=officer,
        clause_version=recruitment.current_version,
        measure=recruitment.measures.get(name="New-entrant jobs for priority groups"),
        mode="mandatory",
        minimum=D(6),
    )
    tonnes = domain.add_requirement(
        tender=tender,
        actor=officer,
        clause_version=reuse.current_version,
        measure=reuse.measures.get(name="Tonnes diverted from landfill"),
        mode="scored",
        points_per_unit=D(1),
    )
    today = timezone.localdate()
    domain.set_timetable(
        tender=tender,
        actor=officer,
        clarification_deadline=at(today + dt.timedelta(days=35)),
        submission_deadline=at(today + dt.timedelta(days=45)),
        opening_at=at(today + dt.timedelta(days=45), 14),
        planned_award_on=today + dt.timedelta(days=75),
    )
    tender.refresh_from_db()
    return SimpleNamespace(
        partnership=partnership,
        people=personas,
        tender=tender,
        lots=lots,
        delivery=delivery,
        training=training,
        trainees=trainees,
        tonnes=tonnes,
        today=today,
    )


@pytest.fixture
def world(partnership, personas):
    return build_world(partnership, personas)


@pytest.fixture
def published(world):
    domain.publish(tender=world.tender, actor=world.people["commissioner"])
    world.tender.refresh_from_db()
    return world
