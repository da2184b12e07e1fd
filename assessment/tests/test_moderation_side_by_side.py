"""The two markers' marks side by side, disagreements beyond the moderation tolerance marked,
and a moderator who decides only those, with a reason each; the final marks feed outcomes as
before."""

import pytest
from django.urls import reverse

from assessment import selectors, services
from assessment.audit import AssessmentAction
from assessment.models import AreaMark, Attempt, AttemptState, MarkerRole
from assessment.rules import MODERATION_TOLERANCE, marks_disagree
from assessment.services import AssessmentError, ModerationDecision
from naas.models import AuditEvent

from .factories import allocate, first_mark, mark_entries, sat_attempt

pytestmark = pytest.mark.django_db

AGREED = 3
APART = AGREED - (MODERATION_TOLERANCE + 1)  # area 1, role play 1: one point too far apart
NEAR = AGREED - MODERATION_TOLERANCE  # area 2, role play 2: just within the tolerance


@pytest.fixture
def moderation(admin_user, settings):
    """An attempt whose markers disagree on area 1's role play 1 and area 3's written task,
    and are within the tolerance on area 2's role play 2; a moderator allocated."""
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin_user)
    first = first_mark(
        attempt,
        admin=admin_user,
        marks=(AGREED,) * 4,
        per_area={1: (APART, AGREED, AGREED, AGREED), 3: (AGREED, AGREED, AGREED, 4)},
    )
    second = allocate(Attempt.objects.get(pk=attempt.pk), MarkerRole.SECOND, admin=admin_user)
    services.marks_submit(
        allocation=second,
        marks=mark_entries(
            attempt, (AGREED,) * 4, per_area={2: (AGREED, NEAR, AGREED, AGREED), 3: (3, 3, 3, 1)}
        ),
        actor=second.assessor,
    )
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    moderator = allocate(Attempt.objects.get(pk=attempt.pk), MarkerRole.MODERATOR, admin=admin_user)
    return {"attempt": attempt, "first": first, "second": second, "moderator": moderator}


def _areas(attempt):
    return {a.number: a for a in attempt.areas.all()}


def test_the_tolerance_the_page_states_is_the_one_enforced():
    assert not marks_disagree(AGREED, NEAR)
    assert marks_disagree(AGREED, APART)


def test_side_by_side_marks_each_disagreement_and_only_those(moderation):
    attempt = selectors.attempt_for_marking(moderation["attempt"].pk)
    comparisons = selectors.marks_side_by_side(attempt)
    disagreeing = {(c.area.number, t.task) for c in comparisons for t in c.tasks if t.disagrees}
    assert disagreeing == {(1, "role_play_1"), (3, "written")}
    near = next(c for c in comparisons if c.area.number == 2).tasks[1]
    assert (near.first, near.second, near.difference, near.agreed_mark) == (
        AGREED,
        NEAR,
        MODERATION_TOLERANCE,
        AGREED,
    )


def test_the_second_marker_sees_the_side_by_side_only_after_submitting(client, moderation):
    client.force_login(moderation["second"].assessor)
    page = client.get(reverse("assessment:attempt_marks", args=[moderation["attempt"].pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"Marks more than {MODERATION_TOLERANCE} point" in text
    assert text.count(">Disagree</strong>") == 2
    # the first marker never does
    client.force_login(moderation["first"].assessor)
    page = client.get(reverse("assessment:attempt_marks", args=[moderation["attempt"].pk]))
    assert page.status_code == 403


def test_the_moderator_is_asked_only_about_the_disagreements(client, moderation):
    client.force_login(moderation["moderator"].assessor)
    page = client.get(reverse("assessment:attempt_mark", args=[moderation["attempt"].pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('type="radio"') == 2 * 3
    assert f"Agreed: {AGREED}" in text
    assert "Area 1, role play 1: which mark stands?" in text
    assert "Area 3, written task: which mark stands?" in text


def _decision_post(attempt, *, reason="Seen on the recording"):
    areas = _areas(attempt)
    one, three = areas[1].pk, areas[3].pk
    return {
        f"area_{one}_role_play_1_decision": "second",
        f"area_{one}_role_play_1_decision_reason": reason,
        f"area_{three}_written_decision": "other",
        f"area_{three}_written_decision_mark": "2",
        f"area_{three}_written_decision_reason": reason,
    }


def test_a_decision_without_a_reason_is_refused_and_nothing_changes(client, moderation):
    attempt = moderation["attempt"]
    client.force_login(moderation["moderator"].assessor)
    url = reverse("assessment:attempt_mark", args=[attempt.pk])
    data = _decision_post(attempt, reason="")
    area_three = _areas(attempt)[3].pk
    data[f"area_{area_three}_written_decision_mark"] = ""
    response = client.post(url, data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text
    assert "Enter the reason for the mark for role play 1 in area 1" in text
    assert "Choose a mark from 1 to 4 for written task in area 3" in text
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.SCORED
    assert not AreaMark.objects.filter(allocation=moderation["moderator"]).exists()


def test_final_marks_are_the_agreed_marks_plus_the_decisions(client, moderation):
    # given
    attempt = moderation["attempt"]
    client.force_login(moderation["moderator"].assessor)
    url = reverse("assessment:attempt_mark", args=[attempt.pk])
    # when
    response = client.post(url, _decision_post(attempt))
    again = client.post(url, _decision_post(attempt))
    # then
    assert response.status_code == 302
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.state == AttemptState.MODERATED
    final = {
        mark.area.number: mark.task_marks() for mark in selectors.final_marks(attempt).values()
    }
    assert final[1] == [AGREED, AGREED, AGREED, AGREED]  # the second marker's mark
    assert final[2] == [AGREED] * 4  # within the tolerance: the first marker's stands
    assert final[3] == [AGREED, AGREED, AGREED, 2]  # the moderator's own
    # the outcome is computed from them, as for any moderated attempt
    assert selectors.current_outcome(attempt) is not None
    # audited with before and after
    event = AuditEvent.objects.get(action=AssessmentAction.ALLOCATION_MODERATION_DECIDED)
    assert event.detail["from"]["1"] == [APART, AGREED, AGREED, AGREED]
    assert event.detail["to"]["3"] == [AGREED, AGREED, AGREED, 2]
    assert [d["reason"] for d in event.detail["decisions"]] == ["Seen on the recording"] * 2
    # a second click changes nothing
    assert "already submitted" in again.content.decode()
    assert AuditEvent.objects.filter(action=event.action).count() == 1


def test_only_disagreements_may_be_decided(moderation):
    attempt = moderation["attempt"]
    areas = _areas(attempt)
    decisions = {
        (areas[1].pk, "role_play_1"): ModerationDecision("first", "Clear"),
        (areas[3].pk, "written"): ModerationDecision("first", "Clear"),
        (areas[2].pk, "role_play_2"): ModerationDecision("second", "Sneaked in"),
    }
    with pytest.raises(AssessmentError):
        services.moderation_decide(
            allocation=moderation["moderator"],
            decisions=decisions,
            actor=moderation["moderator"].assessor,
        )
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.SCORED


def test_the_second_marker_cannot_moderate(moderation):
    second = moderation["second"]
    with pytest.raises(AssessmentError):
        services.moderation_decide(allocation=second, decisions={}, actor=second.assessor)
