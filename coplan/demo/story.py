"""The demo story's cast as data tables. The story as the demo tells it — cast, dates and
figures — is written down in ``docs/demo-story.md``, the source of truth for the demo;
``tests/demo/test_story_agrees.py`` checks that the loaded demo agrees with it.

Real organisations named in the founding brief keep their names; every person, and every
organisation marked "fictional" below, is invented. Each app that adds to the demo should take
its people and organisations from here rather than inventing a parallel cast.
"""

from dataclasses import dataclass, field

from coplan.core.models import OrganisationType as T
from coplan.partnerships.enums import Role

# Pseudo-roles: people in the story who hold no membership in the partnership.
BIDDER = "bidder"
ADMIN = "admin"

ROLE_ORDER = [r.value for r in Role] + [BIDDER]
ROLE_LABELS = {r.value: r.label for r in Role} | {BIDDER: "Outside bidder"}


@dataclass(frozen=True)
class Org:
    name: str
    type: str
    short: str = ""
    parent: str | None = None
    is_sme: bool = False
    is_third_sector: bool = False

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Person:
    full_name: str
    role: str  # a Role value, BIDDER or ADMIN
    org: str | None  # Org.name
    job_title: str = ""
    listed: bool = True  # printed as the story's login for this role

    @property
    def email(self) -> str:
        first, *_, last = self.full_name.lower().replace("'", "").split()
        return f"{first}.{last}@example.org"


@dataclass(frozen=True)
class Story:
    place: str
    title: str
    orgs: list[Org]
    people: list[Person]
    lead_authority: str
    intermediary: str
    consortium: str
    lead_partner: str | None = None
    extra: dict = field(default_factory=dict)

    def person(self, role: str) -> Person:
        return next(p for p in self.people if p.role == role and p.listed)

    def people_in(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]


def _departments(council: str, names: list[str]) -> list[Org]:
    return [
        Org(f"{council} — {name}", T.COUNCIL_DEPARTMENT, short=name, parent=council)
        for name in names
    ]


def _social_enterprise(name: str, short: str = "") -> Org:
    return Org(name, T.SOCIAL_ENTERPRISE, short=short, is_sme=True, is_third_sector=True)


# --- North Lanarkshire: complete, historic (2006–2010) --------------------------------------

NLC = "North Lanarkshire Council"
NLC_HOUSING = f"{NLC} — Housing"
NLC_SOCIAL_WORK = f"{NLC} — Social Work"
NLC_ENVIRONMENT = f"{NLC} — Environmental Services"
NLC_ECONOMIC = f"{NLC} — Economic Development"
NLC_PROCUREMENT = f"{NLC} — Corporate Procurement"
NLC_FINANCE = f"{NLC} — Finance"
CRNS = "Community Recycling Network for Scotland"
RECAP = "RECAP"
BEULAH = "Beulah Scotland"
ST_PATRICKS = "St Patrick's Furniture Project"
NL_USERS = "Fresh Start Young Tenants' Panel"  # fictional
NL_EVALUATOR = "Thistlebank Social Research Ltd"  # fictional
NL_BIDDER_A = "Brannock Removals and Storage Ltd"  # fictional
NL_BIDDER_B = "Cairnhill Furnishing Services Ltd"  # fictional

NORTH_LANARKSHIRE = Story(
    place="North Lanarkshire",
    title="North Lanarkshire furniture PSP (Homereach)",
    lead_authority=NLC,
    intermediary=CRNS,
    consortium="Homereach",
    lead_partner=RECAP,
    orgs=[
        Org(NLC, T.LOCAL_AUTHORITY),
        *_departments(
            NLC,
            [
                "Housing",
                "Social Work",
                "Environmental Services",
                "Economic Development",
                "Corporate Procurement",
                "Finance",
            ],
        ),
        Org(CRNS, T.INTERMEDIARY, short="CRNS", is_third_sector=True),
        _social_enterprise(RECAP),
        _social_enterprise(BEULAH),
        _social_enterprise(ST_PATRICKS),
        Org(NL_USERS, T.CHARITY, is_sme=True, is_third_sector=True),
        Org(NL_EVALUATOR, T.PRIVATE_COMPANY, is_sme=True),
        Org(NL_BIDDER_A, T.PRIVATE_COMPANY, is_sme=True),
        Org(NL_BIDDER_B, T.PRIVATE_COMPANY),
    ],
    people=[
        Person("Morag Henderson", Role.FACILITATOR, CRNS, "Development officer"),
        Person(
            "Alan Docherty",
            Role.COMMISSIONER,
            NLC_HOUSING,
            "Homelessness services manager; chair of the steering group",
        ),
        Person("Fiona Baird", Role.PROCUREMENT, NLC_PROCUREMENT, "Senior procurement officer"),
        Person("Graham Tennant", Role.STEERING, NLC_SOCIAL_WORK, "Service manager, young people"),
        Person(
            "Lorna McAllister",
            Role.STEERING,
            NLC_ENVIRONMENT,
            "Waste and recycling manager",
            listed=False,
        ),
        Person(
            "Iain Rafferty", Role.STEERING, NLC_ECONOMIC, "Employability team leader", listed=False
        ),
        Person(
            "Catriona Dunn", Role.STEERING, NLC_FINANCE, "Finance business partner", listed=False
        ),
        Person("Stuart Gillespie", Role.SE_PARTNER, RECAP, "Manager (Homereach lead partner)"),
        Person("Janice Kerr", Role.SE_PARTNER, BEULAH, "Operations manager"),
        Person("Paul Devlin", Role.SE_PARTNER, ST_PATRICKS, "Project co-ordinator"),
        Person(
            "Ross Millar",
            Role.SERVICE_USER,
            NL_USERS,
            "Young tenant resettled from temporary accommodation",
        ),
        Person("Eilidh Munro", Role.EVALUATOR, NL_EVALUATOR, "Research director"),
        Person("Derek Lang", Role.OBSERVER, NLC_FINANCE, "Internal auditor"),
        Person("Colin Struthers", BIDDER, NL_BIDDER_A, "Commercial director"),
    ],
    extra={
        "service_area": "Emergency furniture storage, emergency and permanent furniture packs",
        "summary": (
            "People in North Lanarkshire who lose their tenancy — many of them young people "
            "leaving homelessness — lose their furniture with it, and start again in an empty "
            "flat. The partnership designs three services: emergency storage of furniture for "
            "people who lose their tenancy; emergency (temporary) furniture packs; and "
            "permanent furniture packs for tenants resettled from temporary accommodation. "
            "Added benefits sought: training and employment for young homeless people, and "
            "reuse and recycling of unclaimed goods from the storage service. "
            "Illustrative data."
        ),
    },
)

# --- Renfrewshire: in progress (dates relative to the day the demo loads) -------------------

RC = "Renfrewshire Council"
RC_SOCIAL_WORK = f"{RC} — Social Work"
RC_HOUSING = f"{RC} — Housing"
RC_PROCUREMENT = f"{RC} — Procurement"
RC_FINANCE = f"{RC} — Finance"
HSCP = "Renfrewshire Health and Social Care Partnership"
RCVS = "Renfrewshire Council for Voluntary Services"
GOOD_NEIGHBOURS = "Paisley Good Neighbours"  # fictional
HOME_HELP = "Johnstone Home Help Co-operative"  # fictional
HANDY_HANDS = "Kilbarchan Handy Hands"  # fictional
RF_USERS = "Later Life Voices Renfrewshire"  # fictional
RF_EVALUATOR = "Braeside Evaluation Partnership"  # fictional

RENFREWSHIRE = Story(
    place="Renfrewshire",
    title="Renfrewshire older people's PSP (ROAR)",
    lead_authority=RC,
    intermediary=RCVS,
    consortium="ROAR — Reaching Older People Across Renfrewshire",
    orgs=[
        Org(RC, T.LOCAL_AUTHORITY),
        *_departments(RC, ["Social Work", "Housing", "Procurement", "Finance"]),
        Org(HSCP, T.NHS_HSCP, short="HSCP"),
        Org(RCVS, T.INTERMEDIARY, short="RCVS", is_third_sector=True),
        _social_enterprise(GOOD_NEIGHBOURS),
        _social_enterprise(HOME_HELP),
        _social_enterprise(HANDY_HANDS),
        Org(RF_USERS, T.CHARITY, is_sme=True, is_third_sector=True),
        Org(RF_EVALUATOR, T.PRIVATE_COMPANY, is_sme=True),
    ],
    people=[
        Person("Aileen Forsyth", Role.FACILITATOR, RCVS, "Social enterprise development officer"),
        Person(
            "Neil Cunningham",
            Role.COMMISSIONER,
            RC_SOCIAL_WORK,
            "Head of older people's services; chair of the steering group",
        ),
        Person("Heather Boyle", Role.PROCUREMENT, RC_PROCUREMENT, "Category manager, care"),
        Person("Martin Kelly", Role.STEERING, RC_HOUSING, "Sheltered housing manager"),
        Person("Gillian Rennie", Role.STEERING, HSCP, "Locality services manager", listed=False),
        Person(
            "Scott McPhail", Role.STEERING, RC_FINANCE, "Finance business partner", listed=False
        ),
        Person("Margaret Orr", Role.SE_PARTNER, GOOD_NEIGHBOURS, "Befriending co-ordinator"),
        Person("Kenneth Lyle", Role.SE_PARTNER, HOME_HELP, "General manager"),
        Person("Rhona Barr", Role.SE_PARTNER, HANDY_HANDS, "Small repairs team leader"),
        Person("Isobel Crawford", Role.SERVICE_USER, RF_USERS, "Older person living alone; member"),
        Person("Euan Fraser", Role.EVALUATOR, RF_EVALUATOR, "Lead evaluator"),
        Person("Jacqueline Wylie", Role.OBSERVER, RC_FINANCE, "Internal auditor"),
    ],
    extra={
        "service_area": (
            "Low-level care (help at home, shopping, small repairs) and befriending for older "
            "people"
        ),
        "summary": (
            "Older people in Renfrewshire who live alone often need a little help — with the "
            "house, the shopping, a small repair — and someone to talk to, long before they "
            "need a care package; without it they lose confidence and independence, and their "
            "carers carry the strain. The partnership designs low-level care (help at home, "
            "shopping and small repairs) and befriending with older people living alone, "
            "carers and day-centre members, delivered by local social economy organisations "
            "working together as ROAR. Illustrative data."
        ),
    },
)

STORIES = [NORTH_LANARKSHIRE, RENFREWSHIRE]

SITE_ADMIN = Person("Priya Sandhu", ADMIN, None, "Site administrator")
SITE_ADMIN_LABEL = (
    "Site administrator (statutory rules, clause library, organisations and accounts, also in "
    "/admin/; not a member of any partnership)"
)
