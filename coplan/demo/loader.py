"""Load the demo story (``docs/demo-story.md``): two illustrative PSPs, one complete and
historic (North Lanarkshire, 2006–2010) and one in progress around today (Renfrewshire).

Everything goes through the partnerships domain functions, so the audit trail and stage
history are real; each step runs at its date in the story (``coplan.core.clock``), so nothing
is moved back afterwards.
"""

import datetime as dt
from importlib import import_module

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from coplan.core import clock
from coplan.core.dates import add_months
from coplan.core.models import SITE_ADMINISTRATORS, Affiliation, Organisation, User
from coplan.partnerships import domain, gates
from coplan.partnerships.enums import Role, Stage
from coplan.partnerships.models import Partnership, StageChange

from .context import DemoStory
from .story import (
    ADMIN,
    NORTH_LANARKSHIRE,
    RENFREWSHIRE,
    ROLE_LABELS,
    ROLE_ORDER,
    SITE_ADMIN,
    SITE_ADMIN_LABEL,
    STORIES,
    Story,
)

DEMO_PASSWORD = "illustrative-demo-2026"
QUIET = "django.core.mail.backends.dummy.EmailBackend"

# Apps that extend the story, in the order the story happens. Each ``<module>.load(DemoStory)``
# is called for each partnership, each step running at its own date (coplan.core.clock):
# DESIGN_AND_PILOT once its members exist and before its stages advance, so the evidence the
# gates check (an approved specification, an approved evaluation, …) is there; PROCUREMENT once
# it has reached the procurement stage, so the tender, its evaluation and its award are there
# before the automatic gate criteria (declarations complete, standstill elapsed) are checked on
# leaving it; CONTRACT once the contract runs. GATE_APPROVALS ``(partnership, on=, note=)`` run
# before each advance (the steering group approves leaving the stage).
DESIGN_AND_PILOT = [
    "coplan.design.demo",
    "coplan.pilots.demo",
    "coplan.costing.demo",
    "coplan.consortium.demo",
]
PROCUREMENT = [
    "coplan.governance.demo",
    "coplan.tendering.demo",
    "coplan.bidding.demo",
]
CONTRACT = ["coplan.benefits.demo"]
GATE_APPROVALS = ["coplan.governance.demo"]


def _extend(modules, key: str, partnership, today: dt.date, orgs) -> None:
    story = DemoStory(key=key, partnership=partnership, today=today, organisations=orgs)
    for module in modules:
        import_module(module).load(story)


def demo_logins() -> list[tuple[str, str]]:
    """``(label, email)`` for every listed person, by story then role."""
    logins = []
    for story in STORIES:
        orgs = {org.name: org for org in story.orgs}
        people = [p for p in story.people if p.listed]
        people.sort(key=lambda p: ROLE_ORDER.index(p.role))  # stable: keeps the table order
        for person in people:
            where = orgs[person.org].label
            if person.org == story.lead_partner:
                where += f", {story.consortium} lead partner"
            logins.append((f"{story.place} — {ROLE_LABELS[person.role]} ({where})", person.email))
    logins.append((SITE_ADMIN_LABEL, SITE_ADMIN.email))
    return logins


def load_demo() -> tuple[list[tuple[str, str]], bool]:
    """Load the demo once; returns the logins and whether anything was loaded."""
    logins = demo_logins()
    if Partnership.objects.filter(title=NORTH_LANARKSHIRE.title).exists():
        return logins, False
    # The story's e-mails (invitations, new actions since 2006, …) are not sent: the cast is
    # fictional, and the console would bury the logins printed after the load.
    with override_settings(MAILERS={"default": {"BACKEND": QUIET}}), transaction.atomic():
        orgs = _organisations()
        users = _people(orgs)
        _north_lanarkshire(orgs, users)
        _renfrewshire(orgs, users, timezone.localdate())
    return logins, True


# --- organisations and people ----------------------------------------------------------------


def _organisations() -> dict[str, Organisation]:
    orgs = {}
    for story in STORIES:
        for spec in story.orgs:  # a council comes before its departments
            orgs[spec.name], _ = Organisation.objects.get_or_create(
                name=spec.name,
                defaults={
                    "type": spec.type,
                    "parent": orgs[spec.parent] if spec.parent else None,
                    "is_sme": spec.is_sme,
                    "is_third_sector": spec.is_third_sector,
                },
            )
    return orgs


def _people(orgs) -> dict[str, User]:
    users = {}
    # everyone shares the demo password: hash it once (a strong hash takes most of a second)
    password = make_password(DEMO_PASSWORD)
    for person in [p for story in STORIES for p in story.people] + [SITE_ADMIN]:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create(
                email=User.objects.normalize_email(person.email),
                password=password,
                full_name=person.full_name,
                is_staff=person.role == ADMIN,
            )
        if person.role == ADMIN:
            # staff (so /admin/ opens) in the Site administrators group (what it may do there),
            # never a superuser: nothing inside a partnership
            user.groups.add(Group.objects.get_or_create(name=SITE_ADMINISTRATORS)[0])
        if person.org:
            Affiliation.objects.get_or_create(
                user=user, organisation=orgs[person.org], defaults={"job_title": person.job_title}
            )
        users[person.email] = user
    return users


# --- history -------------------------------------------------------------------------------


def _working_day(day: dt.date) -> dt.date:
    """``day``, or the next weekday outside the Christmas and New Year holidays."""
    while day.weekday() >= 5 or (day.month, day.day) in {(12, 25), (12, 26), (1, 1), (1, 2)}:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A time on a working day (relative dates can fall on a weekend or a holiday)."""
    return timezone.make_aware(dt.datetime.combine(_working_day(day), dt.time(hour, minute)))


def _create(story: Story, orgs, users, when: dt.datetime, **timeline) -> Partnership:
    commissioner = story.person(Role.COMMISSIONER)
    with clock.at(when):
        partnership = domain.create_partnership(
            actor=users[commissioner.email],
            organisation=orgs[commissioner.org],
            title=story.title,
            service_area=story.extra["service_area"],
            summary=story.extra["summary"],
            lead_authority=orgs[story.lead_authority],
            intermediary=orgs[story.intermediary],
            is_illustrative=True,
            **timeline,
        )
    return partnership


def _add_members(partnership, story: Story, orgs, users, when: dt.datetime) -> None:
    """The commissioner brings in the facilitator and the council side; the facilitator brings
    in the third sector, service users and the evaluator."""
    commissioner = users[story.person(Role.COMMISSIONER).email]
    facilitator = users[story.person(Role.FACILITATOR).email]
    by_facilitator = {Role.SE_PARTNER, Role.SERVICE_USER, Role.EVALUATOR}
    with clock.at(when):
        for role in Role:
            for person in story.people_in(role):
                if role == Role.COMMISSIONER:
                    continue
                domain.add_member(
                    partnership=partnership,
                    actor=facilitator if role in by_facilitator else commissioner,
                    user=users[person.email],
                    role=role,
                    organisation=orgs[person.org],
                )


def _advance(partnership, actor, when: dt.datetime, note: str, approved_on=None) -> StageChange:
    """The steering group approves leaving the stage (a week before ``approved_on``, by default
    the day of the advance), then the commissioner advances the partnership at ``when``."""
    for module in GATE_APPROVALS:
        import_module(module).approve_gate(partnership, on=approved_on or when.date(), note=note)
    manual = {c.code for c in gates.criteria_for(Stage(partnership.stage)) if c.manual}
    with clock.at(when):
        change = domain.advance_stage(
            partnership=partnership, actor=actor, confirmed=manual, note=note
        )
    return change


# --- North Lanarkshire: complete, historic ---------------------------------------------------


def _north_lanarkshire(orgs, users) -> Partnership:
    story = NORTH_LANARKSHIRE
    partnership = _create(
        story,
        orgs,
        users,
        _at(dt.date(2006, 1, 9), 9, 30),
        started_on=dt.date(2006, 1, 1),
        design_ends_on=dt.date(2006, 9, 30),
        pilot_starts_on=dt.date(2006, 10, 1),
        pilot_ends_on=dt.date(2007, 3, 31),
        spec_freeze_on=dt.date(2007, 5, 1),
        tender_on=dt.date(2007, 7, 1),
    )
    _add_members(partnership, story, orgs, users, _at(dt.date(2006, 1, 9), 10))
    today = timezone.localdate()
    _extend(DESIGN_AND_PILOT, "north_lanarkshire", partnership, today, orgs)
    commissioner = users[story.person(Role.COMMISSIONER).email]
    for day, note in [
        (
            dt.date(2006, 2, 14),
            "Go decision approved by the Head of Housing: a PSP for emergency furniture "
            "storage and furniture packs, facilitated by CRNS.",
        ),
        (
            dt.date(2006, 4, 11),
            "Terms of reference and memorandum of understanding signed by Housing, Social "
            "Work, Environmental Services, Economic Development, Corporate Procurement, "
            "Finance and CRNS.",
        ),
        (
            dt.date(2006, 10, 2),
            "Specification version 1 approved and KPI baselines recorded. RECAP, Beulah "
            "Scotland and St Patrick's Furniture Project agreed heads of terms as Homereach "
            "and start the six-month pilot on 1 October 2006.",
        ),
        (
            dt.date(2007, 6, 5),
            "Interim pilot evaluation approved in April 2007; specification revised from the "
            "pilot evidence and frozen on 1 May 2007. Tender to be published on 1 July 2007.",
        ),
    ]:
        _advance(partnership, commissioner, _at(day), note)
    _extend(PROCUREMENT, "north_lanarkshire", partnership, today, orgs)
    # The steering group approved the award at its gate review on 24 September 2007, subject
    # to the standstill; the partnership leaves procurement once the standstill has ended and
    # every evaluator's declaration was decided (both checked by the gate, not ticked).
    _advance(
        partnership,
        commissioner,
        _at(dt.date(2007, 10, 5)),
        "Contract awarded in September 2007 to Homereach (RECAP as lead contractor, with "
        "subcontracts to Beulah Scotland and St Patrick's) over two other bidders; "
        "standstill elapsed. Contract runs October 2007 to September 2010.",
        approved_on=dt.date(2007, 10, 1),
    )
    _extend(CONTRACT, "north_lanarkshire", partnership, today, orgs)
    return partnership


# --- Renfrewshire: in progress, around today --------------------------------------------------


def _renfrewshire(orgs, users, today: dt.date) -> Partnership:
    story = RENFREWSHIRE
    # 17 whole months before the tender: over the 12-month minimum, under the recommended 18,
    # so the dashboard warns (coplan/partnerships/timeline.py; docs/demo-story.md).
    started_on = add_months(today, -12) - dt.timedelta(days=21)
    tender_on = add_months(today, 5)
    pilot_starts_on = add_months(today, -7)
    partnership = _create(
        story,
        orgs,
        users,
        _at(started_on, 9, 30),
        started_on=started_on,
        design_ends_on=pilot_starts_on - dt.timedelta(days=1),
        pilot_starts_on=pilot_starts_on,
        pilot_ends_on=add_months(pilot_starts_on, 9) - dt.timedelta(days=1),
        spec_freeze_on=add_months(tender_on, -2),
        tender_on=tender_on,
    )
    _add_members(partnership, story, orgs, users, _at(started_on, 10))
    _extend(DESIGN_AND_PILOT, "renfrewshire", partnership, today, orgs)
    commissioner = users[story.person(Role.COMMISSIONER).email]
    for day, note in [
        (
            add_months(today, -12),
            "Go decision approved by the Head of Social Work after the RCVS scoping workshop "
            "with older people's groups.",
        ),
        (
            add_months(today, -11),
            "Terms of reference and memorandum of understanding signed by Social Work, "
            "Housing, the Health and Social Care Partnership, Procurement, Finance and RCVS.",
        ),
        (
            pilot_starts_on,
            "Specification version 1 approved and KPI baselines recorded. The ROAR members "
            "start a nine-month pilot under an informal arrangement with the council.",
        ),
    ]:
        _advance(partnership, commissioner, _at(day), note)
    _extend(PROCUREMENT + CONTRACT, "renfrewshire", partnership, today, orgs)
    return partnership
