"""Changing a quality criterion or a price element on its own page: the same rules as the
API's PATCH (only while the tender is unpublished, only the procurement officer, audited), a
clear error that keeps what was typed, and the F2 warning when the wording favours the
incumbent."""

from decimal import Decimal
from decimal import Decimal as D

import pytest
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.tendering import domain
from tests.api.helpers import api_as, assert_problem


def edit_url(world, criterion):
    return reverse(
        "tendering:criterion.edit", args=[world.partnership.pk, world.tender.pk, criterion.pk]
    )


def test_the_page_shows_the_criterion_and_saves_the_change(client, world):
    client.force_login(world.people["procurement"])
    url = edit_url(world, world.delivery)
    page = client.get(url)
    assert page.status_code == 200
    assert "Change “Service delivery”" in page.text
    form = page.context["form"]
    assert (form["name"].value(), form["weight"].value()) == ("Service delivery", Decimal(20))
    assert form["parent"].value() is None

    saved = client.post(
        url,
        {
            "name": "Service delivery",
            "question": "How will you deliver a pack within 1 working day of a referral?",
            "weight": "25",
        },
    )

    assert saved.status_code == 302
    assert saved["Location"] == reverse(
        "tendering:tender.model", args=[world.partnership.pk, world.tender.pk]
    )
    world.delivery.refresh_from_db()
    assert world.delivery.weight == Decimal(25)
    assert world.delivery.question.endswith("within 1 working day of a referral?")
    event = AuditEvent.objects.filter(action="tendering.criterion.updated").get()
    assert event.data["changed"] == ["question", "weight"]
    assert event.actor == world.people["procurement"]


def test_a_duplicate_name_is_refused_and_the_typed_values_stay(client, world):
    client.force_login(world.people["procurement"])
    refused = client.post(
        edit_url(world, world.delivery),
        {"name": "Training young people", "question": "Typed question", "weight": "33"},
    )

    assert refused.status_code == 200
    assert "There is already a criterion called &#x27;Training young people&#x27;." in (
        refused.text
    )
    assert "govuk-error-summary" in refused.text
    assert "Typed question" in refused.text and 'value="33"' in refused.text
    world.delivery.refresh_from_db()
    assert (world.delivery.name, world.delivery.weight) == ("Service delivery", Decimal(20))
    assert not AuditEvent.objects.filter(action="tendering.criterion.updated").exists()


def test_wording_that_favours_the_incumbent_is_saved_with_the_f2_warning(client, world):
    client.force_login(world.people["procurement"])
    saved = client.post(
        edit_url(world, world.delivery),
        {"name": "Service delivery", "question": "Describe your pilot experience.", "weight": "20"},
        follow=True,
    )

    assert "“Service delivery” saved, but it mentions pilot experience." in saved.text


def test_the_model_page_links_each_criterion_to_its_change_page(client, world):
    client.force_login(world.people["procurement"])
    page = client.get(
        reverse("tendering:tender.model", args=[world.partnership.pk, world.tender.pk])
    )
    assert edit_url(world, world.delivery) in page.text
    assert 'Change<span class="govuk-visually-hidden"> Service delivery</span>' in page.text


def test_a_question_moves_into_a_group_and_back(client, world):
    officer = world.people["procurement"]
    group = domain.add_criterion(tender=world.tender, actor=officer, name="Delivery", weight=D(5))
    client.force_login(officer)
    url = edit_url(world, world.delivery)
    assert [c.name for c in client.get(url).context["form"].fields["parent"].queryset] == [
        "Training young people",
        "Delivery",
    ]

    moved = client.post(
        url, {"name": "Service delivery", "question": "How?", "weight": "20", "parent": group.pk}
    )

    assert moved.status_code == 302
    world.delivery.refresh_from_db()
    group.refresh_from_db()
    assert world.delivery.parent == group
    assert group.weight == D(0)  # a group's weight is its questions' total
    event = AuditEvent.objects.filter(action="tendering.criterion.updated").get()
    assert event.data["parent"] == group.pk and "parent" in event.data["changed"]

    client.post(url, {"name": "Service delivery", "question": "How?", "weight": "20"})
    world.delivery.refresh_from_db()
    assert world.delivery.parent is None


def test_a_group_stays_at_the_top_level(client, world):
    officer = world.people["procurement"]
    group = domain.add_criterion(tender=world.tender, actor=officer, name="Delivery")
    domain.add_criterion(tender=world.tender, actor=officer, name="Speed", parent=group)
    client.force_login(officer)

    page = client.get(edit_url(world, group))
    assert "parent" not in page.context["form"].fields
    with pytest.raises(DomainError, match="is a group: it stays at the top level"):
        domain.update_criterion(criterion=group, actor=officer, parent=world.training)
    speed = world.tender.quality_criteria.get(name="Speed")
    with pytest.raises(DomainError, match="is itself in a group"):
        domain.update_criterion(criterion=world.delivery, actor=officer, parent=speed)


def element_url(world, element):
    return reverse(
        "tendering:element.edit", args=[world.partnership.pk, world.tender.pk, element.pk]
    )


def test_a_price_element_is_changed_and_audited(client, world):
    officer = world.people["procurement"]
    packs = domain.add_price_element(
        tender=world.tender, actor=officer, name="Furniture packs", weight=D(40)
    )
    domain.add_price_element(tender=world.tender, actor=officer, name="Storage", weight=D(20))
    client.force_login(officer)
    page = client.get(element_url(world, packs))
    assert "Change the price element “Furniture packs”" in page.text

    refused = client.post(element_url(world, packs), {"name": "Storage", "weight": "45"})
    assert refused.status_code == 200
    assert "There is already a price element called &#x27;Storage&#x27;." in refused.text
    assert 'value="45"' in refused.text

    saved = client.post(element_url(world, packs), {"name": "Emergency packs", "weight": "45"})
    assert saved.status_code == 302
    packs.refresh_from_db()
    assert (packs.name, packs.weight) == ("Emergency packs", D(45))
    event = AuditEvent.objects.filter(action="tendering.price_element.updated").get()
    assert event.data["changed"] == ["name", "weight"]
    assert D(event.data["weight"]) == D(45)


def test_the_api_patches_a_price_element_and_a_criterion_group(world):
    officer = world.people["procurement"]
    packs = domain.add_price_element(
        tender=world.tender, actor=officer, name="Furniture packs", weight=D(40)
    )
    group = domain.add_criterion(tender=world.tender, actor=officer, name="Delivery")
    api = api_as(officer)
    base = f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}"

    element = api.patch(f"{base}/price-elements/{packs.pk}", {"weight": "35"})
    assert element.status_code == 200 and D(element.json()["weight"]) == D(35)
    moved = api.patch(f"{base}/criteria/{world.delivery.pk}", {"parent_id": group.pk})
    assert moved.status_code == 200
    world.delivery.refresh_from_db()
    assert world.delivery.parent == group
    wrong = api.patch(f"{base}/criteria/{world.delivery.pk}", {"parent_id": 999999})
    assert assert_problem(wrong, 422, "Not allowed by the partnership's rules")["field"] == (
        "parent_id"
    )

    assert api.patch(f"{base}/price-elements/{packs.pk}", {"weight": "60"}).status_code == 200
    domain.publish(tender=world.tender, actor=world.people["commissioner"])
    late = api.patch(f"{base}/price-elements/{packs.pk}", {"weight": "1"})
    assert late.status_code == 403
    packs.refresh_from_db()
    assert packs.weight == D(60)
