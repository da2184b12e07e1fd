"""Writing audit events: one row, or many in batched inserts. Every writer takes an
`AuditAction` member, never free text, and is called inside the transaction that made the change.

This module sits below `naas.services` and `naas.transitions` so that both can write audit rows
without importing each other."""

import io
import json
from collections.abc import Iterable
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

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
    detail_for = detail_for or {}
    rows = (
        {
            "actor_id": actor.pk if actor is not None else None,
            "content_type_id": content_type.pk,
            "object_id": str(pk),
            "action": action.value,
            "from_state": from_state,
            "to_state": to_state,
            "reason": reason,
            "detail": detail_for.get(pk, {}),
        }
        for pk in ids
    )
    while batch := list(islice(rows, AUDIT_BATCH)):
        if connection.vendor == "postgresql":
            # The same rows as bulk_create's, sent with COPY: a results day writes 20,000.
            _copy_audit_rows(batch)
        else:
            AuditEvent.objects.bulk_create(AuditEvent(**row) for row in batch)


def _copy_audit_rows(rows: list[dict]) -> None:
    occurred_at = copy_text(timezone.now())  # as auto_now_add would set it
    columns = [*rows[0], "occurred_at"]
    copy_lines(
        AuditEvent,
        columns,
        (
            "\t".join(
                copy_text(json.dumps(value) if name == "detail" else value)
                for name, value in row.items()
            )
            + f"\t{occurred_at}\n"
            for row in rows
        ),
    )


# Fast inserts on PostgreSQL ---------------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value) -> str:
    """One value in COPY's text format (NULL is \\N; backslash, tab and line breaks escaped)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def copy_lines(model, attnames: list[str], lines: Iterable[str]) -> None:
    """COPY ready-made lines (tab-separated values in `attnames` order, each ending in a line
    break, already in COPY's text format) into `model`'s table. PostgreSQL only. The lines are
    made as COPY asks for them, so the database stores one chunk while the next is made."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(name).column) for name in attnames
    )
    with connection.cursor() as cursor:
        # Table and columns come from the model, never from input.
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", _LinesReader(lines), COPY_CHUNK)


COPY_CHUNK = 256 * 1024


class _LinesReader(io.RawIOBase):
    """A file COPY reads from, made of lines drawn from an iterator only when asked for."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self._rest = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        parts, length = [self._rest], len(self._rest)
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if 0 <= size <= length:
                break
        text = "".join(parts)
        if size < 0:
            self._rest = ""
            return text
        self._rest = text[size:]
        return text[:size]
