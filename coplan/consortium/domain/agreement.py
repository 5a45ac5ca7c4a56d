"""The consortium agreement: heads of terms → draft → signed by every member's authorised
signatory; an edit to the terms after a signature voids every signature."""

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError

from .. import queries
from ..enums import AgreementStatus
from ..models import (
    Agreement,
    Signature,
)
from .members import _void

# --- the agreement ---------------------------------------------------------------------------


def update_agreement(*, agreement, actor, **terms) -> Agreement:
    """Change the agreement's terms; a new revision. After a signature, this voids them all."""
    consortium = agreement.consortium
    with transaction.atomic():
        current = Agreement.objects.select_for_update().get(pk=agreement.pk)
        changed = []
        for name, value in terms.items():
            if name not in Agreement.TERMS:
                raise DomainError(
                    f"{name} cannot be changed here.", code="not_editable", field=name
                )
            if getattr(current, name) != value:
                changed.append(name)
                setattr(current, name, value)
        voided = 0
        if changed:
            current.revision += 1
            current.updated_at = clock.now()
            current.updated_by = actor
            current.save()
            audit.log(
                actor=actor,
                action="consortium.agreement.updated",
                obj=current,
                partnership=consortium.partnership,
                data={"changed": changed, "revision": current.revision},
            )
            labels = ", ".join(Agreement._meta.get_field(f).verbose_name for f in changed)
            voided = _void(consortium, actor, f"The agreement's {labels} changed.")
    agreement.refresh_from_db()
    agreement.voided_signatures = voided
    return agreement


def agree_heads_of_terms(*, agreement, actor) -> Agreement:
    """Heads of terms agreed: the agreement moves to draft, ready to be signed."""
    consortium = agreement.consortium
    with transaction.atomic():
        current = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if current.status != AgreementStatus.HEADS_OF_TERMS:
            raise DomainError("The heads of terms are already agreed.", code="already_agreed")
        if consortium.members.count() < 2:
            raise DomainError("A consortium needs at least two members.", code="too_few_members")
        if consortium.lead_id is None:
            raise DomainError("Choose the lead partner first.", code="no_lead")
        if not current.heads_of_terms.strip():
            raise DomainError(
                "Write the heads of terms first.", code="no_heads_of_terms", field="heads_of_terms"
            )
        current.status = AgreementStatus.DRAFT
        current.heads_agreed_at = clock.now()
        current.save(update_fields=["status", "heads_agreed_at"])
        audit.log(
            actor=actor,
            action="consortium.agreement.heads_agreed",
            obj=current,
            partnership=consortium.partnership,
            data={"revision": current.revision},
        )
    agreement.refresh_from_db()
    return agreement


def sign_agreement(*, agreement, actor, member) -> Signature:
    """``member``'s authorised signatory signs the draft; when every member has, it is
    signed."""
    consortium = agreement.consortium
    with transaction.atomic():
        current = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if current.status == AgreementStatus.HEADS_OF_TERMS:
            raise DomainError("Agree the heads of terms before anyone signs.", code="not_draft")
        if member.consortium_id != consortium.pk:
            raise DomainError(f"{member} is not a member of {consortium}.", code="not_a_member")
        if member.signatory_id != actor.pk:
            raise DomainError(
                f"Only {member.organisation}'s authorised signatory can sign for it.",
                code="not_the_signatory",
            )
        if current.signatures.filter(member=member, voided_at__isnull=True).exists():
            raise DomainError(f"{member} has already signed this revision.", code="signed")
        splits = queries.split_of(consortium)
        if not splits:
            raise DomainError(
                "Add the services and their split before signing.", code="no_services"
            )
        incomplete = [s.service.name for s in splits if not s.complete]
        if incomplete:
            raise DomainError(
                "The work and revenue split must total 100 % for every service before anyone "
                f"signs: {', '.join(incomplete)}.",
                code="split_incomplete",
            )
        signature = Signature.objects.create(
            agreement=current,
            member=member,
            organisation=member.organisation,
            signed_by=actor,
            revision=current.revision,
        )
        audit.log(
            actor=actor,
            action="consortium.agreement.signed",
            obj=current,
            partnership=consortium.partnership,
            data={"member": str(member), "revision": current.revision},
        )
        signed = set(
            current.signatures.filter(voided_at__isnull=True).values_list("member_id", flat=True)
        )
        if signed >= set(consortium.members.values_list("pk", flat=True)):
            current.status = AgreementStatus.SIGNED
            current.signed_at = signature.signed_at
            current.save(update_fields=["status", "signed_at"])
            audit.log(
                actor=actor,
                action="consortium.agreement.completed",
                obj=current,
                partnership=consortium.partnership,
                data={"revision": current.revision, "members": len(signed)},
            )
    agreement.refresh_from_db()
    return signature
