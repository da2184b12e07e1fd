"""What staff pages say: the attempt's status after marking, the feedback link, rule numbers
and how long a decision took."""

from datetime import timedelta
from fractions import Fraction

import pytest
from django.test import override_settings
from django.urls import reverse

from assessment import services
from assessment.models import Attempt, AttemptState, MarkerRole
from assessment.outcome_rules import RuleParameters
from assessment.templatetags.assessment_tags import (
    attempt_state_label,
    duration_hours,
    rule_number,
)
from naas.tests.factories import current_framework

from .factories import allocate, mark_entries, sat_attempt

pytestmark = pytest.mark.django_db

BORDERLINE = (2, 3, 2, 3)  # mean 2.5: always second-marked


def _submit(allocation, marks, reason=""):
    services.marks_submit(
        allocation=allocation,
        marks=mark_entries(allocation.attempt, marks),
        actor=allocation.assessor,
        reason=reason,
    )


def _marks_page(client, admin, attempt):
    client.force_login(admin)
    return client.get(reverse("assessment:attempt_marks", kwargs={"attempt_id": attempt.pk}))


@override_settings(NAAS_SECOND_MARKING_SAMPLE_PERCENT=0)
def test_an_attempt_only_first_marked_reads_marked_not_moderated(client, admin_user):
    attempt = sat_attempt(admin=admin_user)
    _submit(allocate(attempt, MarkerRole.FIRST, admin=admin_user), (3, 3, 3, 3))
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.state == AttemptState.MODERATED and not attempt.second_marking
    assert attempt_state_label(attempt) == "Marked"
    page = _marks_page(client, admin_user, attempt).content.decode()
    assert ">Marked<" in page and "Moderated" not in page


def test_second_marks_that_agree_read_marks_agreed(client, admin_user):
    attempt = sat_attempt(admin=admin_user)
    _submit(allocate(attempt, MarkerRole.FIRST, admin=admin_user), BORDERLINE)
    _submit(allocate(attempt, MarkerRole.SECOND, admin=admin_user), BORDERLINE)
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.state == AttemptState.MODERATED
    assert attempt_state_label(attempt) == "Marks agreed"
    assert ">Marks agreed<" in _marks_page(client, admin_user, attempt).content.decode()


def test_an_attempt_a_moderator_marked_reads_moderated(client, admin_user):
    attempt = sat_attempt(admin=admin_user)
    _submit(allocate(attempt, MarkerRole.FIRST, admin=admin_user), BORDERLINE)
    _submit(allocate(attempt, MarkerRole.SECOND, admin=admin_user), (4, 4, 4, 4))
    _submit(allocate(attempt, MarkerRole.MODERATOR, admin=admin_user), (3, 3, 3, 3), "Agreed")
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt_state_label(attempt) == "Moderated"
    assert ">Moderated<" in _marks_page(client, admin_user, attempt).content.decode()


def test_other_states_keep_their_own_names():
    assert attempt_state_label(Attempt(state=AttemptState.SCORED)) == "Scored"


def test_write_feedback_is_offered_only_to_the_first_marker(client, admin_user):
    attempt = sat_attempt(admin=admin_user)
    first = allocate(attempt, MarkerRole.FIRST, admin=admin_user)
    _submit(first, BORDERLINE)
    second = allocate(attempt, MarkerRole.SECOND, admin=admin_user)
    _submit(second, (4, 4, 4, 4))
    moderator = allocate(attempt, MarkerRole.MODERATOR, admin=admin_user)
    url = reverse("assessment:attempt_mark", kwargs={"attempt_id": attempt.pk})
    feedback_url = reverse("feedback:write_feedback", kwargs={"attempt_id": attempt.pk})
    shown = {}
    for allocation in (first, second, moderator):
        client.force_login(allocation.assessor)
        shown[allocation.role] = feedback_url in client.get(url).content.decode()
        # the link is offered exactly when the page behind it opens
        opens = client.get(feedback_url).status_code == 200
        assert shown[allocation.role] == opens
    assert shown == {MarkerRole.FIRST: True, MarkerRole.SECOND: False, MarkerRole.MODERATOR: False}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(5, 2), "2.5"),
        ("5/2", "2.5"),
        (Fraction(60), "60"),
        ("121/2", "60.5"),
        (Fraction(2, 3), "0.67"),
        (0, "0"),
    ],
)
def test_a_rule_number_is_shown_as_a_decimal(value, shown):
    assert rule_number(value) == shown


def test_the_rules_page_shows_the_threshold_as_a_decimal(client, admin_user):
    framework = current_framework()
    services.rule_set_create(
        framework=framework,
        parameters=RuleParameters(
            observation_threshold=Fraction(5, 2), knowledge_cut_percent=Fraction(121, 2)
        ),
        notes="Test",
        actor=admin_user,
    )
    client.force_login(admin_user)
    page = client.get(reverse("assessment:rule_sets")).content.decode()
    assert "5/2" not in page and "121/2" not in page
    assert ">2.5<" in page and "60.5%" in page
    assert "2/3 of areas" in page


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(minutes=2), "less than an hour"),
        (timedelta(minutes=59), "less than an hour"),
        (timedelta(hours=1, minutes=10), "1 hour"),
        (timedelta(hours=3, minutes=20), "3 hours"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(days=2, hours=5), "2 days"),
        (timedelta(days=9), "9 days"),
        (None, ""),
    ],
)
def test_time_to_decide_reads_as_a_sensible_duration(delta, shown):
    assert duration_hours(delta) == shown
