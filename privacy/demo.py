"""Demo: the seeded privacy page becomes the privacy policy page, which shows
the retention table (privacy.services.privacy_page_adopt)."""

from __future__ import annotations

from collections.abc import Callable

from cms_pages.models import StandardPage
from privacy.services import privacy_page_adopt


def seed(*, log: Callable[[str], None]) -> None:
    page = StandardPage.objects.filter(slug="privacy", depth=3).first()
    if page is None:
        log("no privacy page to adopt")
        return
    privacy_page_adopt(page=page)
    log("privacy page shows the retention schedule")
