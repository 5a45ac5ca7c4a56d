"""Reusable reads, including what the tender app needs to treat the consortium as one bidder.

from coplan.consortium.queries import bidder_for, consortium_for, members_of
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from coplan.core.models import Organisation, User
from coplan.costing.queries import locked_models
from coplan.partnerships.enums import Role

from .enums import AgreementStatus
from .models import (
    Capability,
    Consortium,
    ConsortiumMember,
    ConsortiumService,
    Signature,
    SplitShare,
)

HUNDRED = Decimal(100)


def consortium_for(partnership) -> Consortium | None:
    """The partnership's consortium (one per partnership), or ``None``."""
    return (
        Consortium.objects.select_related("lead", "agreement", "partnership")
        .filter(partnership=partnership)
        .first()
    )


def members_of(consortium):
    """Members with their organisation and authorised signatory, by name."""
    return consortium.members.select_related("organisation", "signatory").order_by(
        "organisation__name"
    )


@dataclass(frozen=True)
class Bidder:
    """The consortium as one bidder: one bid, the members disclosed."""

    name: str
    lead: Organisation | None
    members: tuple[Organisation, ...]
    legal_model: str
    legal_model_label: str
    agreement_status: str
    agreement_signed: bool
    consortium: Consortium = field(repr=False)

    @property
    def disclosure(self) -> str:
        """“Homereach (lead partner RECAP; members Beulah Scotland, RECAP, …)”."""
        names = ", ".join(o.name for o in self.members)
        lead = f"lead partner {self.lead}; " if self.lead else ""
        return f"{self.name} ({lead}members {names})"


def bidder_for(partnership) -> Bidder | None:
    consortium = consortium_for(partnership)
    if consortium is None:
        return None
    agreement = getattr(consortium, "agreement", None)
    return Bidder(
        name=consortium.name,
        lead=consortium.lead,
        members=tuple(m.organisation for m in members_of(consortium)),
        legal_model=consortium.legal_model,
        legal_model_label=consortium.get_legal_model_display(),
        agreement_status=agreement.status if agreement else AgreementStatus.HEADS_OF_TERMS,
        agreement_signed=bool(agreement and agreement.status == AgreementStatus.SIGNED),
        consortium=consortium,
    )


def candidate_organisations(partnership):
    """Organisations that can join: the partnership's social enterprise partners."""
    return (
        Organisation.objects.filter(
            memberships__partnership=partnership, memberships__role=Role.SE_PARTNER
        )
        .distinct()
        .order_by("name")
    )


def signatory_candidates(partnership, organisation):
    """People who joined the partnership as a social enterprise partner for ``organisation``."""
    return (
        User.objects.filter(
            memberships__partnership=partnership,
            memberships__role=Role.SE_PARTNER,
            memberships__organisation=organisation,
        )
        .distinct()
        .order_by("full_name")
    )


def services_of(consortium):
    return consortium.services.prefetch_related(
        Prefetch(
            "split",
            queryset=SplitShare.objects.select_related("member__organisation"),
        )
    ).order_by("order", "pk")


def capabilities_of(consortium):
    return Capability.objects.filter(member__consortium=consortium).select_related(
        "member__organisation", "service"
    )


@dataclass
class MatrixCell:
    capabilities: list[Capability] = field(default_factory=list)

    @property
    def geographies(self) -> list[str]:
        return [c.geography for c in self.capabilities]


def capability_matrix(consortium):
    """``(members, services, rows)``; each row is ``(member, [MatrixCell per service])``."""
    members = list(members_of(consortium))
    services = list(consortium.services.order_by("order", "pk"))
    cells = {(m.pk, s.pk): MatrixCell() for m in members for s in services}
    for capability in capabilities_of(consortium):
        cells[(capability.member_id, capability.service_id)].capabilities.append(capability)
    rows = [(m, [cells[(m.pk, s.pk)] for s in services]) for m in members]
    return members, services, rows


@dataclass
class SplitRow:
    member: ConsortiumMember
    work: Decimal
    revenue: Decimal


@dataclass
class ServiceSplit:
    service: ConsortiumService
    rows: list[SplitRow]

    @property
    def work_total(self) -> Decimal:
        return sum((r.work for r in self.rows), Decimal(0))

    @property
    def revenue_total(self) -> Decimal:
        return sum((r.revenue for r in self.rows), Decimal(0))

    @property
    def complete(self) -> bool:
        return self.work_total == HUNDRED and self.revenue_total == HUNDRED


def split_of(consortium) -> list[ServiceSplit]:
    """Each service's split over every member (0 where none is recorded)."""
    members = list(members_of(consortium))
    result = []
    for service in services_of(consortium):
        shares = {s.member_id: s for s in service.split.all()}
        rows = [
            SplitRow(
                m,
                shares[m.pk].work_percent if m.pk in shares else Decimal(0),
                shares[m.pk].revenue_percent if m.pk in shares else Decimal(0),
            )
            for m in members
        ]
        result.append(ServiceSplit(service, rows))
    return result


def valid_signatures(agreement):
    return agreement.signatures.filter(voided_at__isnull=True).select_related(
        "member__organisation", "signed_by", "organisation"
    )


def signature_history(agreement):
    return Signature.objects.filter(agreement=agreement).select_related("organisation", "signed_by")


# --- the consortium-level cost model ------------------------------------------------------------


@dataclass
class MemberCost:
    member: ConsortiumMember
    work_percent: Decimal
    model: object | None = None
    version: object | None = None

    @property
    def full_cost(self) -> Decimal | None:
        return self.version.figure("full_cost") if self.version else None

    @property
    def units(self) -> Decimal | None:
        return self.version.figure("units") if self.version else None

    @property
    def unit_cost(self) -> Decimal | None:
        return self.version.figure("unit_cost") if self.version else None

    @property
    def price(self) -> Decimal | None:
        return self.version.figure("price") if self.version else None

    @property
    def revenue(self) -> Decimal | None:
        """What the member's units would earn at its price."""
        if self.version is None:
            return None
        return self.price * self.units


@dataclass
class ServiceCosts:
    service: ConsortiumService
    rows: list[MemberCost]

    @property
    def costed(self) -> list[MemberCost]:
        return [r for r in self.rows if r.version is not None]

    @property
    def missing(self) -> list[MemberCost]:
        """Members with a share of the work but no locked model the viewer may use."""
        return [r for r in self.rows if r.version is None and r.work_percent > 0]

    @property
    def full_cost(self) -> Decimal:
        return sum((r.full_cost for r in self.costed), Decimal(0))

    @property
    def units(self) -> Decimal:
        return sum((r.units for r in self.costed), Decimal(0))

    @property
    def revenue(self) -> Decimal:
        return sum((r.revenue for r in self.costed), Decimal(0))

    @property
    def unit_cost(self) -> Decimal | None:
        return self.full_cost / self.units if self.units else None

    @property
    def unit_price(self) -> Decimal | None:
        return self.revenue / self.units if self.units else None


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def cost_summary(consortium, *, shared_only: bool) -> list[ServiceCosts]:
    """For each service, the members' newest locked cost models summed (``shared_only``: only
    versions the enterprises shared with the council)."""
    members = list(members_of(consortium))
    splits = {s.service.pk: {r.member.pk: r.work for r in s.rows} for s in split_of(consortium)}
    models = locked_models(
        consortium.partnership,
        organisations=[m.organisation for m in members],
        shared_only=shared_only,
    )
    by_key = {(m.organisation_id, _key(m.service)): m for m in models if m.locked is not None}
    summary = []
    for service in consortium.services.order_by("order", "pk"):
        rows = []
        for member in members:
            model = by_key.get((member.organisation_id, _key(service.name)))
            rows.append(
                MemberCost(
                    member,
                    splits.get(service.pk, {}).get(member.pk, Decimal(0)),
                    model,
                    model.locked if model else None,
                )
            )
        summary.append(ServiceCosts(service, rows))
    return summary
