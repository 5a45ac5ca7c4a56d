"""Business actions on a partnership: each guards, changes, saves, audits and notifies in one
transaction (pretalx ``set_submission_state``)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.core.models import Affiliation, OrganisationType

from . import gates
from .enums import Role, Stage, StageChangeKind
from .models import Invitation, Membership, Partnership, StageChange
from .timeline import check_partnership

DETAIL_FIELDS = ("title", "service_area", "summary", "lead_authority", "intermediary")
TIMELINE_FIELDS = (
    "started_on",
    "design_ends_on",
    "pilot_starts_on",
    "pilot_ends_on",
    "spec_freeze_on",
    "tender_on",
)


def _changes(before: dict, partnership, fields) -> dict:
    changed = {}
    for name in fields:
        old, new = before[name], getattr(partnership, name)
        if old != new:
            changed[name] = [
                str(old) if old is not None else None,
                str(new) if new is not None else None,
            ]
    return changed


def starting_organisation(user):
    """The organisation ``user`` starts a partnership for: their council or health body, or
    else their intermediary; ``None`` for someone affiliated with neither."""
    for types in (OrganisationType.public_sector(), {OrganisationType.INTERMEDIARY}):
        found = user.organisations.filter(type__in=types).order_by("pk").first()
        if found is not None:
            return found
    return None


def starter_role(organisation) -> Role:
    """The seat the starter of a partnership takes for ``organisation``: an intermediary's
    people facilitate, anyone else (or no organisation) commissions."""
    if organisation is not None and organisation.type == OrganisationType.INTERMEDIARY:
        return Role.FACILITATOR
    return Role.COMMISSIONER


def create_partnership(*, actor, organisation=None, **fields) -> Partnership:
    """Create a PSP. Its starter takes the seat their organisation (by default
    :func:`starting_organisation`) gives them: from a council or health body, its commissioner;
    from an intermediary, its facilitator, with that intermediary as the partnership's (chosen
    for them when left empty, refused when it is another one); a site administrator affiliated
    with neither becomes commissioner for the lead authority."""
    organisation = organisation or starting_organisation(actor)
    facilitates = starter_role(organisation) == Role.FACILITATOR
    with transaction.atomic():
        partnership = Partnership(**fields)
        if facilitates and partnership.intermediary_id is None:
            partnership.intermediary = organisation
        if facilitates and partnership.intermediary_id != organisation.pk:
            raise DomainError(
                f"You work for {organisation}: start the partnership with {organisation} as "
                "its intermediary, or ask that intermediary's facilitator to start it.",
                code="not_your_intermediary",
                field="intermediary",
            )
        partnership.full_clean()
        partnership.save()
        role = starter_role(organisation)
        Membership.objects.create(
            partnership=partnership,
            user=actor,
            role=role,
            organisation=organisation or partnership.lead_authority,
        )
        audit.log(
            actor=actor,
            action="partnership.created",
            obj=partnership,
            partnership=partnership,
            data={"title": partnership.title, "stage": partnership.stage, "starter": role.value},
        )
    return partnership


def update_partnership(*, partnership, actor, fields=DETAIL_FIELDS, **values) -> dict:
    """Change details or timeline dates; returns what changed (old and new)."""
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        before = {name: getattr(locked, name) for name in fields}
        for name, value in values.items():
            if name not in fields:
                raise DomainError(
                    f"{name} cannot be changed here.", code="not_editable", field=name
                )
            setattr(locked, name, value)
        locked.full_clean()
        changed = _changes(before, locked, fields)
        if changed:
            locked.save()
            action = (
                "partnership.timeline.updated"
                if fields == TIMELINE_FIELDS
                else "partnership.updated"
            )
            data = {"changed": changed}
            if fields == TIMELINE_FIELDS:
                check = check_partnership(locked)
                data["errors"] = [f.code for f in check.errors]
                data["warnings"] = [f.code for f in check.warnings]
            audit.log(actor=actor, action=action, obj=locked, partnership=locked, data=data)
    partnership.refresh_from_db()
    return changed


def update_timeline(*, partnership, actor, **dates) -> dict:
    return update_partnership(partnership=partnership, actor=actor, fields=TIMELINE_FIELDS, **dates)


class GateRefused(DomainError):
    def __init__(self, report: gates.GateReport):
        reasons = [f"{r.criterion.label}: {r.detail}" for r in report.blocking]
        if report.next_stage is None:
            reasons = ["Contract and monitoring is the last stage."]
        super().__init__(
            "The stage cannot advance: " + " ".join(reasons),
            code="gate_refused",
            data={"reasons": reasons, "criteria": report.as_list()},
        )
        self.report = report
        self.reasons = reasons


def advance_stage(*, partnership, actor, confirmed=frozenset(), note: str = "") -> StageChange:
    """Move to the next stage if every hard exit criterion is met (manual ones confirmed).

    A refusal is recorded and audited in its own transaction, then raised as
    :class:`GateRefused` with the reasons.
    """
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        report = gates.evaluate(locked, set(confirmed))
        if report.can_advance:
            change = StageChange.objects.create(
                partnership=locked,
                kind=StageChangeKind.ADVANCED,
                from_stage=locked.stage,
                to_stage=report.next_stage,
                reason=note,
                criteria=report.as_list(),
                actor=actor,
            )
            locked.stage = report.next_stage
            locked.save(update_fields=["stage", "updated_at"])
            audit.log(
                actor=actor,
                action="partnership.stage.advanced",
                obj=locked,
                partnership=locked,
                data={
                    "from": change.from_stage,
                    "to": change.to_stage,
                    "note": note,
                    "confirmed": sorted(confirmed),
                },
            )
            partnership.stage = locked.stage
            return change
    refused = GateRefused(report)
    with transaction.atomic():
        StageChange.objects.create(
            partnership=partnership,
            kind=StageChangeKind.REFUSED,
            from_stage=report.stage,
            to_stage=report.next_stage or report.stage,
            reason="\n".join(refused.reasons),
            criteria=report.as_list(),
            actor=actor,
        )
        audit.log(
            actor=actor,
            action="partnership.stage.advance_refused",
            obj=partnership,
            partnership=partnership,
            data={"reasons": refused.reasons},
        )
    raise refused


def loop_back(*, partnership, actor, to_stage, reason: str) -> StageChange:
    """Return to an earlier stage (e.g. pilot → service design) with a recorded reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "Say why the partnership is going back a stage.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        current = Stage(locked.stage)
        try:
            target = Stage(to_stage)
        except ValueError:
            raise DomainError(
                f"{to_stage!r} is not a stage.", code="invalid_stage", field="to_stage"
            ) from None
        if target not in current.earlier:
            raise DomainError(
                f"A partnership in {current.label} can only go back to an earlier stage.",
                code="not_earlier",
                field="to_stage",
            )
        change = StageChange.objects.create(
            partnership=locked,
            kind=StageChangeKind.LOOPED_BACK,
            from_stage=current,
            to_stage=target,
            reason=reason,
            actor=actor,
        )
        locked.stage = target
        locked.save(update_fields=["stage", "updated_at"])
        audit.log(
            actor=actor,
            action="partnership.stage.looped_back",
            obj=locked,
            partnership=locked,
            data={"from": current.value, "to": target.value, "reason": reason},
        )
    partnership.stage = target
    return change


def _guard_commissioner_grant(partnership, actor, roles) -> None:
    """Only a commissioner can make someone a commissioner (the role that moves stages)."""
    if (
        Role.COMMISSIONER in roles
        and not partnership.memberships.filter(user=actor, role=Role.COMMISSIONER).exists()
    ):
        raise DomainError(
            "Only a commissioner can give someone the commissioner role.",
            code="commissioner_only",
            field="roles",
        )


def invite_member(
    *,
    partnership,
    actor,
    email,
    roles,
    organisation=None,
    full_name="",
    base_url: str | None = None,
) -> tuple[Invitation, str]:
    """Invite a person by email with a one-time link; returns the invitation and the raw token."""
    roles = sorted({Role(r).value for r in roles})
    if not roles:
        raise DomainError("Choose at least one role.", code="roles_required", field="roles")
    _guard_commissioner_grant(partnership, actor, roles)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            "Enter an email address in the correct format, like name@example.org",
            code="invalid_email",
            field="email",
        ) from None
    existing = set(
        partnership.memberships.filter(user__email__iexact=email).values_list("role", flat=True)
    )
    if existing and set(roles) <= existing:
        raise DomainError(
            f"{email} already holds these roles in this partnership.",
            code="already_member",
            field="email",
        )
    raw = Invitation.new_raw_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            partnership=partnership,
            email=email,
            full_name=full_name,
            roles=roles,
            organisation=organisation,
            token_hash=Invitation.hash(raw),
            invited_by=actor,
            expires_at=clock.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        audit.log(
            actor=actor,
            action="partnership.member.invited",
            obj=invitation,
            partnership=partnership,
            data={"email": email, "roles": roles},
        )
        link = (base_url or settings.SITE_URL) + reverse("partnerships:invitation", args=[raw])
        transaction.on_commit(
            lambda: send_mail(
                f"You are invited to the {partnership.title} partnership on Coplan",
                f"{actor} has invited you to join {partnership.title} as "
                f"{', '.join(invitation.role_labels)}.\n\nAccept the invitation (valid for "
                f"{settings.INVITATION_VALID_DAYS} days, usable once):\n{link}\n",
                None,
                [email],
            )
        )
    return invitation, raw


def find_invitation(raw: str) -> Invitation | None:
    return (
        Invitation.objects.pending()
        .select_related("partnership", "organisation")
        .filter(token_hash=Invitation.hash(raw))
        .first()
    )


def accept_invitation(*, invitation, user) -> list[Membership]:
    if user.email.lower() != invitation.email.lower():
        raise DomainError(
            f"This invitation is for {invitation.email}; sign out and accept it as that person.",
            code="wrong_person",
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending:
            raise DomainError(
                "This invitation has already been used or has expired.", code="invitation_used"
            )
        memberships = [
            Membership.objects.get_or_create(
                partnership=locked.partnership,
                user=user,
                role=role,
                defaults={"organisation": locked.organisation},
            )[0]
            for role in locked.roles
        ]
        if locked.organisation:
            Affiliation.objects.get_or_create(user=user, organisation=locked.organisation)
        locked.accepted_at = clock.now()
        locked.save(update_fields=["accepted_at"])
        audit.log(
            actor=user,
            action="partnership.member.joined",
            obj=locked,
            partnership=locked.partnership,
            data={"roles": locked.roles},
        )
    return memberships


def revoke_invitation(*, invitation, actor) -> None:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending:
            raise DomainError("Only a pending invitation can be withdrawn.", code="not_pending")
        locked.revoked_at = clock.now()
        locked.save(update_fields=["revoked_at"])
        audit.log(
            actor=actor,
            action="partnership.member.invitation_revoked",
            obj=locked,
            partnership=locked.partnership,
            data={"email": locked.email},
        )


def add_member(*, partnership, actor, user, role, organisation=None) -> Membership:
    """Give an existing person a role directly (used by the API and the demo)."""
    role = Role(role)
    _guard_commissioner_grant(partnership, actor, [role])
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            partnership=partnership,
            user=user,
            role=role,
            defaults={"organisation": organisation},
        )
        if not created:
            raise DomainError(
                f"{user} is already {role.label} in this partnership.",
                code="already_member",
                field="role",
            )
        if organisation:
            Affiliation.objects.get_or_create(user=user, organisation=organisation)
        audit.log(
            actor=actor,
            action="partnership.member.added",
            obj=membership,
            partnership=partnership,
            data={"user": user.email, "role": role.value},
        )
    return membership


def remove_member(*, membership, actor) -> None:
    with transaction.atomic():
        partnership = Partnership.objects.select_for_update().get(pk=membership.partnership_id)
        if (
            membership.role == Role.COMMISSIONER
            and partnership.memberships.filter(role=Role.COMMISSIONER).count() == 1
        ):
            raise DomainError(
                "A partnership always needs a commissioner: add another first.",
                code="last_commissioner",
            )
        data = {"user": membership.user.email, "role": membership.role}
        membership.delete()
        audit.log(
            actor=actor,
            action="partnership.member.removed",
            obj=partnership,
            partnership=partnership,
            data=data,
        )
