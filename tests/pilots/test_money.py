"""Service user representatives see no money in the pilot (domain.md §3): not the figures of a
KPI about money (its unit is £, or it measures or filters on cost), not the funding, not the
actual costs per unit, not the monthly return. What they may not see is absent; the page says
"Costs are not shown to your role." once. Everyone else who sees costs (``pilots.view_costs``)
sees them all."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from coplan.pilots import domain, rules

from .conftest import END, START, csv_bytes, sample_rows, upload

NOTICE = "Costs are not shown to your role."


@pytest.fixture
def savings(pilot, personas):
    """A manual KPI entered in pounds, with one value."""
    kpi = domain.save_kpi(
        pilot=pilot,
        actor=personas["facilitator"],
        name="Savings to the council",
        definition="Spend avoided on new furniture",
        unit="£",
        baseline=Decimal(0),
        baseline_note="No savings before the pilot",
        target=Decimal(25000),
        source="Council finance",
        method="manual",
    )
    domain.set_kpi_value(
        kpi=kpi, actor=personas["facilitator"], period=dt.date(2006, 11, 1), value=Decimal(4200)
    )
    return kpi


def _page(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(f"pilots:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_kpi_list_shows_a_service_user_no_money_figure(client, personas, kpis, savings):
    html = _page(client, personas["service_user"], "kpis", savings.pilot.partnership_id)

    assert "Cost per pack" in html and "Savings to the council" in html  # the KPIs are there
    assert "£" not in html  # their baselines and targets are not
    assert "No savings before the pilot" not in html
    assert "£25,000" not in html
    assert html.count(NOTICE) == 1
    assert "90%" in html  # other KPIs keep their targets
    values = reverse("pilots:kpi.values", args=[savings.pilot.partnership_id, savings.pk])
    assert values not in html  # no link to the values in pounds
    assert client.get(values).status_code == 403


@pytest.mark.parametrize("role", ["commissioner", "se_partner", "evaluator", "observer"])
def test_the_kpi_list_shows_everyone_else_the_money(client, personas, kpis, savings, role):
    html = _page(client, personas[role], "kpis", savings.pilot.partnership_id)

    assert "£400.00" in html and "£350.00" in html  # cost per pack: baseline and target
    assert "£25,000.00" in html and "No savings before the pilot" in html
    assert NOTICE not in html


def test_the_values_of_a_kpi_in_pounds_are_for_those_who_see_costs(client, personas, savings):
    html = _page(
        client, personas["observer"], "kpi.values", savings.pilot.partnership_id, savings.pk
    )
    assert "£4,200.00" in html


def _api(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.json()


def test_the_kpi_api_gives_a_service_user_no_money_figure(client, personas, kpis, savings):
    pk = savings.pilot.partnership_id
    listed = _api(client, personas["service_user"], f"/api/v1/partnerships/{pk}/pilot/kpis")
    by_name = {k["name"]: k for k in listed}

    assert len(listed) == 8  # every KPI is listed
    for name in ("Cost per pack", "Savings to the council"):
        money = by_name[name]
        assert (money["unit"], money["baseline"], money["target"]) == ("£", None, None)
        assert money["condition_value"] is None
    assert (by_name["Rated good"]["target"], by_name["Rated good"]["condition_value"]) == (
        "80.0000",
        "4",
    )
    one = _api(
        client, personas["service_user"], f"/api/v1/partnerships/{pk}/pilot/kpis/{savings.pk}"
    )
    assert (one["name"], one["baseline"], one["target"]) == ("Savings to the council", None, None)


def test_the_kpi_api_gives_those_who_see_costs_the_figures(client, personas, kpis, savings):
    pk = savings.pilot.partnership_id
    cost = _api(
        client, personas["steering"], f"/api/v1/partnerships/{pk}/pilot/kpis/{kpis['cost'].pk}"
    )
    assert (cost["baseline"], cost["target"]) == ("400.0000", "350.0000")


def test_a_kpi_that_counts_deliveries_by_their_cost_hides_its_condition(
    client, personas, pilot, services
):
    cheap = domain.save_kpi(
        pilot=pilot,
        actor=personas["facilitator"],
        name="Packs under budget",
        definition="Share of packs that cost less than the budget",
        unit="%",
        target=Decimal(80),
        source="Delivery records",
        method="records",
        aggregation="percentage",
        condition_field="cost",
        condition_op="lt",
        condition_value="275",
    )
    html = _page(client, personas["service_user"], "kpis", pilot.partnership_id)
    assert "Packs under budget" in html and "275" not in html and "80%" not in html
    kpi = _api(
        client,
        personas["service_user"],
        f"/api/v1/partnerships/{pilot.partnership_id}/pilot/kpis/{cheap.pk}",
    )
    assert (kpi["condition_field"], kpi["condition_value"], kpi["target"]) == ("cost", None, None)


def test_the_pilot_keeps_its_funding_from_a_service_user(client, personas, pilot):
    html = _page(client, personas["service_user"], "overview", pilot.partnership_id)
    assert "£" not in html and "Council grant" not in html
    assert html.count(NOTICE) == 1

    address = f"/api/v1/partnerships/{pilot.partnership_id}/pilot"
    found = _api(client, personas["service_user"], address)
    assert (found["funding_amount"], found["funding_route"]) == (None, None)

    found = _api(client, personas["observer"], address)
    assert (found["funding_amount"], found["funding_route"]) == ("120000.00", "Council grant")


def test_the_dashboard_leaves_out_the_kpis_about_money(
    client, personas, pilot, kpis, own_org, other_org
):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name)))
    html = _page(client, personas["service_user"], "dashboard", pilot.partnership_id)

    assert "Cost per pack" not in html and "Actual cost per unit" not in html
    assert "£" not in html
    assert html.count(NOTICE) == 1
    assert "Satisfaction" in html

    board = _api(
        client,
        personas["service_user"],
        f"/api/v1/partnerships/{pilot.partnership_id}/pilot/dashboard",
    )
    assert "Cost per pack" not in [k["name"] for k in board["kpis"]]
    assert board["unit_costs"] is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_the_monthly_return_is_not_for_a_service_user(client, personas, pilot, kpis, fmt):
    client.force_login(personas["service_user"])
    pk = pilot.partnership_id
    assert client.get(reverse("pilots:returns", args=[pk])).status_code == 403
    export = reverse("pilots:returns.export", args=[pk, "2006-11", fmt])
    assert client.get(export).status_code == 403
    client.force_login(personas["evaluator"])
    assert client.get(export).status_code == 200


def _evaluation(pilot, personas, own_org, other_org):
    upload(pilot, personas["facilitator"], csv_bytes(sample_rows(own_org.name, other_org.name)))
    return domain.create_evaluation(
        pilot=pilot, actor=personas["evaluator"], kind="interim", period_start=START, period_end=END
    )


def test_an_evaluation_shows_a_service_user_no_cost(
    client, personas, pilot, kpis, savings, own_org, other_org
):
    evaluation = _evaluation(pilot, personas, own_org, other_org)
    pk = pilot.partnership_id
    html = _page(client, personas["service_user"], "evaluation", pk, evaluation.pk)

    assert "£" not in html
    assert "Cost per pack" not in html and "Savings to the council" not in html
    assert "Actual cost per unit" not in html
    assert html.count(NOTICE) == 1
    assert "Satisfaction" in html

    address = f"/api/v1/partnerships/{pk}/pilot/evaluations/{evaluation.pk}"
    found = _api(client, personas["service_user"], address)
    assert {r["kind"] for r in found["results"]} == {"kpi", "volume"}
    assert [r for r in found["results"] if "£" in r["unit"]] == []

    client.force_login(personas["service_user"])
    pdf = client.get(reverse("pilots:evaluation.pdf", args=[pk, evaluation.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # the PDF is drawn from this page, with the results the service user may see
    shown = rules.shown_results(evaluation.results.select_related("kpi"), show_costs=False)
    text = render_to_string(
        "pilots/pdf/evaluation.html",
        {"evaluation": evaluation, "results": shown, "pilot": pilot, "show_costs": False},
    )
    assert "£" not in text and text.count(NOTICE) == 1


def test_an_evaluation_shows_the_costs_to_those_who_see_them(
    client, personas, pilot, kpis, savings, own_org, other_org
):
    evaluation = _evaluation(pilot, personas, own_org, other_org)
    html = _page(client, personas["observer"], "evaluation", pilot.partnership_id, evaluation.pk)

    assert "Actual cost per unit" in html and "Cost per pack" in html
    assert "Savings to the council" in html
    assert NOTICE not in html
