"""The fast paths of the results import give exactly what the slow ones did: integer scoring the
same decimals as exact fractions, and audit events sent with COPY the same rows as bulk_create."""

from fractions import Fraction

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from assessment.audit import AssessmentAction
from assessment.models import Attempt
from assessment.scoring import AreaTotal, percent_text, thirds_text, to_decimal
from naas.audit_trail import audit_events_record_for_ids
from naas.models import AuditEvent

FIELDS = ("actor_id", "content_type_id", "object_id", "action", "from_state", "to_state", "reason")


def test_marks_in_thirds_are_stored_as_the_exact_fractions_would_be():
    for thirds in range(0, 3 * 60 + 1):
        for places in (2, 4):
            assert thirds_text(thirds, places) == str(to_decimal(Fraction(thirds, 3), places))
        for max_marks in range(max(1, -(-thirds // 3)), 61):
            total = AreaTotal(Fraction(thirds, 3), max_marks, max_marks)
            assert percent_text(thirds, max_marks) == str(total.percent)
    assert percent_text(0, 0) == "0.00"


@pytest.mark.django_db
def test_audit_events_sent_with_copy_are_the_rows_bulk_create_writes(admin_user):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    awkward = "a tab\there, a line\nbreak, a back\\slash, \\N and “quotes”"
    detail_for = {7: {"note": awkward, "n": 1, "nested": {"list": [1, "\\t"]}}, 8: {}}
    audit_events_record_for_ids(
        actor=admin_user,
        model=Attempt,
        ids=[7, 8],
        action=AssessmentAction.ATTEMPT_SAT,
        from_state="booked",
        to_state="sat",
        reason=awkward,
        detail_for=detail_for,
    )
    copied = list(AuditEvent.objects.order_by("id"))
    content_type = ContentType.objects.get_for_model(Attempt)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=admin_user,
            content_type=content_type,
            object_id=str(pk),
            action="attempt.sat",
            from_state="booked",
            to_state="sat",
            reason=awkward,
            detail=detail_for[pk],
        )
        for pk in (7, 8)
    )
    created = list(AuditEvent.objects.order_by("id"))[2:]
    for mine, theirs in zip(copied, created, strict=True):
        assert [getattr(mine, f) for f in FIELDS] == [getattr(theirs, f) for f in FIELDS]
        assert mine.detail == theirs.detail
        assert mine.occurred_at is not None
    assert copied[0].reason == awkward and copied[0].detail["note"] == awkward
