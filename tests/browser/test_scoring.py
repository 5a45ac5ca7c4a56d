"""The scoring-model simulator page, with results and warnings shown and with an error
summary, has no axe-core WCAG 2.2 AA violations and nothing blocked by the CSP."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_no_csp_violations, login, submit
from tests.factories import UserFactory

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


@pytest.fixture
def officer(transactional_db):
    return UserFactory(full_name="Pat Procurement")


def test_the_simulator_with_results_and_warnings_is_accessible(page, live_server, officer):
    login(page, live_server, officer)
    page.goto(f"{live_server.url}/scoring/simulator/")
    assert_accessible(page)

    # The example bids with Bidder C's price cut to £40,000: C ranks first but is abnormally
    # low (below 0.7 × £110,000); A's price lies between the others' yet A ranks last.
    page.locator("#id_bid-2-price").fill("40000")
    submit(page, "Score the bids")

    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    expect(page.get_by_role("row", name="1 Bidder C")).to_be_visible()
    expect(page.get_by_text("Bidder C's price (£40,000.00) is below 70%")).to_be_visible()
    expect(page.get_by_text("yet it ranks last")).to_be_visible()
    page.get_by_text("Scores for each price element and quality question").click()
    assert_accessible(page)
    assert_no_csp_violations(page)


def test_the_simulator_with_an_error_summary_is_accessible(page, live_server, officer):
    login(page, live_server, officer)
    page.goto(f"{live_server.url}/scoring/simulator/")
    page.locator("#id_price_weight").fill("50")
    page.locator("#id_bid-0-score_0").fill("7")
    submit(page, "Score the bids")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The weights total 90")
    expect(summary).to_contain_text("Bid 1: The score for Service delivery must be 4 or less")
    summary.get_by_role("link", name="Bid 1: The score for Service delivery").click()
    expect(page.locator("#id_bid-0-score_0")).to_be_focused()
    assert_accessible(page)
    assert_no_csp_violations(page)


def test_applying_a_template(page, live_server, officer):
    login(page, live_server, officer)
    page.goto(f"{live_server.url}/scoring/simulator/")
    page.get_by_label("Price:quality template").select_option("routine_80_20")
    submit(page, "Apply template")

    expect(page.locator("#id_price_weight")).to_have_value("80")
    expect(page.locator("#id_criteria")).to_have_value(
        "Service delivery, 7\nStaffing and training, 3"
    )
    assert_accessible(page)


def test_the_simulator_shows_the_bids_a_minimum_quality_score_excludes(page, live_server, officer):
    # The worked example (tests/tendering/scoring/test_engine.py): price 55, quality 45
    # (Method 35, Staffing 10), minimum 20. Clyde (11.25) and Dee (13.75) are non-compliant and
    # unranked; Brora 89 ranks above Avon 88.75.
    login(page, live_server, officer)
    page.goto(f"{live_server.url}/scoring/simulator/")
    page.locator("#id_price_weight").fill("55")
    page.locator("#id_criteria").fill("Method, 35\nStaffing, 10")
    page.locator("#id_benefit_weight").fill("0")
    page.locator("#id_quality_minimum").fill("20")
    page.get_by_text("More bids").click()
    bids = [
        ("Avon", "100000", "3", "3"),
        ("Brora", "125000", "4", "4"),
        ("Clyde", "80000", "1", "1"),
        ("Dee", "60000", "1", "2"),
    ]
    for i, (name, price, method, staffing) in enumerate(bids):
        page.locator(f"#id_bid-{i}-name").fill(name)
        page.locator(f"#id_bid-{i}-price").fill(price)
        page.locator(f"#id_bid-{i}-score_0").fill(method)
        page.locator(f"#id_bid-{i}-score_1").fill(staffing)
    submit(page, "Score the bids")

    expect(page.get_by_role("row", name="1 Brora")).to_be_visible()
    expect(page.get_by_role("row", name="2 Avon")).to_be_visible()
    non_compliant = page.locator("#non-compliant")
    expect(non_compliant.get_by_role("row", name="Dee")).to_contain_text(
        "Quality 13.75 is below the minimum of 20 (of 45)."
    )
    expect(non_compliant.get_by_role("row", name="Clyde")).to_contain_text(
        "Quality 11.25 is below the minimum of 20 (of 45)."
    )
    expect(page.get_by_text("No known anomalies")).to_have_count(0)
    assert_accessible(page)
    assert_no_csp_violations(page)
