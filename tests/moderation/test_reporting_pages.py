"""The report pages: "Report" links on the profile (and each photo and
review) and on each message from the other side; the form with its reasons
and errors; the page that says what happens next; "already reported"; 404
for what one cannot see; the visitors' throttle."""

from __future__ import annotations

import pytest
from django.test import Client

from messaging.services import message_send
from moderation.models import Report
from moderation.reporting import AnonymousReportThrottle

pytestmark = pytest.mark.django_db


def url(kind: str, target_id: int) -> str:
    return f"/report/{kind}/{target_id}/"


def test_the_profile_page_links_to_reports(client, shown, photo, review):
    html = client.get(shown.url).content.decode()
    assert f'href="{url("profile", shown.pk)}">Report this profile</a>' in html
    # Photos and reviews need a sign-in first: the link goes through it.
    assert f"next=/report/photo/{photo.pk}/" in html.replace("%2F", "/")
    assert 'aria-label="Report photo 1"' in html
    assert 'aria-label="Report this review"' in html
    assert f"next=/report/review/{review.pk}/" in html.replace("%2F", "/")


def test_the_owner_sees_no_report_link_on_their_profile(client, shown, owner):
    client.force_login(owner)
    assert "Report this profile" not in client.get(shown.url).content.decode()


def test_a_visitor_reports_a_profile_and_a_repeat_says_already(client, shown):
    form = client.get(url("profile", shown.pk)).content.decode()
    assert "Send report" in form
    assert 'value="underage"' in form and 'value="harassment"' not in form
    response = client.post(
        url("profile", shown.pk),
        {"category": "underage", "details": "Looks very young"},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Thank you for your report" in page
    assert "within 4 hours" in page
    assert "cannot tell you the outcome" in page
    report = Report.objects.get()
    assert (report.reporter, report.details) == (None, "Looks very young")
    again = client.post(url("profile", shown.pk), {"category": "spam"}, follow=True)
    assert again.status_code == 200
    assert "You already reported this on" in again.content.decode()
    assert Report.objects.count() == 1


def test_form_errors_in_the_house_style(client, reporter, shown):
    client.force_login(reporter)
    response = client.post(url("profile", shown.pk), {"details": "x" * 2001})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('<div role="alert"><ul class="errorlist">') == 2
    assert "Choose a reason." in page
    assert not Report.objects.exists()


def test_signed_in_reports_of_each_kind(client, reporter, shown, photo, review, thread):
    client.force_login(reporter)
    owner_id = shown.owner_id
    for kind, target_id, category in [
        ("profile", shown.pk, "scam"),
        ("photo", photo.pk, "impersonation"),
        ("review", review.pk, "harassment"),
        ("user", owner_id, "harassment"),
    ]:
        response = client.post(url(kind, target_id), {"category": category})
        assert response.status_code == 302, kind
        done = client.get(response["Location"]).content.decode()
        assert "We will tell you the outcome" in done
    assert Report.objects.filter(reporter=reporter).count() == 4
    # Once reported, the form answers "already reported" straight away.
    assert (
        "You already reported this on"
        in client.get(url("photo", photo.pk)).content.decode()
    )


def test_what_one_cannot_see_is_404(client, reporter, draft, stranger, review):
    assert client.get(url("profile", draft.pk)).status_code == 404
    assert client.get(url("review", review.pk)).status_code == 404  # not signed in
    assert client.get(url("nothing", 1)).status_code == 404
    client.force_login(reporter)
    assert client.get(url("profile", draft.pk)).status_code == 404
    assert client.get(url("user", stranger.pk)).status_code == 404
    assert (
        client.post(url("profile", draft.pk), {"category": "spam"}).status_code == 404
    )
    assert not Report.objects.exists()


def test_the_visitors_throttle_on_the_page(monkeypatch, shown):
    monkeypatch.setattr(
        AnonymousReportThrottle, "THROTTLE_RATES", {"reports_anon": "1/min"}
    )
    first = Client(HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert first.post(url("profile", shown.pk), {"category": "spam"}).status_code == 302
    second = Client(HTTP_X_FORWARDED_FOR="203.0.113.2")
    response = second.post(url("profile", shown.pk), {"category": "spam"})
    assert response.status_code == 429
    assert "Please wait a while and try again" in response.content.decode()
    assert Report.objects.count() == 1


def test_a_message_from_the_other_side_has_a_report_link(
    client, reporter, owner, thread
):
    mine = thread.messages.get()
    theirs = message_send(thread_id=thread.pk, sender=owner, body="Pay me first")
    client.force_login(reporter)
    html = client.get(f"/messages/{thread.pk}/").content.decode()
    link = f"/messages/{thread.pk}/report/{theirs.pk}/"
    assert f'href="{link}" aria-label="Report this message"' in html
    assert f"/report/{mine.pk}/" not in html
    assert f'href="/report/user/{owner.pk}/">report Clara' in html
    assert client.get(f"/messages/{thread.pk}/report/{mine.pk}/").status_code == 404
    response = client.post(link, {"category": "scam"}, follow=True)
    assert "Thank you for your report" in response.content.decode()
    report = Report.objects.get()
    assert (report.target, report.subject_user) == (theirs, owner)


def test_another_conversation_s_message_is_404(client, stranger, owner, thread):
    theirs = message_send(thread_id=thread.pk, sender=owner, body="Hello again")
    client.force_login(stranger)
    response = client.post(
        f"/messages/{thread.pk}/report/{theirs.pk}/", {"category": "scam"}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()
