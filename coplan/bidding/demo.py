"""The bidding app's part of the demo story: North Lanarkshire's tender receives three sealed
bids — Homereach's consortium bid and two fictional firms' — and two officers open them; a
panel that includes a trained service user declares its interests, scores and moderates; the
award (citing the steering group's award-approval decision of 24 September 2007 when the
governance demo recorded it) goes to Homereach with letters to all three bidders; the contract
runs October 2007 – September 2010 with the community benefit commitments Homereach bid.

The tendering demo creates the tender (this module runs after it); if there is no published
tender with a deadline yet, nothing is added. Bids are sealed and opened through the domain
functions, each step at its date in 2007 (``coplan.core.clock``), as the other demo modules do.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from coplan.core import clock
from coplan.core.models import Affiliation, Organisation, OrganisationType, User
from coplan.governance.enums import DecisionKind
from coplan.governance.models import Body, Decision
from coplan.partnerships.enums import Role
from coplan.pilots.models import Kpi
from coplan.tendering import domain as tendering

from . import domain

# The story's two other bidders (coplan/demo/story.py NL_BIDDER_A, NL_BIDDER_B): a contact is
# made only where the cast has nobody at the organisation.
OTHER_BIDDERS = (
    (
        "Brannock Removals and Storage Ltd",
        "colin.struthers@example.org",
        "Colin Struthers",
        Decimal("1.12"),
    ),
    (
        "Cairnhill Furnishing Services Ltd",
        "shona.reid@example.org",
        "Shona Reid",
        Decimal("0.94"),
    ),
)


def _registration(tender, organisation, user, consortium=None):
    """The organisation's registration for the tender: the one it made while the tender was
    advertised, or one it makes a week after publication."""
    registered = tender.registrations.filter(organisation=organisation).first()
    if registered is not None:
        return registered
    with clock.at(tender.published_at + dt.timedelta(days=7)):
        return tendering.register_bidder(
            tender=tender, actor=user, organisation=organisation, consortium=consortium
        )


# Homereach's rates (excluding VAT) for the price schedule's unit-rate elements: with the
# published volumes (60,000 items stored a month, 400 emergency and 300 permanent packs a year)
# over 36 months they give £270,000 + £518,400 + £507,600 = £1,296,000, the contract value: 4 %
# under the tender's £1,350,000 estimate. The other bids are priced at their factor of it.
HOMEREACH_RATES = {
    "Storage": Decimal("1.50"),
    "Emergency packs": Decimal("432.00"),
    "Permanent packs": Decimal("564.00"),
}
HOMEREACH_PRICE = Decimal("1296000")  # for a single total price or lump sums

# The measure whose quantity each bid states separately (``items`` below); every other scored
# requirement gets the bid's ``quantity``.
ITEMS_REUSED = "Items reused"


def _bid(tender, registration, factor: Decimal, quality: str, quantity: Decimal, items):
    elements = list(tender.price_elements.all())
    if elements:
        # A unit rate from Homereach's rates; a lump sum as its weight's share of the price.
        weights = sum((e.weight for e in elements), Decimal(0)) or Decimal(1)
        prices = {
            e.name: str(
                (
                    HOMEREACH_RATES[e.name] * factor
                    if e.is_unit_rate and e.name in HOMEREACH_RATES
                    else HOMEREACH_PRICE * factor * e.weight / weights
                ).quantize(Decimal("0.01"))
            )
            for e in elements
        }
        price = None
    else:
        prices, price = None, str((HOMEREACH_PRICE * factor).quantize(Decimal("0.01")))
    return domain.submit_bid(
        registration=registration,
        actor=registration.user,
        price=price,
        prices=prices,
        quality={c.name: f"{quality} ({c.name})" for c in domain.scored_criteria(tender)},
        quantities={
            str(r.pk): str(
                max(items if r.measure.name == ITEMS_REUSED else quantity, r.minimum or Decimal(0))
            )
            for r in domain.scored_requirements(tender)
        },
        documents=[("method-statement.txt", f"{registration.organisation}: {quality}".encode())],
    )


def load(story) -> None:
    if not story.is_historic:
        return
    tender = (
        story.partnership.tenders.filter(
            published_at__isnull=False, submission_deadline__isnull=False
        )
        .order_by("published_at")
        .first()
    )
    if tender is None or tender.bids.exists():
        return
    deadline = tender.submission_deadline
    consortium = getattr(story.partnership, "consortium", None)
    bids = []
    if consortium is not None and consortium.lead_id:
        lead_user = User.objects.filter(
            memberships__partnership=story.partnership,
            memberships__organisation=consortium.lead,
        ).first() or story.person(Role.SE_PARTNER)
        registration = _registration(tender, consortium.lead, lead_user, consortium)
        bids.append(
            (
                registration,
                Decimal("1.00"),
                "Three projects storing, refurbishing and delivering packs, training young "
                "people leaving homelessness",
                Decimal("24"),
                Decimal("2400"),
            )
        )
    for name, email, full_name, factor in OTHER_BIDDERS:
        organisation, _ = Organisation.objects.get_or_create(
            name=name, defaults={"type": OrganisationType.PRIVATE_COMPANY}
        )
        user = User.objects.filter(affiliation__organisation=organisation).order_by("pk").first()
        if user is None:
            user, created = User.objects.get_or_create(
                email=email, defaults={"full_name": full_name}
            )
            if created:
                user.set_unusable_password()
                user.save()
            Affiliation.objects.get_or_create(user=user, organisation=organisation)
        bids.append(
            (
                _registration(tender, organisation, user),
                factor,
                f"{name} delivers new furniture from its depot",
                Decimal("6"),
                Decimal("500"),  # below the tender's minimum, so the minimum
            )
        )
    for i, (registration, factor, quality, quantity, items) in enumerate(bids):
        when = deadline - dt.timedelta(days=3 - i)
        with clock.at(when):
            _bid(tender, registration, factor, quality, quantity, items)
    opening = tender.opening_at + dt.timedelta(minutes=5)
    with clock.at(opening):
        domain.confirm_opening(tender=tender, actor=story.person(Role.PROCUREMENT))
    with clock.at(opening + dt.timedelta(minutes=3)):
        domain.confirm_opening(tender=tender, actor=story.person(Role.COMMISSIONER))
    tender.refresh_from_db()
    _evaluate(story, tender, opening)
    _award(story, tender)


# Individual scores per bid (in submission order: Homereach, Clyde Valley, Lanark) for each
# quality evaluator, and the consensus the panel agreed.
SCORES = [((3, 4, 3), 3), ((2, 2, 3), 2), ((2, 1, 2), 2)]


def _evaluate(story, tender, opening):
    from .enums import ConflictDecision, Part

    officer = story.person(Role.PROCUREMENT)
    steering = story.people(Role.STEERING)
    quality_panel = [story.person(Role.EVALUATOR), story.person(Role.SERVICE_USER), steering[0]]
    price_evaluator = steering[1] if len(steering) > 1 else officer
    service_user = story.person(Role.SERVICE_USER)
    # The officer reads the links Coplan finds (a design committee seat, say) and assigns the
    # panel anyway, two weeks before the opening; each linked evaluator's declaration then
    # waits for the decision below.
    with clock.at(opening - dt.timedelta(days=14)):
        for criterion in domain.scored_criteria(tender):
            for person in quality_panel:
                domain.assign(
                    tender=tender,
                    actor=officer,
                    evaluator=person,
                    part=Part.QUALITY,
                    criterion=criterion,
                    training=(
                        "Evaluator training for service users, CRNS, June 2007"
                        if person == service_user
                        else ""
                    ),
                    confirm_conflict=True,
                )
        domain.assign(
            tender=tender,
            actor=officer,
            evaluator=price_evaluator,
            part=Part.PRICE,
            confirm_conflict=True,
        )
    with clock.at(opening):
        for person in [*quality_panel, price_evaluator]:
            declaration = domain.declare(tender=tender, evaluator=person, kind="none")
            if declaration.decision == ConflictDecision.PENDING:
                domain.decide_conflict(
                    declaration=declaration,
                    actor=officer,
                    decision="proceed",
                    mitigation=(
                        "Scores alongside two other evaluators; moderation checks the scores."
                    ),
                    reason="The link is to the design stage only, declared and recorded.",
                )
    bids = domain.live_bids(tender)
    scored = [
        (criterion, bid, individual, consensus)
        for criterion in domain.scored_criteria(tender)
        for bid, (individual, consensus) in zip(bids, SCORES, strict=False)
    ]
    with clock.at(opening + dt.timedelta(days=7)):  # each evaluator scores alone
        for criterion, bid, individual, _consensus in scored:
            for person, score in zip(quality_panel, individual, strict=True):
                domain.submit_score(
                    bid=bid,
                    criterion=criterion,
                    evaluator=person,
                    score=score,
                    rationale=DESCRIPTORS[score],
                )
    with clock.at(opening + dt.timedelta(days=10)):  # then the panel moderates
        for criterion, bid, individual, consensus in scored:
            domain.moderate(
                bid=bid,
                criterion=criterion,
                actor=officer,
                score=consensus,
                rationale=DESCRIPTORS[consensus],
                difference_reason=""
                if all(s == consensus for s in individual)
                else "The panel agreed the consensus after discussing the evidence in the bid.",
            )


DESCRIPTORS = {
    0: "Unacceptable: nil or inadequate response.",
    1: "Poor: partly relevant, little on how it would be delivered.",
    2: "Acceptable: relevant, a broad understanding with some gaps.",
    3: "Good: sufficient detail on how the requirement would be met.",
    4: "Excellent: comprehensive, unambiguous, fully meets the requirement.",
}


# The pilot KPIs Homereach reports against under the contract (pilots demo, North Lanarkshire).
CONTRACT_KPIS = [
    "Emergency packs delivered within 5 working days",
    "Permanent packs delivered within 10 working days",
    "Young homeless trainee starts",
]


def _contract_kpis(story) -> list:
    """The NL pilot's KPIs named above, in that order; none if the pilots demo is not loaded."""
    found = {
        k.name: k
        for k in Kpi.objects.filter(pilot__partnership=story.partnership, name__in=CONTRACT_KPIS)
    }
    return [found[name] for name in CONTRACT_KPIS if name in found]


def _award(story, tender):
    decision = (
        Decision.objects.filter(partnership=story.partnership, kind=DecisionKind.AWARD_APPROVAL)
        .select_related("meeting")
        .first()
    )
    governed = Body.objects.filter(partnership=story.partnership).exists()
    if governed and decision is None:
        return
    sent = dt.datetime.combine(
        decision.meeting.starts_at.date() if decision else dt.date(2007, 9, 24),
        dt.time(16, 0),
        tzinfo=ZoneInfo("Europe/London"),
    )
    with clock.at(sent):
        award = domain.approve_award(
            tender=tender,
            actor=story.person(Role.PROCUREMENT if governed else Role.COMMISSIONER),
            reasons="Homereach's bid scored highest on quality and community benefits, with "
            "competitive prices: it is the most economically advantageous tender. Its price "
            "of £1,296,000 over the three years is within the £1,350,000 estimate.",
            electronic=True,
            decision=decision,
            starts_on=dt.date(2007, 10, 8),
            ends_on=dt.date(2010, 9, 30),
            kpis=_contract_kpis(story),
        )
    contract = tender.contracts.get()
    with clock.at(award.standstill_ends_at):
        domain.conclude_contract(contract=contract, actor=story.person(Role.PROCUREMENT))
