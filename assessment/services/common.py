"""Mechanics every assessment write shares: the refusal it raises, locking an attempt, how a
refused transition is shown, and inserting rows in batches."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection

from naas.transitions import Refuse, TransitionRefused

from .. import policies
from ..models import (
    Attempt,
    AttemptState,
)

BULK_BATCH = 5_000


class AssessmentError(Exception):
    """A request the assessment rules refuse. Each message is shown to the user."""

    def __init__(self, *messages: str):
        self.messages = list(messages)
        super().__init__("; ".join(messages))


def bulk_insert(model, objects, *, keep: bool = False) -> list:
    """Insert any number of rows a batch at a time, holding only one batch in memory unless
    `keep` asks for the saved objects back (with their ids)."""
    batch, created = [], []
    for obj in objects:
        batch.append(obj)
        if len(batch) == BULK_BATCH:
            saved = model.objects.bulk_create(batch)
            if keep:
                created += saved
            batch = []
    if batch:
        saved = model.objects.bulk_create(batch)
        if keep:
            created += saved
    return created


def require_administrator(actor) -> None:
    if not policies.is_assessment_administrator(actor):
        raise PermissionDenied("Only assessment administrators can do this")


def lock_attempt(attempt: Attempt) -> Attempt:
    return (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("sitting", "endorsement", "worker")
        .get(pk=attempt.pk)
    )


def not_booked(attempt: Attempt) -> AssessmentError:
    """Why a booking that has moved on can no longer be changed."""
    messages = {
        AttemptState.CANCELLED: "This booking has been cancelled",
        AttemptState.NO_SHOW: "The candidate did not attend, so the booking cannot change",
    }
    return AssessmentError(
        messages.get(attempt.state, "The assessment has taken place, so the booking cannot change")
    )


def insert_rows(model, attnames: list[str], rows, chunk: int = 50_000) -> None:
    """Insert plain rows (tuples in `attnames` order) as fast as the database allows. On
    PostgreSQL each chunk is one INSERT ... SELECT FROM unnest(arrays); elsewhere rows become
    model instances inserted with bulk_create."""
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in attnames]
    if connection.vendor != "postgresql":
        bulk_insert(model, (model(**dict(zip(attnames, row, strict=True))) for row in rows))
        return
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    # Table, columns and types come from the model, never from input; values are parameters.
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})"  # noqa: S608
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == chunk:
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
                batch = []
        if batch:
            cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])


CHANGED_MESSAGE = "This has changed since you opened it. Reload the page and try again."


def setting(name: str, default):
    return getattr(settings, name, default)


BOOKING_CHANGED_MESSAGE = (
    "Someone else changed this booking at the same time; reload the page and try again"
)


def refused(message: str = CHANGED_MESSAGE) -> Refuse:
    """How a refused transition (see naas.transitions) is shown: the page acted on is out of
    date, so the user is asked to reload it."""

    def shown(refusal: TransitionRefused) -> AssessmentError:
        return AssessmentError(message)

    return shown
