"""The endorsement services: transitions from every state, the eligibility rules at sign-off
(each refused with nothing saved), audit events one for one, notifications, and lapsing."""

import random
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from endorsement import selectors, services
from endorsement.eligibility import Rule
from endorsement.models import (
    Endorsement,
    EndorsementState,
    FeedbackSource,
    Readiness,
    ServiceUserFeedback,
    SupervisionSession,
)
from endorsement.services import (
    EndorsementChanged,
    EndorsementError,
    EndorsementNotAllowed,
    EndorsementNotEligible,
)
from naas.dates import add_months
from naas.models import AuditEvent, EmploymentType, KSSFramework, Level, Role
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


def snapshot(endorsement):
    """Everything that must stay the same when a service refuses."""
    row = Endorsement.objects.get(pk=endorsement.pk)
    return (
        row.state,
        row.version,
        row.signed_off_at,
        row.endorsed_at,
        row.last_reason,
        row.used_at,
        AuditEvent.objects.for_object(row).count(),
    )


def events(endorsement):
    return list(AuditEvent.objects.for_object(endorsement).order_by("id"))


# --- Every state against every service transition ---------------------------------------------


def call(name, endorsement, lead):
    worker = endorsement.worker
    today = timezone.localdate()
    if name == "sign_off":
        return services.endorsement_sign_off(
            endorsement=endorsement, actor=worker.supervisor, statement="Ready.", notify=False
        )
    if name == "return":
        return services.endorsement_return(endorsement=endorsement, actor=lead, reason="More.")
    if name == "confirm":
        return services.endorsement_confirm(endorsement=endorsement, actor=lead, notify=False)
    if name == "decline":
        actor = lead if endorsement.state == S.SIGNED_OFF else worker.supervisor
        return services.endorsement_decline(endorsement=endorsement, actor=actor, reason="No.")
    if name == "withdraw":
        return services.endorsement_withdraw(endorsement=endorsement, actor=worker.user)
    if name == "lapse":
        return services.endorsement_lapse(endorsement=endorsement, today=today)
    raise AssertionError(name)


SERVICE_TRANSITIONS = ["sign_off", "return", "confirm", "decline", "withdraw", "lapse"]
SERVICE_ALLOWED = {
    ("sign_off", S.DRAFT): S.SIGNED_OFF,
    ("return", S.SIGNED_OFF): S.DRAFT,
    ("confirm", S.SIGNED_OFF): S.ENDORSED,
    ("decline", S.DRAFT): S.DECLINED,
    ("decline", S.SIGNED_OFF): S.DECLINED,
    ("withdraw", S.DRAFT): S.WITHDRAWN,
    ("withdraw", S.SIGNED_OFF): S.WITHDRAWN,
    ("withdraw", S.ENDORSED): S.WITHDRAWN,
    ("lapse", S.ENDORSED): S.LAPSED,
}
ACTIONS = {
    "sign_off": "endorsement.signed_off",
    "return": "endorsement.returned",
    "confirm": "endorsement.confirmed",
    "decline": "endorsement.declined",
    "withdraw": "endorsement.withdrawn",
    "lapse": "endorsement.lapsed",
}


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("name", SERVICE_TRANSITIONS)
def test_every_state_against_every_service_transition(name, state):
    # given an endorsement in `state`, past its validity (so only the state decides a lapse)
    endorsement = ready_endorsement(state, valid_until=timezone.localdate() - timedelta(days=1))
    lead = la_lead_for(endorsement.worker.local_authority)
    before = snapshot(endorsement)
    target = SERVICE_ALLOWED.get((name, state))
    if target is None:
        # then a transition the state does not allow is refused and nothing changes
        with pytest.raises(EndorsementError):
            call(name, endorsement, lead)
        assert snapshot(endorsement) == before
    else:
        # then an allowed one moves, bumps the version and writes one audit event
        call(name, endorsement, lead)
        row = Endorsement.objects.get(pk=endorsement.pk)
        assert row.state == target
        assert row.version == before[1] + 1
        [event] = events(row)[before[-1] :]
        assert (event.action, event.from_state, event.to_state) == (ACTIONS[name], state, target)


def test_a_used_endorsement_cannot_be_withdrawn_or_lapse():
    endorsement = ready_endorsement(S.ENDORSED, valid_until=date.today() - timedelta(days=1))
    Endorsement.objects.filter(pk=endorsement.pk).update(used_at=timezone.now())
    before = snapshot(endorsement)
    with pytest.raises(EndorsementError, match="already used for a booking"):
        services.endorsement_withdraw(endorsement=endorsement, actor=endorsement.worker.user)
    with pytest.raises(EndorsementError):
        services.endorsement_lapse(endorsement=endorsement)
    assert snapshot(endorsement) == before


# --- Who may act -------------------------------------------------------------------------------


def test_only_the_lead_of_the_workers_la_confirms_returns_or_declines_a_sign_off():
    endorsement = ready_endorsement(S.SIGNED_OFF)
    other_lead = la_lead_for(LocalAuthorityFactory())
    supervisor = endorsement.worker.supervisor
    before = snapshot(endorsement)
    for actor in (other_lead, supervisor, endorsement.worker.user):
        with pytest.raises(EndorsementNotAllowed):
            services.endorsement_confirm(endorsement=endorsement, actor=actor)
        with pytest.raises(EndorsementNotAllowed):
            services.endorsement_return(endorsement=endorsement, actor=actor, reason="x")
        with pytest.raises(EndorsementNotAllowed):
            services.endorsement_decline(endorsement=endorsement, actor=actor, reason="x")
    assert snapshot(endorsement) == before


def test_only_the_worker_gives_consent_or_withdraws():
    endorsement = ready_endorsement(consent_recorded_at=None)
    stranger = SocialWorkerFactory(local_authority=endorsement.worker.local_authority).user
    before = snapshot(endorsement)
    for actor in (stranger, endorsement.worker.supervisor):
        with pytest.raises(EndorsementNotAllowed):
            services.endorsement_record_consent(endorsement=endorsement, actor=actor)
        with pytest.raises(EndorsementNotAllowed):
            services.endorsement_withdraw(endorsement=endorsement, actor=actor)
    assert snapshot(endorsement) == before


def test_consent_is_recorded_once_and_only_on_a_draft():
    endorsement = ready_endorsement(consent_recorded_at=None)
    worker_user = endorsement.worker.user
    services.endorsement_record_consent(endorsement=endorsement, actor=worker_user)
    endorsement.refresh_from_db()
    assert endorsement.has_consent
    assert events(endorsement)[-1].action == "endorsement.consent_recorded"
    with pytest.raises(EndorsementError, match="already recorded"):
        services.endorsement_record_consent(endorsement=endorsement, actor=worker_user)
    signed = ready_endorsement(S.SIGNED_OFF, consent_recorded_at=None)
    with pytest.raises(EndorsementError, match="draft"):
        services.endorsement_record_consent(endorsement=signed, actor=signed.worker.user)


# --- Eligibility at sign-off, each rule with nothing saved -------------------------------------


def break_consent(e):
    Endorsement.objects.filter(pk=e.pk).update(consent_recorded_at=None)


def break_supervision(e):
    SupervisionSession.objects.filter(worker=e.worker).delete()


def break_supervision_future(e):
    SupervisionSession.objects.filter(worker=e.worker).update(
        held_on=date.today() + timedelta(days=1)
    )


def break_feedback_old(e):
    ServiceUserFeedback.objects.filter(worker=e.worker).update(
        received_on=add_months(date.today(), -14),
        considered_on=add_months(date.today(), -12) - timedelta(days=1),
    )


def break_feedback_not_considered(e):
    ServiceUserFeedback.objects.filter(worker=e.worker).update(considered_on=None)


def break_tenure(e):
    la = e.worker.local_authority
    e.worker.employed_since = add_months(date.today(), -la.min_tenure_months) + timedelta(days=1)
    e.worker.save()


def break_future_start(e):
    e.worker.employed_since = date.today() + timedelta(days=1)
    e.worker.save()


def break_agency(e):
    la = e.worker.local_authority
    la.endorses_agency_workers = False
    la.save()
    e.worker.employment_type = EmploymentType.AGENCY
    e.worker.save()


def break_level(e):
    e.worker.job_level = Level.SUPERVISOR
    e.worker.save()


@pytest.mark.parametrize(
    ("breaker", "rule"),
    [
        (break_consent, Rule.CONSENT),
        (break_supervision, Rule.SUPERVISION),
        (break_supervision_future, Rule.SUPERVISION),
        (break_feedback_old, Rule.FEEDBACK),
        (break_feedback_not_considered, Rule.FEEDBACK),
        (break_tenure, Rule.TENURE),
        (break_future_start, Rule.FUTURE_DATE),
        (break_agency, Rule.AGENCY),
        (break_level, Rule.LEVEL),
    ],
)
def test_sign_off_refuses_each_rule_with_its_message_and_saves_nothing(breaker, rule):
    # given an endorsement that meets every rule but one
    endorsement = ready_endorsement()
    breaker(endorsement)
    before = snapshot(endorsement)
    # when the supervisor signs off, with notifications on
    with pytest.raises(EndorsementNotEligible) as refused:
        services.endorsement_sign_off(
            endorsement=endorsement, actor=endorsement.worker.supervisor, statement="Ready."
        )
    # then exactly that rule is reported, and nothing was saved or sent
    assert [p.rule for p in refused.value.problems] == [rule]
    assert snapshot(endorsement) == before
    assert not NotifyMessage.objects.exists()


def test_tenure_reached_today_passes_at_sign_off():
    endorsement = ready_endorsement()
    worker = endorsement.worker
    worker.employed_since = add_months(date.today(), -worker.local_authority.min_tenure_months)
    worker.save()
    services.endorsement_sign_off(
        endorsement=endorsement, actor=worker.supervisor, statement="Ready.", notify=False
    )
    assert Endorsement.objects.get(pk=endorsement.pk).state == S.SIGNED_OFF


def test_feedback_considered_exactly_12_months_ago_passes_at_sign_off():
    endorsement = ready_endorsement()
    ServiceUserFeedback.objects.filter(worker=endorsement.worker).update(
        received_on=add_months(date.today(), -13), considered_on=add_months(date.today(), -12)
    )
    services.endorsement_sign_off(
        endorsement=endorsement, actor=endorsement.worker.supervisor, statement="Ok", notify=False
    )
    assert Endorsement.objects.get(pk=endorsement.pk).state == S.SIGNED_OFF


def test_a_supervisor_in_another_la_cannot_sign_off_even_if_recorded_as_supervisor():
    endorsement = ready_endorsement()
    outsider = staff_user(Role.SUPERVISOR, LocalAuthorityFactory())
    worker = endorsement.worker
    worker.supervisor = outsider
    worker.save()
    before = snapshot(endorsement)
    with pytest.raises(EndorsementNotAllowed, match="supervisor"):
        services.endorsement_sign_off(endorsement=endorsement, actor=outsider, statement="x")
    assert snapshot(endorsement) == before


def test_another_supervisor_in_the_same_la_cannot_sign_off():
    endorsement = ready_endorsement()
    colleague = staff_user(Role.SUPERVISOR, endorsement.worker.local_authority)
    before = snapshot(endorsement)
    with pytest.raises(EndorsementNotAllowed):
        services.endorsement_sign_off(endorsement=endorsement, actor=colleague, statement="x")
    assert snapshot(endorsement) == before


def test_a_current_accreditation_at_the_level_refuses_sign_off(monkeypatch):
    endorsement = ready_endorsement()
    monkeypatch.setattr(selectors, "_accreditation_checks", [lambda worker, level: True])
    before = snapshot(endorsement)
    with pytest.raises(EndorsementNotEligible) as refused:
        services.endorsement_sign_off(
            endorsement=endorsement, actor=endorsement.worker.supervisor, statement="x"
        )
    assert [p.rule for p in refused.value.problems] == [Rule.ACCREDITED]
    assert snapshot(endorsement) == before


def test_the_accreditation_hook_is_asked_with_the_worker_and_level(monkeypatch):
    asked = []
    monkeypatch.setattr(selectors, "_accreditation_checks", [])
    selectors.register_accreditation_check(lambda w, level: asked.append((w.pk, level)) or False)
    worker = SocialWorkerFactory()
    assert selectors.worker_has_current_accreditation(worker, Level.PRACTITIONER) is False
    assert asked == [(worker.pk, Level.PRACTITIONER)]


def test_an_empty_statement_is_refused():
    endorsement = ready_endorsement()
    before = snapshot(endorsement)
    with pytest.raises(EndorsementError, match="Enter why"):
        services.endorsement_sign_off(
            endorsement=endorsement, actor=endorsement.worker.supervisor, statement="  "
        )
    assert snapshot(endorsement) == before


def test_confirmation_checks_eligibility_again():
    endorsement = ready_endorsement(S.SIGNED_OFF)
    lead = la_lead_for(endorsement.worker.local_authority)
    break_agency(endorsement)
    before = snapshot(endorsement)
    with pytest.raises(EndorsementNotEligible) as refused:
        services.endorsement_confirm(endorsement=endorsement, actor=lead)
    assert [p.rule for p in refused.value.problems] == [Rule.AGENCY]
    assert snapshot(endorsement) == before


# --- Starting --------------------------------------------------------------------------------


def test_the_supervisor_starts_an_endorsement_at_the_workers_level():
    worker = eligible_worker()
    endorsement = services.endorsement_start(
        worker=worker, level=worker.job_level, actor=worker.supervisor
    )
    assert (endorsement.state, endorsement.level, endorsement.has_consent) == (
        S.DRAFT,
        worker.job_level,
        False,
    )
    [event] = events(endorsement)
    assert (event.action, event.from_state, event.to_state) == ("endorsement.started", "", S.DRAFT)


def test_starting_refuses_a_level_that_does_not_fit_and_a_second_open_endorsement():
    worker = eligible_worker()
    with pytest.raises(EndorsementError, match="fits"):
        services.endorsement_start(worker=worker, level=Level.LEADER, actor=worker.supervisor)
    services.endorsement_start(worker=worker, level=worker.job_level, actor=worker.supervisor)
    with pytest.raises(EndorsementChanged, match="already has an open endorsement"):
        services.endorsement_start(worker=worker, level=worker.job_level, actor=worker.supervisor)
    assert Endorsement.objects.filter(worker=worker).count() == 1


def test_starting_is_refused_to_anyone_but_the_supervisor():
    worker = eligible_worker()
    colleague = staff_user(Role.SUPERVISOR, worker.local_authority)
    with pytest.raises(EndorsementNotAllowed):
        services.endorsement_start(worker=worker, level=worker.job_level, actor=colleague)
    assert not Endorsement.objects.filter(worker=worker).exists()


# --- Stale pages -------------------------------------------------------------------------------


def test_a_stale_version_is_refused_with_nothing_saved():
    endorsement = ready_endorsement()
    stale = endorsement.version
    Endorsement.objects.filter(pk=endorsement.pk).update(version=stale + 1)
    before = snapshot(endorsement)
    with pytest.raises(EndorsementChanged, match="changed since you opened the page"):
        services.endorsement_sign_off(
            endorsement=endorsement,
            actor=endorsement.worker.supervisor,
            statement="Ready.",
            expected_version=stale,
        )
    assert snapshot(endorsement) == before


def test_a_second_identical_sign_off_is_refused():
    endorsement = ready_endorsement()
    version = endorsement.version
    supervisor = endorsement.worker.supervisor
    services.endorsement_sign_off(
        endorsement=endorsement,
        actor=supervisor,
        statement="Ready.",
        expected_version=version,
        notify=False,
    )
    with pytest.raises(EndorsementChanged):
        services.endorsement_sign_off(
            endorsement=endorsement, actor=supervisor, statement="Ready.", expected_version=version
        )
    assert [e.action for e in events(endorsement)].count("endorsement.signed_off") == 1


# --- Audit events match transitions one for one ----------------------------------------------


def test_a_whole_lifecycle_leaves_one_audit_event_per_change():
    worker = eligible_worker()
    supervisor = worker.supervisor
    lead = la_lead_for(worker.local_authority)
    e = services.endorsement_start(worker=worker, level=worker.job_level, actor=supervisor)
    services.endorsement_record_consent(endorsement=e, actor=worker.user)
    services.endorsement_sign_off(endorsement=e, actor=supervisor, statement="A", notify=False)
    services.endorsement_return(endorsement=e, actor=lead, reason="Say more")
    services.endorsement_sign_off(endorsement=e, actor=supervisor, statement="B", notify=False)
    services.endorsement_confirm(endorsement=e, actor=lead, notify=False)
    services.endorsement_record_use(endorsement=e, actor=lead)
    services.endorsement_release_use(endorsement=e, actor=lead)
    services.endorsement_withdraw(endorsement=e, actor=worker.user, reason="Not now")
    assert [(x.action, x.from_state, x.to_state, x.actor_id) for x in events(e)] == [
        ("endorsement.started", "", "draft", supervisor.pk),
        ("endorsement.consent_recorded", "", "", worker.user.pk),
        ("endorsement.signed_off", "draft", "signed_off", supervisor.pk),
        ("endorsement.returned", "signed_off", "draft", lead.pk),
        ("endorsement.signed_off", "draft", "signed_off", supervisor.pk),
        ("endorsement.confirmed", "signed_off", "endorsed", lead.pk),
        ("endorsement.used", "", "", lead.pk),
        ("endorsement.released", "", "", lead.pk),
        ("endorsement.withdrawn", "endorsed", "withdrawn", worker.user.pk),
    ]
    assert events(e)[3].reason == "Say more"
    assert Endorsement.objects.get(pk=e.pk).version == 9


def test_random_sequences_of_actions_leave_exactly_one_audit_event_per_transition():
    # given three eligible workers, each with a draft endorsement
    rng = random.Random(20261123)
    workers = [ready_endorsement().worker for _ in range(3)]
    leads = {w.pk: la_lead_for(w.local_authority) for w in workers}
    moves: dict[int, list[tuple[str, str]]] = {}
    # when 150 random actions are tried (most of them not allowed in the state they meet)
    for _ in range(150):
        worker = rng.choice(workers)
        e = Endorsement.objects.filter(worker=worker).order_by("-id").first()
        if not e.is_open and rng.random() < 0.3:
            e = services.endorsement_start(
                worker=worker, level=worker.job_level, actor=worker.supervisor
            )
            services.endorsement_record_consent(endorsement=e, actor=worker.user)
            moves[e.pk] = [("", "draft")]
            continue
        before = e.state
        try:
            call(rng.choice(SERVICE_TRANSITIONS), e, leads[worker.pk])
        except EndorsementError:
            assert Endorsement.objects.get(pk=e.pk).state == before
            continue
        moves.setdefault(e.pk, []).append((before, Endorsement.objects.get(pk=e.pk).state))
    # then each endorsement's audited state changes are exactly the moves that happened
    for pk, expected in moves.items():
        audited = [(x.from_state, x.to_state) for x in events(Endorsement(pk=pk)) if x.to_state]
        assert audited == expected
    assert sum(len(m) for m in moves.values()) > 15  # the walk really moved things


# --- Notifications ---------------------------------------------------------------------------


def test_sign_off_and_endorsement_email_the_worker_and_the_la_leads_after_commit(
    django_capture_on_commit_callbacks,
):
    endorsement = ready_endorsement()
    worker = endorsement.worker
    leads = [la_lead_for(worker.local_authority), la_lead_for(worker.local_authority)]
    la_lead_for(LocalAuthorityFactory())  # another LA's lead hears nothing
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.endorsement_sign_off(
            endorsement=endorsement, actor=worker.supervisor, statement="Private judgement"
        )
        assert not NotifyMessage.objects.exists()  # nothing is asked before the commit
    # one notification (other callbacks, such as the dashboard figures' refresh, may follow)
    assert len([c for c in callbacks if "send_endorsement_notification" in repr(c)]) == 1
    sent = NotifyMessage.objects.order_by("pk")
    recipients = sorted(m.recipient.email for m in sent)
    assert recipients == sorted([worker.user.email, *(lead.email for lead in leads)])
    assert sorted(m.kind for m in sent) == ["endorsement_signed_off_lead"] * 2 + [
        "endorsement_signed_off_worker"
    ]
    for message in sent:
        assert worker.user.full_name in message.personalisation.values()
        assert worker.registration_number not in str(message.personalisation)
        assert "Private judgement" not in str(message.personalisation)
    first = sent.last().pk
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_confirm(endorsement=endorsement, actor=leads[0])
    endorsed = NotifyMessage.objects.filter(pk__gt=first)
    assert sorted(m.recipient.email for m in endorsed) == recipients
    assert {m.kind for m in endorsed} == {
        "endorsement_endorsed_worker",
        "endorsement_endorsed_lead",
    }


def test_no_email_when_a_sign_off_is_refused(django_capture_on_commit_callbacks):
    endorsement = ready_endorsement(consent_recorded_at=None)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(EndorsementNotEligible),
    ):
        services.endorsement_sign_off(
            endorsement=endorsement, actor=endorsement.worker.supervisor, statement="x"
        )
    assert callbacks == []
    assert not NotifyMessage.objects.exists()


# --- Validity and lapsing --------------------------------------------------------------------


def test_confirmation_sets_validity_from_the_setting(settings):
    endorsement = ready_endorsement(S.SIGNED_OFF)
    lead = la_lead_for(endorsement.worker.local_authority)
    today = timezone.localdate()
    settings.NAAS_ENDORSEMENT_VALIDITY_MONTHS = 6
    services.endorsement_confirm(endorsement=endorsement, actor=lead, today=today, notify=False)
    assert Endorsement.objects.get(pk=endorsement.pk).valid_until == add_months(today, 6)


def test_validity_defaults_to_12_months(settings):
    del settings.NAAS_ENDORSEMENT_VALIDITY_MONTHS
    assert services.validity_months() == 12


def test_lapse_takes_only_endorsed_unused_endorsements_past_their_validity():
    today = timezone.localdate()
    expired = ready_endorsement(S.ENDORSED, valid_until=today - timedelta(days=1))
    last_day = ready_endorsement(S.ENDORSED, valid_until=today)
    used = ready_endorsement(
        S.ENDORSED, valid_until=today - timedelta(days=1), used_at=timezone.now()
    )
    signed = ready_endorsement(S.SIGNED_OFF, valid_until=today - timedelta(days=1))
    assert services.endorsements_lapse_expired(today=today) == 1
    assert services.endorsements_lapse_expired(today=today) == 0  # running again does nothing
    states = {
        e.pk: Endorsement.objects.get(pk=e.pk).state for e in (expired, last_day, used, signed)
    }
    assert states == {
        expired.pk: S.LAPSED,
        last_day.pk: S.ENDORSED,
        used.pk: S.ENDORSED,
        signed.pk: S.SIGNED_OFF,
    }
    [event] = events(expired)
    assert (event.action, event.actor_id, event.to_state) == ("endorsement.lapsed", None, "lapsed")


def test_the_lapse_task_runs_the_service():
    from endorsement.tasks import lapse_expired_endorsements

    ready_endorsement(S.ENDORSED, valid_until=timezone.localdate() - timedelta(days=3))
    assert lapse_expired_endorsements.delay().get() == 1


def test_bookable_endorsements_are_endorsed_unused_and_in_date():
    today = timezone.localdate()
    good = ready_endorsement(S.ENDORSED)
    ready_endorsement(S.ENDORSED, valid_until=today - timedelta(days=1))
    ready_endorsement(S.ENDORSED, used_at=timezone.now())
    ready_endorsement(S.SIGNED_OFF)
    assert list(selectors.endorsements_bookable()) == [good]
    assert selectors.endorsement_bookable_for(good.worker, good.level) == good


def test_record_use_refuses_twice_and_release_frees_it():
    e = ready_endorsement(S.ENDORSED)
    lead = la_lead_for(e.worker.local_authority)
    services.endorsement_record_use(endorsement=e, actor=lead)
    with pytest.raises(EndorsementError, match="already in use"):
        services.endorsement_record_use(endorsement=e, actor=lead)
    services.endorsement_release_use(endorsement=e, actor=lead)
    assert Endorsement.objects.get(pk=e.pk).used_at is None


# --- Evidence --------------------------------------------------------------------------------


def test_recording_supervision_with_readiness_per_area():
    worker = SocialWorkerFactory()
    areas = list(KSSFramework.objects.get(level=worker.job_level, is_current=True).areas.all())
    session = services.supervision_session_record(
        worker=worker,
        actor=worker.supervisor,
        held_on=date.today(),
        reflection="We reflected.",
        area_views={areas[0].pk: Readiness.READY, areas[4].pk: Readiness.NOT_YET},
    )
    assert {(v.area.number, v.readiness) for v in session.area_views.all()} == {
        (1, "ready"),
        (5, "not_yet"),
    }
    [event] = AuditEvent.objects.for_object(session)
    assert event.action == "supervision_session.recorded"
    readiness = {r.area.number: r.view for r in selectors.area_readiness(worker, worker.job_level)}
    assert readiness[1].readiness == "ready" and readiness[2] is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"held_on": date.today() + timedelta(days=1)}, "today or in the past"),
        ({"reflection": ""}, "Enter a reflection"),
        ({"area_views": {}}, "at least one area"),
        ({"area_views": "other_framework"}, "current framework"),
        ({"area_views": "bad_readiness"}, "readiness view"),
    ],
)
def test_bad_supervision_records_are_refused(changes, message):
    worker = SocialWorkerFactory()
    area = KSSFramework.objects.get(level=worker.job_level, is_current=True).areas.first()
    other = KSSFramework.objects.get(level=Level.LEADER, is_current=True).areas.first()
    kwargs = {
        "held_on": date.today(),
        "reflection": "Fine",
        "area_views": {area.pk: Readiness.READY},
        **changes,
    }
    if kwargs["area_views"] == "other_framework":
        kwargs["area_views"] = {other.pk: Readiness.READY}
    if kwargs["area_views"] == "bad_readiness":
        kwargs["area_views"] = {area.pk: "brilliant"}
    with pytest.raises(EndorsementError, match=message):
        services.supervision_session_record(worker=worker, actor=worker.supervisor, **kwargs)
    assert not SupervisionSession.objects.exists()


def test_feedback_is_recorded_then_considered():
    worker = SocialWorkerFactory()
    feedback = services.service_user_feedback_record(
        worker=worker,
        actor=worker.supervisor,
        received_on=date.today() - timedelta(days=3),
        source_type=FeedbackSource.CHILD,
        summary="Kind and clear",
    )
    with pytest.raises(EndorsementError, match="on or after"):
        services.service_user_feedback_mark_considered(
            feedback=feedback, actor=worker.supervisor, considered_on=date.today() - timedelta(5)
        )
    with pytest.raises(EndorsementError, match="today or in the past"):
        services.service_user_feedback_mark_considered(
            feedback=feedback, actor=worker.supervisor, considered_on=date.today() + timedelta(1)
        )
    services.service_user_feedback_mark_considered(
        feedback=feedback, actor=worker.supervisor, considered_on=date.today()
    )
    with pytest.raises(EndorsementChanged, match="already marked"):
        services.service_user_feedback_mark_considered(
            feedback=feedback, actor=worker.supervisor, considered_on=date.today()
        )
    assert [e.action for e in AuditEvent.objects.for_object(feedback)] == [
        "service_user_feedback.recorded",
        "service_user_feedback.considered",
    ]


def test_feedback_from_the_future_or_from_a_stranger_is_refused():
    worker = SocialWorkerFactory()
    with pytest.raises(EndorsementError, match="today or in the past"):
        services.service_user_feedback_record(
            worker=worker,
            actor=worker.supervisor,
            received_on=date.today() + timedelta(days=1),
            source_type=FeedbackSource.CHILD,
            summary="x",
        )
    stranger = staff_user(Role.SUPERVISOR, worker.local_authority)
    with pytest.raises(EndorsementNotAllowed):
        services.service_user_feedback_record(
            worker=worker,
            actor=stranger,
            received_on=date.today(),
            source_type=FeedbackSource.CHILD,
            summary="x",
        )
    considered = ServiceUserFeedbackFactory(worker=worker, considered_on=None)
    with pytest.raises(EndorsementNotAllowed):
        services.service_user_feedback_mark_considered(
            feedback=considered, actor=stranger, considered_on=date.today()
        )
    assert ServiceUserFeedback.objects.count() == 1


def test_supervisee_readiness_lists_what_is_missing_in_constant_queries(
    django_assert_max_num_queries,
):
    supervisor = staff_user(Role.SUPERVISOR, LocalAuthorityFactory())
    la = supervisor.staff_roles.get().local_authority
    for n in range(6):
        worker = SocialWorkerFactory(local_authority=la, supervisor=supervisor)
        if n % 2:
            SupervisionSessionFactory(worker=worker)
            ServiceUserFeedbackFactory(worker=worker)
            ready_endorsement(worker=worker)
    SocialWorkerFactory(
        local_authority=la,
        supervisor=supervisor,
        employed_since=date.today() - relativedelta(months=2),
    )
    with django_assert_max_num_queries(4):
        rows = selectors.supervisees_with_readiness(supervisor, today=date.today())
        missing = [sorted(p.rule for p in row.problems) for row in rows]
    assert len(rows) == 7
    assert sum(m == [] for m in missing) == 3  # the three ready ones
    assert any(Rule.TENURE in m for m in missing)
    assert all(
        Rule.NOT_STARTED in m for row, m in zip(rows, missing, strict=True) if not row.endorsement
    )
