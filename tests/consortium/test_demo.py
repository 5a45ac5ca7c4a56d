"""The consortium demo: Homereach (lead contractor with subcontracts, RECAP leading, a signed
agreement after one voided signature) and ROAR (heads of terms agreed, a draft with one
signature)."""

import pytest

from coplan.consortium import queries
from coplan.consortium.enums import AgreementStatus, LegalModel
from coplan.consortium.health import consortium_building, heads_of_terms_agreed
from coplan.demo import story as cast
from coplan.partnerships.health import HealthStatus


@pytest.fixture
def loaded(demo_stories):
    return demo_stories


def test_homereach_is_a_lead_contractor_consortium_with_a_signed_agreement(loaded):
    partnership = loaded["north_lanarkshire"].partnership
    bidder = queries.bidder_for(partnership)
    assert bidder.name == "Homereach"
    assert bidder.lead.name == cast.RECAP
    assert {o.name for o in bidder.members} == {cast.RECAP, cast.BEULAH, cast.ST_PATRICKS}
    assert bidder.legal_model == LegalModel.LEAD_CONTRACTOR
    assert bidder.agreement_signed
    agreement = bidder.consortium.agreement
    assert agreement.signed_at.date().isoformat() == "2007-06-18"
    history = list(queries.signature_history(agreement))
    voided = [s for s in history if not s.is_valid]
    assert [s.organisation.name for s in voided] == [cast.ST_PATRICKS]
    assert "split" in voided[0].void_reason
    assert queries.valid_signatures(agreement).count() == 3
    assert all(s.complete for s in queries.split_of(bidder.consortium))
    assert heads_of_terms_agreed(partnership).met
    assert consortium_building(partnership).status == HealthStatus.ON_TRACK


def test_roar_has_heads_of_terms_agreed_and_a_draft_with_one_signature(loaded):
    partnership = loaded["renfrewshire"].partnership
    consortium = queries.consortium_for(partnership)
    assert consortium.name.startswith("ROAR")
    assert consortium.agreement.status == AgreementStatus.DRAFT
    signed = [s.organisation.name for s in queries.valid_signatures(consortium.agreement)]
    assert signed == [cast.HOME_HELP]
    row = consortium_building(partnership)
    assert row.status == HealthStatus.IN_PROGRESS
    assert "signed by 1 of 3 members" in " ".join(row.evidence)


def test_consortium_cost_models_sum_every_members_locked_model(loaded):
    for story in loaded.values():
        consortium = queries.consortium_for(story.partnership)
        for service in queries.cost_summary(consortium, shared_only=False):
            assert service.missing == [], service.service
            assert service.full_cost == sum(r.full_cost for r in service.costed)
            assert service.unit_cost > 0


def test_the_council_sees_only_shared_models_in_the_consortium_costs(loaded):
    consortium = queries.consortium_for(loaded["renfrewshire"].partnership)
    low_level = next(
        s
        for s in queries.cost_summary(consortium, shared_only=True)
        if s.service.name == "Low-level care"
    )
    assert [r.member.organisation.name for r in low_level.missing] == [cast.HANDY_HANDS]
