"""Consortium rules: members and lead, the split totalling 100 per service, the agreement's
heads of terms → draft → signed, and any edit after a signature voiding every signature."""

from decimal import Decimal as D

import pytest

from coplan.consortium import domain, queries
from coplan.consortium.enums import AgreementStatus, LegalModel
from coplan.consortium.health import consortium_building, heads_of_terms_agreed
from coplan.consortium.models import Signature
from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.partnerships import gates
from coplan.partnerships.enums import Stage
from coplan.partnerships.health import HealthStatus
from tests.factories import OrganisationFactory


def sign_all(w):
    for member in (w.lead, w.second, w.third):
        domain.sign_agreement(agreement=w.agreement, actor=member.signatory, member=member)
    w.agreement.refresh_from_db()


def test_forming_a_consortium_sets_signatories_and_starts_at_heads_of_terms(world):
    assert world.lead.signatory == world.people["se_partner"]
    assert world.second.signatory == world.people["member_se"]
    assert world.agreement.status == AgreementStatus.HEADS_OF_TERMS
    bidder = queries.bidder_for(world.partnership)
    assert bidder.lead == world.lead.organisation
    assert len(bidder.members) == 3
    assert bidder.disclosure.startswith(f"Homereach (lead partner {world.lead.organisation}; ")
    assert not bidder.agreement_signed


def test_only_enterprise_partners_can_be_members_and_the_lead_must_be_one(partnership, personas):
    outsider_org = OrganisationFactory()
    with pytest.raises(DomainError) as refused:
        domain.form_consortium(
            partnership=partnership,
            actor=personas["facilitator"],
            name="X",
            legal_model=LegalModel.SPV,
            members=[outsider_org],
        )
    assert refused.value.code == "not_an_enterprise"
    own = personas["se_partner"].memberships.get().organisation
    with pytest.raises(DomainError) as refused:
        domain.form_consortium(
            partnership=partnership,
            actor=personas["facilitator"],
            name="X",
            legal_model=LegalModel.SPV,
            members=[own],
            lead=outsider_org,
        )
    assert refused.value.code == "lead_not_member"


@pytest.mark.parametrize(
    ("work", "revenue", "message"),
    [
        ((60, 30, 20), (60, 20, 20), "work shares total 110 %"),
        ((50, 30, 20), (50, 30, 10), "revenue shares total 90 %"),
        ((D("33.33"), D("33.33"), D("33.33")), (50, 30, 20), "work shares total 99.99 %"),
    ],
)
def test_each_services_split_must_total_100(world, work, revenue, message):
    before = list(world.packs.split.values_list("work_percent", flat=True))
    members = (world.lead, world.second, world.third)
    shares = {m: (D(w), D(r)) for m, w, r in zip(members, work, revenue, strict=True)}
    with pytest.raises(DomainError) as refused:
        domain.set_split(service=world.packs, actor=world.people["facilitator"], shares=shares)
    assert refused.value.code == "split_not_100"
    assert message in refused.value.message
    assert list(world.packs.split.values_list("work_percent", flat=True)) == before


def test_a_split_that_totals_100_is_saved_and_audited(world):
    shares = {
        world.lead: (D("33.34"), D(40)),
        world.second: (D("33.33"), D(40)),
        world.third: (D("33.33"), D(20)),
    }
    domain.set_split(service=world.packs, actor=world.people["facilitator"], shares=shares)
    split = next(s for s in queries.split_of(world.consortium) if s.service == world.packs)
    assert split.complete
    assert (split.work_total, split.revenue_total) == (D(100), D(100))
    assert AuditEvent.objects.filter(action="consortium.split.set").count() == 3


def test_heads_of_terms_then_draft_then_signed_by_every_members_signatory(world):
    with pytest.raises(DomainError) as refused:
        domain.sign_agreement(
            agreement=world.agreement, actor=world.people["se_partner"], member=world.lead
        )
    assert refused.value.code == "not_draft"
    assert not heads_of_terms_agreed(world.partnership).met
    domain.agree_heads_of_terms(agreement=world.agreement, actor=world.people["facilitator"])
    assert heads_of_terms_agreed(world.partnership).met
    with pytest.raises(DomainError) as refused:
        domain.sign_agreement(
            agreement=world.agreement, actor=world.people["se_partner"], member=world.second
        )
    assert refused.value.code == "not_the_signatory"
    first = domain.sign_agreement(
        agreement=world.agreement, actor=world.people["se_partner"], member=world.lead
    )
    assert (first.signed_by, first.revision, first.signed_at is not None) == (
        world.people["se_partner"],
        world.agreement.revision,
        True,
    )
    with pytest.raises(DomainError) as refused:
        domain.sign_agreement(
            agreement=world.agreement, actor=world.people["se_partner"], member=world.lead
        )
    assert refused.value.code == "signed"
    world.agreement.refresh_from_db()
    assert world.agreement.status == AgreementStatus.DRAFT
    domain.sign_agreement(
        agreement=world.agreement, actor=world.second.signatory, member=world.second
    )
    domain.sign_agreement(
        agreement=world.agreement, actor=world.third.signatory, member=world.third
    )
    world.agreement.refresh_from_db()
    assert world.agreement.status == AgreementStatus.SIGNED
    assert world.agreement.signed_at is not None
    codes = list(
        AuditEvent.objects.filter(action__startswith="consortium.agreement")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert codes[-4:] == [
        "consortium.agreement.signed",
        "consortium.agreement.signed",
        "consortium.agreement.signed",
        "consortium.agreement.completed",
    ]
    assert queries.bidder_for(world.partnership).agreement_signed


def test_nobody_signs_while_a_split_does_not_total_100(drafted):
    service = domain.add_service(
        consortium=drafted.consortium, actor=drafted.people["facilitator"], name="Removals"
    )
    with pytest.raises(DomainError) as refused:
        domain.sign_agreement(
            agreement=drafted.agreement, actor=drafted.people["se_partner"], member=drafted.lead
        )
    assert refused.value.code == "split_incomplete"
    assert service.name in refused.value.message


EDITS = {
    "the terms": lambda w: domain.update_agreement(
        agreement=w.agreement, actor=w.people["facilitator"], liability="Each member indemnifies."
    ),
    "the split": lambda w: domain.set_split(
        service=w.storage,
        actor=w.people["facilitator"],
        shares={w.lead: (D(50), D(50)), w.third: (D(50), D(50))},
    ),
    "the legal model": lambda w: domain.update_consortium(
        consortium=w.consortium, actor=w.people["facilitator"], legal_model=LegalModel.SPV
    ),
    "the lead partner": lambda w: domain.update_consortium(
        consortium=w.consortium, actor=w.people["facilitator"], lead=w.second.organisation
    ),
    "a new service": lambda w: domain.add_service(
        consortium=w.consortium, actor=w.people["facilitator"], name="Removals"
    ),
    "a member leaving": lambda w: domain.remove_member(
        member=w.third, actor=w.people["facilitator"]
    ),
}


@pytest.mark.parametrize("edit", EDITS)
def test_any_edit_after_a_signature_voids_every_signature_and_says_so(drafted, edit):
    w = drafted
    sign_all(w)
    assert w.agreement.status == AgreementStatus.SIGNED
    result = EDITS[edit](w)
    voided = result if isinstance(result, int) else result.voided_signatures
    assert voided == 3
    w.agreement.refresh_from_db()
    assert w.agreement.status == AgreementStatus.DRAFT
    assert w.agreement.signed_at is None
    assert not Signature.objects.filter(agreement=w.agreement, voided_at__isnull=True).exists()
    assert all(s.void_reason for s in Signature.objects.filter(agreement=w.agreement))
    event = AuditEvent.objects.filter(action="consortium.agreement.signatures_voided").get()
    assert len(event.data["voided"]) == 3
    assert event.data["status"] == ["signed", "draft"]


def test_an_edit_that_changes_nothing_voids_nothing(drafted):
    w = drafted
    sign_all(w)
    same = domain.update_agreement(
        agreement=w.agreement,
        actor=w.people["facilitator"],
        heads_of_terms=w.agreement.heads_of_terms,
    )
    assert same.voided_signatures == 0
    w.agreement.refresh_from_db()
    assert w.agreement.status == AgreementStatus.SIGNED


def test_capabilities_and_member_details_are_not_terms_of_the_agreement(drafted):
    w = drafted
    sign_all(w)
    domain.add_capability(
        consortium=w.consortium,
        actor=w.people["facilitator"],
        member=w.lead,
        service=w.packs,
        geography="Motherwell",
    )
    domain.update_member(
        member=w.second, actor=w.people["facilitator"], role="Vans", signatory=w.second.signatory
    )
    w.agreement.refresh_from_db()
    assert w.agreement.status == AgreementStatus.SIGNED


def test_the_lead_partner_cannot_leave(world):
    with pytest.raises(DomainError) as refused:
        domain.remove_member(member=world.lead, actor=world.people["facilitator"])
    assert refused.value.code == "lead_member"


def test_the_capability_matrix_maps_member_by_service_by_geography(world):
    facilitator = world.people["facilitator"]
    for member, service, place in [
        (world.lead, world.storage, "Motherwell"),
        (world.lead, world.packs, "Motherwell"),
        (world.second, world.packs, "Airdrie"),
        (world.second, world.packs, "Coatbridge"),
    ]:
        domain.add_capability(
            consortium=world.consortium,
            actor=facilitator,
            member=member,
            service=service,
            geography=place,
        )
    with pytest.raises(DomainError):
        domain.add_capability(
            consortium=world.consortium,
            actor=facilitator,
            member=world.second,
            service=world.packs,
            geography="airdrie",
        )
    _, services, rows = queries.capability_matrix(world.consortium)
    grid = {m.organisation.name: [c.geographies for c in cells] for m, cells in rows}
    assert [s.name for s in services] == ["Storage", "Packs"]
    assert grid["Beulah Test"] == [[], ["Airdrie", "Coatbridge"]]


def test_the_gate_and_the_health_check_follow_the_agreement(world):
    partnership = world.partnership
    codes = [c.code for c in gates.criteria_for(Stage.SERVICE_DESIGN)]
    assert "consortium_heads_agreed" in codes and "consortium_heads_of_terms" not in codes
    criterion = next(
        c for c in gates.criteria_for(Stage.SERVICE_DESIGN) if c.code == "consortium_heads_agreed"
    )
    assert criterion.hard is False
    assert consortium_building(partnership).status == HealthStatus.IN_PROGRESS
    partnership.stage = Stage.PILOT
    assert consortium_building(partnership).status == HealthStatus.AT_RISK
    domain.agree_heads_of_terms(agreement=world.agreement, actor=world.people["facilitator"])
    assert consortium_building(partnership).status == HealthStatus.IN_PROGRESS
    world.agreement.refresh_from_db()
    sign_all(world)
    row = consortium_building(partnership)
    assert row.status == HealthStatus.ON_TRACK
    assert "signed by all 3 members" in row.evidence[-1]


def test_no_consortium_means_element_6_not_started(partnership):
    assert consortium_building(partnership).status == HealthStatus.NOT_STARTED
