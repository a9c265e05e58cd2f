"""The retention schedule (privacy.retention): each class's rows just inside
the period stay and rows just past it go, legal holds stay, reruns do nothing,
the append-only records are never touched, batches, and the privacy page's
table comes from the same configuration."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable

import pytest
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from analytics.models import ProfileDay, UserActiveDay
from audit.models import AuditEntry
from bookings.models import Booking
from cms_pages.models import StandardPage
from messaging.models import Message, Thread
from moderation.models import Decision, Report
from notifications.models import EmailDelivery, Notification
from privacy import retention
from privacy.models import DataExport, PrivacyPolicyPage, RetentionRun
from privacy.services import (
    privacy_page_adopt,
    retention_enforce,
    retention_enforce_all,
)
from privacy.templatetags.privacy_tags import period_label
from search.models import ProfileImpressionDaily, SearchQueryLog
from tests.factories import UserFactory
from tests.factories.bookings import past_booking
from tests.factories.pages import home_page, make_city, make_profile

pytestmark = pytest.mark.django_db

NOW = timezone.now()
SECOND = dt.timedelta(seconds=1)


def klass(key: str) -> retention.DataClass:
    return next(c for c in retention.SCHEDULE if c.key == key)


@pytest.fixture
def world() -> dict:
    city = make_city("Lisbon")
    profile = make_profile("Ines", city=city)
    return {"city": city, "profile": profile, "client": UserFactory(role=Role.CLIENT)}


def _stamp(row: models.Model, field: str, value: object) -> models.Model:
    # auto_now_add fields ignore a value given at creation: move them by UPDATE.
    type(row).objects.filter(pk=row.pk).update(**{field: value})
    return row


def _message(world: dict, when: dt.datetime) -> Message:
    thread, _ = Thread.objects.get_or_create(
        client=world["client"], profile=world["profile"]
    )
    row = Message.objects.create(
        thread=thread, sender=world["client"], body_encrypted="-"
    )
    return _stamp(row, "created_at", when)


def _notification(world: dict, when: dt.datetime) -> Notification:
    return Notification.objects.create(
        recipient=world["client"], kind="booking", title="t", url="/", created_at=when
    )


def _email(world: dict, when: dt.datetime) -> EmailDelivery:
    row = EmailDelivery.objects.create(
        recipient=world["client"], kind="booking", subject="s", body="b", status="sent"
    )
    return _stamp(row, "created_at", when)


def _search(world: dict, when: dt.datetime) -> SearchQueryLog:
    row = SearchQueryLog.objects.create(query="q", result_count=1, latency_ms=3)
    return _stamp(row, "created_at", when)


def _impression(world: dict, day: dt.date) -> ProfileImpressionDaily:
    return ProfileImpressionDaily.objects.create(
        profile=world["profile"], city=world["city"], day=day, impressions=3
    )


def _profile_day(world: dict, day: dt.date) -> ProfileDay:
    return ProfileDay.objects.create(profile=world["profile"], day=day, views=2)


def _active_day(world: dict, day: dt.date) -> UserActiveDay:
    return UserActiveDay.objects.create(user=UserFactory(), day=day)


def _report(world: dict, when: dt.datetime, *, status: str = "closed") -> Report:
    row = Report.objects.create(
        category="spam",
        target_content_type=ContentType.objects.get_for_model(Thread),
        target_id=Report.objects.count() + 1,
        dedupe_key=f"retention-{Report.objects.count()}",
        evidence_encrypted="-",
        due_at=when,
        status=status,
        closed_at=when if status == "closed" else None,
    )
    return row


def _session(world: dict, when: dt.datetime) -> Session:
    return Session.objects.create(
        session_key=f"k{Session.objects.count()}x" * 4,
        session_data="",
        expire_date=when,
    )


def _device(world: dict, when: dt.datetime) -> UserSession:
    return UserSession.objects.create(
        user=world["client"],
        session_key=f"d{UserSession.objects.count()}x" * 4,
        ip="203.0.113.9",
        user_agent="Firefox",
        last_seen_at=when,
    )


def _export_request(world: dict, when: dt.datetime) -> DataExport:
    row = DataExport.objects.create(
        user=world["client"], status="expired", token=secrets.token_urlsafe(8)
    )
    return _stamp(row, "requested_at", when)


BUILDERS: dict[str, Callable] = {
    "data_export_requests": _export_request,
    "messages": _message,
    "notifications": _notification,
    "email_deliveries": _email,
    "search_queries": _search,
    "impressions": _impression,
    "profile_days": _profile_day,
    "active_days": _active_day,
    "reports": _report,
    "session_devices": _device,
}


def test_every_enforced_deleting_class_has_a_builder_here() -> None:
    deleting = {
        c.key
        for c in retention.SCHEDULE
        if c.enforced and c.end == retention.EndAction.DELETE
    }
    assert deleting == set(BUILDERS)


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_rows_just_inside_stay_and_rows_just_past_go(world: dict, key: str) -> None:
    data_class = klass(key)
    cutoff = NOW - data_class.period
    if data_class.model._meta.get_field(data_class.aged_by).get_internal_type() == (
        "DateField"
    ):
        inside, past = cutoff.date(), cutoff.date() - dt.timedelta(days=1)
    else:
        inside, past = cutoff + SECOND, cutoff - SECOND
    kept = BUILDERS[key](world, inside)
    # Two past rows, a day apart (one row per profile and day for daily figures).
    gone = [
        BUILDERS[key](world, past),
        BUILDERS[key](world, past - dt.timedelta(days=1)),
    ]

    run = retention_enforce(data_class=data_class, now=NOW)

    model = data_class.model
    assert model.objects.filter(pk=kept.pk).exists()
    assert not model.objects.filter(pk__in=[g.pk for g in gone]).exists()
    assert (run.affected, run.error) == (2, "")
    assert run.finished_at is not None
    # Idempotent: the next night finds nothing more.
    assert retention_enforce(data_class=data_class, now=NOW).affected == 0
    assert model.objects.filter(pk=kept.pk).exists()


def test_expired_sessions_go_by_the_session_sweep_the_schedule_names(
    world: dict,
) -> None:
    from accounts.tasks import clear_expired_sessions

    assert klass("sessions").enforced_elsewhere
    kept = _session(world, timezone.now() + dt.timedelta(minutes=1))
    _session(world, timezone.now() - SECOND)

    clear_expired_sessions()

    assert list(Session.objects.values_list("pk", flat=True)) == [kept.pk]
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == "accounts.tasks.clear_expired_sessions"


def test_a_reported_message_is_on_hold(world: dict) -> None:
    old = NOW - klass("messages").period - SECOND
    reported, plain = _message(world, old), _message(world, old)
    Report.objects.create(
        category="spam",
        target_content_type=ContentType.objects.get_for_model(Message),
        target_id=reported.pk,
        evidence_encrypted="-",
        due_at=NOW,
        reporter=world["client"],
    )

    retention_enforce(data_class=klass("messages"), now=NOW)

    assert list(Message.objects.values_list("pk", flat=True)) == [reported.pk]
    assert not Message.objects.filter(pk=plain.pk).exists()


def test_open_reports_and_reports_with_a_decision_stay(world: dict) -> None:
    old = NOW - klass("reports").period - dt.timedelta(days=1)
    still_open = _report(world, old, status="open")
    decided = _report(world, old)
    Decision.objects.create(
        report=decided, action="dismiss", reason_code="spam", automated=True
    )
    plain = _report(world, old)

    retention_enforce(data_class=klass("reports"), now=NOW)

    assert set(Report.objects.values_list("pk", flat=True)) == {
        still_open.pk,
        decided.pk,
    }
    assert not Report.objects.filter(pk=plain.pk).exists()


def test_pending_emails_are_never_aged_out(world: dict) -> None:
    row = _email(world, NOW - dt.timedelta(days=400))
    EmailDelivery.objects.filter(pk=row.pk).update(status="pending")

    retention_enforce(data_class=klass("email_deliveries"), now=NOW)

    assert EmailDelivery.objects.filter(pk=row.pk).exists()


def _booking(world: dict, *, ended_ago: dt.timedelta, status: str) -> Booking:
    booking = past_booking(
        world["profile"], world["client"], status=status, ended_ago=ended_ago
    )
    # The end measured from this module's NOW, to the second.
    Booking.objects.filter(pk=booking.pk).update(
        end=NOW - ended_ago, note="Ring twice", meeting_place="Hotel Avenida, room 12"
    )
    return booking


def test_finished_bookings_lose_their_private_details_after_the_period(
    world: dict,
) -> None:
    period = klass("booking_details").period
    past = _booking(world, ended_ago=period + SECOND, status="completed")
    inside = _booking(world, ended_ago=period - SECOND, status="completed")
    held = _booking(world, ended_ago=period + SECOND, status="no_show")
    Report.objects.create(
        category="spam",
        target_content_type=ContentType.objects.get_for_model(Booking),
        target_id=held.pk,
        evidence_encrypted="-",
        due_at=NOW,
        reporter=world["client"],
    )

    run = retention_enforce(data_class=klass("booking_details"), now=NOW)

    details = dict(Booking.objects.values_list("pk", "meeting_place").order_by("pk"))
    assert details == {
        past.pk: "",
        inside.pk: "Hotel Avenida, room 12",
        held.pk: "Hotel Avenida, room 12",
    }
    assert Booking.objects.get(pk=past.pk).note == ""
    assert Booking.objects.count() == 3  # the record itself stays (accounting)
    assert run.affected == 1
    assert retention_enforce(data_class=klass("booking_details"), now=NOW).affected == 0


def test_audit_entries_and_attestations_are_never_deleted(world: dict) -> None:
    entry = AuditEntry.objects.create(action="test.old", target_type="user")
    with connection.cursor() as cursor:  # the trigger refuses UPDATE too: backdate raw
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditentry SET created_at = %s WHERE id = %s",
            [NOW - dt.timedelta(days=3650), entry.pk],
        )
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")

    counts = retention_enforce_all(now=NOW)

    assert "audit_entries" not in counts
    assert "verification_attestations" not in counts
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert not klass("audit_entries").enforced
    # The database itself refuses it, whoever asks.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_more_rows_than_a_batch_go_in_several_bounded_statements(world: dict) -> None:
    old = NOW - klass("search_queries").period - SECOND
    for _ in range(7):
        _search(world, old)

    with CaptureQueriesContext(connection) as queries:
        run = retention_enforce(
            data_class=klass("search_queries"), now=NOW, batch_size=3
        )

    deletes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")
    ]
    assert len(deletes) == 3  # 3 + 3 + 1
    assert run.affected == 7
    assert not SearchQueryLog.objects.exists()


def test_the_nightly_job_records_one_run_per_enforced_class(world: dict) -> None:
    _search(world, NOW - dt.timedelta(days=400))

    counts = retention_enforce_all(now=NOW)

    enforced = {c.key for c in retention.SCHEDULE if c.enforced}
    assert set(counts) == enforced
    assert counts["search_queries"] == 1
    assert set(RetentionRun.objects.values_list("class_key", flat=True)) == enforced
    assert "outbox" not in counts  # purged by core's own sweep


def test_a_failing_class_is_recorded_and_the_others_still_run(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(rows: models.QuerySet) -> int:
        raise RuntimeError("disk full")

    _search(world, NOW - dt.timedelta(days=400))
    _notification(world, NOW - dt.timedelta(days=400))
    schedule = tuple(
        dataclasses.replace(c, delete=broken) if c.key == "notifications" else c
        for c in retention.SCHEDULE
    )
    monkeypatch.setattr(retention, "SCHEDULE", schedule)

    counts = retention_enforce_all(now=NOW)

    failed = RetentionRun.objects.get(class_key="notifications")
    assert "disk full" in failed.error
    assert counts["search_queries"] == 1
    assert Notification.objects.count() == 1


def test_the_beat_runs_the_job_nightly() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-enforce-retention"]
    assert entry["task"] == "privacy.tasks.enforce_retention"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})
    tasks = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "messaging.tasks.purge_expired_messages" not in tasks  # one job, one period


def test_the_task_runs_the_schedule(world: dict) -> None:
    from privacy.tasks import enforce_retention

    _search(world, NOW - dt.timedelta(days=400))
    assert enforce_retention.delay().get()["search_queries"] == 1


# -- The privacy page ---------------------------------------------------------


@pytest.fixture
def privacy_page() -> PrivacyPolicyPage:
    page = StandardPage(title="Privacy policy", slug="privacy", intro="What we keep")
    home_page().add_child(instance=page)
    page.save_revision().publish()
    return privacy_page_adopt(page=StandardPage.objects.get(pk=page.pk))


def test_the_privacy_page_shows_every_class_from_the_schedule(
    client, privacy_page: PrivacyPolicyPage
) -> None:
    response = client.get(privacy_page.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "What we keep" in html  # the editor's text stays after the adoption
    for data_class in retention.SCHEDULE:
        assert f'id="retention-{data_class.key}"' in html
        assert escape(str(data_class.label)) in html
        assert escape(str(data_class.legal_basis)) in html
        row = html.split(f'id="retention-{data_class.key}"')[1].split("</tr>")[0]
        shown = data_class.kept_label or period_label(data_class.period)
        assert escape(str(shown)) in row
    assert "90 days" in html


def test_a_changed_period_changes_the_page(
    client, privacy_page: PrivacyPolicyPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule = tuple(
        dataclasses.replace(c, period=dt.timedelta(days=30))
        if c.key == "messages"
        else c
        for c in retention.SCHEDULE
    )
    monkeypatch.setattr(retention, "SCHEDULE", schedule)

    html = client.get(privacy_page.url).content.decode()

    row = html.split('id="retention-messages"')[1].split("</tr>")[0]
    assert "30 days" in row
    assert "90 days" not in row


def test_adopting_twice_is_harmless(privacy_page: PrivacyPolicyPage) -> None:
    again = privacy_page_adopt(page=StandardPage.objects.get(pk=privacy_page.pk))
    assert again.pk == privacy_page.pk
    assert PrivacyPolicyPage.objects.count() == 1


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (None, "While the account exists"),
        (dt.timedelta(0), "Until it expires"),
        (dt.timedelta(days=1), "1 day"),
        (dt.timedelta(days=90), "90 days"),
        (dt.timedelta(days=730), "2 years"),
        (dt.timedelta(hours=5), "5 hours"),
    ],
)
def test_period_labels(period: dt.timedelta | None, label: str) -> None:
    assert period_label(period) == label


# -- Nothing with a timestamp escapes the schedule ----------------------------


def _project_models() -> list[type[models.Model]]:
    base = str(settings.BASE_DIR)
    return [
        model
        for model in apps.get_models()
        if (
            model._meta.app_config.path.startswith(base)
            and ".venv" not in model._meta.app_config.path
        )
        or model._meta.app_label in {"sessions", "usersessions"}
    ]


def test_every_model_with_a_timestamp_is_scheduled_or_explained() -> None:
    scheduled = {label for c in retention.SCHEDULE for label in c.models}
    missing = [
        model._meta.label
        for model in _project_models()
        if any(isinstance(f, models.DateField) for f in model._meta.concrete_fields)
        and model._meta.label not in scheduled
        and model._meta.label not in retention.NOT_SCHEDULED
    ]
    assert missing == [], f"not in the retention schedule nor NOT_SCHEDULED: {missing}"


def test_the_lists_name_real_models_and_give_reasons() -> None:
    for label in [
        *retention.NOT_SCHEDULED,
        *(m for c in retention.SCHEDULE for m in c.models),
    ]:
        apps.get_model(label)  # raises LookupError for a stale name
    assert all(reason.strip() for reason in retention.NOT_SCHEDULED.values())
    keys = [c.key for c in retention.SCHEDULE]
    assert len(keys) == len(set(keys))


def test_requests_go_to_the_contact_address_the_admin_set(
    client, privacy_page: PrivacyPolicyPage
) -> None:
    from wagtail.models import Site

    from cms_pages.models import SiteSettings

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.contact_email = "privacy@example.test"
    site_settings.save()

    html = client.get(privacy_page.url).content.decode()

    assert 'href="mailto:privacy@example.test"' in html
    site_settings.contact_email = ""
    site_settings.save()
    assert 'id="privacy-contact"' not in client.get(privacy_page.url).content.decode()


def test_editors_edit_the_privacy_page_in_wagtail(
    client, admin_login, privacy_page: PrivacyPolicyPage
) -> None:
    admin_login(client, UserFactory(is_staff=True, is_superuser=True))

    response = client.get(f"/cms/pages/{privacy_page.pk}/edit/")

    assert response.status_code == 200
    assert "What we keep" in response.content.decode()


def test_the_demo_seed_adopts_the_seeded_privacy_page_once() -> None:
    from cms_pages import demo as cms_demo
    from privacy import demo as privacy_demo

    cms_demo.seed(log=lambda line: None)
    privacy_demo.seed(log=lambda line: None)
    privacy_demo.seed(log=lambda line: None)  # a second seed changes nothing

    page = PrivacyPolicyPage.objects.get(slug="privacy")
    assert page.live
    assert "export" in str(page.body)  # the reworded rights paragraph
    assert "from your account settings" not in str(page.body)
    assert StandardPage.objects.filter(slug="privacy").count() == 1
