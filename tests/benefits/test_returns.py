"""Quarterly returns: submit, verify or query, resubmit; only verified figures count; RAG per
commitment; remedial plans; additionality and retention."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from coplan.benefits import calc, domain, monitoring
from coplan.benefits.models import LineStatus
from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent

Q1 = dt.date(2007, 10, 1)  # October to December 2007
Q2 = dt.date(2008, 1, 1)
TODAY = dt.date(2026, 11, 25)


def submit(w, start, trainees, reused, tonnes, who="se_partner", **extra):
    return domain.submit_return(
        contract=w.contract,
        actor=w.people[who],
        period_start=start,
        lines={
            w.trainees: {"actual": D(trainees), **extra},
            w.reused: {"actual": D(reused)},
            w.tonnes: {"actual": D(tonnes)},
        },
        today=TODAY,
    )


def verify_all(w, ret, who="commissioner"):
    for line in ret.lines.all():
        domain.verify_line(line=line, actor=w.people[who])


def test_the_contract_has_twelve_quarters():
    quarters = calc.quarters(dt.date(2007, 10, 1), dt.date(2010, 9, 30))
    assert len(quarters) == 12
    assert quarters[0] == (dt.date(2007, 10, 1), dt.date(2007, 12, 31))
    assert quarters[-1] == (dt.date(2010, 7, 1), dt.date(2010, 9, 30))
    assert calc.quarter_label(*quarters[0]) == "October to December 2007"


def test_only_verified_figures_count(contract):
    w = contract
    ret = submit(w, Q1, 3, 500, 30)
    assert str(ret) == "October to December 2007"
    # As at 31 December 2007: 92 of 366 days, so 12 × 92/366 trainees are due.
    state = monitoring.monitor(w.contract, today=TODAY)
    assert state.as_of == dt.date(2007, 12, 31)
    trainees = state.rows[0]
    assert (trainees.verified, trainees.pending, trainees.status.rag) == (D(0), D(3), "red")
    verify_all(w, ret)
    trainees = monitoring.monitor(w.contract, today=TODAY).rows[0]
    assert trainees.verified == D(3)
    assert trainees.status.due == D(12) * (D(92) / D(366))  # 3.016…
    # 3 ÷ 3.016 = 99.5 %: amber
    assert trainees.status.rag == "amber"
    assert AuditEvent.objects.filter(action="benefits.line.verified").count() == 3


def test_rag_by_quarter_with_a_query_and_a_red(contract):
    w = contract
    verify_all(w, submit(w, Q1, 4, 520, 40))
    q2 = submit(w, Q2, 1, 480, 20)
    trainees, reused, tonnes = q2.lines.order_by("commitment__pk")
    domain.verify_line(line=trainees, actor=w.people["procurement"])
    domain.verify_line(line=reused, actor=w.people["procurement"])
    domain.query_line(line=tonnes, actor=w.people["procurement"], query="Send the WTNs.")
    state = monitoring.monitor(w.contract, today=TODAY)
    # As at 31 March 2008: 183 of 366 days, half the year.
    assert state.as_of == dt.date(2008, 3, 31)
    by = {r.commitment.pk: r for r in state.rows}
    assert by[w.trainees.pk].status.percent == D(5) / D(6) * 100  # 83.3 %: amber
    assert by[w.trainees.pk].status.rag == "amber"
    assert (by[w.reused.pk].status.due, by[w.reused.pk].status.rag) == (D(1000), "green")
    # tonnes: only Q1's 40 verified against 75 due: 53 %: red, and it needs a plan
    assert (by[w.tonnes.pk].verified, by[w.tonnes.pk].status.rag) == (D(40), "red")
    assert by[w.tonnes.pk].queried == 1
    assert by[w.tonnes.pk].needs_plan
    history = [[c.status.rag for c in cells] for _, cells in state.history]
    assert history == [["green", "green", "green"], ["amber", "green", "red"]]
    # the contractor answers the query; verified, tonnes reach 60 of 75: 80 %, amber
    domain.resubmit_line(line=tonnes, actor=w.people["se_partner"], actual=D(20), notes="WTNs")
    domain.verify_line(line=tonnes, actor=w.people["commissioner"])
    again = {r.commitment.pk: r for r in monitoring.monitor(w.contract, today=TODAY).rows}
    assert again[w.tonnes.pk].status.rag == "amber"


def test_a_red_commitment_gets_a_remedial_plan_with_dates(contract):
    w = contract
    verify_all(w, submit(w, Q1, 0, 500, 40))
    plan = domain.plan_remedy(
        commitment=w.trainees,
        actor=w.people["se_partner"],
        actions="Second intake with the homelessness service.",
        starts_on=dt.date(2008, 1, 14),
        due_on=dt.date(2008, 3, 31),
    )
    row = monitoring.monitor(w.contract, today=TODAY).rows[0]
    assert row.status.rag == "red"
    assert (row.open_plan, row.needs_plan) == (plan, False)
    with pytest.raises(DomainError) as refused:
        domain.plan_remedy(
            commitment=w.trainees,
            actor=w.people["commissioner"],
            actions="x",
            starts_on=dt.date(2008, 2, 1),
            due_on=dt.date(2008, 1, 1),
        )
    assert refused.value.field == "due_on"
    with pytest.raises(PermissionDenied):
        domain.plan_remedy(
            commitment=w.trainees,
            actor=w.people["steering"],
            actions="x",
            starts_on=dt.date(2008, 2, 1),
            due_on=dt.date(2008, 3, 1),
        )
    domain.complete_remedy(
        plan=plan, actor=w.people["commissioner"], completed_on=dt.date(2008, 3, 28)
    )
    assert monitoring.monitor(w.contract, today=TODAY).rows[0].needs_plan


def test_who_submits_and_who_verifies(contract):
    w = contract
    for who in ("other_se", "commissioner", "facilitator"):
        with pytest.raises(PermissionDenied):
            submit(w, Q1, 1, 1, 1, who=who)
    ret = submit(w, Q1, 1, 1, 1)
    line = ret.lines.first()
    for who in ("se_partner", "steering", "facilitator"):
        with pytest.raises(PermissionDenied):
            domain.verify_line(line=line, actor=w.people[who])
    domain.verify_line(line=line, actor=w.people["procurement"])
    with pytest.raises(DomainError) as refused:
        domain.query_line(line=line, actor=w.people["commissioner"], query="Again?")
    assert refused.value.code == "line_not_submitted"


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (dt.date(2007, 11, 1), "not_a_quarter"),
        (dt.date(2026, 10, 1), "not_a_quarter"),
    ],
)
def test_a_return_is_for_one_of_the_contract_quarters(contract, start, code):
    with pytest.raises(DomainError) as refused:
        submit(contract, start, 1, 1, 1)
    assert (refused.value.code, refused.value.field) == (code, "period_start")


def test_a_quarter_is_returned_once_and_after_it_ends(contract):
    w = contract
    submit(w, Q1, 1, 1, 1)
    with pytest.raises(DomainError) as refused:
        submit(w, Q1, 1, 1, 1)
    assert refused.value.code == "already_submitted"
    with pytest.raises(DomainError) as refused:
        domain.submit_return(
            contract=w.contract,
            actor=w.people["se_partner"],
            period_start=Q2,
            lines={w.trainees: {"actual": D(1)}},
            today=dt.date(2008, 3, 30),
        )
    assert refused.value.code == "quarter_not_over"


def test_additionality_and_retention_for_recruitment(contract):
    w = contract
    q1 = submit(w, Q1, 4, 500, 40, additional=3)
    verify_all(w, q1)
    with pytest.raises(DomainError) as refused:
        submit(w, Q2, 2, 1, 1, additional=3)
    assert refused.value.field == f"lines[{w.trainees.pk}].additional"
    line = q1.lines.get(commitment=w.trainees)
    domain.record_retention(line=line, actor=w.people["se_partner"], in_post_26=3, in_post_52=2)
    summary = monitoring.monitor(w.contract, today=TODAY).rows[0].recruitment
    assert (summary.starts, summary.additional, summary.additional_percent) == (4, 3, D(75))
    assert (summary.retention_26_percent, summary.retention_52_percent) == (D(75), D(50))
    assert monitoring.monitor(w.contract, today=TODAY).rows[1].recruitment is None


def test_evidence_is_for_unverified_lines_of_the_contractor(contract):
    w = contract
    line = submit(w, Q1, 1, 1, 1).lines.first()
    upload = SimpleUploadedFile("letters.pdf", b"%PDF-1.4 start letters", "application/pdf")
    evidence = domain.add_evidence(line=line, actor=w.people["se_partner"], upload=upload)
    assert (evidence.name, evidence.size) == ("letters.pdf", 22)
    bad = SimpleUploadedFile("run.exe", b"MZ", "application/x-msdownload")
    with pytest.raises(DomainError) as refused:
        domain.add_evidence(line=line, actor=w.people["se_partner"], upload=bad)
    assert refused.value.field == "file"
    domain.verify_line(line=line, actor=w.people["commissioner"])
    with pytest.raises(DomainError):
        domain.add_evidence(line=line, actor=w.people["se_partner"], upload=upload)
    assert line.status == LineStatus.VERIFIED


def test_thresholds_are_set_per_partnership(contract):
    w = contract
    verify_all(w, submit(w, Q1, 3, 500, 40))
    domain.set_thresholds(
        partnership=w.partnership,
        actor=w.people["commissioner"],
        green_percent=D(95),
        amber_percent=D(80),
    )
    assert monitoring.monitor(w.contract, today=TODAY).rows[0].status.rag == "green"
    with pytest.raises(DomainError):
        domain.set_thresholds(
            partnership=w.partnership,
            actor=w.people["commissioner"],
            green_percent=D(70),
            amber_percent=D(80),
        )
