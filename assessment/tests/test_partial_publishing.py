"""Publishing only the outcomes that are ready: one outcome missing something never holds the
others back, and what is missing is linked from the page. Confirming asks the same checks."""

import pytest
from django.urls import reverse

from assessment import selectors, services, signals
from assessment.models import Attempt, AttemptState, Outcome, OutcomeResult
from assessment.services import AssessmentError
from feedback.tests.factories import first_marker_of, write_feedback
from naas.models import AuditEvent

from .factories import administrator, draft_outcome

pytestmark = pytest.mark.django_db

FIX_URL = "/fix-it-here/"


@pytest.fixture
def held_back():
    """A pre-publish check (with a fix page) that refuses the outcomes put in the list."""
    refused: list[int] = []

    def check(outcome):
        return ["Upload the missing evidence"] if outcome.pk in refused else []

    signals.register_pre_publish_check(check, fix_url=lambda outcome: FIX_URL)
    yield refused
    signals.pre_publish_checks.remove(check)
    signals._fix_urls.pop(check)


def confirmed_pair(admin):
    first, second = draft_outcome(admin=admin), draft_outcome(admin=admin)
    for outcome in (first, second):
        services.outcome_confirm(outcome=outcome, actor=admin)
    return first, second


def test_the_page_ticks_the_ready_and_links_what_the_others_miss(client, held_back):
    admin = administrator()
    ready, waiting = confirmed_pair(admin)
    held_back.append(waiting.pk)
    client.force_login(admin)
    page = client.get(reverse("assessment:outcomes_publish")).content.decode()
    assert f'value="{ready.pk}" checked' in page
    assert f'value="{waiting.pk}"' not in page
    assert f'<a class="govuk-link" href="{FIX_URL}">Upload the missing evidence</a>' in page


def test_publishing_publishes_only_the_ticked_ready_ones_once(client, held_back):
    admin = administrator()
    ready, waiting = confirmed_pair(admin)
    held_back.append(waiting.pk)
    client.force_login(admin)
    url = reverse("assessment:outcomes_publish")
    # when the stale page sends both, then the same again (a second click)
    first = client.post(url, {"outcome": [ready.pk, waiting.pk]})
    events = AuditEvent.objects.count()
    second = client.post(url, {"outcome": [ready.pk, waiting.pk]})
    # then only the ready one is published, once, with its audit event
    assert first.status_code == 302
    assert Outcome.objects.get(pk=ready.pk).is_published
    assert not Outcome.objects.get(pk=waiting.pk).is_published
    assert Attempt.objects.get(pk=waiting.attempt_id).state != AttemptState.OUTCOME_PUBLISHED
    assert AuditEvent.objects.filter(action="outcome.published").count() == 1
    assert second.status_code == 409
    assert f'<a href="{FIX_URL}">{waiting.reference}: Upload the missing evidence</a>' in (
        second.content.decode()
    )
    assert AuditEvent.objects.count() == events
    done = client.get(reverse("assessment:outcomes_published")).content.decode()
    assert ready.reference in done and "1 outcome could not be published" in done


def test_unticking_every_box_is_an_error_and_publishes_nothing(client):
    admin = administrator()
    confirmed_pair(admin)
    client.force_login(admin)
    response = client.post(reverse("assessment:outcomes_publish"), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#outcome">Select the outcomes to publish</a>' in page
    assert "<title>Error: " in page
    assert not Outcome.objects.filter(published_at__isnull=False).exists()


def not_met_draft(admin):
    return draft_outcome(admin=admin, results={10: OutcomeResult.NOT_MET})


def test_confirming_is_refused_while_feedback_is_missing_then_allowed():
    admin = administrator()
    outcome = not_met_draft(admin)
    with pytest.raises(AssessmentError) as refused:
        services.outcome_confirm(outcome=outcome, actor=admin)
    assert "Write feedback for area 10" in refused.value.messages[0]
    assert refused.value.messages[0].fix_url == reverse(
        "feedback:write_feedback", kwargs={"attempt_id": outcome.attempt_id}
    )
    assert Outcome.objects.get(pk=outcome.pk).confirmed_at is None
    # once the first marker writes it, the same outcome is confirmed
    write_feedback(outcome.attempt, first_marker_of(outcome.attempt), {10: "Plan more visits"})
    assert services.outcome_confirm(outcome=outcome, actor=admin).confirmed_at is not None


def test_the_confirm_page_links_the_missing_feedback(client):
    admin = administrator()
    outcome = not_met_draft(admin)
    feedback_url = reverse("feedback:write_feedback", kwargs={"attempt_id": outcome.attempt_id})
    client.force_login(admin)
    url = reverse("assessment:outcome_confirm", args=[outcome.pk])
    shown = client.get(url).content.decode()
    assert "You cannot confirm this outcome yet" in shown
    assert f'href="{feedback_url}">Write feedback for area 10' in shown
    assert "Confirm outcome</button>" not in shown
    events = AuditEvent.objects.count()
    refused = client.post(url)
    assert refused.status_code == 409
    assert f'<a href="{feedback_url}">Write feedback for area 10' in refused.content.decode()
    assert AuditEvent.objects.count() == events
    assert selectors.current_outcome(outcome.attempt).confirmed_at is None
