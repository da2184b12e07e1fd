from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import services
from assessment.models import (
    AttemptState,
    ItemFormat,
    MultiSelectScoring,
    TestAreaScore,
    TestResponse,
    TestResult,
)
from assessment.results_csv import ResultsFileError, read_results_csv
from naas.models import AuditEvent, Level
from naas.tests.factories import SocialWorkerFactory

from .factories import (
    SittingFactory,
    answer_rows,
    book,
    endorsed,
    make_test_form,
    results_csv,
    set_sitting_date,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(admin_user):
    """A sitting that has just taken place, two candidates booked, and a practitioner form."""
    sitting = SittingFactory()
    first = book(endorsed(), sitting)
    second = book(endorsed(), sitting)
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    set_sitting_date(sitting, 0)
    return sitting, first, second, form


def run_import(sitting, raw: bytes, actor):
    return services.test_results_import(
        sitting=sitting, records=read_results_csv(raw), actor=actor, file_name="results.csv"
    )


def snapshot():
    return (
        TestResult.objects.count(),
        TestResponse.objects.count(),
        TestAreaScore.objects.count(),
        AuditEvent.objects.count(),
        sorted(AuditEvent.objects.values_list("action", flat=True)),
    )


def item_of(form, item_format):
    return next(link.item for link in form.form_items.all() if link.item.format == item_format)


def test_a_valid_file_is_scored_per_area_and_stored(day, admin_user):
    sitting, first, second, form = day
    three = item_of(form, ItemFormat.THREE_OF_EIGHT)
    one = item_of(form, ItemFormat.ONE_OF_FOUR)
    partial = three.correct_options[:2]  # two of the three correct options
    rows = answer_rows(first, form) + answer_rows(
        second, form, override={three.code: partial, one.code: ""}
    )
    # when the administrator imports the platform's file
    outcome = run_import(sitting, results_csv(rows), admin_user)
    # then both candidates are recorded and, having results, are marked as having sat
    assert outcome.is_valid and outcome.recorded == 2 and outcome.marked_sat == 2
    first.refresh_from_db()
    assert first.state == AttemptState.SAT
    # the first candidate scores 30/30; the second loses the blank and the partial "3 of 8"
    assert first.test_result.raw_score == 30 and first.test_result.max_score == 30
    result = second.test_result
    assert result.raw_score == 28
    assert result.responses.get(item=three).chosen == partial
    assert result.responses.get(item=three).marks == 0
    # per-area scores cover every area of the level and add up to the total
    scores = {s.area_id: s for s in result.area_scores.all()}
    assert set(scores) == {a.pk for a in first.framework.areas.all()}
    assert sum(s.marks for s in scores.values()) == 28
    assert scores[three.area_id].percent < 100
    assert sum(s.item_count for s in scores.values()) == 30
    # audited: the import, each result, each move to "sat"
    actions = AuditEvent.objects.values_list("action", flat=True)
    assert list(actions).count("attempt.test_results_recorded") == 2
    assert list(actions).count("attempt.sat") == 2
    assert list(actions).count("results_import.completed") == 1


def test_the_partial_rule_is_set_per_form(admin_user):
    sitting = SittingFactory()
    attempt = book(endorsed(), sitting)
    form = make_test_form(Level.PRACTITIONER, actor=admin_user, scoring=MultiSelectScoring.PARTIAL)
    set_sitting_date(sitting, -1)
    three = item_of(form, ItemFormat.THREE_OF_EIGHT)
    rows = answer_rows(attempt, form, override={three.code: three.correct_options[:2]})
    assert run_import(sitting, results_csv(rows), admin_user).recorded == 1
    attempt.refresh_from_db()
    assert attempt.test_result.raw_score == Decimal("29.67")
    assert attempt.test_result.responses.get(item=three).marks == Decimal("0.6667")


def test_importing_the_same_file_again_changes_nothing(day, admin_user):
    sitting, first, second, form = day
    raw = results_csv(answer_rows(first, form) + answer_rows(second, form, correct=False))
    run_import(sitting, raw, admin_user)
    before = snapshot()
    # when the identical file is uploaded again
    again = run_import(sitting, raw, admin_user)
    # then it is accepted, nothing is recorded and nothing at all changes
    assert again.is_valid and again.recorded == 0 and again.unchanged == 2
    assert snapshot() == before
    # and rows in another order are the same file too
    shuffled = results_csv(list(reversed(answer_rows(second, form, correct=False))))
    assert run_import(sitting, shuffled, admin_user).unchanged == 1
    assert snapshot() == before


def test_a_file_adding_new_candidates_keeps_the_earlier_ones(day, admin_user):
    sitting, first, second, form = day
    run_import(sitting, results_csv(answer_rows(first, form)), admin_user)
    both = results_csv(answer_rows(first, form) + answer_rows(second, form))
    outcome = run_import(sitting, both, admin_user)
    assert (outcome.recorded, outcome.unchanged) == (1, 1)
    assert TestResult.objects.count() == 2


def test_different_results_for_an_imported_candidate_are_refused(day, admin_user):
    sitting, first, _, form = day
    run_import(sitting, results_csv(answer_rows(first, form)), admin_user)
    before = snapshot()
    outcome = run_import(sitting, results_csv(answer_rows(first, form, correct=False)), admin_user)
    assert outcome.errors == [
        (
            2,
            f"{first.worker.registration_number}'s test results were already imported and differ from this file",
        )
    ]
    assert snapshot() == before


def bad_file_errors(day, admin_user, mutate) -> list[tuple[int, str]]:
    """Import a file made of two good candidates, changed by `mutate(rows)`; check that it is
    refused as a whole and nothing is saved, and return the errors."""
    sitting, first, second, form = day
    rows = answer_rows(first, form) + answer_rows(second, form)
    rows = mutate(rows)
    before = snapshot()
    outcome = run_import(sitting, results_csv(rows), admin_user)
    assert not outcome.is_valid
    assert outcome.recorded == 0
    assert snapshot() == before
    first.refresh_from_db()
    assert first.state == AttemptState.BOOKED  # not even the good candidate is touched
    return outcome.errors


def replace_row(index, **changes):
    fields = ("number", "form", "item", "options")

    def mutate(rows):
        row = dict(zip(fields, rows[index], strict=True))
        row.update(changes)
        rows[index] = tuple(row[f] for f in fields)
        return rows

    return mutate


def test_unknown_registration_number(day, admin_user):
    errors = bad_file_errors(day, admin_user, replace_row(4, number="SW999999"))
    assert (6, "SW999999 is not a registration number the service knows") in errors


def test_malformed_registration_number(day, admin_user):
    errors = bad_file_errors(day, admin_user, replace_row(0, number="12345"))
    assert errors[0][0] == 2 and "like SW123" in errors[0][1]


def test_worker_not_booked_on_this_sitting(day, admin_user):
    elsewhere = SocialWorkerFactory()
    errors = bad_file_errors(day, admin_user, replace_row(1, number=elsewhere.registration_number))
    assert (3, f"{elsewhere.registration_number} was not booked on this sitting") in errors


def test_worker_booked_on_another_sitting_is_not_on_this_one(day, admin_user):
    other = book(endorsed(), SittingFactory())
    errors = bad_file_errors(
        day, admin_user, replace_row(1, number=other.worker.registration_number)
    )
    assert (3, f"{other.worker.registration_number} was not booked on this sitting") in errors


def test_unknown_item(day, admin_user):
    errors = bad_file_errors(day, admin_user, replace_row(2, item="NO-SUCH-ITEM"))
    assert (4, "there is no item NO-SUCH-ITEM") in errors


def test_item_not_on_that_form(day, admin_user):
    _sitting, _, _, form = day
    other_form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    stranger = other_form.form_items.first().item
    errors = bad_file_errors(day, admin_user, replace_row(3, item=stranger.code))
    assert (5, f"item {stranger.code} is not on test form {form.code}") in errors


def test_unknown_test_form_and_form_of_another_level(day, admin_user):
    leader_form = make_test_form(Level.LEADER, actor=admin_user)

    def mutate(rows):
        rows[0] = (rows[0][0], "NOPE", rows[0][2], rows[0][3])
        rows[31] = (rows[31][0], leader_form.code, rows[31][2], rows[31][3])
        return rows

    errors = dict(bad_file_errors(day, admin_user, mutate))
    assert "there is no test form NOPE" in errors[2]
    assert f"test form {leader_form.code} is for the practice leader level but " in errors[33]


def test_duplicate_rows(day, admin_user):
    def mutate(rows):
        return [*rows, rows[5]]

    errors = bad_file_errors(day, admin_user, mutate)
    number = day[1].worker.registration_number
    assert len(errors) == 1 and errors[-1][0] == 62
    assert errors[-1][1].startswith(f"duplicate of line 7 ({number}, item ")


@pytest.mark.parametrize("options", ["Z", "B;X", "9", "A;A"])
def test_options_outside_a_to_h(day, admin_user, options):
    errors = bad_file_errors(day, admin_user, replace_row(0, options=options))
    assert errors[0][0] == 2
    assert "options must be letters A to H" in errors[0][1] or "more than once" in errors[0][1]


def test_options_beyond_the_items_format(day, admin_user):
    _sitting, _first, _, form = day
    index, one = next(
        (i, link.item)
        for i, link in enumerate(form.form_items.order_by("position"))
        if link.item.format == ItemFormat.ONE_OF_FOUR
    )
    errors = bad_file_errors(day, admin_user, replace_row(index, options="G"))
    assert (index + 2, f"item {one.code} has options A to D only") in errors


@pytest.mark.parametrize("state", ["cancelled", "no_show"])
def test_a_cancelled_or_absent_candidate_has_no_results(day, admin_user, state):
    sitting, first, _, _ = day
    if state == "cancelled":
        services.attempt_cancel(attempt=first, actor=admin_user)
        expected = "booking on this sitting was cancelled"
    else:
        services.attempt_record_attendance(attempt=first, attended=False, actor=admin_user)
        expected = "was recorded as not attending this sitting"

    sitting, first, second, form = day
    rows = answer_rows(first, form) + answer_rows(second, form)
    before = snapshot()
    outcome = run_import(sitting, results_csv(rows), admin_user)
    assert len(outcome.errors) == 30  # every row of that candidate is listed
    assert all(expected in message for _, message in outcome.errors)
    assert snapshot() == before


def test_a_candidate_missing_answers(day, admin_user):
    def mutate(rows):
        return rows[:29] + rows[30:]

    errors = bad_file_errors(day, admin_user, mutate)
    assert len(errors) == 1
    assert "has answers for 29 of the 30 items" in errors[0][1]


def test_every_bad_row_is_listed_at_once(day, admin_user):
    def mutate(rows):
        rows = replace_row(0, number="SW999999")(rows)
        rows = replace_row(10, options="Q")(rows)
        rows = replace_row(40, item="NOPE")(rows)
        return rows

    errors = bad_file_errors(day, admin_user, mutate)
    assert [line for line, _ in errors] == [2, 12, 42]


def test_results_wait_for_the_day_of_the_sitting(admin_user):
    sitting = SittingFactory()
    attempt = book(endorsed(), sitting)
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    outcome = run_import(sitting, results_csv(answer_rows(attempt, form)), admin_user)
    assert outcome.errors == [
        (0, "Results can be imported only on or after the day of the sitting")
    ]


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"registration_number,item\nSW1,Q1\n", "missing the columns test_form, options_chosen"),
        (b"registration_number,test_form,item,options_chosen\n", "has no rows"),
        (b"\xff\xfe\x00bad", "must be a CSV"),
    ],
)
def test_unreadable_files_are_refused_whole(raw, message):
    with pytest.raises(ResultsFileError, match=message):
        read_results_csv(raw)


def test_query_count_does_not_grow_with_the_number_of_candidates(admin_user):
    """The import issues the same number of queries for 3 candidates as for 12 (after a first
    import of one, which fills the process's caches, such as content types for audit events)."""
    counts = []
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    for size in (1, 3, 12):
        sitting = SittingFactory(capacity=20)
        attempts = [book(endorsed(), sitting) for _ in range(size)]
        set_sitting_date(sitting, 0)
        records = read_results_csv(
            results_csv([row for a in attempts for row in answer_rows(a, form)])
        )
        with CaptureQueriesContext(connection) as queries:
            outcome = services.test_results_import(
                sitting=sitting, records=records, actor=admin_user
            )
        assert outcome.recorded == size
        counts.append(len(queries))
    counts = counts[1:]
    if connection.vendor == "postgresql":
        assert counts[0] == counts[1], counts
    else:  # SQLite splits bulk inserts into batches of 999 parameters
        assert counts[1] - counts[0] <= 3, counts
