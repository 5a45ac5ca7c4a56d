"""Signing in with the keyboard alone, and the skip link."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)

MAX_TABS = 10


def focused_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def test_sign_in_with_the_keyboard_only(page, live_server):
    user = UserFactory(email="keyboard@example.org")
    page.goto("/login/")

    email = page.locator("#id_username")
    for _ in range(MAX_TABS):
        if focused_id(page) == "id_username":
            break
        page.keyboard.press("Tab")
    expect(email).to_be_focused()
    page.keyboard.type(user.email)

    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_focused()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/partnerships/")
    expect(page.locator("h1")).to_have_text("Your partnerships")


def test_first_tab_on_the_login_page_reaches_the_skip_link(page, live_server):
    page.goto("/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused(timeout=2_000)
    expect(skip).to_be_visible()


def test_skip_link_is_first_and_moves_focus_to_main_content(page, live_server):
    page.goto("/accessibility/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    # GOV.UK's skip link is off-screen until focused.
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 1 and box["height"] > 1, box
    assert box["y"] >= 0, box

    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/accessibility/#main-content")
    expect(page.locator("#main-content")).to_be_focused()
    page.keyboard.press("Tab")
    # The next stop is after the header: the skip link really skipped the navigation.
    assert page.evaluate("document.activeElement.closest('header') === null")
