"""The shared check-your-answers flow: keep, show, send once, and refuse what is stale."""

from datetime import date, datetime
from importlib import import_module
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path

from naas.flows import AlreadySent, Flow, PendingAnswers, RecordChanged

pytestmark = [pytest.mark.django_db, pytest.mark.urls("naas.tests.test_flows")]


def _page(request, **kwargs):
    return HttpResponse()


urlpatterns = [
    path(
        "demo/",
        include(
            (
                [
                    path("<int:pk>/act/", _page, name="act"),
                    path("<int:pk>/act/check/", _page, name="act_check"),
                    path("<int:pk>/act/done/", _page, name="act_done"),
                    path("<int:thing_id>/start/", _page, name="start"),
                    path("<int:thing_id>/start/sure/", _page, name="start_sure"),
                ],
                "demo",
            )
        ),
    )
]

NUMBERED = Flow("demo", "act")
STAMPED = Flow("demo", "act", version_of=lambda record: (record.state, record.updated_at))
MORNING = datetime(2027, 3, 1, 9, 0)


class ServiceRefused(Exception):
    pass


def _session():
    return import_module(settings.SESSION_ENGINE).SessionStore()


def _request(method: str, session):
    """A request carrying `session` as the session store last saved it, so every answer has
    been through the real serialiser."""
    session.save()
    request = getattr(RequestFactory(), method)("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
    return request


def _record(pk=7, version=3, state="draft"):
    return SimpleNamespace(pk=pk, version=version, state=state, updated_at=MORNING)


def _refusal(exc):
    return HttpResponse(f"{type(exc).__name__}: {exc}", status=409)


def _check(request, record, *, flow=NUMBERED, act=None, **options):
    return PendingAnswers(request, flow, record).check_then_act(
        show=lambda answers: HttpResponse(f"Check {answers}"),
        act=act or mock.Mock(return_value=None),
        refuse=_refusal,
        **options,
    )


def _kept(session, record, answers, *, flow=NUMBERED, version=None):
    """Send the form: keep `answers` and return the session they now wait in."""
    request = _request("post", session)
    response = PendingAnswers(request, flow, record).keep(answers, version=version)
    request.session.save()
    return response, request.session


# --- Keeping answers ---------------------------------------------------------------------------


def test_keeping_answers_goes_on_to_the_check_page():
    # when
    response, _ = _kept(_session(), _record(), {"reason": "Not ready"})
    # then
    assert response.status_code == 302
    assert response.url == "/demo/7/act/check/"


def test_answers_wait_under_namespace_flow_and_pk_as_json():
    # when
    _, session = _kept(_session(), _record(), {"on": date(2027, 2, 1), "ids": (1, 2)}, version=2)
    # then
    assert session["demo:act:7"] == {
        "version": 2,
        "answers": {"on": "2027-02-01", "ids": [1, 2]},
    }


def test_an_answer_json_cannot_hold_is_refused_when_kept():
    request = _request("post", _session())
    with pytest.raises(TypeError):
        PendingAnswers(request, NUMBERED, _record()).keep({"record": object()})
    assert "demo:act:7" not in request.session


def test_without_a_version_from_the_form_the_record_version_now_is_kept():
    _, session = _kept(_session(), _record(version=5), {"reason": "x"})
    assert session["demo:act:7"]["version"] == 5


def test_a_stamped_record_keeps_its_stamp_as_json():
    _, session = _kept(_session(), _record(), {"reason": "x"}, flow=STAMPED)
    assert session["demo:act:7"]["version"] == ["draft", "2027-03-01T09:00:00"]


def test_answers_for_one_record_do_not_reach_another():
    _, session = _kept(_session(), _record(pk=7), {"reason": "x"})
    assert PendingAnswers(_request("get", session), NUMBERED, _record(pk=8)).answers is None


# --- The form's first values -------------------------------------------------------------------


def test_a_first_form_shows_the_defaults_and_the_record_version():
    pending = PendingAnswers(_request("get", _session()), NUMBERED, _record(version=3))
    assert pending.initial(reason="", decision=None) == {
        "version": 3,
        "reason": "",
        "decision": None,
    }


def test_coming_back_to_change_shows_the_kept_answers_and_their_older_version():
    # given answers kept against version 2
    _, session = _kept(_session(), _record(version=2), {"reason": "Not ready"}, version=2)
    # when the record has moved on to version 4
    pending = PendingAnswers(_request("get", session), NUMBERED, _record(version=4))
    # then the change is still caught when sent
    assert pending.initial(reason="", decision=None) == {
        "version": 2,
        "reason": "Not ready",
        "decision": None,
    }


# --- Checking and sending ----------------------------------------------------------------------


def test_the_check_page_shows_the_answers_and_keeps_them():
    _, session = _kept(_session(), _record(), {"reason": "Not ready"})
    request = _request("get", session)
    response = _check(request, _record())
    assert response.content == b"Check {'reason': 'Not ready'}"
    assert request.session["demo:act:7"]["answers"] == {"reason": "Not ready"}


def test_sending_acts_once_with_the_answers_and_the_version_shown():
    # given
    _, session = _kept(_session(), _record(), {"reason": "Not ready"}, version=3)
    act = mock.Mock()
    request = _request("post", session)
    # when
    response = _check(request, _record(), act=act)
    # then
    act.assert_called_once_with({"reason": "Not ready"}, 3)
    assert response.url == "/demo/7/act/done/"
    assert "demo:act:7" not in request.session


def test_a_double_click_finds_nothing_and_changes_nothing():
    # given the first click has sent the answers
    _, session = _kept(_session(), _record(), {"reason": "Not ready"})
    first = _request("post", session)
    _check(first, _record())
    first.session.save()
    act = mock.Mock()
    # when
    response = _check(_request("post", first.session), _record(), act=act)
    # then
    act.assert_not_called()
    assert response.status_code == 409
    assert response.content.decode() == f"AlreadySent: {AlreadySent()}"


def test_a_service_refusal_is_shown_and_drops_the_answers():
    _, session = _kept(_session(), _record(), {"reason": "Not ready"})
    request = _request("post", session)
    response = _check(
        request,
        _record(),
        act=mock.Mock(side_effect=ServiceRefused("The endorsement is closed")),
        errors=(ServiceRefused,),
    )
    assert response.content == b"ServiceRefused: The endorsement is closed"
    assert "demo:act:7" not in request.session


def test_an_unexpected_error_is_not_dressed_up_as_a_refusal():
    _, session = _kept(_session(), _record(), {"reason": "Not ready"})
    with pytest.raises(ZeroDivisionError):
        _check(_request("post", session), _record(), act=mock.Mock(side_effect=ZeroDivisionError))


def test_a_stamped_record_that_moved_on_is_refused_before_acting():
    # given answers kept while the record was a draft
    _, session = _kept(_session(), _record(state="draft"), {"reason": "x"}, flow=STAMPED)
    act = mock.Mock()
    request = _request("post", session)
    # when a colleague has moved it on
    response = _check(request, _record(state="closed"), flow=STAMPED, act=act)
    # then
    act.assert_not_called()
    assert response.content.decode() == f"RecordChanged: {RecordChanged()}"
    assert "demo:act:7" not in request.session


def test_a_stamped_record_that_was_touched_again_is_refused():
    _, session = _kept(_session(), _record(), {"reason": "x"}, flow=STAMPED)
    touched = _record()
    touched.updated_at = datetime(2027, 3, 1, 9, 5)
    response = _check(_request("post", session), touched, flow=STAMPED)
    assert response.content.startswith(b"RecordChanged")


def test_a_stamped_record_unchanged_is_sent():
    _, session = _kept(_session(), _record(), {"reason": "x"}, flow=STAMPED)
    act = mock.Mock()
    response = _check(_request("post", session), _record(), flow=STAMPED, act=act)
    act.assert_called_once_with({"reason": "x"}, ["draft", "2027-03-01T09:00:00"])
    assert response.url == "/demo/7/act/done/"


def test_a_numbered_record_leaves_the_version_check_to_the_service():
    # the service compares under its row lock; a page-level check would only race it
    _, session = _kept(_session(), _record(version=3), {"reason": "x"}, version=3)
    act = mock.Mock()
    _check(_request("post", session), _record(version=4), act=act)
    act.assert_called_once_with({"reason": "x"}, 3)


# --- Nothing waiting ---------------------------------------------------------------------------


def test_opening_the_check_page_with_nothing_waiting_goes_back_to_the_form():
    response = _check(_request("get", _session()), _record())
    assert response.url == "/demo/7/act/"


def test_an_expired_session_sends_nothing():
    # given answers kept, then the session ends (signed out, timed out)
    _, session = _kept(_session(), _record(), {"reason": "x"})
    session.flush()
    act = mock.Mock()
    # when
    response = _check(_request("post", session), _record(), act=act)
    # then
    act.assert_not_called()
    assert response.content.startswith(b"AlreadySent")


def test_answers_kept_in_an_older_shape_count_as_none():
    # given answers an earlier release kept flat, without the version beside them
    session = _session()
    session[NUMBERED.key(7)] = {"version": 3, "reason": "x"}
    act = mock.Mock()
    # when the check page is opened, then sent
    opened = _check(_request("get", session), _record(), act=act)
    sent = _check(_request("post", session), _record(), act=act)
    # then the user goes back to the form, and nothing is sent
    assert opened.url == "/demo/7/act/"
    assert sent.content.startswith(b"AlreadySent")
    act.assert_not_called()


# --- Naming the pages --------------------------------------------------------------------------

RENAMED = Flow(
    "demo",
    "starting",
    url_kwarg="thing_id",
    form_url="demo:start",
    check_url="demo:start_sure",
)


def test_page_names_and_their_argument_can_be_chosen():
    response, session = _kept(_session(), _record(pk=4), {"x": 1}, flow=RENAMED)
    assert response.url == "/demo/4/start/sure/"
    assert "demo:starting:4" in session
    assert _check(_request("get", _session()), _record(pk=4), flow=RENAMED).url == "/demo/4/start/"


def test_the_done_page_can_be_chosen_from_what_the_service_made():
    _, session = _kept(_session(), _record(pk=4), {"x": 1}, flow=RENAMED)
    response = _check(
        _request("post", session),
        _record(pk=4),
        flow=RENAMED,
        act=mock.Mock(return_value="booking 12"),
        done=lambda made: HttpResponse(f"Made {made}"),
    )
    assert response.content == b"Made booking 12"
