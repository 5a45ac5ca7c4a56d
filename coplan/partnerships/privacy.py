"""Personal data the partnerships app holds (see ``coplan.core.privacy``)."""

import datetime as dt

from django.db.models import Q

from coplan.core.privacy import Category, register

from .models import Invitation, Membership, StageChange


def export_memberships(person):
    return [
        {
            "partnership": m.partnership.title,
            "role": m.get_role_display(),
            "organisation": m.organisation.name if m.organisation_id else "",
        }
        for m in Membership.objects.filter(user=person).select_related(
            "partnership", "organisation"
        )
    ] + [
        {
            "stage_change": str(c),
            "partnership": c.partnership.title,
            "at": c.created_at,
            "reason": c.reason,
        }
        for c in StageChange.objects.filter(actor=person).select_related("partnership")
    ]


def export_invitations(person):
    return [
        {
            "partnership": i.partnership.title,
            "email": i.email,
            "full_name": i.full_name,
            "sent_at": i.created_at,
            "accepted_at": i.accepted_at,
        }
        for i in Invitation.objects.filter(email__iexact=person.email).select_related("partnership")
    ]


def erase_invitations(person):
    count = 0
    for invitation in Invitation.objects.filter(email__iexact=person.email):
        invitation.email = f"erased-invitation-{invitation.pk}@erased.invalid"
        invitation.full_name = ""
        invitation.save(update_fields=["email", "full_name"])
        count += 1
    return count


def retain_invitations(today, dry_run):
    """Invitations never accepted are deleted 90 days after they expired or were revoked."""
    cutoff = today - dt.timedelta(days=90)
    stale = Invitation.objects.filter(accepted_at__isnull=True).filter(
        Q(expires_at__date__lt=cutoff) | Q(revoked_at__date__lt=cutoff)
    )
    if dry_run:
        return stale.count()
    deleted, _ = stale.delete()
    return deleted


register(
    Category(
        key="partnerships.members",
        title="Partnership members and their roles",
        holds="Which partnerships a person belongs to, their role and organisation, and the "
        "stage decisions they recorded.",
        about="Partners: council, third-sector and private-sector staff.",
        purpose="To run the partnership: who may see and do what, and who decided what.",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)).",
        retention="For the life of the partnership and then as the council's records "
        "retention schedule requires for procurement records.",
        export=export_memberships,
        notice="If you are a partner, we record which partnerships you are part of and your role.",
    )
)
register(
    Category(
        key="partnerships.invitations",
        title="Invitations to join a partnership",
        holds="The email address and name an invitation was sent to.",
        about="People invited to join a partnership.",
        purpose="To let the invited person create their account and join.",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)).",
        retention="Deleted 90 days after an invitation expired or was withdrawn unused.",
        export=export_invitations,
        erase=erase_invitations,
        retain=retain_invitations,
    )
)
