"""Partnerships API: the same domain functions and permission rules as the pages."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from ninja import Router, Schema
from ninja import Status as Respond
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import model_validator

from coplan.core.models import Organisation
from coplan.core.schemas import PatchSchema

from . import domain, gates, health, queries
from .enums import Role, Stage, Status
from .models import Membership, Partnership
from .timeline import check_timeline

router = Router(tags=["partnerships"])
planning_router = Router(tags=["planning"])


class PartnershipOrganisationRef(Schema):
    id: int
    name: str


class PartnershipOut(Schema):
    id: int
    title: str
    service_area: str
    summary: str
    lead_authority: PartnershipOrganisationRef
    intermediary: PartnershipOrganisationRef | None
    stage: Stage
    status: Status
    is_illustrative: bool
    started_on: dt.date | None
    design_ends_on: dt.date | None
    pilot_starts_on: dt.date | None
    pilot_ends_on: dt.date | None
    spec_freeze_on: dt.date | None
    tender_on: dt.date | None


class PartnershipIn(Schema):
    title: str
    service_area: str
    summary: str = ""
    lead_authority_id: int
    intermediary_id: int | None = None
    started_on: dt.date | None = None
    tender_on: dt.date | None = None


class PartnershipPatch(PatchSchema):
    django_model = Partnership

    title: str | None = None
    service_area: str | None = None
    summary: str | None = None
    lead_authority_id: int | None = None
    intermediary_id: int | None = None
    started_on: dt.date | None = None
    design_ends_on: dt.date | None = None
    pilot_starts_on: dt.date | None = None
    pilot_ends_on: dt.date | None = None
    spec_freeze_on: dt.date | None = None
    tender_on: dt.date | None = None


class AdvanceIn(Schema):
    confirmed: list[str] = []
    note: str = ""


class LoopBackIn(Schema):
    to_stage: Stage
    reason: str


class StageChangeOut(Schema):
    kind: str
    from_stage: Stage
    to_stage: Stage
    reason: str
    created_at: dt.datetime


class PartnershipCriterionOut(Schema):
    code: str
    label: str
    manual: bool
    hard: bool
    met: bool
    detail: str


class GateOut(Schema):
    stage: Stage
    next_stage: Stage | None
    can_advance: bool
    criteria: list[PartnershipCriterionOut]


class PartnershipMemberOut(Schema):
    id: int
    user_id: int
    full_name: str
    email: str
    role: Role
    organisation: PartnershipOrganisationRef | None

    @staticmethod
    def resolve_full_name(obj):
        return obj.user.full_name

    @staticmethod
    def resolve_email(obj):
        return obj.user.email


class PartnershipMemberIn(Schema):
    email: str
    role: Role
    organisation_id: int | None = None


class InvitationIn(Schema):
    email: str
    full_name: str = ""
    roles: list[Role]
    organisation_id: int | None = None


class InvitationOut(Schema):
    id: int
    email: str
    roles: list[Role]
    expires_at: dt.datetime


class PartnershipElementOut(Schema):
    element: int
    name: str
    status: str
    status_label: str
    evidence: list[str]


class EventOut(Schema):
    id: int
    created_at: dt.datetime
    actor: str | None
    action: str
    object_repr: str
    data: dict

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.email if obj.actor else None


def _org(pk, field):
    if pk is None:
        return None
    try:
        return Organisation.objects.get(pk=pk)
    except Organisation.DoesNotExist:
        raise domain.DomainError(
            f"No organisation has id {pk}.", code="unknown_organisation", field=field
        ) from None


@router.get("", response=list[PartnershipOut])
@paginate(LimitOffsetPagination)
def list_partnerships(request, q: str = ""):
    """The partnerships you are a member of."""
    return queries.partnerships_for(request.user, q)


@router.post("", response={201: PartnershipOut})
def create_partnership(request, payload: PartnershipIn):
    if not request.user.has_perm("partnerships.add_partnership"):
        raise PermissionDenied(
            "Only people from a council, a health body or an intermediary can start a partnership."
        )
    data = payload.dict()
    data["lead_authority"] = _org(data.pop("lead_authority_id"), "lead_authority_id")
    data["intermediary"] = _org(data.pop("intermediary_id"), "intermediary_id")
    return Respond(201, domain.create_partnership(actor=request.user, **data))


@router.get("/{int:pk}", response=PartnershipOut)
def get_partnership(request, pk: int):
    return queries.get_for(request.user, pk)


@router.patch("/{int:pk}", response=PartnershipOut)
def update_partnership(request, pk: int, payload: PartnershipPatch):
    """Change details (facilitator or commissioner) and timeline dates."""
    partnership = queries.get_for(request.user, pk)
    data = payload.dict(exclude_unset=True)
    for key in ("lead_authority_id", "intermediary_id"):
        if key in data:
            data[key.removesuffix("_id")] = _org(data.pop(key), key)
    details = {k: v for k, v in data.items() if k in domain.DETAIL_FIELDS}
    dates = {k: v for k, v in data.items() if k in domain.TIMELINE_FIELDS}
    for needed, wanted in (("change_partnership", details), ("change_timeline", dates)):
        if wanted and not request.user.has_perm(f"partnerships.{needed}", partnership):
            raise PermissionDenied("Your role in this partnership does not allow this.")
    with transaction.atomic():  # both halves or neither
        if details:
            domain.update_partnership(partnership=partnership, actor=request.user, **details)
        if dates:
            domain.update_timeline(partnership=partnership, actor=request.user, **dates)
    return partnership


@router.get("/{int:pk}/gate", response=GateOut)
def get_gate(request, pk: int):
    """The current stage's exit criteria and whether they are met."""
    report = gates.evaluate(queries.get_for(request.user, pk))
    return {
        "stage": report.stage,
        "next_stage": report.next_stage,
        "can_advance": report.can_advance,
        "criteria": report.as_list(),
    }


@router.post("/{int:pk}/advance", response=StageChangeOut)
def advance_stage(request, pk: int, payload: AdvanceIn):
    """Advance to the next stage (commissioner). 409 with the reasons if the gate refuses."""
    partnership = queries.get_for(request.user, pk, "partnerships.advance_stage")
    return domain.advance_stage(
        partnership=partnership,
        actor=request.user,
        confirmed=set(payload.confirmed),
        note=payload.note,
    )


@router.post("/{int:pk}/loop-back", response=StageChangeOut)
def loop_back(request, pk: int, payload: LoopBackIn):
    partnership = queries.get_for(request.user, pk, "partnerships.advance_stage")
    return domain.loop_back(
        partnership=partnership,
        actor=request.user,
        to_stage=payload.to_stage,
        reason=payload.reason,
    )


@router.get("/{int:pk}/health", response=list[PartnershipElementOut])
def get_health(request, pk: int):
    """The seven-elements health check."""
    return [row.as_dict() for row in health.health_check(queries.get_for(request.user, pk))]


@router.get("/{int:pk}/members", response=list[PartnershipMemberOut], tags=["members"])
def list_members(request, pk: int):
    return queries.members_of(queries.get_for(request.user, pk, "partnerships.view_members"))


@router.post("/{int:pk}/members", response={201: PartnershipMemberOut}, tags=["members"])
def add_member(request, pk: int, payload: PartnershipMemberIn):
    """Give an existing Coplan user a role (use invitations for new people)."""
    partnership = queries.get_for(request.user, pk, "partnerships.manage_members")
    user = get_user_model().objects.filter(email__iexact=payload.email).first()
    if user is None:
        raise domain.DomainError(
            f"No Coplan user has the email {payload.email}: send an invitation instead.",
            code="unknown_user",
            field="email",
        )
    membership = domain.add_member(
        partnership=partnership,
        actor=request.user,
        user=user,
        role=payload.role,
        organisation=_org(payload.organisation_id, "organisation_id"),
    )
    return Respond(201, membership)


@router.delete("/{int:pk}/members/{int:member_id}", response={204: None}, tags=["members"])
def remove_member(request, pk: int, member_id: int):
    partnership = queries.get_for(request.user, pk, "partnerships.manage_members")
    membership = Membership.objects.filter(pk=member_id, partnership=partnership).first()
    if membership is None:
        raise Http404
    domain.remove_member(membership=membership, actor=request.user)
    return Respond(204, None)


@router.post("/{int:pk}/invitations", response={201: InvitationOut}, tags=["members"])
def invite(request, pk: int, payload: InvitationIn):
    """Invite a person by email; they receive a one-time link."""
    partnership = queries.get_for(request.user, pk, "partnerships.manage_members")
    invitation, _ = domain.invite_member(
        partnership=partnership,
        actor=request.user,
        email=payload.email,
        full_name=payload.full_name,
        roles=payload.roles,
        organisation=_org(payload.organisation_id, "organisation_id"),
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    return Respond(201, invitation)


@router.get("/{int:pk}/activity", response=list[EventOut], tags=["activity"])
@paginate(LimitOffsetPagination)
def activity(request, pk: int, action: str = ""):
    """The audit trail, newest first; ``action`` filters by code prefix."""
    partnership = queries.get_for(request.user, pk, "partnerships.view_activity")
    qs = queries.activity_of(partnership, request.user)
    return qs.filter(action__startswith=action) if action else qs


class TimelineCheckIn(Schema):
    started_on: dt.date
    tender_on: dt.date
    pilot_start: dt.date | None = None
    pilot_end: dt.date | None = None

    @model_validator(mode="after")
    def pilot_dates_together(self):
        if bool(self.pilot_start) != bool(self.pilot_end):
            raise ValueError("Give both pilot_start and pilot_end, or neither")
        if self.pilot_start and self.pilot_end and self.pilot_end < self.pilot_start:
            raise ValueError("pilot_end must be on or after pilot_start")
        return self


class PartnershipFindingOut(Schema):
    code: str
    message: str


class TimelineCheckOut(Schema):
    errors: list[PartnershipFindingOut]
    warnings: list[PartnershipFindingOut]
    months_before_tender: int | None
    pilot_months: int | None


@planning_router.post("/timeline-check", response=TimelineCheckOut)
def timeline_check(request, payload: TimelineCheckIn):
    """Check a plan against rules T1 and T2 (docs/timeline.md): start < 12 months before the
    tender is an error, < 18 a warning; a pilot under 6 months an error. Whole calendar months,
    inclusive end dates."""
    return check_timeline(
        started_on=payload.started_on,
        tender_on=payload.tender_on,
        pilot_start=payload.pilot_start,
        pilot_end=payload.pilot_end,
    )
