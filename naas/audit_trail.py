"""Writing audit events: one row, or many in batched inserts. Every writer takes an
`AuditAction` member, never free text, and is called inside the transaction that made the change.

This module sits below `naas.services` and `naas.transitions` so that both can write audit rows
without importing each other."""

from collections.abc import Iterable
from itertools import islice

from django.contrib.contenttypes.models import ContentType

from .audit import AuditAction, audit_action
from .models import AuditEvent

AUDIT_BATCH = 5_000


def _recorded_actor(actor):
    """The user to name on the row: nobody for the system or an anonymous visitor."""
    return actor if actor is not None and actor.is_authenticated else None


def audit_event_record(
    *,
    actor,
    subject,
    action: AuditAction,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append an audit event. Call it inside the transaction that made the change."""
    return AuditEvent.objects.create(
        actor=_recorded_actor(actor),
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        action=audit_action(action).value,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        detail=detail or {},
    )


def audit_events_record_many(*, actor, action: AuditAction, subjects, detail=None) -> None:
    """Append one audit event per subject in a single insert (bulk imports)."""
    events = [
        AuditEvent(
            actor=actor,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=str(subject.pk),
            action=audit_action(action).value,
            detail=detail or {},
        )
        for subject in subjects
    ]
    AuditEvent.objects.bulk_create(events)


def audit_events_record_for_ids(
    *,
    actor,
    model,
    ids: Iterable,
    action: AuditAction,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    detail_for: dict | None = None,
) -> None:
    """Append one audit event per row of `model` named by id, a batch at a time (so only one
    batch is held in memory); `detail_for` maps an id to that row's detail."""
    action = audit_action(action)
    content_type = ContentType.objects.get_for_model(model)
    actor = _recorded_actor(actor)
    events = (
        AuditEvent(
            actor=actor,
            content_type=content_type,
            object_id=str(pk),
            action=action.value,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            detail=(detail_for or {}).get(pk, {}),
        )
        for pk in ids
    )
    while batch := list(islice(events, AUDIT_BATCH)):
        AuditEvent.objects.bulk_create(batch)
