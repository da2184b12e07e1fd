"""Conflicts of interest against every assessing action.

The rule lives once, in assessment.policies.assessor_conflicts: someone may not assess a
candidate they are, supervise, or whose local authority they hold any staff role in (as its LA
lead, a supervisor there, or an assessor or moderator linked to it) or work for.

For every action (first and second marking, moderation, per-area feedback, deciding a review,
the reviewer's marks, confirming and publishing an outcome, allocation) and every kind of
conflict: the conflicted person's GET of each page and POST of each form are refused (403, or
404 where the view hides existence), the service called directly refuses too, and nothing in
the database changes (marks, feedback, allocations, states, outcomes, reviews, audit events).
Then an unconflicted person in the same part of the same attempt succeeds, which proves the
refusal was the conflict and not something else."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessment import policies, selectors, services
from assessment.models import (
    Allocation,
    AreaMark,
    Attempt,
    AttemptState,
    MarkerRole,
    Outcome,
    ReviewRequest,
    ReviewState,
)
from assessment.services import AssessmentError
from assessment.tests.factories import (
    administrator,
    first_mark,
    independent_assessor,
    mark_entries,
    published_attempt,
    sat_attempt,
)
from feedback import services as feedback_services
from feedback.models import AreaFeedback
from naas.models import AuditEvent, Role, SocialWorker, StaffRole, User
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # a Wednesday
KINDS = ["assessor_link", "la_staff_role", "la_lead", "supervisor", "employee", "candidate"]
REFUSED = {403, 404}


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _not_sampled(settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0


# --- People ------------------------------------------------------------------------------------


def _with_roles(user, roles) -> User:
    """Give `user` the roles, national ones unscoped and assessing ones linked to an LA of
    their own (unrelated to any candidate)."""
    own_la = LocalAuthorityFactory()
    for role in roles:
        assessing = role in (Role.ASSESSOR, Role.MODERATOR)
        StaffRole.objects.create(
            user=user, role=role, local_authority=own_la if assessing else None
        )
    return User.objects.get(pk=user.pk)


def unconflicted(roles) -> User:
    return _with_roles(UserFactory(), roles)


def conflicted(kind: str, attempt: Attempt, roles) -> User:
    """A person holding `roles` with one kind of conflict of interest in the attempt's
    candidate."""
    worker = SocialWorker.objects.select_related("local_authority").get(pk=attempt.worker_id)
    la = worker.local_authority
    if kind == "candidate":
        return _with_roles(worker.user, roles)
    person = unconflicted(roles)
    if kind == "assessor_link":
        StaffRole.objects.create(user=person, role=Role.ASSESSOR, local_authority=la)
    elif kind == "la_staff_role":  # a supervisor there, of other workers
        StaffRole.objects.create(user=person, role=Role.SUPERVISOR, local_authority=la)
    elif kind == "la_lead":
        StaffRole.objects.create(user=person, role=Role.LA_LEAD, local_authority=la)
    elif kind == "supervisor":  # their supervisor, with no role of their own in the LA
        SocialWorker.objects.filter(pk=worker.pk).update(supervisor=person)
    elif kind == "employee":
        SocialWorkerFactory(user=person, local_authority=la, supervisor=None)
    else:
        raise AssertionError(kind)
    return User.objects.get(pk=person.pk)


def snapshot() -> dict:
    """Everything an assessing action could change."""
    return {
        "audit events": AuditEvent.objects.count(),
        "marks": sorted(AreaMark.objects.values_list("pk", "allocation_id", *AreaMark.TASK_FIELDS)),
        "feedback": sorted(
            AreaFeedback.objects.values_list("pk", "feedback", "development_suggestions")
        ),
        "allocations": sorted(
            Allocation.objects.values_list("pk", "assessor_id", "role", "active", "submitted_at")
        ),
        "attempts": sorted(Attempt.objects.values_list("pk", "state")),
        "outcomes": sorted(
            Outcome.objects.values_list("pk", "confirmed_at", "published_at", "superseded_at")
        ),
        "reviews": sorted(ReviewRequest.objects.values_list("pk", "state", "decided_by_id")),
    }


# --- Actions -----------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    url: str
    data: dict = field(default_factory=dict)
    session: dict = field(default_factory=dict)  # pending answers a check page reads
    # what a conflicted person gets: refused, or a list page (200) that leaves `hidden` out,
    # or (allocation) a form that will not take them (400)
    expect: str = "refused"
    hidden: str = ""


@dataclass
class Stage:
    attempt: Attempt
    roles: tuple
    requests: list
    act_directly: object  # (person) -> calls the service as that person
    refusal: type  # what the service raises for a conflicted person
    controls: list  # the requests an unconflicted person makes, in order, and must pass
    changed: object  # (before, after) -> bool: the unconflicted person's action took effect
    part: str = ""  # the MarkerRole the person acts in ("" for no allocation)
    acting: str = "person"  # who makes the requests: the person, or an administrator
    admin: User | None = None


def _marks_form(attempt, reason=None) -> dict:
    data = {}
    for area in attempt.areas.all():
        for name in AreaMark.TASK_FIELDS:
            data[f"area_{area.pk}_{name}"] = "3"
        data[f"area_{area.pk}_evidence"] = "Observed evidence"
        data[f"area_{area.pk}_global_judgement"] = "2"  # met
    if reason is not None:
        data["reason"] = reason
    return data


def _allocation(attempt, person, role):
    return Allocation.objects.get(attempt=attempt, assessor=person, role=role, active=True)


def _marking_stage(attempt, role, roles, *, reason=None, extra_gets=()) -> Stage:
    mark_url = reverse("assessment:attempt_mark", args=[attempt.pk])
    form = _marks_form(attempt, reason)
    gets = [Request("get", mark_url)] + [Request("get", url) for url in extra_gets]
    return Stage(
        attempt=attempt,
        roles=roles,
        part=role,
        requests=[*gets, Request("post", mark_url, form)],
        act_directly=lambda person: services.marks_submit(
            allocation=_allocation(attempt, person, role),
            marks=mark_entries(attempt),
            actor=person,
            reason=reason or "",
        ),
        refusal=PermissionDenied,
        controls=[*gets, Request("post", mark_url, form)],
        changed=lambda before, after: len(after["marks"]) > len(before["marks"]),
    )


def first_marking(admin) -> Stage:
    attempt = sat_attempt(admin=admin)
    return _marking_stage(
        attempt,
        MarkerRole.FIRST,
        (Role.ASSESSOR,),
        extra_gets=[reverse("assessment:attempt_test_result", args=[attempt.pk])],
    )


def second_marking(admin, settings) -> Stage:
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin)
    first_mark(attempt, admin=admin)
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.second_marking and attempt.state == AttemptState.SCORED
    return _marking_stage(attempt, MarkerRole.SECOND, (Role.ASSESSOR,))


def moderation(admin, settings) -> Stage:
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    attempt = sat_attempt(admin=admin)
    first_mark(attempt, admin=admin, marks=(4, 4, 4, 4))
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    attempt = Attempt.objects.get(pk=attempt.pk)
    second = services.allocation_create(
        attempt=attempt, assessor=independent_assessor(), role=MarkerRole.SECOND, actor=admin
    )
    services.marks_submit(
        allocation=second, marks=mark_entries(attempt, (2, 2, 2, 2)), actor=second.assessor
    )
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert selectors.attempt_next_step(attempt) == MarkerRole.MODERATOR
    # the moderator decides every task the markers disagree on (4 against 2: all of them)
    reason = "The second marker saw the whole role play"
    tasks = [(area.pk, name) for area in attempt.areas.all() for name in AreaMark.TASK_FIELDS]
    form = {}
    for area_id, name in tasks:
        form[f"area_{area_id}_{name}_decision"] = "first"
        form[f"area_{area_id}_{name}_decision_reason"] = reason
    mark_url = reverse("assessment:attempt_mark", args=[attempt.pk])
    gets = [
        Request("get", mark_url),
        Request("get", reverse("assessment:attempt_marks", args=[attempt.pk])),
    ]
    return Stage(
        attempt=attempt,
        roles=(Role.MODERATOR,),
        part=MarkerRole.MODERATOR,
        requests=[*gets, Request("post", mark_url, form)],
        act_directly=lambda person: services.moderation_decide(
            allocation=_allocation(attempt, person, MarkerRole.MODERATOR),
            decisions={key: services.ModerationDecision("first", reason) for key in tasks},
            actor=person,
        ),
        refusal=PermissionDenied,
        controls=[*gets, Request("post", mark_url, form)],
        changed=lambda before, after: len(after["marks"]) > len(before["marks"]),
    )


def _review_for(admin):
    attempt, _ = published_attempt(admin=admin)
    review = services.review_request(
        attempt=attempt, grounds="The actor left early", actor=attempt.worker.user
    )
    return Attempt.objects.get(pk=attempt.pk), review


def reviewer_marks(admin) -> Stage:
    """After a review overturns the outcome, the reviewer's marks make a new outcome."""
    attempt, review = _review_for(admin)
    first_reviewer = independent_assessor()
    Allocation.objects.create(
        attempt=attempt, assessor=first_reviewer, role=MarkerRole.REVIEWER, allocated_by=admin
    )
    services.review_decide(
        review=review, uphold=False, reason="The role play was cut short", actor=first_reviewer
    )
    Allocation.objects.filter(assessor=first_reviewer).update(active=False)
    attempt = Attempt.objects.get(pk=attempt.pk)
    return _marking_stage(
        attempt, MarkerRole.REVIEWER, (Role.ASSESSOR,), reason="Re-marked after the review"
    )


def feedback_writing(admin) -> Stage:
    attempt = sat_attempt(admin=admin)
    area = attempt.areas.order_by("number").first()
    url = reverse("feedback:write_feedback", args=[attempt.pk])
    form = {f"feedback_{area.pk}": "Clear direct work with the family"}
    return Stage(
        attempt=attempt,
        roles=(Role.ASSESSOR,),
        part=MarkerRole.FIRST,
        requests=[Request("get", url), Request("post", url, form)],
        act_directly=lambda person: feedback_services.area_feedback_save(
            attempt=attempt,
            actor=person,
            entries=[feedback_services.FeedbackEntry(area.pk, "Written directly", "")],
        ),
        refusal=feedback_services.FeedbackError,
        controls=[Request("get", url), Request("post", url, form)],
        changed=lambda before, after: len(after["feedback"]) == len(before["feedback"]) + 1,
    )


def review_decision(admin) -> Stage:
    attempt, review = _review_for(admin)
    decide = reverse("assessment:review_decide", args=[review.pk])
    check = reverse("assessment:review_decide_check", args=[review.pk])
    answers = {"decision": "uphold", "reason": "The assessment was fair"}
    pending = {f"assessment:review_decision:{review.pk}": answers}
    return Stage(
        attempt=attempt,
        roles=(Role.ASSESSOR,),
        part=MarkerRole.REVIEWER,
        requests=[
            Request("get", decide),
            Request("post", decide, answers),
            Request("get", check, session=pending),
            Request("post", check, session=pending),
            Request("get", reverse("assessment:review_decided", args=[review.pk])),
        ],
        act_directly=lambda person: services.review_decide(
            review=review, uphold=True, reason="Decided directly", actor=person
        ),
        refusal=PermissionDenied,
        controls=[Request("get", decide), Request("post", decide, answers), Request("post", check)],
        changed=lambda before, after: (
            ReviewRequest.objects.get(pk=review.pk).state == ReviewState.UPHELD
        ),
    )


def _draft_outcome(admin) -> Outcome:
    attempt = sat_attempt(admin=admin)
    first_mark(attempt, admin=admin)
    return selectors.current_outcome(Attempt.objects.get(pk=attempt.pk))


def outcome_confirmation(admin) -> Stage:
    outcome = _draft_outcome(admin)
    url = reverse("assessment:outcome_confirm", args=[outcome.pk])
    return Stage(
        attempt=outcome.attempt,
        roles=(Role.MODERATOR,),
        requests=[
            Request("get", url),
            Request("post", url),
            Request("get", reverse("assessment:outcome_detail", args=[outcome.pk])),
            Request(
                "get",
                reverse("assessment:outcome_list"),
                expect="absent",
                hidden=outcome.reference,
            ),
        ],
        act_directly=lambda person: services.outcome_confirm(
            outcome=Outcome.objects.get(pk=outcome.pk), actor=person
        ),
        refusal=PermissionDenied,
        controls=[Request("get", url), Request("post", url)],
        changed=lambda before, after: Outcome.objects.get(pk=outcome.pk).confirmed_at is not None,
    )


def outcome_publishing(admin) -> Stage:
    """Only administrators publish; one who also assesses must not publish a candidate they
    have a conflict of interest in."""
    outcome = _draft_outcome(admin)
    services.outcome_confirm(outcome=outcome, actor=admin)
    url = reverse("assessment:outcomes_publish")
    return Stage(
        attempt=outcome.attempt,
        roles=(Role.ADMINISTRATOR, Role.ASSESSOR),
        requests=[
            Request("get", url, expect="absent", hidden=outcome.reference),
            Request("post", url, {"outcome": [outcome.pk]}),
        ],
        act_directly=lambda person: services.outcomes_publish(
            outcome_ids=[outcome.pk], actor=person
        ),
        refusal=PermissionDenied,
        controls=[Request("post", url, {"outcome": [outcome.pk]})],
        changed=lambda before, after: Outcome.objects.get(pk=outcome.pk).published_at is not None,
    )


def allocation(admin) -> Stage:
    """The administrator acts: a conflicted assessor is neither offered nor accepted."""
    attempt = sat_attempt(admin=admin)
    url = reverse("assessment:attempt_allocate", args=[attempt.pk])
    return Stage(
        attempt=attempt,
        roles=(Role.ASSESSOR,),
        acting="admin",
        admin=admin,
        requests=[
            Request("get", url, expect="not offered"),
            Request("post", url, {"assessor": "{person}"}, expect="invalid"),
        ],
        act_directly=lambda person: services.allocation_create(
            attempt=Attempt.objects.get(pk=attempt.pk),
            assessor=person,
            role=MarkerRole.FIRST,
            actor=admin,
        ),
        refusal=AssessmentError,
        controls=[Request("post", url, {"assessor": "{person}"})],
        changed=lambda before, after: len(after["allocations"]) == len(before["allocations"]) + 1,
    )


STAGES = {
    "first marking": first_marking,
    "second marking": second_marking,
    "moderation": moderation,
    "reviewer's marks": reviewer_marks,
    "feedback": feedback_writing,
    "review decision": review_decision,
    "outcome confirmation": outcome_confirmation,
    "outcome publishing": outcome_publishing,
    "allocation": allocation,
}


# --- Running an action -------------------------------------------------------------------------


def _offered(body: str, person) -> bool:
    return bool(re.search(rf'<input[^>]*name="assessor"[^>]*value="{person.pk}"', body)) or bool(
        re.search(rf'<input[^>]*value="{person.pk}"[^>]*name="assessor"', body)
    )


def _send(client, request: Request, person):
    if request.session:
        session = client.session
        session.update(request.session)
        session.save()
    data = {
        key: (str(person.pk) if value == "{person}" else value)
        for key, value in request.data.items()
    }
    return getattr(client, request.method)(request.url, data)


def _give_part(stage: Stage, person, admin) -> None:
    if stage.part:
        Allocation.objects.filter(attempt=stage.attempt, role=stage.part, active=True).update(
            active=False
        )
        Allocation.objects.create(
            attempt=stage.attempt, assessor=person, role=stage.part, allocated_by=admin
        )


def _sign_in(client, stage: Stage, person) -> None:
    client.logout()
    client.force_login(stage.admin if stage.acting == "admin" else person)


def _refusals(client, stage: Stage, person) -> list[str]:
    """What went wrong for a conflicted person (empty when every refusal held)."""
    wrong = []
    for request in stage.requests:
        before = snapshot()
        response = _send(client, request, person)
        status, body = response.status_code, response.content.decode(errors="replace")
        where = f"{request.method.upper()} {request.url}"
        if request.expect == "refused" and status not in REFUSED:
            wrong.append(f"{where} answered {status}, not 403/404")
        elif request.expect == "absent" and (status != 200 or request.hidden in body):
            wrong.append(f"{where} answered {status} and showed {request.hidden}")
        elif request.expect == "not offered" and (status != 200 or _offered(body, person)):
            wrong.append(f"{where} answered {status} and offered the conflicted person")
        elif request.expect == "invalid" and status != 400:
            wrong.append(f"{where} answered {status}, not 400")
        if snapshot() != before:
            wrong.append(f"{where} changed the database")
    before = snapshot()
    try:
        stage.act_directly(User.objects.get(pk=person.pk))
    except stage.refusal as refused:
        if stage.refusal is AssessmentError and "conflict of interest" not in str(refused):
            wrong.append(f"the service refused for another reason: {refused}")
    else:
        wrong.append("the service, called directly, accepted")
    if snapshot() != before:
        wrong.append("the service, called directly, changed the database")
    return wrong


@pytest.mark.parametrize("action", STAGES)
def test_a_conflicted_person_is_refused_every_assessing_action(client, settings, action):
    # given an attempt at the stage the action needs
    admin = administrator()
    build = STAGES[action]
    stage = build(admin, settings) if build in (second_marking, moderation) else build(admin)
    supervisor_id = SocialWorker.objects.get(pk=stage.attempt.worker_id).supervisor_id
    problems = {}
    for kind in KINDS:
        # when a person with this kind of conflict holds the part and tries every request
        person = conflicted(kind, stage.attempt, stage.roles)
        fresh = Attempt.objects.select_related("worker").get(pk=stage.attempt.pk)
        assert policies.assessor_conflicted(person, fresh), kind
        _give_part(stage, person, admin)
        _sign_in(client, stage, person)
        # then each is refused and nothing changes
        wrong = _refusals(client, stage, person)
        if wrong:
            problems[kind] = wrong
        SocialWorker.objects.filter(pk=stage.attempt.worker_id).update(supervisor_id=supervisor_id)
    assert problems == {}
    # and an unconflicted person in the same part of the same attempt succeeds
    person = unconflicted(stage.roles)
    assert not policies.assessor_conflicted(person, stage.attempt)
    _give_part(stage, person, admin)
    _sign_in(client, stage, person)
    before = snapshot()
    for request in stage.controls:
        response = _send(client, request, person)
        assert response.status_code in (200, 302), (request, response.status_code)
    assert response.status_code == 302, "the last step of the action should redirect"
    assert stage.changed(before, snapshot())


# --- The rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_shape_of_the_rule_finds_each_kind_of_conflict(kind):
    # given a candidate's attempt and a person with this kind of conflict
    admin = administrator()
    attempt = sat_attempt(admin=admin)
    person = conflicted(kind, attempt, (Role.ASSESSOR,))
    # when / then: the one-attempt question, the allocation list and the queues all agree
    reasons = policies.assessor_conflicts(person, attempt)
    assert reasons, kind
    assert policies.assessor_conflicted(person, attempt)
    assert policies.conflicted_users(attempt.worker).filter(pk=person.pk).exists()
    assert Attempt.objects.filter(policies.attempts_conflicted_for(person), pk=attempt.pk).exists()
    with pytest.raises(AssessmentError, match="conflict of interest"):
        services.allocation_create(
            attempt=attempt, assessor=person, role=MarkerRole.FIRST, actor=admin
        )


def test_the_rule_names_its_reasons():
    admin = administrator()
    attempt = sat_attempt(admin=admin)
    worker = attempt.worker
    la_name = worker.local_authority.name
    lead = conflicted("la_lead", attempt, (Role.ASSESSOR,))
    assert policies.assessor_conflicts(lead, attempt) == [
        f"is linked to {la_name}, the candidate's local authority"
    ]
    supervisor = conflicted("supervisor", attempt, (Role.ASSESSOR,))
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert policies.assessor_conflicts(supervisor, attempt) == ["is the candidate's supervisor"]
    candidate = conflicted("candidate", attempt, (Role.ASSESSOR,))
    assert policies.assessor_conflicts(candidate, attempt) == [
        "is the candidate",
        f"works for {la_name}, the candidate's local authority",
    ]


def test_an_unrelated_person_has_no_conflict_in_any_shape():
    admin = administrator()
    attempt = sat_attempt(admin=admin)
    person = unconflicted((Role.ASSESSOR, Role.MODERATOR))
    assert policies.assessor_conflicts(person, attempt) == []
    assert not policies.conflicted_users(attempt.worker).filter(pk=person.pk).exists()
    assert not Attempt.objects.filter(
        policies.attempts_conflicted_for(person), pk=attempt.pk
    ).exists()
    assert policies.assessor_conflicts(AnonymousUser(), attempt) == []


def test_a_conflict_arising_after_allocation_hides_the_attempt_from_the_queues(client):
    # given an assessor allocated to first-mark an attempt
    admin = administrator()
    attempt = sat_attempt(admin=admin)
    assessor = independent_assessor()
    services.allocation_create(
        attempt=attempt, assessor=assessor, role=MarkerRole.FIRST, actor=admin
    )
    client.force_login(assessor)
    name = attempt.worker.user.full_name
    assert name in client.get(reverse("assessment:assessor_home")).content.decode()
    # when they become the candidate's supervisor
    SocialWorker.objects.filter(pk=attempt.worker_id).update(supervisor=assessor)
    # then the attempt leaves their queues, and its page refuses them
    assert name not in client.get(reverse("assessment:assessor_home")).content.decode()
    assert name not in client.get(reverse("assessment:assessor_test_results")).content.decode()
    assert client.get(reverse("assessment:attempt_mark", args=[attempt.pk])).status_code == 403
