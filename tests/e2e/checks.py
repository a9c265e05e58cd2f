"""What every page a browser journey visits must pass: no horizontal overflow,
no console errors (collected by the ``new_page`` fixture) and no serious or
critical accessibility violation found by axe-core (axe-playwright-python ships
axe.min.js and injects it with ``page.evaluate``, which the CSP does not block).

Journeys call ``check_page(page)`` after each navigation; the fixture fails a
test that visited a page it did not check (tests/e2e/conftest.py)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = {"serious", "critical"}
_axe = Axe()

# Wider than the window by a pixel or more: something scrolls sideways.
_OVERFLOW = """() => {
  const doc = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > doc.clientWidth + 1)
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
}"""


_SETTLED = """() => Promise.all(
  document.getAnimations()
    .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
    .map(a => a.finished.catch(() => null))
)"""


def overflow_of(page) -> dict:  # noqa: ANN001 - a Playwright Page
    return page.evaluate(_OVERFLOW)


def accessibility_violations(page) -> list[str]:  # noqa: ANN001
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(
            f"{n['target']} {n.get('failureSummary', '')[:160]}" for n in v["nodes"][:3]
        )
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def check_page(page) -> None:  # noqa: ANN001
    """Asserts the page as it stands: fits the window, passes axe."""
    page.wait_for_load_state("load")
    # A colour caught mid-transition (a button just pressed) is not the colour
    # people read: let running transitions and animations finish first.
    page.evaluate(_SETTLED)
    size = overflow_of(page)
    assert size["scroll"] <= size["client"], (
        f"{page.url} scrolls sideways at {size['client']} px: {size}"
    )
    problems = accessibility_violations(page)
    assert problems == [], f"{page.url}: {problems}"
    page.context.checked_urls.add(_path(page.url))


def _path(url: str) -> str:
    return url.split("#", 1)[0]


def open_menu(page) -> None:  # noqa: ANN001
    """On a phone the header's links sit behind the Menu button, as a person
    sees them: press it when it shows (at desktop widths the links are inline)."""
    toggle = page.locator(".menu > summary")
    if toggle.is_visible() and page.locator(".menu[open]").count() == 0:
        toggle.click()
