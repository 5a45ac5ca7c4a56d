"""The costing part of the demo story (``docs/demo-story.md``).

Every member of both consortia costs its part of each service it delivers with a locked full
cost recovery model, records a capacity self-assessment before and after, and works through a
capacity-building plan with the intermediary.

* North Lanarkshire (2006/07): RECAP, Beulah Scotland and St Patrick's Furniture Project cost
  emergency storage and emergency and permanent furniture packs at 2006 salaries (employer's
  NI at 12.8 % above £5,035, 3 % pension); version 1 locked and shared with the council in
  September 2006, before the pilot; RECAP revised its permanent packs model from the pilot
  evidence in April 2007 (version 2).
* Renfrewshire (around today): Paisley Good Neighbours, Johnstone Home Help Co-operative and
  Kilbarchan Handy Hands cost befriending and low-level care at today's Real Living Wage
  (employer's NI at 15 % above £5,000, 3 % pension); Kilbarchan has not shared its model with
  the council yet, and Johnstone has a draft version 2 in progress.

Every figure is illustrative. Everything goes through the domain functions, so the audit trail
is real; timestamps are then moved to the story's dates.
"""

import datetime as dt
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from coplan.core import clock
from coplan.core.dates import add_months
from coplan.core.models import Organisation
from coplan.demo import story as cast
from coplan.demo.context import DemoStory
from coplan.partnerships.enums import Role

from . import domain
from .enums import ActionStatus, ActivityKind, Basis, CapacityArea, Driver
from .models import CostModel

P, CORE, FUND = ActivityKind.PROJECT, ActivityKind.CORE, ActivityKind.FUNDRAISING
HC, ST, EX = Driver.HEADCOUNT, Driver.STAFF_TIME, Driver.EXPENDITURE

# Service names: the consortium's services use the same names, so its cost model finds them.
STORAGE = "Emergency furniture storage"
EMERGENCY = "Emergency furniture packs"
PERMANENT = "Permanent furniture packs"
BEFRIENDING = "Befriending"
LOW_LEVEL = "Low-level care"


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@contextmanager
def _dated(day: dt.date, hour: int = 11):
    """Run the block at ``day``."""
    with clock.at(_at(day, hour)):
        yield


def _pennies(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _payroll(salary: int, era: str) -> tuple[Decimal, Decimal, Decimal]:
    """Salary, employer's NI and a 3 % employer pension, in the story's era."""
    threshold, rate = (5035, "0.128") if era == "2006" else (5000, "0.15")
    salary = Decimal(salary)
    ni = _pennies(max(Decimal(0), salary - threshold) * Decimal(rate))
    return salary, ni, _pennies(salary * Decimal("0.03"))


# --- the organisations' figures ---------------------------------------------------------------
# Each organisation's activities, staff (post, salary, time per activity), non-staff direct
# costs (item, category, activity, amount) and overhead pools (name, category, amount, driver).
# Time is given per activity as a fraction of the person's time.

RECAP = {
    "era": "2006",
    "period": "2006/07",
    "activities": [
        (STORAGE, P),
        (EMERGENCY, P),
        (PERMANENT, P),
        ("Reuse shop and collections", P),
        ("Core management", CORE),
        ("Fundraising", FUND),
    ],
    "staff": [
        (
            "Manager",
            28500,
            {
                STORAGE: "0.1",
                EMERGENCY: "0.1",
                PERMANENT: "0.1",
                "Reuse shop and collections": "0.1",
                "Core management": "0.5",
                "Fundraising": "0.1",
            },
        ),
        ("Warehouse supervisor", 19800, {STORAGE: "0.6", "Reuse shop and collections": "0.4"}),
        ("Van driver", 15600, {STORAGE: "0.3", EMERGENCY: "0.3", PERMANENT: "0.4"}),
        (
            "Van driver and porter",
            15600,
            {EMERGENCY: "0.3", PERMANENT: "0.4", "Reuse shop and collections": "0.3"},
        ),
        ("Packs co-ordinator", 17500, {EMERGENCY: "0.5", PERMANENT: "0.5"}),
        (
            "Trainee supervisor (young homeless trainees)",
            18200,
            {
                STORAGE: "0.2",
                EMERGENCY: "0.2",
                PERMANENT: "0.2",
                "Reuse shop and collections": "0.4",
            },
        ),
        ("Finance and admin officer", 16400, {}),
    ],
    "costs": [
        ("Warehouse rent for stored furniture", "premises", STORAGE, 14000),
        ("Racking, wrapping and storage insurance", "equipment", STORAGE, 2400),
        ("Van lease and fuel", "travel", STORAGE, 2600),
        ("Van lease and fuel", "travel", EMERGENCY, 4200),
        ("Van lease and fuel", "travel", PERMANENT, 5600),
        ("New bedding and kitchen starter kits", "materials", EMERGENCY, 9000),
        ("New bedding and kitchen starter kits", "materials", PERMANENT, 12600),
        (
            "Trainee travel and protective clothing",
            "volunteers",
            "Reuse shop and collections",
            3000,
        ),
        ("Shop repairs and PAT testing", "materials", "Reuse shop and collections", 6000),
    ],
    "pools": [
        ("Premises and office", "premises", 18000, HC),
        ("Central functions (finance, HR, IT, management)", "central", 24000, ST),
        ("Governance and strategic development", "governance", 6500, EX),
    ],
    "services": {
        STORAGE: ("household storage month", 1080, "0.03"),
        EMERGENCY: ("emergency furniture pack", 180, "0.03"),
        PERMANENT: ("permanent furniture pack", 315, "0.03"),
    },
}

BEULAH = {
    "era": "2006",
    "period": "2006/07",
    "activities": [
        (EMERGENCY, P),
        (PERMANENT, P),
        ("Tenancy support", P),
        ("Core management", CORE),
        ("Fundraising", FUND),
    ],
    "staff": [
        (
            "Project manager",
            24500,
            {
                EMERGENCY: "0.2",
                PERMANENT: "0.15",
                "Tenancy support": "0.15",
                "Core management": "0.4",
                "Fundraising": "0.1",
            },
        ),
        ("Furniture co-ordinator", 17200, {EMERGENCY: "0.6", PERMANENT: "0.4"}),
        ("Driver", 15200, {EMERGENCY: "0.6", PERMANENT: "0.4"}),
        ("Tenancy support worker", 17800, {EMERGENCY: "0.2", "Tenancy support": "0.8"}),
        ("Administrator (part time)", 8400, {"Core management": "0.5"}),
    ],
    "costs": [
        ("Bedding, curtains and kitchen packs", "materials", EMERGENCY, 12600),
        ("Bedding, curtains and kitchen packs", "materials", PERMANENT, 6300),
        ("Van hire and fuel", "travel", EMERGENCY, 3900),
        ("Van hire and fuel", "travel", PERMANENT, 2400),
        ("Volunteer drivers' expenses", "volunteers", EMERGENCY, 1200),
        ("Tenancy support travel", "travel", "Tenancy support", 1800),
    ],
    "pools": [
        ("Premises and office", "premises", 9600, HC),
        ("Central functions (finance, HR, IT, management)", "central", 11200, ST),
        ("Governance and strategic development", "governance", 3800, EX),
    ],
    "services": {
        EMERGENCY: ("emergency furniture pack", 300, "0.03"),
        PERMANENT: ("permanent furniture pack", 180, "0.03"),
    },
}

ST_PATRICKS = {
    "era": "2006",
    "period": "2006/07",
    "activities": [
        (STORAGE, P),
        (EMERGENCY, P),
        (PERMANENT, P),
        ("Furniture restoration training", P),
        ("Core management", CORE),
        ("Fundraising", FUND),
    ],
    "staff": [
        (
            "Project co-ordinator",
            23800,
            {
                STORAGE: "0.1",
                EMERGENCY: "0.1",
                PERMANENT: "0.2",
                "Furniture restoration training": "0.1",
                "Core management": "0.4",
                "Fundraising": "0.1",
            },
        ),
        ("Store keeper", 15400, {STORAGE: "0.7", PERMANENT: "0.3"}),
        ("Driver", 15200, {STORAGE: "0.3", EMERGENCY: "0.2", PERMANENT: "0.5"}),
        ("Restoration tutor", 18600, {PERMANENT: "0.3", "Furniture restoration training": "0.7"}),
    ],
    "costs": [
        ("Store rent (church hall annexe)", "premises", STORAGE, 6500),
        ("Storage insurance", "equipment", STORAGE, 900),
        ("Van running costs", "travel", STORAGE, 1500),
        ("Van running costs", "travel", EMERGENCY, 1100),
        ("Van running costs", "travel", PERMANENT, 2600),
        ("Starter packs (bedding and kitchen)", "materials", EMERGENCY, 5400),
        ("Starter packs (bedding and kitchen)", "materials", PERMANENT, 14200),
        ("Restoration materials", "materials", "Furniture restoration training", 3200),
    ],
    "pools": [
        ("Premises and office", "premises", 8400, HC),
        ("Central functions (finance, HR, IT, management)", "central", 9800, ST),
        ("Governance and strategic development", "governance", 2600, EX),
    ],
    "services": {
        STORAGE: ("household storage month", 720, "0.02"),
        EMERGENCY: ("emergency furniture pack", 120, "0.02"),
        PERMANENT: ("permanent furniture pack", 405, "0.02"),
    },
}

GOOD_NEIGHBOURS = {
    "era": "today",
    "period": "Pilot year",
    "activities": [
        (BEFRIENDING, P),
        (LOW_LEVEL, P),
        ("Lunch club", P),
        ("Core management", CORE),
        ("Fundraising", FUND),
    ],
    "staff": [
        (
            "Befriending co-ordinator",
            29500,
            {BEFRIENDING: "0.7", LOW_LEVEL: "0.1", "Core management": "0.2"},
        ),
        ("Befriending support worker", 24570, {BEFRIENDING: "1"}),
        ("Befriending support worker (part time)", 14742, {BEFRIENDING: "0.8", LOW_LEVEL: "0.2"}),
        ("Lunch club cook (part time)", 12285, {"Lunch club": "1"}),
        (
            "Manager",
            34000,
            {
                BEFRIENDING: "0.2",
                "Lunch club": "0.1",
                "Core management": "0.5",
                "Fundraising": "0.2",
            },
        ),
    ],
    "costs": [
        ("Volunteer befrienders' travel and expenses", "volunteers", BEFRIENDING, 9800),
        ("Volunteer training and PVG checks", "volunteers", BEFRIENDING, 2400),
        ("Phones for telephone befriending", "equipment", BEFRIENDING, 1100),
        ("Shopping trips: taxi accounts", "travel", LOW_LEVEL, 1900),
        ("Food and hall hire", "materials", "Lunch club", 7800),
    ],
    "pools": [
        ("Premises and office", "premises", 14500, HC),
        ("Central functions (finance, HR, IT, management)", "central", 21000, ST),
        ("Governance and strategic development", "governance", 5200, EX),
    ],
    "services": {
        BEFRIENDING: ("befriending hour", 4500, "0.02"),
        LOW_LEVEL: ("hour of help", 450, "0.02"),
    },
}

HOME_HELP = {
    "era": "today",
    "period": "Pilot year",
    "activities": [
        (LOW_LEVEL, P),
        (BEFRIENDING, P),
        ("Private home help", P),
        ("Core management", CORE),
        ("Fundraising", FUND),
    ],
    "staff": [
        (
            "General manager",
            36500,
            {
                LOW_LEVEL: "0.25",
                BEFRIENDING: "0.05",
                "Private home help": "0.2",
                "Core management": "0.4",
                "Fundraising": "0.1",
            },
        ),
        ("Home help team leader", 27800, {LOW_LEVEL: "0.6", "Private home help": "0.4"}),
        ("Home help worker", 24570, {LOW_LEVEL: "1"}),
        ("Home help worker", 24570, {LOW_LEVEL: "0.6", "Private home help": "0.4"}),
        ("Home help worker (part time)", 14742, {LOW_LEVEL: "0.5", BEFRIENDING: "0.5"}),
        ("Befriending worker (part time)", 14742, {BEFRIENDING: "1"}),
        ("Rota and payroll administrator", 25500, {}),
    ],
    "costs": [
        ("Mileage for home visits", "travel", LOW_LEVEL, 8600),
        ("Mileage for home visits", "travel", "Private home help", 4100),
        ("Cleaning materials and protective equipment", "materials", LOW_LEVEL, 2300),
        ("Befrienders' expenses", "volunteers", BEFRIENDING, 3100),
        ("Rota and care-planning software", "equipment", LOW_LEVEL, 2900),
    ],
    "pools": [
        ("Premises and office", "premises", 16800, HC),
        ("Central functions (finance, HR, IT, management)", "central", 38500, ST),
        ("Governance and strategic development", "governance", 6100, EX),
    ],
    "services": {
        LOW_LEVEL: ("hour of help", 4600, "0.03"),
        BEFRIENDING: ("befriending hour", 1800, "0.03"),
    },
}

HANDY_HANDS = {
    "era": "today",
    "period": "Pilot year",
    "activities": [
        (LOW_LEVEL, P),
        ("Community garden maintenance", P),
        ("Core management", CORE),
    ],
    "staff": [
        (
            "Small repairs team leader",
            28600,
            {LOW_LEVEL: "0.7", "Community garden maintenance": "0.1", "Core management": "0.2"},
        ),
        ("Handyperson", 25100, {LOW_LEVEL: "1"}),
        ("Handyperson", 25100, {LOW_LEVEL: "0.6", "Community garden maintenance": "0.4"}),
        (
            "Trainee handyperson (modern apprentice)",
            14200,
            {LOW_LEVEL: "0.8", "Community garden maintenance": "0.2"},
        ),
    ],
    "costs": [
        ("Van lease, fuel and insurance", "travel", LOW_LEVEL, 7900),
        ("Tools and consumables", "equipment", LOW_LEVEL, 3400),
        ("Small repair materials (not recharged)", "materials", LOW_LEVEL, 4600),
        ("Garden tools and plants", "materials", "Community garden maintenance", 2100),
    ],
    "pools": [
        ("Premises and office", "premises", 9200, HC),
        ("Central functions (finance, HR, IT, management)", "central", 12600, ST),
        ("Governance and strategic development", "governance", 2900, EX),
    ],
    "services": {LOW_LEVEL: ("hour of help", 4200, "0.03")},
}

FIGURES = {
    cast.RECAP: RECAP,
    cast.BEULAH: BEULAH,
    cast.ST_PATRICKS: ST_PATRICKS,
    cast.GOOD_NEIGHBOURS: GOOD_NEIGHBOURS,
    cast.HOME_HELP: HOME_HELP,
    cast.HANDY_HANDS: HANDY_HANDS,
}


# --- capacity ---------------------------------------------------------------------------------
# Scores before and after (in the order of CapacityArea), with the evidence for each area.

AREAS = [a.value for a in CapacityArea]

CAPACITY = {
    cast.RECAP: (
        [3, 3, 3, 2, 2, 2, 2, 3],
        [4, 4, 3, 3, 3, 4, 3, 4],
        [
            "Board of eight meets quarterly.",
            "Sage accounts; budgets by grant, not by service.",
            "Contracts and a staff handbook; no appraisals.",
            "No quality system.",
            "Stock on paper cards.",
            "Two grant applications a year.",
            "No public contracts yet.",
            "Public liability only.",
        ],
        [
            "Board skills audit done; two new trustees.",
            "Full cost recovery models for all three services.",
            "Appraisals started.",
            "PQASSO level 1 under way.",
            "Stock database in the warehouse.",
            "Wrote Homereach's tender as lead partner.",
            "Ran the pilot's monthly returns.",
            "Employer's liability and goods-in-transit cover added.",
        ],
    ),
    cast.BEULAH: (
        [3, 2, 3, 2, 2, 1, 1, 3],
        [3, 3, 3, 3, 3, 3, 2, 3],
        [
            "Church-based trustees meet monthly.",
            "Accounts kept by a volunteer treasurer.",
            "No lone working policy.",
            "No written procedures.",
            "Referrals kept in a diary.",
            "No bid experience.",
            "No contracts.",
            "Cover through the church's policy.",
        ],
        [
            "Trustees unchanged.",
            "Treasurer trained in full cost recovery.",
            "Lone working and safeguarding policies adopted.",
            "Written delivery procedures for packs.",
            "Referral spreadsheet shared with Homereach.",
            "Co-wrote the emergency packs method statement.",
            "Shadowed RECAP's pilot returns.",
            "Own policy in place.",
        ],
    ),
    cast.ST_PATRICKS: (
        [2, 2, 2, 2, 1, 1, 1, 2],
        [3, 3, 3, 3, 3, 2, 3, 3],
        [
            "Run by the parish committee.",
            "Cash book only.",
            "Volunteers unsupervised at weekends.",
            "No procedures.",
            "No computer in the store.",
            "Never bid.",
            "Informal arrangements with Housing.",
            "Parish cover only.",
        ],
        [
            "Incorporated as a company limited by guarantee.",
            "Bookkeeping package and monthly accounts.",
            "Volunteer supervision rota.",
            "Store procedures written.",
            "PC and stock sheet in the store.",
            "Contributed to the permanent packs method statement.",
            "Understands the subcontract schedule.",
            "Own policy in place.",
        ],
    ),
    cast.GOOD_NEIGHBOURS: (
        [4, 3, 3, 3, 2, 3, 2, 3],
        [4, 4, 4, 3, 3, 4, 3, 4],
        [
            "Experienced board with a care professional.",
            "Monthly management accounts.",
            "Volunteer policy; supervision not recorded.",
            "Befriending Networks standards in part.",
            "Paper case notes.",
            "Grant funded only.",
            "No contracts.",
            "Cover for volunteers unclear.",
        ],
        [
            "Board unchanged.",
            "Full cost recovery model agreed by the board.",
            "Supervision recorded.",
            "Befriending Networks standards in part.",
            "Case notes on a secure shared system.",
            "Led ROAR's befriending method statement.",
            "Pilot KPI returns set up.",
            "Volunteer cover confirmed.",
        ],
    ),
    cast.HOME_HELP: (
        [4, 4, 3, 3, 3, 3, 3, 4],
        [4, 4, 4, 4, 3, 4, 4, 4],
        [
            "Co-operative with a member board.",
            "Payroll and accounts in house.",
            "SSSC registration under way.",
            "Quality framework not written down.",
            "Rota software.",
            "Some council spot purchasing.",
            "Spot purchase invoices only.",
            "Full cover.",
        ],
        [
            "Member board unchanged.",
            "Accounts unchanged.",
            "SSSC registration complete.",
            "Quality framework against the Health and Social Care Standards.",
            "Rota software.",
            "Two staff on a bid-writing course.",
            "Contract management lead named; monthly returns.",
            "Full cover.",
        ],
    ),
    cast.HANDY_HANDS: (
        [2, 2, 2, 2, 2, 1, 1, 2],
        [3, 3, 3, 3, 2, 2, 2, 3],
        [
            "Small committee, roles unclear.",
            "External bookkeeper.",
            "No written risk assessments.",
            "No procedures.",
            "Jobs booked on paper.",
            "No bid experience.",
            "No contracts.",
            "Unsure whether cover meets a council contract.",
        ],
        [
            "Committee roles defined.",
            "Quarterly accounts to the committee.",
            "Risk assessments for common jobs.",
            "Job procedures written.",
            "Job log spreadsheet being set up.",
            "Tender-writing course done.",
            "Pilot job returns sent monthly.",
            "Insurance review booked.",
        ],
    ),
}

# (area, gap, action, provider, months after the first assessment, done?)
PLANS = {
    cast.RECAP: [
        (
            "finance",
            "No costing of services beyond grant budgets.",
            "Build full cost recovery models for the three services with CRNS.",
            "CRNS",
            5,
            True,
        ),
        (
            "quality",
            "No quality system a council can rely on.",
            "Start PQASSO level 1 with a mentor.",
            "Voluntary Action North Lanarkshire",
            9,
            True,
        ),
        (
            "bid_writing",
            "Never led a public tender.",
            "Tender-writing workshop and a mock bid for the lead partner role.",
            "CRNS",
            14,
            True,
        ),
    ],
    cast.BEULAH: [
        (
            "hr",
            "No lone working or safeguarding policy for drivers and support workers.",
            "Adopt policies from the CRNS model set and train staff.",
            "CRNS",
            4,
            True,
        ),
        (
            "finance",
            "Treasurer unsure how to cost a service.",
            "Full cost recovery training for the treasurer and manager.",
            "CRNS",
            6,
            True,
        ),
        (
            "contract_management",
            "No experience of contract monitoring returns.",
            "Shadow RECAP's pilot returns for three months.",
            "RECAP",
            12,
            True,
        ),
    ],
    cast.ST_PATRICKS: [
        (
            "governance",
            "Unincorporated parish project cannot hold a subcontract.",
            "Incorporate as a company limited by guarantee.",
            "Legal advice via CRNS",
            6,
            True,
        ),
        (
            "it_data",
            "No computer or stock records at the store.",
            "Second-hand PC and a stock spreadsheet; two volunteers trained.",
            "RECAP",
            8,
            True,
        ),
        (
            "finance",
            "Cash book only.",
            "Bookkeeping package and monthly management accounts.",
            "Voluntary Action North Lanarkshire",
            10,
            True,
        ),
    ],
    cast.GOOD_NEIGHBOURS: [
        (
            "finance",
            "Board has not agreed overhead recovery in prices.",
            "Full cost recovery session with the board.",
            "RCVS",
            3,
            True,
        ),
        (
            "it_data",
            "Case notes on paper.",
            "Move case notes to a shared, secure system.",
            "RCVS digital champion",
            6,
            True,
        ),
        (
            "contract_management",
            "No experience of KPI returns.",
            "Set up monthly KPI returns for the pilot.",
            "RCVS",
            16,
            False,
        ),
    ],
    cast.HOME_HELP: [
        (
            "quality",
            "Quality framework not written down.",
            "Write the quality framework against the Health and Social Care Standards.",
            "RCVS",
            5,
            True,
        ),
        (
            "contract_management",
            "No named contract lead.",
            "Name a contract management lead and agree the returns timetable.",
            "RCVS",
            8,
            True,
        ),
        (
            "bid_writing",
            "Bids written by the general manager alone.",
            "Bid-writing course for two staff before the tender.",
            "Ready for Business",
            17,
            False,
        ),
    ],
    cast.HANDY_HANDS: [
        (
            "hr",
            "No written risk assessments for common jobs.",
            "Risk assessments for the ten most common repairs.",
            "RCVS",
            4,
            True,
        ),
        (
            "bid_writing",
            "Never bid for a contract.",
            "Tender-writing course.",
            "Ready for Business",
            10,
            True,
        ),
        (
            "insurance",
            "Unsure whether cover meets a council contract's requirements.",
            "Insurance review with a broker.",
            "RCVS",
            15,
            False,
        ),
        ("it_data", "Jobs booked on paper.", "Job log in a shared spreadsheet.", "RCVS", 18, False),
    ],
}


# --- loading ----------------------------------------------------------------------------------


def load(story: DemoStory) -> None:
    partnership = story.partnership
    facilitator = story.person(Role.FACILITATOR)
    if story.is_historic:
        orgs = [cast.RECAP, cast.BEULAH, cast.ST_PATRICKS]
        locked_on, shared_on = dt.date(2006, 9, 20), dt.date(2006, 9, 25)
        first_assessed, later_assessed = dt.date(2006, 3, 15), dt.date(2007, 3, 20)
    else:
        today = story.today
        orgs = [cast.GOOD_NEIGHBOURS, cast.HOME_HELP, cast.HANDY_HANDS]
        locked_on, shared_on = add_months(today, -8), add_months(today, -8) + dt.timedelta(days=4)
        first_assessed, later_assessed = add_months(today, -12), add_months(today, -1)
    for name in orgs:
        organisation = Organisation.objects.get(name=name)
        person = _enterprise_partner(partnership, organisation)
        figures = FIGURES[name]
        for service in figures["services"]:
            share = name != cast.HANDY_HANDS  # Kilbarchan has not shared yet
            _cost_model(
                partnership,
                organisation,
                person,
                figures,
                service,
                locked_on,
                shared_on if share else None,
            )
        _capacity(
            partnership,
            organisation,
            person,
            facilitator,
            first_assessed,
            later_assessed,
            story.today,
        )
    if story.is_historic:
        _revise_recap(partnership, dt.date(2007, 4, 20))
    else:
        _draft_home_help(partnership, add_months(story.today, -1))


def _enterprise_partner(partnership, organisation):
    membership = (
        partnership.memberships.filter(role=Role.SE_PARTNER, organisation=organisation)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user


def _cost_model(partnership, organisation, person, figures, service, locked_on, shared_on):
    unit_name, units, surplus = figures["services"][service]
    with _dated(locked_on - dt.timedelta(days=21), 10):
        model = domain.create_cost_model(
            partnership=partnership,
            actor=person,
            organisation=organisation,
            service=service,
            unit_name=unit_name,
        )
        model.partnership = partnership
        contents = domain.Contents(
            activities=list(figures["activities"]),
            staff=[
                dict(
                    zip(
                        ("salary", "employer_ni", "pension"),
                        _payroll(salary, figures["era"]),
                        strict=True,
                    ),
                    name=post,
                    time={a: Decimal(f) for a, f in time.items()},
                )
                for post, salary, time in figures["staff"]
            ],
            direct_costs=[
                {
                    "name": item,
                    "category": category,
                    "activity": activity,
                    "amount": Decimal(amount),
                }
                for item, category, activity, amount in figures["costs"]
            ],
            pools=[
                {
                    "name": pool,
                    "category": category,
                    "amount": Decimal(amount),
                    "driver": driver,
                    "denominator": None,
                }
                for pool, category, amount, driver in figures["pools"]
            ],
            settings={
                "period": figures["period"],
                "units": Decimal(units),
                "surplus_rate": Decimal(surplus),
                "basis": Basis.ALL,
                "count_unallocated_staff": False,
            },
        )
        version = domain.replace_contents(
            model=model, actor=person, contents=contents, source="demo workbook"
        )
    with _dated(locked_on, 15):
        domain.lock_version(version=version, actor=person)
    if shared_on:
        version.refresh_from_db()
        with _dated(shared_on, 10):
            domain.share_version(version=version, actor=person, shared=True)
    return model


def _revise_recap(partnership, day: dt.date) -> None:
    """After the pilot, RECAP revises its permanent packs model: more packs, dearer fuel."""
    model = CostModel.objects.get(
        partnership=partnership, organisation__name=cast.RECAP, service=PERMANENT
    )
    model.partnership = partnership
    person = _enterprise_partner(partnership, model.organisation)
    with _dated(day - dt.timedelta(days=6), 10):
        version = domain.new_draft(model=model, actor=person)
        domain.update_settings(
            version=version,
            actor=person,
            period="2007/08 (revised from the pilot)",
            units=Decimal(360),
            notes="Pilot showed more demand for permanent packs and higher "
            "fuel costs; unit cost revised before the tender.",
        )
        fuel = version.direct_costs.get(name="Van lease and fuel", activity__name=PERMANENT)
        domain.save_direct_cost(
            version=version,
            actor=person,
            line=fuel,
            name=fuel.name,
            category=fuel.category,
            amount=Decimal(6400),
            activity=fuel.activity,
        )
        kits = version.direct_costs.get(activity__name=PERMANENT, category="materials")
        domain.save_direct_cost(
            version=version,
            actor=person,
            line=kits,
            name=kits.name,
            category=kits.category,
            amount=Decimal(14400),
            activity=kits.activity,
        )
    with _dated(day, 15):
        domain.lock_version(version=version, actor=person)
    with _dated(day + dt.timedelta(days=3), 10):
        domain.share_version(version=version, actor=person, shared=True)


def _draft_home_help(partnership, day: dt.date) -> None:
    """Johnstone Home Help starts revising its low-level care model from the pilot."""
    model = CostModel.objects.get(
        partnership=partnership, organisation__name=cast.HOME_HELP, service=LOW_LEVEL
    )
    model.partnership = partnership
    person = _enterprise_partner(partnership, model.organisation)
    with _dated(day, 10):
        version = domain.new_draft(model=model, actor=person)
        domain.update_settings(
            version=version,
            actor=person,
            units=Decimal(4900),
            notes="Draft: pilot hours are running above plan; mileage to be checked.",
        )


def _capacity(partnership, organisation, person, facilitator, first, later, today) -> None:
    before, after, evidence_before, evidence_after = CAPACITY[organisation.name]
    for day, scores, evidence, notes in (
        (first, before, evidence_before, "Baseline self-assessment with the intermediary."),
        (later, after, evidence_after, "Reassessed after the capacity-building plan."),
    ):
        with _dated(day, 14):
            domain.record_assessment(
                partnership=partnership,
                actor=person,
                organisation=organisation,
                assessed_on=day,
                scores={
                    area: (score, text)
                    for area, score, text in zip(AREAS, scores, evidence, strict=True)
                },
                notes=notes,
            )
    for area, gap, action, provider, months, done in PLANS[organisation.name]:
        due = add_months(first, months)
        with _dated(first + dt.timedelta(days=7), 11):
            item = domain.add_action(
                partnership=partnership,
                actor=facilitator,
                organisation=organisation,
                area=area,
                gap=gap,
                action=action,
                provider=provider,
                due_on=due,
            )
        if done:
            finished = min(due - dt.timedelta(days=10), today)
            with _dated(finished, 16):
                domain.update_action(
                    item=item,
                    actor=facilitator,
                    status=ActionStatus.DONE,
                    completed_on=finished,
                )
        elif due <= add_months(today, 2):
            with _dated(min(today, due) - dt.timedelta(days=14), 16):
                domain.update_action(item=item, actor=facilitator, status=ActionStatus.IN_PROGRESS)
