"""The dashboard's precomputed figures: refreshed when an outcome is published, the same
number of queries whatever the data, suppression of small per-area rates, tidy CSVs."""

import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from naas.dates import govuk_time
from naas.models import Role
from naas.tests.factories import LocalAuthorityFactory, staff_user
from reporting import summaries
from reporting.dashboard_tables import TABLE_KEYS, areas_table
from reporting.models import FigureCount, FiguresRun
from reporting.selectors import Dashboard, Filters
from reporting.suppression import WITHHELD_TEXT

from .factories import MET, NOT_MET, TODAY, assessed, endorse, worker, world

pytestmark = pytest.mark.django_db

PAGES = [
    "dashboard",
    "dashboard_pipeline",
    "dashboard_outcomes",
    "dashboard_areas",
    "dashboard_local_authorities",
    "dashboard_equality",
    "dashboard_funding",
]


@pytest.fixture
def dfe_client(client):
    cache.clear()  # rendered bodies and the refresh debounce live in the local-memory cache
    client.force_login(staff_user(Role.DFE))
    return client


def outcomes_for(la, n: int, *, published_on: date) -> None:
    """n workers of `la`, each endorsed, assessed and given a published outcome (through the
    assessment services): met, or not met with areas 1-4 not met."""
    for index in range(n):
        assessed(
            endorse(worker(la), date(2026, 1, 5)),
            booked_on=date(2026, 1, 6),
            sat_on=date(2026, 2, 1),
            published_on=published_on,
            results={} if index % 2 else dict.fromkeys((1, 2, 3, 4), NOT_MET),
            overall=MET if index % 2 else NOT_MET,
        )


def first_attempts(run: FiguresRun) -> int:
    counts = FigureCount.objects.filter(run=run, measure=summaries.FIRST)
    return counts.aggregate(total=Sum("count"))["total"] or 0


def count_queries(client, url: str) -> int:
    cache.clear()  # measure the page as drawn, not its cached body
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name, args",
    [*((page, []) for page in PAGES), *(("dashboard_csv", [key]) for key in sorted(TABLE_KEYS))],
)
def test_each_page_and_csv_runs_the_same_queries_for_3_or_12_outcomes(dfe_client, url_name, args):
    # given 3 workers' published outcomes, and the figures counted
    la = LocalAuthorityFactory()
    outcomes_for(la, 3, published_on=date(2026, 2, 20))
    summaries.figures_refresh()
    url = reverse(f"reporting:{url_name}", args=args)
    dfe_client.get(url)  # warm up the session and the user's roles
    small = count_queries(dfe_client, url)
    # when there are 12
    outcomes_for(la, 9, published_on=date(2026, 2, 21))
    summaries.figures_refresh()  # as the on-commit task does after those changes
    # then the page or file costs the same
    assert count_queries(dfe_client, url) == small


def test_publishing_an_outcome_refreshes_the_figures_on_commit(
    dfe_client, django_capture_on_commit_callbacks
):
    # given 6 published first attempts in one LA, counted and shown
    la = LocalAuthorityFactory()
    outcomes_for(la, 6, published_on=date(2026, 2, 20))
    before = summaries.figures_refresh()
    assert first_attempts(before) == 6
    # when one more is published through the assessment services and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        outcomes_for(la, 1, published_on=TODAY)
    # then the figures were counted again after the commit, with the new outcome
    after = FiguresRun.objects.get()  # the older run is gone
    assert after.pk != before.pk
    assert first_attempts(after) == 7
    # and the page shows the new count and when it was counted
    html = dfe_client.get(
        f"{reverse('reporting:dashboard_outcomes')}?local_authority={la.pk}"
    ).content.decode()
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">7</td>' in html
    assert "Figures as at" in html
    assert govuk_time(after.computed_at) in html


def _board_with_areas(areas: list[dict]) -> Dashboard:
    zero = dict.fromkeys(("met", "partially_met", "not_met"), 0)
    return Dashboard(
        filters=Filters(),
        today=TODAY,
        funnel={},
        first=zero,
        retake=zero,
        by_month=[],
        areas=areas,
        las=[],
        phases=[],
    )


def _area(number: int, met: int, partially_met: int, not_met: int) -> dict:
    return {
        "level": "Practitioner",
        "number": number,
        "title": f"Area {number}",
        "met": met,
        "partially_met": partially_met,
        "not_met": not_met,
        "total": met + partially_met + not_met,
    }


def test_a_per_area_met_rate_from_fewer_than_5_people_is_suppressed():
    # given one area assessed for 4 people (3 met) and others for 10 or more
    table = areas_table(
        _board_with_areas([_area(1, 3, 0, 1), _area(2, 6, 2, 2), _area(3, 7, 3, 5)])
    )
    rates = [row[-1] for row in table.rows]
    # then the small area's rate is withheld on the page, in its chart and in the CSV
    assert str(rates[0]) == WITHHELD_TEXT
    assert rates[0].value == WITHHELD_TEXT
    assert table.chart[0]["text"] == WITHHELD_TEXT and table.chart[0]["width"] == 0
    assert "3" not in table.display_rows[0][2:]
    # and a rate from enough people is shown with its count and denominator
    assert str(rates[2]) == "47% (7 of 15)"


def test_the_csv_starts_with_the_bom_and_has_numeric_cells(dfe_client):
    # given enough outcomes for the counts to be shown
    world()
    outcomes_for(LocalAuthorityFactory(), 12, published_on=date(2026, 2, 20))
    summaries.figures_refresh()
    # when the pipeline is downloaded
    content = dfe_client.get(reverse("reporting:dashboard_csv", args=["pipeline"])).content
    # then it is UTF-8 with a byte-order mark
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header = rows[0]
    filters = ["Phase", "Local authority", "Region", "Level", "From", "To", "Figures as at"]
    assert header[:7] == filters
    staff_column = header.index("Social workers")
    share_column = header.index("Share of all social workers (%)")
    staff = next(row for row in rows[1:] if row[7] == "Social workers")
    # numbers as numbers: no thousands separators, no "%", no words
    assert int(staff[staff_column]) >= 12
    assert float(staff[share_column]) == 100.0
    assessed_row = next(row for row in rows[1:] if row[7] == "Assessed")
    assert int(assessed_row[staff_column]) >= 12
    assert 0 < float(assessed_row[share_column]) <= 100
