"""Consortium API: the consortium, its members, capabilities, services and split, the
agreement and its signatures, and the consortium-level costs. The same domain functions and
permissions as the pages; refusals are problem bodies (404 outsiders, 403 role, 422 rule).
Changes that void signatures report how many in ``voided_signatures``."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from coplan.core.errors import DomainError
from coplan.core.schemas import PatchSchema
from coplan.costing.calc import pennies
from coplan.partnerships.queries import get_for

from . import domain, queries
from .enums import AgreementStatus, LegalModel
from .models import Agreement, Capability, Consortium, ConsortiumMember, ConsortiumService

router = Router(tags=["consortium"])
BASE = "/partnerships/{int:pk}/consortium"


def _money(value) -> str | None:
    return None if value is None else str(pennies(value))


class ConsortiumOrganisationRef(Schema):
    id: int
    name: str


class ConsortiumPersonRef(Schema):
    id: int
    full_name: str


class ConsortiumMemberOut(Schema):
    id: int
    organisation: ConsortiumOrganisationRef
    role: str
    signatory: ConsortiumPersonRef | None
    joined_on: dt.date
    is_lead: bool = False

    @staticmethod
    def resolve_is_lead(obj):
        return obj.consortium.lead_id == obj.organisation_id


class ConsortiumServiceOut(Schema):
    id: int
    name: str
    description: str


class ConsortiumOut(Schema):
    id: int
    name: str
    legal_model: LegalModel
    legal_model_label: str
    lead: ConsortiumOrganisationRef | None
    formed_on: dt.date | None
    notes: str
    agreement_status: AgreementStatus
    members: list[ConsortiumMemberOut]
    services: list[ConsortiumServiceOut]
    voided_signatures: int = 0

    @staticmethod
    def resolve_legal_model_label(obj):
        return obj.get_legal_model_display()

    @staticmethod
    def resolve_agreement_status(obj):
        return obj.agreement.status

    @staticmethod
    def resolve_members(obj):
        return list(queries.members_of(obj))

    @staticmethod
    def resolve_services(obj):
        return list(obj.services.all())

    @staticmethod
    def resolve_voided_signatures(obj):
        return getattr(obj, "voided_signatures", 0)


class ConsortiumIn(Schema):
    name: str
    legal_model: LegalModel
    member_ids: list[int] = Field(min_length=1)
    lead_id: int | None = None
    formed_on: dt.date | None = None
    notes: str = ""


class ConsortiumPatch(PatchSchema):
    django_model = Consortium

    name: str | None = None
    legal_model: LegalModel | None = None
    lead_id: int | None = None
    formed_on: dt.date | None = None
    notes: str | None = None


class ConsortiumMemberIn(Schema):
    organisation_id: int
    role: str = ""
    signatory_id: int | None = None


class MemberPatch(PatchSchema):
    django_model = ConsortiumMember

    role: str = ""
    signatory_id: int | None = None


class ConsortiumServiceIn(Schema):
    name: str
    description: str = ""


class CapabilityOut(Schema):
    id: int
    member_id: int
    organisation: str
    service_id: int
    service: str
    geography: str
    notes: str

    @staticmethod
    def resolve_organisation(obj):
        return obj.member.organisation.name

    @staticmethod
    def resolve_service(obj):
        return obj.service.name


class CapabilityIn(Schema):
    member_id: int
    service_id: int
    geography: str
    notes: str = ""


class ShareOut(Schema):
    member_id: int
    organisation: str
    work_percent: str
    revenue_percent: str


class SplitOut(Schema):
    service_id: int
    service: str
    complete: bool
    work_total: str
    revenue_total: str
    shares: list[ShareOut]
    voided_signatures: int = 0


class ConsortiumShareIn(Schema):
    member_id: int
    work_percent: Decimal = Field(ge=0, le=100, decimal_places=2)
    revenue_percent: Decimal = Field(ge=0, le=100, decimal_places=2)


class SplitIn(Schema):
    shares: list[ConsortiumShareIn]


class SignatureOut(Schema):
    member_id: int | None
    organisation: str
    signed_by: ConsortiumPersonRef
    signed_at: dt.datetime
    revision: int
    voided_at: dt.datetime | None
    void_reason: str

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name


class AgreementOut(Schema):
    status: AgreementStatus
    revision: int
    heads_of_terms: str
    governance: str
    liability: str
    disputes: str
    exit: str
    data_sharing: str
    heads_agreed_at: dt.datetime | None
    signed_at: dt.datetime | None
    signatures: list[SignatureOut]
    voided_signatures: int = 0

    @staticmethod
    def resolve_signatures(obj):
        return list(queries.signature_history(obj))

    @staticmethod
    def resolve_voided_signatures(obj):
        return getattr(obj, "voided_signatures", 0)


class AgreementPatch(PatchSchema):
    django_model = Agreement

    heads_of_terms: str | None = None
    governance: str | None = None
    liability: str | None = None
    disputes: str | None = None
    exit: str | None = None
    data_sharing: str | None = None


class SignIn(Schema):
    member_id: int


class MemberCostOut(Schema):
    member_id: int
    organisation: str
    work_percent: str
    version: int | None
    full_cost: str | None
    units: str | None
    unit_cost: str | None
    price: str | None


class ServiceCostOut(Schema):
    service_id: int
    service: str
    full_cost: str
    units: str
    unit_cost: str | None
    unit_price: str | None
    members: list[MemberCostOut]


class CostsOut(Schema):
    shared_only: bool
    services: list[ServiceCostOut]


def _partnership(request, pk, perm="consortium.view_consortium"):
    return get_for(request.user, pk, perm)


def _consortium(partnership):
    consortium = queries.consortium_for(partnership)
    if consortium is None:
        raise Http404("No consortium yet")
    return consortium


def _enterprise(partnership, organisation_id, field):
    found = queries.candidate_organisations(partnership).filter(pk=organisation_id).first()
    if found is None:
        raise DomainError(
            "Choose a social enterprise in this partnership.", code="not_an_enterprise", field=field
        )
    return found


def _person(partnership, organisation, user_id):
    if user_id is None:
        return None
    found = queries.signatory_candidates(partnership, organisation).filter(pk=user_id).first()
    if found is None:
        raise DomainError(
            f"That person has not joined on behalf of {organisation}.",
            code="not_a_signatory",
            field="signatory_id",
        )
    return found


def _split_out(split, voided=0) -> dict:
    return {
        "service_id": split.service.pk,
        "service": split.service.name,
        "complete": split.complete,
        "work_total": f"{split.work_total.normalize():f}",
        "revenue_total": f"{split.revenue_total.normalize():f}",
        "shares": [
            {
                "member_id": r.member.pk,
                "organisation": r.member.organisation.name,
                "work_percent": f"{r.work.normalize():f}",
                "revenue_percent": f"{r.revenue.normalize():f}",
            }
            for r in split.rows
        ],
        "voided_signatures": voided,
    }


@router.get(BASE, response=ConsortiumOut)
def get_consortium(request, pk: int):
    return _consortium(_partnership(request, pk))


@router.post(BASE, response={201: ConsortiumOut})
def form_consortium(request, pk: int, payload: ConsortiumIn):
    partnership = _partnership(request, pk, "consortium.form_consortium")
    members = [_enterprise(partnership, i, "member_ids") for i in payload.member_ids]
    lead = _enterprise(partnership, payload.lead_id, "lead_id") if payload.lead_id else None
    domain.form_consortium(
        partnership=partnership,
        actor=request.user,
        name=payload.name,
        legal_model=payload.legal_model,
        members=members,
        lead=lead,
        formed_on=payload.formed_on,
        notes=payload.notes,
    )
    return Status(201, _consortium(partnership))


@router.patch(BASE, response=ConsortiumOut)
def update_consortium(request, pk: int, payload: ConsortiumPatch):
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    data = payload.dict(exclude_unset=True)
    if "lead_id" in data:
        lead_id = data.pop("lead_id")
        data["lead"] = _enterprise(partnership, lead_id, "lead_id") if lead_id else None
    updated = domain.update_consortium(consortium=consortium, actor=request.user, **data)
    result = _consortium(partnership)
    result.voided_signatures = updated.voided_signatures
    return result


@router.get(f"{BASE}/members", response=list[ConsortiumMemberOut])
def list_members(request, pk: int):
    return list(queries.members_of(_consortium(_partnership(request, pk))))


@router.post(f"{BASE}/members", response={201: ConsortiumMemberOut})
def add_member(request, pk: int, payload: ConsortiumMemberIn):
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    organisation = _enterprise(partnership, payload.organisation_id, "organisation_id")
    member = domain.add_member(
        consortium=consortium,
        actor=request.user,
        organisation=organisation,
        role=payload.role,
        signatory=_person(partnership, organisation, payload.signatory_id),
    )
    return Status(201, member)


@router.patch(f"{BASE}/members/{{int:member_id}}", response=ConsortiumMemberOut)
def update_member(request, pk: int, member_id: int, payload: MemberPatch):
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    member = get_object_or_404(ConsortiumMember, consortium=consortium, pk=member_id)
    return domain.update_member(
        member=member,
        actor=request.user,
        role=payload.role,
        signatory=_person(partnership, member.organisation, payload.signatory_id),
    )


@router.delete(f"{BASE}/members/{{int:member_id}}", response={204: None})
def remove_member(request, pk: int, member_id: int):
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    member = get_object_or_404(ConsortiumMember, consortium=consortium, pk=member_id)
    domain.remove_member(member=member, actor=request.user)
    return Status(204, None)


@router.get(f"{BASE}/services", response=list[ConsortiumServiceOut])
def list_services(request, pk: int):
    return list(_consortium(_partnership(request, pk)).services.all())


@router.post(f"{BASE}/services", response={201: ConsortiumServiceOut})
def add_service(request, pk: int, payload: ConsortiumServiceIn):
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    service = domain.add_service(
        consortium=_consortium(partnership), actor=request.user, **payload.dict()
    )
    return Status(201, service)


@router.delete(f"{BASE}/services/{{int:service_id}}", response={204: None})
def remove_service(request, pk: int, service_id: int):
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    service = get_object_or_404(
        ConsortiumService, consortium=_consortium(partnership), pk=service_id
    )
    domain.remove_service(service=service, actor=request.user)
    return Status(204, None)


@router.get(f"{BASE}/capabilities", response=list[CapabilityOut])
def list_capabilities(request, pk: int):
    """The capability matrix as rows: member × service × geography."""
    return list(queries.capabilities_of(_consortium(_partnership(request, pk))))


@router.post(f"{BASE}/capabilities", response={201: CapabilityOut})
def add_capability(request, pk: int, payload: CapabilityIn):
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    member = consortium.members.filter(pk=payload.member_id).first()
    service = consortium.services.filter(pk=payload.service_id).first()
    if member is None:
        raise DomainError("No such member.", code="not_a_member", field="member_id")
    if service is None:
        raise DomainError("No such service.", code="no_service", field="service_id")
    capability = domain.add_capability(
        consortium=consortium,
        actor=request.user,
        member=member,
        service=service,
        geography=payload.geography,
        notes=payload.notes,
    )
    return Status(201, capability)


@router.delete(f"{BASE}/capabilities/{{int:capability_id}}", response={204: None})
def remove_capability(request, pk: int, capability_id: int):
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    capability = get_object_or_404(
        Capability, member__consortium=_consortium(partnership), pk=capability_id
    )
    domain.remove_capability(capability=capability, actor=request.user)
    return Status(204, None)


@router.get(f"{BASE}/split", response=list[SplitOut])
def get_split(request, pk: int):
    """Each service's work and revenue split (each column totals 100 when ``complete``)."""
    consortium = _consortium(_partnership(request, pk, "consortium.view_commercial"))
    return [_split_out(s) for s in queries.split_of(consortium)]


@router.put(f"{BASE}/split/{{int:service_id}}", response=SplitOut)
def set_split(request, pk: int, service_id: int, payload: SplitIn):
    """Replace one service's split; the work and the revenue shares must each total 100."""
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    consortium = _consortium(partnership)
    service = get_object_or_404(ConsortiumService, consortium=consortium, pk=service_id)
    members = {m.pk: m for m in consortium.members.select_related("organisation")}
    shares = {}
    for i, share in enumerate(payload.shares):
        if share.member_id not in members:
            raise DomainError("No such member.", code="not_a_member", field=f"shares.{i}.member_id")
        shares[members[share.member_id]] = (share.work_percent, share.revenue_percent)
    updated = domain.set_split(service=service, actor=request.user, shares=shares)
    found = next(s for s in queries.split_of(consortium) if s.service.pk == service.pk)
    return _split_out(found, updated.voided_signatures)


@router.get(f"{BASE}/agreement", response=AgreementOut)
def get_agreement(request, pk: int):
    """The agreement with every signature, valid or voided."""
    return _consortium(_partnership(request, pk, "consortium.view_commercial")).agreement


@router.patch(f"{BASE}/agreement", response=AgreementOut)
def update_agreement(request, pk: int, payload: AgreementPatch):
    """Change the terms. After a signature this voids every signature (``voided_signatures``)."""
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    agreement = _consortium(partnership).agreement
    return domain.update_agreement(
        agreement=agreement,
        actor=request.user,
        **payload.dict(exclude_unset=True, exclude_none=True),
    )


@router.post(f"{BASE}/agreement/heads-of-terms", response=AgreementOut)
def agree_heads_of_terms(request, pk: int):
    partnership = _partnership(request, pk, "consortium.manage_consortium")
    return domain.agree_heads_of_terms(
        agreement=_consortium(partnership).agreement, actor=request.user
    )


@router.post(f"{BASE}/agreement/signatures", response={201: SignatureOut})
def sign(request, pk: int, payload: SignIn):
    """Sign for a member whose authorised signatory you are."""
    partnership = _partnership(request, pk, "consortium.sign_agreement")
    consortium = _consortium(partnership)
    member = get_object_or_404(ConsortiumMember, consortium=consortium, pk=payload.member_id)
    if member.signatory_id != request.user.pk:
        raise PermissionDenied(f"Only {member.organisation}'s authorised signatory can sign.")
    signature = domain.sign_agreement(
        agreement=consortium.agreement, actor=request.user, member=member
    )
    return Status(201, signature)


@router.get(f"{BASE}/costs", response=CostsOut)
def costs(request, pk: int):
    """The consortium-level cost model: members' newest locked models summed per service."""
    partnership = _partnership(request, pk, "consortium.view_costs")
    consortium = _consortium(partnership)
    shared_only = not request.user.has_perm("consortium.view_all_costs", partnership)
    services = []
    for s in queries.cost_summary(consortium, shared_only=shared_only):
        services.append(
            {
                "service_id": s.service.pk,
                "service": s.service.name,
                "full_cost": _money(s.full_cost),
                "units": f"{s.units.normalize():f}",
                "unit_cost": _money(s.unit_cost),
                "unit_price": _money(s.unit_price),
                "members": [
                    {
                        "member_id": r.member.pk,
                        "organisation": r.member.organisation.name,
                        "work_percent": f"{r.work_percent.normalize():f}",
                        "version": r.version.number if r.version else None,
                        "full_cost": _money(r.full_cost),
                        "units": f"{r.units.normalize():f}" if r.units is not None else None,
                        "unit_cost": _money(r.unit_cost),
                        "price": _money(r.price),
                    }
                    for r in s.rows
                ],
            }
        )
    return {"shared_only": shared_only, "services": services}
