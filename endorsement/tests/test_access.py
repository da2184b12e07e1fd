"""Every role against every endorsement URL.

ok: 200 · login: redirect to sign-in · 403: lacks the role · 404: has the role but not for
this worker or endorsement (so guessing ids reveals nothing) · 405: wrong method."""

import pytest
from django.urls import reverse
from django.utils import timezone

from endorsement.models import EndorsementState
from naas.models import Role, User
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, staff_user

from .factories import ServiceUserFeedbackFactory, eligible_worker, la_lead_for, ready_endorsement

pytestmark = pytest.mark.django_db
S = EndorsementState

ROLES = [
    "anonymous",
    "worker",
    "other_worker",
    "supervisor",
    "colleague_supervisor",
    "other_la_supervisor",
    "la_lead",
    "other_la_lead",
    "assessor",
    "moderator",
    "administrator",
    "dfe",
    "superuser",
]
SUPERVISORS = {"supervisor", "colleague_supervisor", "other_la_supervisor"}
LEADS = {"la_lead", "other_la_lead"}
WORKERS = {"worker", "other_worker"}


def expect(owner: str, holders: set[str], *, ok: str = "ok") -> dict:
    """`owner` may use the page; other holders of the role get 404; the rest 403."""
    answers = dict.fromkeys(ROLES, "403")
    answers.update(dict.fromkeys(holders, "404"))
    answers["anonymous"] = "login"
    answers[owner] = ok
    return answers


@pytest.fixture
def world():
    la, other_la = LocalAuthorityFactory(), LocalAuthorityFactory()
    supervisor = staff_user(Role.SUPERVISOR, la)
    people = {
        "supervisor": supervisor,
        "colleague_supervisor": staff_user(Role.SUPERVISOR, la),
        "other_la_supervisor": staff_user(Role.SUPERVISOR, other_la),
        "la_lead": la_lead_for(la),
        "other_la_lead": la_lead_for(other_la),
        "assessor": staff_user(Role.ASSESSOR, other_la),
        "moderator": staff_user(Role.MODERATOR, other_la),
        "administrator": staff_user(Role.ADMINISTRATOR),
        "dfe": staff_user(Role.DFE),
        "superuser": User.objects.create_superuser(email="root@example.org", full_name="Root"),
    }
    worker = eligible_worker(local_authority=la, supervisor=supervisor)
    people["worker"] = worker.user
    people["other_worker"] = SocialWorkerFactory(local_authority=la, supervisor=supervisor).user
    # the worker's own endorsements: an old withdrawn one and an open draft
    withdrawn = ready_endorsement(S.WITHDRAWN, worker=worker)
    draft = ready_endorsement(worker=worker)
    feedback = ServiceUserFeedbackFactory(worker=worker, considered_on=None)
    signed = ready_endorsement(
        S.SIGNED_OFF, worker=SocialWorkerFactory(local_authority=la, supervisor=supervisor)
    )
    declined = ready_endorsement(
        S.DECLINED,
        worker=SocialWorkerFactory(local_authority=la, supervisor=supervisor),
        closed_at=timezone.now(),
    )
    w = worker.pk
    urls = {
        "supervisees": (
            reverse("endorsement:supervisees"),
            {**expect("supervisor", set()), **dict.fromkeys(SUPERVISORS, "ok")},
        ),
        "supervisee": (
            reverse("endorsement:supervisee", args=[w]),
            expect("supervisor", SUPERVISORS),
        ),
        "start": (
            reverse("endorsement:start", args=[signed.worker_id]),
            expect("supervisor", SUPERVISORS, ok="400"),
        ),
        "supervision_new": (
            reverse("endorsement:supervision_new", args=[w]),
            expect("supervisor", SUPERVISORS),
        ),
        "feedback_new": (
            reverse("endorsement:feedback_new", args=[w]),
            expect("supervisor", SUPERVISORS),
        ),
        "feedback_considered": (
            reverse("endorsement:feedback_considered", args=[w, feedback.pk]),
            expect("supervisor", SUPERVISORS),
        ),
        "sign_off": (
            reverse("endorsement:sign_off", args=[draft.pk]),
            expect("supervisor", SUPERVISORS),
        ),
        "sign_off_check": (
            reverse("endorsement:sign_off_check", args=[draft.pk]),
            expect("supervisor", SUPERVISORS, ok="redirect"),
        ),
        "sign_off_done": (
            reverse("endorsement:sign_off_done", args=[signed.pk]),
            expect("supervisor", SUPERVISORS),
        ),
        "decline": (
            reverse("endorsement:decline", args=[draft.pk]),
            expect("supervisor", SUPERVISORS),
        ),
        "decline_check": (
            reverse("endorsement:decline_check", args=[draft.pk]),
            expect("supervisor", SUPERVISORS, ok="redirect"),
        ),
        "decline_done": (
            reverse("endorsement:decline_done", args=[declined.pk]),
            expect("supervisor", SUPERVISORS),
        ),
        "confirmation_queue": (
            reverse("endorsement:confirmation_queue"),
            {**expect("la_lead", set()), **dict.fromkeys(LEADS, "ok")},
        ),
        "decision": (reverse("endorsement:decision", args=[signed.pk]), expect("la_lead", LEADS)),
        "decision_check": (
            reverse("endorsement:decision_check", args=[signed.pk]),
            expect("la_lead", LEADS, ok="redirect"),
        ),
        "decision_done": (
            reverse("endorsement:decision_done", args=[declined.pk]),
            expect("la_lead", LEADS),
        ),
        "my_endorsement": (
            reverse("endorsement:my_endorsement"),
            {**expect("worker", set()), **dict.fromkeys(WORKERS, "ok")},
        ),
        # POST only: a GET is refused before anything is looked up (POSTs: test_views)
        "consent": (
            reverse("endorsement:consent", args=[draft.pk]),
            {**expect("worker", set()), **dict.fromkeys(WORKERS, "405")},
        ),
        "withdraw": (reverse("endorsement:withdraw", args=[draft.pk]), expect("worker", WORKERS)),
        "withdraw_check": (
            reverse("endorsement:withdraw_check", args=[draft.pk]),
            expect("worker", WORKERS, ok="redirect"),
        ),
        "withdraw_done": (
            reverse("endorsement:withdraw_done", args=[withdrawn.pk]),
            expect("worker", WORKERS),
        ),
    }
    return people, urls


def answer(response) -> str:
    if response.status_code == 302:
        return "login" if "/sign-in/" in response.url else "redirect"
    return str(response.status_code) if response.status_code != 200 else "ok"


URL_NAMES = [
    "supervisees", "supervisee", "start", "supervision_new", "feedback_new",
    "feedback_considered", "sign_off", "sign_off_check", "sign_off_done", "decline",
    "decline_check", "decline_done", "confirmation_queue", "decision", "decision_check",
    "decision_done", "my_endorsement", "consent", "withdraw", "withdraw_check", "withdraw_done",
]  # fmt: skip


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_every_role_against_every_endorsement_url(client, world, url_name):
    people, urls = world
    url, expected = urls[url_name]
    got = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(people[role])
        got[role] = answer(client.get(url))
    assert got == expected


def test_every_endorsement_url_is_in_the_matrix(world):
    from endorsement.urls import urlpatterns

    assert sorted(p.name for p in urlpatterns) == sorted(URL_NAMES)
