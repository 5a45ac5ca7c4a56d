"""The consortium, its members, services, capability matrix and work and revenue split.

The agreement covers the parties (members and lead partner), the legal model, the services,
the work and revenue split and the terms. Any change to those after someone has signed voids
every signature, says so in the audit trail (``consortium.agreement.signatures_voided``) and
sets the agreement back to draft: the functions that may do so record the number voided on the
object they return as ``voided_signatures``.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.partnerships.enums import Role

from .. import queries
from ..enums import AgreementStatus, LegalModel
from ..models import (
    Agreement,
    Capability,
    Consortium,
    ConsortiumMember,
    ConsortiumService,
    Signature,
    SplitShare,
)

HUNDRED = Decimal(100)
CONSORTIUM_FIELDS = ("name", "legal_model", "lead", "formed_on", "notes")
VOIDING_FIELDS = ("name", "legal_model", "lead")


def _void(consortium, actor, reason: str) -> int:
    """Void every valid signature on the agreement because ``reason``; back to draft."""
    agreement = Agreement.objects.select_for_update().filter(consortium=consortium).first()
    if agreement is None:
        return 0
    valid = list(agreement.signatures.filter(voided_at__isnull=True).select_related("organisation"))
    if not valid:
        return 0
    now = clock.now()
    Signature.objects.filter(pk__in=[s.pk for s in valid]).update(
        voided_at=now, void_reason=reason[:300]
    )
    was = agreement.status
    if agreement.status == AgreementStatus.SIGNED:
        agreement.status = AgreementStatus.DRAFT
        agreement.signed_at = None
        agreement.save(update_fields=["status", "signed_at"])
    audit.log(
        actor=actor,
        action="consortium.agreement.signatures_voided",
        obj=agreement,
        partnership=consortium.partnership,
        data={
            "reason": reason,
            "voided": [s.organisation.name for s in valid],
            "status": [was, agreement.status],
        },
    )
    return len(valid)


def _check_organisation(partnership, organisation, field="organisation"):
    if not partnership.memberships.filter(role=Role.SE_PARTNER, organisation=organisation).exists():
        raise DomainError(
            f"{organisation} is not a social enterprise partner in this partnership.",
            code="not_an_enterprise",
            field=field,
        )


def _check_signatory(partnership, organisation, signatory):
    if signatory is None:
        return
    if not partnership.memberships.filter(
        user=signatory, role=Role.SE_PARTNER, organisation=organisation
    ).exists():
        raise DomainError(
            f"{signatory} has not joined the partnership on behalf of {organisation}, so cannot "
            "sign for it.",
            code="not_a_signatory",
            field="signatory",
        )


# --- the consortium and its members ----------------------------------------------------------


def form_consortium(
    *,
    partnership,
    actor,
    name: str,
    legal_model: str,
    members,
    lead=None,
    formed_on=None,
    notes: str = "",
) -> Consortium:
    """The design committee's enterprises form a consortium (one per partnership), its
    agreement starting at heads of terms."""
    members = list(dict.fromkeys(members))
    if not name.strip():
        raise DomainError("Name the consortium.", code="required", field="name")
    if legal_model not in LegalModel.values:
        raise DomainError("Choose the legal model.", code="required", field="legal_model")
    if not members:
        raise DomainError("Choose at least one member.", code="required", field="members")
    for organisation in members:
        _check_organisation(partnership, organisation, "members")
    if lead is not None and lead not in members:
        raise DomainError(
            "The lead partner must be a member.", code="lead_not_member", field="lead"
        )
    with transaction.atomic():
        if Consortium.objects.filter(partnership=partnership).exists():
            raise DomainError("This partnership already has a consortium.", code="exists")
        consortium = Consortium.objects.create(
            partnership=partnership,
            name=name.strip(),
            legal_model=legal_model,
            lead=lead,
            formed_on=formed_on,
            notes=notes,
        )
        for organisation in members:
            ConsortiumMember.objects.create(
                consortium=consortium,
                organisation=organisation,
                signatory=queries.signatory_candidates(partnership, organisation).first(),
                joined_on=formed_on or clock.today(),
            )
        Agreement.objects.create(consortium=consortium, updated_by=actor)
        audit.log(
            actor=actor,
            action="consortium.created",
            obj=consortium,
            partnership=consortium.partnership,
            data={
                "name": consortium.name,
                "legal_model": legal_model,
                "lead": str(lead) if lead else None,
                "members": [o.name for o in members],
            },
        )
    partnership.__dict__.pop("_consortium_cache", None)
    return consortium


def update_consortium(*, consortium, actor, **values) -> Consortium:
    with transaction.atomic():
        current = Consortium.objects.select_for_update().get(pk=consortium.pk)
        current.partnership = consortium.partnership
        changed = {}
        for name, value in values.items():
            if name not in CONSORTIUM_FIELDS:
                raise DomainError(
                    f"{name} cannot be changed here.", code="not_editable", field=name
                )
            old = getattr(current, name)
            if old != value:
                changed[name] = [
                    str(old) if old is not None else None,
                    str(value) if value is not None else None,
                ]
                setattr(current, name, value)
        if current.lead_id and not current.members.filter(organisation=current.lead).exists():
            raise DomainError(
                "The lead partner must be a member.", code="lead_not_member", field="lead"
            )
        if current.legal_model not in LegalModel.values:
            raise DomainError("Choose the legal model.", code="required", field="legal_model")
        voided = 0
        if changed:
            current.save()
            audit.log(
                actor=actor,
                action="consortium.updated",
                obj=current,
                partnership=current.partnership,
                data={"changed": changed},
            )
            if any(f in changed for f in VOIDING_FIELDS):
                what = ", ".join(f.replace("_", " ") for f in changed if f in VOIDING_FIELDS)
                voided = _void(current, actor, f"The consortium's {what} changed.")
    consortium.refresh_from_db()
    consortium.voided_signatures = voided
    consortium.partnership.__dict__.pop("_consortium_cache", None)
    return consortium


def add_member(
    *, consortium, actor, organisation, role: str = "", signatory=None, joined_on=None
) -> ConsortiumMember:
    partnership = consortium.partnership
    _check_organisation(partnership, organisation)
    _check_signatory(partnership, organisation, signatory)
    with transaction.atomic():
        if consortium.members.filter(organisation=organisation).exists():
            raise DomainError(
                f"{organisation} is already a member.", code="duplicate", field="organisation"
            )
        member = ConsortiumMember.objects.create(
            consortium=consortium,
            organisation=organisation,
            role=role,
            signatory=signatory or queries.signatory_candidates(partnership, organisation).first(),
            joined_on=joined_on or clock.today(),
        )
        audit.log(
            actor=actor,
            action="consortium.member.added",
            obj=member,
            partnership=consortium.partnership,
            data={"organisation": organisation.name},
        )
        member.voided_signatures = _void(consortium, actor, f"{organisation} joined.")
    return member


def update_member(*, member, actor, role: str, signatory=None) -> ConsortiumMember:
    """What a member brings and who signs for it (not a term of the agreement: no signature is
    voided; a signature already given stays valid)."""
    consortium = member.consortium
    _check_signatory(consortium.partnership, member.organisation, signatory)
    with transaction.atomic():
        changed = {}
        if member.role != role:
            changed["role"] = [member.role, role]
        if member.signatory_id != (signatory.pk if signatory else None):
            changed["signatory"] = [str(member.signatory or ""), str(signatory or "")]
        member.role, member.signatory = role, signatory
        if changed:
            member.save(update_fields=["role", "signatory"])
            audit.log(
                actor=actor,
                action="consortium.member.updated",
                obj=member,
                partnership=consortium.partnership,
                data={"changed": changed},
            )
    return member


def remove_member(*, member, actor) -> int:
    consortium = member.consortium
    if consortium.lead_id == member.organisation_id:
        raise DomainError(
            "The lead partner cannot leave: choose another lead partner first.",
            code="lead_member",
        )
    with transaction.atomic():
        voided = _void(consortium, actor, f"{member.organisation} left the consortium.")
        name = member.organisation.name
        audit.log(
            actor=actor,
            action="consortium.member.removed",
            obj=consortium,
            partnership=consortium.partnership,
            data={"organisation": name},
        )
        member.delete()
    return voided


def add_service(*, consortium, actor, name: str, description: str = "") -> ConsortiumService:
    name = name.strip()
    if not name:
        raise DomainError("Name the service.", code="required", field="name")
    with transaction.atomic():
        if consortium.services.filter(name__iexact=name).exists():
            raise DomainError(f"“{name}” is already a service.", code="duplicate", field="name")
        order = (consortium.services.aggregate(n=Max("order"))["n"] or 0) + 1
        service = ConsortiumService.objects.create(
            consortium=consortium, name=name, description=description, order=order
        )
        audit.log(
            actor=actor,
            action="consortium.service.added",
            obj=service,
            partnership=consortium.partnership,
            data={"service": name},
        )
        service.voided_signatures = _void(consortium, actor, f"The service {name} was added.")
    return service


def remove_service(*, service, actor) -> int:
    consortium = service.consortium
    with transaction.atomic():
        voided = _void(consortium, actor, f"The service {service.name} was removed.")
        audit.log(
            actor=actor,
            action="consortium.service.removed",
            obj=consortium,
            partnership=consortium.partnership,
            data={"service": service.name},
        )
        service.delete()
    return voided


def add_capability(
    *, consortium, actor, member, service, geography: str, notes: str = ""
) -> Capability:
    """The capability matrix (member × service × geography) informs the split; it is not a
    term of the agreement, so no signature is voided."""
    geography = geography.strip()
    if not geography:
        raise DomainError("Name the area.", code="required", field="geography")
    if member.consortium_id != consortium.pk or service.consortium_id != consortium.pk:
        raise DomainError("Choose a member and a service of this consortium.", code="invalid")
    with transaction.atomic():
        if Capability.objects.filter(
            member=member, service=service, geography__iexact=geography
        ).exists():
            raise DomainError(
                f"{member} is already recorded for {service} in {geography}.",
                code="duplicate",
                field="geography",
            )
        capability = Capability.objects.create(
            member=member, service=service, geography=geography, notes=notes
        )
        audit.log(
            actor=actor,
            action="consortium.capability.added",
            obj=capability,
            partnership=consortium.partnership,
            data={"member": str(member), "service": service.name, "geography": geography},
        )
    return capability


def remove_capability(*, capability, actor) -> None:
    consortium = capability.member.consortium
    with transaction.atomic():
        audit.log(
            actor=actor,
            action="consortium.capability.removed",
            obj=consortium,
            partnership=consortium.partnership,
            data={
                "member": str(capability.member),
                "service": capability.service.name,
                "geography": capability.geography,
            },
        )
        capability.delete()


def set_split(*, service, actor, shares: dict) -> ConsortiumService:
    """Set one service's work and revenue split: ``shares`` maps a member to
    ``(work_percent, revenue_percent)``; each column must total exactly 100."""
    consortium = service.consortium
    work_total = sum((w for w, _ in shares.values()), Decimal(0))
    revenue_total = sum((r for _, r in shares.values()), Decimal(0))
    for member, (work, revenue) in shares.items():
        if member.consortium_id != consortium.pk:
            raise DomainError(f"{member} is not a member of {consortium}.", code="not_a_member")
        for value in (work, revenue):
            if not Decimal(0) <= value <= HUNDRED:
                raise DomainError(
                    f"{member}: percentages are between 0 and 100.",
                    code="percent_out_of_range",
                    field=f"work_{member.pk}" if value == work else f"revenue_{member.pk}",
                )
    problems = []
    if work_total != HUNDRED:
        problems.append(f"the work shares total {work_total.normalize():f} %")
    if revenue_total != HUNDRED:
        problems.append(f"the revenue shares total {revenue_total.normalize():f} %")
    if problems:
        raise DomainError(
            f"For {service.name}, " + " and ".join(problems) + ": each must total 100 %.",
            code="split_not_100",
            field="work" if work_total != HUNDRED else "revenue",
            data={"work_total": str(work_total), "revenue_total": str(revenue_total)},
        )
    with transaction.atomic():
        before = {s.member_id: (s.work_percent, s.revenue_percent) for s in service.split.all()}
        after = {m.pk: (w, r) for m, (w, r) in shares.items() if w or r}
        if before == after:
            service.voided_signatures = 0
            return service
        service.split.all().delete()
        SplitShare.objects.bulk_create(
            SplitShare(service=service, member=m, work_percent=w, revenue_percent=r)
            for m, (w, r) in shares.items()
            if w or r
        )
        audit.log(
            actor=actor,
            action="consortium.split.set",
            obj=service,
            partnership=consortium.partnership,
            data={
                "service": service.name,
                "shares": {
                    str(m): {"work": str(w), "revenue": str(r)} for m, (w, r) in shares.items()
                },
            },
        )
        service.voided_signatures = _void(
            consortium, actor, f"The work and revenue split for {service.name} changed."
        )
    return service
