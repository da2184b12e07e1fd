"""POST /api/v1/sittings/<id>/results/: the test platform's rows go through the results
file's own import (the same checks, the same row errors, all or nothing), replays under the
same Idempotency-Key get the first answer, and the audit trail names the client."""

import pytest
from django.urls import reverse

from api.models import IdempotentRequest, Scope
from assessment.models import AttemptState, ResultsImport, TestResult
from assessment.results_csv import check_results, read_results_csv
from assessment.tests.factories import (
    SittingFactory,
    answer_rows,
    book,
    endorsed,
    make_test_form,
    results_csv,
    set_sitting_date,
)
from naas.models import AuditEvent, Level, Role
from naas.tests.factories import staff_user

from .conftest import http, make_client

pytestmark = pytest.mark.django_db

COLUMNS = ("registration_number", "test_form", "item", "options_chosen")


@pytest.fixture
def day(admin_user):
    """A sitting that took place today, two candidates booked, a practitioner form, and the
    test platform's client (acting as an assessment administrator)."""
    sitting = SittingFactory()
    first = book(endorsed(), sitting)
    second = book(endorsed(), sitting)
    form = make_test_form(Level.PRACTITIONER, actor=admin_user)
    set_sitting_date(sitting, 0)
    client, token = make_client([Scope.RESULTS_WRITE], acting_user=admin_user, name="Platform")
    return {
        "sitting": sitting,
        "first": first,
        "second": second,
        "form": form,
        "client": client,
        "http": http(token),
    }


def as_json(rows) -> dict:
    return {"rows": [dict(zip(COLUMNS, row, strict=True)) for row in rows]}


def push(day, rows, key="key-1", sitting=None):
    url = reverse("api:sitting_results", kwargs={"sitting_id": (sitting or day["sitting"]).pk})
    return day["http"].post(url, as_json(rows), format="json", HTTP_IDEMPOTENCY_KEY=key)


def saved() -> tuple:
    return (
        TestResult.objects.count(),
        ResultsImport.objects.count(),
        AuditEvent.objects.count(),
        IdempotentRequest.objects.count(),
    )


def test_pushed_results_are_scored_stored_and_audited_with_the_client(day, admin_user):
    rows = answer_rows(day["first"], day["form"]) + answer_rows(
        day["second"], day["form"], correct=False
    )
    # when the platform pushes both candidates' answers
    response = push(day, rows)
    # then both are recorded through the import and marked as having sat
    assert response.status_code == 200, response.json()
    body = response.json()
    results_import = ResultsImport.objects.get()
    assert body == {
        "sitting": day["sitting"].pk,
        "results_import": results_import.pk,
        "rows": len(rows),
        "recorded": 2,
        "unchanged": 0,
        "marked_sat": 2,
    }
    day["first"].refresh_from_db()
    assert day["first"].state == AttemptState.SAT
    assert day["first"].test_result.raw_score == 30
    assert day["second"].test_result.raw_score == 0
    # the import is the administrator's, and the API's own event names the client
    assert results_import.uploaded_by == admin_user
    assert results_import.file_name == "API: Platform"
    event = AuditEvent.objects.for_object(day["client"]).get(action="api_client.results_pushed")
    assert event.actor == admin_user
    assert event.detail == {
        "client": day["client"].pk,
        "sitting": day["sitting"].pk,
        "results_import": results_import.pk,
        "rows": len(rows),
    }
    assert AuditEvent.objects.filter(action="results_import.completed").count() == 1


def test_a_bad_row_saves_nothing_and_every_bad_row_is_named_as_the_file_would(day):
    good = answer_rows(day["first"], day["form"])
    bad = [
        *good[:-1],
        (good[-1][0], good[-1][1], "NO-SUCH-ITEM", "A"),
        ("SW999999", day["form"].code, good[0][2], "A"),
    ]
    before = saved()
    # when one row names a question not on the form and another someone not booked
    response = push(day, bad)
    # then nothing is saved
    assert response.status_code == 422
    assert saved() == before
    assert day["first"].__class__.objects.get(pk=day["first"].pk).state == AttemptState.BOOKED
    # and the errors are the results file's own, row for row (a file's row 1 is its header)
    file_errors = check_results(read_results_csv(results_csv(bad)), day["sitting"]).errors
    assert file_errors
    assert response.json()["errors"] == [
        {"code": "row_invalid", "row": line - 1, "message": message}
        for line, message in file_errors
    ]


def test_results_before_the_sitting_are_refused_as_a_whole(day):
    later = SittingFactory()
    response = push(day, answer_rows(day["first"], day["form"]), sitting=later)
    assert response.status_code == 422
    assert response.json() == {
        "errors": [
            {
                "code": "refused",
                "message": "Results can be imported only on or after the day of the sitting",
            }
        ]
    }


def test_a_replay_gets_the_first_answer_and_changes_nothing(day):
    rows = answer_rows(day["first"], day["form"])
    first = push(day, rows, key="replay-me")
    assert first.status_code == 200
    after_first = saved()
    # when the platform, not having heard the answer, sends the same request again
    again = push(day, rows, key="replay-me")
    # then it gets the same answer, marked as a replay, and nothing more is written
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert saved() == after_first


def test_a_key_reused_for_a_different_request_is_refused(day):
    assert push(day, answer_rows(day["first"], day["form"]), key="once").status_code == 200
    after = saved()
    response = push(day, answer_rows(day["second"], day["form"]), key="once")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert saved() == after
    # the same rows under a new key are a new request: the second candidate is recorded
    assert push(day, answer_rows(day["second"], day["form"]), key="twice").json()["recorded"] == 1


def test_a_refused_request_keeps_no_key_so_the_corrected_one_may_use_it(day):
    rows = answer_rows(day["first"], day["form"])
    assert push(day, [("SW999999", *rows[0][1:])], key="fix-me").status_code == 422
    assert IdempotentRequest.objects.count() == 0
    assert push(day, rows, key="fix-me").status_code == 200


def test_the_idempotency_key_is_required(day):
    url = reverse("api:sitting_results", kwargs={"sitting_id": day["sitting"].pk})
    rows = as_json(answer_rows(day["first"], day["form"]))
    response = day["http"].post(url, rows, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert TestResult.objects.count() == 0


def test_an_unknown_sitting_is_a_404(day):
    url = reverse("api:sitting_results", kwargs={"sitting_id": 999_999})
    response = day["http"].post(url, {"rows": []}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_a_client_acting_as_someone_who_may_not_import_is_refused(day):
    _, token = make_client([Scope.RESULTS_WRITE], acting_user=staff_user(Role.DFE))
    url = reverse("api:sitting_results", kwargs={"sitting_id": day["sitting"].pk})
    rows = as_json(answer_rows(day["first"], day["form"]))
    response = http(token).post(url, rows, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 403
    assert TestResult.objects.count() == 0
