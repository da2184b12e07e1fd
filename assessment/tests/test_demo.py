from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessment import selectors
from assessment.blueprint import blueprint_problems
from assessment.models import (
    AdjustmentDecision,
    AdjustmentRequest,
    Attempt,
    AttemptState,
    FormSection,
    Item,
    Sitting,
    TestForm,
    TestResult,
)
from naas.models import KSSArea, Level, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=StringIO())


def test_item_bank_covers_every_area_of_all_three_frameworks(seeded):
    covered = set(Item.objects.filter(is_active=True).values_list("area_id", flat=True))
    assert covered >= set(
        KSSArea.objects.filter(framework__is_current=True).values_list("pk", flat=True)
    )
    assert (
        Item.objects.filter(format="3of8").exists() and Item.objects.filter(format="1of4").exists()
    )


@pytest.mark.parametrize("level", Level.values)
def test_each_level_has_a_form_that_follows_the_blueprint(seeded, level):
    form = TestForm.objects.get(level=level, is_active=True)
    links = list(form.form_items.select_related("item__area__framework", "item__scenario"))
    general = [link.item for link in links if link.section == FormSection.GENERAL]
    applied = [link.item for link in links if link.section == FormSection.APPLIED]
    assert (
        blueprint_problems(level=level, scenario=form.scenario, general=general, applied=applied)
        == []
    )


def test_sittings_bookings_and_results_are_ready_to_explore(seeded):
    today = timezone.localdate()
    assert Sitting.objects.filter(date__gt=today).count() >= 12
    assert AdjustmentRequest.objects.filter(decision=AdjustmentDecision.PENDING).exists()
    assert AdjustmentRequest.objects.filter(decision=AdjustmentDecision.APPROVED).exists()
    assert Attempt.objects.filter(state=AttemptState.BOOKED).count() >= 2
    assert TestResult.objects.count() == 9  # 3 Kirklees candidates, 6 for marking and publishing
    assessor = User.objects.get(email="assessor@demo.naas.test")
    assert selectors.test_results_for_assessor(assessor).count() == 3


def test_marking_moderation_and_outcomes_are_ready_to_explore(seeded):
    from assessment.models import Allocation, MarkerRole, Outcome, OutcomeResult

    assessor = User.objects.get(email="assessor@demo.naas.test")
    to_score = Allocation.objects.filter(
        assessor=assessor, role=MarkerRole.FIRST, submitted_at__isnull=True
    )
    assert to_score.count() == 3
    assert all(a.attempt.state == AttemptState.SAT for a in to_score)
    moderator = User.objects.get(email="moderator@demo.naas.test")
    waiting = Allocation.objects.get(assessor=moderator, role=MarkerRole.MODERATOR)
    assert selectors.attempt_next_step(waiting.attempt) == MarkerRole.MODERATOR
    published = Outcome.objects.filter(published_at__isnull=False)
    assert set(published.values_list("result", flat=True)) == set(OutcomeResult.values)
    worker = User.objects.get(email="worker@demo.naas.test").social_worker
    mine = Attempt.objects.get(worker=worker, state=AttemptState.OUTCOME_PUBLISHED)
    assert selectors.current_outcome(mine).result == OutcomeResult.PARTIALLY_MET
    assert selectors.fast_track_problems(mine) == []
    # and one confirmed outcome waits to be published, ready (nothing missing)
    waiting = Outcome.objects.filter(confirmed_at__isnull=False, published_at__isnull=True)
    assert waiting.count() == 1
    assert waiting.get().result == OutcomeResult.MET
    # running the seed again changes nothing
    count = Outcome.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Outcome.objects.count() == count


def test_a_past_endorsement_was_started_before_it_was_signed_off_not_on_the_seed_day(seeded):
    # the endorsement history's "Started" column shows created_at: for the demo's directly
    # made endorsements it is the day consent was given, before sign-off and confirmation
    from endorsement.models import Endorsement

    # (those booked on a sitting already held; the endorsement demo's own are made today)
    booked = Endorsement.objects.filter(attempts__sitting__date__lt=timezone.localdate()).distinct()
    assert booked.exists()
    for endorsement in booked:
        assert endorsement.created_at <= endorsement.consent_recorded_at, endorsement
        assert endorsement.created_at < endorsement.signed_off_at < endorsement.endorsed_at
        assert timezone.localdate(endorsement.created_at) < timezone.localdate()
