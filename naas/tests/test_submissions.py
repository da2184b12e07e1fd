"""A replayed create form (double click, browser resend) makes nothing the second time."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import resolve, reverse

from endorsement.models import ServiceUserFeedback, SupervisionSession
from naas.models import AuditEvent, KSSFramework, SubmittedForm
from naas.submissions import ALREADY_SAVED, once_per_submission
from naas.tests.factories import SocialWorkerFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))

# Every view whose POST creates a record: each must refuse a replay.
CREATE_VIEWS = [
    ("endorsement:start", {"worker_id": 1}),
    ("endorsement:supervision_new", {"worker_id": 1}),
    ("endorsement:feedback_new", {"worker_id": 1}),
    ("feedback:support_action_new", {"worker_id": 1}),
    ("assessment:centres", {}),
    ("assessment:sitting_create", {}),
    ("assessment:item_create", {}),
    ("assessment:item_revise", {"item_id": 1}),
    ("assessment:test_form_create", {}),
    ("assessment:rule_set_create", {"framework_id": 1}),
    ("reporting:la_reports", {"la_id": 1}),
]


@pytest.mark.parametrize(("name", "kwargs"), CREATE_VIEWS)
def test_every_create_view_refuses_replays(name, kwargs):
    view = resolve(reverse(name, kwargs=kwargs)).func
    assert getattr(view, "refuses_replays", False), f"{name} does not refuse a replayed POST"


def _post(user, data, path="/things/new/"):
    request = RequestFactory().post(path, data)
    request.user = user
    request._messages = _Messages()
    return request


class _Messages(list):
    """Just enough of the messages storage for the decorator's notice."""

    level = 0

    def add(self, level, message, extra_tags=""):
        self.append(message)


def _counting_view():
    made = []

    @once_per_submission
    def view(request):
        if request.POST.get("title") == "":
            return HttpResponse("Enter a title", status=400)
        made.append(request.POST["title"])
        return redirect(f"/things/{len(made)}/")

    return view, made


def test_a_replay_makes_nothing_and_is_sent_to_the_first_result():
    # given
    user = UserFactory()
    view, made = _counting_view()
    data = {"csrfmiddlewaretoken": "masked-1", "title": "A"}
    # when
    first = view(_post(user, data))
    second = view(_post(user, data))
    # then
    assert made == ["A"]
    assert first["Location"] == second["Location"] == "/things/1/"
    assert SubmittedForm.objects.count() == 1


def test_a_new_visit_to_the_form_can_make_a_second_record():
    user = UserFactory()
    view, made = _counting_view()
    view(_post(user, {"csrfmiddlewaretoken": "masked-1", "title": "A"}))
    view(_post(user, {"csrfmiddlewaretoken": "masked-2", "title": "A"}))
    assert made == ["A", "A"]


def test_a_refused_form_leaves_no_claim_so_it_can_be_corrected_and_sent():
    user = UserFactory()
    view, made = _counting_view()
    refused = view(_post(user, {"csrfmiddlewaretoken": "m", "title": ""}))
    assert refused.status_code == 400
    assert SubmittedForm.objects.count() == 0
    view(_post(user, {"csrfmiddlewaretoken": "m", "title": "B"}))
    assert made == ["B"]


def test_the_same_body_from_another_user_is_not_a_replay():
    view, made = _counting_view()
    data = {"csrfmiddlewaretoken": "same", "title": "A"}
    view(_post(UserFactory(), data))
    view(_post(UserFactory(), data))
    assert made == ["A", "A"]


def test_a_view_that_raises_leaves_no_claim():
    user = UserFactory()

    @once_per_submission
    def broken(request):
        raise RuntimeError("storage unavailable")

    with pytest.raises(RuntimeError):
        broken(_post(user, {"csrfmiddlewaretoken": "m"}))
    assert SubmittedForm.objects.count() == 0


def _date(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@time_machine.travel(TODAY, tick=False)
def test_a_double_clicked_supervision_session_is_recorded_once(client):
    # given a supervisor on the form
    worker = SocialWorkerFactory()
    areas = list(KSSFramework.objects.get(level=worker.job_level, is_current=True).areas.all())
    client.force_login(worker.supervisor)
    url = reverse("endorsement:supervision_new", args=[worker.pk])
    data = {
        "csrfmiddlewaretoken": "one-page-load",
        **_date("held_on", TODAY.date()),
        **{f"area_{a.pk}": "none" for a in areas},
        f"area_{areas[0].pk}": "ready",
        "reflection": "We reflected on a family assessment.",
    }
    audits = AuditEvent.objects.count()
    # when the same form is sent twice
    first = client.post(url, data)
    second = client.post(url, data)
    # then one session, one audit event, and the second lands where the first did
    assert SupervisionSession.objects.filter(worker=worker).count() == 1
    assert AuditEvent.objects.count() == audits + 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert ALREADY_SAVED in [str(m) for m in get_messages(second.wsgi_request)]


@time_machine.travel(TODAY, tick=False)
def test_a_double_clicked_service_user_feedback_is_recorded_once(client):
    worker = SocialWorkerFactory()
    client.force_login(worker.supervisor)
    url = reverse("endorsement:feedback_new", args=[worker.pk])
    data = {
        "csrfmiddlewaretoken": "one-page-load",
        **_date("received_on", TODAY.date()),
        "source_type": "parent_carer",
        "summary": "Listened well.",
    }
    client.post(url, data)
    client.post(url, data)
    assert ServiceUserFeedback.objects.filter(worker=worker).count() == 1
