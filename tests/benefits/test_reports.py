"""The authority's annual community benefit report: page, XLSX and tagged PDF."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from coplan.benefits import domain, reports
from coplan.core.models import Affiliation
from tests.factories import UserFactory


@pytest.fixture
def year_one(contract):
    """Q1 (Oct–Dec 2007): 3 trainees, 500 items, 40 tonnes; Q4 (Jul–Sep 2008): 9 trainees,
    1,600 items, 50 tonnes; all verified."""
    w = contract
    for start, figures in (
        (dt.date(2007, 10, 1), (3, 500, 40)),
        (dt.date(2008, 7, 1), (9, 1600, 50)),
    ):
        ret = domain.submit_return(
            contract=w.contract,
            actor=w.people["se_partner"],
            period_start=start,
            lines={
                c: {"actual": D(n)}
                for c, n in zip((w.trainees, w.reused, w.tonnes), figures, strict=True)
            },
        )
        for line in ret.lines.all():
            domain.verify_line(line=line, actor=w.people["commissioner"])
    w.authority = w.partnership.lead_authority
    return w


def test_the_year_the_commitments_were_due(year_one):
    w = year_one
    report = reports.annual_report(w.authority, 2008)
    assert (report.starts, report.ends, report.label) == (
        dt.date(2008, 4, 1),
        dt.date(2009, 3, 31),
        "2008 to 2009",
    )
    outcomes = {line.commitment.pk: line for line in report.lines}
    assert outcomes[w.trainees.pk].outcome == reports.FULFILLED  # 12 of 12
    assert outcomes[w.reused.pk].outcome == reports.FULFILLED  # 2,100 of 2,000–2,500
    assert outcomes[w.tonnes.pk].outcome == reports.NOT_FULFILLED  # 90 of 150
    assert outcomes[w.trainees.pk].delivered_in_year == D(9)
    assert outcomes[w.trainees.pk].delivered_to_date == D(12)
    # 9 trainees × £2,600 (2008 table) + 1,600 items × £20; tonnes have no proxy
    assert report.social_value == D(55400)
    assert (report.fulfilled, report.not_fulfilled, report.in_progress) == (2, 1, 0)
    assert [(r.commitments, r.fulfilled) for r in report.requirements] == [(1, 1)]


def test_the_year_before_they_were_due(year_one):
    report = reports.annual_report(year_one.authority, 2007)
    assert report.in_progress == 3
    assert report.social_value == D(17500)  # 3 × £2,500 + 500 × £20
    assert [line.status.rag for line in report.lines] == ["amber", "amber", "green"]
    assert reports.annual_report(year_one.authority, 2011).lines == []


def test_the_status_uses_the_partnership_s_thresholds(year_one):
    """As at 31 December 2007 the trainees and items are just under their pro-rata floor
    (99.5 %): amber against 100 %, green once the partnership sets green from 95 %."""
    w = year_one
    domain.set_thresholds(
        partnership=w.partnership,
        actor=w.people["commissioner"],
        green_percent=D(95),
        amber_percent=D(70),
    )
    report = reports.annual_report(w.authority, 2007)
    assert [line.status.rag for line in report.lines] == ["green", "green", "green"]


def test_the_report_as_page_spreadsheet_and_pdf(client, year_one):
    w = year_one
    client.force_login(w.people["commissioner"])
    base = f"/benefits/reports/{w.authority.pk}/2008/"
    page = client.get(base).content.decode()
    assert "Community benefits, financial year 2008 to 2009" in page
    assert "2 fulfilled, 1 not fulfilled, 0 in progress" in page and "£55,400" in page
    assert "The golden thread" in page and "Contract commitment: 3" in page
    sheet = load_workbook(io.BytesIO(client.get(base + "xlsx/").content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Contract" and len(rows) == 4
    assert rows[1][2] == "Trainees from young people leaving homelessness"
    assert rows[1][11] == "Fulfilled" and rows[1][12] == 23400
    pdf = client.get(base + "pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    index = client.get("/benefits/reports/").content.decode()
    assert w.authority.name in index


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("commissioner", 200),
        ("procurement", 200),
        ("observer", 200),
        ("steering", 404),
        ("se_partner", 404),
        ("service_user", 404),
        ("outsider", 404),
        ("staff", 200),
    ],
)
def test_who_reads_an_authority_s_report(client, year_one, persona, status):
    client.force_login(year_one.people[persona])
    for suffix in ("", "xlsx/"):
        address = f"/benefits/reports/{year_one.authority.pk}/2008/{suffix}"
        assert client.get(address).status_code == status


def test_the_authority_s_own_people_read_it(client, year_one):
    officer = UserFactory()
    Affiliation.objects.create(user=officer, organisation=year_one.authority)
    client.force_login(officer)
    assert client.get(f"/benefits/reports/{year_one.authority.pk}/2008/").status_code == 200


def test_the_report_and_open_data_through_the_api(year_one):
    from tests.api.helpers import NOT_FOUND, api_as, assert_problem

    w = year_one
    body = api_as(w.people["procurement"]).get(f"/benefits/reports/{w.authority.pk}/2008").json()
    assert (body["fulfilled"], body["not_fulfilled"], body["social_value"]) == (2, 1, "55400.00")
    assert body["lines"][0]["outcome"] == "Fulfilled"
    assert_problem(
        api_as(w.people["se_partner"]).get(f"/benefits/reports/{w.authority.pk}/2008"),
        404,
        NOT_FOUND,
    )
    package = api_as(w.people["steering"]).get(
        f"/partnerships/{w.partnership.pk}/benefits/tenders/{w.tender.pk}/ocds"
    )
    assert package.json()["releases"][-1]["tag"] == ["implementation"]
