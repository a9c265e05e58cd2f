"""Browser tests: Python Playwright driving Debian's Chromium against the live
test server (real PostgreSQL; see tests/e2e/README in docs/operations.md)."""

from __future__ import annotations

import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser(monkeypatch):
    """Per test, so Playwright's event loop has stopped before pytest-django
    flushes the database in teardown."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's async-safety
    # guard would otherwise refuse the ORM calls test code makes between browser
    # steps. Scoped to this fixture so no other test or subprocess inherits it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Chromium is missing: `apt-get install chromium` (make test does it)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# What Chromium logs when the Content-Security-Policy or Permissions-Policy
# refuses something ("Refused to execute inline script because it violates the
# following Content Security Policy directive...").
POLICY_MESSAGES = ("Content Security Policy", "Content-Security-Policy", "Permissions")


@pytest.fixture
def policy_violations() -> list[str]:
    """Console messages about refused content, from every page this test opens."""
    return []


# The two widths every journey runs at: a phone and a laptop.
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request) -> dict:
    return VIEWPORTS[request.param]


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions from every page this test opens."""
    return []


@pytest.fixture
def new_page(browser, viewport, policy_violations, console_errors):
    """Opens a page at this run's width. Every page the test lands on must be
    passed to ``tests.e2e.checks.check_page``: teardown fails otherwise, and on
    any console error or refused content."""
    contexts, others = [], []

    # Pages (not their images, scripts or styles) that answered 4xx: a form
    # refused with 400 or a draft's 404 is an answer the journey reads and
    # asserts, and Chromium logs each as "Failed to load resource".
    refused_documents: set[str] = set()

    def note_document(response) -> None:  # noqa: ANN001 - a Playwright Response
        # (and the maintenance page's 503, which tests/e2e/test_maintenance.py reads)
        if response.request.resource_type == "document" and (
            400 <= response.status < 500 or response.status == 503
        ):
            refused_documents.add(response.url)

    def record(message) -> None:  # noqa: ANN001 - a Playwright ConsoleMessage
        url = message.location.get("url")
        if any(marker in message.text for marker in POLICY_MESSAGES):
            policy_violations.append(f"{message.type}: {message.text}")
        elif message.text.startswith("Failed to load resource") and (
            url in refused_documents
        ):
            return
        elif message.type == "error":
            console_errors.append(f"{message.text} ({url})")

    def open_page(*, journey: bool = True):  # noqa: ANN202
        """``journey=False`` for tests that are not journeys (policy checks that
        visit admin pages): their pages need not pass check_page."""
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(15_000)
        context.visited_urls, context.checked_urls = set(), set()
        if journey:
            contexts.append(context)
        else:
            others.append(context)
        page = context.new_page()
        page.on("response", note_document)
        page.on("console", record)
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        page.on(
            "framenavigated",
            lambda frame: (
                frame.parent_frame is None
                and context.visited_urls.add(frame.url.split("#", 1)[0])
            ),
        )
        return page

    yield open_page
    unchecked = set()
    for context in contexts:
        unchecked |= context.visited_urls - context.checked_urls - {"about:blank"}
        context.close()
    for context in others:
        context.close()
    # Every browser flow doubles as a check that the policy breaks nothing.
    assert policy_violations == [], policy_violations
    assert console_errors == [], console_errors
    assert not unchecked, f"pages visited but never checked: {sorted(unchecked)}"
