"""Reusable reads with the visibility filters applied."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils import timezone

from coplan.core import sensitivity as declared
from coplan.core.models import AuditEvent

from .enums import Stage, Status
from .models import Membership, Partnership
from .rules import roles_of
from .sensitivity import visible_to


def partnerships_for(user, search: str = ""):
    """The partnerships ``user`` is a member of (outsiders see nothing)."""
    if not getattr(user, "is_authenticated", False):
        return Partnership.objects.none()
    qs = Partnership.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("partnership")
    ).select_related("lead_authority", "intermediary")
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(service_area__icontains=search)
            | Q(lead_authority__name__icontains=search)
            | Q(intermediary__name__icontains=search)
        )
    return qs.annotate(member_count=Count("memberships__user", distinct=True)).order_by("title")


def get_for(user, pk, perm: str = "partnerships.view_partnership") -> Partnership:
    """The partnership if ``user`` may ``perm`` it: 404 for outsiders, 403 for members without
    the permission (healthchecks ``_get_check_for_user`` / ``_get_rw_check_for_user``)."""
    try:
        partnership = Partnership.objects.select_related("lead_authority", "intermediary").get(
            pk=pk
        )
    except (Partnership.DoesNotExist, ValueError, TypeError):
        raise Http404("No such partnership") from None
    if not user.has_perm("partnerships.view_partnership", partnership):
        raise Http404("No such partnership")
    if perm != "partnerships.view_partnership" and not user.has_perm(perm, partnership):
        raise PermissionDenied("Your role in this partnership does not allow this.")
    return partnership


def members_of(partnership):
    return (
        Membership.objects.filter(partnership=partnership)
        .select_related("user", "organisation")
        .order_by("role", "user__full_name")
    )


def activity_of(partnership, user):
    """The partnership's audit trail as ``user`` may see it, newest first: only the events
    whose declared sensitivity lets ``user``'s roles see them now, and ``user``'s own
    (coplan.core.sensitivity). What ``user`` may not see is absent."""
    allowed = visible_to(user, roles_of(user, partnership), declared.reached(partnership))
    return (
        AuditEvent.objects.filter(partnership=partnership)
        .filter(allowed)
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )


def closed_partnerships(before: dt.date):
    """Partnerships whose PSP work has closed on or before ``before``: ended without tender, or
    moved into contract and monitoring (the tender is done). The close date is the stage change
    into contract, or the last audit event of an ended partnership."""
    qs = Partnership.objects.filter(Q(status=Status.ENDED) | Q(stage=Stage.CONTRACT)).annotate(
        contract_on=Max(
            "stage_changes__created_at", filter=Q(stage_changes__to_stage=Stage.CONTRACT)
        ),
        last_event=Max("audit_events__created_at"),
    )
    closed = []
    for p in qs:
        when = p.contract_on if p.stage == Stage.CONTRACT and p.contract_on else None
        when = when or p.last_event or p.updated_at
        if timezone.localdate(when) <= before:
            closed.append(p.pk)
    return Partnership.objects.filter(pk__in=closed)
