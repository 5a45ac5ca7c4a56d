"""A price schedule of unit rates with published volumes (issue 17, items 2 and 3): an
element is a lump sum, or a rate per unit with an estimated volume a year; the engine evaluates
rate × volume × the contract's years (docs/formulas.md, unit rates). The volumes are published
with the tender, and a bidder prices each unit-rate element as a rate.

The tendering world (conftest): a draft 36-month tender with price weight 60."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from coplan.bidding.forms import BidForm
from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.tendering import domain, ocds
from coplan.tendering.models import Tender
from coplan.tendering.scoring import engine
from tests.api.helpers import INVALID, REFUSED, api_as, assert_problem
from tests.tendering.test_ocds import validate


def schedule(world):
    officer = world.people["procurement"]
    meals = domain.add_price_element(
        tender=world.tender,
        actor=officer,
        name="Meals",
        weight=D(40),
        unit="meal",
        annual_volume=D(70000),
    )
    setup = domain.add_price_element(
        tender=world.tender, actor=officer, name="Set-up", weight=D(20)
    )
    return meals, setup


def test_the_engine_gets_volume_a_year_times_years_as_the_quantity(world):
    schedule(world)

    model = world.tender.scoring_model()

    assert model.price_elements == (
        engine.PriceElement("Meals", D(40), quantity=D(210000)),  # 70,000 × 36 ÷ 12
        engine.PriceElement("Set-up", D(20), quantity=None),  # a lump sum
    )
    assert domain.check_model(world.tender) == ([], [])
    events = AuditEvent.objects.filter(action="tendering.price_element.added").order_by("pk")
    assert [(e.data["name"], e.data["unit"], e.data["annual_volume"]) for e in events] == [
        ("Meals", "meal", "70000"),
        ("Set-up", "", None),
    ]


def test_a_volume_needs_a_unit_and_more_than_zero(world):
    officer = world.people["procurement"]

    with pytest.raises(DomainError) as refused:
        domain.add_price_element(
            tender=world.tender, actor=officer, name="Meals", weight=D(40), annual_volume=D(10)
        )
    assert (refused.value.field, refused.value.message) == (
        "unit",
        "Enter the unit the volume counts, for example 'meal' or 'pack'.",
    )
    with pytest.raises(DomainError) as refused:
        domain.add_price_element(
            tender=world.tender,
            actor=officer,
            name="Meals",
            weight=D(40),
            unit="meal",
            annual_volume=D(0),
        )
    assert refused.value.field == "annual_volume"
    assert not world.tender.price_elements.exists()


def test_a_volume_without_the_contracts_duration_blocks_publication(world):
    schedule(world)
    Tender.objects.filter(pk=world.tender.pk).update(duration_months=None)
    world.tender.refresh_from_db()

    errors, _ = domain.check_model(world.tender)

    assert [(e.code, e.field) for e in errors] == [("volume_without_duration", "duration_months")]
    check = domain.check_publication(world.tender)
    assert (
        "Scoring model: Meals is priced per unit with a volume a year, but the contract's "
        "duration is not set" in check.refusal
    )


def test_changing_the_volume_and_back_to_a_lump_sum(world):
    meals, _setup = schedule(world)

    domain.update_price_element(
        element=meals, actor=world.people["procurement"], annual_volume=D(72000)
    )
    assert world.tender.scoring_model().price_elements[0].quantity == D(216000)
    domain.update_price_element(
        element=meals, actor=world.people["procurement"], unit="", annual_volume=None
    )
    meals.refresh_from_db()
    assert (meals.unit, meals.annual_volume, meals.is_unit_rate) == ("", None, False)


def test_the_model_page_and_the_notice_publish_the_volumes(world, client):
    schedule(world)
    client.force_login(world.people["procurement"])

    page = client.get(
        reverse("tendering:tender.model", args=[world.partnership.pk, world.tender.pk])
    ).content.decode()

    assert "A rate per meal, evaluated at an estimated 70,000 a year over 36 months" in page
    assert "A lump sum over the contract" in page


def test_the_element_form_takes_the_unit_and_volume(world, client):
    client.force_login(world.people["procurement"])
    address = reverse("tendering:element.add", args=[world.partnership.pk, world.tender.pk])

    refused = client.post(address, {"name": "Meals", "weight": "40", "annual_volume": "70000"})

    assert refused.status_code == 200
    assert "Enter the unit the volume counts" in refused.content.decode()
    assert not world.tender.price_elements.exists()
    done = client.post(
        address, {"name": "Meals", "weight": "40", "unit": "meal", "annual_volume": "70000"}
    )
    assert done.status_code == 302
    element = world.tender.price_elements.get()
    assert (element.unit, element.annual_volume) == ("meal", D("70000.00"))


def test_the_api_takes_and_gives_the_unit_and_volume(world, personas):
    officer = api_as(personas["procurement"])
    path = f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/price-elements"

    made = officer.post(
        path, {"name": "Meals", "weight": "40", "unit": "meal", "annual_volume": "70000"}
    )

    assert made.status_code == 201
    assert {k: made.json()[k] for k in ("name", "unit", "annual_volume")} == {
        "name": "Meals",
        "unit": "meal",
        "annual_volume": "70000",
    }
    body = assert_problem(
        officer.post(path, {"name": "Lunch", "weight": "10", "annual_volume": "0"}), 422, INVALID
    )
    assert [e["field"] for e in body["errors"]] == ["annual_volume"]
    body = assert_problem(
        officer.post(path, {"name": "Lunch", "weight": "10", "annual_volume": "9000"}), 422, REFUSED
    )
    assert body["field"] == "unit"
    cleared = officer.patch(f"{path}/{made.json()['id']}", {"unit": "", "annual_volume": None})
    assert (cleared.status_code, cleared.json()["annual_volume"]) == (200, None)


def test_a_bidder_prices_a_unit_rate_element_as_a_rate(world):
    schedule(world)

    form = BidForm(tender=world.tender)

    meals, setup = form.fields["price_0"], form.fields["price_1"]
    assert meals.label == "Price: Meals (£ per meal)"
    assert meals.help_text == (
        "Your rate per meal, excluding VAT. It is evaluated at the rate × the published "
        "estimate of 70,000 a year × 36 months ÷ 12."
    )
    assert (setup.label, setup.help_text) == (
        "Price: Set-up (£)",
        "Your price for the whole contract, excluding VAT.",
    )


def test_the_open_data_publishes_the_volumes_as_items(world):
    meals, _setup = schedule(world)

    package = ocds.release_package(world.tender)

    items = package["releases"][0]["tender"]["items"]
    assert items[-1] == {
        "id": f"price-element-{meals.pk}",
        "description": "Price schedule: Meals, a rate per meal, an estimated 70,000 a year",
        "quantity": 210000,
        "unit": {"name": "meal"},
    }
    result = validate(package)
    assert result["validation_errors"] == []
    assert result["additional_fields"] == []
