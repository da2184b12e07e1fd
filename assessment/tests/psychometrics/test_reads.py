"""The reads behind the technical report: score matrices, double marks, outcomes and groups,
built through the real booking, results-import, marking and publishing services."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from assessment import selectors, services
from assessment.models import Attempt, ItemFormat, MarkerRole
from assessment.results_csv import read_results_csv
from assessment.selectors import psychometrics as reads
from naas.models import EthnicityGroup, Level, Sex
from naas.tests.factories import SocialWorkerFactory

from ..factories import (
    SittingFactory,
    allocate,
    answer_rows,
    book,
    endorsed,
    first_mark,
    make_test_form,
    mark_entries,
    published_attempt,
    results_csv,
    sat_attempt,
    set_sitting_date,
)

pytestmark = pytest.mark.django_db


def sit_form(form, workers, *, admin, days_ago=0, wrong=()):
    """Book `workers` on one sitting, hold it `days_ago` days ago and import their answers:
    worker i answers wrongly ("A" for 1 of 4; "ACF", one of three right, for 3 of 8) the questions in wrong[i]."""
    sitting = SittingFactory(capacity=max(10, len(workers)))
    attempts = [book(endorsed(worker), sitting) for worker in workers]
    set_sitting_date(sitting, -days_ago)
    rows = []
    for i, attempt in enumerate(attempts):
        override = {}
        for position in wrong[i] if i < len(wrong) else ():
            item = form.form_items.get(position=position).item
            override[item.code] = "A" if item.format == ItemFormat.ONE_OF_FOUR else "A;C;F"
        rows += answer_rows(attempt, form, override=override)
    outcome = services.test_results_import(
        sitting=sitting, records=read_results_csv(results_csv(rows)), actor=admin
    )
    assert outcome.is_valid, outcome.errors
    return sitting, attempts


def workers(count, **fields):
    return [SocialWorkerFactory(**fields) for _ in range(count)]


@pytest.fixture
def form(admin_user):
    return make_test_form(Level.PRACTITIONER, actor=admin_user, scoring="partial")


# --- Score matrix ------------------------------------------------------------------------


def test_the_matrix_holds_each_candidates_stored_marks_in_the_forms_order(form, admin_user):
    # given: the second candidate gets question 1 wrong and a 3-of-8 question partly right
    three_of_eight = form.form_items.filter(item__format=ItemFormat.THREE_OF_EIGHT).first()
    sit_form(form, workers(2), admin=admin_user, wrong=[(), (1, three_of_eight.position)])
    # when
    matrix = selectors.item_score_matrix(test_form=form)
    # then
    links = list(form.form_items.order_by("position").select_related("item"))
    assert matrix.item_codes == tuple(link.item.code for link in links)
    assert matrix.scores.shape == (2, 30)
    assert matrix.scores[0].tolist() == [1.0] * 30
    column = links.index(three_of_eight)
    assert matrix.scores[1, 0] == 0.0
    assert matrix.scores[1, column] == pytest.approx(1 / 3, abs=1e-4)  # F of BDF
    assert matrix.max_scores.tolist() == [1.0] * 30
    assert matrix.chosen[0][1] == "A"


def test_selections_and_keys_describe_the_options_chosen(form, admin_user):
    sit_form(form, workers(2), admin=admin_user, wrong=[(), (1,)])
    matrix = selectors.item_score_matrix(test_form=form)
    selections, keys = matrix.selections(), matrix.keys()
    first = matrix.items[0]
    assert keys[0] == frozenset({"ABCDEFGH".index(c) for c in first.correct_options})
    assert selections[0].shape == (2, first.option_count)
    assert selections[0][1].tolist() == [1.0] + [0.0] * (first.option_count - 1)
    assert selections[0].sum(axis=1).tolist() == [len(first.correct_options), 1]


def test_full_marks_dichotomises_partial_credit(form, admin_user):
    three_of_eight = form.form_items.filter(item__format=ItemFormat.THREE_OF_EIGHT).first()
    sit_form(form, workers(2), admin=admin_user, wrong=[(), (three_of_eight.position,)])
    matrix = selectors.item_score_matrix(test_form=form)
    column = matrix.item_codes.index(three_of_eight.item.code)
    assert set(np.unique(matrix.full_marks())) <= {0.0, 1.0}
    assert matrix.full_marks()[:, column].tolist() == [1.0, 0.0]


def test_the_window_keeps_only_sittings_between_its_dates(form, admin_user, frozen_today):
    sit_form(form, workers(2), admin=admin_user, days_ago=40)
    sit_form(form, workers(3), admin=admin_user, days_ago=5)
    recent = selectors.item_score_matrix(
        test_form=form, window_start=frozen_today - timedelta(days=10)
    )
    older = selectors.item_score_matrix(
        test_form=form, window_end=frozen_today - timedelta(days=10)
    )
    everyone = selectors.item_score_matrix(test_form=form)
    assert (recent.n_candidates, older.n_candidates, everyone.n_candidates) == (3, 2, 5)


def test_every_form_with_questions_gets_a_matrix_and_forms_without_do_not(form, admin_user):
    other = make_test_form(Level.PRACTITIONER, actor=admin_user)
    sit_form(form, workers(2), admin=admin_user)
    sit_form(other, workers(3), admin=admin_user)
    sat_attempt(admin=admin_user)  # a result on a form without questions
    matrices = selectors.item_score_matrices()
    assert sorted((m.form_code, m.n_candidates) for m in matrices) == sorted(
        [(form.code, 2), (other.code, 3)]
    )


def test_groups_follow_the_rows_and_blank_is_not_known(form, admin_user):
    people = [
        SocialWorkerFactory(ethnicity_group=EthnicityGroup.ASIAN, sex=Sex.FEMALE),
        SocialWorkerFactory(ethnicity_group="", sex=Sex.MALE),
    ]
    sit_form(form, people, admin=admin_user)
    matrix = selectors.item_score_matrix(test_form=form)
    by_candidate = dict(
        zip(matrix.candidates, matrix.groups.by_grouping["ethnicity_group"], strict=True)
    )
    assert by_candidate == {
        reads.pseudonym(people[0].pk): "asian",
        reads.pseudonym(people[1].pk): reads.NOT_KNOWN,
    }
    assert set(matrix.groups.by_grouping) == set(reads.GROUPINGS)


def test_the_matrix_read_takes_the_same_queries_at_any_size(
    form, admin_user, django_assert_max_num_queries
):
    sit_form(form, workers(2), admin=admin_user)
    with django_assert_max_num_queries(4) as small:
        selectors.item_score_matrices()
    sit_form(form, workers(6), admin=admin_user, wrong=[(1,), (2,)])
    sit_form(make_test_form(actor=admin_user), workers(3), admin=admin_user)
    with django_assert_max_num_queries(4) as large:
        selectors.item_score_matrices()
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Pseudonyms --------------------------------------------------------------------------


def test_pseudonyms_are_stable_short_and_reveal_nothing(settings):
    worker = SocialWorkerFactory()
    first = reads.pseudonym(worker.pk)
    assert first == reads.pseudonym(worker.pk)
    assert len(first) == 12 and int(first, 16) >= 0
    assert first != str(worker.pk)
    assert worker.registration_number.lower() not in first
    assert reads.pseudonym(worker.pk, kind="attempt") != first


def test_the_pseudonym_key_comes_from_settings(settings):
    settings.NAAS_PSEUDONYM_KEY = "one key"
    with_one = reads.pseudonym(7)
    settings.NAAS_PSEUDONYM_KEY = "another key"
    assert reads.pseudonym(7) != with_one
    settings.NAAS_PSEUDONYM_KEY = ""
    assert reads.pseudonym_key() != settings.SECRET_KEY.encode()


# --- Double marks ------------------------------------------------------------------------


def double_marked(
    *,
    admin,
    first=(3, 3, 3, 3),
    second=(3, 2, 3, 4),
    per_area_second=None,
    first_assessor=None,
    second_assessor=None,
):
    attempt = sat_attempt(admin=admin)
    first_allocation = first_mark(attempt, admin=admin, marks=first, assessor=first_assessor)
    second_allocation = allocate(
        Attempt.objects.get(pk=attempt.pk),
        MarkerRole.SECOND,
        admin=admin,
        assessor=second_assessor,
    )
    services.marks_submit(
        allocation=second_allocation,
        marks=mark_entries(attempt, second, per_area_second),
        actor=second_allocation.assessor,
    )
    return Attempt.objects.get(pk=attempt.pk), first_allocation, second_allocation


@pytest.fixture
def sample_everyone(settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100


def test_double_marks_pair_each_area_and_task(admin_user, sample_everyone):
    attempt, first, second = double_marked(admin=admin_user, per_area_second={2: (4, 4, 4, 4)})
    marks = selectors.double_marks()
    areas = attempt.areas.count()
    assert len(marks) == areas * 4
    area_two = marks.for_area(2)
    assert marks.first_mark[area_two].tolist() == [3, 3, 3, 3]
    assert marks.second_mark[area_two].tolist() == [4, 4, 4, 4]
    assert marks.tasks[area_two].tolist() == list(reads.TASKS)
    assert set(marks.first_assessor) == {first.assessor_id}
    assert set(marks.second_assessor) == {second.assessor_id}
    assert marks.assessor_names[first.assessor_id] == first.assessor.full_name
    assert set(marks.attempts) == {reads.pseudonym(attempt.pk, kind="attempt")}


def test_the_final_marks_are_those_final_marks_names(admin_user, sample_everyone):
    attempt, _, _ = double_marked(admin=admin_user)
    marks = selectors.double_marks()
    expected = selectors.final_marks(attempt)
    for row in range(len(marks)):
        area_mark = expected[marks.area_ids[row]]
        assert marks.final_mark[row] == getattr(area_mark, marks.tasks[row])


def test_an_attempt_marked_once_is_not_in_the_double_marks(admin_user, sample_everyone):
    attempt = sat_attempt(admin=admin_user)
    first_mark(attempt, admin=admin_user)
    assert len(selectors.double_marks()) == 0


def test_double_marks_keep_to_the_window(admin_user, sample_everyone, frozen_today):
    double_marked(admin=admin_user)
    assert len(selectors.double_marks(window_end=frozen_today - timedelta(days=1))) == 0
    assert len(selectors.double_marks(window_start=frozen_today)) > 0


def test_the_double_marks_read_takes_the_same_queries_at_any_size(
    admin_user, sample_everyone, django_assert_max_num_queries
):
    double_marked(admin=admin_user)
    with django_assert_max_num_queries(2) as small:
        selectors.double_marks()
    for _ in range(3):
        double_marked(admin=admin_user, second=(4, 4, 2, 2))
    with django_assert_max_num_queries(2) as large:
        assert len(selectors.double_marks()) > 0
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Outcomes and groups -----------------------------------------------------------------


@pytest.fixture
def sample_no_one(settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0


def test_published_outcomes_carry_the_result_and_groups(admin_user, sample_no_one):
    worker = SocialWorkerFactory(sex=Sex.FEMALE)
    _, outcome = published_attempt(worker, admin=admin_user)
    sat_attempt(admin=admin_user)  # not published: left out
    found = selectors.published_outcomes()
    assert found.candidates == (reads.pseudonym(worker.pk),)
    assert found.results.tolist() == [outcome.result]
    assert found.met().tolist() == [1 if outcome.result == "met" else 0]
    assert found.groups.by_grouping["sex"].tolist() == ["female"]


def test_the_outcomes_read_takes_the_same_queries_at_any_size(
    admin_user, sample_no_one, django_assert_max_num_queries
):
    published_attempt(admin=admin_user)
    with django_assert_max_num_queries(1) as small:
        selectors.published_outcomes()
    for _ in range(3):
        published_attempt(admin=admin_user)
    with django_assert_max_num_queries(1) as large:
        assert len(selectors.published_outcomes().candidates) == 4
    assert len(small.captured_queries) == len(large.captured_queries)


def test_candidate_groups_list_each_worker_once(form, admin_user):
    people = workers(3, sex=Sex.MALE)
    sit_form(form, people, admin=admin_user)
    groups = selectors.candidate_groups(window_end=timezone.localdate())
    assert sorted(groups.candidates) == sorted(reads.pseudonym(p.pk) for p in people)
    assert groups.by_grouping["sex"].tolist() == ["male"] * 3
