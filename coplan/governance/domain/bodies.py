"""Bodies and their members, terms of reference, quorum and decision rule."""

from django.db import transaction
from django.db.models import Q

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.partnerships.models import Membership

from ..enums import BodyKind, BodyRole
from ..models import Attendance, Body, BodyMember

TERMS_FIELDS = ("name", "purpose", "terms_of_reference", "quorum", "decision_rule")
AGREED_TERMS = ("terms_of_reference", "quorum", "decision_rule")


def create_body(
    *,
    partnership,
    actor,
    kind,
    name: str = "",
    purpose: str = "",
    terms_of_reference: str = "",
    quorum: int = 3,
    decision_rule=None,
) -> Body:
    """Set up a steering group, design committee (one of each per partnership) or working
    group."""
    kind = BodyKind(kind)
    with transaction.atomic():
        if (
            kind in BodyKind.one_per_partnership()
            and Body.objects.filter(partnership=partnership, kind=kind).exists()
        ):
            raise DomainError(
                f"This partnership already has a {kind.label.lower()}.",
                code="body_exists",
                field="kind",
            )
        name = (name or "").strip() or kind.label
        if Body.objects.filter(partnership=partnership, name__iexact=name).exists():
            raise DomainError(
                f"A body called “{name}” already exists: choose another name.",
                code="duplicate_name",
                field="name",
            )
        body = Body(
            partnership=partnership,
            kind=kind,
            name=name,
            purpose=purpose,
            terms_of_reference=terms_of_reference,
            quorum=quorum,
        )
        if decision_rule:
            body.decision_rule = decision_rule
        body.full_clean()
        body.save()
        audit.log(
            actor=actor,
            action="governance.body.created",
            obj=body,
            partnership=partnership,
            data={"kind": kind.value, "name": body.name, "quorum": body.quorum},
        )
    return body


def update_terms(*, body, actor, **values) -> dict:
    """Change a body's name, purpose or terms of reference. Changing the terms, the quorum or
    the decision rule after they were agreed means they must be agreed again."""
    with transaction.atomic():
        locked = Body.objects.select_for_update().get(pk=body.pk)
        before = {f: getattr(locked, f) for f in TERMS_FIELDS}
        for name, value in values.items():
            if name not in TERMS_FIELDS:
                raise DomainError(
                    f"{name} cannot be changed here.", code="not_editable", field=name
                )
            setattr(locked, name, value)
        if "name" in values and (
            Body.objects.filter(partnership=locked.partnership_id, name__iexact=locked.name)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise DomainError(
                f"A body called “{locked.name}” already exists: choose another name.",
                code="duplicate_name",
                field="name",
            )
        locked.full_clean()
        changed = {
            f: [before[f], getattr(locked, f)]
            for f in TERMS_FIELDS
            if before[f] != getattr(locked, f)
        }
        if not changed:
            return {}
        fields = list(changed)
        data = {"changed": changed}
        if locked.tor_agreed_on and set(changed) & set(AGREED_TERMS):
            data["agreement_withdrawn"] = str(locked.tor_agreed_on)
            locked.tor_agreed_on = None
            locked.tor_decision = None
            fields += ["tor_agreed_on", "tor_decision"]
        locked.save(update_fields=fields)
        audit.log(
            actor=actor,
            action="governance.body.updated",
            obj=locked,
            partnership=locked.partnership,
            data=data,
        )
    body.refresh_from_db()
    return changed


def add_body_member(
    *,
    body,
    actor,
    membership: Membership,
    is_voting: bool,
    role_in_body=BodyRole.MEMBER,
    organisation=None,
    joined_on=None,
) -> BodyMember:
    """Give a partnership member a seat on the body, showing the department they represent.
    Whether the seat votes is always chosen (``is_voting``): it decides the quorum."""
    if is_voting is None:
        raise DomainError(
            "Say whether this is a voting member.", code="voting_not_chosen", field="is_voting"
        )
    if membership.partnership_id != body.partnership_id:
        raise DomainError(
            "Only members of this partnership can sit on its bodies.",
            code="not_a_member",
            field="membership",
        )
    role_in_body = BodyRole(role_in_body)
    with transaction.atomic():
        Body.objects.select_for_update().get(pk=body.pk)
        if body.members.filter(user=membership.user_id, left_on__isnull=True).exists():
            raise DomainError(
                f"{membership.user} already sits on the {body.name}.",
                code="already_on_body",
                field="membership",
            )
        if (
            role_in_body == BodyRole.CHAIR
            and body.members.filter(role_in_body=BodyRole.CHAIR, left_on__isnull=True).exists()
        ):
            raise DomainError(
                f"The {body.name} already has a chair: remove them first.",
                code="chair_exists",
                field="role_in_body",
            )
        seat = BodyMember.objects.create(
            body=body,
            user=membership.user,
            membership=membership,
            organisation=organisation or membership.organisation,
            role_in_body=role_in_body,
            is_voting=is_voting,
            joined_on=joined_on or clock.today(),
        )
        audit.log(
            actor=actor,
            action="governance.body.member_added",
            obj=body,
            partnership=body.partnership,
            data={
                "user": membership.user.email,
                "role_in_body": role_in_body.value,
                "voting": is_voting,
                "organisation": str(seat.organisation) if seat.organisation else None,
            },
        )
    return seat


SEAT_FIELDS = ("role_in_body", "is_voting")


def update_body_member(*, seat: BodyMember, actor, **values) -> dict:
    """Change a current seat: its role on the body or whether it votes. Attendance already
    recorded for meetings that have started keeps the voting status the seat had then, so past
    quorums and minutes never change; rows for meetings still to come follow the seat."""
    with transaction.atomic():
        locked = (
            BodyMember.objects.select_for_update()
            .select_related("body__partnership", "user")
            .get(pk=seat.pk)
        )
        if locked.left_on is not None:
            raise DomainError(
                f"{locked.user} has left the {locked.body.name}: their seat cannot change.",
                code="already_left",
            )
        before = {f: getattr(locked, f) for f in SEAT_FIELDS}
        for name, value in values.items():
            if name not in SEAT_FIELDS:
                raise DomainError(
                    f"{name} cannot be changed here.", code="not_editable", field=name
                )
            if name == "role_in_body":
                value = BodyRole(value).value
            setattr(locked, name, value)
        changed = {
            f: [before[f], getattr(locked, f)]
            for f in SEAT_FIELDS
            if before[f] != getattr(locked, f)
        }
        if not changed:
            return {}
        if (
            "role_in_body" in changed
            and locked.role_in_body == BodyRole.CHAIR
            and locked.body.members.filter(role_in_body=BodyRole.CHAIR, left_on__isnull=True)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise DomainError(
                f"The {locked.body.name} already has a chair: change their seat first.",
                code="chair_exists",
                field="role_in_body",
            )
        locked.save(update_fields=list(changed))
        Attendance.objects.filter(
            meeting__body=locked.body_id,
            meeting__starts_at__gt=clock.now(),
            user=locked.user_id,
        ).update(role_in_body=locked.role_in_body, is_voting=locked.is_voting)
        audit.log(
            actor=actor,
            action="governance.body.member_updated",
            obj=locked.body,
            partnership=locked.body.partnership,
            data={
                "user": locked.user.email,
                "changed": changed,
            },
        )
    for name in changed:
        setattr(seat, name, getattr(locked, name))
    return changed


def remove_body_member(*, seat: BodyMember, actor, left_on=None) -> BodyMember:
    """The person leaves the body; their seat's history stays."""
    with transaction.atomic():
        locked = (
            BodyMember.objects.select_for_update().select_related("body", "user").get(pk=seat.pk)
        )
        if locked.left_on is not None:
            raise DomainError(f"{locked.user} has already left.", code="already_left")
        locked.left_on = left_on or clock.today()
        locked.save(update_fields=["left_on"])
        audit.log(
            actor=actor,
            action="governance.body.member_removed",
            obj=locked.body,
            partnership=locked.body.partnership,
            data={"user": locked.user.email, "left_on": locked.left_on},
        )
    seat.left_on = locked.left_on
    return locked


def seats_on(body, on=None):
    """Seats that are current now, or were on the day ``on``."""
    seats = body.members.select_related("user", "organisation")
    if on is None:
        return seats.filter(left_on__isnull=True)
    return seats.filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
