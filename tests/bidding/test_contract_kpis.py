"""Contract KPIs: on the award page the officer ticks the pilot KPIs the supplier will report
against under the contract (the same ``approve_award(kpis=…)`` the API's ``kpi_ids`` uses).
Only the partnership's own pilot KPIs can be chosen; the contract section lists them.

World: test_evaluation's moderated tender (no governance body, so the commissioner approves),
and a pilot with three KPIs in the tender's partnership plus one KPI in another partnership.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from coplan.bidding import domain
from coplan.core.errors import DomainError
from tests.conftest import PERSONAS
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db
AWARD = {"reasons": "Best value for the council.", "electronic": "yes"}


def _pilot(partnership, title, *names):
    from coplan.pilots.models import Kpi, Pilot

    pilot = Pilot.objects.create(
        partnership=partnership,
        title=title,
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
    )
    return [
        Kpi.objects.create(
            pilot=pilot,
            name=name,
            definition="Count",
            unit="%",
            target=Decimal(90),
            source="Pilot log",
        )
        for name in names
    ]


@pytest.fixture
def kpis(tender):
    return _pilot(
        tender.partnership,
        "Furniture pilot",
        "Emergency packs within 5 days",
        "Permanent packs within 10 days",
        "Satisfaction",
    )


@pytest.fixture
def foreign_kpi(db):
    return _pilot(PartnershipFactory(), "Elsewhere", "Someone else's KPI")[0]


def url(tender):
    return reverse("bidding:award", args=[tender.partnership_id, tender.pk])


def test_the_award_page_offers_the_pilots_kpis_as_checkboxes(
    moderated, tender, kpis, foreign_kpi, personas, verified
):
    page = verified(personas["commissioner"]).get(url(tender)).content.decode()

    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Contract KPIs' in page
    for kpi in kpis:
        assert f'type="checkbox" value="{kpi.pk}"' in page
        assert f"Furniture pilot: {kpi.name} (%)" in page
    assert "Someone else" not in page
    assert "Electronically (10-day standstill)" in page  # today's rules table: reg 85
    assert "By post (15-day standstill)" in page


@pytest.mark.parametrize("persona", [*PERSONAS, "staff"])
def test_who_can_attach_contract_kpis(persona, moderated, tender, kpis, personas, verified):
    client = verified(personas[persona])

    response = client.post(url(tender), {**AWARD, "kpis": [kpis[0].pk, kpis[2].pk]})

    tender.refresh_from_db()
    if persona == "commissioner":
        assert response.status_code == 302
        contract = tender.contracts.get()
        assert [ck.kpi for ck in contract.kpis.order_by("kpi_id")] == [kpis[0], kpis[2]]
        return
    if persona == "procurement":  # an officer, but without a governance body only the
        assert response.status_code == 200  # commissioner approves: the form says so
        assert "the commissioner approves the award" in response.content.decode()
    else:
        assert response.status_code == (404 if persona in {"outsider", "staff"} else 403)
    assert tender.awarded_at is None
    assert not tender.contracts.exists()


def test_the_contract_section_lists_its_kpis(moderated, tender, kpis, personas, verified):
    client = verified(personas["commissioner"])
    client.post(url(tender), {**AWARD, "kpis": [kpis[1].pk]})

    page = client.get(url(tender)).content.decode()

    assert '<h3 class="govuk-heading-s">Contract KPIs</h3>' in page
    assert "<li>Furniture pilot: Permanent packs within 10 days (target 90 %)</li>" in page
    assert "Emergency packs within 5 days" not in page


def test_no_kpis_chosen_says_so(moderated, tender, kpis, personas, verified):
    client = verified(personas["commissioner"])
    client.post(url(tender), AWARD)

    page = client.get(url(tender)).content.decode()

    assert "No pilot KPIs were chosen as contract KPIs." in page


def test_another_partnerships_kpi_is_refused_on_the_form(
    moderated, tender, kpis, foreign_kpi, personas, verified
):
    client = verified(personas["commissioner"])

    response = client.post(url(tender), {**AWARD, "kpis": [kpis[0].pk, foreign_kpi.pk]})

    assert response.status_code == 200
    assert response.context["form"].errors["kpis"] == ["Choose the partnership's pilot KPIs"]
    tender.refresh_from_db()
    assert tender.awarded_at is None


def test_the_domain_refuses_another_partnerships_kpi(
    moderated, tender, kpis, foreign_kpi, personas
):
    with pytest.raises(DomainError) as refused:
        domain.approve_award(
            tender=tender,
            actor=personas["commissioner"],
            reasons="Best",
            kpis=[kpis[0], foreign_kpi],
        )

    assert (refused.value.code, refused.value.field) == ("no_kpi", "kpis")
    tender.refresh_from_db()
    assert tender.awarded_at is None


def test_the_api_attaches_kpis_by_id(moderated, tender, kpis, foreign_kpi, personas, verified):
    client = verified(personas["commissioner"])
    base = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/award"

    refused = client.post(
        base, {"reasons": "Best", "kpi_ids": [foreign_kpi.pk]}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "kpi_ids")
    response = client.post(
        base,
        {"reasons": "Best", "kpi_ids": [kpis[2].pk, kpis[0].pk]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["contract"]["kpi_ids"] == [kpis[0].pk, kpis[2].pk]
