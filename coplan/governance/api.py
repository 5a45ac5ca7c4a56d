"""Governance API: the same domain functions and permission rules as the pages. Mounted at the
API root, so every path is written in full. Refusals are problem bodies (RFC 9457)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from coplan.core import clock
from coplan.core.errors import DomainError
from coplan.partnerships import queries as partnership_queries
from coplan.partnerships.enums import Stage
from coplan.partnerships.models import Membership

from . import domain, queries
from .enums import (
    ActionStatus,
    AttendanceStatus,
    BodyKind,
    BodyRole,
    DecisionKind,
    DecisionRule,
    DeclarationOutcome,
    InterestNature,
    MeetingStatus,
    MinutesStatus,
)
from .models import Action, AgendaItem, Body, BodyMember, Decision, Meeting, Minutes
from .views import REFUSALS
from .views_personal import body_feed_ics, person_feed_ics

router = Router(tags=["governance"])
User = get_user_model()


# --- schemas -----------------------------------------------------------------------------------


class GovernanceRef(Schema):
    id: int
    name: str


class GovernancePersonRef(Schema):
    id: int
    full_name: str
    email: str


class SeatOut(Schema):
    id: int
    person: GovernancePersonRef
    membership_id: int | None
    organisation: GovernanceRef | None
    role_in_body: BodyRole
    is_voting: bool
    joined_on: dt.date
    left_on: dt.date | None

    @staticmethod
    def resolve_person(obj):
        return obj.user


class BodyOut(Schema):
    id: int
    kind: BodyKind
    name: str
    purpose: str
    terms_of_reference: str
    quorum: int
    decision_rule: DecisionRule
    tor_agreed_on: dt.date | None
    tor_decision_id: int | None


class BodyDetailOut(BodyOut):
    members: list[SeatOut]

    @staticmethod
    def resolve_members(obj):
        return list(queries.seats_of(obj))


class BodyIn(Schema):
    kind: BodyKind
    name: str = ""
    purpose: str = ""
    terms_of_reference: str = ""
    quorum: int = 3
    decision_rule: DecisionRule = DecisionRule.CONSENSUS


class BodyPatch(Schema):
    name: str | None = None
    purpose: str | None = None
    terms_of_reference: str | None = None
    quorum: int | None = None
    decision_rule: DecisionRule | None = None


class SeatIn(Schema):
    membership_id: int
    role_in_body: BodyRole = BodyRole.MEMBER
    is_voting: bool


class QuorumOut(Schema):
    required: int
    present_voting: int
    present: int
    apologies: int
    absent: int
    recorded: bool
    met: bool


class MeetingOut(Schema):
    id: int
    body_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    online_url: str
    status: MeetingStatus
    sequence: int
    invitations_sent_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancellation_reason: str
    minutes_status: MinutesStatus | None
    quorum: QuorumOut
    page: str

    @staticmethod
    def resolve_minutes_status(obj):
        minutes = obj.minutes_or_none
        return minutes.status if minutes else None

    @staticmethod
    def resolve_quorum(obj):
        quorum = domain.quorum_of(obj)
        return {**quorum.__dict__, "met": quorum.met}

    @staticmethod
    def resolve_page(obj):
        return settings.SITE_URL.rstrip("/") + obj.get_absolute_url()


class MeetingIn(Schema):
    title: str = ""
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str = ""
    online_url: str = ""


class MeetingPatch(Schema):
    title: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    location: str | None = None
    online_url: str | None = None


class CancelIn(Schema):
    reason: str


class InvitationsOut(Schema):
    sent: int


class PaperOut(Schema):
    id: int
    title: str
    filename: str
    size: int
    download: str

    @staticmethod
    def resolve_download(obj):
        meeting = obj.agenda_item.meeting
        return reverse("governance:paper", args=[meeting.partnership_id, obj.pk])


class AgendaItemOut(Schema):
    id: int
    number: int
    title: str
    description: str
    presenter_id: int | None
    minute: str
    papers: list[PaperOut]

    @staticmethod
    def resolve_papers(obj):
        return list(obj.papers.all())


class AgendaItemIn(Schema):
    title: str
    description: str = ""
    presenter_id: int | None = None


class AttendanceOut(Schema):
    person: GovernancePersonRef
    organisation: GovernanceRef | None
    role_in_body: BodyRole
    is_voting: bool
    status: AttendanceStatus

    @staticmethod
    def resolve_person(obj):
        return obj.user


class AttendanceEntry(Schema):
    person_id: int
    status: AttendanceStatus | None = None


class AttendanceIn(Schema):
    attendance: list[AttendanceEntry]


class AttendanceResult(Schema):
    quorum: QuorumOut
    attendance: list[AttendanceOut]


class GovernanceDeclarationOut(Schema):
    id: int
    person: GovernancePersonRef
    agenda_item_id: int | None
    nature: InterestNature
    interest: str
    outcome: DeclarationOutcome
    recorded_at: dt.datetime

    @staticmethod
    def resolve_person(obj):
        return obj.user


class GovernanceDeclarationIn(Schema):
    person_id: int
    interest: str
    nature: InterestNature = InterestNature.NON_FINANCIAL
    outcome: DeclarationOutcome = DeclarationOutcome.NOTED
    agenda_item_id: int | None = None


class ItemMinute(Schema):
    agenda_item_id: int
    minute: str


class MinutesOut(Schema):
    meeting_id: int
    status: MinutesStatus
    version: int
    text: str
    items: list[ItemMinute]
    updated_at: dt.datetime
    approved_at: dt.datetime | None
    approval_id: int | None
    pdf: str

    @staticmethod
    def resolve_items(obj):
        return [
            {"agenda_item_id": i.pk, "minute": i.minute} for i in obj.meeting.agenda_items.all()
        ]

    @staticmethod
    def resolve_pdf(obj):
        return reverse("governance:minutes.pdf", args=[obj.meeting.partnership_id, obj.meeting_id])


class MinutesIn(Schema):
    text: str = ""
    items: list[ItemMinute] = []


class Votes(Schema):
    votes_for: int
    against: int
    abstaining: int


class SubjectOut(Schema):
    type: str
    id: str


class DecisionOut(Schema):
    id: int
    reference: str
    meeting_id: int
    body_id: int
    number: int
    kind: DecisionKind
    text: str
    stage: Stage | None
    votes: Votes | None
    agenda_item_id: int | None
    subject: SubjectOut | None
    created_at: dt.datetime

    @staticmethod
    def resolve_body_id(obj):
        return obj.meeting.body_id

    @staticmethod
    def resolve_stage(obj):
        return obj.stage or None

    @staticmethod
    def resolve_votes(obj):
        if not obj.has_vote:
            return None
        return {
            "votes_for": obj.votes_for,
            "against": obj.votes_against,
            "abstaining": obj.votes_abstaining,
        }

    @staticmethod
    def resolve_subject(obj):
        if obj.subject_type_id is None:
            return None
        ct = obj.subject_type
        return {"type": f"{ct.app_label}.{ct.model}", "id": obj.subject_id}


class GovernanceDecisionIn(Schema):
    kind: DecisionKind = DecisionKind.GENERAL
    text: str = ""
    stage: Stage | None = None
    votes: Votes | None = None
    agenda_item_id: int | None = None
    minutes_of_meeting_id: int | None = None
    subject_type: str | None = None
    subject_id: str | None = None


class GovernanceActionOut(Schema):
    id: int
    reference: str
    partnership_id: int
    description: str
    owner: GovernancePersonRef
    due_on: dt.date
    status: ActionStatus
    overdue: bool
    completed_on: dt.date | None
    progress_note: str
    body_id: int | None
    meeting_id: int | None
    decision_id: int | None

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue


class GovernanceActionIn(Schema):
    description: str
    owner_id: int
    due_on: dt.date
    meeting_id: int | None = None
    decision_id: int | None = None


class GovernanceActionPatch(Schema):
    status: ActionStatus | None = None
    due_on: dt.date | None = None
    owner_id: int | None = None
    progress_note: str | None = None


class BodyFeed(Schema):
    body_id: int
    name: str
    partnership_id: int
    url: str


class CalendarOut(Schema):
    person: str
    bodies: list[BodyFeed]


# --- resolving with permissions ----------------------------------------------------------------


def _require(user, perm, obj):
    if not user.has_perm(perm, obj):
        raise PermissionDenied(REFUSALS.get(perm, "Your role does not allow this."))


def _partnership(request, pk):
    return partnership_queries.get_for(request.user, pk, "governance.view")


def _body(request, pk, body_id, perm=None) -> Body:
    partnership = _partnership(request, pk)
    body = get_object_or_404(Body, pk=body_id, partnership=partnership)
    body.partnership = partnership
    if perm:
        _require(request.user, perm, body)
    return body


def _meeting(request, pk, meeting_id, perm=None) -> Meeting:
    partnership = _partnership(request, pk)
    meeting = get_object_or_404(
        Meeting.objects.select_related("body", "minutes"), pk=meeting_id, partnership=partnership
    )
    meeting.partnership = meeting.body.partnership = partnership
    if perm:
        _require(request.user, perm, meeting.body)
    return meeting


def _person(partnership, person_id, field):
    if person_id is None:
        return None
    user = User.objects.filter(pk=person_id, memberships__partnership=partnership).first()
    if user is None:
        raise DomainError(
            f"No member of this partnership has id {person_id}.", code="not_a_member", field=field
        )
    return user


def _item(meeting, item_id):
    if item_id is None:
        return None
    item = AgendaItem.objects.filter(pk=item_id, meeting=meeting).first()
    if item is None:
        raise DomainError(
            f"This meeting has no agenda item {item_id}.",
            code="wrong_meeting",
            field="agenda_item_id",
        )
    return item


def _london(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return value


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- bodies ------------------------------------------------------------------------------------


@router.get("/partnerships/{int:pk}/bodies", response=list[BodyOut])
def list_bodies(request, pk: int):
    return list(queries.bodies_of(_partnership(request, pk)))


@router.post("/partnerships/{int:pk}/bodies", response={201: BodyDetailOut})
def create_body(request, pk: int, payload: BodyIn):
    """Set up a body (facilitator or commissioner)."""
    partnership = _partnership(request, pk)
    _require(request.user, "governance.manage_bodies", partnership)
    return Status(
        201, domain.create_body(partnership=partnership, actor=request.user, **payload.dict())
    )


@router.get("/partnerships/{int:pk}/bodies/{int:body_id}", response=BodyDetailOut)
def get_body(request, pk: int, body_id: int):
    return _body(request, pk, body_id)


@router.patch("/partnerships/{int:pk}/bodies/{int:body_id}", response=BodyDetailOut)
def update_body(request, pk: int, body_id: int, payload: BodyPatch):
    """Change the terms of reference; changed terms must be agreed again."""
    body = _body(request, pk, body_id, "governance.change_body")
    domain.update_terms(body=body, actor=request.user, **payload.dict(exclude_unset=True))
    return body


@router.post("/partnerships/{int:pk}/bodies/{int:body_id}/members", response={201: SeatOut})
def add_seat(request, pk: int, body_id: int, payload: SeatIn):
    body = _body(request, pk, body_id, "governance.change_body")
    membership = Membership.objects.filter(
        pk=payload.membership_id, partnership=body.partnership
    ).first()
    if membership is None:
        raise DomainError(
            f"This partnership has no membership {payload.membership_id}.",
            code="not_a_member",
            field="membership_id",
        )
    return Status(
        201,
        domain.add_body_member(
            body=body,
            actor=request.user,
            membership=membership,
            role_in_body=payload.role_in_body,
            is_voting=payload.is_voting,
        ),
    )


@router.delete(
    "/partnerships/{int:pk}/bodies/{int:body_id}/members/{int:seat_id}", response={204: None}
)
def remove_seat(request, pk: int, body_id: int, seat_id: int):
    body = _body(request, pk, body_id, "governance.change_body")
    seat = get_object_or_404(BodyMember, pk=seat_id, body=body, left_on__isnull=True)
    domain.remove_body_member(seat=seat, actor=request.user)
    return Status(204, None)


# --- meetings ----------------------------------------------------------------------------------


@router.get("/partnerships/{int:pk}/meetings", response=list[MeetingOut])
@paginate(LimitOffsetPagination)
def list_meetings(request, pk: int, body_id: int | None = None):
    partnership = _partnership(request, pk)
    qs = queries.meetings_of(partnership).prefetch_related("attendance")
    return qs.filter(body_id=body_id) if body_id else qs


@router.post("/partnerships/{int:pk}/bodies/{int:body_id}/meetings", response={201: MeetingOut})
def schedule_meeting(request, pk: int, body_id: int, payload: MeetingIn):
    """Schedule a meeting. Times without an offset are UK time (Europe/London)."""
    body = _body(request, pk, body_id, "governance.run_body")
    data = payload.dict()
    data["starts_at"], data["ends_at"] = _london(data["starts_at"]), _london(data["ends_at"])
    return Status(201, domain.schedule_meeting(body=body, actor=request.user, **data))


@router.get("/partnerships/{int:pk}/meetings/{int:meeting_id}", response=MeetingOut)
def get_meeting(request, pk: int, meeting_id: int):
    return _meeting(request, pk, meeting_id)


@router.patch("/partnerships/{int:pk}/meetings/{int:meeting_id}", response=MeetingOut)
def update_meeting(request, pk: int, meeting_id: int, payload: MeetingPatch):
    meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    data = payload.dict(exclude_unset=True)
    for key in ("starts_at", "ends_at"):
        if key in data:
            data[key] = _london(data[key])
    domain.update_meeting(meeting=meeting, actor=request.user, **data)
    return meeting


@router.post("/partnerships/{int:pk}/meetings/{int:meeting_id}/cancel", response=MeetingOut)
def cancel_meeting(request, pk: int, meeting_id: int, payload: CancelIn):
    meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    return domain.cancel_meeting(
        meeting=meeting, actor=request.user, reason=payload.reason, base_url=_base(request)
    )


@router.post(
    "/partnerships/{int:pk}/meetings/{int:meeting_id}/invitations", response=InvitationsOut
)
def send_invitations(request, pk: int, meeting_id: int):
    """Email the body's members an invitation with the agenda and a calendar file."""
    meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    sent = domain.send_invitations(meeting=meeting, actor=request.user, base_url=_base(request))
    return {"sent": sent}


@router.get("/partnerships/{int:pk}/meetings/{int:meeting_id}/agenda", response=list[AgendaItemOut])
def list_agenda(request, pk: int, meeting_id: int):
    meeting = _meeting(request, pk, meeting_id)
    return list(meeting.agenda_items.prefetch_related("papers__agenda_item__meeting"))


@router.post(
    "/partnerships/{int:pk}/meetings/{int:meeting_id}/agenda", response={201: AgendaItemOut}
)
def add_agenda_item(request, pk: int, meeting_id: int, payload: AgendaItemIn):
    meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    return Status(
        201,
        domain.add_agenda_item(
            meeting=meeting,
            actor=request.user,
            title=payload.title,
            description=payload.description,
            presenter=_person(meeting.partnership, payload.presenter_id, "presenter_id"),
        ),
    )


@router.post(
    "/partnerships/{int:pk}/meetings/{int:meeting_id}/agenda/{int:item_id}/papers",
    response={201: PaperOut},
)
def add_paper(
    request, pk: int, meeting_id: int, item_id: int, file: File[UploadedFile], title: Form[str] = ""
):
    """Attach a paper (multipart upload, field ``file``) to an agenda item."""
    meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    return Status(
        201, domain.add_paper(agenda_item=item, actor=request.user, title=title, file=file)
    )


@router.get(
    "/partnerships/{int:pk}/meetings/{int:meeting_id}/attendance", response=AttendanceResult
)
def get_attendance(request, pk: int, meeting_id: int):
    meeting = _meeting(request, pk, meeting_id)
    rows = list(meeting.attendance.select_related("user", "organisation"))
    quorum = domain.quorum_of(meeting, rows)
    return {"quorum": {**quorum.__dict__, "met": quorum.met}, "attendance": rows}


@router.put(
    "/partnerships/{int:pk}/meetings/{int:meeting_id}/attendance", response=AttendanceResult
)
def record_attendance(request, pk: int, meeting_id: int, payload: AttendanceIn):
    """Present, apologies or absent for each member of the body; ``null`` clears (before the
    meeting only). Returns the quorum."""
    meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    domain.record_attendance(
        meeting=meeting,
        actor=request.user,
        statuses={e.person_id: e.status for e in payload.attendance},
    )
    return get_attendance(request, pk, meeting_id)


@router.get(
    "/partnerships/{int:pk}/meetings/{int:meeting_id}/declarations",
    response=list[GovernanceDeclarationOut],
)
def list_declarations(request, pk: int, meeting_id: int):
    return list(_meeting(request, pk, meeting_id).declarations.select_related("user"))


@router.post(
    "/partnerships/{int:pk}/meetings/{int:meeting_id}/declarations",
    response={201: GovernanceDeclarationOut},
)
def record_declaration(request, pk: int, meeting_id: int, payload: GovernanceDeclarationIn):
    meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    person = _person(meeting.partnership, payload.person_id, "person_id")
    return Status(
        201,
        domain.record_declaration(
            meeting=meeting,
            actor=request.user,
            person=person,
            interest=payload.interest,
            nature=payload.nature,
            outcome=payload.outcome,
            agenda_item=_item(meeting, payload.agenda_item_id),
        ),
    )


# --- minutes and decisions ---------------------------------------------------------------------


@router.get("/partnerships/{int:pk}/meetings/{int:meeting_id}/minutes", response=MinutesOut)
def get_minutes(request, pk: int, meeting_id: int):
    meeting = _meeting(request, pk, meeting_id)
    minutes = meeting.minutes_or_none
    if minutes is None:
        raise Http404("No minutes yet")
    return minutes


@router.put("/partnerships/{int:pk}/meetings/{int:meeting_id}/minutes", response=MinutesOut)
def save_minutes(request, pk: int, meeting_id: int, payload: MinutesIn):
    """Write or revise the draft minutes. Approved minutes are locked: 422 ``minutes_locked``."""
    meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    return domain.save_minutes(
        meeting=meeting,
        actor=request.user,
        text=payload.text,
        item_minutes={i.agenda_item_id: i.minute for i in payload.items},
    )


@router.get("/partnerships/{int:pk}/decisions", response=list[DecisionOut])
@paginate(LimitOffsetPagination)
def list_decisions(request, pk: int, kind: DecisionKind | None = None):
    return queries.decisions_of(_partnership(request, pk), kind or "")


@router.post(
    "/partnerships/{int:pk}/meetings/{int:meeting_id}/decisions", response={201: DecisionOut}
)
def record_decision(request, pk: int, meeting_id: int, payload: GovernanceDecisionIn):
    """Record a decision at a quorate meeting. A ``gate_approval`` names the current ``stage``;
    a ``minutes_approval`` names ``minutes_of_meeting_id``; ``subject_type`` (``app.model``) and
    ``subject_id`` link any other object decided."""
    meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    subject = None
    if payload.minutes_of_meeting_id is not None:
        subject = Minutes.objects.filter(
            meeting_id=payload.minutes_of_meeting_id, meeting__partnership=meeting.partnership
        ).first()
        if subject is None:
            raise DomainError(
                "That meeting has no minutes to approve.",
                code="minutes_required",
                field="minutes_of_meeting_id",
            )
    elif payload.subject_type:
        subject = domain.resolve_subject(
            meeting.partnership, payload.subject_type, payload.subject_id
        )
    votes = payload.votes
    return Status(
        201,
        domain.record_decision(
            meeting=meeting,
            actor=request.user,
            kind=payload.kind,
            text=payload.text,
            stage=payload.stage,
            votes=(votes.votes_for, votes.against, votes.abstaining) if votes else None,
            agenda_item=_item(meeting, payload.agenda_item_id),
            subject=subject,
        ),
    )


@router.get("/partnerships/{int:pk}/decisions/{int:decision_id}", response=DecisionOut)
def get_decision(request, pk: int, decision_id: int):
    partnership = _partnership(request, pk)
    return get_object_or_404(
        Decision.objects.select_related("meeting", "subject_type"),
        pk=decision_id,
        partnership=partnership,
    )


# --- actions -----------------------------------------------------------------------------------


@router.get("/partnerships/{int:pk}/actions", response=list[GovernanceActionOut])
@paginate(LimitOffsetPagination)
def list_actions(
    request,
    pk: int,
    status: ActionStatus | None = None,
    overdue: bool = False,
    mine: bool = False,
    owner_id: int | None = None,
):
    """The action log. ``overdue=true``: open and past due; ``mine=true``: yours."""
    qs = queries.actions_of(_partnership(request, pk)).order_by("due_on", "id")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=[s.value for s in ActionStatus.open()], due_on__lt=clock.today())
    if mine:
        qs = qs.filter(owner=request.user)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    return qs


@router.get("/actions/mine", response=list[GovernanceActionOut])
@paginate(LimitOffsetPagination)
def my_actions(request, include_closed: bool = False):
    """Your actions across every partnership you belong to (open ones unless
    ``include_closed``)."""
    return queries.actions_for(request.user, include_closed=include_closed)


@router.post("/partnerships/{int:pk}/actions", response={201: GovernanceActionOut})
def create_action(request, pk: int, payload: GovernanceActionIn):
    partnership = _partnership(request, pk)
    meeting = decision = None
    if payload.decision_id is not None:
        decision = get_object_or_404(Decision, pk=payload.decision_id, partnership=partnership)
    meeting_id = payload.meeting_id or (decision.meeting_id if decision else None)
    if meeting_id is not None:
        meeting = _meeting(request, pk, meeting_id, "governance.run_body")
    else:
        _require(request.user, "governance.add_action", partnership)
    return Status(
        201,
        domain.create_action(
            partnership=partnership,
            actor=request.user,
            description=payload.description,
            owner=_person(partnership, payload.owner_id, "owner_id"),
            due_on=payload.due_on,
            meeting=meeting,
            decision=decision,
            base_url=_base(request),
        ),
    )


@router.patch("/partnerships/{int:pk}/actions/{int:action_id}", response=GovernanceActionOut)
def update_action(request, pk: int, action_id: int, payload: GovernanceActionPatch):
    """Report progress, complete, reopen, move or pass on an action (its owner, the body's
    members, the facilitator or the commissioner)."""
    partnership = _partnership(request, pk)
    action = get_object_or_404(
        Action.objects.select_related("body"), pk=action_id, partnership=partnership
    )
    action.partnership = partnership
    if action.body:
        action.body.partnership = partnership
    _require(request.user, "governance.change_action", action)
    data = payload.dict(exclude_unset=True)
    if "owner_id" in data:
        data["owner"] = _person(partnership, data.pop("owner_id"), "owner_id")
    domain.update_action(action=action, actor=request.user, base_url=_base(request), **data)
    return action


# --- calendar feeds ----------------------------------------------------------------------------


@router.get("/calendar", response=CalendarOut, tags=["calendar"])
def calendar_links(request):
    """Your secret calendar feed URLs (anyone with one can read it)."""
    feed = domain.calendar_feed(request.user)
    base = _base(request)
    bodies = Body.objects.filter(
        partnership__in=partnership_queries.partnerships_for(request.user)
    ).order_by("partnership__title", "position", "name")
    return {
        "person": f"{base}/api/v1/calendar/{feed.secret}.ics",
        "bodies": [
            {
                "body_id": b.pk,
                "name": b.name,
                "partnership_id": b.partnership_id,
                "url": f"{base}/api/v1/calendar/{feed.secret}/bodies/{b.pk}.ics",
            }
            for b in bodies
        ],
    }


def _ics(content: bytes) -> HttpResponse:
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


@router.get("/calendar/{secret}.ics", auth=None, tags=["calendar"], response={200: None})
def person_feed(request, secret: str):
    """iCalendar feed of a person's meetings. The secret in the URL is the key: no token."""
    feed = domain.find_feed(secret)
    if feed is None:
        raise Http404
    return _ics(person_feed_ics(feed.user, _base(request)))


@router.get(
    "/calendar/{secret}/bodies/{int:body_id}.ics",
    auth=None,
    tags=["calendar"],
    response={200: None},
)
def body_feed(request, secret: str, body_id: int):
    """iCalendar feed of one body's meetings, for a member of its partnership."""
    feed = domain.find_feed(secret)
    if feed is None:
        raise Http404
    return _ics(body_feed_ics(feed.user, body_id, _base(request)))
