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


@pytest.fixture
def new_page(browser, policy_violations):
    contexts = []

    def record(message) -> None:  # noqa: ANN001 - a Playwright ConsoleMessage
        if any(marker in message.text for marker in POLICY_MESSAGES):
            policy_violations.append(f"{message.type}: {message.text}")

    def open_page():  # noqa: ANN202
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", record)
        return page

    yield open_page
    for context in contexts:
        context.close()
    # Every browser flow doubles as a check that the policy breaks nothing.
    assert policy_violations == [], policy_violations
