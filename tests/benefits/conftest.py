from decimal import Decimal as D

import pytest

from coplan.benefits import domain


@pytest.fixture
def analysis(partnership, personas):
    return build_analysis(partnership, personas)


def build_analysis(partnership, personas):
    """ROAR-style befriending analysis: the worked example of ``test_calc`` (investment
    £20,000; £24,000 + £3,600 in year 1, £12,000 in year 2)."""
    made = domain.create_analysis(
        partnership=partnership,
        actor=personas["facilitator"],
        title="Befriending, first year",
        investment=D(20000),
    )
    domain.add_outcome(
        analysis=made,
        actor=personas["facilitator"],
        name="Less lonely",
        quantity=D(40),
        proxy=D(1000),
        deadweight=D("0.25"),
        attribution=D("0.2"),
        drop_off=D("0.5"),
        duration_years=2,
    )
    domain.add_outcome(
        analysis=made,
        actor=personas["facilitator"],
        name="Fewer GP visits",
        quantity=D(10),
        proxy=D(500),
        deadweight=D("0.1"),
        displacement=D("0.2"),
    )
    return made


# --- a contract with commitments --------------------------------------------------------------

import datetime as dt  # noqa: E402
from types import SimpleNamespace  # noqa: E402

from django.utils import timezone  # noqa: E402

from coplan.bidding.models import Bid, Commitment, Contract  # noqa: E402
from coplan.partnerships.enums import Role  # noqa: E402
from coplan.tendering.models import (  # noqa: E402
    BenefitRequirement,
    BidderRegistration,
    Clause,
    ClauseVersion,
    Measure,
    ProxyValue,
    Tender,
)
from tests.factories import OrganisationFactory, member  # noqa: E402

START, END = dt.date(2007, 10, 1), dt.date(2010, 9, 30)
YEAR1_END = dt.date(2008, 9, 30)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _measure(type_, title, name, unit, evidence, proxies=()):
    clause = Clause.objects.create(type=type_, title=title)
    version = ClauseVersion.objects.create(clause=clause, number=1, wording=f"{title}.")
    measure = Measure.objects.create(clause=clause, name=name, unit=unit, evidence=evidence)
    for value, since, table in proxies:
        ProxyValue.objects.create(
            measure=measure, value=D(value), effective_from=since, table_version=table
        )
    return version, measure


@pytest.fixture
def contract(partnership, personas):
    return build_contract(partnership, personas)


def build_contract(partnership, personas):
    """Homereach's contract, October 2007 – September 2010, awarded to the enterprise partner
    persona's organisation, with three commitments for the first contract year:
    12 trainees (mandatory, from the tender's requirement), 2,000–2,500 items reused and
    150 tonnes diverted from landfill (both from the bid). "other_se" is an enterprise partner
    of another organisation; the contractor's people are "se_partner" only."""
    supplier = personas["se_partner"].organisations.first()
    personas["other_se"] = member(partnership, Role.SE_PARTNER, OrganisationFactory(name="Other"))
    tender = Tender.objects.create(
        partnership=partnership,
        title="Furniture storage and packs",
        reference=f"nlc-furniture-{partnership.pk}",
        published_at=timezone.now() - dt.timedelta(days=90),
    )
    trainees_v, trainees = _measure(
        "targeted_recruitment",
        "Trainees from priority groups",
        "Trainees",
        "people",
        "Start letters",
        [("2500", dt.date(2007, 4, 1), "2007"), ("2600", dt.date(2008, 4, 1), "2008")],
    )
    _, reuse = _measure(
        "environmental",
        "Reuse",
        "Items reused",
        "items",
        "Item log",
        [("20", dt.date(2007, 4, 1), "2007")],
    )
    _, tonnes = _measure(
        "environmental", "Landfill", "Tonnes diverted", "tonnes", "Waste transfer notes"
    )
    requirement = BenefitRequirement.objects.create(
        tender=tender,
        clause_version=trainees_v,
        measure=trainees,
        mode="mandatory",
        minimum=D(12),
    )
    registration = BidderRegistration.objects.create(
        tender=tender, organisation=supplier, user=personas["se_partner"]
    )
    bid = Bid.objects.create(
        tender=tender,
        registration=registration,
        organisation=supplier,
        submitted_at=timezone.now(),
        submitted_by=personas["se_partner"],
        sealed=b"",
        digest="0" * 64,
    )
    made = Contract.objects.create(
        tender=tender,
        supplier=supplier,
        bid=bid,
        value=D("1200000"),
        starts_on=START,
        ends_on=END,
    )

    def commit(description, unit, low, high=None, measure=None, requirement=None, source="bid"):
        return Commitment.objects.create(
            contract=made,
            requirement=requirement,
            measure=measure,
            description=description,
            unit=unit,
            target_min=D(low),
            target_max=None if high is None else D(high),
            period_start=START,
            period_end=YEAR1_END,
            evidence_type="Records",
            source=source,
        )

    return SimpleNamespace(
        contract=made,
        tender=tender,
        partnership=partnership,
        people=personas,
        requirement=requirement,
        trainees=commit(
            "Trainees from young people leaving homelessness",
            "people",
            12,
            measure=trainees,
            requirement=requirement,
            source="mandatory",
        ),
        reused=commit("Items reused", "items", 2000, 2500, measure=reuse),
        tonnes=commit("Tonnes diverted from landfill", "tonnes", 150, measure=tonnes),
    )
