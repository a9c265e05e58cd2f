"""cms_pages.sites answers what Wagtail's ``Site.find_for_request`` answers, from
a cached list of sites, and forgets the list when a site changes."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from wagtail.models import Page, Site

from cms_pages.sites import site_for_hostname, site_for_request

pytestmark = pytest.mark.django_db

HOSTS = [
    ("localhost", "80"),
    ("localhost", "8000"),
    ("example.test", "80"),
    ("example.test", "8080"),
    ("other.test", "443"),
    ("shared.test", "80"),
    ("shared.test", "81"),
    ("unknown.test", "80"),
]


def _request(hostname: str, port: str):  # noqa: ANN202
    return RequestFactory().get("/", HTTP_HOST=hostname, SERVER_PORT=port)


def _agree() -> list[tuple[str, str, int | None]]:
    answers = []
    for hostname, port in HOSTS:
        ours = site_for_request(_request(hostname, port))
        theirs = Site._find_for_request(_request(hostname, port))
        assert (ours and ours.pk) == (theirs and theirs.pk), (hostname, port)
        answers.append((hostname, port, ours and ours.pk))
    return answers


def test_same_answer_as_wagtail_as_sites_are_added_and_changed():
    root = Page.get_first_root_node()
    default = Site.objects.get(is_default_site=True)
    _agree()
    example = Site.objects.create(hostname="example.test", port=80, root_page=root)
    assert site_for_hostname("example.test", "80") == example  # forgotten at once
    _agree()
    Site.objects.create(hostname="example.test", port=8080, root_page=root)
    Site.objects.create(hostname="shared.test", port=80, root_page=root)
    Site.objects.create(hostname="shared.test", port=90, root_page=root)
    answers = _agree()
    # Two sites share a hostname and neither has the port: the default answers.
    assert ("shared.test", "81", default.pk) in answers
    default.is_default_site = False
    default.save()
    assert site_for_hostname("unknown.test", "80") is None
    answers = _agree()
    # Without a default, two sites of that hostname and no port match: none.
    assert ("shared.test", "81", None) in answers
    Site.objects.filter(hostname="shared.test", port=90).delete()
    Site.objects.get(hostname="shared.test").delete()  # a delete is seen too
    _agree()


def test_the_answer_is_kept_on_the_request_as_wagtail_keeps_it(
    django_assert_num_queries,
):
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    site_for_hostname("localhost", "80")  # the list is cached now
    with django_assert_num_queries(0):
        site = site_for_request(request)
        assert Site.find_for_request(request) is site
    assert site == Site.objects.get(is_default_site=True)
