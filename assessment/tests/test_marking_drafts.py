"""Save as draft and come back: partial marks are kept for their marker alone, range-checked
but not required, shown again on return, and replaced by the submitted marks."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from assessment import selectors, services
from assessment.audit import AssessmentAction
from assessment.models import AreaMark, Attempt, AttemptState, MarkerRole, MarkingDraft
from assessment.services import AssessmentError
from naas.dates import govuk_datetime, govuk_time
from naas.models import AuditEvent

from .factories import allocate, first_mark, independent_assessor, mark_entries, sat_attempt

pytestmark = pytest.mark.django_db

SECRET = "DRAFT-EVIDENCE-ONLY-MINE"


@pytest.fixture(autouse=True)
def _no_sample(settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0


@pytest.fixture
def first(admin_user):
    attempt = sat_attempt(admin=admin_user)
    return allocate(attempt, MarkerRole.FIRST, admin=admin_user)


def _url(allocation):
    return reverse("assessment:attempt_mark", args=[allocation.attempt_id])


def _partial_post(attempt, **extra):
    """Area 1's first two marks and its evidence; everything else left empty."""
    area = attempt.areas.get(number=1)
    return {
        f"area_{area.pk}_role_play_1": "2",
        f"area_{area.pk}_role_play_2": "4",
        f"area_{area.pk}_evidence": SECRET,
        "save_draft": "1",
        **extra,
    }


def _full_post(attempt):
    data = {}
    for area in attempt.areas.all():
        for name in AreaMark.TASK_FIELDS:
            data[f"area_{area.pk}_{name}"] = "3"
        data[f"area_{area.pk}_evidence"] = "Observed"
        data[f"area_{area.pk}_global_judgement"] = "2"
    return data


def test_a_partial_draft_is_kept_and_shown_again_with_when_it_was_saved(client, first):
    # given
    attempt = first.attempt
    area = attempt.areas.get(number=1)
    client.force_login(first.assessor)
    # when
    saved = client.post(_url(first), _partial_post(attempt))
    page = client.get(_url(first))
    # then
    assert saved.status_code == 302
    draft = MarkingDraft.objects.get(allocation=first)
    text = page.content.decode()
    assert f"Draft saved at {govuk_time(draft.saved_at)}" in text
    assert SECRET in text
    assert '<option value="4" selected>' in text
    assert f'name="area_{area.pk}_role_play_1"' in text
    # a draft is not marks: nothing counts, the attempt has not moved
    assert not AreaMark.objects.filter(allocation=first).exists()
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.SAT
    saves = AuditEvent.objects.filter(action=AssessmentAction.ALLOCATION_MARKS_DRAFT_SAVED)
    assert saves.count() == 1
    assert saves.get().detail["marks_entered"] == 2


def test_an_out_of_range_mark_in_a_draft_is_an_error_and_nothing_is_saved(client, first):
    # given
    attempt = first.attempt
    area = attempt.areas.get(number=2)
    client.force_login(first.assessor)
    data = _partial_post(attempt, **{f"area_{area.pk}_written": "7"})
    # when
    response = client.post(_url(first), data)
    # then
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text
    assert "Choose a mark from 1 to 4 for written task in area 2" in text
    assert SECRET in text  # what was typed is kept
    assert not MarkingDraft.objects.exists()
    assert not AuditEvent.objects.filter(
        action=AssessmentAction.ALLOCATION_MARKS_DRAFT_SAVED
    ).exists()


def test_the_service_range_checks_a_draft_too(first):
    attempt = first.attempt
    entries = mark_entries(attempt, marks=(5, None, None, None))
    with pytest.raises(AssessmentError) as refused:
        services.marks_draft_save(allocation=first, marks=entries, actor=first.assessor)
    assert "Choose a mark from 1 to 4 for role play 1 in area 1" in refused.value.messages
    assert not MarkingDraft.objects.exists()


def test_submitting_still_needs_every_mark_and_then_replaces_the_draft(client, first):
    # given a draft
    attempt = first.attempt
    client.force_login(first.assessor)
    client.post(_url(first), _partial_post(attempt))
    # when submitting only what the draft holds
    incomplete = {k: v for k, v in _partial_post(attempt).items() if k != "save_draft"}
    refused = client.post(_url(first), incomplete)
    # then completeness is checked as before, and the draft survives
    assert refused.status_code == 400
    assert "Choose a mark from 1 to 4 for reflective task in area 1" in refused.content.decode()
    assert MarkingDraft.objects.filter(allocation=first).exists()
    # when submitting everything
    done = client.post(_url(first), _full_post(attempt))
    # then the marks are recorded, audited, and the draft is gone
    assert done.status_code == 302
    assert AreaMark.objects.filter(allocation=first).count() == attempt.areas.count()
    assert not MarkingDraft.objects.filter(allocation=first).exists()
    assert AuditEvent.objects.filter(
        action=AssessmentAction.ALLOCATION_MARKS_SUBMITTED, object_id=str(first.pk)
    ).exists()


def test_a_draft_is_private_to_its_marker(client, admin_user, settings):
    # given a second marker's draft on a sampled attempt
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin_user)
    first = first_mark(attempt, admin=admin_user)
    second = allocate(Attempt.objects.get(pk=attempt.pk), MarkerRole.SECOND, admin=admin_user)
    services.marks_draft_save(
        allocation=second,
        marks={attempt.areas.get(number=1).pk: services.MarkEntry(2, 2, None, None, SECRET)},
        actor=second.assessor,
    )
    stranger = independent_assessor()
    # then nobody else sees it
    for user, url in (
        (first.assessor, _url(first)),
        (admin_user, reverse("assessment:attempt_marks", args=[attempt.pk])),
        (stranger, _url(first)),
    ):
        client.force_login(user)
        response = client.get(url)
        assert SECRET not in response.content.decode()
    client.force_login(stranger)
    assert client.get(_url(first)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.marks_draft_save(allocation=second, marks={}, actor=stranger)
    # and its own marker does
    client.force_login(second.assessor)
    assert SECRET in client.get(_url(second)).content.decode()


def test_no_draft_once_the_marks_are_submitted(admin_user):
    attempt = sat_attempt(admin=admin_user)
    first = first_mark(attempt, admin=admin_user)
    with pytest.raises(AssessmentError) as refused:
        services.marks_draft_save(allocation=first, marks={}, actor=first.assessor)
    assert refused.value.messages == ["You have already submitted your marks for this attempt"]
    assert not MarkingDraft.objects.exists()


def test_a_draft_from_another_day_says_which_day(first):
    draft = services.marks_draft_save(allocation=first, marks={}, actor=first.assessor)
    assert selectors.draft_saved_words(draft) == f"Draft saved at {govuk_time(draft.saved_at)}"
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        said = selectors.draft_saved_words(draft)
    assert said == f"Draft saved on {govuk_datetime(draft.saved_at)}"
