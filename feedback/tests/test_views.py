"""The feedback pages: every role against every URL, then each page's behaviour."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape

from assessment.models import AttemptState
from assessment.tests.factories import marked_outcome
from feedback.models import AreaFeedback, Letter, SupportAction
from naas.models import DocumentState, Role
from naas.tests.factories import SocialWorkerFactory, UserFactory, staff_user

from .factories import NOT_MET, PARTIAL, marking_attempt, published_result

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "social_worker",
    "other_worker",
    "supervisor",
    "other_supervisor",
    "la_lead",
    "other_la_lead",
    "assessor",
    "first_marker",
    "moderator",
    "administrator",
    "dfe",
]


@pytest.fixture
def world():
    # The build tasks are not run here (the letter tests make real PDFs): the files are stand-ins.
    outcome, marker = published_result({5: NOT_MET, 9: PARTIAL})
    met, _ = published_result()
    for document in [Letter.objects.get(outcome=outcome), met.accreditation.certificate]:
        document.file.save(document.document_filename(), ContentFile(b"%PDF-1.7\n"), save=False)
        document.save()
        type(document).objects.filter(pk=document.pk).update(state=DocumentState.READY)
    worker = outcome.attempt.worker
    la = worker.local_authority
    open_attempt, _ = marking_attempt(SocialWorkerFactory(local_authority=la), assessor=marker)
    from feedback import services

    action = services.support_action_add(
        worker=worker,
        actor=worker.supervisor,
        area=outcome.attempt.framework.areas.get(number=5),
        action="Shadowing",
        owner="Team manager",
        due_on=date(2027, 1, 31),
    )
    users = {
        "anonymous": None,
        "social_worker": worker.user,
        "other_worker": met.attempt.worker.user,
        "supervisor": worker.supervisor,
        "other_supervisor": staff_user(Role.SUPERVISOR, la),
        "la_lead": staff_user(Role.LA_LEAD, la),
        "other_la_lead": staff_user(Role.LA_LEAD),
        "assessor": staff_user(Role.ASSESSOR),
        "first_marker": marker,
        "moderator": staff_user(Role.MODERATOR),
        "administrator": staff_user(Role.ADMINISTRATOR),
        "dfe": staff_user(Role.DFE),
    }
    return {
        "outcome": outcome,
        "worker": worker,
        "letter": Letter.objects.get(outcome=outcome),
        "certificate": met.accreditation.certificate,
        "met_worker": met.attempt.worker,
        "open_attempt": open_attempt,
        "action": action,
        "users": users,
    }


def urls(world):
    w = world
    return {
        "my_results": reverse("feedback:my_results"),
        "results_workers": reverse("feedback:results_workers"),
        "worker_results": reverse("feedback:worker_results", args=[w["worker"].pk]),
        "support_action_new": reverse("feedback:support_action_new", args=[w["worker"].pk]),
        "support_action_status": reverse("feedback:support_action_status", args=[w["action"].pk]),
        "write_feedback": reverse("feedback:write_feedback", args=[w["open_attempt"].pk]),
        "letters": reverse("feedback:letters"),
        "download_letter": reverse("feedback:download_letter", args=[w["letter"].pk]),
        "download_certificate": reverse(
            "feedback:download_certificate", args=[w["certificate"].pk]
        ),
        "check_accreditation": reverse("feedback:check_accreditation"),
    }


SW = {"social_worker": 200, "other_worker": 200}
SUP_LEAD_OK = {"supervisor": 200, "la_lead": 200}
SUP_LEAD_404 = {"other_supervisor": 404, "other_la_lead": 404}
EXPECTED = {
    "my_results": {**SW},
    "results_workers": {**SUP_LEAD_OK, "other_supervisor": 200, "other_la_lead": 200},
    "worker_results": {**SUP_LEAD_OK, **SUP_LEAD_404},
    "support_action_new": {**SUP_LEAD_OK, **SUP_LEAD_404},
    "support_action_status": {**SUP_LEAD_OK, **SUP_LEAD_404},
    "write_feedback": {"first_marker": 200, "assessor": 404, "moderator": 404},
    "letters": {"administrator": 200},
    "download_letter": {
        "social_worker": 200,
        "supervisor": 200,
        "la_lead": 200,
        **dict.fromkeys(
            [
                "other_worker",
                "other_supervisor",
                "other_la_lead",
                "assessor",
                "first_marker",
                "moderator",
                "administrator",
                "dfe",
            ],
            404,
        ),
    },
    "download_certificate": {
        "other_worker": 200,
        **dict.fromkeys(
            [
                "social_worker",
                "supervisor",
                "other_supervisor",
                "la_lead",
                "assessor",
                "first_marker",
                "moderator",
                "administrator",
                "dfe",
            ],
            404,
        ),
        "other_la_lead": 404,
    },
    "check_accreditation": dict.fromkeys(ROLES, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_key", list(EXPECTED))
def test_every_role_against_every_url(client, world, role, url_key):
    # given
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    url = urls(world)[url_key]
    # when
    response = client.get(url)
    # then
    expected = EXPECTED[url_key].get(role, 302 if role == "anonymous" else 403)
    if url_key == "download_certificate" and role == "other_la_lead":
        # the met worker's LA differs from every LA here
        expected = 404
    assert response.status_code == expected, (role, url_key, response.status_code)
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_dfe_never_sees_feedback_text(client, world):
    client.force_login(world["users"]["dfe"])
    for url in urls(world).values():
        response = client.get(url)
        assert (
            b"Feedback for area 5" not in b"".join(response)
            if response.status_code == 200
            else True
        )


def test_worker_reads_results_feedback_next_steps_and_plan(client, world):
    # given
    client.force_login(world["users"]["social_worker"])
    # when
    page = client.get(reverse("feedback:my_results")).content.decode()
    # then
    assert world["outcome"].reference in page
    assert "Partially met" in page and "Feedback for area 5" in page
    assert "retake only the areas not met" in page
    assert "ask for a review of this result until" in page
    assert "Shadowing" in page and "Team manager" in page
    assert reverse("feedback:download_letter", args=[world["letter"].pk]) in page


def test_worker_downloads_their_letter_as_a_pdf(client, world):
    client.force_login(world["users"]["social_worker"])
    response = client.get(reverse("feedback:download_letter", args=[world["letter"].pk]))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]


def test_a_letter_not_ready_is_not_downloadable(client, world):
    Letter.objects.filter(pk=world["letter"].pk).update(state=DocumentState.PENDING)
    client.force_login(world["users"]["social_worker"])
    page = client.get(reverse("feedback:my_results")).content.decode()
    assert "Waiting to start" in page
    assert (
        client.get(reverse("feedback:download_letter", args=[world["letter"].pk])).status_code
        == 404
    )


def test_write_feedback_requires_every_area_not_met(client, world):
    # given
    attempt = world["open_attempt"]
    marked_outcome(attempt, results={2: NOT_MET})
    client.force_login(world["users"]["first_marker"])
    url = reverse("feedback:write_feedback", args=[attempt.pk])
    area2 = attempt.framework.areas.get(number=2)
    area3 = attempt.framework.areas.get(number=3)
    # when: area 2 (not met) left empty
    response = client.post(url, {f"feedback_{area3.pk}": "<b>kept</b>"})
    # then
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter feedback for area 2" in page
    assert "&lt;b&gt;kept&lt;/b&gt;" in page
    assert not AreaFeedback.objects.filter(attempt=attempt).exists()
    # when: fixed
    response = client.post(
        url, {f"feedback_{area2.pk}": "Needs work", f"suggestions_{area2.pk}": "Read"}
    )
    assert response.status_code == 302
    assert AreaFeedback.objects.get(attempt=attempt, area=area2).development_suggestions == "Read"


def test_write_feedback_refuses_too_long_text(client, world):
    attempt = world["open_attempt"]
    client.force_login(world["users"]["first_marker"])
    area = attempt.framework.areas.get(number=1)
    response = client.post(
        reverse("feedback:write_feedback", args=[attempt.pk]),
        {f"feedback_{area.pk}": "x" * 5001},
    )
    assert response.status_code == 400
    assert "5000 characters or fewer" in response.content.decode()
    assert not AreaFeedback.objects.filter(attempt=attempt).exists()


def test_write_feedback_is_read_only_after_publication(client, world):
    attempt = world["outcome"].attempt
    assert attempt.state == AttemptState.OUTCOME_PUBLISHED
    client.force_login(world["users"]["first_marker"])
    url = reverse("feedback:write_feedback", args=[attempt.pk])
    area = attempt.framework.areas.get(number=5)
    page = client.get(url).content.decode()
    assert "Feedback cannot be changed now" in page
    client.post(url, {f"feedback_{area.pk}": "Changed"})
    assert AreaFeedback.objects.get(attempt=attempt, area=area).feedback == "Feedback for area 5"


def test_supervisor_adds_a_support_action_with_bad_input_first(client, world):
    worker = world["worker"]
    client.force_login(world["users"]["supervisor"])
    url = reverse("feedback:support_action_new", args=[worker.pk])
    area9 = world["outcome"].attempt.framework.areas.get(number=9)
    area1 = world["outcome"].attempt.framework.areas.get(number=1)
    response = client.post(
        url,
        {
            "area": str(area1.pk),
            "action": "Training",
            "owner": "",
            "due_on_0": "31",
            "due_on_1": "13",
            "due_on_2": "2027",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter who is responsible" in page and "Training" in page
    assert SupportAction.objects.count() == 1
    response = client.post(
        url,
        {
            "area": str(area9.pk),
            "action": "Training",
            "owner": "Principal social worker",
            "due_on_0": "31",
            "due_on_1": "3",
            "due_on_2": "2027",
        },
    )
    assert response.status_code == 302
    assert SupportAction.objects.filter(area=area9, due_on=date(2027, 3, 31)).exists()


def test_a_double_clicked_support_action_is_added_once(client, world):
    # given a supervisor on the support-action form
    worker = world["worker"]
    client.force_login(world["users"]["supervisor"])
    url = reverse("feedback:support_action_new", args=[worker.pk])
    area9 = world["outcome"].attempt.framework.areas.get(number=9)
    data = {
        "csrfmiddlewaretoken": "one-page-load",
        "area": str(area9.pk),
        "action": "Shadowing a senior practitioner",
        "owner": "Principal social worker",
        "due_on_0": "31",
        "due_on_1": "3",
        "due_on_2": "2027",
    }
    before = SupportAction.objects.count()
    # when the same submission arrives twice
    first = client.post(url, data)
    second = client.post(url, data)
    # then one action is added and both land on the same page
    assert SupportAction.objects.count() == before + 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_support_action_status_change(client, world):
    client.force_login(world["users"]["la_lead"])
    url = reverse("feedback:support_action_status", args=[world["action"].pk])
    assert client.post(url, {"status": "nonsense"}).status_code == 400
    assert client.post(url, {"status": "in_progress"}).status_code == 302
    world["action"].refresh_from_db()
    assert world["action"].status == "in_progress"


def test_no_support_plan_for_a_met_worker(client, world):
    met_worker = world["met_worker"]
    client.force_login(met_worker.supervisor)
    response = client.get(reverse("feedback:support_action_new", args=[met_worker.pk]))
    assert response.status_code == 409


def test_administrator_sees_failed_letters_and_retries(
    client, world, django_capture_on_commit_callbacks
):
    letter = world["letter"]
    Letter.objects.filter(pk=letter.pk).update(
        state=DocumentState.FAILED, last_error="OSError: disk full"
    )
    client.force_login(world["users"]["administrator"])
    page = client.get(reverse("feedback:letters")).content.decode()
    assert "OSError: disk full" in page and "Try again" in page
    assert client.get(reverse("feedback:letter_retry", args=[letter.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feedback:letter_retry", args=[letter.pk]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == DocumentState.READY


@pytest.mark.parametrize("role", ["social_worker", "supervisor", "dfe", "assessor"])
def test_only_administrators_retry(client, world, role):
    client.force_login(world["users"][role])
    response = client.post(reverse("feedback:letter_retry", args=[world["letter"].pk]))
    assert response.status_code == 403


def test_public_check_answers_only_valid_or_not_found(client, world):
    accreditation = world["met_worker"].accreditations.get()
    url = reverse("feedback:check_accreditation")
    valid = client.post(
        url,
        {
            "registration_number": world["met_worker"].registration_number.lower(),
            "reference": accreditation.reference.lower(),
        },
    ).content.decode()
    assert "This accreditation is valid" in valid
    assert escape(world["met_worker"].user.full_name) not in valid
    answers = set()
    for reg, ref in [
        (world["met_worker"].registration_number, "ACC-AAAA-AAAA"),
        (world["worker"].registration_number, accreditation.reference),
        ("SW999999", accreditation.reference),
    ]:
        page = client.post(url, {"registration_number": reg, "reference": ref}).content.decode()
        assert "We could not find a current accreditation" in page
        answers.add(page.count("could not find"))
    assert answers == {1}
    bad = client.post(url, {"registration_number": "<script>", "reference": ""})
    assert bad.status_code == 400
    assert "Enter the accreditation reference" in bad.content.decode()


def test_results_list_for_a_la_lead(client, world):
    client.force_login(world["users"]["la_lead"])
    page = client.get(reverse("feedback:results_workers")).content.decode()
    assert escape(world["worker"].user.full_name) in page
    assert escape(world["met_worker"].user.full_name) not in page


def test_a_user_without_any_role_gets_403(client, world):
    client.force_login(UserFactory())
    assert client.get(reverse("feedback:my_results")).status_code == 403


@pytest.mark.django_db
def test_the_public_check_is_rate_limited_per_address(client, settings):
    # given a limit of three checks per address
    from django.core.cache import cache

    cache.clear()
    settings.NAAS_PUBLIC_CHECK_LIMIT = 3
    url = reverse("feedback:check_accreditation")
    data = {"registration_number": "SW1", "reference": "ACC-AAAA-BBBB"}
    # when the same address checks four times
    statuses = [client.post(url, data, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
    # then the fourth is refused, and another address may still check
    assert statuses == [200, 200, 200, 429]
    assert client.post(url, data, REMOTE_ADDR="203.0.113.8").status_code == 200
    cache.clear()
