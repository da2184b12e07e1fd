"""The national dataset's planted faults are found by the statistics, and nothing else is:
one question per form functions differently for one ethnicity group (Mantel–Haenszel class C),
one assessor marks high and one low (assessor stringency), read back from the database."""

import json
from collections import defaultdict

import numpy as np
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import F

from assessment.models import (
    AssessmentCentre,
    Item,
    OutcomeRuleSet,
    TestAreaScore,
    TestForm,
    TestResponse,
    TestResult,
)
from assessment.psychometrics.agreement import (
    Stringency,
    assessor_stringency,
    co_marker_differences,
)
from assessment.psychometrics.dif import DifCategory, dif_all_items
from assessment.scoring import score_test, to_decimal
from assessment.selectors.psychometrics import double_marks, item_score_matrices
from naas.models import EthnicityGroup, Level, Phase, User
from naas.tests.factories import ensure_kss_frameworks
from reporting import national_data
from reporting.national_data import population
from reporting.national_data import psychometric_data as planted

from .factories import TODAY

pytestmark = pytest.mark.django_db

WORKERS = 4_000
"""With everyone put forward, about 140 Black practitioner candidates: enough for
Mantel–Haenszel (100 a group), as in the full national seed."""
DIF_ITEM = planted.DIF_ITEM_POSITION - 1


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    """One dense national seed for the whole module (it takes a while), removed afterwards
    with whatever the seed made besides the national rows."""
    with django_db_blocker.unblock():
        # A transactional test earlier on this worker may have flushed the frameworks the data
        # migration loads, and re-made content types under new ids.
        ContentType.objects.clear_cache()
        ensure_kss_frameworks()
        phases_before = set(Phase.objects.values_list("pk", flat=True))
        summary = national_data.seed(workers=WORKERS, today=TODAY, endorsed_share=1.0)
    yield summary
    with django_db_blocker.unblock():
        national_data.reset()
        OutcomeRuleSet.objects.filter(version=population.RULE_SET_VERSION).delete()
        AssessmentCentre.objects.filter(name=population.CENTRE_NAME).delete()
        Phase.objects.exclude(pk__in=phases_before).delete()


def _matrices():
    return {matrix.form_code: matrix for matrix in item_score_matrices()}


def _form_code(level) -> str:
    return planted.FORM_CODE.format(prefix=planted.LEVEL_PREFIX[level])


def test_every_sat_first_attempt_has_a_result_on_its_levels_form(national):
    assert national.test_results == TestResult.objects.count() > 2_000
    assert set(TestResult.objects.values_list("test_form__code", flat=True)) == {
        _form_code(level) for level in Level.values
    }
    assert not TestResult.objects.exclude(test_form__level=F("attempt__level")).exists()


def test_the_planted_item_is_class_c_for_the_focal_group_at_equal_ability(national):
    practitioner = _matrices()[_form_code(Level.PRACTITIONER)]
    groups = practitioner.groups.by_grouping["ethnicity_group"]
    results = dif_all_items(
        practitioner.full_marks(),
        groups,
        reference=EthnicityGroup.WHITE,
        focal=planted.DIF_FOCAL_GROUP,
    )
    assert results[DIF_ITEM].category == DifCategory.C
    assert results[DIF_ITEM].disadvantaged == "focal"
    assert [r.item for r in results if r.category == DifCategory.C] == [DIF_ITEM]


def test_no_item_is_class_c_for_any_other_group_or_form(national):
    for code, matrix in _matrices().items():
        groups = matrix.groups.by_grouping["ethnicity_group"]
        for focal in EthnicityGroup.values:
            if focal in (EthnicityGroup.WHITE, planted.DIF_FOCAL_GROUP):
                continue
            results = dif_all_items(
                matrix.full_marks(), groups, reference=EthnicityGroup.WHITE, focal=focal
            )
            assert not [r.item for r in results if r.category == DifCategory.C], (code, focal)


def test_stored_marks_follow_the_keys_and_the_scoring(national):
    results = list(TestResult.objects.select_related("test_form").order_by("pk")[:40])
    responses = defaultdict(dict)
    for result_id, item_id, chosen, marks in TestResponse.objects.filter(
        result__in=results
    ).values_list("result_id", "item_id", "chosen", "marks"):
        responses[result_id][item_id] = (chosen, marks)
    area_scores = defaultdict(dict)
    for row in TestAreaScore.objects.filter(result__in=results):
        area_scores[row.result_id][row.area_id] = (row.marks, row.max_marks, row.item_count)
    items = {
        form.pk: list(Item.objects.filter(test_forms=form))
        for form in TestForm.objects.filter(code__startswith=planted.ITEM_PREFIX)
    }
    for result in results:
        answers = {item_id: chosen for item_id, (chosen, _) in responses[result.pk].items()}
        scored = score_test(
            items=items[result.test_form_id],
            answers=answers,
            three_of_eight=result.test_form.three_of_eight_scoring,
        )
        assert {i: m for i, (_, m) in responses[result.pk].items()} == {
            i: to_decimal(m, 4) for i, m in scored.item_marks.items()
        }
        assert result.raw_score == to_decimal(scored.raw_score)
        assert result.max_score == scored.max_score == 30
        assert area_scores[result.pk] == {
            area_id: (to_decimal(total.marks), total.max_marks, total.item_count)
            for area_id, total in scored.areas.items()
        }


def test_test_scores_agree_with_the_outcomes(national):
    """Abler simulated candidates were given the better outcomes."""
    rows = TestResult.objects.filter(attempt__outcomes__isnull=False).values_list(
        "raw_score", "attempt__outcomes__result"
    )
    by_result = defaultdict(list)
    for raw_score, result in rows:
        by_result[result].append(float(raw_score))
    assert np.mean(by_result["met"]) > np.mean(by_result["not_met"]) + 3


def _per_attempt_differences(marks):
    """One difference per double-marked attempt and marker (the mean over areas and tasks),
    as `assessor_stringency` asks: rows of the same attempt are not independent."""
    attempts = np.unique(marks.attempt_ids)
    first_mark = [marks.first_mark[marks.attempt_ids == a].mean() for a in attempts]
    second_mark = [marks.second_mark[marks.attempt_ids == a].mean() for a in attempts]
    first = [marks.first_assessor[marks.attempt_ids == a][0] for a in attempts]
    second = [marks.second_assessor[marks.attempt_ids == a][0] for a in attempts]
    return co_marker_differences(first, first_mark, second, second_mark)


def test_stringency_flags_the_planted_lenient_and_harsh_assessors_and_nobody_else(national):
    marks = double_marks()
    results = assessor_stringency(*_per_attempt_differences(marks))
    flagged = {r.assessor: r.flag for r in results if r.flag}
    ids = dict(User.objects.values_list("email", "pk"))
    assert flagged == {
        ids[planted.LENIENT_ASSESSOR]: Stringency.LENIENT,
        ids[planted.HARSH_ASSESSOR]: Stringency.HARSH,
    }
    assert len(results) == planted.ASSESSOR_COUNT
    lenient = next(r for r in results if r.assessor == ids[planted.LENIENT_ASSESSOR])
    assert 0.35 < lenient.mean_difference < 0.8


def test_stringency_per_mark_flags_the_same_two(national):
    marks = double_marks()
    results = assessor_stringency(
        *co_marker_differences(
            marks.first_assessor, marks.first_mark, marks.second_assessor, marks.second_mark
        )
    )
    assert sorted(r.flag for r in results if r.flag) == [Stringency.HARSH, Stringency.LENIENT]


def test_a_share_of_attempts_is_second_marked_in_the_sample(national):
    marks = double_marks()
    second_marked = np.unique(marks.attempt_ids).size
    assert 0.2 < second_marked / national.test_results < 0.4


def test_the_report_command_finds_the_planted_item_on_national_data(national, capsys):
    call_command("psychometrics_report", "--json")
    report = json.loads(capsys.readouterr().out)
    practitioner = report["forms"][_form_code(Level.PRACTITIONER)]
    items = list(practitioner["items"].values())
    assert practitioner["n"] > 1_000
    assert practitioner["reliability"] is not None
    planted_delta = items[DIF_ITEM]["mh_delta"]["ethnicity_group"]
    # ETS class C needs |delta| of at least 1.5; the planted item is harder for the focal group.
    assert planted_delta <= -1.5
    others = [item["mh_delta"]["ethnicity_group"] for k, item in enumerate(items) if k != DIF_ITEM]
    assert all(abs(delta) < 1.5 for delta in others if delta is not None)
    assert report["agreement"]


def test_the_export_command_writes_the_national_data_for_another_package(national, tmp_path):
    call_command("psychometrics_export", "--out", str(tmp_path))
    responses = (tmp_path / "item_responses.csv").read_text(encoding="utf-8-sig").splitlines()
    marks = (tmp_path / "double_marks.csv").read_text(encoding="utf-8-sig").splitlines()
    groups = (tmp_path / "groups.csv").read_text(encoding="utf-8-sig").splitlines()
    assert responses[0] == "candidate,test_form,item,score"
    assert marks[0] == "attempt,area,task,first_mark,second_mark"
    assert groups[0] == "candidate,ethnicity_group,age_band,sex,disability"
    assert len(responses) - 1 == TestResponse.objects.count()
    assert len(groups) - 1 == TestResult.objects.count()
    assert len(marks) > 1


def test_reset_removes_the_results_marks_item_bank_and_seeded_staff(national):
    national_data.reset()
    assert not TestResult.objects.exists()
    assert not Item.objects.filter(code__startswith=planted.ITEM_PREFIX).exists()
    assert not User.objects.filter(email__in=planted.staff_emails()).exists()
    assert not double_marks().attempt_ids.size


def test_seed_national_refuses_an_endorsed_share_outside_0_to_1():
    with pytest.raises(CommandError, match="--endorsed-share must be from 0 to 1"):
        call_command("seed_national", "--workers", "10", "--endorsed-share", "1.5")
