"""The report builder (/cms/analytics/reports/): the form and its messages, the
400s of the exports for the same bad input, CSV and XLSX contents, saved
reports (own only), and constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from analytics.models import SavedReport
from audit.models import AuditEntry
from tests.factories import UserFactory
from tests.factories.business_figures import active, booking, post, signup
from tests.mfa import login_with_mfa

pytestmark = pytest.mark.django_db

URL = "/cms/analytics/reports/"
CSV_URL = URL + "export.csv"
XLSX_URL = URL + "export.xlsx"
# Session, user, MFA check, permissions, messages, the "Site settings" menu
# item's site-permission check … plus the report itself, the saved reports (two)
# and, for an export, its audit entry: exactly the same for any number of rows.
QUERIES_PAGE = 15
QUERIES_EXPORT = 10


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def signed_in(client, analyst):  # noqa: ANN001, ANN201
    login_with_mfa(client, analyst)
    return client


def make_signups(count: int) -> None:
    for n in range(count):
        role = Role.ESCORT if n % 3 == 0 else Role.CLIENT
        signup(timezone.now() - dt.timedelta(days=n % 5), role=role)


def test_first_visit_shows_the_default_report(signed_in):
    make_signups(3)
    response = signed_in.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign-ups by day" in html
    assert 'data-chart="line"' in html
    assert "Download CSV" in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {
                "metric": "signups",
                "breakdown": "day",
                "days": "",
                "start": "2026-05-10",
                "end": "2026-05-01",
            },
            "end",
            "The end date is before the start date.",
        ),
        (
            {
                "metric": "signups",
                "breakdown": "day",
                "days": "",
                "start": "2023-01-01",
                "end": "2025-06-01",
            },
            "start",
            "A period can cover at most 731 days.",
        ),
        (
            {"metric": "pageviews", "breakdown": "day", "days": "30"},
            "metric",
            "Unknown metric “pageviews”. Choose one of: signups, active_users",
        ),
        (
            {"metric": "signups", "breakdown": "colour", "days": "30"},
            "breakdown",
            "Unknown breakdown “colour”. Choose one of: day, week, month, role, plan.",
        ),
        (
            {"metric": "revenue", "breakdown": "city", "days": "30"},
            "breakdown",
            "Revenue (net) cannot be broken down by city. Choose one of: day, week,",
        ),
        (
            {"metric": "signups", "breakdown": "day", "days": "", "start": "yesterday"},
            "start",
            "Start must be a date written as YYYY-MM-DD.",
        ),
        (
            {"metric": "signups", "breakdown": "day", "days": "12"},
            "days",
            "Choose a period of 7, 30, 90 or 365 days.",
        ),
    ],
)
def test_bad_input_is_named_in_the_form_and_answers_400_on_export(
    signed_in, query, field, message
):
    page = signed_in.get(URL, query)
    assert page.status_code == 400
    assert message in page.content.decode().replace("&ldquo;", "“").replace(
        "&rdquo;", "”"
    )
    assert "Download CSV" not in page.content.decode()
    export_query = {k: v for k, v in query.items() if v != ""}
    for url in (CSV_URL, XLSX_URL):
        response = signed_in.get(url, export_query)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid_report"
        assert message in error["fields"][field][0]


def test_days_and_dates_together_are_refused_on_export(signed_in):
    query = {
        "metric": "signups",
        "breakdown": "day",
        "days": "7",
        "start": "2026-01-01",
    }
    response = signed_in.get(CSV_URL, query)
    assert response.status_code == 400
    assert "either a number of days or dates" in response.json()["error"]["message"]


def test_csv_export_rows(signed_in):
    signup(timezone.now() - dt.timedelta(days=1), role=Role.ESCORT)
    signup(timezone.now() - dt.timedelta(days=1), role=Role.CLIENT)
    signup(timezone.now(), role=Role.CLIENT)
    response = signed_in.get(
        CSV_URL, {"metric": "signups", "breakdown": "role", "days": "7"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    start, end = days_ago(6).isoformat(), timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="signups-by-role-{start}-{end}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["bucket", "label", "value"],
        ["client", "Client", "2"],
        ["escort", "Escort", "1"],
    ]


def test_xlsx_export_cells(signed_in):
    user = UserFactory()
    active(user, days_ago(2).isoformat(), days_ago(1).isoformat())
    start, end = days_ago(2), days_ago(1)
    response = signed_in.get(
        XLSX_URL,
        {
            "metric": "active_users",
            "breakdown": "day",
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == ["bucket", "label", "value"]
    assert cells[1][0] == start.isoformat() and cells[1][2] == 1
    assert cells[2][0] == end.isoformat() and cells[2][2] == 1
    assert len(cells) == 3


@pytest.mark.parametrize("size", [2, 12])
def test_builder_and_exports_run_constant_queries(
    signed_in, analyst, django_assert_num_queries, size
):
    make_signups(size)
    SavedReport.objects.bulk_create(
        SavedReport(
            owner=analyst,
            name=f"Report {n}",
            metric="signups",
            breakdown="role",
            range_days=30,
        )
        for n in range(size)
    )
    query = {"metric": "signups", "breakdown": "role", "days": "30"}
    with django_assert_num_queries(QUERIES_PAGE):
        assert signed_in.get(URL, query).status_code == 200
    with django_assert_num_queries(QUERIES_EXPORT):
        assert signed_in.get(CSV_URL, query).status_code == 200
    with django_assert_num_queries(QUERIES_EXPORT):
        assert signed_in.get(XLSX_URL, query).status_code == 200


def test_save_open_and_delete_a_report(signed_in, analyst):
    response = signed_in.post(
        URL + "saved/",
        {
            "metric": "signups",
            "breakdown": "role",
            "days": "90",
            "name": "Quarterly sign-ups",
        },
    )
    saved = SavedReport.objects.get(owner=analyst)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}saved/{saved.pk}/"
    assert (saved.name, saved.metric, saved.breakdown, saved.range_days) == (
        "Quarterly sign-ups",
        "signups",
        "role",
        90,
    )
    assert saved.start_date is None
    page = signed_in.get(f"{URL}saved/{saved.pk}/")
    assert page.status_code == 200
    assert "Quarterly sign-ups" in page.content.decode()
    listing = signed_in.get(URL).content.decode()
    assert "Quarterly sign-ups" in listing
    assert signed_in.post(f"{URL}saved/{saved.pk}/delete/").status_code == 302
    assert not SavedReport.objects.filter(pk=saved.pk).exists()


def test_fixed_dates_are_saved_as_dates(signed_in, analyst):
    start, end = days_ago(10), days_ago(3)
    signed_in.post(
        URL + "saved/",
        {
            "metric": "bookings",
            "breakdown": "status",
            "days": "",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "name": "Fixed",
        },
    )
    saved = SavedReport.objects.get(owner=analyst)
    assert (saved.range_days, saved.start_date, saved.end_date) == (None, start, end)


def test_another_persons_saved_report_is_404(signed_in):
    other = UserFactory(role=Role.STAFF)
    theirs = SavedReport.objects.create(
        owner=other, name="Theirs", metric="signups", breakdown="day", range_days=7
    )
    assert signed_in.get(f"{URL}saved/{theirs.pk}/").status_code == 404
    assert signed_in.post(f"{URL}saved/{theirs.pk}/delete/").status_code == 404
    assert (
        signed_in.post(
            f"{URL}saved/{theirs.pk}/subscription/", {"frequency": "weekly"}
        ).status_code
        == 404
    )
    assert "Theirs" not in signed_in.get(URL).content.decode()
    assert SavedReport.objects.filter(pk=theirs.pk).exists()


def test_staff_without_the_permission_are_refused(client):
    editor = UserFactory(role=Role.STAFF)
    editor.groups.add(Group.objects.get(name="Editors"))
    login_with_mfa(client, editor)
    # Wagtail answers a PermissionDenied in its admin with a redirect to the
    # dashboard and a message, as for the search report.
    assert client.get(URL)["Location"] == "/cms/"
    query = {"metric": "signups", "breakdown": "day"}
    response = client.get(CSV_URL, query)
    assert (response.status_code, response["Location"]) == (302, "/cms/")
    assert "business-reports" not in client.get("/cms/").content.decode()


def test_an_export_is_audited(signed_in, analyst):
    query = {"metric": "signups", "breakdown": "role", "days": "7"}
    signed_in.get(XLSX_URL, query)
    entry = AuditEntry.objects.get(action="analytics.report_exported")
    assert entry.actor == analyst
    assert entry.target_type == "accounts.user"
    assert entry.data["metric"] == "signups"
    assert entry.data["format"] == "xlsx"
    # Refused input exports nothing and records nothing.
    signed_in.get(CSV_URL, {**query, "metric": "nope"})
    assert AuditEntry.objects.filter(action="analytics.report_exported").count() == 1


def test_a_label_is_never_a_spreadsheet_formula(signed_in, profiles):
    city = profiles[0].home_city
    city.title = "=HYPERLINK(1)"
    city.save_revision().publish()
    booking(profiles[0], timezone.now(), status="completed")
    response = signed_in.get(
        CSV_URL, {"metric": "bookings", "breakdown": "city", "days": "7"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["'=HYPERLINK(1)", "'=HYPERLINK(1)", "1"]


def test_money_exports_keep_minor_units_and_give_amounts(signed_in):
    post(2990, currency="EUR", cause="x1")
    post(500, currency="EUR", cause="x2", refund=True)
    query = {"metric": "revenue", "breakdown": "month", "days": "7"}
    rows = list(csv.reader(io.StringIO(signed_in.get(CSV_URL, query).content.decode())))
    month = timezone.localdate().strftime("%Y-%m")
    assert rows[0] == ["bucket", "label", "currency", "amount_minor", "amount"]
    assert [month, "EUR", "2490", "24.90"] == [rows[-1][0], *rows[-1][2:]]
    sheet = load_workbook(io.BytesIO(signed_in.get(XLSX_URL, query).content)).active
    last = [cell.value for cell in list(sheet.iter_rows())[-1]]
    assert (last[0], last[2], last[3], last[4]) == (month, "EUR", 2490, 24.9)
    page = signed_in.get(URL, query).content.decode()
    assert "24.90 EUR" in page


def test_a_saved_report_of_a_dropped_metric_says_so(signed_in, analyst):
    saved = SavedReport.objects.create(
        owner=analyst, name="Old", metric="pageviews", breakdown="day", range_days=7
    )
    response = signed_in.get(f"{URL}saved/{saved.pk}/", follow=True)
    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()
