"""The piloting part of the demo story (``docs/demo-story.md``).

North Lanarkshire (historic): RECAP, Beulah Scotland and St Patrick's Furniture Project pilot
emergency storage, emergency furniture packs and permanent furniture packs from October 2006 to
March 2007; each uploads a monthly return of delivery records; the interim evaluation at six
months is approved by the steering group in April 2007 and classified for the tender pack.
Renfrewshire (around today): the ROAR members pilot low-level care and befriending for older
people from seven months ago, tens of thousands of befriending visits so far; the interim
evaluation is drafted and due at the next steering meeting.

The records are generated deterministically (a fixed seed per story) and imported through the
same bulk path as an upload, a file per provider per month. KPIs come out some green, some
amber and one red. Every figure is illustrative.
"""

import csv
import datetime as dt
import io
import random
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from coplan.core import clock
from coplan.core.dates import add_months
from coplan.demo.context import DemoStory
from coplan.partnerships.enums import Role

from . import domain, importer
from .enums import Disclosure, EvaluationKind, ResultKind
from .models import Pilot

HEADER = [
    "service",
    "provider",
    "date",
    "quantity",
    "unit",
    "cost",
    "client_id",
    "referral_date",
    "satisfaction",
    "outcome",
    "area",
]


def load(story: DemoStory) -> None:
    if Pilot.objects.filter(partnership=story.partnership).exists():
        return
    builder = _Builder(story)
    if story.key == "north_lanarkshire":
        _north_lanarkshire(builder)
    else:
        _renfrewshire(builder)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _month_days(month: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    day = month
    while day.month == month.month and day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class _Builder:
    def __init__(self, story: DemoStory):
        self.story = story
        self.partnership = story.partnership
        self.facilitator = story.person(Role.FACILITATOR)
        self.commissioner = story.person(Role.COMMISSIONER)
        self.evaluator = story.person(Role.EVALUATOR)
        self.service_user = story.person(Role.SERVICE_USER)
        self.partners = {
            m.organisation_id: m.user
            for m in self.partnership.memberships.filter(role=Role.SE_PARTNER).select_related(
                "user"
            )
        }
        self.random = random.Random(2006 if story.is_historic else 2026)
        self.pilot = None
        self.services = {}
        self.providers = {}

    @contextmanager
    def dated(self, day: dt.date, hour: int = 10):
        """Run the block at ``day``."""
        with clock.at(_at(_weekday(day), hour)):
            yield

    def organisation(self, name):
        return self.partnership.memberships.get(
            role=Role.SE_PARTNER, organisation__name=name
        ).organisation

    def create(self, day, services, providers, **fields):
        with self.dated(day):
            self.pilot = domain.create_pilot(
                partnership=self.partnership,
                actor=self.facilitator,
                services=services,
                providers=[self.organisation(name) for name in providers],
                **fields,
            )
        self.services = {s.name: s for s in self.pilot.services.all()}
        self.providers = {p.organisation.name: p.organisation for p in self.pilot.providers.all()}
        return self.pilot

    def kpi(self, day, **fields):
        for name in ("filter_service",):
            if isinstance(fields.get(name), str):
                fields[name] = self.services[fields[name]]
        with self.dated(day):
            return domain.save_kpi(pilot=self.pilot, actor=self.facilitator, **fields)

    def upload(self, provider: str, month: dt.date, rows: list[list], day: dt.date) -> None:
        """One provider's monthly return, through the bulk import."""
        organisation = self.providers[provider]
        uploader = self.partners.get(organisation.pk, self.facilitator)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        writer.writerows(rows)
        slug = "".join(ch for ch in provider.lower() if ch.isalnum())[:20]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{slug}-{month:%Y-%m}.csv"
            path.write_text(buffer.getvalue(), encoding="utf-8")
            with self.dated(day, 15):
                batch = domain.upload_file(
                    pilot=self.pilot, actor=uploader, file=path, filename=path.name, via="web"
                )
                domain.queue_import(
                    batch=batch,
                    actor=uploader,
                    mapping=importer.Mapping.from_json(batch.mapping),
                    scope={organisation.pk},
                )
                outcome = importer.run(batch.pk)
        if outcome.status != "imported":  # the generator is wrong: fail loudly
            raise RuntimeError(f"Demo upload {path.name} was rejected: {outcome.message}")

    def feedback(
        self,
        day,
        rating,
        comment="",
        anonymous=False,
        service=None,
        provider=None,
        response="",
        channel="online",
    ):
        with self.dated(day, 14):
            item = domain.submit_feedback(
                pilot=self.pilot,
                actor=self.service_user,
                rating=rating,
                comment=comment,
                anonymous=anonymous,
                service=self.services.get(service) if service else None,
                provider=self.providers.get(provider) if provider else None,
                channel=channel,
                received_on=day,
            )
        if response:
            with self.dated(day + dt.timedelta(days=12), 11):
                domain.respond_to_feedback(feedback=item, actor=self.facilitator, response=response)
        return item

    def ratings(self, months, per_month, mean_good, comments, last_day):
        """Quick ratings through the pilot: mostly good, some poor, a few comments."""
        r = self.random
        services = list(self.services)
        providers = list(self.providers)
        for month in months:
            first = max(month, self.pilot.starts_on)  # feedback only during the pilot
            days = [d for d in _month_days(month, last_day) if d >= first] or [first]
            for _ in range(per_month):
                rating = (
                    5
                    if r.random() < mean_good * 0.55
                    else 4
                    if r.random() < mean_good
                    else (r.choice([1, 2, 3]))
                )
                self.feedback(
                    r.choice(days),
                    rating,
                    anonymous=r.random() < 0.4,
                    service=r.choice(services),
                    provider=r.choice(providers),
                    channel=r.choice(["online", "paper", "paper", "phone", "event"]),
                )
        for day, rating, comment, response in comments:
            self.feedback(day, rating, comment, service=None, response=response)

    def issue(self, day, title, severity, owner, description="", resolved=None, resolution=""):
        with self.dated(day):
            issue = domain.log_issue(
                pilot=self.pilot,
                actor=self.facilitator,
                title=title,
                description=description,
                severity=severity,
                owner=owner,
                raised_on=day,
            )
        if resolved:
            with self.dated(resolved):
                domain.update_issue(
                    issue=issue, actor=owner, resolution=resolution, resolved_on=resolved
                )

    def evaluation(self, created, kind, start, end, texts, approve_on=None, note=""):
        with self.dated(created):
            evaluation = domain.create_evaluation(
                pilot=self.pilot,
                actor=self.evaluator,
                kind=kind,
                period_start=start,
                period_end=end,
                **texts,
            )
        if approve_on:
            with self.dated(approve_on, 16):
                domain.approve_evaluation(
                    evaluation=evaluation,
                    actor=self.commissioner,
                    approved_on=approve_on,
                    note=note,
                )
        return evaluation

    def classify(self, evaluation, day):
        """Everything published to bidders, unit costs after redacting the providers' names."""
        with self.dated(day):
            domain.classify(obj=evaluation, actor=self.commissioner, disclosure=Disclosure.PUBLISH)
            for result in evaluation.results.all():
                if result.kind == ResultKind.UNIT_COST:
                    domain.classify(
                        obj=result,
                        actor=self.commissioner,
                        disclosure=Disclosure.REDACT_THEN_PUBLISH,
                        reason="Providers' names removed; the unit costs are published.",
                    )
                else:
                    domain.classify(
                        obj=result, actor=self.commissioner, disclosure=Disclosure.PUBLISH
                    )


def _money(value: float) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


# --- North Lanarkshire ---------------------------------------------------------------------

STORAGE = "Emergency storage"
EMERGENCY = "Emergency furniture packs"
PERMANENT = "Permanent furniture packs"
RECAP, BEULAH, ST_PATRICKS = "RECAP", "Beulah Scotland", "St Patrick's Furniture Project"
NL_AREAS = ["Airdrie", "Bellshill", "Coatbridge", "Cumbernauld", "Motherwell", "Wishaw"]


def _nl_rows(b: _Builder, month: dt.date, provider: str, last: dt.date) -> list[list]:
    r = b.random
    days = _month_days(month, last)
    share = {RECAP: 1.15, BEULAH: 1.0, ST_PATRICKS: 0.85}[provider]
    growth = 0.85 + 0.05 * ((month.year - 2006) * 12 + month.month - 10)
    rows = []
    for service, per_month, _unit in (
        (STORAGE, 55, "storage day"),
        (EMERGENCY, 70, "pack"),
        (PERMANENT, 80, "pack"),
    ):
        for _ in range(int(per_month * share * growth)):
            day = r.choice(days)
            if service == STORAGE:
                quantity = r.randint(5, 28)
                cost = quantity * r.uniform(3.2, 4.4)
                wait = r.randint(0, 3)
                outcome = r.choices(
                    ["RECLAIMED", "REUSED", "RECYCLED", "DISPOSED"], [52, 14, 10, 24]
                )[0]
            elif service == EMERGENCY:
                quantity = 1
                cost = r.uniform(240, 390)
                wait = r.choices([1, 2, 3, 4, 5, 6, 7, 8, 9], [9, 17, 22, 22, 16, 6, 4, 3, 1])[0]
                outcome = "DELIVERED"
            else:
                quantity = 1
                cost = r.uniform(480, 760)
                wait = r.choices(range(3, 16), [4, 8, 12, 14, 14, 13, 11, 9, 6, 4, 2, 2, 1])[0]
                outcome = r.choices(["DELIVERED", "DECLINED"], [96, 4])[0]
            referred = day - dt.timedelta(days=wait + (wait // 5) * 2)
            referred = max(referred, dt.date(2006, 9, 18))
            satisfaction = ""
            if service != STORAGE and r.random() < 0.45:
                satisfaction = r.choices([1, 2, 3, 4, 5], [2, 4, 10, 40, 44])[0]
            rows.append(
                [
                    service,
                    provider,
                    day.isoformat(),
                    quantity,
                    "",
                    _money(cost),
                    f"NL{r.randint(1, 2400):05d}",
                    referred.isoformat(),
                    satisfaction,
                    outcome,
                    r.choice(NL_AREAS),
                ]
            )
    return rows


def _north_lanarkshire(b: _Builder) -> None:
    start, end = dt.date(2006, 10, 1), dt.date(2007, 3, 31)
    b.create(
        dt.date(2006, 9, 26),
        services=[(STORAGE, "storage day"), (EMERGENCY, "pack"), (PERMANENT, "pack")],
        providers=[RECAP, BEULAH, ST_PATRICKS],
        title="Homereach furniture pilot",
        description=(
            "RECAP, Beulah Scotland and St Patrick's Furniture Project store the furniture of "
            "people who lose their tenancy and deliver emergency and permanent furniture packs "
            "to tenants resettled from temporary accommodation, across North Lanarkshire. "
            "Illustrative data."
        ),
        starts_on=start,
        ends_on=end,
        funding_amount=Decimal("186000.00"),
        funding_route="Council grant (Housing homelessness budget), with EQUAL development funding",
        funding_notes="£62,000 per provider for six months; illustrative figures.",
    )
    day = dt.date(2006, 9, 27)
    b.kpi(
        day,
        name="Emergency packs delivered within 5 working days",
        definition="Share of emergency furniture packs delivered within 5 working days of the "
        "referral from the homelessness service.",
        unit="%",
        baseline=Decimal("62"),
        baseline_note="Council's 2005/06 emergency furniture contract",
        target=Decimal("90"),
        direction="higher",
        amber_tolerance=Decimal("10"),
        source="Delivery records uploaded monthly by the providers",
        method="records",
        aggregation="percentage",
        filter_service=EMERGENCY,
        condition_field="wait_working_days",
        condition_op="lte",
        condition_value="5",
        requirement_key="KPI-1",  # working days from referral to an emergency pack
    )
    b.kpi(
        day,
        name="Permanent packs delivered within 10 working days",
        definition="Share of permanent furniture packs delivered within 10 working days of "
        "referral.",
        unit="%",
        baseline=Decimal("55"),
        baseline_note="Housing officers' estimate, 2006",
        target=Decimal("80"),
        source="Delivery records uploaded monthly by the providers",
        method="records",
        aggregation="percentage",
        filter_service=PERMANENT,
        condition_field="wait_working_days",
        condition_op="lte",
        condition_value="10",
        requirement_key="OP-3",  # permanent furniture packs
    )
    b.kpi(
        day,
        name="Cost per emergency furniture pack",
        definition="Total cost of emergency packs divided by the packs delivered.",
        unit="£",
        baseline=Decimal("410"),
        baseline_note="Council's 2005/06 contract price",
        target=Decimal("350"),
        direction="lower",
        source="Delivery records (cost per delivery)",
        method="records",
        aggregation="per_unit",
        measure="cost",
        filter_service=EMERGENCY,
        requirement_key="OP-2",  # emergency furniture packs
    )
    b.kpi(
        day,
        name="Satisfaction with furniture packs",
        definition="Average satisfaction (1 to 5) recorded at delivery.",
        unit="out of 5",
        baseline=Decimal("3.4"),
        baseline_note="Tenants' panel survey, June 2006",
        target=Decimal("4.0"),
        source="Satisfaction asked at delivery, in the delivery records",
        method="records",
        aggregation="average",
        measure="satisfaction",
        requirement_key="OP-2",  # what an emergency pack holds
    )
    b.kpi(
        day,
        name="Unclaimed stored goods reused or recycled",
        definition="Share of storage cases ending in goods reclaimed, reused or recycled "
        "rather than disposed of.",
        unit="%",
        baseline=Decimal("40"),
        baseline_note="Council storage contract, 2005/06",
        target=Decimal("95"),
        amber_tolerance=Decimal("5"),
        source="Outcome codes in the storage delivery records",
        method="records",
        aggregation="percentage",
        filter_service=STORAGE,
        condition_field="outcome_code",
        condition_op="in",
        condition_value="RECLAIMED, REUSED, RECYCLED",
        requirement_key="KPI-2",
    )
    trainees = b.kpi(
        day,
        name="Young homeless trainee starts",
        definition="Young people leaving homelessness starting a training placement with a "
        "provider, per quarter.",
        unit="starts",
        baseline=Decimal("0"),
        baseline_note="No placements before the pilot",
        target=Decimal("6"),
        amber_tolerance=Decimal("20"),
        frequency="quarterly",
        source="Providers' training registers, reported to CRNS",
        method="manual",
        requirement_key="CB-1",
    )
    b.kpi(
        day,
        name="Service users rating the service good or very good",
        definition="Share of service user feedback ratings of 4 or 5.",
        unit="%",
        baseline=Decimal("58"),
        baseline_note="Tenants' panel survey, June 2006",
        target=Decimal("80"),
        source="Service user feedback during the pilot",
        method="feedback",
        aggregation="percentage",
        condition_field="satisfaction",
        condition_op="gte",
        condition_value="4",
        requirement_key="OUT-1",  # the outcome for people who lose a tenancy
    )
    for month_number in range(6):
        month = add_months(start, month_number)
        upload_day = add_months(month, 1) + dt.timedelta(days=6)
        for provider in (RECAP, BEULAH, ST_PATRICKS):
            b.upload(provider, month, _nl_rows(b, month, provider, end), upload_day)
    for period, value, note in (
        (dt.date(2006, 10, 1), 5, "RECAP 2, Beulah 2, St Patrick's 1"),
        (dt.date(2007, 1, 1), 5, "One starter withdrew in February"),
    ):
        with b.dated(add_months(period, 3) + dt.timedelta(days=5)):
            domain.set_kpi_value(
                kpi=trainees, actor=b.facilitator, period=period, value=value, note=note
            )
    b.ratings(
        [add_months(start, k) for k in range(6)],
        per_month=9,
        mean_good=0.9,
        comments=[
            (
                dt.date(2006, 11, 14),
                2,
                "The pack came a week after I moved in and I had no bed until then.",
                "Beulah Scotland added a Saturday delivery run from December.",
            ),
            (
                dt.date(2006, 12, 5),
                5,
                "The men who brought the furniture set it all up. Brilliant.",
                "",
            ),
            (
                dt.date(2007, 1, 22),
                3,
                "Nobody told me my things in storage would be thrown out after three months.",
                "Letters now go out at 6 and 10 weeks, and the storage "
                "agreement explains the 12-week rule.",
            ),
            (
                dt.date(2007, 2, 19),
                4,
                "Good quality, but the sofa was the wrong size for the flat.",
                "Tenants now choose from photographs before delivery.",
            ),
        ],
        last_day=end,
    )
    owner = b.partners.get(b.providers[BEULAH].pk, b.facilitator)
    b.issue(
        dt.date(2006, 10, 23),
        "Emergency pack deliveries late in the north of the area",
        "high",
        owner,
        "Cumbernauld referrals wait over a week: one van covers the area.",
        resolved=dt.date(2006, 12, 4),
        resolution="A second van on Tuesdays and Saturdays from December.",
    )
    b.issue(
        dt.date(2006, 11, 20),
        "Storage unit at capacity",
        "medium",
        b.partners.get(b.providers[RECAP].pk, b.facilitator),
        "RECAP's store is full; unclaimed goods are not cleared.",
        resolved=dt.date(2007, 1, 15),
        resolution="Unclaimed goods after 12 weeks go to the reuse shop; a second store "
        "agreed with Environmental Services.",
    )
    b.issue(
        dt.date(2007, 2, 6),
        "Too much unclaimed furniture still goes to landfill",
        "high",
        b.facilitator,
        "A quarter of storage cases end in disposal, against a 95% reuse target.",
    )
    b.issue(
        dt.date(2007, 3, 12),
        "Referral forms missing the referral date",
        "low",
        b.commissioner,
        "Some homelessness officers leave the date blank.",
        resolved=dt.date(2007, 3, 26),
        resolution="The form now requires the date.",
    )
    with b.dated(dt.date(2007, 2, 20)):
        extension = domain.request_extension(
            pilot=b.pilot,
            actor=b.facilitator,
            new_ends_on=dt.date(2007, 6, 30),
            reason="Three more months of storage data before the tender.",
        )
    with b.dated(dt.date(2007, 3, 6)):
        domain.decide_extension(
            extension=extension,
            actor=b.commissioner,
            approve=False,
            note="Steering group, 6 March 2007: the July tender date stands; six months of "
            "data are enough for the evaluation.",
        )
    evaluation = b.evaluation(
        dt.date(2007, 4, 4),
        EvaluationKind.INTERIM,
        start,
        end,
        {
            "title": "Interim evaluation of the Homereach pilot (six months)",
            "summary": "In six months the three projects stored furniture for several hundred "
            "households and delivered over a thousand emergency and permanent packs, at a "
            "lower cost per pack than the council's previous contract. Permanent packs and "
            "satisfaction met their targets; emergency packs came close; reuse of unclaimed "
            "goods fell well short.",
            "feedback_summary": "Tenants valued the set-up help and choosing their furniture; "
            "they asked for faster emergency deliveries and clearer storage letters.",
            "lessons": "One van cannot cover the north of the area; a storage agreement must "
            "explain the 12-week rule; reuse needs a route for unclaimed goods from day one.",
            "proposed_changes": "SL-2: emergency packs within 3 working days, down from 5, "
            "with a Saturday run. CB-2 and KPI-2: unclaimed goods to the reuse shop after 12 "
            "weeks, with a 95% reuse-or-recycling target. CB-1: trainee places raised from 8 "
            "to 10 a year.",
        },
        approve_on=dt.date(2007, 4, 17),
        note="Steering group meeting of 17 April 2007",
    )
    b.classify(evaluation, dt.date(2007, 5, 2))


# --- Renfrewshire --------------------------------------------------------------------------

CARE = "Low-level care"
BEFRIENDING = "Befriending"
GOOD_NEIGHBOURS = "Paisley Good Neighbours"
HOME_HELP = "Johnstone Home Help Co-operative"
HANDY_HANDS = "Kilbarchan Handy Hands"
RF_AREAS = ["Paisley", "Johnstone", "Renfrew", "Erskine", "Linwood", "Kilbarchan"]


def _rf_rows(b: _Builder, month: dt.date, provider: str, first: dt.date, last: dt.date):
    r = b.random
    days = [d for d in _month_days(month, last) if d >= first]
    rows = []
    if not days:
        return rows
    scale = len(days) / 21
    if provider == GOOD_NEIGHBOURS:
        plan = [(BEFRIENDING, int(3300 * scale), "visit")]
    elif provider == HOME_HELP:
        plan = [(CARE, int(1300 * scale), "visit"), (BEFRIENDING, int(300 * scale), "visit")]
    else:
        plan = [(CARE, int(420 * scale), "visit")]
    for service, count, _unit in plan:
        for _ in range(count):
            day = r.choice(days)
            if service == BEFRIENDING:
                quantity = r.choice([1, 1, 1, 1.5, 2])
                cost = quantity * r.uniform(13.5, 17.5)
                wait = r.choices([2, 4, 6, 8, 10, 12, 14, 18], [10, 18, 22, 18, 14, 8, 6, 4])[0]
                outcome = r.choices(["VISITED", "NO_ANSWER"], [95, 5])[0]
            elif provider == HANDY_HANDS:
                quantity = r.choice([1, 1, 1.5, 2, 3])
                cost = quantity * r.uniform(19, 26)
                wait = r.choices([1, 2, 3, 4, 5, 6, 7, 8, 10], [3, 5, 7, 9, 10, 14, 17, 16, 19])[0]
                outcome = "REPAIR"
            else:
                quantity = r.choice([1, 1, 1.5, 2])
                cost = quantity * r.uniform(17, 23)
                wait = r.choices([1, 2, 3, 5, 7, 9, 12], [10, 16, 20, 20, 16, 10, 8])[0]
                outcome = r.choices(["HELP_AT_HOME", "SHOPPING"], [60, 40])[0]
            referred = max(day - dt.timedelta(days=wait), first - dt.timedelta(days=14))
            satisfaction = ""
            if r.random() < 0.2:
                satisfaction = r.choices([1, 2, 3, 4, 5], [2, 5, 14, 40, 39])[0]
            rows.append(
                [
                    service,
                    provider,
                    day.isoformat(),
                    quantity,
                    "hour" if service == BEFRIENDING and quantity != 1 else "",
                    _money(cost),
                    f"RF{r.randint(1, 900):04d}",
                    referred.isoformat(),
                    satisfaction,
                    outcome,
                    r.choice(RF_AREAS),
                ]
            )
    return rows


def _renfrewshire(b: _Builder) -> None:
    today = b.story.today
    partnership = b.partnership
    start = partnership.pilot_starts_on or add_months(today, -7)
    end = partnership.pilot_ends_on or add_months(start, 9) - dt.timedelta(days=1)
    b.create(
        start - dt.timedelta(days=10),
        services=[(CARE, "visit"), (BEFRIENDING, "visit")],
        providers=[GOOD_NEIGHBOURS, HOME_HELP, HANDY_HANDS],
        title="ROAR low-level care and befriending pilot",
        description=(
            "The ROAR members give older people living alone help at home, with shopping and "
            "small repairs, and weekly befriending visits, across Renfrewshire, under an "
            "informal arrangement with the council. Illustrative data."
        ),
        starts_on=start,
        ends_on=end,
        funding_amount=Decimal("412000.00"),
        funding_route="Informal arrangement with the council (Social Work older people's budget)",
    )
    day = start - dt.timedelta(days=7)
    b.kpi(
        day,
        name="Befriending visits a month",
        definition="Befriending visits made in the month.",
        unit="visits",
        baseline=Decimal("2100"),
        baseline_note="Visits by the three groups before the pilot",
        target=Decimal("4000"),
        source="Delivery records uploaded monthly by the ROAR members",
        method="records",
        aggregation="count",
        filter_service=BEFRIENDING,
        requirement_key="OP-1",  # befriending visits
    )
    b.kpi(
        day,
        name="First contact within 10 days of referral",
        definition="Share of visits made within 10 days of the referral.",
        unit="%",
        baseline=Decimal("64"),
        baseline_note="Social Work referral log, last year",
        target=Decimal("80"),
        source="Delivery records",
        method="records",
        aggregation="percentage",
        condition_field="wait_days",
        condition_op="lte",
        condition_value="10",
        requirement_key="KPI-2",  # working days from referral to first contact
    )
    b.kpi(
        day,
        name="Cost per befriending hour",
        definition="Cost of befriending divided by the hours of visits.",
        unit="£",
        baseline=Decimal("19.50"),
        baseline_note="Council-funded befriending, last year",
        target=Decimal("17.00"),
        direction="lower",
        source="Delivery records",
        method="records",
        aggregation="per_unit",
        measure="cost",
        filter_service=BEFRIENDING,
        requirement_key="OP-1",  # befriending visits
    )
    b.kpi(
        day,
        name="Small repairs within 5 working days",
        definition="Share of small repairs done within 5 working days of the request.",
        unit="%",
        baseline=Decimal("40"),
        baseline_note="Care and repair waiting list, last year",
        target=Decimal("90"),
        source="Delivery records with outcome REPAIR",
        method="records",
        aggregation="percentage",
        filter_service=CARE,
        filter_outcomes="REPAIR",
        condition_field="wait_working_days",
        condition_op="lte",
        condition_value="5",
        requirement_key="OP-2",  # help at home: small repairs
    )
    b.kpi(
        day,
        name="Satisfaction at visits",
        definition="Average satisfaction (1 to 5) asked at a sample of visits.",
        unit="out of 5",
        baseline=Decimal("3.8"),
        baseline_note="Day-centre members' survey",
        target=Decimal("4.3"),
        amber_tolerance=Decimal("10"),
        source="Delivery records",
        method="records",
        aggregation="average",
        measure="satisfaction",
        requirement_key="SL-1",  # the same befriender each time
    )
    loneliness = b.kpi(
        day,
        name="Befriended people feeling less lonely",
        definition="Share of people befriended for three months whose loneliness score fell.",
        unit="%",
        baseline=Decimal("0"),
        baseline_note="New measure for the pilot",
        target=Decimal("60"),
        frequency="quarterly",
        source="Three-item loneliness scale at the start and after three months",
        method="manual",
        requirement_key="KPI-1",  # change in loneliness score
    )
    b.kpi(
        day,
        name="Older people rating the service good or very good",
        definition="Share of feedback ratings of 4 or 5.",
        unit="%",
        baseline=Decimal("70"),
        baseline_note="Day-centre members' survey",
        target=Decimal("85"),
        source="Service user feedback during the pilot",
        method="feedback",
        aggregation="percentage",
        condition_field="satisfaction",
        condition_op="gte",
        condition_value="4",
        requirement_key="OUT-1",  # feeling less lonely and more confident at home
    )
    last = min(end, today - dt.timedelta(days=1))
    month = start.replace(day=1)
    months = []
    while month <= last:
        months.append(month)
        upload_day = min(add_months(month, 1) + dt.timedelta(days=5), today)
        for provider in (GOOD_NEIGHBOURS, HOME_HELP, HANDY_HANDS):
            rows = _rf_rows(b, month, provider, start, last)
            if rows:
                b.upload(provider, month, rows, upload_day)
        month = add_months(month, 1)
    quarter = dt.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    for value in (Decimal("52"), Decimal("63")):
        entered = add_months(quarter, 3) + dt.timedelta(days=10)
        if entered > today or quarter > last:
            break
        with b.dated(entered):
            domain.set_kpi_value(
                kpi=loneliness,
                actor=b.evaluator,
                period=max(quarter, start),
                value=value,
                note="Loneliness scale returns from the three groups",
            )
        quarter = add_months(quarter, 3)
    b.ratings(
        months,
        per_month=12,
        mean_good=0.82,
        comments=[
            (
                start + dt.timedelta(days=40),
                5,
                "Margaret's visits are the best part of my week.",
                "",
            ),
            (
                start + dt.timedelta(days=75),
                2,
                "The repair man came but had no parts and never came back.",
                "Kilbarchan Handy Hands now carry common parts and book the return "
                "visit before they leave.",
            ),
            (
                start + dt.timedelta(days=120),
                3,
                "I'd like the same befriender each week.",
                "Each person now has a named befriender and a named cover.",
            ),
        ],
        last_day=last,
    )
    b.issue(
        start + dt.timedelta(days=20),
        "Volunteer befrienders' checks delayed",
        "high",
        b.partners.get(b.providers[GOOD_NEIGHBOURS].pk, b.facilitator),
        "PVG checks take six weeks; new befrienders cannot start.",
        resolved=start + dt.timedelta(days=70),
        resolution="RCVS processes checks for all three groups; now two weeks.",
    )
    b.issue(
        start + dt.timedelta(days=95),
        "Small repairs waiting list growing",
        "critical",
        b.partners.get(b.providers[HANDY_HANDS].pk, b.facilitator),
        "Only one joiner; repairs take two weeks against a 5-day standard.",
    )
    b.issue(
        start + dt.timedelta(days=150),
        "Referrals from the HSCP arrive by fax",
        "low",
        b.facilitator,
        "Faxed referrals are retyped by each group.",
    )
    six_months = add_months(start, 6) - dt.timedelta(days=1)
    if six_months < today:
        b.evaluation(
            min(six_months + dt.timedelta(days=14), today),
            EvaluationKind.INTERIM,
            start,
            six_months,
            {
                "title": "Interim evaluation of the ROAR pilot (six months): draft",
                "summary": "Six months of low-level care and befriending: befriending is close "
                "to its volume target, first contacts are quick, but small repairs wait too "
                "long. For the steering group's approval at its next meeting.",
                "lessons": "Volunteer checks must be planned before a pilot starts; small "
                "repairs need a second tradesperson.",
                "proposed_changes": "SL-3: repairs within 5 working days needs two "
                "tradespeople; add a named befriender to the specification.",
            },
        )
