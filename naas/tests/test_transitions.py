"""naas.transitions: one transition (or a stamp) applied with its audit row, and many rows moved
at once. Endorsements are the subjects here (they have a version, `updated_at` and the
concurrent-transition check); LA reports stand in for a model with none of those."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from endorsement.audit import EndorsementAction
from endorsement.models import Endorsement, EndorsementState
from endorsement.tests.factories import EndorsementFactory
from naas.audit import NaasAction
from naas.models import AuditEvent, DocumentState
from naas.tests.factories import LocalAuthorityFactory
from naas.transitions import (
    TransitionRefused,
    UndeclaredTransition,
    change_apply,
    transition_apply,
    transitions_apply_bulk,
)
from reporting.models import LAReport

pytestmark = pytest.mark.django_db


def events_for(subject) -> list[tuple[str, str, str]]:
    return [(e.action, e.from_state, e.to_state) for e in AuditEvent.objects.for_object(subject)]


def report_in(state: str, month: int = 1) -> LAReport:
    report = LAReport.objects.create(
        local_authority=LocalAuthorityFactory(),
        period_start=timezone.localdate().replace(month=month, day=1),
        period_end=timezone.localdate().replace(month=month, day=28),
    )
    LAReport.objects.filter(pk=report.pk).update(state=state)
    return LAReport.objects.get(pk=report.pk)


# --- One row ----------------------------------------------------------------------------------


def test_a_transition_moves_saves_its_values_and_writes_its_audit_row():
    # given a draft endorsement
    draft = EndorsementFactory()
    supervisor = draft.supervisor
    # when it is signed off through the helper
    transition_apply(
        draft,
        "sign_off",
        actor=supervisor,
        action=EndorsementAction.ENDORSEMENT_SIGNED_OFF,
        reason="Ready now",
        values={"supervisor_statement": "Ready."},
        detail=lambda saved: {"version": saved.version},
    )
    # then the row moved, with its values, its version moved on and one audit row from/to
    saved = Endorsement.objects.get(pk=draft.pk)
    assert saved.state == EndorsementState.SIGNED_OFF
    assert saved.supervisor_statement == "Ready."
    assert saved.version == 2
    event = AuditEvent.objects.for_object(saved).get()
    assert (event.action, event.from_state, event.to_state) == (
        "endorsement.signed_off",
        EndorsementState.DRAFT,
        EndorsementState.SIGNED_OFF,
    )
    assert (event.actor, event.reason, event.detail) == (supervisor, "Ready now", {"version": 2})


def test_a_refused_transition_changes_nothing_and_raises_the_callers_error():
    # given an endorsed endorsement, which cannot be signed off
    endorsed = EndorsementFactory(state=EndorsementState.ENDORSED)
    # when it is signed off, with the app's translation of a refusal
    with pytest.raises(LookupError, match="not allowed from endorsed") as refused:
        transition_apply(
            endorsed,
            "sign_off",
            actor=None,
            action=EndorsementAction.ENDORSEMENT_SIGNED_OFF,
            values={"supervisor_statement": "Ready."},
            refuse=lambda refusal: LookupError(
                f"not allowed from {refusal.subject.state}" if not refusal.concurrent else ""
            ),
        )
    # then nothing was saved or audited
    assert isinstance(refused.value.__cause__, TransitionNotAllowed)
    saved = Endorsement.objects.get(pk=endorsed.pk)
    assert (saved.state, saved.version, saved.supervisor_statement) == (
        EndorsementState.ENDORSED,
        1,
        "",
    )
    assert not AuditEvent.objects.exists()


def test_without_a_translation_the_refusal_itself_is_raised():
    endorsed = EndorsementFactory(state=EndorsementState.ENDORSED)
    with pytest.raises(TransitionRefused) as refused:
        transition_apply(
            endorsed, "sign_off", actor=None, action=EndorsementAction.ENDORSEMENT_SIGNED_OFF
        )
    assert (refused.value.subject, refused.value.name, refused.value.concurrent) == (
        endorsed,
        "sign_off",
        False,
    )


def test_a_change_made_meanwhile_refuses_the_second_transition_and_keeps_the_first():
    # given two copies of the same draft, read before either acts
    first = EndorsementFactory()
    second = Endorsement.objects.get(pk=first.pk)
    # when one is signed off and then the stale copy is declined
    transition_apply(first, "sign_off", actor=None, action=EndorsementAction.ENDORSEMENT_SIGNED_OFF)
    with transaction.atomic(), pytest.raises(TransitionRefused) as refused:
        transition_apply(
            second, "decline", actor=None, action=EndorsementAction.ENDORSEMENT_DECLINED
        )
    # then the decline is refused as concurrent and only the sign-off stands
    assert refused.value.concurrent
    assert Endorsement.objects.get(pk=first.pk).state == EndorsementState.SIGNED_OFF
    assert events_for(first) == [
        ("endorsement.signed_off", EndorsementState.DRAFT, EndorsementState.SIGNED_OFF)
    ]


def test_a_model_without_version_or_updated_at_saves_just_its_state_and_values():
    report = report_in(DocumentState.PENDING)
    transition_apply(
        report,
        "start",
        actor=None,
        action=NaasAction.DOCUMENT_STARTED,
        values={"attempts": 1},
    )
    saved = LAReport.objects.get(pk=report.pk)
    assert (saved.state, saved.attempts) == (DocumentState.RUNNING, 1)
    assert events_for(report) == [
        ("document.started", DocumentState.PENDING, DocumentState.RUNNING)
    ]


def test_only_a_declared_transition_can_be_applied():
    with pytest.raises(TypeError, match="not a state transition"):
        transition_apply(
            EndorsementFactory(),
            "clean",
            actor=None,
            action=EndorsementAction.ENDORSEMENT_SIGNED_OFF,
        )


def test_a_stamp_sets_its_fields_moves_the_version_on_and_is_audited_without_states():
    endorsement = EndorsementFactory(consent_recorded_at=None)
    change_apply(
        endorsement,
        actor=None,
        action=EndorsementAction.ENDORSEMENT_CONSENT_RECORDED,
        values={"consent_recorded_at": timezone.now()},
        detail={"level": endorsement.level},
    )
    saved = Endorsement.objects.get(pk=endorsement.pk)
    assert saved.has_consent and saved.version == 2
    assert events_for(saved) == [("endorsement.consent_recorded", "", "")]


# --- Many rows --------------------------------------------------------------------------------


def test_bulk_moves_the_rows_still_in_the_source_state_and_audits_each_one():
    # given two waiting reports and one already running
    waiting = [report_in(DocumentState.PENDING, month) for month in (1, 2)]
    running = report_in(DocumentState.RUNNING, 3)
    # when all three are moved from pending to running
    moved = transitions_apply_bulk(
        LAReport,
        [r.pk for r in [*waiting, running]],
        source=DocumentState.PENDING,
        target=DocumentState.RUNNING,
        actor=None,
        action=NaasAction.DOCUMENT_STARTED,
        reason="Started together",
        values={"progress": 5},
    )
    # then only the waiting ones moved, each with its values and one audit row
    assert sorted(moved) == sorted(r.pk for r in waiting)
    for report in waiting:
        saved = LAReport.objects.get(pk=report.pk)
        assert (saved.state, saved.progress) == (DocumentState.RUNNING, 5)
        event = AuditEvent.objects.for_object(report).get()
        assert (event.action, event.from_state, event.to_state, event.reason) == (
            "document.started",
            DocumentState.PENDING,
            DocumentState.RUNNING,
            "Started together",
        )
    assert LAReport.objects.get(pk=running.pk).progress == 0
    assert not AuditEvent.objects.for_object(running).exists()


def test_bulk_moves_the_version_and_updated_at_on(frozen_today):
    drafts = [EndorsementFactory() for _ in range(2)]
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        transitions_apply_bulk(
            Endorsement,
            [d.pk for d in drafts],
            source=EndorsementState.DRAFT,
            target=EndorsementState.SIGNED_OFF,
            actor=None,
            action=EndorsementAction.ENDORSEMENT_SIGNED_OFF,
        )
    for draft in drafts:
        saved = Endorsement.objects.get(pk=draft.pk)
        assert (saved.state, saved.version, saved.updated_at) == (
            EndorsementState.SIGNED_OFF,
            2,
            later,
        )


@pytest.mark.parametrize(
    ("source", "target", "why"),
    [
        (DocumentState.READY, DocumentState.PENDING, "declares no move"),
        (DocumentState.READY, DocumentState.FAILED, "declares no move"),
        (DocumentState.FAILED, DocumentState.PENDING, "has conditions"),
    ],
)
def test_bulk_refuses_a_move_the_state_machine_does_not_declare(source, target, why):
    # given a report in the source state
    report = report_in(source)
    # when it is moved in bulk by a move that is not declared, or guarded by a condition
    with pytest.raises(UndeclaredTransition, match=why):
        transitions_apply_bulk(
            LAReport,
            [report.pk],
            source=source,
            target=target,
            actor=None,
            action=NaasAction.DOCUMENT_RETRIED,
        )
    # then nothing changed
    assert LAReport.objects.get(pk=report.pk).state == source
    assert not AuditEvent.objects.exists()
