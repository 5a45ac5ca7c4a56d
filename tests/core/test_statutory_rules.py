import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coplan.core import domain
from coplan.core.models import AuditEvent, StatutoryRule
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("on", "value"),
    [
        (dt.date(2016, 4, 17), None),  # before the 2014 Act's thresholds came into force
        (dt.date(2017, 12, 31), Decimal("589148.00")),
        (dt.date(2018, 1, 1), Decimal("615278.00")),
    ],
)
def test_the_light_touch_version_in_force_on_a_date(db, on, value):
    rule = domain.rule_in_force("light_touch", on)
    assert (rule.value if rule else None) == value


def test_the_seeded_table_excludes_vat(db):
    in_force = {r.key: r.value for r in domain.rules_in_force(dt.date(2026, 11, 25))}
    assert in_force == {
        "regulated_goods_services": Decimal("50000.00"),
        "regulated_works": Decimal("2000000.00"),
        "cb_duty_threshold": Decimal("4000000.00"),
        "light_touch": Decimal("615278.00"),
        "procurement_strategy_spend": Decimal("5000000.00"),
        "standstill_days_electronic": Decimal("10.00"),
        "standstill_days_other": Decimal("15.00"),
    }
    assert not StatutoryRule.objects.filter(includes_vat=True).exists()


@pytest.mark.parametrize(
    ("on", "electronic", "other", "source"),
    [
        (dt.date(2006, 1, 30), None, None, None),
        (dt.date(2007, 9, 3), 10, 10, "Public Contracts (Scotland) Regulations 2006 reg 32(3)"),
        (dt.date(2012, 6, 1), 10, 15, "Public Contracts (Scotland) Regulations 2006 reg 32A"),
        (dt.date(2016, 4, 18), 10, 15, "Public Contracts (Scotland) Regulations 2015 reg 85"),
    ],
)
def test_the_standstill_periods_are_days_from_the_regulations_in_force(
    db, on, electronic, other, source
):
    rules = [
        domain.rule_in_force(k, on) for k in ("standstill_days_electronic", "standstill_days_other")
    ]
    if source is None:
        assert rules == [None, None]
        return
    assert [(r.value, r.unit, r.source[: len(source)]) for r in rules] == [
        (electronic, "days", source),
        (other, "days", source),
    ]


def test_the_thresholds_are_money_and_only_the_standstill_keys_are_days(db):
    days = StatutoryRule.objects.filter(unit="days").values_list("key", flat=True)
    assert sorted(set(days)) == ["standstill_days_electronic", "standstill_days_other"]
    assert len(days) == 6
    assert StatutoryRule.objects.filter(unit="money").count() == 6


def test_a_new_version_takes_its_unit_from_its_key(db):
    staff = UserFactory(is_staff=True)
    rule = domain.save_statutory_rule(
        rule=StatutoryRule(
            key="standstill_days_other",
            value=Decimal("14"),
            effective_from=dt.date(2027, 1, 1),
            rule="Illustrative change of period.",
            source="Illustrative amendment",
        ),
        actor=staff,
    )
    assert rule.unit == "days"  # the form and the API do not ask for it: the key decides
    assert StatutoryRule.objects.get(pk=rule.pk).unit == "days"


def test_a_new_version_is_audited_and_takes_over_from_its_date(db):
    staff = UserFactory(is_staff=True)
    domain.save_statutory_rule(
        rule=StatutoryRule(
            key="cb_duty_threshold",
            value=Decimal("2000000"),
            effective_from=dt.date(2027, 4, 1),
            rule="Consider community benefits at or above this value.",
            source="SPPN (illustrative)",
        ),
        actor=staff,
    )
    assert domain.rule_in_force("cb_duty_threshold", dt.date(2027, 3, 31)).value == 4000000
    assert domain.rule_in_force("cb_duty_threshold", dt.date(2027, 4, 1)).value == 2000000
    event = AuditEvent.objects.get(action="core.statutory_rule.created")
    assert (event.actor, event.data["value"], event.data["effective_from"]) == (
        staff,
        "2000000",
        "2027-04-01",
    )


def test_an_edit_records_what_changed(db):
    staff = UserFactory(is_staff=True)
    rule = domain.rule_in_force("regulated_works", dt.date(2020, 1, 1))
    rule.source = "PR(S)A 2014, section 3"
    domain.save_statutory_rule(rule=rule, actor=staff)
    event = AuditEvent.objects.get(action="core.statutory_rule.updated")
    assert event.data == {
        "changed": {
            "source": ["Procurement Reform (Scotland) Act 2014 s.3", "PR(S)A 2014, section 3"]
        }
    }


def test_two_versions_cannot_start_on_the_same_day(db):
    staff = UserFactory(is_staff=True)
    with pytest.raises(ValidationError):
        domain.save_statutory_rule(
            rule=StatutoryRule(
                key="light_touch",
                value=Decimal("1"),
                effective_from=dt.date(2018, 1, 1),
                rule="x",
                source="y",
            ),
            actor=staff,
        )
    assert StatutoryRule.objects.filter(key="light_touch").count() == 2
    assert not AuditEvent.objects.exists()


def test_the_rules_page_examples_use_todays_date(db, client):
    import time_machine
    from django.urls import reverse

    client.force_login(UserFactory())
    with time_machine.travel(dt.datetime(2026, 12, 7, 12)):
        page = client.get(reverse("core:rules") + "?on=yesterday").content.decode()
    assert '<div class="govuk-hint" id="on-hint">For example 2026-12-07</div>' in page
    assert "Enter a real date, like 2026-12-07" in page
    assert "2007-07-01" not in page and "2016-04-18" not in page
