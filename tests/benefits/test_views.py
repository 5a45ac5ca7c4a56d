"""The benefits pages: the SROI calculator and analyses, returns through the page, the contract
page (status, additionality, social value), the public page."""

import datetime as dt
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplan.benefits import domain
from coplan.benefits.models import EvidenceFile, LineStatus, SroiAnalysis

CALCULATOR = "/benefits/sroi/"


def calculator_data(**extra):
    data = {
        "rows": "3",
        "investment": "20000",
        "discount_rate": "3.5",
        "o0-name": "Less lonely",
        "o0-quantity": "40",
        "o0-proxy": "1000",
        "o0-deadweight": "25",
        "o0-attribution": "20",
        "o0-drop_off": "50",
        "o0-duration_years": "2",
        "o1-name": "Fewer GP visits",
        "o1-quantity": "10",
        "o1-proxy": "500",
        "o1-deadweight": "10",
        "o1-displacement": "20",
        "action": "calculate",
    }
    data.update(extra)
    return data


def test_the_calculator_is_for_anyone_signed_in(client, personas):
    assert client.get(CALCULATOR).status_code == 302
    client.force_login(personas["outsider"])
    page = client.get(CALCULATOR)
    assert page.status_code == 200
    assert "discounting from year 1" in page.content.decode().lower()
    result = client.post(CALCULATOR, calculator_data())
    content = result.content.decode()
    assert "£37,868.80" in content and "£17,868.80" in content
    assert "£1.89 of social value for every £1 invested" in content
    assert "8.7 months" in content
    assert "Proxies 20 % lower" in content


def test_the_calculator_names_the_fields_in_error(client, personas):
    client.force_login(personas["outsider"])
    content = client.post(
        CALCULATOR, calculator_data(**{"o1-proxy": "", "o0-deadweight": "120"})
    ).content.decode()
    assert "There is a problem" in content
    assert 'href="#id_o1-proxy"' in content and "Outcome 2: Enter the financial proxy" in content
    assert 'href="#id_o0-deadweight"' in content
    more = client.post(CALCULATOR, calculator_data(action="more")).content.decode()
    assert 'name="o3-name"' in more and "There is a problem" not in more


def test_saving_an_analysis_through_the_pages(client, partnership, personas):
    client.force_login(personas["se_partner"])
    response = client.post(
        reverse("benefits:sroi.new", args=[partnership.pk]),
        {"title": "Care at home", "investment": "5000", "discount_rate": "3.5"},
    )
    analysis = SroiAnalysis.objects.get()
    assert response["Location"] == analysis.get_absolute_url()
    assert analysis.discount_rate == D("0.035")
    client.post(
        reverse("benefits:sroi.outcome.add", args=[partnership.pk, analysis.pk]),
        {
            "name": "Stayed at home",
            "quantity": "10",
            "proxy": "600",
            "deadweight": "10",
            "duration_years": "1",
        },
    )
    assert analysis.outcomes.get().deadweight == D("0.1")
    page = client.get(analysis.get_absolute_url()).content.decode()
    # 10 × £600 × 0.9 = £5,400; ÷ 1.035 = £5,217.39
    assert "£5,400" in page and "£5,217.39" in page and "10 %" in page
    edit = client.get(reverse("benefits:sroi.edit", args=[partnership.pk, analysis.pk]))
    assert 'value="3.5"' in edit.content.decode()
    bad = client.post(
        reverse("benefits:sroi.new", args=[partnership.pk]),
        {"title": "", "investment": "0", "discount_rate": "3.5"},
    )
    assert "There is a problem" in bad.content.decode()


def test_submitting_a_return_with_evidence_through_the_page(client, contract):
    w = contract
    client.force_login(w.people["se_partner"])
    address = reverse("benefits:return.new", args=[w.partnership.pk, w.contract.pk])
    form = client.get(address).content.decode()
    assert "October to December 2007" in form and f"additional_{w.trainees.pk}" in form
    assert f"additional_{w.reused.pk}" not in form
    response = client.post(
        address,
        {
            "period_start": "2007-10-01",
            "notes": "First quarter",
            f"actual_{w.trainees.pk}": "3",
            f"additional_{w.trainees.pk}": "2",
            f"actual_{w.reused.pk}": "450",
            f"file_{w.trainees.pk}": SimpleUploadedFile(
                "letters.pdf", b"%PDF-1.4", "application/pdf"
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ret = w.contract.benefit_returns.get()
    assert sorted(ln.actual for ln in ret.lines.all()) == [D(3), D(450)]
    assert EvidenceFile.objects.get().line.commitment == w.trainees
    again = client.get(address).content.decode()
    assert 'value="2007-10-01"' not in again and 'value="2008-01-01"' in again
    empty = client.post(address, {"period_start": "2008-01-01"}).content.decode()
    assert "Enter at least one commitment" in empty
    bad_file = client.post(
        address,
        {
            "period_start": "2008-01-01",
            f"actual_{w.reused.pk}": "1",
            f"file_{w.reused.pk}": SimpleUploadedFile("x.exe", b"MZ", "application/x-msdownload"),
        },
    ).content.decode()
    assert "must be a PDF" in bad_file
    assert w.contract.benefit_returns.count() == 1


def test_the_contract_page_shows_status_additionality_and_social_value(client, contract):
    w = contract
    ret = domain.submit_return(
        contract=w.contract,
        actor=w.people["se_partner"],
        period_start=dt.date(2007, 10, 1),
        lines={
            w.trainees: {"actual": D(4), "additional": D(3)},
            w.reused: {"actual": D(400)},
            w.tonnes: {"actual": D(10)},
        },
    )
    for line in ret.lines.exclude(commitment=w.tonnes):
        domain.verify_line(line=line, actor=w.people["commissioner"])
    client.force_login(w.people["steering"])
    page = client.get(reverse("benefits:contract", args=[w.partnership.pk, w.contract.pk]))
    content = page.content.decode()
    assert "31 December 2007" in content
    assert "Plan needed" in content  # tonnes: nothing verified yet
    assert "3 (75 %)" in content  # additional
    # 4 trainees × £2,500 (2007 table) + 400 items × £20 = £18,000
    assert "£18,000" in content and "1.5 % of the contract value" in content
    assert "Submit a quarterly return" not in content
    # each commitment opens its golden thread; the tender's open data is one link away
    for c in (w.trainees, w.reused, w.tonnes):
        thread_item = reverse("benefits:thread.item", args=[w.partnership.pk, "commitment", c.pk])
        assert f'href="{thread_item}"' in content
    ocds = reverse("benefits:public.ocds", args=[w.partnership.pk, w.tender.pk])
    assert f'href="{ocds}"' in content
    review = client.get(reverse("benefits:return", args=[w.partnership.pk, ret.pk]))
    assert "letters" not in review.content.decode()
    assert ret.lines.get(commitment=w.tonnes).status == LineStatus.SUBMITTED


def test_the_public_page_shows_promised_and_delivered_with_a_chart(client, contract):
    w = contract
    ret = domain.submit_return(
        contract=w.contract,
        actor=w.people["se_partner"],
        period_start=dt.date(2007, 10, 1),
        lines={w.trainees: {"actual": D(3)}},
    )
    domain.verify_line(line=ret.lines.get(), actor=w.people["procurement"])
    content = client.get(reverse("benefits:public", args=[w.partnership.pk])).content.decode()
    assert "<svg" in content and 'role="img"' in content
    assert "2000–2500 items" in content
    assert "Amber" in content  # 3 of 3.02 due


def test_the_overview_counts_statuses_and_offers_the_contract_for_sroi(client, contract):
    w = contract
    client.force_login(w.people["commissioner"])
    content = client.get(reverse("benefits:overview", args=[w.partnership.pk])).content.decode()
    assert "Commitments by status" in content and "Change the RAG thresholds" in content
    form = client.get(reverse("benefits:sroi.new", args=[w.partnership.pk])).content.decode()
    assert "The partnership&#x27;s service as a whole" in form
    client.force_login(w.people["service_user"])
    content = client.get(reverse("benefits:overview", args=[w.partnership.pk])).content.decode()
    assert f"/contracts/{w.contract.pk}/" not in content
