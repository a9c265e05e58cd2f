"""A review from start to finish, through the real pages: a client writes one
for a completed booking (a blank text, then a phone number, refused with
messages that say what to change), a moderator publishes it in the Wagtail
admin, the provider replies, and a visitor reads both on the profile with its
average and count. Public pages are checked (tests/e2e/checks.py); the admin's
are Wagtail's (``new_page(journey=False)``). Screenshots of the review form,
the provider's reviews page and the profile's reviews go to
$REVIEWS_SCREENSHOTS when set (else the test's tmp_path)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import MODERATORS_GROUP, Role
from audit.models import AuditEntry
from reviews.models import Review
from tests.e2e.checks import check_page, open_menu
from tests.e2e.signin import sign_in, sign_in_checked
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, client_account
from tests.factories.pages import EscortOwnerFactory, make_city
from tests.factories.reviews import completed_booking, set_reviews
from tests.mfa import totp_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WITH_PHONE = "Lovely dinner and great talk. Call me on +49 170 1234567 next week!"
TEXT = "Warm, witty company and right on time for dinner. The profile is accurate."
REPLY = "Thank you, Max. It was a delightful evening at the opera."


def _shot(target, folder: Path, name: str, viewport: dict) -> None:  # noqa: ANN001
    """A whole page (``full_page``) or one element, named by the width."""
    extra = {"full_page": True} if hasattr(target, "goto") else {}
    target.screenshot(path=str(folder / f"{name}-{viewport['width']}.png"), **extra)


def test_review_moderate_reply_and_show(
    live_server, new_page, viewport, console_errors, tmp_path
):
    city = make_city("Vienna", slug="vienna-e2e", time_zone="Europe/Vienna")
    owner = EscortOwnerFactory(email="lena@example.test", display_name="Lena")
    profile = bookable_profile("Lena", city=city, owner=owner)
    set_reviews(profile, enabled=True)
    client = client_account(email="max@example.test", display_name="Max")
    booking = completed_booking(profile, client=client, days_ago=2)
    moderator = UserFactory(email="mod@example.test", role=Role.STAFF, is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    totp_for(moderator)  # the admin needs a second factor (accounts/admin_access.py)
    shots = Path(os.environ.get("REVIEWS_SCREENSHOTS") or tmp_path)
    base = live_server.url

    # The client: dashboard -> Bookings -> "Write a review", by clicking.
    page = new_page()
    sign_in_checked(page, base, client.email, "/dashboard/")
    open_menu(page)
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Bookings"
    ).click()
    page.wait_for_url("**/dashboard/bookings/")
    check_page(page)
    item = page.locator(f'[data-booking="{booking.pk}"]')
    item.get_by_role("link", name="Write a review of Lena").click()
    page.wait_for_url(f"**/dashboard/reviews/write/{booking.pk}/")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review Lena")
    _shot(page, shots, "review-form", viewport)

    # Blank: nothing chosen, nothing typed.
    send = page.get_by_role("button", name="Send for moderation")
    send.click()
    page.wait_for_load_state()
    check_page(page)
    form = page.locator("form.review-form")
    expect(form.locator(".form-errors")).to_contain_text("Please check the review")
    text_field = page.get_by_label("Your review")
    expect(text_field.locator("xpath=..").locator(".errorlist")).to_contain_text(
        "This field is required."
    )
    overall = page.get_by_role("group", name=re.compile("^Overall"))
    expect(overall.locator(".errorlist")).to_contain_text("This field is required.")
    assert Review.objects.count() == 0

    # A phone number: the text check says what to change, the rest is kept.
    overall.get_by_label("4 out of 5").check()
    text_field.fill(WITH_PHONE)
    send.click()
    page.wait_for_load_state()
    check_page(page)
    expect(text_field.locator("xpath=..").locator(".errorlist")).to_contain_text(
        "Remove the phone number"
    )
    expect(text_field).to_have_value(WITH_PHONE)
    expect(overall.get_by_label("4 out of 5")).to_be_checked()
    assert Review.objects.count() == 0
    _shot(page, shots, "review-form-error", viewport)
    # A refused form answers 400: the page itself, which the harness does not
    # count as a broken resource (tests/e2e/conftest.py); nothing else failed.
    assert console_errors == [], console_errors

    # Fixed: the text, the rating and two aspects.
    text_field.fill(TEXT)
    overall.get_by_label("5 out of 5").check()
    page.locator(".review-aspects > summary").click()
    page.get_by_role("group", name=re.compile("^Punctuality")).get_by_label(
        "5 out of 5"
    ).check()
    page.get_by_role("group", name=re.compile("^Communication")).get_by_label(
        "4 out of 5"
    ).check()
    _shot(page, shots, "review-form-filled", viewport)
    send.click()
    page.wait_for_url("**/dashboard/reviews/")
    check_page(page)
    expect(page.locator(".flash-list")).to_contain_text("waits for a moderator")
    review = Review.objects.get()
    assert (review.booking_id, review.author_id) == (booking.pk, client.pk)
    assert (review.rating, review.punctuality, review.communication) == (5, 5, 4)
    assert (review.as_described, review.text) == (None, TEXT)
    assert review.status == Review.Status.PENDING
    mine = page.locator(f'[data-review="{review.pk}"]')
    expect(mine).to_have_attribute("data-status", "pending")
    _shot(page, shots, "client-reviews", viewport)

    # Not on the profile yet.
    visitor = new_page()
    visitor.goto(f"{base}{profile.url}")
    check_page(visitor)
    reviews = visitor.get_by_role("region", name="Reviews")
    expect(reviews).to_contain_text("No reviews of Lena yet.")
    assert TEXT not in visitor.content()

    # The moderator: the queue in /cms/, the review, "Publish".
    admin = new_page(journey=False)
    queue = "/cms/reviews/moderation/"
    sign_in(admin, base, moderator.email, queue, mfa_user=moderator)
    row = admin.locator("tbody tr", has_text=TEXT[:40])
    expect(row).to_contain_text("Waiting for moderation")
    row.get_by_role("link").first.click()
    admin.wait_for_url(f"**{queue}inspect/{review.pk}/")
    expect(admin.locator("main")).to_contain_text(TEXT)
    admin.get_by_role("button", name="Publish", exact=True).click()
    admin.wait_for_url(f"**{queue}")
    expect(admin.locator(".messages")).to_contain_text(f"Review {review.pk}: Published")
    review.refresh_from_db()
    assert review.status == Review.Status.PUBLISHED
    decision = AuditEntry.objects.get(action="review.published")
    assert (decision.actor_id, decision.target_id) == (moderator.pk, review.pk)

    # The provider: dashboard -> their reviews page -> reply.
    provider = new_page()
    sign_in_checked(provider, base, owner.email, "/dashboard/")
    provider.get_by_role("link", name="Reviews, replies and settings").click()
    provider.wait_for_url("**/dashboard/reviews/")
    check_page(provider)
    item = provider.locator(f'[data-review="{review.pk}"]')
    expect(item).to_have_attribute("data-status", "published")
    expect(item).to_contain_text(TEXT)
    _shot(provider, shots, "provider-reviews", viewport)
    item.get_by_label("Your public reply").fill(REPLY)
    item.get_by_role("button", name="Publish reply").click()
    provider.wait_for_url(f"**/dashboard/reviews/#review-{review.pk}")
    check_page(provider)
    expect(provider.locator(".flash-list")).to_contain_text("Your reply is published")
    expect(item).to_contain_text(REPLY)
    expect(item.get_by_label("Your public reply")).to_have_count(0)
    review.refresh_from_db()
    assert review.reply == REPLY

    # A visitor: the review, the reply, the average and the count.
    visitor.goto(f"{base}{profile.url}")
    check_page(visitor)
    reviews = visitor.get_by_role("region", name="Reviews")
    expect(reviews.locator(".rating-summary__number")).to_have_text("5.0")
    expect(reviews.get_by_text("1 review", exact=True)).to_be_visible()
    shown = reviews.locator(f"#review-{review.pk}")
    expect(shown).to_contain_text(TEXT)
    expect(shown).to_contain_text("5 out of 5")
    expect(shown).to_contain_text("Punctuality 5/5")
    expect(shown).to_contain_text("Communication 4/5")
    expect(shown.locator(".review__reply")).to_contain_text("Reply from Lena")
    expect(shown.locator(".review__reply")).to_contain_text(REPLY)
    reviews.scroll_into_view_if_needed()
    _shot(reviews, shots, "profile-reviews", viewport)
