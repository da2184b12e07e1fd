import pytest
from django.urls import reverse

from naas.models import AuditEvent, Role
from naas.tests.factories import SocialWorkerFactory, staff_user

URL = reverse("naas:equality_data")


@pytest.mark.django_db
def test_worker_records_optional_equality_answers(client):
    # given a signed-in social worker
    worker = SocialWorkerFactory()
    client.force_login(worker.user)
    # when they answer two questions and leave two unanswered
    response = client.post(URL, {"age_band": "50_59", "sex": "prefer_not_to_say"})
    # then the answers are saved, the rest stay blank, and an audit event without the answers
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.age_band, worker.sex, worker.ethnicity_group, worker.disability) == (
        "50_59",
        "prefer_not_to_say",
        "",
        "",
    )
    event = AuditEvent.objects.for_object(worker).get()
    assert event.action == "equality_data.updated"
    assert "50_59" not in str(event.detail) and "50_59" not in event.reason


@pytest.mark.django_db
def test_the_same_answers_sent_again_record_nothing_new(client):
    # given a worker who has answered
    worker = SocialWorkerFactory()
    client.force_login(worker.user)
    client.post(URL, {"age_band": "50_59"})
    # when they send the same answers again, and then the form with nothing in it
    client.post(URL, {"age_band": "50_59"})
    # then only the first was a change worth an audit event; clearing the answer is another
    assert AuditEvent.objects.for_object(worker).count() == 1
    client.post(URL, {})
    worker.refresh_from_db()
    assert worker.age_band == ""
    assert AuditEvent.objects.for_object(worker).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, question",
    [
        ("age_band", "What is your age?"),
        ("ethnicity_group", "What is your ethnic group?"),
        ("sex", "What is your sex?"),
        ("disability", "Do you consider yourself to have a disability?"),
    ],
)
def test_an_answer_outside_the_choices_is_refused_and_nothing_saved(client, field, question):
    # given a worker who answered two questions
    worker = SocialWorkerFactory(age_band="30_39", sex="female")
    client.force_login(worker.user)
    events = AuditEvent.objects.count()
    # when a changed page sends a value that is not an answer, beside valid ones
    answers = {"age_band": "50_59", "sex": "prefer_not_to_say", "disability": "no"}
    response = client.post(URL, {**answers, field: "ancient"})
    # then the form's GOV.UK error is shown and nothing at all is saved
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f"Choose one of the answers to ‘{question}’" in html
    assert "Select a valid choice" not in html
    worker.refresh_from_db()
    assert (worker.age_band, worker.sex, worker.disability) == ("30_39", "female", "")
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LA_LEAD, Role.DFE, Role.ASSESSOR])
def test_only_social_workers_have_the_page(client, role):
    client.force_login(staff_user(role))
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
