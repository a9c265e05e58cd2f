"""The privacy page in a browser at a phone's and a laptop's width: the
retention table reads as a table on a laptop and as stacked rows on a phone,
with no overflow, console error or accessibility violation. Screenshots go to
/work/shots/retention/ for a person to look at."""

from __future__ import annotations

import pathlib

import pytest

from cms_pages.models import StandardPage
from privacy import retention
from privacy.services import privacy_page_adopt
from tests.e2e.checks import check_page
from tests.factories.pages import home_page

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = pathlib.Path("/work/shots/retention")


def test_a_visitor_reads_how_long_data_is_kept(live_server, new_page, viewport) -> None:
    page_obj = StandardPage(
        title="Privacy policy", slug="privacy", intro="What we collect, and why."
    )
    home_page().add_child(instance=page_obj)
    page_obj.save_revision().publish()
    privacy_page_adopt(page=StandardPage.objects.get(pk=page_obj.pk))

    page = new_page()
    page.goto(f"{live_server.url}/privacy/")
    check_page(page)

    assert page.get_by_role("heading", level=1).inner_text() == "Privacy policy"
    table = page.get_by_role("table")
    assert table.get_by_role("row").count() == len(retention.SCHEDULE) + 1
    messages = page.locator("#retention-messages")
    assert messages.is_visible()
    assert "90 days" in messages.inner_text()
    assert "Art. 6(1)(b)" in messages.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SHOTS / f"privacy_{viewport['width']}.png"), full_page=True
    )
