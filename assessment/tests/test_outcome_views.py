"""Pages for marking, moderation, outcomes, fast-track retakes and reviews: every role against
every page, and the forms' handling of bad input."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from assessment import selectors, services, signals
from assessment.models import (
    AreaMark,
    Attempt,
    AttemptState,
    MarkerRole,
    Outcome,
    OutcomeResult,
    OutcomeRuleSet,
)
from naas.models import Level, Role
from naas.tests.factories import SocialWorkerFactory, current_framework, staff_user

from .factories import (
    PARTIAL_MARKS,
    SittingFactory,
    allocate,
    first_mark,
    independent_assessor,
    published_attempt,
    sat_attempt,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "candidate",
    "reviewee",
    "other_worker",
    "lead",
    "supervisor",
    "assessor",
    "second_marker",
    "linked_assessor",
    "moderator",
    "reviewer",
    "administrator",
    "dfe",
]
ASSESSORS = {"assessor", "second_marker", "linked_assessor", "moderator", "reviewer"}
ADMIN = {"administrator"}


@pytest.fixture(autouse=True)
def _no_sample(settings, monkeypatch):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    monkeypatch.setattr(signals, "pre_publish_checks", [])


@pytest.fixture
def world(admin_user, settings):
    candidate = SocialWorkerFactory(user__full_name="Casey Candidate")
    la = candidate.local_authority
    # a published partially-met outcome: fast-track and review are open
    parent, parent_outcome = published_attempt(candidate, admin=admin_user, per_area=PARTIAL_MARKS)
    # an attempt to mark, allocated to the assessor
    to_mark = sat_attempt(admin=admin_user)
    assessor = independent_assessor(full_name="Alex Assessor")
    allocate(to_mark, MarkerRole.FIRST, admin=admin_user, assessor=assessor)
    # an attempt being second-marked
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    sampled = sat_attempt(admin=admin_user)
    first_mark(sampled, admin=admin_user)
    AreaMark.objects.filter(allocation__attempt=sampled).update(evidence_note="FIRST-MARKER-SECRET")
    second_marker = independent_assessor(full_name="Sam Second")
    allocate(
        Attempt.objects.get(pk=sampled.pk),
        MarkerRole.SECOND,
        admin=admin_user,
        assessor=second_marker,
    )
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0
    # an outcome waiting to be confirmed
    draft_attempt = sat_attempt(admin=admin_user)
    first_mark(draft_attempt, admin=admin_user)
    draft = selectors.current_outcome(draft_attempt)
    # a review waiting for its reviewer
    reviewee = SocialWorkerFactory()
    reviewed, _ = published_attempt(reviewee, admin=admin_user)
    review = services.review_request(
        attempt=reviewed, grounds="The actor left early", actor=reviewee.user
    )
    reviewer = independent_assessor(full_name="Rae Reviewer")
    allocate(
        Attempt.objects.get(pk=reviewed.pk),
        MarkerRole.REVIEWER,
        admin=admin_user,
        assessor=reviewer,
    )
    unallocated = sat_attempt(admin=admin_user)
    users = {
        "anonymous": None,
        "candidate": candidate.user,
        "reviewee": reviewee.user,
        "other_worker": SocialWorkerFactory().user,
        "lead": staff_user(Role.LA_LEAD, la),
        "supervisor": candidate.supervisor,
        "assessor": assessor,
        "second_marker": second_marker,
        "linked_assessor": staff_user(Role.ASSESSOR, la),
        "moderator": independent_assessor(Role.MODERATOR),
        "reviewer": reviewer,
        "administrator": admin_user,
        "dfe": staff_user(Role.DFE),
    }
    return {
        "users": users,
        "parent": parent,
        "parent_outcome": parent_outcome,
        "to_mark": to_mark,
        "sampled": sampled,
        "draft": draft,
        "review": review,
        "unallocated": unallocated,
    }


PAGES = {
    "assessment:assessor_home": (lambda w: {}, ASSESSORS, 200),
    "assessment:second_marking_queue": (lambda w: {}, ASSESSORS, 200),
    "assessment:moderation_queue": (lambda w: {}, ASSESSORS, 200),
    "assessment:assessor_test_results": (lambda w: {}, ASSESSORS, 200),
    "assessment:attempt_mark": (lambda w: {"attempt_id": w["to_mark"].pk}, {"assessor"}, 200),
    "assessment:attempt_marks": (lambda w: {"attempt_id": w["sampled"].pk}, ADMIN, 200),
    "assessment:review_decide": (lambda w: {"review_id": w["review"].pk}, {"reviewer"}, 200),
    "assessment:review_decide_check": (
        lambda w: {"review_id": w["review"].pk},
        {"reviewer"},
        302,
    ),
    "assessment:review_decided": (lambda w: {"review_id": w["review"].pk}, {"reviewer"}, 302),
    "assessment:my_outcome": (
        lambda w: {},
        {"candidate", "reviewee", "other_worker"},
        200,
    ),
    "assessment:fast_track": (lambda w: {"attempt_id": w["parent"].pk}, {"candidate"}, 200),
    "assessment:fast_track_check": (
        lambda w: {"attempt_id": w["parent"].pk},
        {"candidate"},
        302,
    ),
    "assessment:review_request": (lambda w: {"attempt_id": w["parent"].pk}, {"candidate"}, 200),
    "assessment:review_check": (lambda w: {"attempt_id": w["parent"].pk}, {"candidate"}, 302),
    "assessment:review_requested": (
        lambda w: {"review_id": w["review"].pk},
        {"reviewee"},
        200,
    ),
    "assessment:outcome_list": (lambda w: {}, {"administrator", "moderator"}, 200),
    "assessment:outcome_detail": (
        lambda w: {"outcome_id": w["parent_outcome"].pk},
        {"candidate", "administrator", "moderator"},
        200,
    ),
    "assessment:outcome_confirm": (
        lambda w: {"outcome_id": w["draft"].pk},
        {"administrator", "moderator"},
        200,
    ),
    "assessment:outcomes_publish": (lambda w: {}, ADMIN, 200),
    "assessment:outcomes_published": (lambda w: {}, ADMIN, 200),
    "assessment:allocation_queue": (lambda w: {}, ADMIN, 200),
    "assessment:attempt_allocate": (lambda w: {"attempt_id": w["unallocated"].pk}, ADMIN, 200),
    "assessment:rule_sets": (lambda w: {}, ADMIN, 200),
    "assessment:rule_set_create": (
        lambda w: {"framework_id": current_framework().pk},
        ADMIN,
        200,
    ),
}


@pytest.mark.parametrize("url_name", PAGES)
def test_access_by_role_for_every_page(client, world, url_name):
    """Every role against the page: the allowed get it, others 403, the signed-out sign in."""
    kwargs, allowed, status = PAGES[url_name]
    url = reverse(url_name, kwargs=kwargs(world))
    wrong = {}
    for role in ROLES:
        client.logout()
        user = world["users"][role]
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        if user is None:
            ok = response.status_code == 302 and response.url.startswith(reverse("login"))
        else:
            ok = response.status_code == (status if role in allowed else 403)
        if not ok:
            wrong[role] = response.status_code
    assert wrong == {}


def test_posts_are_refused_to_everyone_not_allowed(client, world):
    # given
    to_mark, draft = world["to_mark"], world["draft"]
    for role in ROLES:
        if role in ("anonymous", "assessor"):
            continue
        client.force_login(world["users"][role])
        # when / then
        url = reverse("assessment:attempt_mark", args=[to_mark.pk])
        assert client.post(url, {}).status_code == 403, role
        if role not in ("administrator", "moderator"):
            url = reverse("assessment:outcome_confirm", args=[draft.pk])
            assert client.post(url).status_code == 403, role
        if role != "administrator":
            url = reverse("assessment:outcomes_publish")
            assert client.post(url, {"outcome": [draft.pk]}).status_code == 403, role
    assert not AreaMark.objects.filter(allocation__attempt=to_mark).exists()
    assert Outcome.objects.get(pk=draft.pk).confirmed_at is None


def _form_data(attempt, marks=("3", "3", "3", "3"), note="Clear evidence", reason=None):
    data = {}
    for area in attempt.areas.all():
        for name, value in zip(AreaMark.TASK_FIELDS, marks, strict=True):
            data[f"area_{area.pk}_{name}"] = value
        data[f"area_{area.pk}_evidence"] = note
        data[f"area_{area.pk}_global_judgement"] = "2"  # met
    if reason is not None:
        data["reason"] = reason
    return data


def test_scoring_form_refuses_bad_input_keeps_it_and_saves_nothing(client, world):
    # given
    attempt = world["to_mark"]
    client.force_login(world["users"]["assessor"])
    url = reverse("assessment:attempt_mark", args=[attempt.pk])
    data = _form_data(attempt)
    first_area = attempt.areas.get(number=1)
    data[f"area_{first_area.pk}_role_play_2"] = "7"
    data[f"area_{first_area.pk}_evidence"] = ""
    data[f"area_{attempt.areas.get(number=2).pk}_evidence"] = "Typed evidence kept"
    # when
    response = client.post(url, data)
    # then
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text
    assert "Choose a mark from 1 to 4 for role play 2 in area 1" in text
    assert "Enter the evidence for area 1" in text
    assert "Typed evidence kept" in text
    assert not AreaMark.objects.filter(allocation__attempt=attempt).exists()
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.SAT


def test_scoring_form_submits_the_marks(client, world):
    attempt = world["to_mark"]
    client.force_login(world["users"]["assessor"])
    response = client.post(
        reverse("assessment:attempt_mark", args=[attempt.pk]), _form_data(attempt)
    )
    assert response.status_code == 302
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.MODERATED
    assert AreaMark.objects.filter(allocation__attempt=attempt).count() == 10


def test_the_second_marker_never_sees_the_first_marks(client, world):
    # given
    sampled = world["sampled"]
    client.force_login(world["users"]["second_marker"])
    # when
    page = client.get(reverse("assessment:attempt_mark", args=[sampled.pk]))
    marks = client.get(reverse("assessment:attempt_marks", args=[sampled.pk]))
    # then
    assert page.status_code == 200
    assert "FIRST-MARKER-SECRET" not in page.content.decode()
    assert "blind" in page.content.decode()
    assert marks.status_code == 403
    # and an administrator does see them
    client.force_login(world["users"]["administrator"])
    marks = client.get(reverse("assessment:attempt_marks", args=[sampled.pk]))
    assert "FIRST-MARKER-SECRET" in marks.content.decode()


def test_publishing_twice_publishes_once(client, world):
    # given
    admin = world["users"]["administrator"]
    draft = world["draft"]
    services.outcome_confirm(outcome=draft, actor=admin)
    client.force_login(admin)
    url = reverse("assessment:outcomes_publish")
    assert f"NAAS-{draft.attempt_id:06d}-1" in client.get(url).content.decode()
    # when
    first = client.post(url, {"outcome": [draft.pk]})
    second = client.post(url, {"outcome": [draft.pk]})
    # then
    assert first.status_code == 302
    assert second.status_code == 409
    assert "already been published" in second.content.decode()
    assert Attempt.objects.get(pk=draft.attempt_id).state == AttemptState.OUTCOME_PUBLISHED
    confirmation = client.get(reverse("assessment:outcomes_published"))
    assert "Outcomes published" in confirmation.content.decode()


def test_outcome_page_explains_each_area(client, world):
    client.force_login(world["users"]["candidate"])
    outcome = world["parent_outcome"]
    text = client.get(reverse("assessment:outcome_detail", args=[outcome.pk])).content.decode()
    assert "Partially met" in text
    assert "Rule set version 1" in text
    assert "Observation mean 2 is below 2.5" in text


def test_candidate_books_a_fast_track_retake_through_check_your_answers(client, world):
    # given
    client.force_login(world["users"]["candidate"])
    parent = world["parent"]
    home = client.get(reverse("assessment:my_outcome")).content.decode()
    assert "Book a fast-track retake" in home
    sitting = SittingFactory()
    url = reverse("assessment:fast_track", args=[parent.pk])
    # when: nothing chosen, then a sitting
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"sitting": sitting.pk}).status_code == 302
    response = client.post(reverse("assessment:fast_track_check", args=[parent.pk]))
    # then
    retake = Attempt.objects.get(parent=parent)
    assert response.url == reverse("assessment:booked", args=[retake.pk])
    assert retake.sitting == sitting
    # a second one is refused with the reason
    page = client.get(url)
    assert page.status_code == 409
    assert "only one is allowed" in page.content.decode()


def test_a_not_met_candidate_is_told_they_need_a_new_endorsement(client, admin_user):
    worker = SocialWorkerFactory()
    attempt, _ = published_attempt(worker, admin=admin_user, marks=(1, 1, 1, 1))
    client.force_login(worker.user)
    page = client.get(reverse("assessment:fast_track", args=[attempt.pk]))
    assert page.status_code == 409
    assert "endorse you again" in page.content.decode()


def test_review_after_the_deadline_is_refused(client, world):
    # given: published long ago
    parent_outcome = world["parent_outcome"]
    Outcome.objects.filter(pk=parent_outcome.pk).update(
        published_at=datetime(2026, 1, 5, 12, tzinfo=UTC)
    )
    client.force_login(world["users"]["candidate"])
    # when
    page = client.get(reverse("assessment:review_request", args=[world["parent"].pk]))
    # then
    assert page.status_code == 409
    assert "The deadline for asking for a review was" in page.content.decode()


def test_candidate_asks_for_a_review_through_check_your_answers(client, world):
    client.force_login(world["users"]["candidate"])
    parent = world["parent"]
    url = reverse("assessment:review_request", args=[parent.pk])
    response = client.post(url, {"grounds": ""})
    assert response.status_code == 400
    assert "Enter your grounds for the review" in response.content.decode()
    assert client.post(url, {"grounds": "The room was noisy"}).status_code == 302
    response = client.post(reverse("assessment:review_check", args=[parent.pk]))
    assert response.status_code == 302
    assert Attempt.objects.get(pk=parent.pk).state == AttemptState.UNDER_REVIEW


def test_reviewer_decides_through_check_your_answers(client, world):
    client.force_login(world["users"]["reviewer"])
    review = world["review"]
    url = reverse("assessment:review_decide", args=[review.pk])
    assert client.post(url, {"decision": "overturn"}).status_code == 400
    assert client.post(url, {"decision": "overturn", "reason": "Flawed"}).status_code == 302
    response = client.post(reverse("assessment:review_decide_check", args=[review.pk]))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Outcome overturned" in page
    # scoring re-opens for the reviewer, who must give a reason
    attempt = review.attempt
    mark_url = reverse("assessment:attempt_mark", args=[attempt.pk])
    assert client.post(mark_url, _form_data(attempt)).status_code == 400
    response = client.post(mark_url, _form_data(attempt, reason="Re-marked"))
    assert response.status_code == 302
    assert selectors.current_outcome(attempt).version == 2


def test_allocation_page_lists_only_people_free_of_conflicts(client, world):
    # given
    attempt = world["unallocated"]
    client.force_login(world["users"]["administrator"])
    url = reverse("assessment:attempt_allocate", args=[attempt.pk])
    linked = staff_user(Role.ASSESSOR, attempt.worker.local_authority, full_name="Linked Person")
    # when
    page = client.get(url).content.decode()
    bad = client.post(url, {"assessor": linked.pk})
    good = client.post(url, {"assessor": world["users"]["assessor"].pk})
    # then
    assert "Linked Person" not in page
    assert bad.status_code == 400
    assert good.status_code == 302
    assert attempt.allocations.get().assessor == world["users"]["assessor"]


def test_rule_set_form_makes_a_new_version_and_refuses_bad_values(client, world):
    client.force_login(world["users"]["administrator"])
    framework = current_framework()
    url = reverse("assessment:rule_set_create", args=[framework.pk])
    bad = client.post(
        url,
        {
            "observation_threshold": "5",
            "knowledge_cut_percent": "60",
            "partially_met_fraction": "3/2",
            "notes": "Try",
        },
    )
    assert bad.status_code == 400
    assert "The observation threshold must be between 1 and 4" in bad.content.decode()
    assert "The share must be more than 0 and at most 1" in bad.content.decode()
    assert OutcomeRuleSet.objects.filter(framework=framework).count() == 1
    good = client.post(
        url,
        {
            "observation_threshold": "2.75",
            "knowledge_cut_percent": "65",
            "partially_met_fraction": "3/4",
            "notes": "Standard-setting 2027",
        },
    )
    assert good.status_code == 302
    latest = services.rule_set_current(framework)
    assert latest.version == 2
    assert latest.parameters["partially_met_fraction"] == "3/4"
    assert world["parent_outcome"].rule_set.version == 1
    assert Outcome.objects.get(pk=world["parent_outcome"].pk).result == OutcomeResult.PARTIALLY_MET


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_marking_queue_and_outcome_pages_keep_a_constant_query_count(client, admin_user):
    # given an assessor with one allocation, and a candidate with one outcome
    assessor = independent_assessor()
    worker = SocialWorkerFactory()
    allocate(sat_attempt(admin=admin_user), MarkerRole.FIRST, admin=admin_user, assessor=assessor)
    published_attempt(worker, admin=admin_user)
    client.force_login(assessor)
    queue_before = _queries(client, reverse("assessment:assessor_home"))
    client.force_login(worker.user)
    mine_before = _queries(client, reverse("assessment:my_outcome"))
    # when there are more of each
    for _ in range(3):
        allocate(
            sat_attempt(admin=admin_user), MarkerRole.FIRST, admin=admin_user, assessor=assessor
        )
    published_attempt(worker, admin=admin_user, level=Level.SUPERVISOR)
    # then
    client.force_login(assessor)
    assert _queries(client, reverse("assessment:assessor_home")) == queue_before
    client.force_login(worker.user)
    # a candidate has at most a handful of attempts; each adds only its eligibility checks
    assert _queries(client, reverse("assessment:my_outcome")) <= mine_before + 12
