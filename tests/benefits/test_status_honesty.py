"""Status honest at every moment (issue 18): a submitted return's figures wait as "awaiting
verification" and never lower a commitment's status or move its "as at" date; only verifying
them does. Shown on the contract page, the partnership's health check and the public page.

Worked example, Homereach's first contract year (1 October 2007 – 30 September 2008, 366 days),
12 trainees due over it. Three quarters verified, 3 trainees each: 9 by 30 June 2008, when
12 × 274/366 = 8.98 were due: 100.2 %, Green. The July–September return reports 2 more. Until
it is verified the commitment stays Green "as at 30 June 2008", the 2 shown as awaiting
verification; verified, 11 of the 12 due is 91.7 %: Amber as at 30 September 2008.
"""

import datetime as dt
from decimal import Decimal as D

from django.urls import reverse

from coplan.benefits import domain, monitoring
from coplan.benefits.health import community_benefits

QUARTERS = [dt.date(2007, 10, 1), dt.date(2008, 1, 1), dt.date(2008, 4, 1)]
Q4 = dt.date(2008, 7, 1)
TODAY = dt.date(2026, 11, 25)


def submit(w, start, trainees, reused=500, tonnes=40):
    return domain.submit_return(
        contract=w.contract,
        actor=w.people["se_partner"],
        period_start=start,
        lines={
            w.trainees: {"actual": D(trainees)},
            w.reused: {"actual": D(reused)},
            w.tonnes: {"actual": D(tonnes)},
        },
        today=TODAY,
    )


def verify(w, lines):
    for line in lines:
        domain.verify_line(line=line, actor=w.people["commissioner"])


def three_quarters_verified(w):
    for start in QUARTERS:
        verify(w, submit(w, start, 3).lines.all())


def trainees_row(w):
    state = monitoring.monitor(w.contract, today=TODAY)
    return state, next(r for r in state.rows if r.commitment == w.trainees)


def test_a_submitted_return_leaves_the_status_and_its_date_alone(contract):
    w = contract
    three_quarters_verified(w)
    state, row = trainees_row(w)
    assert (state.as_of, row.as_of, row.status.rag) == (dt.date(2008, 6, 30),) * 2 + ("green",)
    assert row.status.due == D(12) * (D(274) / D(366))  # 8.98…

    q4 = submit(w, Q4, 2, reused=500, tonnes=30)
    state, row = trainees_row(w)
    assert state.as_of == dt.date(2008, 6, 30)
    assert (row.verified, row.pending, row.status.rag) == (D(9), D(2), "green")
    assert [r.status.rag for r in state.rows] == ["green", "green", "green"]
    # the Q4 line of the quarter-by-quarter history waits, rather than reading Amber
    assert [c.awaiting for c in state.history[-1][1]] == [True, True, True]
    assert [c.status.rag for c in state.history[-2][1]] == ["green", "green", "green"]

    # verifying the trainees line alone moves that commitment; the others still wait
    trainees_line = q4.lines.get(commitment=w.trainees)
    verify(w, [trainees_line])
    state, row = trainees_row(w)
    assert (state.as_of, row.as_of) == (dt.date(2008, 9, 30), dt.date(2008, 9, 30))
    assert (row.verified, row.pending, row.status.rag) == (D(11), D(0), "amber")
    assert row.status.percent == D(11) / D(12) * 100  # 91.7 %
    others = [r for r in state.rows if r.commitment != w.trainees]
    assert [(r.as_of, r.status.rag) for r in others] == [(dt.date(2008, 6, 30), "green")] * 2


def test_the_contract_page_health_check_and_public_page_agree(client, contract):
    w = contract
    three_quarters_verified(w)
    submit(w, Q4, 2, reused=500, tonnes=30)

    client.force_login(w.people["steering"])
    page = client.get(reverse("benefits:contract", args=[w.partnership.pk, w.contract.pk]))
    text = page.content.decode()
    assert "30 June 2008 (the end of the latest quarter with verified figures" in text
    assert text.count("Awaiting verification</strong>") == 3

    health = community_benefits(w.partnership)
    assert any("as at 30 June 2008 green 3, amber 0, red 0." in e for e in health.evidence)

    client.logout()
    public = client.get(reverse("benefits:public", args=[w.partnership.pk])).content.decode()
    assert "verified figures as at 30 June 2008" in public
    assert "govuk-tag--yellow" not in public


def test_quarter_labels_never_read_as_four_months():
    from coplan.benefits.calc import quarter_label

    assert quarter_label(dt.date(2009, 10, 1), dt.date(2009, 12, 31)) == "October to December 2009"
    assert quarter_label(dt.date(2009, 11, 1), dt.date(2010, 1, 31)) == (
        "November 2009 to January 2010"
    )
    # a contract starting on 8 October 2007 (Homereach's): its quarters carry their days
    assert quarter_label(dt.date(2007, 10, 8), dt.date(2008, 1, 7)) == (
        "8 October 2007 to 7 January 2008"
    )
    assert quarter_label(dt.date(2008, 4, 8), dt.date(2008, 7, 7)) == "8 April to 7 July 2008"


def test_units_agree_with_their_number():
    from coplan.benefits.templatetags.benefits import unit_for

    assert unit_for("trainee places", D(1)) == "trainee place"
    assert unit_for("trainee places", D(2)) == "trainee places"
    assert unit_for("trainee places", D("1.5")) == "trainee places"
    assert unit_for("people", D(1)) == "person"
    assert unit_for("items reused", D(1)) == "item reused"
    assert unit_for("tonnes", D(0)) == "tonnes"
