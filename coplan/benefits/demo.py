"""The benefits app's part of the demo story (``docs/demo-story.md``).

* Renfrewshire: ROAR's befriending service has a forecast SROI analysis, built by the RCVS
  facilitator from the pilot's first months (illustrative figures).
* North Lanarkshire: Homereach's contract (October 2007 – September 2010) with its first two
  years of quarterly community benefit returns, once the bidding app's demo has awarded it
  (see :mod:`coplan.benefits.demo_returns`).

Every date and figure is illustrative. Everything goes through the domain functions, so the
audit trail is real.
"""

from decimal import Decimal as D

from coplan.demo.context import DemoStory
from coplan.partnerships.enums import Role

from . import domain

BEFRIENDING = {
    "title": "ROAR befriending: forecast SROI",
    "scope": "Weekly befriending visits and phone calls for 60 older people living alone in "
    "Paisley, Johnstone and Kilbarchan, over the first year of the service.",
    "stakeholders": "Older people living alone and their carers (two workshops and 18 "
    "interviews during the pilot), volunteer befrienders, GP practices, the HSCP.",
    "investment": D("48000.00"),
    "outcomes": [
        {
            "name": "Older people feel less lonely",
            "stakeholder": "Older people living alone",
            "indicator": "UCLA loneliness score improves by 3 points or more",
            "quantity": D(42),
            "proxy": D("1100.00"),
            "proxy_source": "Illustrative: wellbeing valuation of reduced loneliness",
            "deadweight": D("0.20"),
            "displacement": D(0),
            "attribution": D("0.25"),
            "drop_off": D("0.50"),
            "duration_years": 2,
        },
        {
            "name": "Fewer GP appointments",
            "stakeholder": "NHS Greater Glasgow and Clyde",
            "indicator": "GP appointments a year, from the practices' records",
            "quantity": D(84),
            "proxy": D("39.00"),
            "proxy_source": "Illustrative: cost of a GP appointment",
            "deadweight": D("0.30"),
            "displacement": D(0),
            "attribution": D("0.40"),
            "drop_off": D(0),
            "duration_years": 1,
        },
        {
            "name": "Carers have regular respite",
            "stakeholder": "Unpaid carers",
            "indicator": "Carers report a weekly break they can rely on",
            "quantity": D(25),
            "proxy": D("800.00"),
            "proxy_source": "Illustrative: cost of a week of respite care",
            "deadweight": D("0.10"),
            "displacement": D("0.05"),
            "attribution": D("0.30"),
            "drop_off": D("0.20"),
            "duration_years": 3,
        },
        {
            "name": "Volunteers gain confidence and skills",
            "stakeholder": "Volunteer befrienders",
            "indicator": "Volunteers' self-assessment after six months",
            "quantity": D(30),
            "proxy": D("450.00"),
            "proxy_source": "Illustrative: cost of an equivalent short course",
            "deadweight": D("0.25"),
            "displacement": D(0),
            "attribution": D("0.20"),
            "drop_off": D("0.50"),
            "duration_years": 2,
        },
    ],
}


def _renfrewshire(story: DemoStory) -> None:
    facilitator = story.person(Role.FACILITATOR)
    data = dict(BEFRIENDING)
    outcomes = data.pop("outcomes")
    analysis = domain.create_analysis(partnership=story.partnership, actor=facilitator, **data)
    for outcome in outcomes:
        domain.add_outcome(analysis=analysis, actor=facilitator, **outcome)


def load(story: DemoStory) -> None:
    if story.key == "renfrewshire":
        _renfrewshire(story)
    elif story.key == "north_lanarkshire":
        from . import demo_returns

        demo_returns.load(story)
