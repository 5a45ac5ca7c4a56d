"""Reusable reads with the visibility filters and ``select_related`` applied.

For other apps: :func:`overdue_actions` (the partnership dashboard), :func:`declared_interests`
(the tender app's conflict-of-interest checks) and :func:`gate_approval` (the stage gates).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from coplan.core import clock
from coplan.partnerships.enums import Role, Stage, StageChangeKind, Status
from coplan.partnerships.models import Membership, Partnership, StageChange
from coplan.partnerships.timeline import check_partnership

from .enums import ActionStatus, BodyKind, DecisionKind, MinutesStatus
from .models import (
    Action,
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    Decision,
    Interest,
    InterestReview,
    Meeting,
    Minutes,
)

OPEN = [s.value for s in ActionStatus.open()]


# --- bodies ------------------------------------------------------------------------------------


def bodies_of(partnership):
    return (
        Body.objects.filter(partnership=partnership)
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True)
        )
        .order_by("position", "name")
    )


def steering_group(partnership) -> Body | None:
    return Body.objects.filter(partnership=partnership, kind=BodyKind.STEERING_GROUP).first()


def seats_of(body, *, current_only: bool = True):
    qs = BodyMember.objects.filter(body=body).select_related("user", "organisation", "membership")
    if current_only:
        qs = qs.filter(left_on__isnull=True)
    return qs.order_by("left_on", "role_in_body", "user__full_name")


# --- meetings ----------------------------------------------------------------------------------


def meetings_of(partnership, body=None):
    qs = Meeting.objects.filter(partnership=partnership).select_related(
        "body", "partnership", "minutes"
    )
    if body is not None:
        qs = qs.filter(body=body)
    return qs.annotate(
        decision_count=Count("decisions", distinct=True),
        item_count=Count("agenda_items", distinct=True),
    ).order_by("-starts_at", "-id")


def meeting_detail(partnership, pk) -> Meeting:
    """One meeting with everything its page shows, in a fixed number of queries."""
    return (
        Meeting.objects.filter(partnership=partnership)
        .select_related("body", "partnership", "minutes", "minutes__approval__meeting")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("presenter").prefetch_related("papers"),
            ),
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("user", "organisation"),
            ),
            Prefetch("declarations", queryset=_declarations()),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("agenda_item", "subject_type").order_by(
                    "number"
                ),
            ),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner", "decision").order_by("due_on"),
            ),
        )
        .get(pk=pk)
    )


def attendance_roll(meeting) -> tuple[list, dict]:
    """Who attendance is recorded for — seats held on the meeting day and anyone already
    recorded — as sorted ``(person, organisation)`` pairs, and their current statuses."""
    from .domain.bodies import seats_on

    day = timezone.localtime(meeting.starts_at).date()
    rows = {a.user_id: a for a in meeting.attendance.select_related("user", "organisation")}
    people = {s.user_id: (s.user, s.organisation) for s in seats_on(meeting.body, on=day)}
    for user_id, row in rows.items():
        people.setdefault(user_id, (row.user, row.organisation))
    roll = sorted(people.values(), key=lambda p: (p[0].full_name, p[0].pk))
    return roll, {user_id: row.status for user_id, row in rows.items()}


def _declarations():
    from .models import Declaration

    return Declaration.objects.select_related("user", "agenda_item").order_by("recorded_at")


def next_meetings(partnership, now=None):
    now = now or clock.now()
    return (
        Meeting.objects.filter(partnership=partnership, starts_at__gte=now, cancelled_at=None)
        .select_related("body")
        .order_by("starts_at")
    )


def meetings_without_approved_minutes(partnership, now=None):
    """Meetings held (started, not cancelled) whose minutes are missing or still a draft."""
    now = now or clock.now()
    approved = Minutes.objects.filter(meeting=OuterRef("pk"), status=MinutesStatus.APPROVED)
    return (
        Meeting.objects.filter(partnership=partnership, starts_at__lte=now, cancelled_at=None)
        .exclude(Exists(approved))
        .select_related("body", "minutes")
        .order_by("starts_at")
    )


def meetings_for_person(user):
    """Meetings of the bodies ``user`` sits on now, and any they were invited to, in
    partnerships they still belong to (a person's calendar feed)."""
    partnerships = Membership.objects.filter(user=user).values("partnership")
    return (
        Meeting.objects.filter(partnership__in=partnerships)
        .filter(
            Q(body__members__user=user, body__members__left_on__isnull=True)
            | Q(invitations__user=user)
        )
        .distinct()
        .select_related("body", "partnership")
        .order_by("starts_at")
    )


# --- decisions ---------------------------------------------------------------------------------


def decisions_of(partnership, kind: str = ""):
    qs = Decision.objects.filter(partnership=partnership).select_related(
        "meeting", "meeting__body", "agenda_item", "subject_type"
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-meeting__starts_at", "-number")


def _entered(partnership, stage) -> dt.datetime | None:
    """When the partnership last entered ``stage`` (advanced into it or looped back to it)."""
    change = (
        StageChange.objects.filter(
            partnership=partnership,
            to_stage=stage,
            kind__in=[StageChangeKind.ADVANCED, StageChangeKind.LOOPED_BACK],
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return change.created_at if change else None


def gate_approvals(partnership, stage):
    """Every gate-approval decision the steering group recorded for leaving ``stage``."""
    return (
        Decision.objects.filter(
            partnership=partnership,
            kind=DecisionKind.GATE_APPROVAL,
            stage=Stage(stage),
            meeting__body__kind=BodyKind.STEERING_GROUP,
        )
        .select_related("meeting", "meeting__body")
        .order_by("-created_at", "-id")
    )


def gate_approval(partnership, stage) -> Decision | None:
    """The steering group's approval to leave ``stage``, recorded since the partnership last
    entered it (after a loop back the gate must be approved again)."""
    qs = gate_approvals(partnership, stage)
    entered = _entered(partnership, stage)
    if entered is not None:
        qs = qs.filter(created_at__gte=entered)
    return qs.first()


# --- actions -----------------------------------------------------------------------------------


def actions_of(partnership):
    return Action.objects.filter(partnership=partnership).select_related(
        "owner", "body", "meeting", "decision", "decision__meeting"
    )


def overdue_actions(partnership, today: dt.date | None = None):
    """Open actions of ``partnership`` past their due date, the most overdue first."""
    today = today or clock.today()
    return (
        actions_of(partnership).filter(status__in=OPEN, due_on__lt=today).order_by("due_on", "id")
    )


def actions_for(user, *, include_closed: bool = False):
    """``user``'s actions across every partnership they are still a member of."""
    qs = Action.objects.filter(
        owner=user,
        partnership__in=Membership.objects.filter(user=user).values("partnership"),
    ).select_related("partnership", "body", "meeting", "decision", "decision__meeting", "owner")
    if not include_closed:
        qs = qs.filter(status__in=OPEN)
    return qs.order_by("due_on", "id")


# --- register of interests ---------------------------------------------------------------------


def declared_interests(user, on: dt.date | None = None):
    """``user``'s standing declarations current on ``on`` (today by default): for the tender
    app's conflict-of-interest checks, e.g. an evaluator's roles in bidding organisations."""
    on = on or clock.today()
    return (
        Interest.objects.filter(user=user)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=on))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("organisation")
        .order_by("kind", "-declared_at")
    )


def last_review(user) -> InterestReview | None:
    return InterestReview.objects.filter(user=user).order_by("-reviewed_at", "-id").first()


def review_due(user, today: dt.date | None = None, review=None) -> bool:
    """The register needs its yearly review: never reviewed, or last reviewed over a year ago."""
    today = today or clock.today()
    review = review if review is not None else last_review(user)
    if review is None:
        return True
    last = timezone.localtime(review.reviewed_at).date()
    return (today - last).days > InterestReview.REVIEW_EVERY_DAYS


def registers_of(partnership, today: dt.date | None = None) -> list[dict]:
    """Members of ``partnership`` with their current interests and last review (3 queries)."""
    today = today or clock.today()
    users = {
        m.user_id: m.user
        for m in Membership.objects.filter(partnership=partnership).select_related("user")
    }
    interests: dict[int, list] = {}
    rows = (
        Interest.objects.filter(user__in=users)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("organisation")
        .order_by("kind", "-declared_at")
    )
    for interest in rows:
        interests.setdefault(interest.user_id, []).append(interest)
    reviews = {}
    for review in InterestReview.objects.filter(user__in=users).order_by("reviewed_at", "id"):
        reviews[review.user_id] = review
    return [
        {
            "user": user,
            "interests": interests.get(pk, []),
            "review": reviews.get(pk),
            "review_due": reviews.get(pk) is None or review_due(user, today, reviews[pk]),
        }
        for pk, user in sorted(users.items(), key=lambda kv: (kv[1].full_name, kv[0]))
    ]


# --- what needs doing --------------------------------------------------------------------------


@dataclass
class PartnershipTodo:
    partnership: Partnership
    overdue: list = field(default_factory=list)
    minutes: list = field(default_factory=list)
    gate_waiting: str = ""  # the gate waiting for the steering group's approval
    gate_approved: Decision | None = None  # approved, waiting for the commissioner to advance
    timing: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.overdue)
            + len(self.minutes)
            + bool(self.gate_waiting)
            + bool(self.gate_approved)
            + len(self.timing)
        )


def managed_partnerships(user):
    """Active partnerships where ``user`` is the facilitator or the commissioner."""
    return (
        Partnership.objects.filter(
            status=Status.ACTIVE,
            pk__in=Membership.objects.filter(user=user, role__in=Role.managers()).values(
                "partnership"
            ),
        )
        .select_related("lead_authority", "intermediary")
        .order_by("title")
    )


def needs_doing(user, today: dt.date | None = None) -> list[PartnershipTodo]:
    """The intermediary's list across the partnerships they run: overdue actions, meetings
    without approved minutes, gates waiting for approval, timing warnings."""
    today = today or clock.today()
    todos = []
    for partnership in managed_partnerships(user):
        todo = PartnershipTodo(partnership)
        todo.overdue = list(overdue_actions(partnership, today))
        todo.minutes = list(meetings_without_approved_minutes(partnership))
        stage = Stage(partnership.stage)
        if stage.next is not None:
            approval = gate_approval(partnership, stage)
            if approval is None:
                todo.gate_waiting = stage.label
            else:
                todo.gate_approved = approval
        check = check_partnership(partnership)
        todo.timing = [f.message for f in check.errors + check.warnings]
        todos.append(todo)
    return todos
