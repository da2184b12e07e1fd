"""Applying a state transition with its audit row: the one implementation every app uses.

A transition is a django-fsm-2 `@transition` method on a model. `transition_apply` runs one on a
row the caller has locked (`select_for_update`; a model with `ConcurrentTransitionMixin` is
also checked at save time), saves only what the transition touched and writes its audit event,
all in the caller's transaction (`change_apply` does the same for fields outside the state
machine). `transitions_apply_bulk` moves many rows of one model from one
state to another in one UPDATE per batch, with one audit event per row, after checking that the
model's state machine declares that move.

A refusal (the state machine says no, or the row changed under us) is a `TransitionRefused`;
each app passes `refuse` to turn it into the error its users see, so the messages stay the
app's own while the mechanics live here.
"""

from collections.abc import Callable, Iterable, Sequence
from itertools import islice

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.utils import timezone
from django_fsm import (
    ANY_OTHER_STATE,
    ANY_STATE,
    ConcurrentTransition,
    FSMFieldMixin,
    TransitionNotAllowed,
)

from .audit import AuditAction
from .audit_trail import audit_event_record, audit_events_record_for_ids

BULK_BATCH = 5_000


class TransitionRefused(Exception):
    """Nothing was saved: the state machine refused the transition from the row's state
    (`concurrent` False), or someone else changed the row's state first (`concurrent` True)."""

    def __init__(self, subject, name: str, *, concurrent: bool):
        self.subject = subject
        self.name = name
        self.concurrent = concurrent
        why = "its state changed meanwhile" if concurrent else "not allowed from its state"
        super().__init__(f"{type(subject).__name__} {subject.pk}: {name} refused ({why})")


class UndeclaredTransition(ValueError):
    """A bulk move the model's state machine does not declare (or guards with conditions that
    a single UPDATE cannot check): a mistake in the code, never a user's."""


Refuse = Callable[[TransitionRefused], Exception]
Detail = dict | Callable[[models.Model], dict] | None


def state_field(model, name: str) -> FSMFieldMixin:
    """The state field that transition `name` of `model` moves."""
    meta = getattr(getattr(model, name, None), "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{model.__name__}.{name} is not a state transition")
    # By name: an abstract model's transitions are shared by all its concrete models.
    field = meta.field
    return model._meta.get_field(field if isinstance(field, str) else field.name)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _saved_fields(model, field: FSMFieldMixin, values: dict) -> list[str]:
    """The state, the row's own bookkeeping (`updated_at`, `version`) and what the caller set."""
    names = [field.name] + [n for n in ("updated_at", "version") if _has_field(model, n)]
    return list(dict.fromkeys([*names, *values]))


def _refusal(subject, name: str, *, concurrent: bool, refuse: Refuse | None) -> Exception:
    refusal = TransitionRefused(subject, name, concurrent=concurrent)
    return refuse(refusal) if refuse is not None else refusal


def transition_apply(
    subject: models.Model,
    name: str,
    *,
    actor,
    action: AuditAction,
    reason: str = "",
    values: dict | None = None,
    detail: Detail = None,
    refuse: Refuse | None = None,
) -> models.Model:
    """Run transition `name` on `subject` (already locked by the caller), set `values` on it,
    save the state with those fields (and `updated_at`; a `version` field goes up by one), and
    write the audit event from the old state to the new. `detail` is a dict, or a function of
    the saved row. On refusal raises `refuse(TransitionRefused)` (or the TransitionRefused
    itself): nothing is saved, though `subject` in memory may hold the refused change."""
    values = values or {}
    model = type(subject)
    field = state_field(model, name)
    from_state = field.value_from_object(subject)
    try:
        getattr(subject, name)()
    except TransitionNotAllowed as exc:
        raise _refusal(subject, name, concurrent=False, refuse=refuse) from exc
    for attribute, value in values.items():
        setattr(subject, attribute, value)
    if _has_field(model, "version"):
        subject.version += 1
    # A savepoint: a refusal here undoes the save, even if the caller goes on after it.
    with transaction.atomic():
        try:
            subject.save(update_fields=_saved_fields(model, field, values))
        except ConcurrentTransition as exc:
            raise _refusal(subject, name, concurrent=True, refuse=refuse) from exc
        audit_event_record(
            actor=actor,
            subject=subject,
            action=action,
            from_state=from_state,
            to_state=field.value_from_object(subject),
            reason=reason,
            detail=detail(subject) if callable(detail) else detail,
        )
    return subject


def change_apply(
    subject: models.Model, *, actor, action: AuditAction, values: dict, detail: Detail = None
) -> models.Model:
    """Set fields the state machine does not own (a consent, a booking's use) on a row the
    caller has locked, with the same bookkeeping as a transition: `updated_at`, a `version`
    moved on so pages showing the old one are refused, and the audit event."""
    model = type(subject)
    for attribute, value in values.items():
        setattr(subject, attribute, value)
    bookkeeping = [n for n in ("version", "updated_at") if _has_field(model, n)]
    if "version" in bookkeeping:
        subject.version += 1
    with transaction.atomic():
        subject.save(update_fields=list(dict.fromkeys([*values, *bookkeeping])))
        audit_event_record(
            actor=actor,
            subject=subject,
            action=action,
            detail=detail(subject) if callable(detail) else detail,
        )
    return subject


def declared_move(model, *, source: str, target: str, field: str = "state"):
    """The transition of `model` that moves `field` from `source` to `target`, if its state
    machine declares one with no conditions; otherwise UndeclaredTransition."""
    for move in model._meta.get_field(field).get_all_transitions(model):
        starts_here = move.source in (source, ANY_STATE) or (
            move.source == ANY_OTHER_STATE and move.target != source
        )
        if starts_here and move.target == target:
            if move.conditions:
                raise UndeclaredTransition(
                    f"{model.__name__}.{move.name} has conditions: move the rows one at a time"
                )
            return move
    raise UndeclaredTransition(f"{model.__name__} declares no move from {source} to {target}")


def _batches(ids: Iterable, size: int) -> Iterable[list]:
    ids = iter(ids)
    while batch := list(islice(ids, size)):
        yield batch


def _update_returning_ids(model, ids: list, field: str, source: str, values: dict) -> list:
    """One UPDATE of the rows named by `ids` still in `source`, returning the ids it moved (the
    ORM's update() returns only a count, and a SELECT FOR UPDATE first cost a second pass).
    Under READ COMMITTED a row moved meanwhile by someone else is re-checked and left out."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in values]
    assignments = [f"{quote(f.column)} = %s" for f in fields]
    params = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    if _has_field(model, "version"):
        version = quote(meta.get_field("version").column)
        assignments.append(f"{version} = {version} + 1")
    pk, state = quote(meta.pk.column), quote(meta.get_field(field).column)
    # Only the model's own quoted names are spliced in; every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
        f"WHERE {pk} IN ({', '.join(['%s'] * len(ids))}) AND {state} = %s RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids, source])
        return [row[0] for row in cursor.fetchall()]


def transitions_apply_bulk(
    model,
    ids: Sequence,
    *,
    source: str,
    target: str,
    actor,
    action: AuditAction,
    reason: str = "",
    values: dict | None = None,
    field: str = "state",
) -> list:
    """Move the rows of `model` named by `ids` that are in `source` to `target` (setting
    `values` too, and `updated_at`), one UPDATE per batch that matches only rows still in
    `source`, then one audit event per moved row. Only a move the state machine declares (with
    no conditions) is made; a transition method's body is not run, so use this only for
    transitions that do nothing but move the state. Returns the ids moved, for the caller to
    refuse the whole change if some rows had moved on. A `version` field goes up by one."""
    declared_move(model, source=source, target=target, field=field)
    values = {field: target, **(values or {})}
    if _has_field(model, "updated_at"):
        values.setdefault("updated_at", timezone.now())
    moved = []
    with transaction.atomic():
        for batch in _batches(ids, BULK_BATCH):
            moved += _update_returning_ids(model, batch, field, source, values)
        audit_events_record_for_ids(
            actor=actor,
            model=model,
            ids=moved,
            action=action,
            from_state=source,
            to_state=target,
            reason=reason,
        )
    return moved
