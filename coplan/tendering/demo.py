"""The tendering part of the demo story (``docs/demo-story.md``).

* North Lanarkshire: Fiona Baird (Corporate Procurement) drafts the procurement strategy in
  May 2007 — three lots (emergency storage, emergency furniture packs, permanent furniture
  packs), £1,350,000 excluding VAT over three years, with the weights the steering group
  approved on 29 May 2007: quality 60 % (including community benefits 15 %), price 40 %. Two
  community benefit clauses from the library: trainee places for young people leaving
  homelessness (a contract condition, at least 30 over the contract: the specification's 10 a
  year), and from the environmental clause items reused (at least 2,000, a point per 100
  items) and tonnes of unclaimed goods from the storage service reused (at least 20, a point a
  tonne), both scored as a points menu. Emergency packs within 3 working days of a referral
  (specification SL-2). Each criterion and benefit requirement records the requirement of the
  frozen specification (version 2) it answers, for the golden thread: trainees CB-1, items
  and tonnes reused CB-2, the six quality questions SL-2, SL-3, ER-1, OUT-2, OP-1 and SL-1. The
  figures are in ``docs/demo-story.md``. Published on 2 July 2007 by the Head of Housing (the
  commissioner); two clarifications answered to every bidder and one addendum; bids due 17
  August 2007 (the bidding demo opens them and awards in September 2007).
* Renfrewshire: a draft tender for low-level care and befriending, its strategy drafted ten
  days ago for a tender planned five months from now; it cannot be published yet (artefacts
  still unclassified, timetable to confirm).

Every figure is illustrative. Everything goes through the domain functions, so the audit
trail is real; audit timestamps are then moved to the story's dates.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from coplan.core import clock
from coplan.core.dates import add_months
from coplan.core.models import Affiliation, Organisation, User
from coplan.demo import story as cast
from coplan.demo.context import DemoStory
from coplan.design import queries as design
from coplan.design.models import SpecificationVersion
from coplan.partnerships.enums import Role

from . import domain
from .models import Clause, Tender


def _at(day: dt.date, hour: int = 11, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _spec(partnership):
    """The requirements of the partnership's latest signed-off specification, by key (none
    when the design demo did not run)."""
    version = design.latest_signed_off(partnership)
    if version is None:
        return {}
    return {r.key: r for r in version.requirements.select_related("version")}


def _draft_spec(partnership):
    """The requirements of the partnership's latest specification version, signed off or not,
    by key: a tender drafted while the specification is still being revised answers the draft
    (none when the design demo did not run)."""
    version = (
        SpecificationVersion.objects.filter(partnership=partnership).order_by("-number").first()
    )
    if version is None:
        return {}
    return {r.key: r for r in version.requirements.select_related("version")}


def _measure(clause_type: str, name: str):
    clause = Clause.objects.get(type=clause_type)
    return clause.current_version, clause.measures.get(name=name)


def load(story: DemoStory) -> None:
    if story.partnership.tenders.exists():
        return
    if story.is_historic:
        _north_lanarkshire(story)
    else:
        _renfrewshire(story)


# --- North Lanarkshire ---------------------------------------------------------------------------

NL_CB_SUMMARY = (
    "The contractor will offer at least 30 trainee places over the contract (10 a year) to "
    "young people leaving homelessness (a contract condition), and will reuse or recycle "
    "unclaimed goods from the storage service: bidders state the items and the tonnes they "
    "commit to reuse, scored at 15 % of the marks. Trainees are recruited as a priority group "
    "wherever they live."
)


def _north_lanarkshire(story: DemoStory) -> Tender:
    officer = story.person(Role.PROCUREMENT)
    commissioner = story.person(Role.COMMISSIONER)
    partnership = story.partnership
    drafted = _at(dt.date(2007, 5, 14), 10)
    with clock.at(drafted):
        tender = domain.create_tender(
            partnership=partnership,
            actor=officer,
            title="Emergency furniture storage and furniture packs",
            reference="NLC-2007-017",
            description=(
                "Storage of the furniture of people who lose their tenancy, emergency "
                "(temporary) furniture packs delivered within 3 working days of a referral, "
                "and permanent packs of reused furniture for tenants resettled from temporary "
                "accommodation, across North Lanarkshire, October 2007 to September 2010."
            ),
            contract_type="services",
            estimated_value=Decimal("1350000.00"),
            vat_included=False,
            vat_rate=Decimal("17.5"),
            duration_months=36,
            route="open",
            strategy_date=dt.date(2007, 5, 14),
            cb_summary=NL_CB_SUMMARY,
        )
        for title, description, value in [
            (
                "Emergency storage of furniture",
                "Collect, store for up to 12 months and return the furniture of people who "
                "lose their tenancy.",
                "270000.00",
            ),
            (
                "Emergency furniture packs",
                "Temporary packs (bed, bedding, table, chairs, kitchen starter kit) within 3 "
                "working days of a referral.",
                "540000.00",
            ),
            (
                "Permanent furniture packs",
                "Packs of reused furniture for tenants resettled from temporary accommodation.",
                "540000.00",
            ),
        ]:
            domain.add_lot(
                tender=tender,
                actor=officer,
                title=title,
                description=description,
                estimated_value=Decimal(value),
            )
    spec = _spec(partnership)
    with clock.at(_at(dt.date(2007, 5, 28), 14)):
        domain.set_scoring_model(
            tender=tender,
            actor=officer,
            price_method="relative_to_lowest",
            price_weight=Decimal(40),
            benefit_weight=Decimal(15),
            benefit_method="relative_to_max",
            zero_price_rule="score_on_total",
            tie_break="higher_quality",
        )
        for name, question, weight, key in [
            (
                "Service delivery and response times",
                "How will you store furniture safely and deliver an emergency pack within 3 "
                "working days of a referral, across every locality?",
                15,
                "SL-2",
            ),
            (
                "Quality and reuse of furniture",
                "How will you check, restore and present reused furniture so that packs are "
                "safe, clean and complete?",
                10,
                "SL-3",
            ),
            (
                "Working with housing officers and tenants",
                "How will you take referrals on the one shared form and work with housing "
                "officers?",
                5,
                "ER-1",
            ),
            (
                "Outcomes for tenants",
                "How will you measure and report tenancies sustained and tenants' satisfaction?",
                5,
                "OUT-2",
            ),
            (
                "Storing and returning belongings",
                "How will you collect, record and store a household's furniture and belongings, "
                "and return them when the tenant is rehoused?",
                5,
                "OP-1",
            ),
            (
                "Keeping tenants informed about stored goods",
                "How will you tell tenants, by letter and by text message, a month before "
                "anything stored is reused or recycled?",
                5,
                "SL-1",
            ),
        ]:
            domain.add_criterion(
                tender=tender,
                actor=officer,
                name=name,
                question=question,
                weight=Decimal(weight),
                spec_requirement=spec.get(key),
            )
        # Unit rates with published volumes a year (docs/demo-story.md, values): at the
        # estimated rates (£1.50, £450, £600) they give each lot's estimate over 36 months.
        for name, weight, unit, volume in [
            ("Storage", 8, "item stored for a month", 60000),
            ("Emergency packs", 16, "pack", 400),
            ("Permanent packs", 16, "pack", 300),
        ]:
            domain.add_price_element(
                tender=tender,
                actor=officer,
                name=name,
                weight=Decimal(weight),
                unit=unit,
                annual_volume=Decimal(volume),
            )
        version, trainees = _measure("targeted_recruitment", "Trainee places for priority groups")
        domain.add_requirement(
            tender=tender,
            actor=officer,
            clause_version=version,
            measure=trainees,
            mode="mandatory",
            minimum=Decimal(30),
            notes="Young people leaving homelessness, referred by the Housing service: 10 a "
            "year over the three years (specification CB-1).",
            spec_requirement=spec.get("CB-1"),
        )
        version, items = _measure("environmental", "Items reused")
        domain.add_requirement(
            tender=tender,
            actor=officer,
            clause_version=version,
            measure=items,
            mode="scored",
            minimum=Decimal(2000),
            points_per_unit=Decimal("0.01"),
            notes="Furniture and household items from the storage service reused in packs.",
            spec_requirement=spec.get("CB-2"),
        )
        version, tonnes = _measure("environmental", "Tonnes of goods reused")
        domain.add_requirement(
            tender=tender,
            actor=officer,
            clause_version=version,
            measure=tonnes,
            mode="scored",
            minimum=Decimal(20),
            points_per_unit=Decimal(1),
            notes="Unclaimed goods from the storage service, reused or recycled.",
            spec_requirement=spec.get("CB-2"),
        )
    with clock.at(_at(dt.date(2007, 6, 12), 9)):
        domain.set_timetable(
            tender=tender,
            actor=officer,
            clarification_deadline=_at(dt.date(2007, 8, 8), 12),
            submission_deadline=_at(dt.date(2007, 8, 17), 12),
            opening_at=_at(dt.date(2007, 8, 17), 14),
            planned_award_on=dt.date(2007, 9, 14),
        )
    published = _at(dt.date(2007, 7, 2), 10)
    with clock.at(published):
        domain.publish(tender=tender, actor=commissioner)
    _nl_clarifications(story, tender, officer)
    return tender


def _bidder(story: DemoStory, name: str):
    """The registered person of an organisation (the outside bidder's login, or a partner)."""
    organisation = Organisation.objects.get(name=name)
    user = (
        User.objects.filter(affiliation__organisation=organisation).order_by("pk").first()
        if Affiliation.objects.filter(organisation=organisation).exists()
        else None
    )
    return organisation, user


def _nl_clarifications(story: DemoStory, tender: Tender, officer) -> None:
    brannock, colin = _bidder(story, cast.NL_BIDDER_A)
    recap, stuart = _bidder(story, cast.RECAP)
    consortium = getattr(story.partnership, "consortium", None)
    registrations = {}
    for organisation, user, day, lead_of in [
        (recap, stuart, dt.date(2007, 7, 3), consortium),
        (brannock, colin, dt.date(2007, 7, 5), None),
    ]:
        if user is None:
            continue
        when = _at(day, 15)
        with clock.at(when):
            registrations[organisation.pk] = domain.register_bidder(
                tender=tender,
                actor=user,
                organisation=organisation,
                consortium=lead_of if lead_of and lead_of.lead_id == organisation.pk else None,
            )
    questions = [
        (
            brannock,
            colin,
            dt.date(2007, 7, 12),
            "Brannock Removals here: will the contractor take over the council's current "
            "storage arrangements, and is any staff transfer (TUPE) expected?",
            "Will the contractor take over the council's current storage arrangements, and is "
            "any staff transfer (TUPE) expected?",
            "No. The contractor provides its own secure storage meeting section 3 of the "
            "specification. The council does not expect TUPE to apply: the service is new.",
            dt.date(2007, 7, 16),
        ),
        (
            recap,
            stuart,
            dt.date(2007, 7, 20),
            "As Homereach's lead partner: may trainee places be shared between consortium members?",
            "May trainee places be shared between the members of a consortium?",
            "Yes. A trainee place counts wherever in the bidder's organisation or consortium "
            "the trainee works, provided it is evidenced by a start letter and the trainee "
            "register.",
            dt.date(2007, 7, 24),
        ),
    ]
    for (
        organisation,
        user,
        asked_on,
        question,
        published_question,
        answer,
        answered_on,
    ) in questions:
        registration = registrations.get(organisation.pk)
        if registration is None:
            continue
        asked = _at(asked_on, 16)
        with clock.at(asked):
            clarification = domain.ask(
                tender=tender, registration=registration, actor=user, question=question
            )
        answered = _at(answered_on, 11)
        with clock.at(answered):
            domain.answer(
                clarification=clarification,
                actor=officer,
                published_question=published_question,
                answer=answer,
            )
    when = _at(dt.date(2007, 7, 24), 12)
    with clock.at(when):
        domain.publish_addendum(
            tender=tender,
            actor=officer,
            title="Price schedule: storage priced per item per month",
            body="Price lot 1 per item stored per month, not per load; the price schedule's "
            "storage line is amended accordingly. Nothing else changes.",
        )


# --- Renfrewshire --------------------------------------------------------------------------------


def _renfrewshire(story: DemoStory) -> Tender:
    officer = story.person(Role.PROCUREMENT)
    partnership = story.partnership
    today = story.today
    drafted = _at(today - dt.timedelta(days=10), 10)
    with clock.at(drafted):
        tender = domain.create_tender(
            partnership=partnership,
            actor=officer,
            title="Low-level care and befriending for older people",
            reference=f"RC-{(partnership.tender_on or add_months(today, 5)):%Y}-004",
            description=(
                "Help at home, shopping and small repairs, and befriending, for older people "
                "living alone across Renfrewshire."
            ),
            contract_type="services",
            estimated_value=Decimal("1944000.00"),
            vat_included=True,
            vat_rate=Decimal(20),
            duration_months=36,
            route="light_touch",
            strategy_date=today - dt.timedelta(days=10),
            cb_summary=(
                "Work placements for people returning to work, and staff volunteering with "
                "older people's groups."
            ),
        )
        for title in (
            "Low-level care: help at home, shopping and small repairs",
            "Befriending",
        ):
            domain.add_lot(tender=tender, actor=officer, title=title)
        domain.set_scoring_model(
            tender=tender,
            actor=officer,
            price_method="relative_to_lowest",
            price_weight=Decimal(50),
            benefit_weight=Decimal(10),
            tie_break="higher_quality",
        )
        # Each question records the requirement of the specification it answers (the draft
        # version 2, for the golden thread; docs/demo-story.md).
        spec = _draft_spec(partnership)
        for name, question, weight, key in [
            (
                "Reaching older people who live alone",
                "How will you find and engage older people who are isolated, and make first "
                "contact within 7 working days of a referral?",
                10,
                "SL-3",
            ),
            (
                "Reliability of help at home",
                "How will you make sure visits happen when promised, and cover a cancelled "
                "befriending visit within 2 days?",
                10,
                "SL-4",
            ),
            (
                "Trust at the door",
                "How will workers and volunteers show who they are, and how will you confirm "
                "each first visit by phone?",
                5,
                "SL-2",
            ),
            (
                "Breaks for carers",
                "How will you give carers a regular break of at least two hours a week?",
                5,
                "OUT-2",
            ),
            (
                "Shopping with choice",
                "How will you help people shop, or deliver their shopping, so that they choose "
                "their own items?",
                5,
                "OP-3",
            ),
            (
                "Volunteers",
                "How will you recruit, train and keep at least 60 volunteers, and offer paid "
                "sessional posts to former volunteers first?",
                5,
                "CB-1",
            ),
        ]:
            domain.add_criterion(
                tender=tender,
                actor=officer,
                name=name,
                question=question,
                weight=Decimal(weight),
                spec_requirement=spec.get(key),
            )
        version, placements = _measure("work_placements", "Work placements")
        domain.add_requirement(
            tender=tender,
            actor=officer,
            clause_version=version,
            measure=placements,
            mode="mandatory",
            minimum=Decimal(4),
            notes="Places for young apprentices in the small repairs trades.",
            spec_requirement=spec.get("CB-2"),
        )
        tender_on = partnership.tender_on or add_months(today, 5)
        domain.set_timetable(
            tender=tender,
            actor=officer,
            clarification_deadline=_at(tender_on + dt.timedelta(days=35), 12),
            submission_deadline=_at(tender_on + dt.timedelta(days=49), 12),
            opening_at=_at(tender_on + dt.timedelta(days=49), 14),
            planned_award_on=tender_on + dt.timedelta(days=84),
        )
    return tender
