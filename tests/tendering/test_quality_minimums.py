"""Minimum quality scores that bind: the tender's overall minimum (points out of the quality
weight) and a minimum score per question (on the question's own 0–4 scale), set where the
model and the criteria are edited (page, API, audit), published with the method, and applied
by the tender's simulator. The engine's worked example is in ``scoring/test_engine.py``; the
evaluation, award, letters, exports and open data are in ``tests/bidding``.

The tender (conftest): price 60, quality 30 (Service delivery 20, Training young people 10),
community benefit 10."""

from decimal import Decimal as D

from django.urls import reverse

from coplan.core.models import AuditEvent
from coplan.tendering import domain, ocds
from tests.api.helpers import REFUSED, api_as, assert_problem


def criteria_url(world, *extra):
    return "/".join(
        [f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/criteria", *extra]
    )


def test_a_question_minimum_through_the_api_is_validated_and_audited(world):
    officer = api_as(world.people["procurement"])

    added = officer.post(
        criteria_url(world),
        {"name": "Reuse of furniture", "weight": "5", "minimum_score": 2},
    )
    assert added.status_code == 201, added.content
    assert added.json()["minimum_score"] == 2
    event = AuditEvent.objects.filter(action="tendering.criterion.added").order_by("pk").last()
    assert event.data["minimum_score"] == 2

    changed = officer.patch(criteria_url(world, str(world.delivery.pk)), {"minimum_score": 3})
    assert changed.json()["minimum_score"] == 3
    event = AuditEvent.objects.filter(action="tendering.criterion.updated").get()
    assert (event.data["changed"], event.data["minimum_score"]) == (["minimum_score"], 3)

    problem = assert_problem(
        officer.patch(criteria_url(world, str(world.delivery.pk)), {"minimum_score": 5}),
        422,
        REFUSED,
    )
    assert problem["field"] == "minimum_score"
    assert problem["detail"] == (
        "Enter a minimum score from 0 to 4 (the top of the question's scale), or leave it "
        "empty for no minimum."
    )

    model = officer.get(f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/model")
    assert {c["name"]: c["minimum_score"] for c in model.json()["criteria"]} == {
        "Service delivery": 3,
        "Training young people": None,
        "Reuse of furniture": 2,
    }


def test_the_criterion_page_sets_and_clears_the_minimum_score(client, world):
    client.force_login(world.people["procurement"])
    url = reverse(
        "tendering:criterion.edit",
        args=[world.partnership.pk, world.tender.pk, world.delivery.pk],
    )
    fields = {"name": "Service delivery", "question": world.delivery.question, "weight": "20"}

    assert client.post(url, {**fields, "minimum_score": "2"}).status_code == 302
    world.delivery.refresh_from_db()
    assert world.delivery.minimum_score == 2
    page = client.get(
        reverse("tendering:tender.model", args=[world.partnership.pk, world.tender.pk])
    )
    assert "minimum score 2 of 4" in page.text

    assert client.post(url, {**fields, "minimum_score": ""}).status_code == 302
    world.delivery.refresh_from_db()
    assert world.delivery.minimum_score is None


def test_a_group_takes_no_minimum_score(world):
    officer = world.people["procurement"]
    domain.update_criterion(criterion=world.delivery, actor=officer, minimum_score=2)
    domain.add_criterion(
        tender=world.tender, actor=officer, name="Packs", weight=D(5), parent=world.delivery
    )

    world.delivery.refresh_from_db()
    assert (world.delivery.weight, world.delivery.minimum_score) == (D(0), None)


def test_the_tenders_model_carries_both_minimums_and_publishes_them(world):
    officer = world.people["procurement"]
    domain.set_scoring_model(tender=world.tender, actor=officer, quality_minimum=D(15))
    domain.update_criterion(criterion=world.training, actor=officer, minimum_score=2)

    model = world.tender.scoring_model()

    assert model.quality_minimum == D(15)
    assert [(c.name, c.minimum_score) for c in model.quality_criteria] == [
        ("Service delivery", None),
        ("Training young people", D(2)),
    ]
    details = ocds.tender_release(world.tender)["tender"]["awardCriteriaDetails"]
    assert (
        "A bid with a quality score below 15 of the 30 quality points or a score below 2 (of 4) "
        "for Training young people is non-compliant: it is not ranked and cannot be awarded the "
        "contract"
    ) in details


def test_a_minimum_no_bid_could_meet_makes_the_model_invalid(world):
    domain.set_scoring_model(
        tender=world.tender, actor=world.people["procurement"], quality_minimum=D(31)
    )

    errors, _warnings = domain.check_model(world.tender)

    assert [(e.code, e.field) for e in errors] == [
        ("quality_minimum_unreachable", "quality_minimum")
    ]
    assert errors[0].message == (
        "The minimum quality score (31) is more than the quality questions' weights (30): no "
        "bid could meet it."
    )


def test_the_tenders_simulator_applies_its_minimum(client, world):
    # A scores 2 and 2: 20 × 2/4 + 10 × 2/4 = 15 quality points, below the minimum of 20, so
    # it is non-compliant and its lower price sets no benchmark: B (4 and 4: 30 points) scores
    # the full 60 for price, + 30 + 10 benefit = 100.
    domain.set_scoring_model(
        tender=world.tender, actor=world.people["procurement"], quality_minimum=D(20)
    )
    client.force_login(world.people["procurement"])

    response = client.post(
        reverse("tendering:tender.simulator", args=[world.partnership.pk, world.tender.pk]),
        {
            "bid-0-name": "A",
            "bid-0-price": "100000",
            "bid-0-score_0": "2",
            "bid-0-score_1": "2",
            "bid-0-benefit_value": "40",
            "bid-1-name": "B",
            "bid-1-price": "125000",
            "bid-1-score_0": "4",
            "bid-1-score_1": "4",
            "bid-1-benefit_value": "20",
        },
    )

    result = response.context["result"]
    assert [(b.name, b.rank, b.total) for b in result.bids] == [("B", 1, D(100))]
    assert [(b.name, b.reasons) for b in result.non_compliant] == [
        ("A", ("Quality 15 is below the minimum of 20 (of 30).",))
    ]
    assert "Quality 15 is below the minimum of 20 (of 30)." in response.text
