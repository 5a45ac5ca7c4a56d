"""Planned against actual unit cost (issue 18): an actual more than the partnership's threshold
(25 % unless set) above the planned is Amber, more than twice it Red, with the reason in words,
on the comparison and in the element 4 health check. The facilitator sets the threshold; the
change is audited."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.costing import domain, queries
from coplan.costing.health import capacity_building
from coplan.partnerships.health import HealthStatus


@pytest.mark.parametrize(
    ("actual", "rag", "reason"),
    [
        # (617.62 − 180.08) ÷ 180.08 = 243.0 %: beyond twice 25 %
        ("617.62", "red", "Actual unit cost £617.62 is 243% above the planned £180.08"),
        # (234.10 − 180.08) ÷ 180.08 = 30.0 %: beyond 25 %, within 50 %
        ("234.10", "amber", "Actual unit cost £234.10 is 30% above the planned £180.08"),
        # (216.10 − 180.08) ÷ 180.08 = 20.0 %: within 25 %
        ("216.10", "green", "Actual unit cost £216.10 is 20% above the planned £180.08"),
        # below plan is reported, not flagged: (72.03 − 180.08) ÷ 180.08 = −60.0 %
        ("72.03", "green", "Actual unit cost £72.03 is 60% below the planned £180.08"),
    ],
)
def test_the_variance_against_the_default_threshold(locked, actual, rag, reason):
    row = queries.PlannedActual(locked.model, locked.version, D("180.08"), D(actual))
    assert row.rag == rag
    assert row.reason == f"{reason} (threshold 25%)"


def pilot_actual(w, unit_cost: str):
    """Twenty packs delivered in the pilot at ``unit_cost`` each."""
    from coplan.pilots.models import MonthlyRollup, Pilot, PilotService

    pilot = Pilot.objects.create(
        partnership=w.partnership,
        title="Furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
    )
    service = PilotService.objects.create(pilot=pilot, name="Packs")
    MonthlyRollup.objects.create(
        pilot=pilot,
        service=service,
        provider=w.enterprise,
        month=dt.date(2006, 10, 1),
        records=20,
        quantity=D(20),
        cost=D(unit_cost) * 20,
    )


RED_REASON = "Actual unit cost £617.62 is 311% above the planned £150.15 (threshold 25%)"


def test_the_health_check_and_the_comparison_flag_a_red_variance(client, locked):
    w = locked
    pilot_actual(w, "617.62")  # (617.62 − 150.15) ÷ 150.15 = 311.3 %
    health = capacity_building(w.partnership)
    assert health.status == HealthStatus.AT_RISK
    # the health check, which service users see too, says it without money
    assert (
        f"Red unit cost variance, {w.enterprise}: Packs: actual unit cost 311% above plan "
        "(threshold 25%)." in health.evidence
    )

    client.force_login(w.owner)
    html = client.get(reverse("costing:overview", args=[w.partnership.pk])).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong> ' + RED_REASON in html


def test_the_facilitator_sets_the_threshold_and_it_is_audited(locked):
    w = locked
    pilot_actual(w, "617.62")
    for who in ("se_partner", "commissioner"):
        with pytest.raises(PermissionDenied):
            domain.set_variance_threshold(
                partnership=w.partnership, actor=w.people[who], percent=D(200)
            )
    with pytest.raises(DomainError) as refused:
        domain.set_variance_threshold(
            partnership=w.partnership, actor=w.people["facilitator"], percent=D(0)
        )
    assert refused.value.field == "variance_threshold_percent"

    domain.set_variance_threshold(
        partnership=w.partnership, actor=w.people["facilitator"], percent=D(200)
    )
    # 311 % is beyond 200 % but within 400 %: Amber, and no longer at risk on that account
    (row,) = queries.unit_cost_variances(w.partnership)
    assert (row.rag, row.threshold) == ("amber", D(200))
    assert row.reason.endswith("(threshold 200%)")
    event = AuditEvent.objects.get(action="costing.thresholds.set")
    assert (event.actor, event.data) == (
        w.people["facilitator"],
        {"variance_threshold_percent": "200"},
    )


def test_the_facilitator_changes_the_threshold_on_its_page(client, locked):
    w = locked
    url = reverse("costing:threshold", args=[w.partnership.pk])
    client.force_login(w.people["se_partner"])
    assert client.get(url).status_code == 403
    client.force_login(w.people["facilitator"])
    assert 'value="25"' in client.get(url).content.decode()
    assert client.post(url, {"variance_threshold_percent": "0"}).status_code == 200  # refused
    response = client.post(url, {"variance_threshold_percent": "40"})
    assert response.status_code == 302
    assert queries.variance_threshold(w.partnership) == D(40)
    assert AuditEvent.objects.filter(action="costing.thresholds.set").count() == 1
