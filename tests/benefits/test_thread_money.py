"""The golden thread keeps a KPI about money in the chain for everyone, but only those who see
costs (``pilots.view_costs``) read its target; a service user representative's page says
"Costs are not shown to your role." once."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from coplan.benefits import thread
from coplan.pilots.models import Kpi, Pilot

NOTICE = "Costs are not shown to your role."


@pytest.fixture
def kpis(partnership):
    pilot = Pilot.objects.create(
        partnership=partnership,
        title="Pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
    )
    common = {"pilot": pilot, "definition": "d", "source": "Delivery records"}
    return {
        "cost": Kpi.objects.create(
            name="Cost per pack", unit="£", target=D(350), measure="cost", **common
        ),
        "packs": Kpi.objects.create(name="Packs delivered", unit="packs", target=D(120), **common),
    }


def test_a_service_user_follows_the_thread_without_the_money(partnership, personas, kpis):
    graph = thread.build(partnership, personas["service_user"])
    cost = graph.nodes[f"kpi:{kpis['cost'].pk}"]
    packs = graph.nodes[f"kpi:{kpis['packs'].pk}"]

    assert (cost.label, cost.detail, cost.costs_hidden) == ("Cost per pack", "", True)
    assert (packs.detail, packs.costs_hidden) == ("Target 120 packs", False)
    assert graph.costs_hidden


@pytest.mark.parametrize("role", ["facilitator", "commissioner", "se_partner", "observer"])
def test_those_who_see_costs_read_the_target(partnership, personas, kpis, role):
    graph = thread.build(partnership, personas[role])
    assert graph.nodes[f"kpi:{kpis['cost'].pk}"].detail == "Target 350 £"
    assert not graph.costs_hidden


def _get(client, user, address):
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200
    return response


def test_the_thread_page(client, partnership, personas, kpis):
    address = reverse("benefits:thread", args=[partnership.pk])

    html = _get(client, personas["service_user"], address).content.decode()
    assert "Cost per pack" in html and "Target 120 packs" in html
    assert "£" not in html
    assert html.count(NOTICE) == 1

    html = _get(client, personas["steering"], address).content.decode()
    assert "Target 350 £" in html and NOTICE not in html


def test_the_thread_item_page(client, partnership, personas, kpis):
    cost = reverse("benefits:thread.item", args=[partnership.pk, "kpi", kpis["cost"].pk])
    packs = reverse("benefits:thread.item", args=[partnership.pk, "kpi", kpis["packs"].pk])

    html = _get(client, personas["service_user"], cost).content.decode()
    assert "Cost per pack" in html and "£" not in html and html.count(NOTICE) == 1
    html = _get(client, personas["service_user"], packs).content.decode()
    assert NOTICE not in html  # nothing about money around this one

    html = _get(client, personas["evaluator"], cost).content.decode()
    assert "Target 350 £" in html and NOTICE not in html


def test_the_thread_api(client, partnership, personas, kpis):
    address = f"/api/v1/partnerships/{partnership.pk}/benefits/thread"
    key = f"kpi:{kpis['cost'].pk}"

    nodes = {n["key"]: n for n in _get(client, personas["service_user"], address).json()["nodes"]}
    assert (nodes[key]["label"], nodes[key]["detail"]) == ("Cost per pack", "")

    nodes = {n["key"]: n for n in _get(client, personas["commissioner"], address).json()["nodes"]}
    assert nodes[key]["detail"] == "Target 350 £"


def test_the_thread_item_api(client, partnership, personas, kpis):
    address = f"/api/v1/partnerships/{partnership.pk}/benefits/thread/kpi/{kpis['cost'].pk}"
    item = _get(client, personas["service_user"], address).json()["item"]
    assert (item["label"], item["detail"]) == ("Cost per pack", "")

    item = _get(client, personas["procurement"], address).json()["item"]
    assert item["detail"] == "Target 350 £"


def test_the_benefits_overview_says_the_social_return_is_not_shown(client, partnership, personas):
    address = reverse("benefits:overview", args=[partnership.pk])

    html = _get(client, personas["service_user"], address).content.decode()
    assert "Social return on investment" in html and html.count(NOTICE) == 1
    assert "SROI analyses" not in html

    html = _get(client, personas["se_partner"], address).content.decode()
    assert "SROI analyses" in html and NOTICE not in html
