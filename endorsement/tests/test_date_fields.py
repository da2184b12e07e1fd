"""Every date typed into the endorsement pages (supervision held on, feedback received on and
considered on) is checked against its range, told back in GOV.UK words, and saves nothing when
refused; a stale or tampered hidden version is a page error, never a bare 400."""

from datetime import date

import pytest
from django.urls import reverse

from endorsement.forms import (
    PAGE_CHANGED_MESSAGE,
    ConsideredForm,
    FeedbackForm,
    SupervisionSessionForm,
)
from endorsement.models import Endorsement, ServiceUserFeedback, SupervisionSession
from naas.dates import SERVICE_START
from naas.models import AuditEvent, KSSFramework
from naas.tests.date_cases import TODAY, accepted, frozen, on, refused, typed
from naas.tests.factories import SocialWorkerFactory

from .factories import ServiceUserFeedbackFactory, la_lead_for, ready_endorsement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with frozen():
        yield


def url(name, *args):
    return reverse(f"endorsement:{name}", args=args)


# --- Each form's date field, on its own -------------------------------------------------------

FORMS = {
    "held_on": (lambda data: SupervisionSessionForm(data, areas=[]), "the date of the session"),
    "received_on": (lambda data: FeedbackForm(data), "the date the feedback was received"),
    "considered_on": (
        lambda data: ConsideredForm(data, received_on=SERVICE_START),
        "the date you considered the feedback",
    ),
}


def _cases(build):
    return [
        pytest.param(name, *case.values, id=f"{name}-{case.id}")
        for name, (_, what) in FORMS.items()
        for case in build(what)
    ]


@pytest.mark.parametrize(
    "name, parts, message", _cases(lambda what: refused(what, SERVICE_START, TODAY))
)
def test_each_date_refuses_bad_input(name, parts, message):
    form = FORMS[name][0](typed(name, *parts))
    assert not form.is_valid()
    assert form.errors[name] == [message]


@pytest.mark.parametrize(
    "name, parts, expected", _cases(lambda what: accepted(SERVICE_START, TODAY))
)
def test_each_date_accepts_both_ends_of_its_range(name, parts, expected):
    form = FORMS[name][0](typed(name, *parts))
    form.is_valid()
    assert name not in form.errors
    assert form.cleaned_data[name] == expected


def test_feedback_cannot_be_considered_before_it_was_received():
    form = ConsideredForm(on("considered_on", date(2026, 3, 1)), received_on=date(2026, 3, 2))
    assert not form.is_valid()
    assert form.errors["considered_on"] == [
        "The date you considered the feedback must be on or after 2 March 2026, "
        "when it was received"
    ]
    assert ConsideredForm(on("considered_on", date(2026, 3, 2)), received_on=date(2026, 3, 2))


# --- Through the pages: refused input saves nothing -------------------------------------------

PAGE_CASES = [
    case
    for case in refused("the date of the session", SERVICE_START, TODAY)
    if case.id in {"year-1", "year-9999", "31-february", "no-month", "text-day", "day-after-range"}
]


@pytest.fixture
def worker():
    return SocialWorkerFactory(employed_since=date(2015, 1, 1))


def _session_data(worker, **dates):
    areas = KSSFramework.objects.get(level=worker.job_level, is_current=True).areas.all()
    data = {f"area_{a.pk}": "none" for a in areas}
    data[f"area_{areas[0].pk}"] = "ready"
    return {**data, "reflection": "We reflected on a family's plan.", **dates}


@pytest.mark.parametrize("parts, message", PAGE_CASES)
def test_a_refused_session_date_saves_nothing(client, worker, parts, message):
    client.force_login(worker.supervisor)
    events = AuditEvent.objects.count()
    response = client.post(
        url("supervision_new", worker.pk), _session_data(worker, **typed("held_on", *parts))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f'<a href="#id_held_on_{1 if "month" in message else 0}">{message}</a>' in html
    assert SupervisionSession.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("held_on", [SERVICE_START, TODAY])
def test_a_session_on_either_end_of_the_range_is_recorded(client, worker, held_on):
    client.force_login(worker.supervisor)
    response = client.post(
        url("supervision_new", worker.pk), _session_data(worker, **on("held_on", held_on))
    )
    assert response.status_code == 302
    assert SupervisionSession.objects.get(worker=worker).held_on == held_on


@pytest.mark.parametrize(
    "parts, message",
    [
        case
        for case in refused("the date the feedback was received", SERVICE_START, TODAY)
        if case.id in {"year-1", "year-9999", "31-february", "no-day-year", "text-year"}
    ],
)
def test_a_refused_feedback_date_saves_nothing(client, worker, parts, message):
    client.force_login(worker.supervisor)
    events = AuditEvent.objects.count()
    response = client.post(
        url("feedback_new", worker.pk),
        {"source_type": "child", "summary": "Listened well.", **typed("received_on", *parts)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ServiceUserFeedback.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "parts, message",
    [
        (("31", "12", "9999"), "must be between 1 January 2018 and 15 June 2026"),
        (("30", "2", "2026"), "The date you considered the feedback must be a real date"),
        (("1", "5", ""), "The date you considered the feedback must include a year"),
        (("1", "4", "2026"), "must be on or after 2 May 2026, when it was received"),
    ],
)
def test_a_refused_considered_date_saves_nothing(client, parts, message):
    feedback = ServiceUserFeedbackFactory(considered_on=None, received_on=date(2026, 5, 2))
    client.force_login(feedback.worker.supervisor)
    events = AuditEvent.objects.count()
    response = client.post(
        url("feedback_considered", feedback.worker_id, feedback.pk), typed("considered_on", *parts)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.considered_on is None
    assert AuditEvent.objects.count() == events


# --- The hidden version: stale or tampered -----------------------------------------------------

TAMPERED = [
    pytest.param({"version": "abc"}, id="text"),
    pytest.param({"version": ""}, id="empty"),
    pytest.param({}, id="missing"),
    pytest.param({"version": "0"}, id="zero"),
    pytest.param({"version": "1.5"}, id="fraction"),
    pytest.param({"version": "99999999999999999999"}, id="too-big"),
]


def _shows_page_changed(response):
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert PAGE_CHANGED_MESSAGE in html


@pytest.mark.parametrize("version", TAMPERED)
def test_a_tampered_version_on_sign_off_is_a_page_error(client, version):
    endorsement = ready_endorsement()
    client.force_login(endorsement.worker.supervisor)
    response = client.post(url("sign_off", endorsement.pk), {"statement": "Ready.", **version})
    _shows_page_changed(response)
    assert f"endorsement:sign_off:{endorsement.pk}" not in client.session
    assert Endorsement.objects.get(pk=endorsement.pk).state == endorsement.state


@pytest.mark.parametrize("version", TAMPERED)
def test_a_tampered_version_on_consent_is_a_page_error(client, version):
    endorsement = ready_endorsement(consent_recorded_at=None)
    client.force_login(endorsement.worker.user)
    events = AuditEvent.objects.count()
    response = client.post(url("consent", endorsement.pk), {"agree": "on", **version})
    _shows_page_changed(response)
    assert Endorsement.objects.get(pk=endorsement.pk).consent_recorded_at is None
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("version", TAMPERED[:3])
def test_a_tampered_version_on_the_leads_decision_is_a_page_error(client, version):
    endorsement = ready_endorsement(state="signed_off")
    client.force_login(la_lead_for(endorsement.worker.local_authority))
    response = client.post(
        url("decision", endorsement.pk), {"decision": "confirm", "reason": "", **version}
    )
    _shows_page_changed(response)
    assert Endorsement.objects.get(pk=endorsement.pk).state == "signed_off"
