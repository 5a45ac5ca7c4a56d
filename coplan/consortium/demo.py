"""The consortium part of the demo story (``docs/demo-story.md``).

* North Lanarkshire: RECAP, Beulah Scotland and St Patrick's Furniture Project form
  **Homereach** in March 2006 with RECAP as lead partner and lead contractor (subcontracts to
  the other two). Heads of terms agreed in September 2006; St Patrick's signed the draft first
  in June 2007, a change to the permanent packs split voided that signature, and all three
  signed the final agreement before the tender of July 2007.
* Renfrewshire: Paisley Good Neighbours, Johnstone Home Help Co-operative and Kilbarchan
  Handy Hands form **ROAR**, an unincorporated joint venture led by Johnstone Home Help;
  heads of terms were agreed before the pilot and the agreement is a draft with one signature
  so far.

Every date and figure is illustrative. Everything goes through the domain functions, so the
audit trail is real; timestamps are then moved to the story's dates.
"""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.utils import timezone

from coplan.core import clock
from coplan.core.dates import add_months
from coplan.core.models import Organisation
from coplan.demo import story as cast
from coplan.demo.context import DemoStory
from coplan.partnerships.enums import Role

from . import domain
from .enums import LegalModel


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@contextmanager
def _dated(day: dt.date, hour: int = 11):
    """Run the block at ``day``."""
    with clock.at(_at(day, hour)):
        yield


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


HOMEREACH = {
    "services": [
        (
            "Emergency furniture storage",
            "Collect, store and return the furniture of people who "
            "lose their tenancy, for up to 12 months.",
        ),
        (
            "Emergency furniture packs",
            "A temporary pack (bed, bedding, table, chairs, kitchen "
            "starter kit) delivered within 2 working days of a referral.",
        ),
        (
            "Permanent furniture packs",
            "A permanent pack of reused furniture for tenants "
            "resettled from temporary accommodation.",
        ),
    ],
    "roles": {
        cast.RECAP: "Warehouse, vans, reuse shop; trainee places for young homeless people",
        cast.BEULAH: "Emergency packs and tenancy support in the north of the area",
        cast.ST_PATRICKS: "Store and restoration workshop; permanent packs",
    },
    "capabilities": [
        (cast.RECAP, 0, ["Motherwell and Wishaw", "Bellshill and Viewpark"]),
        (cast.RECAP, 1, ["Motherwell and Wishaw", "Bellshill and Viewpark"]),
        (cast.RECAP, 2, ["Motherwell and Wishaw", "Bellshill and Viewpark"]),
        (cast.BEULAH, 1, ["Airdrie and Coatbridge", "Cumbernauld and Kilsyth"]),
        (cast.BEULAH, 2, ["Cumbernauld and Kilsyth"]),
        (cast.ST_PATRICKS, 0, ["Airdrie and Coatbridge"]),
        (cast.ST_PATRICKS, 1, ["Airdrie and Coatbridge"]),
        (cast.ST_PATRICKS, 2, ["Airdrie and Coatbridge", "Cumbernauld and Kilsyth"]),
    ],
    # service index → {member: (work %, revenue %)}
    "split": {
        0: {cast.RECAP: ("60", "60"), cast.ST_PATRICKS: ("40", "40")},
        1: {cast.BEULAH: ("50", "50"), cast.RECAP: ("30", "30"), cast.ST_PATRICKS: ("20", "20")},
        2: {cast.ST_PATRICKS: ("45", "45"), cast.RECAP: ("35", "35"), cast.BEULAH: ("20", "20")},
    },
    "terms": {
        "heads_of_terms": "RECAP bids as lead contractor for all three lots and subcontracts "
        "to Beulah Scotland and St Patrick's Furniture Project on back-to-back terms. Work and "
        "revenue follow the agreed split per service. A management group of one person from "
        "each member meets monthly. Each member keeps its own staff and premises.",
        "governance": "Management group of the three members, chaired by RECAP; decisions by "
        "consensus, or by two of three with the lead's agreement on contract matters.",
        "liability": "RECAP carries the contract with the council; each subcontractor "
        "indemnifies RECAP for its own delivery and holds public, employer's and "
        "goods-in-transit cover of at least £5 million.",
        "disputes": "Management group first; then mediation through CRNS; then arbitration.",
        "exit": "Six months' notice; the remaining members take over the leaver's share of "
        "the work pro rata unless the council agrees otherwise.",
        "data_sharing": "Referral data is shared only for delivery, under the council's data "
        "sharing agreement; monitoring returns go through RECAP.",
    },
}

ROAR = {
    "services": [
        (
            "Befriending",
            "Weekly visits and telephone befriending for older people living "
            "alone, by trained volunteers and staff.",
        ),
        (
            "Low-level care",
            "Help at home, shopping and small repairs for older people, "
            "booked within five working days.",
        ),
    ],
    "roles": {
        cast.GOOD_NEIGHBOURS: "Volunteer befriending network across Paisley",
        cast.HOME_HELP: "Home help workers, rota system, SSSC-registered staff",
        cast.HANDY_HANDS: "Small repairs team and van",
    },
    "capabilities": [
        (cast.GOOD_NEIGHBOURS, 0, ["Paisley", "Renfrew"]),
        (cast.GOOD_NEIGHBOURS, 1, ["Paisley"]),
        (cast.HOME_HELP, 0, ["Johnstone", "Linwood"]),
        (cast.HOME_HELP, 1, ["Johnstone", "Linwood", "Paisley"]),
        (cast.HANDY_HANDS, 1, ["Johnstone", "Linwood", "Paisley", "Renfrew", "Kilbarchan"]),
    ],
    "split": {
        0: {cast.GOOD_NEIGHBOURS: ("70", "70"), cast.HOME_HELP: ("30", "30")},
        1: {
            cast.HOME_HELP: ("55", "55"),
            cast.HANDY_HANDS: ("35", "35"),
            cast.GOOD_NEIGHBOURS: ("10", "10"),
        },
    },
    "terms": {
        "heads_of_terms": "The three members bid together as an unincorporated joint venture "
        "for befriending and low-level care. Johnstone Home Help Co-operative leads the bid "
        "and manages the contract returns. Work and revenue follow the agreed split per "
        "service; referrals are shared by area.",
        "governance": "A joint board of two people from each member meets monthly; the lead "
        "partner chairs.",
        "liability": "Each member is liable for its own delivery; joint and several liability "
        "to the council as the tender requires. Each member holds £5 million public "
        "liability cover.",
        "disputes": "Joint board first, then mediation through RCVS.",
        "exit": "",
        "data_sharing": "",
    },
}


def load(story: DemoStory) -> None:
    if story.is_historic:
        _homereach(story)
    else:
        _roar(story)


def _partner(partnership, organisation):
    return (
        partnership.memberships.filter(role=Role.SE_PARTNER, organisation=organisation)
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )


def _build(story, data, *, name, legal_model, lead, members, formed_on, heads_on, actor):
    partnership = story.partnership
    orgs = {n: _org(n) for n in members}
    with _dated(formed_on, 14):
        consortium = domain.form_consortium(
            partnership=partnership,
            actor=actor,
            name=name,
            legal_model=legal_model,
            members=list(orgs.values()),
            lead=orgs[lead] if lead else None,
            formed_on=formed_on,
        )
        members_by_name = {
            m.organisation.name: m for m in consortium.members.select_related("organisation")
        }
        for member_name, role in data["roles"].items():
            member = members_by_name[member_name]
            domain.update_member(member=member, actor=actor, role=role, signatory=member.signatory)
        services = [
            domain.add_service(consortium=consortium, actor=actor, name=n, description=d)
            for n, d in data["services"]
        ]
        for member_name, index, places in data["capabilities"]:
            for place in places:
                domain.add_capability(
                    consortium=consortium,
                    actor=actor,
                    member=members_by_name[member_name],
                    service=services[index],
                    geography=place,
                )
    with _dated(heads_on - dt.timedelta(days=14), 14):
        for index, shares in data["split"].items():
            domain.set_split(
                service=services[index],
                actor=actor,
                shares={
                    members_by_name[m]: (Decimal(w), Decimal(r)) for m, (w, r) in shares.items()
                },
            )
        domain.update_agreement(agreement=consortium.agreement, actor=actor, **data["terms"])
    with _dated(heads_on, 15):
        domain.agree_heads_of_terms(agreement=consortium.agreement, actor=actor)
    return consortium, members_by_name, services


def _sign(consortium, member, day: dt.date, hour: int = 12):
    with _dated(day, hour):
        signature = domain.sign_agreement(
            agreement=consortium.agreement, actor=member.signatory, member=member
        )
    return signature


def _homereach(story: DemoStory) -> None:
    partnership = story.partnership
    facilitator = story.person(Role.FACILITATOR)
    consortium, members, services = _build(
        story,
        HOMEREACH,
        name="Homereach",
        legal_model=LegalModel.LEAD_CONTRACTOR,
        lead=cast.RECAP,
        members=[cast.RECAP, cast.BEULAH, cast.ST_PATRICKS],
        formed_on=dt.date(2006, 3, 7),
        heads_on=dt.date(2006, 9, 28),
        actor=facilitator,
    )
    # June 2007: St Patrick's signs first; the lead partner then rebalances the permanent
    # packs split after the pilot, which voids that signature; all three then sign.
    _sign(consortium, members[cast.ST_PATRICKS], dt.date(2007, 6, 11))
    lead_person = _partner(partnership, _org(cast.RECAP))
    with _dated(dt.date(2007, 6, 13), 10):
        domain.set_split(
            service=services[2],
            actor=lead_person,
            shares={
                members[cast.ST_PATRICKS]: (Decimal(40), Decimal(40)),
                members[cast.RECAP]: (Decimal(40), Decimal(40)),
                members[cast.BEULAH]: (Decimal(20), Decimal(20)),
            },
        )
    _sign(consortium, members[cast.RECAP], dt.date(2007, 6, 14), 10)
    _sign(consortium, members[cast.BEULAH], dt.date(2007, 6, 15), 11)
    _sign(consortium, members[cast.ST_PATRICKS], dt.date(2007, 6, 18), 14)


def _roar(story: DemoStory) -> None:
    today = story.today
    facilitator = story.person(Role.FACILITATOR)
    consortium, members, _services = _build(
        story,
        ROAR,
        name="ROAR — Reaching Older People Across Renfrewshire",
        legal_model=LegalModel.JOINT_VENTURE,
        lead=cast.HOME_HELP,
        members=[cast.GOOD_NEIGHBOURS, cast.HOME_HELP, cast.HANDY_HANDS],
        formed_on=add_months(today, -12),
        heads_on=add_months(today, -8),
        actor=facilitator,
    )
    _sign(consortium, members[cast.HOME_HELP], today - dt.timedelta(days=20), 15)
