"""The contract value is explicit and true (docs/formulas.md, contract value).

The tender of the bidding tests (conftest) becomes a 4-year community meals contract priced
on unit rates with published volumes: Meals (weight 20) at an estimated 70,000 meals a year
and Lunch club places (weight 30) at 9,000 places a year.

Homereach bids £4.20 a meal and £5.65 a place: 4.20 × 70,000 × 4 = £1,176,000 and
5.65 × 9,000 × 4 = £203,400, so its evaluated price — and the contract value — is
**£1,379,400**, not £9.85, the sum of its rates. Clearway bids £4.50 and £5.00: £1,260,000 +
£180,000 = £1,440,000.

Scores (relative to the lowest evaluated price, per element): Homereach Meals 20, Lunch club
30 × 180,000 / 203,400 = 26.5487; Clearway Meals 20 × 1,176,000 / 1,260,000 = 18.6667, Lunch
club 30. With the moderated quality (33.75 and 23.75) and benefits (10 and 7.6923) Homereach
wins with 90.2987 against 80.1090.
"""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from coplan.bidding import domain, ocds
from coplan.bidding.models import Contract
from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.tendering.models import Tender

pytestmark = pytest.mark.django_db

MEALS = "Meals"
LUNCH_CLUB = "Lunch club places"


@pytest.fixture
def tender(tender):
    """The conftest's tender with its schedule published as unit rates and volumes."""
    Tender.objects.filter(pk=tender.pk).update(duration_months=48)
    tender.price_elements.filter(name="Storage").update(
        name=MEALS, unit="meal", annual_volume=D(70000)
    )
    tender.price_elements.filter(name="Packs").update(
        name=LUNCH_CLUB, unit="lunch club place", annual_volume=D(9000)
    )
    tender.refresh_from_db()
    return tender


@pytest.fixture
def bid_prices():
    return ({MEALS: "4.20", LUNCH_CLUB: "5.65"}, {MEALS: "4.50", LUNCH_CLUB: "5.00"})


def award(tender, personas, **kwargs):
    return domain.approve_award(
        tender=tender, actor=personas["commissioner"], reasons="Best value", **kwargs
    )


def url(name, tender, *args):
    return reverse(f"bidding:{name}", args=[tender.partnership_id, tender.pk, *args])


def test_the_bids_are_evaluated_at_rate_times_volume_times_years(moderated, tender):
    results = domain.results_of(tender)

    assert [
        (r.name, r.total_price, r.element_prices, r.price_score.quantize(D("0.0001")))
        for r in results.ranked
    ] == [
        (
            moderated[0].organisation.name,
            D("1379400.0000"),
            {MEALS: D("1176000.0000"), LUNCH_CLUB: D("203400.0000")},
            D("46.5487"),
        ),
        (
            "Clearway Removals Ltd",
            D("1440000.0000"),
            {MEALS: D("1260000.0000"), LUNCH_CLUB: D("180000.0000")},
            D("48.6667"),
        ),
    ]
    assert [r.total.quantize(D("0.0001")) for r in results.ranked] == [
        D("90.2987"),
        D("80.1090"),
    ]


def test_the_contract_value_is_the_winning_schedule_over_the_term(moderated, tender, personas):
    award(tender, personas)

    contract = Contract.objects.get(tender=tender)
    assert (contract.value, contract.derived_value, contract.value_reason) == (
        D("1379400.00"),
        D("1379400.00"),
        "",
    )
    event = AuditEvent.objects.get(action="bidding.tender.awarded")
    assert (event.data["value"], event.data["derived_value"]) == ("1379400.0000", "1379400.0000")


def test_the_open_data_and_the_contract_page_carry_the_true_value(
    moderated, tender, personas, client
):
    award(tender, personas)
    tender.refresh_from_db()

    package = ocds.release_package(tender)

    (release,) = [r for r in package["releases"] if r["tag"] == ["award"]]
    assert release["awards"][0]["value"] == {"amount": 1379400, "currency": "GBP"}
    contract = Contract.objects.get(tender=tender)
    client.force_login(personas["commissioner"])
    page = client.get(reverse("benefits:contract", args=[tender.partnership_id, contract.pk]))
    assert "£1,379,400" in page.content.decode()


def test_the_award_page_shows_how_the_value_adds_up_before_approval(
    moderated, tender, personas, verified
):
    page = verified(personas["commissioner"]).get(url("award", tender)).content.decode()

    assert "How the winning bid's price schedule adds up" in page
    assert "£4.20 per meal" in page
    assert "70,000" in page
    assert "£1,176,000" in page and "£203,400" in page
    assert "gives a contract value of <strong>£1,379,400</strong> excluding VAT over 48" in page


def test_a_rate_without_a_published_volume_needs_the_value_entered_with_a_reason(
    moderated, tender, personas
):
    tender.price_elements.filter(name=LUNCH_CLUB).update(annual_volume=None)

    with pytest.raises(DomainError) as refused:
        award(tender, personas)
    assert (refused.value.code, refused.value.field) == ("value_required", "value")
    assert refused.value.message == (
        "Lunch club places is priced per unit without a published volume, so the price "
        "schedule cannot give the contract value: enter it, with the reason."
    )
    with pytest.raises(DomainError) as refused:
        award(tender, personas, value=D("1380000"))
    assert (refused.value.code, refused.value.field) == ("value_reason_required", "value_reason")
    assert not Contract.objects.filter(tender=tender).exists()

    award(
        tender,
        personas,
        value=D("1380000"),
        value_reason="The council's meal and lunch-club forecast for 2027–2031.",
    )

    contract = Contract.objects.get(tender=tender)
    assert (contract.value, contract.derived_value, contract.value_reason) == (
        D("1380000.00"),
        None,
        "The council's meal and lunch-club forecast for 2027–2031.",
    )


def test_a_value_other_than_the_derived_one_needs_a_reason(moderated, tender, personas):
    with pytest.raises(DomainError) as refused:
        award(tender, personas, value=D("1400000"))

    assert refused.value.message == (
        "Give the reason for entering the contract value instead of the £1,379,400.00 the "
        "winning bid's price schedule gives."
    )
    with pytest.raises(DomainError) as refused:
        award(tender, personas, value=D("0"), value_reason="Nil")
    assert refused.value.field == "value"


def test_a_value_far_from_the_estimate_or_below_the_threshold_is_flagged(
    moderated, tender, personas
):
    import datetime as dt

    Tender.objects.filter(pk=tender.pk).update(
        value_ex_vat=D("1000000"), regulated=True, strategy_date=dt.date(2026, 1, 12)
    )
    tender.refresh_from_db()

    assert domain.value_flags(tender, D("1379400")) == [
        "The contract value, £1,379,400.00, is 38 % above the estimate of £1,000,000.00: check "
        "the price schedule's volumes, and say why in the award's reasons."
    ]
    assert domain.value_flags(tender, D("1200000")) == []  # 20 % above: within 25 %
    assert domain.value_flags(tender, D("40000")) == [
        "The contract value, £40,000.00, is below the regulated procurement threshold "
        "(£50,000.00) the tender was advertised under: check the price schedule's volumes and "
        "the contract's term.",
        "The contract value, £40,000.00, is 96 % below the estimate of £1,000,000.00: check the "
        "price schedule's volumes, and say why in the award's reasons.",
    ]
    award(tender, personas)
    event = AuditEvent.objects.get(action="bidding.tender.awarded")
    assert len(event.data["value_flags"]) == 1


def test_the_award_form_takes_an_entered_value_and_its_reason(
    moderated, tender, personas, verified
):
    tender.price_elements.filter(name=LUNCH_CLUB).update(annual_volume=None)
    officer = verified(personas["commissioner"])

    page = officer.post(url("award", tender), {"reasons": "Best value", "electronic": "yes"})

    assert page.status_code == 200
    body = page.content.decode()
    assert "govuk-error-summary" in body
    assert 'href="#id_value"' in body
    assert Contract.objects.filter(tender=tender).count() == 0
    done = officer.post(
        url("award", tender),
        {
            "reasons": "Best value",
            "electronic": "yes",
            "value": "1380000",
            "value_reason": "The council's forecast.",
        },
    )
    assert done.status_code == 302
    assert Contract.objects.get(tender=tender).value == D("1380000.00")
    shown = officer.get(url("award", tender)).content.decode()
    assert "£1,380,000 excluding VAT, entered by the officer: The council&#x27;s forecast." in shown


def test_the_api_gives_the_derived_value_and_takes_an_entered_one(
    moderated, tender, personas, verified
):
    api = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/award"
    officer = verified(personas["commissioner"])

    preview = officer.get(f"{api}/value").json()

    assert preview["value"] == "1379400.00"
    assert preview["lines"][0] == {
        "element": MEALS,
        "price": "4.20",
        "unit": "meal",
        "annual_volume": "70000",
        "years": "4",
        "evaluated": "1176000.00",
    }
    refused = officer.post(
        api, {"reasons": "Best", "value": "1400000"}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "value_reason"
    made = officer.post(api, {"reasons": "Best"}, content_type="application/json")
    assert made.status_code == 201
    contract = made.json()["contract"]
    assert (contract["value"], contract["derived_value"], contract["value_reason"]) == (
        "1379400.00",
        "1379400.00",
        "",
    )
    assert contract["value_flags"] == []


@pytest.mark.parametrize(
    "persona", ["evaluator", "steering", "service_user", "se_partner", "observer", "outsider"]
)
def test_only_officers_reach_the_value_preview(moderated, tender, personas, verified, persona):
    api = f"/api/v1/partnerships/{tender.partnership_id}/bids/{tender.pk}/award/value"

    assert verified(personas[persona]).get(api).status_code in (403, 404)
