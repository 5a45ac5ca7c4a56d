"""A published tender in ``partnership`` with two price elements, two quality questions and a
scored community benefit, and two registered bidders: the partnership's consortium (led by the
enterprise partner persona's organisation) and an outside firm whose person is not a member
of the partnership.

The submission deadline is tomorrow and the opening an hour later; tests that open the bids
call :func:`close` to move the timetable into the past, as the demo does.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.bidding import domain
from coplan.bidding.enums import Part
from coplan.consortium.models import Consortium, ConsortiumMember
from coplan.core.models import Affiliation
from coplan.tendering.models import (
    BenefitRequirement,
    BidderRegistration,
    Clause,
    ClauseVersion,
    Measure,
    PriceElement,
    QualityCriterion,
    Tender,
)
from tests.factories import OrganisationFactory, UserFactory

MARKER = "QUOKKA-7731-SECRET"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def tender(partnership, personas):
    now = timezone.now()
    tender = Tender.objects.create(
        partnership=partnership,
        title="Furniture storage and packs",
        reference=f"nlc-furniture-{partnership.pk}",
        price_weight=Decimal("50"),
        benefit_weight=Decimal("10"),
        published_at=now - dt.timedelta(days=30),
        submission_deadline=now + dt.timedelta(days=1),
        opening_at=now + dt.timedelta(days=1, hours=1),
    )
    PriceElement.objects.create(tender=tender, name="Storage", weight=Decimal("20"), order=1)
    PriceElement.objects.create(tender=tender, name="Packs", weight=Decimal("30"), order=2)
    QualityCriterion.objects.create(tender=tender, name="Method", weight=Decimal("25"), order=1)
    QualityCriterion.objects.create(
        tender=tender, name="Partnership working", weight=Decimal("15"), order=2
    )
    clause = Clause.objects.create(type="targeted_recruitment", title="Trainees")
    version = ClauseVersion.objects.create(clause=clause, number=1, wording="Train people.")
    measure = Measure.objects.create(
        clause=clause, name="Trainee weeks", unit="weeks", evidence="Timesheets"
    )
    BenefitRequirement.objects.create(
        tender=tender, clause_version=version, measure=measure, mode="scored", minimum=Decimal("10")
    )
    return tender


@pytest.fixture
def homereach(tender, personas):
    """The consortium's registration, made by the enterprise partner persona."""
    lead = personas["se_partner"].organisations.first()
    consortium = Consortium.objects.create(
        partnership=tender.partnership, name="Homereach", legal_model="lead_contractor", lead=lead
    )
    ConsortiumMember.objects.create(consortium=consortium, organisation=lead)
    ConsortiumMember.objects.create(
        consortium=consortium, organisation=OrganisationFactory(name="Beulah Scotland")
    )
    return BidderRegistration.objects.create(
        tender=tender, organisation=lead, user=personas["se_partner"], consortium=consortium
    )


@pytest.fixture
def outside_bidder(db):
    return UserFactory(full_name="Morag Outside")


@pytest.fixture
def clearway(tender, outside_bidder):
    organisation = OrganisationFactory(name="Clearway Removals Ltd", type="private_company")
    Affiliation.objects.create(user=outside_bidder, organisation=organisation)
    return BidderRegistration.objects.create(
        tender=tender, organisation=organisation, user=outside_bidder
    )


def bid_data(requirement_pk, **overrides):
    data = {
        "prices": {"Storage": "41250.00", "Packs": "123457.89"},
        "quality": {"Method": f"Our method {MARKER}", "Partnership working": "We meet monthly."},
        "quantities": {str(requirement_pk): "52"},
        "documents": [("method.txt", f"Method statement {MARKER}".encode())],
    }
    data.update(overrides)
    return data


@pytest.fixture
def requirement(tender):
    return tender.benefit_requirements.get()


def close(tender, *, opening_passed=True):
    """Move the timetable back: the deadline passed an hour ago (and the opening time too)."""
    now = timezone.now()
    tender.submission_deadline = now - dt.timedelta(hours=1)
    tender.opening_at = (
        now - dt.timedelta(minutes=1) if opening_passed else now + dt.timedelta(hours=1)
    )
    tender.save(update_fields=["submission_deadline", "opening_at"])
    return tender


@pytest.fixture
def verified(client):
    """Sign ``user`` in with a two-factor verified session."""

    def login(user):
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


PANEL = ("evaluator", "steering", "service_user")


@pytest.fixture
def bid_prices():
    """Homereach's and Clearway's price schedules (a module may override this fixture)."""
    return (
        {"Storage": "41250.00", "Packs": "123457.89"},
        {"Storage": "39000", "Packs": "150000"},
    )


@pytest.fixture
def opened(homereach, clearway, requirement, tender, personas, outside_bidder, bid_prices):
    h = domain.submit_bid(
        registration=homereach,
        actor=personas["se_partner"],
        **bid_data(requirement.pk, prices=bid_prices[0]),
    )
    c = domain.submit_bid(
        registration=clearway,
        actor=outside_bidder,
        **bid_data(requirement.pk, prices=bid_prices[1], quantities={str(requirement.pk): "40"}),
    )
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    tender.refresh_from_db()
    return h, c


@pytest.fixture
def panel(tender, personas):
    officer = personas["procurement"]
    for criterion in tender.quality_criteria.all():
        for role in PANEL:
            domain.assign(
                tender=tender,
                actor=officer,
                evaluator=personas[role],
                part=Part.QUALITY,
                criterion=criterion,
            )
    domain.assign(tender=tender, actor=officer, evaluator=personas["observer"], part=Part.PRICE)
    for role in (*PANEL, "observer"):
        domain.declare(tender=tender, evaluator=personas[role], kind="none")
    return tender


def score_all(tender, bids, personas, table):
    criteria = {c.name: c for c in tender.quality_criteria.all()}
    for (bid_index, name), scores in table.items():
        for role, score in zip(PANEL, scores, strict=True):
            domain.submit_score(
                bid=bids[bid_index],
                criterion=criteria[name],
                evaluator=personas[role],
                score=score,
                rationale=f"Scored {score}",
            )


SCORES = {
    (0, "Method"): (3, 3, 4),
    (0, "Partnership working"): (4, 4, 4),
    (1, "Method"): (2, 2, 2),
    (1, "Partnership working"): (3, 3, 3),
}
MODERATED = {
    (0, "Method"): 3,
    (0, "Partnership working"): 4,
    (1, "Method"): 2,
    (1, "Partnership working"): 3,
}


def score_and_moderate(tender, bids, personas):
    """The panel scores ``bids`` (SCORES) and the officer moderates them (MODERATED)."""
    score_all(tender, bids, personas, SCORES)
    criteria = {c.name: c for c in tender.quality_criteria.all()}
    for (i, name), score in MODERATED.items():
        domain.moderate(
            bid=bids[i],
            criterion=criteria[name],
            actor=personas["procurement"],
            score=score,
            rationale="Agreed",
            difference_reason="One evaluator was generous on delivery detail."
            if (i, name) == (0, "Method")
            else "",
        )


@pytest.fixture
def moderated(opened, panel, personas):
    score_and_moderate(panel, opened, personas)
    return opened
