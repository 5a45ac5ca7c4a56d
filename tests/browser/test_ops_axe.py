"""The privacy notice and the staff data protection pages have no axe-core WCAG 2.2 AA
violations, and erasure works through the real form."""

import pytest
from playwright.sync_api import expect

from coplan.partnerships.enums import Role
from tests.browser.conftest import assert_accessible, assert_no_csp_violations, login, submit
from tests.factories import PartnershipFactory, SiteAdminFactory, member

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


def test_the_privacy_notice_is_accessible_without_signing_in(page, live_server):
    page.goto(f"{live_server.url}/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How we use your information")
    assert_accessible(page)
    assert_no_csp_violations(page)


def test_the_staff_pages_are_accessible_and_erasure_works(page, live_server):
    partnership = PartnershipFactory(title="Furniture reuse PSP")
    ann = member(partnership, Role.SERVICE_USER, full_name="Ann Tenant")
    staff = SiteAdminFactory(full_name="Stef Staff")
    login(page, live_server, staff)

    for path in ["/privacy/register/", "/privacy/people/", "/privacy/retention/"]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
        assert_no_csp_violations(page)

    page.goto(f"{live_server.url}/privacy/people/{ann.pk}/")
    assert_accessible(page)
    submit(page, "Erase this person")  # empty confirmation: the error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type the person's email address to confirm").fill(ann.email)
    submit(page, "Erase this person")
    expect(page.get_by_role("heading", level=1)).to_have_text("Erased person")
    assert_accessible(page)
