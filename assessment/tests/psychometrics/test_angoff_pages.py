"""The standard-setting pages: who may see each, the judges' rating page (errors, saving,
facility between rounds), closing rounds, adopting the cut after checking it, and a constant
number of queries however many judges and results there are."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import AngoffExercise, AngoffRating, AngoffState, OutcomeRuleSet
from naas.models import Role
from naas.tests.factories import SocialWorkerFactory, staff_user

from ..factories import independent_assessor
from .test_angoff import closed_exercise, item_ids, open_exercise, rate, sit_form

pytestmark = pytest.mark.django_db

ADMIN_PAGES = (
    "angoff_list",
    "angoff_open",
    "angoff_detail",
    "angoff_close",
    "angoff_adopt",
    "angoff_adopt_done",
)


def url(name, exercise=None):
    if name in ("angoff_list", "angoff_open", "angoff_mine"):
        return reverse(f"assessment:{name}")
    return reverse(f"assessment:{name}", kwargs={"exercise_id": exercise.pk})


def someone(kind):
    return {
        "worker": lambda: SocialWorkerFactory().user,
        "supervisor": lambda: staff_user(Role.SUPERVISOR),
        "assessor": independent_assessor,
        "dfe": lambda: staff_user(Role.DFE),
    }[kind]()


@pytest.fixture
def adopted(admin_user):
    exercise = closed_exercise(admin_user)
    services.angoff_exercise_adopt(exercise=exercise, choice="raw", actor=admin_user)
    return AngoffExercise.objects.get(pk=exercise.pk)


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_administrators_see_every_administration_page(client, admin_user, adopted, name):
    client.force_login(admin_user)
    response = client.get(url(name, adopted))
    # the close and adopt pages of an exercise already adopted lead back to its page
    assert response.status_code == (302 if name in ("angoff_close", "angoff_adopt") else 200)


@pytest.mark.parametrize("name", ADMIN_PAGES)
@pytest.mark.parametrize("kind", ["worker", "supervisor", "assessor", "dfe"])
def test_no_one_else_sees_an_administration_page(client, admin_user, adopted, name, kind):
    judge = adopted.judges.first().user
    client.force_login(judge if kind == "assessor" else someone(kind))
    assert client.get(url(name, adopted)).status_code == 403


@pytest.mark.parametrize("name", [*ADMIN_PAGES, "angoff_rate", "angoff_mine"])
def test_anonymous_visitors_are_sent_to_sign_in(client, adopted, name):
    response = client.get(url(name, adopted))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_only_an_invited_judge_sees_the_rating_page(client, admin_user):
    exercise, users = open_exercise(admin_user, judges=1)
    client.force_login(users[0])
    assert client.get(url("angoff_rate", exercise)).status_code == 200
    client.force_login(independent_assessor())
    assert client.get(url("angoff_rate", exercise)).status_code == 404
    for kind in ("worker", "supervisor", "dfe"):
        client.force_login(someone(kind))
        assert client.get(url("angoff_rate", exercise)).status_code == 403
    client.force_login(admin_user)
    assert client.get(url("angoff_rate", exercise)).status_code == 403


def test_a_judge_sees_only_the_exercises_they_were_invited_to(client, admin_user):
    exercise, users = open_exercise(admin_user, judges=1)
    other, _ = open_exercise(admin_user, judges=0)
    client.force_login(users[0])
    page = client.get(url("angoff_mine")).content.decode()
    assert url("angoff_rate", exercise) in page
    assert url("angoff_rate", other) not in page


# --- Rating -------------------------------------------------------------------------------


def test_a_judge_saves_percentages_as_probabilities(client, admin_user):
    exercise, users = open_exercise(admin_user, judges=1)
    first, second = item_ids(exercise)[:2]
    client.force_login(users[0])
    response = client.post(url("angoff_rate", exercise), {f"item_{first}": "65"})
    assert response.status_code == 302
    assert list(AngoffRating.objects.values_list("item_id", "probability")) == [
        (first, Decimal("0.65"))
    ]
    page = client.get(url("angoff_rate", exercise)).content.decode()
    assert (
        f'name="item_{first}" type="text" inputmode="numeric" spellcheck="false" value="65"' in page
    )
    assert (
        f'name="item_{second}" type="text" inputmode="numeric" spellcheck="false" value=""' in page
    )


@pytest.mark.parametrize("value", ["101", "-1", "sixty", "65.5"])
def test_a_rating_out_of_range_is_a_govuk_error_and_saves_nothing(client, admin_user, value):
    exercise, users = open_exercise(admin_user, judges=1)
    first, second = item_ids(exercise)[:2]
    client.force_login(users[0])
    response = client.post(
        url("angoff_rate", exercise), {f"item_{first}": "50", f"item_{second}": value}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f'href="#id_item_{second}">Question 2:' in page
    assert not AngoffRating.objects.exists()


def test_rating_after_the_rounds_close_is_refused(client, admin_user):
    exercise = closed_exercise(admin_user)
    judge = exercise.judges.first()
    client.force_login(judge.user)
    first = item_ids(exercise)[0]
    response = client.post(url("angoff_rate", exercise), {f"item_{first}": "10"})
    assert response.status_code == 409
    assert "ratings can no longer change" in response.content.decode()
    assert not AngoffRating.objects.filter(probability=Decimal("0.1")).exists()


def test_round_two_shows_each_items_facility_and_the_round_one_rating(client, admin_user):
    exercise, users = open_exercise(admin_user)
    sit_form(exercise.test_form, 10, admin=admin_user)
    for user in users:
        rate(exercise, user, 1, "0.55")
    services.angoff_round_one_close(exercise=exercise, actor=admin_user)
    client.force_login(users[0])
    page = client.get(url("angoff_rate", exercise)).content.decode()
    assert "Facility" in page
    assert "from 10 results" in page
    assert "55%" in page  # the round-one rating, and the round-two starting value
    # candidate i got the first i questions wrong: question 1 was right for 1 in 10
    assert "10%" in page


# --- Closing rounds and adopting ----------------------------------------------------------


def test_closing_round_one_with_too_few_judges_is_refused_on_the_page(client, admin_user):
    exercise, users = open_exercise(admin_user, judges=4)
    for user in users:
        rate(exercise, user, 1, "0.5")
    client.force_login(admin_user)
    assert client.get(url("angoff_close", exercise)).status_code == 200
    response = client.post(url("angoff_close", exercise))
    assert response.status_code == 409
    assert "at least 5 must" in response.content.decode()
    assert AngoffExercise.objects.get(pk=exercise.pk).state == AngoffState.ROUND_ONE


def test_closing_round_two_on_the_page_shows_the_cut(client, admin_user):
    exercise, users = open_exercise(admin_user)
    for user in users:
        rate(exercise, user, 1, "0.6")
    client.force_login(admin_user)
    client.post(url("angoff_close", exercise))
    for user in users:
        rate(exercise, user, 2, "0.75")
    assert client.post(url("angoff_close", exercise)).status_code == 302
    page = client.get(url("angoff_detail", exercise)).content.decode()
    assert "75.00%" in page
    assert "Cannot be adjusted: too few results" in page


def test_adopting_goes_through_check_your_answers_once(client, admin_user):
    exercise = closed_exercise(admin_user)
    client.force_login(admin_user)
    count = OutcomeRuleSet.objects.count()
    response = client.post(url("angoff_adopt", exercise), {"choice": "raw"})
    assert response.url == url("angoff_adopt_check", exercise)
    check = client.get(response.url).content.decode()
    assert "70.00%" in check
    assert OutcomeRuleSet.objects.count() == count  # nothing yet
    done = client.post(url("angoff_adopt_check", exercise))
    assert done.url == url("angoff_adopt_done", exercise)
    assert OutcomeRuleSet.objects.count() == count + 1
    assert "Cut adopted" in client.get(done.url).content.decode()
    # a second send finds nothing waiting and changes nothing
    client.post(url("angoff_adopt_check", exercise))
    assert OutcomeRuleSet.objects.count() == count + 1


def test_choosing_no_cut_is_a_govuk_error(client, admin_user):
    exercise = closed_exercise(admin_user)
    client.force_login(admin_user)
    response = client.post(url("angoff_adopt", exercise), {"choice": "adjusted"})
    assert response.status_code == 400  # no adjusted cut to choose without results
    assert "Choose which cut to adopt" in response.content.decode()


def test_inviting_on_the_page_refuses_someone_not_listed(client, admin_user):
    exercise, _ = open_exercise(admin_user, judges=0)
    client.force_login(admin_user)
    response = client.post(url("angoff_detail", exercise), {"user": someone("worker").pk})
    assert response.status_code == 400
    assert not exercise.judges.exists()
    judge = independent_assessor()
    assert client.post(url("angoff_detail", exercise), {"user": judge.pk}).status_code == 302
    assert list(exercise.judges.values_list("user", flat=True)) == [judge.pk]


# --- Query counts -------------------------------------------------------------------------


MAX_QUERIES = 25


def test_the_pages_use_the_same_queries_however_many_judges_and_results(
    client, admin_user, django_assert_max_num_queries
):
    def queries(path) -> int:
        with django_assert_max_num_queries(MAX_QUERIES) as captured:
            assert client.get(path).status_code == 200
        return len(captured.captured_queries)

    counts = []
    for judges, results in ((5, 10), (8, 14)):
        exercise, users = open_exercise(admin_user, judges=judges)
        sit_form(exercise.test_form, results, admin=admin_user)
        for user in users:
            rate(exercise, user, 1, "0.6")
        services.angoff_round_one_close(exercise=exercise, actor=admin_user)
        client.force_login(admin_user)
        detail = queries(url("angoff_detail", exercise))
        listing = queries(url("angoff_list"))
        client.force_login(users[0])
        rating = queries(url("angoff_rate", exercise))
        counts.append((detail, listing, rating))
    assert counts[0] == counts[1]
