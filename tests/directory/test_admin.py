"""Directory admin: snippets and agencies by permission, the review queue for
moderators, and the moderator's approve action on a profile in review."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, TaskState

from accounts.models import Role, User
from directory.models import (
    Agency,
    AgencyMembership,
    CityPage,
    EscortProfilePage,
    Language,
    Service,
)
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

REVIEW_URL = "/cms/directory/review/"
SERVICES_URL = "/cms/snippets/directory/service/"
LANGUAGES_URL = "/cms/snippets/directory/language/"
AGENCIES_URL = "/cms/directory/agencies/"
MEMBERSHIPS_URL = "/cms/directory/agency-memberships/"


def staff_in(group_name: str) -> User:
    """Staff in a group as directory/migrations/0003_staff_permissions.py sets it."""
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor() -> User:
    return staff_in("Editors")


@pytest.fixture
def moderator() -> User:
    return staff_in("Moderators")


@pytest.fixture
def berlin() -> CityPage:
    return make_city("Berlin")


@pytest.fixture
def vienna() -> CityPage:
    return make_city(
        "Vienna", country="Austria", country_code="AT", time_zone="Europe/Vienna"
    )


def pending_profile(
    title: str,
    *,
    city: CityPage,
    owner: User | None = None,
    agency: Agency | None = None,
    waiting_days: float = 0,
    **fields,
) -> EscortProfilePage:
    """A never-published profile whose latest revision is in "Profile review"."""
    owner = owner or EscortOwnerFactory()
    profile = make_profile(title, city=city, owner=owner, live=False, agency=agency)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save_revision(user=owner)
    profile.get_workflow().start(profile, owner)
    if waiting_days:
        TaskState.objects.filter(
            workflow_state__object_id=str(profile.pk), status="in_progress"
        ).update(started_at=timezone.now() - dt.timedelta(days=waiting_days))
    return profile


def listed(response) -> list[str]:  # noqa: ANN001
    assert response.status_code == 200, response.content[:300]
    return [p.title for p in response.context["object_list"]]


# --- Profiles awaiting review -------------------------------------------------


def test_moderator_sees_pending_profiles_oldest_first_with_details(
    client, moderator, berlin, vienna, admin_login
):
    agency = Agency.objects.create(name="Velvet Hours", slug="velvet-hours")
    unverified = EscortOwnerFactory(email="nadia@example.test", is_age_verified=False)
    make_profile("Already live", city=berlin)  # published, not in review
    make_profile("Only a draft", city=berlin, live=False)  # never submitted
    newest = pending_profile("Clara", city=berlin)
    oldest = pending_profile(
        "Nadia", city=vienna, owner=unverified, agency=agency, waiting_days=5
    )
    pending_profile("Bea", city=berlin, waiting_days=2)

    admin_login(client, moderator)
    response = client.get(REVIEW_URL)

    assert listed(response) == ["Nadia", "Bea", "Clara"]
    html = response.content.decode()
    assert f'href="/cms/pages/{oldest.pk}/edit/"' in html
    assert f'href="/cms/pages/{newest.pk}/edit/"' in html
    row = html[html.index(f"/cms/pages/{oldest.pk}/edit/") :].split("</tr>")[0]
    assert "Vienna" in row and "Velvet Hours" in row
    assert "nadia@example.test" in row
    assert ">No<" in row.replace(" ", "").replace("\n", "")
    clara_row = html[html.index(f"/cms/pages/{newest.pk}/edit/") :].split("</tr>")[0]
    assert ">Yes<" in clara_row.replace(" ", "").replace("\n", "")
    waits = [p.waiting_since for p in response.context["object_list"]]
    assert waits == sorted(waits)


def test_approved_or_rejected_profiles_leave_the_queue(
    client, moderator, berlin, admin_login
):
    approved = pending_profile("Clara", city=berlin)
    rejected = pending_profile("Bea", city=berlin)
    pending_profile("Nadia", city=berlin)
    for profile, action in ((approved, "approve"), (rejected, "reject")):
        state = profile.current_workflow_task_state
        state.task.specific.on_action(state, user=moderator, action_name=action)

    admin_login(client, moderator)
    assert listed(client.get(REVIEW_URL)) == ["Nadia"]


def test_filters_by_city_agency_and_waiting_time(
    client, moderator, berlin, vienna, admin_login
):
    agency = Agency.objects.create(name="Velvet Hours", slug="velvet-hours")
    pending_profile("Clara", city=berlin, waiting_days=0.5)
    pending_profile("Bea", city=berlin, agency=agency, waiting_days=2)
    pending_profile("Nadia", city=vienna, agency=agency, waiting_days=4)
    pending_profile("Ida", city=vienna, waiting_days=8)
    admin_login(client, moderator)

    def titles(**params) -> list[str]:  # noqa: ANN003
        return listed(client.get(REVIEW_URL, params))

    assert titles(home_city=berlin.pk) == ["Bea", "Clara"]
    assert titles(home_city=vienna.pk) == ["Ida", "Nadia"]
    assert titles(agency=agency.pk) == ["Nadia", "Bea"]
    assert titles(waiting=1) == ["Ida", "Nadia", "Bea"]
    assert titles(waiting=3) == ["Ida", "Nadia"]
    assert titles(waiting=7) == ["Ida"]
    assert titles(home_city=vienna.pk, agency=agency.pk, waiting=3) == ["Nadia"]
    # The results fragment (used when filters change in the page) filters alike.
    fragment = client.get(f"{REVIEW_URL}results/", {"home_city": berlin.pk})
    assert listed(fragment) == ["Bea", "Clara"]


def test_unknown_filter_values_answer_200_not_500(
    client, moderator, berlin, admin_login
):
    pending_profile("Clara", city=berlin)
    admin_login(client, moderator)
    response = client.get(REVIEW_URL, {"home_city": "nope", "waiting": "99"})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 20])
def test_review_queue_query_count_is_constant(
    client, moderator, berlin, django_assert_max_num_queries, rows, admin_login
):
    agency = Agency.objects.create(name="Velvet Hours", slug="velvet-hours")
    for n in range(rows):
        pending_profile(f"Profile {n}", city=berlin, agency=agency)
    admin_login(client, moderator)
    client.get(REVIEW_URL)  # warm per-process caches (content types, site)

    # 14 for the queue, 1 for the admin's MFA check (accounts/admin_access.py),
    # 1 for "is a moderator" (asked once by the moderators' menu items), 1 for
    # the site permissions behind the "Site settings" menu item.
    with django_assert_max_num_queries(17):
        response = client.get(REVIEW_URL)
    assert len(listed(response)) == rows


@pytest.mark.parametrize("role", [Role.CLIENT, Role.ESCORT, Role.AGENCY])
def test_users_without_admin_access_get_the_no_access_page(client, berlin, role):
    pending_profile("Clara", city=berlin)
    client.force_login(UserFactory(role=role))
    response = client.get(REVIEW_URL)
    assert response.status_code == 403
    assert b"No access to the site administration" in response.content
    assert b"Clara" not in response.content


def test_editor_cannot_open_the_review_queue(client, editor, berlin, admin_login):
    pending_profile("Clara", city=berlin)
    admin_login(client, editor)
    response = client.get(REVIEW_URL)
    # Wagtail answers a permission error inside the admin with a redirect home.
    assert response.status_code == 302
    assert response["Location"] == "/cms/"
    assert client.get(f"{REVIEW_URL}results/").status_code == 302


def test_superuser_sees_the_queue(client, berlin, admin_login):
    pending_profile("Clara", city=berlin)
    admin = UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True)
    admin_login(client, admin)
    assert listed(client.get(REVIEW_URL)) == ["Clara"]


def test_menus_follow_the_groups_permissions(client, moderator, editor, admin_login):
    admin_login(client, moderator)
    menu = client.get("/cms/").content.decode()
    assert REVIEW_URL in menu and AGENCIES_URL in menu and MEMBERSHIPS_URL in menu
    admin_login(client, editor)
    menu = client.get("/cms/").content.decode()
    assert SERVICES_URL in menu and LANGUAGES_URL in menu
    assert REVIEW_URL not in menu and AGENCIES_URL not in menu


# --- Services, languages, agencies ----------------------------------------------


def test_editor_lists_searches_and_filters_services(client, editor, admin_login):
    Service.objects.create(name="Dinner date", slug="dinner-date", category="social")
    Service.objects.create(name="City break", slug="city-break", category="travel")
    Service.objects.create(name="Gala evening", slug="gala", category="events")
    admin_login(client, editor)

    def names(**params) -> list[str]:  # noqa: ANN003
        response = client.get(SERVICES_URL, params)
        assert response.status_code == 200
        return sorted(s.name for s in response.context["object_list"])

    assert names() == ["City break", "Dinner date", "Gala evening"]
    assert names(category="travel") == ["City break"]
    assert names(q="dinner") == ["Dinner date"]


def test_editor_creates_edits_and_deletes_a_service(client, editor, admin_login):
    admin_login(client, editor)
    assert client.get(f"{SERVICES_URL}add/").status_code == 200
    response = client.post(
        f"{SERVICES_URL}add/",
        {"name": "Museum visit", "slug": "museum-visit", "category": "social"},
    )
    assert response.status_code == 302, response.content[:500]
    service = Service.objects.get(slug="museum-visit")
    assert service.category == "social"

    edit_url = f"{SERVICES_URL}edit/{service.pk}/"
    assert client.get(edit_url).status_code == 200
    client.post(
        edit_url, {"name": "Museum visit", "slug": "museum-visit", "category": "events"}
    )
    service.refresh_from_db()
    assert service.category == "events"

    client.post(f"{SERVICES_URL}delete/{service.pk}/")
    assert not Service.objects.filter(pk=service.pk).exists()


def test_editor_manages_languages(client, editor, admin_login):
    Language.objects.create(code="de", name="German")
    admin_login(client, editor)
    response = client.get(LANGUAGES_URL, {"q": "germ"})
    assert [lang.code for lang in response.context["object_list"]] == ["de"]
    response = client.post(f"{LANGUAGES_URL}add/", {"code": "fr", "name": "French"})
    assert response.status_code == 302
    assert Language.objects.filter(code="fr", name="French").exists()
    # Uniqueness is checked by the form, not answered with a 500.
    response = client.post(f"{LANGUAGES_URL}add/", {"code": "fr", "name": "Français"})
    assert response.status_code == 200
    assert Language.objects.filter(code="fr").count() == 1


@pytest.mark.parametrize("url", [AGENCIES_URL, MEMBERSHIPS_URL])
def test_editors_cannot_reach_agencies(client, editor, url, admin_login):
    admin_login(client, editor)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/cms/"


@pytest.mark.parametrize("url", [SERVICES_URL, LANGUAGES_URL])
def test_moderators_may_read_but_not_change_services_or_languages(
    client, moderator, url, admin_login
):
    admin_login(client, moderator)
    assert client.get(url).status_code == 200
    response = client.post(f"{url}add/", {"name": "X", "slug": "x", "code": "xx"})
    assert response.status_code == 302
    assert response["Location"] == "/cms/"
    assert not Service.objects.exists() and not Language.objects.exists()


@pytest.mark.parametrize(
    "url", [SERVICES_URL, LANGUAGES_URL, AGENCIES_URL, MEMBERSHIPS_URL]
)
@pytest.mark.parametrize("role", [Role.CLIENT, Role.ESCORT, Role.AGENCY])
def test_directory_admin_is_closed_to_non_staff(client, url, role):
    client.force_login(UserFactory(role=role))
    response = client.get(url)
    assert response.status_code == 403
    assert b"No access to the site administration" in response.content


def test_moderator_manages_agencies_and_members(client, moderator, admin_login):
    member = UserFactory(role=Role.AGENCY, email="owner@velvet.test")
    admin_login(client, moderator)
    assert client.get(AGENCIES_URL).status_code == 200
    response = client.post(
        f"{AGENCIES_URL}new/",
        {"name": "Velvet Hours", "slug": "velvet-hours", "description": ""},
    )
    assert response.status_code == 302, response.content[:500]
    agency = Agency.objects.get(slug="velvet-hours")
    assert not agency.verified
    # Moderator actions are audited (docs/architecture.md, invariant 9) in Wagtail's
    # log.
    entry = ModelLogEntry.objects.get(action="wagtail.create", object_id=agency.pk)
    assert entry.user == moderator
    assert client.get(f"{AGENCIES_URL}edit/{agency.pk}/").status_code == 200
    assert client.get(f"{AGENCIES_URL}inspect/{agency.pk}/").status_code == 200

    assert client.get(f"{MEMBERSHIPS_URL}new/").status_code == 200
    response = client.post(
        f"{MEMBERSHIPS_URL}new/",
        {"agency": agency.pk, "user": "OWNER@velvet.test", "role": "owner"},
    )
    assert response.status_code == 302, response.content[:500]
    membership = AgencyMembership.objects.get()
    assert (membership.agency, membership.user, membership.role) == (
        agency,
        member,
        "owner",
    )
    edit = client.get(f"{MEMBERSHIPS_URL}edit/{membership.pk}/")
    assert 'value="owner@velvet.test"' in edit.content.decode()


def test_membership_form_rejects_an_unknown_email(client, moderator, admin_login):
    agency = Agency.objects.create(name="Velvet Hours", slug="velvet-hours")
    admin_login(client, moderator)
    response = client.post(
        f"{MEMBERSHIPS_URL}new/",
        {"agency": agency.pk, "user": "nobody@example.test", "role": "manager"},
    )
    assert response.status_code == 200
    assert "No user has this email address." in response.content.decode()
    assert not AgencyMembership.objects.exists()


@pytest.mark.parametrize("rows", [3, 20])
def test_membership_list_query_count_is_constant(
    client, moderator, django_assert_max_num_queries, rows, admin_login
):
    agency = Agency.objects.create(name="Velvet Hours", slug="velvet-hours")
    for _ in range(rows):
        AgencyMembership.objects.create(
            agency=agency, user=UserFactory(role=Role.AGENCY), role="manager"
        )
    admin_login(client, moderator)
    client.get(MEMBERSHIPS_URL)
    # 13 for the list, 1 for the admin's MFA check (accounts/admin_access.py),
    # 1 for "is a moderator" (asked once by the moderators' menu items), 1 for
    # the site permissions behind the "Site settings" menu item.
    with django_assert_max_num_queries(16):
        response = client.get(MEMBERSHIPS_URL)
    assert len(response.context["object_list"]) == rows


# --- Approving a profile in the Wagtail admin -----------------------------------


class _FormFields(HTMLParser):
    """What a browser would submit from the page edit form."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data.append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value") or ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[-1] = (self._textarea, self.data[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def edit_form_data(client, page: EscortProfilePage) -> dict:  # noqa: ANN001
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    parser = _FormFields("page-edit-form")
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def approve_through_edit_view(client, page: EscortProfilePage):  # noqa: ANN001, ANN201
    """The edit view's "Approve and Publish" button: the edit form posted with the
    workflow action fields set."""
    data = edit_form_data(client, page)
    data.update(
        {
            "action-workflow-action": ["true"],
            "workflow-action-name": ["approve"],
            "workflow-action-extra-data": ["{}"],
        }
    )
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def workflow_action_url(page: EscortProfilePage, action: str) -> str:
    """The endpoint behind the dashboard's and the modal's workflow buttons."""
    task_state = page.current_workflow_task_state
    return reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]
    )


def offered_actions(client, page: EscortProfilePage) -> str:  # noqa: ANN001
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_edit_view_offers_approve_only_for_a_verified_owner(
    client, moderator, berlin, admin_login
):
    verified = pending_profile("Clara", city=berlin)
    unverified = pending_profile(
        "Nadia", city=berlin, owner=EscortOwnerFactory(is_age_verified=False)
    )
    admin_login(client, moderator)

    html = offered_actions(client, verified)
    assert 'data-workflow-action-name="approve"' in html
    assert 'data-workflow-action-name="reject"' in html

    html = offered_actions(client, unverified)
    assert 'data-workflow-action-name="approve"' not in html
    assert 'data-workflow-action-name="reject"' in html  # changes can still be asked


def test_moderator_approves_in_the_edit_view_and_the_revision_goes_live(
    client, moderator, berlin, django_capture_on_commit_callbacks, admin_login
):
    profile = pending_profile("Clara", city=berlin, tagline="Reviewed tagline")
    assert EscortProfilePage.objects.get(pk=profile.pk).tagline != "Reviewed tagline"
    admin_login(client, moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = approve_through_edit_view(client, profile)

    assert response.status_code == 302, response.content[:500]
    live = EscortProfilePage.objects.get(pk=profile.pk)
    assert live.live and live.tagline == "Reviewed tagline"
    assert live.current_workflow_state is None
    assert listed(client.get(REVIEW_URL)) == []


def test_moderator_approves_through_the_workflow_action_endpoint(
    client, moderator, berlin, django_capture_on_commit_callbacks, admin_login
):
    profile = pending_profile("Clara", city=berlin, tagline="Reviewed tagline")
    admin_login(client, moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(workflow_action_url(profile, "approve"), {"comment": ""})

    assert response.status_code == 302
    live = EscortProfilePage.objects.get(pk=profile.pk)
    assert live.live and live.tagline == "Reviewed tagline"


def test_approve_posted_in_the_edit_view_for_an_unverified_owner_publishes_nothing(
    client, moderator, berlin, admin_login
):
    owner = EscortOwnerFactory(is_age_verified=False)
    profile = pending_profile("Nadia", city=berlin, owner=owner)
    admin_login(client, moderator)

    response = approve_through_edit_view(client, profile)

    # The action is not valid for this page, so the edit view only saves a draft.
    assert response.status_code in (200, 302)
    page = EscortProfilePage.objects.get(pk=profile.pk)
    assert not page.live
    assert page.current_workflow_state is not None  # still awaiting review
    assert listed(client.get(REVIEW_URL)) == ["Nadia"]


def test_approve_posted_to_the_workflow_action_endpoint_for_an_unverified_owner(
    client, moderator, berlin, admin_login
):
    owner = EscortOwnerFactory(is_age_verified=False)
    profile = pending_profile("Nadia", city=berlin, owner=owner)
    url = workflow_action_url(profile, "approve")
    client.raise_request_exception = False
    admin_login(client, moderator)

    response = client.post(url, {"comment": ""})

    page = EscortProfilePage.objects.get(pk=profile.pk)
    assert not page.live
    assert page.current_workflow_state is not None
    assert response.status_code in (302, 403), (
        "Approving a profile of an unverified owner through "
        "/cms/pages/workflow/action/<page>/approve/<task_state>/ answered "
        f"{response.status_code}: that view hands get_actions a base Page, so "
        "ProfileReviewTask.get_actions does not hide 'approve' and on_action raises "
        "ValidationError (see report)."
    )
