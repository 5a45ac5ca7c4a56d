"""The governance part of the demo story (``docs/demo-story.md``): for each PSP a
steering group and a design committee with a year and more of meetings, minutes (each approved
at the next meeting and locked), decisions (gate approvals matching the stage history) and
actions — all done for North Lanarkshire; for Renfrewshire some overdue, and a steering meeting
next week. Everything goes through the domain functions, each step at its date in the story
(``coplan.core.clock``). Illustrative data.

Two entry points for the demo loader:

* :func:`approve_gate` — call just before each ``advance_stage``: the steering group meets a
  week before and approves leaving the current stage (and agrees its terms of reference at its
  first meeting), so the gate criterion ``gate_approved_by_steering_group`` is met.
* :func:`load` — call once per partnership afterwards: the rest of the meetings.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from coplan.core import clock
from coplan.core.dates import add_months
from coplan.partnerships.enums import Role, Stage
from coplan.partnerships.models import Membership

from . import domain
from .enums import (
    ActionStatus,
    AttendanceStatus,
    BodyKind,
    BodyRole,
    DecisionKind,
    DecisionRule,
    DeclarationOutcome,
    InterestKind,
    InterestNature,
    MinutesStatus,
)
from .models import (
    Body,
    Decision,
    Interest,
    Meeting,
    Minutes,
)

STEERING, DESIGN = BodyKind.STEERING_GROUP, BodyKind.DESIGN_COMMITTEE
MATCH_DAYS = 10  # a planned meeting this close to a gate meeting is that meeting

TERMS = {
    STEERING: (
        "Purpose: to oversee the partnership on behalf of the council and its partners, approve "
        "each stage gate, and make sure the service designed with service users is piloted, "
        "costed and tendered fairly.\n\n"
        "Membership: officers of the council departments with an interest in the service, "
        "including procurement and finance, and the health and social care partnership where "
        "relevant; the intermediary acts as secretary without a vote.\n\n"
        "Quorum and decisions: as recorded on this page. Members declare any interest at the "
        "start of each meeting and do not vote on an item in which they have a financial "
        "interest. Papers are circulated five working days before each meeting; draft minutes "
        "within ten working days after it, for approval at the next meeting.\n\n"
        "Confidentiality: commercial information about partners is not shared outside the group. "
        "Disputes go to the chair, then to the lead authority's head of service. A member may "
        "leave by writing to the chair. Illustrative data."
    ),
    DESIGN: (
        "Purpose: the social enterprises co-design the service with service users and form the "
        "consortium that will deliver it, facilitated by the intermediary.\n\n"
        "Membership: one representative of each social enterprise, a service user "
        "representative; the intermediary chairs without a vote.\n\n"
        "Decisions by consensus of the members present; interests are declared at each meeting. "
        "Being a member does not promise anyone the contract: the service will be tendered "
        "openly. Illustrative data."
    ),
}


# --- dating --------------------------------------------------------------------------------------


def _working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5 or (day.month, day.day) in {(12, 25), (12, 26), (1, 1), (1, 2)}:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# --- the bodies ----------------------------------------------------------------------------------


def _seat(body, membership, role, voting, joined_on):
    return domain.add_body_member(
        body=body,
        actor=None,
        membership=membership,
        role_in_body=role,
        is_voting=voting,
        joined_on=joined_on,
    )


def ensure_bodies(partnership, *, on: dt.date) -> dict[str, Body]:
    """The steering group and the design committee, with their members from the partnership's
    roles: council officers on the steering group (the intermediary as secretary), the social
    enterprises and a service user on the design committee (the intermediary in the chair)."""
    bodies = {b.kind: b for b in Body.objects.filter(partnership=partnership)}
    if STEERING in bodies and DESIGN in bodies:
        return bodies
    memberships = list(
        Membership.objects.filter(partnership=partnership).select_related("user").order_by("pk")
    )

    def holding(*roles):
        return [m for m in memberships if m.role in roles]

    started = partnership.started_on or on
    with clock.at(_at(started, 9)):
        if STEERING not in bodies:
            voting = holding(Role.COMMISSIONER, Role.PROCUREMENT, Role.STEERING)
            body = domain.create_body(
                partnership=partnership,
                actor=None,
                kind=STEERING,
                name="Steering group",
                purpose="Cross-departmental oversight of the partnership; approves stage gates.",
                terms_of_reference=TERMS[STEERING],
                quorum=max(1, len(voting) - 2),
                decision_rule=DecisionRule.SIMPLE_MAJORITY,
            )
            for m in voting:
                role = BodyRole.CHAIR if m.role == Role.COMMISSIONER else BodyRole.MEMBER
                _seat(body, m, role, True, started)
            for m in holding(Role.FACILITATOR)[:1]:
                _seat(body, m, BodyRole.SECRETARY, False, started)
            bodies[STEERING] = body
        if DESIGN not in bodies:
            voting = holding(Role.SE_PARTNER, Role.SERVICE_USER)
            body = domain.create_body(
                partnership=partnership,
                actor=None,
                kind=DESIGN,
                name="Design committee",
                purpose="The social enterprises co-design the service with service users and "
                "build the consortium.",
                terms_of_reference=TERMS[DESIGN],
                quorum=max(1, len(voting) - 1),
                decision_rule=DecisionRule.CONSENSUS,
            )
            for m in holding(Role.FACILITATOR)[:1]:
                _seat(body, m, BodyRole.CHAIR, False, started)
            for m in voting:
                _seat(body, m, BodyRole.MEMBER, True, started)
            bodies[DESIGN] = body
    return bodies


# --- one meeting ---------------------------------------------------------------------------------


def _hold(body, day: dt.date, *, title: str, place: str, online: str = ""):
    """A meeting on ``day`` (10:00–12:00) with everyone present but one apology."""
    start = _at(day, 10)
    with clock.at(start - dt.timedelta(days=14)):
        meeting = domain.schedule_meeting(
            body=body,
            actor=None,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            location=place,
            online_url=online,
            title=title,
        )
    return meeting


def _attend(meeting, index: int) -> None:
    seats = list(domain.seats_on(meeting.body, on=timezone.localtime(meeting.starts_at).date()))
    voters = [s for s in seats if s.is_voting and s.role_in_body != BodyRole.CHAIR]
    apology = voters[index % len(voters)].user_id if len(voters) > 2 else None
    statuses = {
        s.user_id: AttendanceStatus.APOLOGIES if s.user_id == apology else AttendanceStatus.PRESENT
        for s in seats
    }
    with clock.at(meeting.ends_at):
        domain.record_attendance(meeting=meeting, actor=None, statuses=statuses)


def _decide(meeting, kind, text="", *, votes=None, subject=None, stage=None, item=None):
    with clock.at(meeting.ends_at):
        decision = domain.record_decision(
            meeting=meeting,
            actor=None,
            kind=kind,
            text=text,
            votes=votes,
            subject=subject,
            stage=stage,
            agenda_item=item,
        )
    return decision


def _secretary(body):
    seat = (
        body.members.filter(role_in_body__in=[BodyRole.SECRETARY, BodyRole.CHAIR])
        .select_related("user")
        .order_by("role_in_body")
        .first()
    )
    return seat.user if seat else None


# --- gate approvals (called by the loader before each advance) -----------------------------------


def approve_gate(partnership, *, on: dt.date, note: str = "") -> Decision:
    """The steering group meets a week before ``on`` and approves leaving the partnership's
    current stage (agreeing its terms of reference first, at its first meeting)."""
    stage = Stage(partnership.stage)
    bodies = ensure_bodies(partnership, on=on)
    steering = bodies[STEERING]
    day = _working_day(on - dt.timedelta(days=7))
    meeting = Meeting.objects.filter(
        body=steering, starts_at__date=day, cancelled_at=None
    ).first() or _hold(
        steering,
        day,
        title=f"Gate review: leaving {stage.label.lower()}",
        place=_place(partnership, STEERING),
    )
    if not meeting.attendance.exists():
        _attend(meeting, meeting.pk)
    with clock.at(meeting.ends_at):
        item = domain.add_agenda_item(
            meeting=meeting, actor=None, title=f"Stage gate: leaving {stage.label.lower()}"
        )
    steering.refresh_from_db()
    if steering.tor_agreed_on is None:
        _decide(meeting, DecisionKind.TERMS_OF_REFERENCE, subject=steering)
    text = "The steering group approved leaving the " + stage.label.lower() + " stage."
    if note:
        text += " " + note
    return _decide(meeting, DecisionKind.GATE_APPROVAL, text, stage=stage, item=item)


# --- the story -----------------------------------------------------------------------------------


@dataclass
class Planned:
    body: str
    day: dt.date
    title: str
    items: list[str]
    decisions: list[tuple] = field(default_factory=list)  # (kind, text, votes or None)
    actions: list[tuple] = field(default_factory=list)  # (owner key, description, due, status)
    declaration: tuple | None = None  # (person key, interest, nature, outcome)


def _place(partnership, kind) -> str:
    north = "North Lanarkshire" in partnership.lead_authority.name
    if kind == STEERING:
        return (
            "Civic Centre, Windmillhill Street, Motherwell: Committee Room 2"
            if north
            else "Renfrewshire House, Cotton Street, Paisley: Room 3.12"
        )
    return (
        "Beulah Scotland, Coatbridge: training room"
        if north
        else "Renfrewshire CVS, Paisley: meeting room 1"
    )


def _north_lanarkshire(today: dt.date) -> list[Planned]:
    d = dt.date
    done = ActionStatus.DONE
    return [
        Planned(
            STEERING,
            d(2006, 2, 7),
            "Gate review: feasibility",
            ["Terms of reference", "Need statement and market scan"],
        ),
        Planned(
            DESIGN,
            d(2006, 3, 14),
            "First design committee",
            ["Introductions and terms of reference", "What young tenants told us"],
            [(DecisionKind.TERMS_OF_REFERENCE, "", None)],
            [
                (
                    "facilitator",
                    "Arrange three design workshops with young tenants resettled from "
                    "temporary accommodation.",
                    d(2006, 4, 11),
                    done,
                )
            ],
        ),
        Planned(
            STEERING,
            d(2006, 4, 4),
            "Gate review: strategic",
            ["Timeline back-planned from the July 2007 tender", "Risk log"],
            [],
            [
                (
                    "procurement",
                    "Confirm the light-touch procurement route with legal services.",
                    d(2006, 5, 30),
                    done,
                )
            ],
        ),
        Planned(
            DESIGN,
            d(2006, 5, 9),
            "Workshop findings",
            ["Workshop findings: storage and packs", "Referral routes from housing officers"],
            [
                (
                    DecisionKind.GENERAL,
                    "The three projects will design the service as one "
                    "consortium, working name Homereach.",
                    None,
                )
            ],
            [
                (
                    "se_partner",
                    "Draft the pack contents list for emergency and permanent packs.",
                    d(2006, 6, 6),
                    done,
                )
            ],
        ),
        Planned(
            STEERING,
            d(2006, 6, 6),
            "Service design progress",
            ["Design committee report", "Outcome and KPI framework"],
            [
                (
                    DecisionKind.GENERAL,
                    "The outcome framework (tenancy sustainment, packs delivered "
                    "within five working days, tonnes reused) was agreed for the draft "
                    "specification.",
                    None,
                )
            ],
            [
                (
                    "steering",
                    "Provide 2005/06 volumes of tenancies ended and goods stored.",
                    d(2006, 7, 4),
                    done,
                )
            ],
        ),
        Planned(
            DESIGN,
            d(2006, 7, 11),
            "Consortium and costs",
            ["Full cost recovery models", "Lead partner"],
            [
                (
                    DecisionKind.GENERAL,
                    "RECAP will be the lead partner, with Beulah Scotland and St "
                    "Patrick's Furniture Project as subcontractors.",
                    None,
                )
            ],
            [
                (
                    "facilitator",
                    "Run the full cost recovery workshop for the three projects.",
                    d(2006, 8, 8),
                    done,
                )
            ],
            (
                "se_partner",
                "Manager of RECAP, proposed as lead partner.",
                InterestNature.NON_FINANCIAL,
                DeclarationOutcome.NO_VOTE,
            ),
        ),
        Planned(
            STEERING,
            d(2006, 8, 1),
            "Draft specification",
            ["Draft specification", "Community benefits: trainees from young homeless people"],
            [
                (
                    DecisionKind.GENERAL,
                    "The draft specification was agreed for consultation with "
                    "the design committee and young tenants.",
                    None,
                )
            ],
        ),
        Planned(
            DESIGN,
            d(2006, 9, 12),
            "Heads of terms",
            ["Consortium heads of terms", "Pilot start on 1 October"],
            [
                (
                    DecisionKind.GENERAL,
                    "Homereach's heads of terms were agreed by the three projects.",
                    None,
                )
            ],
            [
                (
                    "se_partner",
                    "Sign the pilot arrangement letters with the council.",
                    d(2006, 9, 29),
                    done,
                )
            ],
        ),
        Planned(
            STEERING,
            d(2006, 9, 25),
            "Gate review: service design",
            ["Specification version 1", "KPI baselines"],
            [
                (
                    DecisionKind.SPEC_VERSION_APPROVAL,
                    "Specification version 1 was approved for the pilot.",
                    None,
                )
            ],
        ),
        Planned(
            DESIGN,
            d(2006, 11, 14),
            "Pilot month two",
            ["Delivery records", "Referral delays"],
            [],
            [("facilitator", "Agree a referral form with housing officers.", d(2006, 12, 5), done)],
        ),
        Planned(
            STEERING,
            d(2006, 12, 5),
            "Pilot review",
            ["Pilot monitoring: months one and two", "Trainee starts"],
            [],
            [
                (
                    "steering",
                    "Report trainee starts to Economic Development's employability team.",
                    d(2007, 1, 31),
                    done,
                )
            ],
        ),
        Planned(
            DESIGN,
            d(2007, 1, 16),
            "Pilot month four",
            ["Unclaimed goods: reuse and recycling", "Costs per pack"],
        ),
        Planned(
            STEERING,
            d(2007, 2, 6),
            "Pilot review",
            ["Pilot monitoring: months three and four", "Evaluation plan"],
            [],
            [
                (
                    "facilitator",
                    "Commission the interim evaluation from Thistlebank Social Research.",
                    d(2007, 2, 28),
                    done,
                )
            ],
        ),
        Planned(
            DESIGN,
            d(2007, 3, 13),
            "Pilot close",
            ["Lessons from the pilot", "Changes to the specification"],
        ),
        Planned(
            DESIGN,
            d(2007, 5, 15),
            "Consortium agreement",
            ["Consortium agreement", "What the tender will ask"],
            [
                (
                    DecisionKind.GENERAL,
                    "The Homereach consortium agreement was signed by the three projects.",
                    None,
                )
            ],
        ),
        Planned(
            STEERING,
            d(2007, 4, 17),
            "Interim evaluation",
            ["Interim pilot evaluation"],
            [
                (
                    DecisionKind.GENERAL,
                    "The interim evaluation of the six-month pilot was approved; "
                    "its findings revise the specification.",
                    None,
                )
            ],
        ),
        Planned(
            STEERING,
            d(2007, 5, 29),
            "Gate review: pilot",
            ["Revised specification", "Evaluation criteria and weights"],
            [
                (
                    DecisionKind.EVALUATION_WEIGHTS_APPROVAL,
                    "Evaluation criteria and weights were "
                    "approved for publication with the tender: quality 60% (including community "
                    "benefits 15%), price 40%.",
                    "all",
                )
            ],
            [
                (
                    "procurement",
                    "Publish the contract notice and tender documents on Public "
                    "Contracts Scotland.",
                    d(2007, 7, 2),
                    done,
                )
            ],
        ),
        Planned(
            STEERING,
            d(2007, 9, 24),
            "Gate review: award",
            ["Evaluation report", "Award recommendation"],
            [
                (
                    DecisionKind.AWARD_APPROVAL,
                    "The award to Homereach (RECAP as lead contractor) "
                    "was approved, subject to the standstill period.",
                    "all",
                )
            ],
            [
                (
                    "procurement",
                    "Send award and debrief letters to all three bidders.",
                    d(2007, 9, 26),
                    done,
                )
            ],
            (
                "facilitator",
                "CRNS is a network of which the three Homereach projects are members.",
                InterestNature.NON_FINANCIAL,
                DeclarationOutcome.NOTED,
            ),
        ),
    ]


def _renfrewshire(today: dt.date) -> list[Planned]:
    def m(months, days=0):
        return _working_day(add_months(today, months) + dt.timedelta(days=days))

    open_, going = ActionStatus.OPEN, ActionStatus.IN_PROGRESS
    done = ActionStatus.DONE
    return [
        Planned(
            STEERING,
            m(-12, -7),
            "Gate review: feasibility",
            ["Terms of reference", "Need statement: older people living alone"],
        ),
        Planned(
            DESIGN,
            m(-12),
            "First design committee",
            ["Introductions and terms of reference", "What older people and carers told us"],
            [(DecisionKind.TERMS_OF_REFERENCE, "", None)],
            [("facilitator", "Run listening sessions at three day centres.", m(-11), done)],
        ),
        Planned(
            STEERING,
            m(-11, -7),
            "Gate review: strategic",
            ["Timeline back-planned from the tender date", "Risk log"],
            [],
            [
                (
                    "procurement",
                    "Confirm the light-touch regime applies to the service.",
                    m(-10),
                    done,
                )
            ],
        ),
        Planned(
            DESIGN,
            m(-10),
            "Listening sessions",
            [
                "Findings: help at home, shopping, small repairs, company",
                "Working together as ROAR",
            ],
            [
                (
                    DecisionKind.GENERAL,
                    "The organisations will work together as ROAR — Reaching "
                    "Older People Across Renfrewshire.",
                    None,
                )
            ],
        ),
        Planned(
            STEERING,
            m(-9),
            "Service design progress",
            ["Outcome framework", "Befriending standards"],
            [
                (
                    DecisionKind.GENERAL,
                    "Outcomes agreed for the draft specification: fewer older "
                    "people reporting loneliness, help within five working days, carers' strain "
                    "reduced.",
                    None,
                )
            ],
            [("steering", "Share sheltered housing wardens' referral data.", m(-8), done)],
        ),
        Planned(
            DESIGN,
            m(-8),
            "Pilot arrangements",
            ["Who delivers what in the pilot", "Volunteer recruitment"],
            [],
            [("se_partner", "Draft the volunteer befriender role description.", m(-7), done)],
        ),
        Planned(
            STEERING,
            m(-7, -7),
            "Gate review: service design",
            ["Specification version 1", "KPI baselines", "Informal pilot arrangement"],
            [
                (
                    DecisionKind.SPEC_VERSION_APPROVAL,
                    "Specification version 1 was approved for the pilot.",
                    None,
                )
            ],
            declaration=(
                "steering",
                "A close relative volunteers with Paisley Good Neighbours.",
                InterestNature.NON_FINANCIAL,
                DeclarationOutcome.NOTED,
            ),
        ),
        Planned(
            DESIGN,
            m(-6),
            "Pilot month one",
            ["First delivery records", "Referral routes"],
            [],
            [
                (
                    "facilitator",
                    "Set up the monthly monitoring return with each member.",
                    m(-5),
                    done,
                )
            ],
        ),
        Planned(
            STEERING,
            m(-5),
            "Pilot review",
            ["Pilot monitoring: months one and two", "Length of the pilot"],
            [
                (
                    DecisionKind.PILOT_EXTENSION_APPROVAL,
                    "The pilot is extended from six to nine "
                    "months so that the interim evaluation covers winter demand.",
                    "all",
                )
            ],
            [
                (
                    "procurement",
                    "Draft the procurement strategy, including the community benefit "
                    "(s.25) considerations.",
                    m(-1, 3),
                    going,
                )
            ],
        ),
        Planned(
            DESIGN,
            m(-4),
            "Pilot month three",
            ["Small repairs waiting list", "Full cost recovery models"],
            [],
            [("se_partner", "Share the full cost recovery model with RCVS.", m(0, -14), open_)],
        ),
        Planned(
            STEERING,
            m(-3),
            "Pilot review",
            ["Pilot monitoring: months three and four", "Carers' feedback"],
            [],
            [
                (
                    "facilitator",
                    "Circulate a monitoring return template with the carers' questions.",
                    m(-2, -14),
                    done,
                ),
                (
                    "steering",
                    "Confirm the HSCP's referral numbers for the tender volumes.",
                    m(0, -40),
                    open_,
                ),
            ],
        ),
        Planned(
            DESIGN,
            m(-2),
            "Interim evaluation plan",
            ["What the interim evaluation will ask", "Consortium agreement"],
            [],
            [("se_partner", "Collect ten case studies of befriending matches.", m(0, 10), open_)],
        ),
        Planned(
            STEERING,
            m(-1),
            "Pilot review",
            ["Pilot monitoring: months five and six", "Interim evaluation"],
            [],
            [
                (
                    "facilitator",
                    "Book the interim evaluation with Braeside Evaluation Partnership.",
                    m(0, -5),
                    open_,
                ),
                (
                    "procurement",
                    "Check the tender timetable against the six-month warning.",
                    m(0, 14),
                    open_,
                ),
            ],
        ),
    ]


def _person(story, key: str, index: int = 0):
    roles = {
        "facilitator": Role.FACILITATOR,
        "commissioner": Role.COMMISSIONER,
        "procurement": Role.PROCUREMENT,
        "steering": Role.STEERING,
        "se_partner": Role.SE_PARTNER,
        "service_user": Role.SERVICE_USER,
    }
    people = story.people(roles[key])
    return people[index % len(people)]


def _minutes_text(plan: Planned) -> dict:
    return {
        "summary": f"The {plan.title.lower()} meeting covered {len(plan.items)} items. "
        "Illustrative minutes.",
        "items": [
            f"The meeting discussed {title[0].lower() + title[1:]}. Points raised were noted "
            "and are reflected in the decisions and actions below."
            for title in plan.items
        ],
    }


def _find(body, day: dt.date):
    """An existing meeting of ``body`` within ``MATCH_DAYS`` of ``day`` (a gate meeting)."""
    window = (
        _at(day - dt.timedelta(days=MATCH_DAYS), 0),
        _at(day + dt.timedelta(days=MATCH_DAYS), 23),
    )
    return Meeting.objects.filter(body=body, starts_at__range=window).first()


def _run(story, body, plan: Planned, index: int, previous):
    partnership = story.partnership
    meeting = _find(body, plan.day) or _hold(
        body, plan.day, title=plan.title, place=_place(partnership, body.kind)
    )
    if not meeting.attendance.exists():
        _attend(meeting, index)
    with clock.at(meeting.ends_at):
        have = {i.title for i in meeting.agenda_items.all()}
        items = [
            domain.add_agenda_item(meeting=meeting, actor=None, title=t)
            for t in plan.items
            if t not in have
        ]
    if previous is not None:
        minutes = Minutes.objects.filter(meeting=previous).first()
        if minutes and minutes.status == MinutesStatus.DRAFT:
            _decide(meeting, DecisionKind.MINUTES_APPROVAL, subject=minutes)
    if plan.declaration:
        key, interest, nature, outcome = plan.declaration
        with clock.at(meeting.starts_at):
            domain.record_declaration(
                meeting=meeting,
                actor=None,
                person=_person(story, key),
                interest=interest,
                nature=nature,
                outcome=outcome,
                agenda_item=items[-1] if items else None,
            )
    decisions = []
    for kind, text, votes in plan.decisions:
        if kind == DecisionKind.TERMS_OF_REFERENCE and body.tor_agreed_on:
            continue
        if votes == "all":
            eligible = domain.eligible_voters(meeting, items[-1] if items else None)
            votes = (eligible, 0, 0)
        decisions.append(
            _decide(
                meeting,
                kind,
                text,
                votes=votes,
                subject=body if kind == DecisionKind.TERMS_OF_REFERENCE else None,
                item=items[-1] if items and kind != DecisionKind.TERMS_OF_REFERENCE else None,
            )
        )
        body.refresh_from_db()
    for n, (key, description, due, status) in enumerate(plan.actions):
        with clock.at(meeting.ends_at):
            action = domain.create_action(
                partnership=partnership,
                actor=None,
                description=description,
                owner=_person(story, key, index + n),
                due_on=due,
                meeting=meeting,
                decision=decisions[0] if decisions else None,
            )
        if status != ActionStatus.OPEN:
            finished = min(due - dt.timedelta(days=2), story.today)
            with clock.at(_at(finished, 16)):
                domain.update_action(action=action, actor=None, status=status, today=finished)
    text = _minutes_text(plan)
    with clock.at(meeting.ends_at + dt.timedelta(days=5)):
        domain.save_minutes(
            meeting=meeting,
            actor=_secretary(body),
            text=text["summary"],
            item_minutes={
                i.pk: text["items"][n]
                for n, i in enumerate(meeting.agenda_items.all())
                if n < len(text["items"])
            },
        )
    return meeting


def _upcoming(story, body, day: dt.date):
    """Renfrewshire's steering meeting next week: agenda and invitations sent today."""
    meeting = _hold(
        body,
        day,
        title="Pilot review and interim evaluation",
        place=_place(story.partnership, body.kind),
        online="https://meet.example.org/renfrewshire-psp-steering",
    )
    for title in [
        "Minutes of the last meeting",
        "Declarations of interest",
        "Interim evaluation: emerging findings",
        "Procurement strategy and timetable",
        "Community benefit requirements",
    ]:
        domain.add_agenda_item(meeting=meeting, actor=None, title=title)
    domain.send_invitations(meeting=meeting, actor=_secretary(body))
    return meeting


def _register(story) -> None:
    """Standing declarations of interest for people the tender and evaluation will check."""
    today = story.today
    entries = [
        (Role.SE_PARTNER, InterestKind.ORGANISATION_ROLE, "Employed as a manager."),
        (Role.EVALUATOR, InterestKind.ORGANISATION_ROLE, "Director and shareholder."),
        (Role.FACILITATOR, InterestKind.ORGANISATION_ROLE, "Employed by the intermediary."),
    ]
    for role, kind, description in entries:
        for person in story.people(role):
            if Interest.objects.filter(user=person).exists():
                continue
            seat = Membership.objects.filter(
                partnership=story.partnership, user=person, role=role
            ).first()
            with clock.at(_at(story.partnership.started_on or today, 9)):
                domain.declare_interest(
                    user=person,
                    actor=person,
                    kind=kind,
                    description=description,
                    organisation=seat.organisation if seat else None,
                    organisation_name="" if seat and seat.organisation else "Own organisation",
                    starts_on=story.partnership.started_on,
                )
            reviewed = dt.date(2007, 9, 3) if story.is_historic else today - dt.timedelta(days=60)
            with clock.at(_at(reviewed, 9)):
                domain.review_interests(user=person, actor=person)


def load(story) -> None:
    """Add the story's governance to ``story.partnership`` (after its stage history)."""
    partnership = story.partnership
    plans = (
        _north_lanarkshire(story.today)
        if story.key == "north_lanarkshire"
        else _renfrewshire(story.today)
    )
    bodies = ensure_bodies(partnership, on=plans[0].day)
    for kind in (STEERING, DESIGN):
        body = bodies[kind]
        previous = None
        ordered = sorted((p for p in plans if p.body == kind), key=lambda p: p.day)
        for index, plan in enumerate(ordered):
            if plan.day >= story.today:
                continue
            body.refresh_from_db()
            previous = _run(story, body, plan, index, previous)
    if story.key != "north_lanarkshire":
        _upcoming(story, bodies[STEERING], _working_day(story.today + dt.timedelta(days=7)))
    _register(story)
