"""The assessment pages whose rows grow with data cost the same queries with a few rows as with
many (issue 13). The work lists built on naas.listing (bookings, adjustments, outcomes, marking)
are checked in test_lists_assessment.py; these are the administrator's other lists, the markers'
second-marking, moderation and test-result queues, and the candidate's own pages."""

import pytest
from django.urls import reverse

from assessment import selectors, services
from assessment.models import Attempt, MarkerRole, OutcomeResult
from assessment.tests.factories import (
    CentreFactory,
    SittingFactory,
    administrator,
    allocate,
    book,
    draft_outcome,
    endorsed,
    first_mark,
    independent_assessor,
    make_item,
    make_scenario,
    make_test_form,
    mark_entries,
    published_attempt,
    sat_attempt,
    set_sitting_date,
)
from endorsement.models import Endorsement, EndorsementState
from feedback.tests.factories import published_result
from naas.models import Role
from naas.tests.factories import SocialWorkerFactory, current_framework
from naas.tests.query_counts import assert_same_queries

pytestmark = pytest.mark.django_db

# Pages whose every row is a whole attempt or test form through the services: fewer rows.
HEAVY = (2, 6)


@pytest.fixture
def admin():
    return administrator()


def test_centres_cost_the_same_queries_for_3_and_30(client, admin):
    def build(size):
        CentreFactory.create_batch(size)
        return admin, reverse("assessment:centres")

    assert_same_queries(client, build)


def test_scenarios_cost_the_same_queries_for_3_and_30(client, admin):
    def build(size):
        for _ in range(size):
            make_scenario()
        return admin, reverse("assessment:scenarios")

    assert_same_queries(client, build)


def test_the_item_bank_costs_the_same_queries_for_3_and_30_questions(client, admin):
    areas = list(current_framework().areas.order_by("number"))

    def build(size):
        for n in range(size):
            make_item(areas[n % len(areas)])
        return admin, reverse("assessment:item_list")

    assert_same_queries(client, build)


def test_rule_sets_cost_the_same_queries_for_3_and_30_versions(client, admin):
    framework = current_framework()

    def build(size):
        for _ in range(size):
            services.rule_set_create(
                framework=framework,
                parameters=selectors.rule_parameters_current(framework),
                notes="Another version",
                actor=admin,
            )
        return admin, reverse("assessment:rule_sets")

    assert_same_queries(client, build)


def test_test_forms_cost_the_same_queries(client, admin):
    def build(size):
        for _ in range(size):
            make_test_form(actor=admin)
        return admin, reverse("assessment:test_form_list")

    assert_same_queries(client, build, sizes=HEAVY)


def test_past_sittings_cost_the_same_queries_for_3_and_30(client, admin):
    def build(size):
        for n in range(size):
            set_sitting_date(SittingFactory(), -(n + 1))
        return admin, reverse("assessment:sittings_past")

    assert_same_queries(client, build)


def test_a_sittings_attendance_list_costs_the_same_queries_for_3_and_30(client, admin):
    def build(size):
        sitting = SittingFactory(capacity=size)
        for _ in range(size):
            book(endorsed(), sitting)
        set_sitting_date(sitting, 0)  # the day has come: attendance can be recorded
        return admin, reverse("assessment:sitting_detail", args=[sitting.pk])

    assert_same_queries(client, build)


def test_outcomes_to_publish_cost_the_same_queries(client, admin):
    def build(size):
        for _ in range(size):
            services.outcome_confirm(outcome=draft_outcome(admin=admin), actor=admin)
        return admin, reverse("assessment:outcomes_publish")

    large = assert_same_queries(client, build, sizes=HEAVY)
    assert len(large.context["ready"]) == sum(HEAVY)


def test_the_second_marking_queue_costs_the_same_queries(client, admin, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100  # every attempt wants a second marker
    marker = independent_assessor()

    def build(size):
        for _ in range(size):
            attempt = sat_attempt(admin=admin)
            first_mark(attempt, admin=admin)
            allocate(
                Attempt.objects.get(pk=attempt.pk), MarkerRole.SECOND, admin=admin, assessor=marker
            )
        return marker, reverse("assessment:second_marking_queue")

    assert_same_queries(client, build, sizes=HEAVY)


def test_the_moderation_queue_costs_the_same_queries(client, admin, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 100
    moderator = independent_assessor(Role.MODERATOR)

    def build(size):
        for _ in range(size):
            # the two markers are two points apart: the attempt goes to moderation
            attempt = sat_attempt(admin=admin)
            first_mark(attempt, admin=admin, marks=(4, 4, 4, 4))
            second = allocate(Attempt.objects.get(pk=attempt.pk), MarkerRole.SECOND, admin=admin)
            services.marks_submit(
                allocation=second, marks=mark_entries(attempt, (2, 2, 2, 2)), actor=second.assessor
            )
            allocate(
                Attempt.objects.get(pk=attempt.pk),
                MarkerRole.MODERATOR,
                admin=admin,
                assessor=moderator,
            )
        return moderator, reverse("assessment:moderation_queue")

    assert_same_queries(client, build, sizes=HEAVY)


def test_an_assessors_test_results_cost_the_same_queries(client, admin):
    assessor = independent_assessor()

    def build(size):
        for _ in range(size):
            # sat_attempt records a knowledge-test result; the first marker may read it
            allocate(sat_attempt(admin=admin), MarkerRole.FIRST, admin=admin, assessor=assessor)
        return assessor, reverse("assessment:assessor_test_results")

    assert_same_queries(client, build, sizes=HEAVY)


def test_a_candidates_bookings_cost_the_same_queries_for_3_and_30(client):
    def build(size):
        worker = SocialWorkerFactory()
        endorsement = endorsed(worker)
        # cancelled bookings stay on the page; the endorsement is freed for the next one
        for _ in range(size):
            attempt = book(endorsement, SittingFactory())
            services.attempt_cancel(attempt=attempt, actor=worker.user, reason="Ill")
        book(endorsement, SittingFactory())
        return worker.user, reverse("assessment:my_assessment")

    assert_same_queries(client, build)


def test_a_candidates_outcomes_cost_the_same_queries(client, admin, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0

    def build(size):
        worker = SocialWorkerFactory()
        for n in range(size):
            if n % 2:
                published_attempt(worker, admin=admin)  # met
            else:
                # partially met, with its feedback: a fast-track retake and a review are offered
                published_result({1: OutcomeResult.NOT_MET}, worker=worker)
            # the endorsement was used; the employer may endorse them again for another try
            Endorsement.objects.filter(worker=worker).update(state=EndorsementState.LAPSED)
        return worker.user, reverse("assessment:my_outcome")

    assert_same_queries(client, build, sizes=HEAVY)


def test_a_judges_exercises_cost_the_same_queries(client, admin):
    judge = independent_assessor()

    def build(size):
        for _ in range(size):
            exercise = services.angoff_exercise_open(
                test_form=make_test_form(actor=admin), actor=admin
            )
            services.angoff_judge_invite(exercise=exercise, user=judge, actor=admin)
        return judge, reverse("assessment:angoff_mine")

    assert_same_queries(client, build, sizes=HEAVY)


def test_closing_a_round_costs_the_same_queries_for_3_and_30_judges(client, admin):
    def build(size):
        exercise = services.angoff_exercise_open(test_form=make_test_form(actor=admin), actor=admin)
        for _ in range(size):
            services.angoff_judge_invite(
                exercise=exercise, user=independent_assessor(), actor=admin
            )
        return admin, reverse("assessment:angoff_close", args=[exercise.pk])

    assert_same_queries(client, build)
