"""The state machine of background documents (naas.models.GeneratedDocument): every state
against every transition, each applied through naas.transitions, and the document services
that make those moves. LA reports are the documents here."""

from datetime import timedelta
from itertools import product

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from naas.audit import NaasAction
from naas.models import AuditEvent, DocumentState, Role
from naas.services import document_mark_failed, document_retry
from naas.tests.factories import LocalAuthorityFactory, staff_user
from naas.transitions import TransitionRefused, transition_apply
from reporting import services as reporting_services
from reporting.models import LAReport

pytestmark = pytest.mark.django_db

# transition -> {state it may start from: state it ends in}; every other pair is refused.
MOVES = {
    "start": {
        DocumentState.PENDING: DocumentState.RUNNING,
        DocumentState.RUNNING: DocumentState.RUNNING,
        DocumentState.FAILED: DocumentState.RUNNING,
    },
    "finish": {
        DocumentState.PENDING: DocumentState.READY,
        DocumentState.RUNNING: DocumentState.READY,
        DocumentState.FAILED: DocumentState.READY,
    },
    "fail": {
        DocumentState.PENDING: DocumentState.FAILED,
        DocumentState.RUNNING: DocumentState.FAILED,
    },
    # Unfinished documents may be retried too, but only once stale (see the test below).
    "retry": {DocumentState.FAILED: DocumentState.PENDING},
}
ACTIONS = {
    "start": NaasAction.DOCUMENT_STARTED,
    "finish": NaasAction.DOCUMENT_READY,
    "fail": NaasAction.DOCUMENT_FAILED,
    "retry": NaasAction.DOCUMENT_RETRIED,
}


def requested_report() -> LAReport:
    """A report asked for through the real service (its build task is not run here)."""
    la = LocalAuthorityFactory()
    today = timezone.localdate()
    report, _ = reporting_services.la_report_request(
        local_authority=la,
        period_start=today.replace(day=1),
        period_end=today,
        actor=staff_user(Role.LA_LEAD, la),
    )
    return report


def report_in(state: str) -> LAReport:
    report = requested_report()
    LAReport.objects.filter(pk=report.pk).update(state=state)
    return LAReport.objects.get(pk=report.pk)


def document_events(report) -> list[tuple[str, str, str]]:
    return [
        (e.action, e.from_state, e.to_state)
        for e in AuditEvent.objects.for_object(report).filter(action__startswith="document.")
    ]


def test_the_table_names_every_transition_the_model_declares():
    declared = {t.name for t in LAReport._meta.get_field("state").get_all_transitions(LAReport)}
    assert declared == set(MOVES)


@pytest.mark.parametrize(("state", "name"), list(product(DocumentState.values, sorted(MOVES))))
def test_every_state_against_every_transition(state, name):
    # given a report in `state`
    report = report_in(state)
    target = MOVES[name].get(state)
    # when the transition is applied
    if target is None:
        with transaction.atomic(), pytest.raises(TransitionRefused):
            transition_apply(report, name, actor=None, action=ACTIONS[name])
        # then a refusal changes nothing and writes nothing
        assert LAReport.objects.get(pk=report.pk).state == state
        assert document_events(report) == []
    else:
        transition_apply(report, name, actor=None, action=ACTIONS[name])
        # then an allowed one moves the row and writes its audit row
        assert LAReport.objects.get(pk=report.pk).state == target
        assert document_events(report) == [(ACTIONS[name].value, state, target)]


@pytest.mark.parametrize("state", [DocumentState.PENDING, DocumentState.RUNNING])
def test_an_unfinished_document_can_be_retried_once_stale(state):
    # given an unfinished report left alone past the sweep's threshold
    report = report_in(state)
    long_ago = timezone.now() - timedelta(seconds=settings.NAAS_DOCUMENT_SWEEP_AFTER_SECONDS + 1)
    LAReport.objects.filter(pk=report.pk).update(
        requested_at=long_ago, queued_at=long_ago, started_at=long_ago
    )
    report = LAReport.objects.get(pk=report.pk)
    # when it is retried
    transition_apply(report, "retry", actor=None, action=NaasAction.DOCUMENT_RETRIED)
    # then it waits to be made again
    assert LAReport.objects.get(pk=report.pk).state == DocumentState.PENDING
    assert document_events(report) == [("document.retried", state, DocumentState.PENDING)]


def test_the_state_cannot_be_assigned_by_hand():
    report = requested_report()
    with pytest.raises(AttributeError):
        report.state = DocumentState.READY


def test_giving_up_fails_the_document_once_and_keeps_the_latest_reason():
    # given a report being made
    report = report_in(DocumentState.RUNNING)
    # when its task gives up, and the backstop marks it failed again
    document_mark_failed(model=LAReport, document_id=report.pk, error="OSError: disk full")
    document_mark_failed(model=LAReport, document_id=report.pk, error="TimeLimitExceeded")
    # then it failed once, with the latest reason
    saved = LAReport.objects.get(pk=report.pk)
    assert (saved.state, saved.last_error) == (DocumentState.FAILED, "TimeLimitExceeded")
    assert document_events(report) == [
        ("document.failed", DocumentState.RUNNING, DocumentState.FAILED)
    ]


def test_giving_up_leaves_a_ready_document_ready():
    report = report_in(DocumentState.READY)
    document_mark_failed(model=LAReport, document_id=report.pk, error="OSError: disk full")
    saved = LAReport.objects.get(pk=report.pk)
    assert (saved.state, saved.last_error) == (DocumentState.READY, "")
    assert document_events(report) == []


def test_giving_up_on_a_document_that_is_gone_does_nothing():
    document_mark_failed(model=LAReport, document_id=0, error="OSError: disk full")
    assert not AuditEvent.objects.filter(action="document.failed").exists()


def test_a_retry_of_a_failed_document_clears_its_error_and_is_audited():
    # given a failed report
    report = report_in(DocumentState.FAILED)
    LAReport.objects.filter(pk=report.pk).update(last_error="OSError: disk full", progress=50)
    lead = staff_user(Role.LA_LEAD, report.local_authority)
    # when staff ask for it again
    retry = document_retry(document=report, actor=lead)
    # then it waits to be made again, with its error cleared, and the trail says who asked
    assert retry.queued
    saved = LAReport.objects.get(pk=report.pk)
    assert (saved.state, saved.last_error, saved.progress) == (DocumentState.PENDING, "", 0)
    event = AuditEvent.objects.for_object(report).get(action="document.retried")
    assert (event.actor, event.from_state, event.to_state) == (
        lead,
        DocumentState.FAILED,
        DocumentState.PENDING,
    )
