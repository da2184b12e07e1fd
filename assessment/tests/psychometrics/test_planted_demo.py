"""The demo is too small for the planted faults of the national dataset (a handful of
candidates, a few double-marked attempts): the statistics must say "too few" on it rather than
flag anything. The planted DIF item and assessors are tested on the national seed
(reporting/tests/test_planted_psychometrics.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessment.psychometrics._common import Status
from assessment.psychometrics.agreement import assessor_stringency, co_marker_differences
from assessment.psychometrics.dif import MIN_GROUP_SIZE, dif_all_items
from assessment.selectors.psychometrics import double_marks, item_score_matrices
from naas.models import EthnicityGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=StringIO())


def test_the_demo_has_too_few_candidates_for_mantel_haenszel(seeded):
    matrices = item_score_matrices()
    assert matrices  # the demo's forms have results
    for matrix in matrices:
        assert matrix.n_candidates < MIN_GROUP_SIZE
        if matrix.n_candidates < 2:
            continue  # one candidate: no statistic at all (the pure functions refuse)
        results = dif_all_items(
            matrix.full_marks(),
            matrix.groups.by_grouping["ethnicity_group"],
            reference=EthnicityGroup.WHITE,
            focal=EthnicityGroup.BLACK,
        )
        assert {r.status for r in results} == {Status.TOO_FEW}


def test_no_demo_assessor_is_flagged_on_so_few_double_marks(seeded):
    marks = double_marks()
    results = assessor_stringency(
        *co_marker_differences(
            marks.first_assessor, marks.first_mark, marks.second_assessor, marks.second_mark
        )
    )
    assert not [r for r in results if r.flag]
