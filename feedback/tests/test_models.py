import pytest
from django.db import IntegrityError

from feedback.models import AreaFeedback, Certificate, Letter, SupportActionStatus
from naas.models import DocumentState

from .factories import draft_result, marking_attempt

pytestmark = pytest.mark.django_db


def test_one_feedback_per_area_of_an_attempt():
    # given
    attempt, marker = marking_attempt()
    area = attempt.framework.areas.first()
    AreaFeedback.objects.create(attempt=attempt, area=area, feedback="a", written_by=marker)
    # when / then
    with pytest.raises(IntegrityError):
        AreaFeedback.objects.create(attempt=attempt, area=area, feedback="b", written_by=marker)


def test_one_letter_per_outcome_version():
    # given
    outcome, _ = draft_result()
    Letter.objects.create(outcome=outcome)
    # when / then
    with pytest.raises(IntegrityError):
        Letter.objects.create(outcome=outcome)


def test_documents_start_pending_and_name_their_files_without_personal_data():
    outcome, _ = draft_result()
    letter = Letter.objects.create(outcome=outcome)
    assert letter.state == DocumentState.PENDING and not letter.is_ready
    assert letter.document_filename() == f"feedback-letter-{letter.pk}.pdf"
    assert Letter.build_task_name == "feedback.tasks.build_letter"
    assert Certificate.build_task_name == "feedback.tasks.build_certificate"


def test_support_action_statuses():
    assert SupportActionStatus.values == ["planned", "in_progress", "done"]
