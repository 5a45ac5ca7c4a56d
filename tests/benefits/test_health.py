"""Element 7 after award: the tender's evidence, then delivery from verified returns."""

import datetime as dt
from decimal import Decimal as D

from coplan.benefits import domain
from coplan.partnerships.health import HealthStatus, health_check


def element_7(partnership):
    return next(e for e in health_check(partnership) if e.number == 7)


def test_element_7_follows_the_returns(contract):
    w = contract
    row = element_7(w.partnership)
    # no returns at all for a contract whose quarters have ended: every commitment is red
    assert row.status == HealthStatus.AT_RISK
    assert "0 quarterly returns" in row.evidence[-2]
    assert any(line.startswith(f"{w.tender.reference}:") for line in row.evidence)
    ret = domain.submit_return(
        contract=w.contract,
        actor=w.people["se_partner"],
        period_start=dt.date(2007, 10, 1),
        lines={
            w.trainees: {"actual": D(4)},
            w.reused: {"actual": D(600)},
            w.tonnes: {"actual": D(10)},
        },
    )
    for line in ret.lines.all():
        domain.verify_line(line=line, actor=w.people["commissioner"])
    row = element_7(w.partnership)
    assert row.status == HealthStatus.AT_RISK
    assert "as at 31 December 2007 green 2, amber 0, red 1." in row.evidence[-2]
    assert row.evidence[-1] == "Red without a remedial plan: Tonnes diverted from landfill."
    domain.plan_remedy(
        commitment=w.tonnes,
        actor=w.people["se_partner"],
        actions="More collections",
        starts_on=dt.date(2008, 1, 7),
        due_on=dt.date(2008, 3, 31),
    )
    assert element_7(w.partnership).status == HealthStatus.ON_TRACK


def test_before_award_it_is_the_tender_s_evidence(partnership):
    assert element_7(partnership).evidence == ["No tender yet."]
