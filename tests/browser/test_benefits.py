"""Every benefits page, in the states people meet it, has no axe-core WCAG 2.2 AA violations
and nothing blocked by the Content Security Policy."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from coplan.benefits import domain
from coplan.partnerships.enums import Role
from tests.benefits.conftest import build_analysis, build_contract
from tests.browser.conftest import (
    assert_accessible,
    assert_error_summary,
    assert_no_csp_violations,
    login,
    submit,
)
from tests.factories import PartnershipFactory, UserFactory, member
from tests.tendering.test_spec_requirement import specification

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    partnership = PartnershipFactory(title="Furniture reuse PSP")
    people = {role.value: member(partnership, role) for role in Role}
    people["outsider"] = UserFactory()
    world = build_contract(partnership, people)
    world.analysis = build_analysis(partnership, people)
    ret = domain.submit_return(
        contract=world.contract,
        actor=people["se_partner"],
        period_start=dt.date(2007, 10, 1),
        lines={
            world.trainees: {"actual": D(3), "additional": 2},
            world.reused: {"actual": D(400)},
            world.tonnes: {"actual": D(10)},
        },
    )
    lines = {ln.commitment_id: ln for ln in ret.lines.all()}
    domain.verify_line(line=lines[world.trainees.pk], actor=people["commissioner"])
    domain.query_line(line=lines[world.tonnes.pk], actor=people["commissioner"], query="WTNs?")
    domain.add_evidence(
        line=lines[world.reused.pk],
        actor=people["se_partner"],
        upload=SimpleUploadedFile("log.pdf", b"%PDF-1.4", "application/pdf"),
    )
    world.ret, world.lines = ret, lines
    world.plan = domain.plan_remedy(
        commitment=world.tonnes,
        actor=people["se_partner"],
        actions="Extra collections",
        starts_on=dt.date(2008, 1, 7),
        due_on=dt.date(2008, 3, 31),
    )
    return world


def base(w):
    return f"/partnerships/{w.partnership.pk}/benefits"


def check(page, heading):
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_accessible(page)
    assert_no_csp_violations(page)


PAGES = [
    ("overview", "commissioner", lambda w: f"{base(w)}/", "Community benefits"),
    ("thread", "service_user", lambda w: f"{base(w)}/thread/", "Golden thread"),
    (
        "thread item",
        "steering",
        lambda w: f"{base(w)}/thread/commitment/{w.trainees.pk}/",
        "Contract commitment",
    ),
    ("SROI analyses", "steering", lambda w: f"{base(w)}/sroi/", "SROI analyses"),
    (
        "SROI analysis",
        "facilitator",
        lambda w: f"{base(w)}/sroi/{w.analysis.pk}/",
        "Befriending, first year",
    ),
    (
        "outcome form",
        "facilitator",
        lambda w: f"{base(w)}/sroi/{w.analysis.pk}/outcomes/add/",
        "Add an outcome",
    ),
    ("contract", "commissioner", lambda w: f"{base(w)}/contracts/{w.contract.pk}/", "Contract"),
    (
        "return form",
        "se_partner",
        lambda w: f"{base(w)}/contracts/{w.contract.pk}/returns/new/",
        "Submit a quarterly return",
    ),
    ("return for the manager", "procurement", lambda w: f"{base(w)}/returns/{w.ret.pk}/", "Return"),
    (
        "return for the contractor",
        "se_partner",
        lambda w: f"{base(w)}/returns/{w.ret.pk}/",
        "Return",
    ),
    (
        "answer form",
        "se_partner",
        lambda w: f"{base(w)}/lines/{w.lines[w.tonnes.pk].pk}/resubmit/",
        "Answer the query",
    ),
    (
        "remedy form",
        "commissioner",
        lambda w: f"{base(w)}/commitments/{w.tonnes.pk}/remedy/",
        "Remedial plan",
    ),
    ("thresholds", "procurement", lambda w: f"{base(w)}/thresholds/", "RAG thresholds"),
    (
        "close a plan",
        "commissioner",
        lambda w: f"{base(w)}/remedies/{w.plan.pk}/close/",
        "Close the remedial plan",
    ),
    ("calculator", "outsider", lambda w: "/benefits/sroi/", "SROI calculator"),
    ("reports", "commissioner", lambda w: "/benefits/reports/", "Annual community benefit"),
    (
        "annual report",
        "commissioner",
        lambda w: f"/benefits/reports/{w.partnership.lead_authority_id}/2007/",
        "Community benefits, financial year 2007 to 2008",
    ),
]


@pytest.mark.parametrize(("name", "who", "address", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_page_is_accessible(page, live_server, w, name, who, address, heading):
    login(page, live_server, w.people[who])
    page.goto(address(w))
    check(page, heading)


def test_public_page_without_login(page, live_server, w):
    page.goto(f"{base(w)}/public/")
    check(page, "Community benefits: promised and delivered")
    expect(page.locator("svg[role=img]")).to_have_count(1)


def test_calculator_result_and_errors(page, live_server, w):
    login(page, live_server, w.people["outsider"])
    page.goto("/benefits/sroi/")
    page.get_by_label("Investment (£)").fill("20000")
    page.locator("#id_o0-name").fill("Less lonely")
    page.locator("#id_o0-quantity").fill("40")
    page.locator("#id_o0-proxy").fill("1000")
    page.locator("#id_o0-deadweight").fill("25")
    submit(page, "Calculate")
    expect(page.locator("#result")).to_contain_text("£28,985.51")  # 30,000 ÷ 1.035
    check(page, "SROI calculator")
    page.locator("#id_o1-name").fill("Half an outcome")
    submit(page, "Calculate")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Outcome 2: Enter the quantity")
    check(page, "SROI calculator")


def test_form_errors_are_summarised(page, live_server, w):
    login(page, live_server, w.people["se_partner"])
    page.goto(f"{base(w)}/sroi/new/")
    submit(page, "Save the analysis")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "New SROI analysis")
    page.goto(f"{base(w)}/contracts/{w.contract.pk}/returns/new/")
    submit(page, "Submit the return")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "Submit a quarterly return")


def test_the_evidence_pack_with_the_golden_thread(page, live_server, w):
    """The tendering app's evidence pack shows the thread summary this app registers."""
    from django.urls import reverse

    login(page, live_server, w.people["procurement"])
    page.goto(reverse("tendering:tender.evidence", args=[w.partnership.pk, w.tender.pk]))
    check(page, "Evidence pack")
    expect(page.get_by_role("heading", name="The golden thread", level=2)).to_be_visible()
    expect(page.get_by_text("Contract commitment: 3")).to_be_visible()


def test_evidence_upload_error_and_thread_items(page, live_server, w):
    """The contractor's evidence upload from the return page, refused (a web page named .pdf),
    and the golden thread items of a specification requirement and of the pilot KPI testing it,
    the tender's requirement recording the specification requirement it delivers."""
    from coplan.pilots.models import Kpi, Pilot

    cb1 = specification(w.partnership, 1, ["CB-1", "SL-1"])["CB-1"]
    w.requirement.spec_requirement = cb1
    w.requirement.save(update_fields=["spec_requirement"])
    pilot = Pilot.objects.create(
        partnership=w.partnership,
        title="Homereach furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
    )
    kpi = Kpi.objects.create(
        pilot=pilot,
        name="Trainees started",
        definition="Count",
        unit="people",
        target=D(6),
        source="Log",
        requirement_key="CB-1",
    )

    login(page, live_server, w.people["se_partner"])
    page.goto(f"{base(w)}/returns/{w.ret.pk}/")
    page.get_by_role("link", name="Add evidence for Tonnes diverted from landfill").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence")
    page.get_by_label("Evidence file").set_input_files(
        files=[
            {
                "name": "transfer-notes.pdf",
                "mimeType": "application/pdf",
                "buffer": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            }
        ]
    )
    submit(page, "Upload the file")
    check(page, "Add evidence")
    assert_error_summary(page, re.compile(r"does not look like a \.pdf file"))

    page.context.clear_cookies()
    login(page, live_server, w.people["commissioner"])
    page.goto(f"{base(w)}/thread/requirement/{cb1.pk}/")
    check(page, "Specification requirement")
    # downstream: the KPI, the tender's requirement recording CB-1 and the contract commitment
    requirement = page.get_by_role("link", name=re.compile(r"^Trainees from priority groups"))
    expect(requirement).to_be_visible()
    page.get_by_role("link", name="Trainees started").click()
    expect(page).to_have_url(re.compile(rf"/thread/kpi/{kpi.pk}/$"))
    check(page, "Pilot KPI")
    expect(page.get_by_role("link", name=re.compile(r"^CB-1: "))).to_be_visible()
