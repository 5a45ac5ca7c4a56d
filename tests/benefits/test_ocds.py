"""OCDS implementation data: the contract's commitments and verified returns as milestones,
extending the tender's release package; validates with libcoveocds (offline)."""

import datetime as dt
from decimal import Decimal as D

from coplan.benefits import domain, ocds
from tests.tendering.test_ocds import validate


def test_the_implementation_release_validates(contract):
    w = contract
    ret = domain.submit_return(
        contract=w.contract,
        actor=w.people["se_partner"],
        period_start=dt.date(2007, 10, 1),
        lines={w.trainees: {"actual": D(12)}, w.reused: {"actual": D(600)}},
    )
    for line in ret.lines.all():
        domain.verify_line(line=line, actor=w.people["commissioner"])
    package = ocds.release_package(w.tender)
    result = validate(package)
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert "extensions" not in package
    release = package["releases"][-1]
    assert release["tag"] == ["implementation"]
    (found,) = release["contracts"]
    milestones = {m["id"]: m for m in found["implementation"]["milestones"]}
    assert milestones[f"commitment-{w.trainees.pk}"]["status"] == "met"
    assert milestones[f"commitment-{w.tonnes.pk}"]["status"] == "scheduled"
    assert milestones[f"commitment-{w.trainees.pk}"]["type"] == "delivery"
    reporting = [m for m in milestones.values() if m["type"] == "reporting"]
    assert len(reporting) == 2 and all(m["status"] == "met" for m in reporting)
