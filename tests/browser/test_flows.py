"""End-to-end journeys through the real pages: advancing a stage, a refused advance, inviting
and joining."""

import re

import pytest
from playwright.sync_api import expect

from coplan.partnerships import domain, gates
from coplan.partnerships.enums import Role, Stage
from coplan.partnerships.models import Invitation
from tests.browser.conftest import (
    assert_accessible,
    assert_no_csp_violations,
    label,
    login,
    submit,
)
from tests.factories import DepartmentFactory, OrganisationFactory, PartnershipFactory, member

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


@pytest.fixture
def service_design_gate(monkeypatch):
    """Pin the service-design exit gate to a known checklist for this test.

    Other apps register their own criteria for every gate (an approved specification, a
    steering group decision...); those are tested with their apps. This journey is about the
    page: tick the boxes, advance, see the result. The live server runs in this process, so
    the pinned gate is the one it evaluates.
    """
    criteria = [
        gates.Criterion(
            "browser_pilot_planned", "A pilot is planned", lambda p: gates.Outcome(True, "Yes.")
        ),
        gates.Criterion("browser_spec_approved", "Specification version 1 approved"),
        gates.Criterion("browser_kpi_baselines", "KPI baselines recorded"),
        gates.Criterion("browser_heads_of_terms", "Consortium heads of terms agreed", hard=False),
    ]
    monkeypatch.setitem(gates._CRITERIA, Stage.SERVICE_DESIGN, criteria)
    return criteria


def test_commissioner_advances_a_stage(page, live_server, service_design_gate):
    partnership = PartnershipFactory(title="Furniture reuse PSP", stage=Stage.SERVICE_DESIGN)
    commissioner = member(partnership, Role.COMMISSIONER, organisation=DepartmentFactory())
    login(page, live_server, commissioner)
    page.goto(f"/partnerships/{partnership.pk}/stage/")
    expect(page.locator("h1")).to_have_text("Stages and gates")

    for item in [
        "Specification version 1 approved",
        "KPI baselines recorded",
        "Consortium heads of terms agreed",
    ]:
        page.get_by_role("checkbox", name=item, exact=True).check()
    page.get_by_label(label("Note for the record")).fill("Steering group minutes, 3 March.")
    submit(page, "Advance to Pilot")

    expect(page).to_have_url(re.compile(rf"/partnerships/{partnership.pk}/stage/$"))
    expect(success_banner(page)).to_be_visible()
    expect(success_banner(page)).to_contain_text("Advanced to Pilot.")
    expect(page.get_by_text("Pilot (current stage)", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Exit gate: Pilot")).to_be_visible()
    history = page.get_by_role("table", name="Stage history")
    expect(history).to_contain_text("Advanced: Service design to Pilot")
    expect(history).to_contain_text("Steering group minutes, 3 March.")
    assert_accessible(page)
    assert_no_csp_violations(page)

    partnership.refresh_from_db()
    assert partnership.stage == Stage.PILOT


def test_refused_advance_shows_the_reasons(page, live_server):
    partnership = PartnershipFactory(title="Befriending PSP")  # feasibility, no procurement
    commissioner = member(partnership, Role.COMMISSIONER, organisation=DepartmentFactory())
    login(page, live_server, commissioner)
    page.goto(f"/partnerships/{partnership.pk}/stage/")

    # Tick every checklist item there is: the procurement officer is still missing.
    advance_form = page.locator("form", has=page.get_by_role("button", name="Advance to Strategic"))
    for box in advance_form.get_by_role("checkbox").all():
        box.check()
    submit(page, "Advance to Strategic")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("The partnership cannot advance yet")
    expect(summary).to_contain_text(
        "Procurement officer assigned: No procurement officer is a member yet"
    )
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    expect(success_banner(page)).to_have_count(0)
    expect(page.get_by_text("Feasibility (to PSP or not) (current stage)")).to_be_visible()
    expect(page.get_by_role("table", name="Stage history")).to_contain_text("Advance refused")
    assert_accessible(page)
    assert_no_csp_violations(page)

    partnership.refresh_from_db()
    assert partnership.stage == Stage.FEASIBILITY


def test_facilitator_invites_and_a_new_person_joins(page, live_server):
    partnership = PartnershipFactory(title="Furniture reuse PSP")
    facilitator = member(partnership, Role.FACILITATOR, organisation=partnership.intermediary)
    OrganisationFactory(name="Reuse Works")

    # The facilitator sends an invitation through the members page.
    login(page, live_server, facilitator)
    page.goto(f"/partnerships/{partnership.pk}/members/")
    page.get_by_label(label("Full name")).fill("Rosa Reuse")
    page.get_by_label(label("Email address")).fill("Rosa@Example.org")
    page.get_by_role("checkbox", name="Social enterprise partner", exact=True).check()
    page.get_by_label(label("On behalf of")).select_option(label="Reuse Works")
    submit(page, "Send invitation")

    expect(success_banner(page)).to_contain_text("Invitation sent to rosa@example.org.")
    pending = page.get_by_role("table", name="Pending invitations")
    expect(pending).to_contain_text("rosa@example.org")
    expect(pending).to_contain_text("Social enterprise partner")
    sent = Invitation.objects.get(partnership=partnership, email="rosa@example.org")
    assert sent.roles == [Role.SE_PARTNER.value]
    assert sent.organisation.name == "Reuse Works"

    # The raw token only travels by email; issue one we can read through the domain instead.
    _invitation, raw = domain.invite_member(
        partnership=partnership,
        actor=facilitator,
        email="rosa@example.org",
        roles=[Role.SE_PARTNER],
        organisation=sent.organisation,
        full_name="Rosa Reuse",
    )
    submit(page, "Sign out")
    expect(page.locator("h1")).to_have_text("Sign in to Coplan")

    # The new person opens the link, creates an account and lands on the dashboard.
    page.goto(f"/partnerships/invitations/{raw}/")
    expect(page.locator("h1")).to_have_text("Join Furniture reuse PSP")
    expect(page.get_by_label(label("Full name"))).to_have_value("Rosa Reuse")
    page.get_by_label(label("Choose a password")).fill("a-long-unusual-passphrase-42")
    submit(page, "Create account and join")

    expect(page).to_have_url(re.compile(rf"/partnerships/{partnership.pk}/$"))
    expect(page.locator("h1")).to_have_text("Furniture reuse PSP")
    expect(success_banner(page)).to_contain_text("Welcome to Furniture reuse PSP.")
    your_roles = page.locator(".govuk-summary-list__row", has_text="Your roles")
    expect(your_roles).to_contain_text("Social enterprise partner")
    assert_accessible(page)
    assert_no_csp_violations(page)

    # The link works once.
    page.goto(f"/partnerships/invitations/{raw}/")
    expect(page.locator("h1")).to_have_text("This invitation link does not work")
