"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every browser test module is marked ``xdist_group(__name__)``: under ``-n auto --dist
loadgroup`` a module's tests run on one worker, and the modules spread over the workers, each
worker starting one browser for the modules it runs (one group for all of them made the browser
tests the suite's slow tail on a single worker).
Without ``/usr/bin/chromium`` the tests skip, unless ``COPLAN_REQUIRE_BROWSER=1``
(CI), in which case they fail.
"""

import os
import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise refuse
# to run from test code ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000

# WCAG 2.2 level A and AA, plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


# Record what the site's Content Security Policy blocks, so a test can assert nothing was.
CSP_RECORDER_JS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` (${e.sourceFile || "?"}:${e.lineNumber || "?"})`);
});
"""

DUPLICATE_IDS_JS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}"""


def pytest_configure(config):
    # Registered by pytest-xdist; registered here too so ``-p no:xdist`` runs stay quiet.
    config.addinivalue_line("markers", "xdist_group(name): run on the same xdist worker")


def _unavailable(message: str) -> None:
    if os.environ.get("COPLAN_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (COPLAN_REQUIRE_BROWSER=1 makes this an error)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM}: the browser tests cannot run.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: the browser tests cannot run.")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser, live_server, transactional_db):
    """A fresh browser profile (no cookies) per test, pointed at the live server.

    Pages run under the site's real nonce-based CSP: axe-core is injected through the DevTools
    protocol, which CSP does not block, so ``bypass_csp`` is not needed.
    """
    ctx = browser.new_context(base_url=live_server.url, locale="en-GB")
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    ctx.add_init_script(CSP_RECORDER_JS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


def label(text: str) -> re.Pattern:
    """A label's text, whether or not the form renderer appends a colon or "(optional)"."""
    return re.compile(rf"^\s*{re.escape(text)}:?(\s*\(optional\))?\s*$")


def login(page, live_server, user, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait to leave it."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label(label("Email address")).fill(user.email)
    page.get_by_label(label("Password")).fill(password)
    submit(page, "Sign in")
    page.wait_for_url(lambda url: "/login/" not in url)


def submit(page, button: str) -> None:
    """Click a form's submit button and wait for the response page to load (it may be the same
    URL, re-rendered with errors, so waiting for a URL would not do)."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=button, exact=True).click()


def assert_no_csp_violations(page) -> None:
    """Nothing on the page (htmx, GOV.UK Frontend, an inline style) was blocked by the CSP."""
    blocked = page.evaluate("window.__cspViolations || []")
    assert not blocked, f"the Content Security Policy blocked: {blocked}"


def assert_accessible(page, tags=AXE_TAGS) -> None:
    """Run axe-core on the current page and fail listing every violation found."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    duplicates = page.evaluate(DUPLICATE_IDS_JS)
    if not violations and not duplicates:
        return
    lines = [f"{len(violations)} axe violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node["target"])
            lines.append(f"    * {target}")
            lines.append(f"      {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:500]}")
    if duplicates:
        # axe 4.12 no longer reports duplicate ids (WCAG 2.2 dropped 4.1.1), but a duplicated
        # id still breaks <label for>, aria-describedby and error-summary links.
        lines.append(f"- duplicate-id: ids used more than once: {', '.join(duplicates)}")
    message = "\n".join(lines)
    print(message)
    pytest.fail(message, pytrace=False)


def assert_error_summary(page, message) -> None:
    """The GOV.UK error summary shows ``message`` as a link that, followed, puts the focus on
    the field in error (GOV.UK Frontend's script does that, so it also ran under the CSP)."""
    from playwright.sync_api import expect

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link", name=message)
    expect(link).to_have_count(1)
    target = link.get_attribute("href")
    assert target and target.startswith("#"), f"the error links to {target!r}, not a field"
    link.click()
    expect(page.locator(target)).to_be_focused()
