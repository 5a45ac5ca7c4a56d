import datetime as dt

from coplan.partnerships import health
from coplan.partnerships.enums import Role
from coplan.partnerships.health import (
    HealthStatus,
    health_check,
    intermediary_support,
    steering_group,
)
from tests.factories import DepartmentFactory, PartnershipFactory, member


def test_elements_without_evidence_honestly_say_not_started(db, monkeypatch):
    monkeypatch.setattr(health, "_PROVIDERS", {3: intermediary_support})  # as if no app had one
    partnership = PartnershipFactory(intermediary=None)
    rows = health_check(partnership)
    assert [(r.number, r.status) for r in rows] == [
        (n, HealthStatus.NOT_STARTED) for n in range(1, 8)
    ]
    assert rows[0].evidence == ["No evidence recorded in Coplan yet."]
    assert rows[2].evidence == ["No intermediary named yet."]


def test_intermediary_and_steering_group_elements_read_the_partnership(db):
    partnership = PartnershipFactory()
    member(partnership, Role.FACILITATOR, partnership.intermediary, full_name="Moira Kerr")
    member(partnership, Role.COMMISSIONER, DepartmentFactory(name="Housing"))
    member(partnership, Role.PROCUREMENT, DepartmentFactory(name="Corporate Procurement"))
    rows = {3: intermediary_support(partnership), 5: steering_group(partnership)}
    assert rows[3].status == HealthStatus.ON_TRACK
    assert rows[3].evidence[:2] == [
        f"Intermediary: {partnership.intermediary}.",
        "Facilitators: Moira Kerr.",
    ]
    assert rows[5].status == HealthStatus.ON_TRACK
    assert rows[5].evidence == [
        "2 people on the steering group (commissioner, procurement and steering members).",
        "Departments represented: Corporate Procurement, Housing.",
    ]


def test_a_timeline_error_puts_intermediary_support_at_risk(db):
    partnership = PartnershipFactory(started_on=dt.date(2007, 1, 1))  # 6 months before tender
    member(partnership, Role.FACILITATOR, partnership.intermediary)
    row = health_check(partnership)[2]
    assert row.status == HealthStatus.AT_RISK
    assert any("must start at least 12 months" in line for line in row.evidence)
