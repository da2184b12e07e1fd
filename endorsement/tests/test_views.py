"""The pages: the whole journey through forms, bad input refused with nothing saved,
double clicks, forged POSTs and strangers' ids."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from endorsement.models import (
    Endorsement,
    EndorsementState,
    ServiceUserFeedback,
    SupervisionSession,
)
from naas.models import AuditEvent, KSSFramework, Role
from naas.notify.models import NotifyMessage
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, staff_user

from .factories import (
    ServiceUserFeedbackFactory,
    SupervisionSessionFactory,
    eligible_worker,
    la_lead_for,
    ready_endorsement,
)

pytestmark = pytest.mark.django_db
S = EndorsementState


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def state_of(endorsement):
    return Endorsement.objects.get(pk=endorsement.pk).state


def url(name, *args):
    return reverse(f"endorsement:{name}", args=args)


def test_the_whole_journey_through_the_forms(client, django_capture_on_commit_callbacks):
    # given a worker who has been employed long enough, and their supervisor and LA lead
    worker = SocialWorkerFactory()
    supervisor = worker.supervisor
    lead = la_lead_for(worker.local_authority)
    areas = list(KSSFramework.objects.get(level=worker.job_level, is_current=True).areas.all())

    # the supervisor starts an endorsement
    client.force_login(supervisor)
    response = client.post(url("start", worker.pk), {"level": worker.job_level})
    assert response.status_code == 302
    endorsement = Endorsement.objects.get(worker=worker)

    # the worker gives consent on their own page
    client.force_login(worker.user)
    page = client.get(url("my_endorsement"))
    assert b"Give your consent" in page.content
    response = client.post(
        url("consent", endorsement.pk), {"version": endorsement.version, "agree": "on"}
    )
    assert response.status_code == 302
    assert Endorsement.objects.get(pk=endorsement.pk).has_consent

    # the supervisor records a supervision session and feedback, and marks it considered
    client.force_login(supervisor)
    response = client.post(
        url("supervision_new", worker.pk),
        {
            **date_fields("held_on", date.today()),
            **{f"area_{a.pk}": "none" for a in areas},
            f"area_{areas[0].pk}": "ready",
            f"area_{areas[1].pk}": "developing",
            "reflection": "We reflected on a family assessment.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    response = client.post(
        url("feedback_new", worker.pk),
        {
            **date_fields("received_on", date.today() - timedelta(days=2)),
            "source_type": "parent_carer",
            "summary": "Listened well.",
        },
    )
    assert response.status_code == 302
    feedback = ServiceUserFeedback.objects.get(worker=worker)
    response = client.post(
        url("feedback_considered", worker.pk, feedback.pk),
        date_fields("considered_on", date.today()),
    )
    assert response.status_code == 302
    page = client.get(url("supervisee", worker.pk))
    assert b"Ready" in page.content and b"govuk-task-list" in page.content

    # the supervisor signs off: form, check your answers, confirmation
    endorsement.refresh_from_db()
    response = client.post(
        url("sign_off", endorsement.pk), {"version": endorsement.version, "statement": "Ready."}
    )
    assert response["Location"] == url("sign_off_check", endorsement.pk)
    assert b"Check your sign-off" in client.get(response["Location"]).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("sign_off_check", endorsement.pk))
    assert response["Location"] == url("sign_off_done", endorsement.pk)
    assert b"has been signed off" in client.get(response["Location"]).content
    assert state_of(endorsement) == S.SIGNED_OFF
    assert NotifyMessage.objects.count() == 2

    # the LA lead confirms: queue, decision, check your answers, confirmation
    client.force_login(lead)
    assert worker.user.full_name.encode() in client.get(url("confirmation_queue")).content
    endorsement.refresh_from_db()
    response = client.post(
        url("decision", endorsement.pk),
        {"version": endorsement.version, "decision": "confirm", "reason": ""},
    )
    assert response["Location"] == url("decision_check", endorsement.pk)
    assert b"Confirm endorsement" in client.get(response["Location"]).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("decision_check", endorsement.pk))
    assert b"Endorsement confirmed" in client.get(response["Location"]).content
    assert state_of(endorsement) == S.ENDORSED

    # the worker sees "Endorsed"
    client.force_login(worker.user)
    page = client.get(url("my_endorsement"))
    assert b"govuk-tag--green" in page.content and b"Endorsed" in page.content


def test_the_lead_returns_a_sign_off_with_a_reason_the_supervisor_then_sees(client):
    endorsement = ready_endorsement(S.SIGNED_OFF)
    lead = la_lead_for(endorsement.worker.local_authority)
    client.force_login(lead)
    response = client.post(
        url("decision", endorsement.pk),
        {"version": endorsement.version, "decision": "return", "reason": ""},
    )
    assert response.status_code == 400
    assert b"Enter why you are returning it" in response.content
    client.post(
        url("decision", endorsement.pk),
        {"version": endorsement.version, "decision": "return", "reason": "Say more."},
    )
    client.post(url("decision_check", endorsement.pk))
    assert state_of(endorsement) == S.DRAFT
    client.force_login(endorsement.worker.supervisor)
    assert b"Say more." in client.get(url("supervisee", endorsement.worker_id)).content


def test_the_lead_declines_and_the_supervisor_declines_a_draft(client):
    signed = ready_endorsement(S.SIGNED_OFF)
    client.force_login(la_lead_for(signed.worker.local_authority))
    client.post(
        url("decision", signed.pk),
        {"version": signed.version, "decision": "decline", "reason": "Not ready."},
    )
    client.post(url("decision_check", signed.pk))
    assert state_of(signed) == S.DECLINED

    draft = ready_endorsement()
    client.force_login(draft.worker.supervisor)
    response = client.post(url("decline", draft.pk), {"version": draft.version, "reason": ""})
    assert response.status_code == 400
    client.post(url("decline", draft.pk), {"version": draft.version, "reason": "Later."})
    response = client.post(url("decline_check", draft.pk))
    assert response["Location"] == url("decline_done", draft.pk)
    assert state_of(draft) == S.DECLINED


def test_the_worker_withdraws_through_a_check_page(client):
    endorsement = ready_endorsement(S.ENDORSED)
    client.force_login(endorsement.worker.user)
    response = client.post(url("withdraw", endorsement.pk), {"version": endorsement.version})
    assert response["Location"] == url("withdraw_check", endorsement.pk)
    assert b"Check before you withdraw" in client.get(response["Location"]).content
    assert state_of(endorsement) == S.ENDORSED  # nothing happens before the check page
    response = client.post(url("withdraw_check", endorsement.pk))
    assert response["Location"] == url("withdraw_done", endorsement.pk)
    assert state_of(endorsement) == S.WITHDRAWN


# --- Bad input: refused with a message, nothing saved ------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, b"Enter the date of the session"),
        (
            {"held_on": date.today() + timedelta(days=1)},
            b"The date of the session must be between 1 January 2018 and",
        ),
        ({"held_on": "31-2-2026"}, b"must be a real date"),
        ({"no_areas": True}, b"at least one area"),
        ({"reflection": ""}, b"Enter a short reflection"),
        ({"reflection": "x" * 1501}, b"1500 characters or fewer"),
    ],
)
def test_bad_supervision_input_is_refused(client, fields, message):
    worker = SocialWorkerFactory()
    areas = list(KSSFramework.objects.get(level=worker.job_level, is_current=True).areas.all())
    data = {f"area_{a.pk}": "none" for a in areas}
    if not fields.get("no_areas"):
        data[f"area_{areas[0].pk}"] = "ready"
    data["reflection"] = fields.get("reflection", "Reflection")
    held_on = fields.get("held_on", date.today() if fields else None)
    if isinstance(held_on, date):
        data.update(date_fields("held_on", held_on))
    elif isinstance(held_on, str):
        d, m, y = held_on.split("-")
        data.update({"held_on_0": d, "held_on_1": m, "held_on_2": y})
    client.force_login(worker.supervisor)
    response = client.post(url("supervision_new", worker.pk), data)
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    assert message in response.content
    assert not SupervisionSession.objects.exists()


def test_feedback_considered_before_it_was_received_is_refused(client):
    feedback = ServiceUserFeedbackFactory(considered_on=None)
    client.force_login(feedback.worker.supervisor)
    response = client.post(
        url("feedback_considered", feedback.worker_id, feedback.pk),
        date_fields("considered_on", feedback.received_on - timedelta(days=1)),
    )
    assert response.status_code == 400
    assert b"on or after" in response.content
    assert ServiceUserFeedback.objects.get(pk=feedback.pk).considered_on is None


def test_future_feedback_is_refused(client):
    worker = SocialWorkerFactory()
    client.force_login(worker.supervisor)
    response = client.post(
        url("feedback_new", worker.pk),
        {
            **date_fields("received_on", date.today() + timedelta(days=1)),
            "source_type": "child",
            "summary": "x",
        },
    )
    assert response.status_code == 400
    assert not ServiceUserFeedback.objects.exists()


def test_sign_off_of_an_ineligible_worker_shows_what_is_missing(client):
    endorsement = ready_endorsement(consent_recorded_at=None)
    client.force_login(endorsement.worker.supervisor)
    response = client.get(url("sign_off", endorsement.pk))
    assert response.status_code == 400
    assert b"has not recorded their consent" in response.content
    response = client.post(
        url("sign_off", endorsement.pk), {"version": endorsement.version, "statement": "x"}
    )
    assert response.status_code == 400
    assert state_of(endorsement) == S.DRAFT


def test_consent_must_be_ticked(client):
    endorsement = ready_endorsement(consent_recorded_at=None)
    client.force_login(endorsement.worker.user)
    response = client.post(url("consent", endorsement.pk), {"version": endorsement.version})
    assert response.status_code == 400
    assert b"Tick the box to give your consent" in response.content
    assert not Endorsement.objects.get(pk=endorsement.pk).has_consent


# --- Double clicks, stale pages and forged POSTs -----------------------------------------------


def test_a_double_clicked_sign_off_lands_once(client):
    endorsement = ready_endorsement()
    client.force_login(endorsement.worker.supervisor)
    client.post(
        url("sign_off", endorsement.pk), {"version": endorsement.version, "statement": "Ready."}
    )
    first = client.post(url("sign_off_check", endorsement.pk))
    second = client.post(url("sign_off_check", endorsement.pk))
    assert first.status_code == 302
    assert second.status_code == 409
    assert b"already been sent" in second.content
    events = AuditEvent.objects.for_object(endorsement).filter(action="endorsement.signed_off")
    assert events.count() == 1


def test_a_double_clicked_confirmation_lands_once(client, django_capture_on_commit_callbacks):
    endorsement = ready_endorsement(S.SIGNED_OFF)
    client.force_login(la_lead_for(endorsement.worker.local_authority))
    client.post(
        url("decision", endorsement.pk),
        {"version": endorsement.version, "decision": "confirm", "reason": ""},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("decision_check", endorsement.pk)).status_code == 302
        assert client.post(url("decision_check", endorsement.pk)).status_code == 409
    assert NotifyMessage.objects.count() == 2  # one worker, one lead: sent once


def test_a_page_opened_before_someone_else_acted_is_refused(client):
    # given the supervisor opened the sign-off form, then the worker withdrew
    endorsement = ready_endorsement()
    client.force_login(endorsement.worker.supervisor)
    client.post(
        url("sign_off", endorsement.pk), {"version": endorsement.version, "statement": "Ready."}
    )
    from endorsement.services import endorsement_withdraw

    endorsement_withdraw(endorsement=endorsement, actor=endorsement.worker.user)
    # when the supervisor confirms the sign-off
    response = client.post(url("sign_off_check", endorsement.pk))
    # then they are told it has changed, and nothing else changes
    assert response.status_code == 409
    assert b"This endorsement has changed" in response.content
    assert state_of(endorsement) == S.WITHDRAWN


def test_a_tampered_version_is_refused(client):
    endorsement = ready_endorsement()
    client.force_login(endorsement.worker.supervisor)
    client.post(url("sign_off", endorsement.pk), {"version": 999, "statement": "Ready."})
    response = client.post(url("sign_off_check", endorsement.pk))
    assert response.status_code == 409
    assert state_of(endorsement) == S.DRAFT


@pytest.mark.parametrize(
    ("state", "page", "role"),
    [
        (S.ENDORSED, "sign_off", "supervisor"),
        (S.SIGNED_OFF, "sign_off", "supervisor"),
        (S.SIGNED_OFF, "decline", "supervisor"),
        (S.DRAFT, "decision", "lead"),
        (S.ENDORSED, "decision", "lead"),
        (S.LAPSED, "withdraw", "worker"),
        (S.SIGNED_OFF, "consent", "worker"),
    ],
)
def test_a_forged_post_to_a_transition_the_state_does_not_allow_changes_nothing(
    client, state, page, role
):
    endorsement = ready_endorsement(state, consent_recorded_at=None)
    actor = {
        "supervisor": endorsement.worker.supervisor,
        "lead": la_lead_for(endorsement.worker.local_authority),
        "worker": endorsement.worker.user,
    }[role]
    client.force_login(actor)
    before = AuditEvent.objects.count()
    response = client.post(
        url(page, endorsement.pk),
        {
            "version": endorsement.version,
            "statement": "x",
            "reason": "x",
            "decision": "confirm",
            "agree": "on",
        },
    )
    assert response.status_code in (400, 409)
    assert b"govuk-error-summary" in response.content
    row = Endorsement.objects.get(pk=endorsement.pk)
    assert (row.state, row.version, row.has_consent) == (state, endorsement.version, False)
    assert AuditEvent.objects.count() == before


def test_a_withdrawal_after_booking_is_refused(client):
    from django.utils import timezone

    endorsement = ready_endorsement(S.ENDORSED, used_at=timezone.now())
    client.force_login(endorsement.worker.user)
    response = client.get(url("withdraw", endorsement.pk))
    assert response.status_code == 400
    assert b"before an assessment is booked" in response.content
    assert b"Withdraw from your endorsement" not in client.get(url("my_endorsement")).content


# --- Strangers' ids --------------------------------------------------------------------------


def test_strangers_posting_to_someone_elses_records_get_404_and_change_nothing(client):
    endorsement = ready_endorsement(consent_recorded_at=None)
    worker = endorsement.worker
    feedback = ServiceUserFeedbackFactory(worker=worker, considered_on=None)
    other_la = LocalAuthorityFactory()
    outsider_supervisor = staff_user(Role.SUPERVISOR, other_la)
    outsider_lead = la_lead_for(other_la)
    outsider_worker = SocialWorkerFactory(local_authority=worker.local_authority).user
    signed = ready_endorsement(S.SIGNED_OFF)
    before = (AuditEvent.objects.count(), SupervisionSession.objects.count())

    client.force_login(outsider_supervisor)
    assert client.post(url("supervision_new", worker.pk), {}).status_code == 404
    assert client.post(url("feedback_new", worker.pk), {}).status_code == 404
    assert client.post(url("feedback_considered", worker.pk, feedback.pk), {}).status_code == 404
    assert client.post(url("start", worker.pk), {"level": worker.job_level}).status_code == 404
    assert client.post(url("sign_off", endorsement.pk), {}).status_code == 404
    assert client.post(url("sign_off_check", endorsement.pk)).status_code == 404
    client.force_login(outsider_lead)
    assert client.post(url("decision", signed.pk), {"decision": "confirm"}).status_code == 404
    assert client.post(url("decision_check", signed.pk)).status_code == 404
    client.force_login(outsider_worker)
    assert client.post(url("consent", endorsement.pk), {"agree": "on"}).status_code == 404
    assert client.post(url("withdraw", endorsement.pk), {}).status_code == 404
    # a supervisor's feedback id used under another of their supervisees is not found either
    other = SocialWorkerFactory(
        local_authority=worker.local_authority, supervisor=worker.supervisor
    )
    client.force_login(worker.supervisor)
    assert client.get(url("feedback_considered", other.pk, feedback.pk)).status_code == 404

    assert (AuditEvent.objects.count(), SupervisionSession.objects.count()) == before
    assert Endorsement.objects.get(pk=endorsement.pk).state == S.DRAFT
    assert Endorsement.objects.get(pk=signed.pk).state == S.SIGNED_OFF


def test_the_supervisees_page_keeps_a_constant_query_count(client, django_assert_max_num_queries):
    supervisor = staff_user(Role.SUPERVISOR)
    la = supervisor.staff_roles.get().local_authority
    for _ in range(8):
        ready_endorsement(worker=eligible_worker(local_authority=la, supervisor=supervisor))
    client.force_login(supervisor)
    with django_assert_max_num_queries(12):
        response = client.get(url("supervisees"))
    # each row's tag (the status filter offers the words once more, as an option)
    assert response.content.count(b'govuk-tag--green">Ready to sign off') == 8


def test_the_back_office_shows_endorsements_read_only(client):
    from naas.models import User

    endorsement = ready_endorsement()
    session = SupervisionSessionFactory(worker=endorsement.worker)
    client.force_login(User.objects.create_superuser(email="root@example.org", full_name="Root"))
    for name, pk in [
        ("endorsement_endorsement", endorsement.pk),
        ("endorsement_supervisionsession", session.pk),
        ("endorsement_serviceuserfeedback", None),
    ]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
        if pk:
            assert client.get(reverse(f"admin:{name}_change", args=[pk])).status_code == 200
    assert client.get(reverse("admin:endorsement_endorsement_add")).status_code == 403
