"""Community benefits in the bid (issue 17, item 4): for each scored requirement the bidder
commits a quantity, and may offer a range above it. The bid is scored on, and held to, the
quantity it commits to; the range becomes the contract's target (docs/formulas.md, community
benefit). Bidding tests' world (conftest): one scored requirement, Trainee weeks, at least 10."""

import pytest
from django.urls import reverse

from coplan.bidding import domain
from coplan.bidding.models import Contract
from coplan.core.errors import DomainError
from tests.api.helpers import api_as

from .conftest import bid_data, close, score_and_moderate

pytestmark = pytest.mark.django_db


def test_a_range_is_sealed_scored_on_its_commitment_and_becomes_the_target(
    homereach, clearway, requirement, tender, personas, outside_bidder, panel, verified
):
    key = str(requirement.pk)
    ranged = domain.submit_bid(
        registration=homereach,
        actor=personas["se_partner"],
        quantities_up_to={key: "60"},
        **bid_data(requirement.pk),
    )
    plain = domain.submit_bid(
        registration=clearway,
        actor=outside_bidder,
        **bid_data(
            requirement.pk,
            prices={"Storage": "39000", "Packs": "150000"},
            quantities={key: "40"},
        ),
    )
    close(tender)
    domain.confirm_opening(tender=tender, actor=personas["procurement"])
    domain.confirm_opening(tender=tender, actor=personas["commissioner"])
    tender.refresh_from_db()

    content = domain.read_bid(ranged)
    assert (content["commitments"], content["commitments_up_to"]) == ({key: "52"}, {key: "60"})
    assert "commitments_up_to" not in domain.read_bid(plain)  # sealed exactly as before
    assert domain.commitments_of(tender, content) == [
        {
            "requirement_id": requirement.pk,
            "measure": "Trainee weeks",
            "quantity": "52",
            "up_to": "60",
            "unit": "weeks",
        }
    ]
    page = verified(personas["procurement"]).get(
        reverse("bidding:bid", args=[tender.partnership_id, tender.pk, ranged.uuid])
    )
    assert "52 to 60 weeks (scored on 52, the quantity committed to)" in page.content.decode()

    score_and_moderate(tender, [ranged, plain], personas)
    results = domain.results_of(tender)
    homereach_result = next(r for r in results.ranked if r.name == ranged.organisation.name)
    assert homereach_result.benefit_score == 10  # 52 of the best 52: the commitment, not 60
    domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best")

    (commitment,) = Contract.objects.get(tender=tender).commitments.all()
    assert (commitment.target_min, commitment.target_max) == (52, 60)


def test_the_top_of_a_range_cannot_be_below_the_commitment(homereach, requirement, personas):
    with pytest.raises(DomainError) as refused:
        domain.submit_bid(
            registration=homereach,
            actor=personas["se_partner"],
            quantities_up_to={str(requirement.pk): "30"},
            **bid_data(requirement.pk),
        )

    assert (refused.value.code, refused.value.field) == (
        "range_inverted",
        f"quantities_up_to.{requirement.pk}",
    )
    assert refused.value.message == (
        "The top of your range for Trainee weeks (30) is below the quantity you commit to (52)."
    )
    assert not homereach.bids.exists()


def test_the_bid_form_and_the_api_take_a_range(homereach, requirement, tender, personas, client):
    client.force_login(personas["se_partner"])
    mine = reverse("bidding:mine", args=[tender.partnership_id, tender.pk])
    fields = {
        "price_0": "41250",
        "price_1": "123457.89",
        "quality_0": "Our method",
        "quality_1": "We meet monthly.",
        f"quantity_{requirement.pk}": "52",
    }

    refused = client.post(mine, {**fields, f"quantity_{requirement.pk}_up_to": "30"})

    assert refused.status_code == 200
    assert f'href="#id_quantity_{requirement.pk}_up_to"' in refused.content.decode()
    done = client.post(mine, {**fields, f"quantity_{requirement.pk}_up_to": "60"})
    assert done.status_code == 302
    bid = homereach.bids.get()
    assert bid.tender_id == tender.pk
    api = api_as(personas["se_partner"])
    body = {
        "prices": {"Storage": "41250", "Packs": "123457.89"},
        "quality": {"Method": "Ours", "Partnership working": "Monthly"},
        "quantities": {str(requirement.pk): "52"},
        "quantities_up_to": {str(requirement.pk): "30"},
    }
    path = f"/partnerships/{tender.partnership_id}/bids/{tender.pk}/mine"
    refused = api.post(path, body)
    assert (refused.status_code, refused.json()["field"]) == (
        422,
        f"quantities_up_to.{requirement.pk}",
    )
