"""A worker asks their supervisor for support in the areas they did not meet: the form, check
your answers and send once, the email, the audit event, and what the supervisor then sees."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from feedback import services
from feedback.audit import FeedbackAction
from feedback.models import SUPPORT_REQUEST_MAX, SupportRequest
from naas.models import AuditEvent, Role
from naas.notify.models import NotifyMessage
from naas.tests.factories import staff_user

from .factories import NOT_MET, PARTIAL, published_result

pytestmark = pytest.mark.django_db

HELP = "Time to shadow a senior colleague on two assessments."


@pytest.fixture
def partial():
    outcome, _ = published_result({5: NOT_MET, 9: PARTIAL})
    return outcome


def _area(outcome, number):
    return outcome.attempt.framework.areas.get(number=number)


def _urls(outcome):
    return {
        page: reverse(f"feedback:support_request{suffix}", args=[outcome.pk])
        for page, suffix in [("form", ""), ("check", "_check"), ("done", "_done")]
    }


def test_the_results_page_offers_to_ask_for_support(client, partial):
    client.force_login(partial.attempt.worker.user)
    page = client.get(reverse("feedback:my_results")).content.decode()
    assert _urls(partial)["form"] in page


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"what_would_help": HELP}, "Select at least one area you would like support with"),
        ({"areas": "AREA5", "what_would_help": "  "}, "Enter what would help you"),
        (
            {"areas": "AREA5", "what_would_help": "x" * (SUPPORT_REQUEST_MAX + 1)},
            f"What would help must be {SUPPORT_REQUEST_MAX} characters or fewer",
        ),
        ({"areas": "AREA1", "what_would_help": HELP}, "Select only areas you did not meet"),
        ({"areas": "999999", "what_would_help": HELP}, "Select only areas you did not meet"),
    ],
)
def test_bad_answers_are_shown_and_nothing_is_kept(client, partial, posted, message):
    # given the worker on the form; area 1 was met
    client.force_login(partial.attempt.worker.user)
    data = dict(posted)
    if str(data.get("areas", "")).startswith("AREA"):
        data["areas"] = str(_area(partial, int(data["areas"][4:])).pk)
    # when
    response = client.post(_urls(partial)["form"], data)
    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and message in page
    assert "<title>Error: " in page
    assert not SupportRequest.objects.exists()


def test_worker_asks_checks_and_sends_once(client, partial, django_capture_on_commit_callbacks):
    # given
    worker = partial.attempt.worker
    urls = _urls(partial)
    area5, area9 = _area(partial, 5), _area(partial, 9)
    client.force_login(worker.user)
    # when the worker chooses both areas and says what would help
    kept = client.post(urls["form"], {"areas": [area5.pk, area9.pk], "what_would_help": HELP})
    check = client.get(urls["check"]).content.decode()
    # then the answers are shown before anything is sent
    assert kept.status_code == 302 and kept["Location"] == urls["check"]
    assert HELP in check and area9.title in check
    assert not SupportRequest.objects.exists()
    # when they send it, twice (a double click)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(urls["check"])
        again = client.post(urls["check"])
    # then one request exists, audited, and the supervisor alone is emailed once
    item = SupportRequest.objects.get()
    assert sent["Location"] == again["Location"] == urls["done"]
    assert set(item.areas.all()) == {area5, area9}
    assert item.what_would_help == HELP and item.sent_to == worker.supervisor
    event = AuditEvent.objects.get(action=FeedbackAction.SUPPORT_REQUESTED)
    assert event.actor == worker.user
    assert HELP not in str(event.detail)
    [message] = NotifyMessage.objects.all()
    assert (message.kind, message.recipient) == ("feedback_support_requested", worker.supervisor)
    assert HELP not in str(message.personalisation)
    assert message.personalisation["worker_name"] == worker.user.full_name
    done = client.get(urls["done"]).content.decode()
    assert worker.supervisor.full_name in done


def test_the_supervisor_and_la_lead_see_the_request_where_support_is_planned(client, partial):
    worker = partial.attempt.worker
    services.support_request_send(
        outcome=partial,
        area_ids=[_area(partial, 5).pk],
        what_would_help=HELP,
        actor=worker.user,
    )
    page_url = reverse("feedback:worker_results", args=[worker.pk])
    for viewer in [worker.supervisor, staff_user(Role.LA_LEAD, worker.local_authority)]:
        client.force_login(viewer)
        page = client.get(page_url).content.decode()
        assert HELP in page
        assert (
            f"Support {escape(worker.user.full_name)} asked for" in page
        )  # a name may hold an apostrophe
        assert _urls(partial)["form"] not in page  # only the worker asks


def test_a_worker_without_a_supervisor_reaches_their_la_lead(
    partial, django_capture_on_commit_callbacks
):
    worker = partial.attempt.worker
    lead = staff_user(Role.LA_LEAD, worker.local_authority)
    type(worker).objects.filter(pk=worker.pk).update(supervisor=None)
    with django_capture_on_commit_callbacks(execute=True):
        item = services.support_request_send(
            outcome=partial,
            area_ids=[_area(partial, 5).pk],
            what_would_help=HELP,
            actor=worker.user,
        )
    assert item.sent_to is None
    assert lead in [m.recipient for m in NotifyMessage.objects.all()]


def test_nobody_else_can_ask_on_a_workers_outcome(client, partial):
    # given another worker, and the worker's own supervisor
    other, _ = published_result({3: NOT_MET})
    urls = _urls(partial)
    for stranger in [other.attempt.worker.user, partial.attempt.worker.supervisor]:
        client.force_login(stranger)
        # when they open or post the pages with this outcome's id
        responses = [
            client.get(urls["form"]),
            client.post(urls["form"], {"areas": [_area(partial, 5).pk], "what_would_help": HELP}),
            client.post(urls["check"]),
            client.get(urls["done"]),
        ]
        # then nothing is found and nothing is made
        assert {r.status_code for r in responses} <= {403, 404}
    with pytest.raises(services.FeedbackError):
        services.support_request_send(
            outcome=partial,
            area_ids=[_area(partial, 5).pk],
            what_would_help=HELP,
            actor=other.attempt.worker.user,
        )
    assert not SupportRequest.objects.exists()


def test_a_met_worker_has_nothing_to_ask(client):
    met, _ = published_result()
    client.force_login(met.attempt.worker.user)
    response = client.get(_urls(met)["form"])
    assert response.status_code == 409
    assert "no support to ask for" in response.content.decode()
    page = client.get(reverse("feedback:my_results")).content.decode()
    assert _urls(met)["form"] not in page


def test_the_service_refuses_areas_that_were_met(partial):
    with pytest.raises(services.FeedbackError, match="Select only areas you did not meet"):
        services.support_request_send(
            outcome=partial,
            area_ids=[_area(partial, 1).pk],
            what_would_help=HELP,
            actor=partial.attempt.worker.user,
        )
    assert not AuditEvent.objects.filter(action=FeedbackAction.SUPPORT_REQUESTED).exists()
