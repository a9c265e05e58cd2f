"""/dashboard/agency/analytics/: an agency's aggregate, the per-escort table,
the drill-down and the CSV; only its own escorts, constant queries."""

from __future__ import annotations

import csv
import io

import pytest

from accounts.models import Role
from directory.models import AgencyMembership
from tests.factories import UserFactory
from tests.factories.analytics import seed_days
from tests.factories.pages import make_profile

pytestmark = pytest.mark.django_db

URL = "/dashboard/agency/analytics/"
CSV = "/dashboard/agency/analytics/export.csv"


@pytest.fixture
def seeded(agency_world):  # noqa: ANN001, ANN201
    seed_days(agency_world["bella"], days=30, views=10, booking_requests=1)
    seed_days(agency_world["chloe"], days=30, views=20, bookings_confirmed=1)
    seed_days(agency_world["dora"], days=30, views=500)  # the other agency's
    return agency_world


def test_aggregate_and_per_escort_table(client, seeded):
    client.force_login(seeded["owner"])
    response = client.get(URL, {"days": 30})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="views">900<' in html  # 300 + 600, Dora's not
    assert f'data-profile="{seeded["bella"].pk}"' in html
    assert f'data-profile="{seeded["chloe"].pk}"' in html
    assert f'data-profile="{seeded["dora"].pk}"' not in html
    assert "Dora" not in html
    assert '<svg class="chart chart--line"' in html


def test_managers_see_it_too(client, seeded):
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(
        agency=seeded["agency"], user=manager, role="manager"
    )
    client.force_login(manager)
    assert client.get(URL).status_code == 200


def test_sort_by_a_whitelisted_column(client, seeded):
    client.force_login(seeded["owner"])
    html = client.get(URL, {"sort": "-views"}).content.decode()
    assert html.index("Chloé") < html.index("Bella")
    assert 'aria-sort="descending"' in html
    html = client.get(URL, {"sort": "name"}).content.decode()
    assert html.index(">Bella<") < html.index(">Chloé<")


@pytest.mark.parametrize("sort", ["password", "-owner__email", "views,name"])
def test_unknown_sort_is_400(client, seeded, sort):
    client.force_login(seeded["owner"])
    response = client.get(URL, {"sort": sort})
    assert response.status_code == 400
    assert "Sort by one of: name, views" in response.content.decode()
    assert client.get(CSV, {"sort": sort}).status_code == 400


def test_bad_period_is_400(client, seeded):
    client.force_login(seeded["owner"])
    response = client.get(URL, {"start": "2026-03-01", "end": "2026-02-01"})
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_drill_down_to_one_escort(client, seeded):
    client.force_login(seeded["owner"])
    response = client.get(f"{URL}{seeded['chloe'].pk}/", {"days": 30})
    assert response.status_code == 200
    assert 'data-figure="views">600<' in response.content.decode()


def test_another_agencys_escort_is_404(client, seeded):
    client.force_login(seeded["owner"])
    assert client.get(f"{URL}{seeded['dora'].pk}/").status_code == 404
    assert client.get(f"{URL}{2**40}/").status_code == 404
    # Nor through the provider dashboard's picker or the API.
    assert (
        client.get("/dashboard/analytics/", {"profile": seeded["dora"].pk}).status_code
        == 404
    )
    api = client.get("/api/v1/me/analytics", {"profile": seeded["dora"].pk})
    assert api.status_code == 404


def test_people_outside_an_agency_get_404(client, seeded):
    for user in (UserFactory(role=Role.CLIENT), seeded["bella"].owner):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.get(CSV).status_code == 404
        assert client.get(f"{URL}{seeded['bella'].pk}/").status_code == 404


def test_csv_of_the_table(client, seeded):
    seeded["bella"].title = "=HYPERLINK(evil)"
    seeded["bella"].save()
    client.force_login(seeded["owner"])
    response = client.get(CSV, {"days": 7, "sort": "-views"})
    assert response.status_code == 200
    assert "analytics-velvet-hours-" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["profile"], r["views"]) for r in rows] == [
        ("Chloé", "140"),
        ("'=HYPERLINK(evil)", "70"),  # defused for spreadsheets
    ]
    assert rows[1]["booking_requests"] == "7"


def test_agency_dashboard_links_here(client, seeded):
    client.force_login(seeded["owner"])
    assert f'href="{URL}"' in client.get("/dashboard/agency/").content.decode()


def test_constant_queries_with_more_escorts(
    client, seeded, city, django_assert_max_num_queries
):
    client.force_login(seeded["owner"])
    client.get(URL)  # warm the per-process caches

    def count(days: int) -> int:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(URL, {"days": days}).status_code == 200
        return len(captured.captured_queries)

    few = (count(7), count(90))
    for n in range(3):
        extra = make_profile(f"Extra {n}", city=city, agency=seeded["agency"])
        seed_days(extra, days=90, views=1)
    many = (count(7), count(90))
    assert few[0] == few[1] == many[0] == many[1]
