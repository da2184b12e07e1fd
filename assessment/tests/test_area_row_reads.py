"""The area rows of an outcome or a marking are read with their area only, sorted by area
number: the models' own orderings begin with the parent, which would join the outcomes and
attempts tables just to sort rows that share one parent (a worker's results pages are the
busiest pages on results day)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import selectors
from assessment.models import AreaOutcome
from feedback import selectors as feedback_selectors

from .factories import published_outcome

pytestmark = pytest.mark.django_db

AREA_OUTCOMES = f'FROM "{AreaOutcome._meta.db_table}"'


def _area_outcome_reads(read) -> tuple[list, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        result = read()
    return result, [q["sql"] for q in queries.captured_queries if AREA_OUTCOMES in q["sql"]]


def _joins_only_the_areas(sql: str) -> bool:
    return '"assessment_attempt"' not in sql and '"assessment_outcome"' not in sql.replace(
        '"assessment_areaoutcome"', ""
    ).replace(AREA_OUTCOMES, "")


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda o: selectors.outcome_detail(o.pk).area_outcomes.all(), id="detail"),
        pytest.param(
            lambda o: selectors.worker_outcomes(o.attempt.worker)[0].outcome.area_outcomes.all(),
            id="worker_outcomes",
        ),
        pytest.param(lambda o: feedback_selectors.area_rows(o), id="results_page"),
    ],
)
def test_area_rows_are_in_area_order_without_joining_their_parents(read):
    outcome = published_outcome()
    rows, sqls = _area_outcome_reads(lambda: list(read(outcome)))
    assert sqls and all(_joins_only_the_areas(sql) for sql in sqls), sqls
    numbers = [row.area.number for row in rows]
    assert numbers == sorted(numbers) and len(numbers) > 1
    expected = dict(outcome.area_outcomes.values_list("area__number", "result"))
    assert {row.area.number: row.result for row in rows} == expected
