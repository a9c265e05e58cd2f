"""Asking for, building, downloading and expiring a data export: the page,
the download view, the API and the one-at-a-time rule (docs/privacy.md,
"Export"). What the zip holds: test_export_contents.py."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from notifications.models import Notification
from privacy import retention
from privacy.exporting import services as export_services
from privacy.exporting.services import (
    ExportInProgress,
    data_export_build,
    data_export_request,
)
from privacy.models import DataExport
from privacy.services import retention_enforce
from tests.assertions import assert_error_shape
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/privacy/export/"
API = "/api/v1/me/exports"


def _ready(user: User, capture) -> DataExport:  # noqa: ANN001
    with capture(execute=True):
        export = data_export_request(user=user)
    export.refresh_from_db()
    return export


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_request_builds_the_export_and_tells_the_user(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory()
    export = _ready(user, django_capture_on_commit_callbacks)

    assert export.status == DataExport.Status.READY
    assert export.progress == 100
    assert export.size_bytes == export.file.size > 0
    assert export.expires_at - export.finished_at == dt.timedelta(days=7)
    notice = Notification.objects.get(recipient=user, kind="privacy")
    assert notice.url == PAGE
    # The task is idempotent: a second run leaves the finished export alone.
    assert data_export_build(export_id=export.pk) == "skipped"


def test_a_second_request_while_one_is_queued_is_refused() -> None:
    user = UserFactory()
    data_export_request(user=user)  # no commit here: it stays queued

    with pytest.raises(ExportInProgress):
        data_export_request(user=user)

    assert DataExport.objects.filter(user=user).count() == 1


def test_a_failed_build_is_recorded_and_the_user_can_ask_again(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    def broken(*, export: DataExport) -> None:
        raise OSError("disk full")

    user = UserFactory()
    monkeypatch.setattr(export_services, "export_build_file", broken)
    failed = _ready(user, django_capture_on_commit_callbacks)
    assert (failed.status, "disk full" in failed.error) == ("failed", True)
    monkeypatch.undo()

    again = _ready(user, django_capture_on_commit_callbacks)

    assert again.status == DataExport.Status.READY


# -- The page and the download ------------------------------------------------


def test_the_page_needs_a_sign_in(client) -> None:  # noqa: ANN001
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_shows_progress_while_one_runs(
    django_assert_max_num_queries,
) -> None:
    user = UserFactory()
    for n in range(3):  # history rows add no queries
        DataExport.objects.create(user=user, status="expired", token=f"t{n}")
    export = data_export_request(user=user)
    DataExport.objects.filter(pk=export.pk).update(
        status="running", progress=40, step="Bookings"
    )
    client = _signed_in(user)

    with django_assert_max_num_queries(12):
        html = client.get(PAGE).content.decode()

    assert 'value="40"' in html
    assert "Preparing: Bookings" in html
    assert "js/data-export.js" in html
    assert 'href="/accounts/privacy/export/"' in html  # the no-JS refresh link
    assert html.count("data-export=") == 3


def test_asking_on_the_page_twice_explains_the_refusal() -> None:
    user = UserFactory()
    client = _signed_in(user)

    first = client.post(f"{PAGE}request/")
    second = client.post(f"{PAGE}request/", follow=True)

    assert first.status_code == 302
    assert "already being prepared" in second.content.decode()
    assert DataExport.objects.filter(user=user).count() == 1


def test_the_owner_downloads_the_zip_once_recorded(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory()
    export = _ready(user, django_capture_on_commit_callbacks)
    client = _signed_in(user)

    response = client.get(f"{PAGE}{export.token}/download/")
    body = b"".join(response.streaming_content)
    first = DataExport.objects.get(pk=export.pk).downloaded_at
    client.get(f"{PAGE}{export.token}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert body[:2] == b"PK"
    assert first is not None
    assert DataExport.objects.get(pk=export.pk).downloaded_at == first


def test_foreign_expired_unready_and_unknown_links_answer_404(
    django_capture_on_commit_callbacks,
) -> None:
    owner, stranger = UserFactory(), UserFactory()
    export = _ready(owner, django_capture_on_commit_callbacks)
    url = f"{PAGE}{export.token}/download/"

    assert _signed_in(stranger).get(url).status_code == 404
    assert _signed_in(owner).get(f"{PAGE}not-a-token/download/").status_code == 404
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _signed_in(owner).get(url).status_code == 404
    DataExport.objects.filter(pk=export.pk).update(
        status="running", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    assert _signed_in(owner).get(url).status_code == 404


def test_the_status_endpoint_reports_progress() -> None:
    user = UserFactory()
    export = data_export_request(user=user)
    DataExport.objects.filter(pk=export.pk).update(progress=55, step="Messages")

    data = _signed_in(user).get(f"{PAGE}status/").json()

    assert data == {
        "id": export.pk,
        "status": "queued",
        "progress": 55,
        "step": "Messages",
    }


# -- Expiry (retention) -------------------------------------------------------


def test_an_expired_export_loses_its_file_and_keeps_its_row(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory()
    export = _ready(user, django_capture_on_commit_callbacks)
    storage, name = export.file.storage, export.file.name
    fresh = _ready(UserFactory(), django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    data_class = next(c for c in retention.SCHEDULE if c.key == "data_exports")

    run = retention_enforce(data_class=data_class, now=timezone.now())

    export.refresh_from_db()
    assert (export.status, export.file.name, run.affected) == ("expired", "", 1)
    assert not storage.exists(name)
    assert DataExport.objects.get(pk=fresh.pk).status == "ready"
    assert retention_enforce(data_class=data_class, now=timezone.now()).affected == 0


# -- The API ------------------------------------------------------------------


def _api(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_asks_lists_and_shows_ones_own_exports(
    django_assert_max_num_queries,
) -> None:
    user, stranger = UserFactory(), UserFactory()
    api = _api(user)

    created = api.post(API)
    refused = api.post(API)
    for n in range(4):
        DataExport.objects.create(user=user, status="expired", token=f"old{n}")
    with django_assert_max_num_queries(4):
        listed = api.get(API, {"page_size": 3})
    mine = api.get(f"{API}/{created.data['id']}")
    theirs = _api(stranger).get(f"{API}/{created.data['id']}")

    assert created.status_code == 201
    assert created.data["status"] == "queued"
    assert created.data["download_url"] is None
    assert_error_shape(refused, 409, "export_in_progress")
    assert listed.status_code == 200
    assert len(listed.data["results"]) == 3
    assert listed.data["next"]
    assert mine.data["id"] == created.data["id"]
    assert_error_shape(theirs, 404, "not_found")


def test_the_api_needs_a_sign_in() -> None:
    assert APIClient().post(API).status_code in {401, 403}


def test_the_schema_documents_the_exports_with_their_errors() -> None:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    collection = schema["paths"]["/api/v1/me/exports"]
    assert {"201", "409"} <= set(collection["post"]["responses"])
    assert "PaginatedDataExportList" in str(collection["get"]["responses"]["200"])
    detail = schema["paths"]["/api/v1/me/exports/{export_id}"]
    assert "404" in detail["get"]["responses"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_requests_make_one_export(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No build here: the winner must still be queued when the loser inserts.
    monkeypatch.setattr(export_services, "_enqueue", lambda export_id: None)
    user = UserFactory()
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            api = APIClient(raise_request_exception=False)
            api.force_authenticate(user)
            barrier.wait(timeout=30)
            statuses.append(api.post(API).status_code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(statuses) == [201, 409]
    assert DataExport.objects.filter(user=user).count() == 1


def test_the_security_page_and_the_privacy_page_link_to_the_export(
    django_capture_on_commit_callbacks,
) -> None:
    from cms_pages.models import StandardPage
    from privacy.services import privacy_page_adopt
    from tests.factories.pages import home_page

    page = StandardPage(title="Privacy policy", slug="privacy", intro="x")
    home_page().add_child(instance=page)
    page.save_revision().publish()
    policy = privacy_page_adopt(page=StandardPage.objects.get(pk=page.pk))
    client = _signed_in(UserFactory())

    security = client.get("/accounts/security/").content.decode()
    policy_html = client.get(policy.url).content.decode()

    assert f'href="{PAGE}"' in security
    assert f'href="{PAGE}"' in policy_html


def test_a_ready_export_past_its_date_offers_no_download_link(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory()
    export = _ready(user, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    html = _signed_in(user).get(PAGE).content.decode()

    assert "data-export-expired" in html
    assert export.token not in html
    assert "Ask for a new export" in html
