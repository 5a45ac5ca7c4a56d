"""The procurement rules: value excluding VAT, regulated or not, the community benefit duty,
from the statutory rules in force on the strategy's date (seeded by core migration 0003)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.tendering import domain
from tests.api.helpers import INVALID, REFUSED, api_as, assert_problem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 15)


def rules(**kw):
    args = {"contract_type": "services", "vat_included": False, "vat_rate": D(20), "on": TODAY}
    return domain.procurement_rules(**{**args, **kw})


def test_vat_is_taken_off_before_comparing_with_the_thresholds():
    # £60,000 including VAT at 20 % is £60,000 / 1.2 = £50,000.00: exactly the goods and
    # services threshold, so regulated (the Act says "at least").
    result = rules(estimated_value=D("60000"), vat_included=True)
    assert result.value_ex_vat == D("50000.00")
    assert result.regulated is True
    assert result.community_benefit_duty is False
    assert result.rules_version == {
        "regulated_goods_services": "2016-04-18",
        "cb_duty_threshold": "2016-06-01",
    }


def test_a_penny_under_the_threshold_is_not_regulated():
    # £59,999 / 1.2 = £49,999.1666… → £49,999.17, under £50,000.
    result = rules(estimated_value=D("59999"), vat_included=True)
    assert result.value_ex_vat == D("49999.17")
    assert result.regulated is False


def test_works_have_their_own_threshold_and_the_duty_applies_from_four_million():
    # £4,800,000 including VAT at 20 % is £4,000,000 excluding VAT: regulated (≥ £2m for
    # works) and at the community benefit threshold (≥ £4m).
    result = rules(contract_type="works", estimated_value=D("4800000"), vat_included=True)
    assert result.value_ex_vat == D("4000000.00")
    assert result.regulated is True
    assert result.regulated_threshold == D("2000000.00")
    assert result.community_benefit_duty is True
    assert result.rules_version["regulated_works"] == "2016-04-18"
    assert rules(contract_type="works", estimated_value=D("1999999.99")).regulated is False


def test_before_the_2014_act_no_threshold_is_in_force():
    result = rules(estimated_value=D("5000000"), on=dt.date(2007, 6, 5))
    assert result.regulated is False
    assert result.community_benefit_duty is False
    assert result.rules_version == {"regulated_goods_services": None, "cb_duty_threshold": None}
    assert "18 April 2016" in result.notes[0]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"contract_type": "cakes", "estimated_value": D(1)}, "contract_type"),
        ({"estimated_value": D(-1)}, "estimated_value"),
        ({"estimated_value": D(1), "vat_rate": D(101)}, "vat_rate"),
    ],
)
def test_bad_input_names_the_field(kw, field):
    with pytest.raises(DomainError) as refused:
        rules(**kw)
    assert refused.value.field == field


def test_the_tender_records_the_rules_version_it_used(world):
    tender = world.tender
    # £1,410,000 including VAT at 17.5 % is £1,200,000.00; in 2007 no rule was in force.
    assert tender.value_ex_vat == D("1200000.00")
    assert tender.regulated is False and tender.cb_duty is False
    domain.set_strategy(
        tender=tender,
        actor=world.people["procurement"],
        strategy_date=TODAY,
        estimated_value=D("4800000"),
        vat_rate=D(20),
    )
    tender.refresh_from_db()
    assert tender.value_ex_vat == D("4000000.00")
    assert tender.regulated is True and tender.cb_duty is True
    assert tender.rules_version == {
        "on": "2026-01-15",
        "regulated_goods_services": "2016-04-18",
        "cb_duty_threshold": "2016-06-01",
    }
    event = AuditEvent.objects.filter(action="tendering.strategy.set").get()
    assert event.data["rules_version"]["on"] == "2026-01-15"
    assert event.data["cb_duty"] is True
    assert event.actor == world.people["procurement"]


# --- the stateless API ----------------------------------------------------------------------------

URL = "/rules/procurement"


def test_the_rules_check_api():
    api = api_as(UserFactory())
    body = api.get(
        URL,
        {
            "contract_type": "services",
            "estimated_value": "4800000",
            "vat_included": "true",
            "vat_rate": "20",
            "on": "2026-01-15",
        },
    ).json()
    assert body["value_ex_vat"] == "4000000.00"
    assert body["regulated"] is True
    assert body["community_benefit_duty"] is True
    assert body["rules_version"] == {
        "regulated_goods_services": "2016-04-18",
        "cb_duty_threshold": "2016-06-01",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"contract_type": "cakes", "estimated_value": "1"}, "contract_type"),
        ({"contract_type": "works", "estimated_value": "-5"}, "estimated_value"),
        ({"contract_type": "works", "estimated_value": "lots"}, "estimated_value"),
        ({"contract_type": "works", "estimated_value": "1", "on": "2026-02-30"}, "on"),
        ({"contract_type": "works", "estimated_value": "1", "vat_rate": "120"}, "vat_rate"),
        ({"estimated_value": "1"}, "contract_type"),
    ],
)
def test_bad_parameters_are_a_422_naming_the_field(params, field):
    body = assert_problem(api_as(UserFactory()).get(URL, params), 422, INVALID)
    assert [e["field"] for e in body["errors"]] == [field]


def test_the_rules_check_needs_a_signed_in_caller():
    from tests.api.helpers import Api

    assert Api().get(URL, {"contract_type": "works", "estimated_value": "1"}).status_code == 401


def test_refusals_are_problem_bodies_too(world):
    api = api_as(world.people["procurement"])
    path = f"/partnerships/{world.partnership.pk}/tenders/{world.tender.pk}/strategy"
    domain.publish(tender=world.tender, actor=world.people["commissioner"])
    body = assert_problem(api.patch(path, {"title": "New"}), 422, REFUSED)
    assert body["code"] == "tender_published"
