"""Withdrawing a question from scoring on a test form (rescoring, new outcome versions, new
letters) and the DIF review queue, through the real services."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied

from assessment import selectors, services, signals
from assessment.models import (
    ItemWithdrawal,
    Outcome,
    OutcomeResult,
    TestAreaScore,
    TestForm,
    TestResponse,
    TestResult,
)
from assessment.outcome_rules import RuleParameters
from assessment.results_csv import read_results_csv
from assessment.tests.factories import (
    SittingFactory,
    answer_rows,
    book,
    endorsed,
    first_mark,
    make_test_form,
    publish,
    results_csv,
    set_sitting_date,
)
from feedback.models import Accreditation, Letter
from feedback.tests.factories import first_marker_of, write_feedback
from naas.models import AuditEvent, Role
from naas.tests.factories import SocialWorkerFactory, staff_user

pytestmark = pytest.mark.django_db

MET, PARTIAL = OutcomeResult.MET, OutcomeResult.PARTIALLY_MET


@pytest.fixture(autouse=True)
def _no_sample(settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0


def import_results(sitting, rows, admin):
    outcome = services.test_results_import(
        sitting=sitting, records=read_results_csv(results_csv(rows)), actor=admin
    )
    assert outcome.is_valid, outcome.errors
    return outcome


def booked_day(count: int, capacity: int = 10, workers=None):
    """A sitting today with `count` candidates booked and a practitioner form."""
    sitting = SittingFactory(capacity=max(capacity, count))
    workers = workers or [SocialWorkerFactory() for _ in range(count)]
    attempts = [book(endorsed(worker), sitting) for worker in workers]
    set_sitting_date(sitting, 0)
    return sitting, attempts, make_test_form()


def area_items(form: TestForm, number: int):
    return [
        link.item
        for link in form.form_items.select_related("item__area").order_by("position")
        if link.item.area.number == number
    ]


def wrong(item) -> str:
    """Options that score nothing for the item."""
    return "A" if item.correct_options != "A" else "C"


def withdraw(form, item, admin, reason="Works differently for one group"):
    return services.item_withdraw(test_form=form, item=item, reason=reason, actor=admin)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- Rescoring ----------------------------------------------------------------------------------


def test_every_result_on_the_form_is_rescored_without_the_item(admin_user):
    sitting, (full, partial), form = booked_day(2)
    # area 3 has three questions on the factory form; area 1 four
    withdrawn, *_ = area_items(form, 3)
    other = area_items(form, 1)[0]
    rows = answer_rows(full, form) + answer_rows(
        partial, form, override={withdrawn.code: wrong(withdrawn), other.code: ""}
    )
    import_results(sitting, rows, admin_user)
    assert reload(partial.test_result).raw_score == 28
    # when the administrator withdraws a question of area 3
    done = withdraw(form, withdrawn, admin_user)
    # then, by hand: 30/30 becomes 29/29; 28/30 (the withdrawn one wrong) becomes 28/29
    assert done.results_rescored == 2
    full_result, partial_result = TestResult.objects.filter(test_form=form).order_by("attempt_id")
    assert (full_result.raw_score, full_result.max_score) == (29, 29)
    assert (partial_result.raw_score, partial_result.max_score) == (28, 29)
    # area 3 for the second candidate: 2 of 3 (66.67%) becomes 2 of 2 (100%)
    area3 = TestAreaScore.objects.get(result=partial_result, area=withdrawn.area)
    assert (area3.marks, area3.max_marks, area3.item_count, area3.percent) == (
        2,
        2,
        2,
        Decimal("100.00"),
    )
    # area 1 keeps its four questions: 3 of 4
    area1 = TestAreaScore.objects.get(result=partial_result, area=other.area)
    assert (area1.marks, area1.max_marks, area1.percent) == (3, 4, Decimal("75.00"))
    # the answers are kept, the withdrawn one included
    assert TestResponse.objects.filter(result=partial_result, item=withdrawn).exists()
    assert TestResponse.objects.filter(result__test_form=form).count() == 60


def test_a_later_import_on_the_form_leaves_the_withdrawn_item_out(admin_user):
    sitting, (first,), form = booked_day(1)
    withdrawn = area_items(form, 3)[0]
    import_results(sitting, answer_rows(first, form), admin_user)
    withdraw(form, withdrawn, admin_user)
    # when a second sitting's results on the same form arrive
    later, (second,), _ = booked_day(1)
    import_results(later, answer_rows(second, form), admin_user)
    result = reload(second).test_result
    assert (result.raw_score, result.max_score) == (29, 29)
    assert TestAreaScore.objects.get(result=result, area=withdrawn.area).max_marks == 2


def test_withdrawal_and_rescoring_are_audited(admin_user):
    sitting, attempts, form = booked_day(2)
    import_results(sitting, [r for a in attempts for r in answer_rows(a, form)], admin_user)
    item = area_items(form, 3)[0]
    done = withdraw(form, item, admin_user, reason="  Two correct answers  ")
    event = AuditEvent.objects.for_object(done.withdrawal).get()
    assert event.action == "item.withdrawn_from_form"
    assert event.reason == "Two correct answers" and event.detail["item"] == item.code
    rescored = AuditEvent.objects.filter(action="attempt.test_result_rescored")
    assert sorted(int(e.object_id) for e in rescored) == sorted(a.pk for a in attempts)
    assert {e.detail["before"] for e in rescored} == {"30.00/30.00"}
    assert {e.detail["after"] for e in rescored} == {"29.00/29"}


# --- Refusals -----------------------------------------------------------------------------------


def snapshot(form):
    return (
        ItemWithdrawal.objects.count(),
        list(TestResult.objects.filter(test_form=form).values_list("raw_score", "max_score")),
        list(TestAreaScore.objects.values_list("marks", "max_marks")),
        AuditEvent.objects.count(),
    )


def test_the_last_scored_item_of_an_area_cannot_be_withdrawn(admin_user):
    sitting, (attempt,), form = booked_day(1)
    import_results(sitting, answer_rows(attempt, form), admin_user)
    first, last = area_items(form, 9)  # area 9 has two questions on the factory form
    withdraw(form, first, admin_user)
    before = snapshot(form)
    with pytest.raises(services.AssessmentError) as refused:
        withdraw(form, last, admin_user)
    assert "last question scored for KSS area 9" in refused.value.messages[0]
    assert snapshot(form) == before


def test_withdrawing_twice_is_refused(admin_user):
    sitting, (attempt,), form = booked_day(1)
    import_results(sitting, answer_rows(attempt, form), admin_user)
    item = area_items(form, 3)[0]
    withdraw(form, item, admin_user)
    before = snapshot(form)
    with pytest.raises(services.AssessmentError) as refused:
        withdraw(form, item, admin_user)
    assert refused.value.messages == [
        f"Question {item.code} has already been withdrawn from this form"
    ]
    assert snapshot(form) == before


def test_a_reason_is_required_and_the_item_must_be_on_the_form(admin_user):
    form = make_test_form()
    elsewhere = area_items(make_test_form(), 3)[0]
    with pytest.raises(services.AssessmentError) as refused:
        withdraw(form, area_items(form, 3)[0], admin_user, reason="   ")
    assert refused.value.messages == ["Enter the reason for withdrawing this question"]
    with pytest.raises(services.AssessmentError) as refused:
        withdraw(form, elsewhere, admin_user)
    assert "is not on test form" in refused.value.messages[0]
    assert not ItemWithdrawal.objects.exists()


def test_only_an_administrator_may_withdraw(admin_user):
    form = make_test_form()
    with pytest.raises(PermissionDenied):
        withdraw(form, area_items(form, 3)[0], staff_user(Role.MODERATOR))
    assert not ItemWithdrawal.objects.exists()


# --- Outcomes -----------------------------------------------------------------------------------


@pytest.fixture
def two_candidates(admin_user):
    """Observed well in every area (marks 3); on area 3's questions `near` answers the one to
    be withdrawn right and another wrong (2 of 3, 66.67%: just above the 60% cut), `far`
    answers all right."""
    sitting, (near, far), form = booked_day(2)
    withdrawn, missed, _ = area_items(form, 3)
    rows = answer_rows(near, form, override={missed.code: wrong(missed)}) + answer_rows(far, form)
    import_results(sitting, rows, admin_user)
    for attempt in (near, far):
        first_mark(reload(attempt), admin=admin_user, marks=(3, 3, 3, 3))
    near, far = reload(near), reload(far)
    assert selectors.current_outcome(near).result == MET
    return form, withdrawn, near, far


def outcomes_of(attempt):
    return list(Outcome.objects.filter(attempt=attempt).order_by("version"))


def test_a_new_version_only_where_the_result_changed(admin_user, two_candidates):
    form, withdrawn, near, far = two_candidates
    near_v1 = selectors.current_outcome(near)
    far_v1 = selectors.current_outcome(far)
    # when the question `near` answered right is withdrawn: area 3 becomes 1 of 2 (50%)
    done = withdraw(form, withdrawn, admin_user)
    # then `near` has a new version, partially met, left to confirm (it was not published)
    old, new = outcomes_of(near)
    assert old.pk == near_v1.pk and old.result == MET and old.superseded_at is not None
    assert new.version == 2 and new.result == PARTIAL and new.confirmed_at is None
    area3 = new.area_outcomes.get(area=withdrawn.area)
    assert area3.result == PARTIAL and area3.knowledge_percent == Decimal("50.00")
    assert done.to_confirm == [new]
    # the earlier version's area rows are unchanged
    assert old.area_outcomes.get(area=withdrawn.area).knowledge_percent == Decimal("66.67")
    # `far` (100% either way) keeps its one version, untouched
    assert outcomes_of(far) == [far_v1] and reload(far_v1).superseded_at is None
    assert [o.pk for o in done.unchanged] == [far_v1.pk]
    # each new version is audited, naming the withdrawal and what it replaced
    event = AuditEvent.objects.get(action="outcome.recomputed_after_withdrawal")
    assert int(event.object_id) == new.pk
    assert event.detail == {
        "withdrawal": done.withdrawal.pk,
        "replaces": near_v1.reference,
        "was": MET,
        "now": PARTIAL,
    }
    # the unchanged outcome's trial computation left nothing behind
    assert not AuditEvent.objects.filter(action="outcome.superseded", object_id=str(far_v1.pk))


def test_the_recompute_keeps_the_outcomes_own_rule_set(admin_user, two_candidates):
    form, withdrawn, near, _ = two_candidates
    old = selectors.current_outcome(near)
    # a new rules version with a cut of 40% would pass area 3 at 50%
    services.rule_set_create(
        framework=near.framework,
        parameters=RuleParameters(knowledge_cut_percent=Fraction(40)),
        notes="Lower cut",
        actor=admin_user,
    )
    withdraw(form, withdrawn, admin_user)
    new = selectors.current_outcome(near)
    assert new.rule_set_id == old.rule_set_id and new.result == PARTIAL


def test_a_changed_published_outcome_is_published_again_with_a_new_letter(
    admin_user, two_candidates
):
    form, withdrawn, near, far = two_candidates
    # feedback for area 3 was written before publication, so the new version may be published
    write_feedback(near, first_marker_of(near), {3: "Revisit child development research"})
    published = [publish(reload(a), admin=admin_user) for a in (near, far)]
    assert Letter.objects.filter(outcome=published[0]).exists()
    assert Accreditation.objects.filter(outcome=published[0], withdrawn_at__isnull=True).exists()
    done = withdraw(form, withdrawn, admin_user)
    new = selectors.current_outcome(near)
    assert new.version == 2 and new.is_published and done.republished == [new]
    assert reload(near).state == "outcome_published"
    # a new letter for the new version; the old version and its letter are kept
    assert Letter.objects.filter(outcome=new).exists()
    assert Letter.objects.filter(outcome=published[0]).exists()
    assert reload(published[0]).published_at == published[0].published_at
    # met → partially met withdraws the accreditation the old version gave
    assert Accreditation.objects.get(outcome=published[0]).withdrawn_at is not None
    assert AuditEvent.objects.filter(action="outcome.published", object_id=str(new.pk)).exists()
    # the far candidate's letter and outcome stay as they were
    assert Letter.objects.filter(outcome__attempt=far).count() == 1


def test_a_new_version_needing_feedback_waits_confirmed_but_unpublished(admin_user, two_candidates):
    form, withdrawn, near, _ = two_candidates
    old = publish(near, admin=admin_user)
    done = withdraw(form, withdrawn, admin_user)
    new = selectors.current_outcome(near)
    # the feedback check refuses publication: area 3 is no longer met and has no feedback
    assert new.confirmed_at is not None and not new.is_published
    assert "Write feedback for area 3" in done.awaiting_publication[new.pk][0]
    assert not Letter.objects.filter(outcome=new).exists()
    # it waits in the administrator's list to publish; the old version stays published
    assert new in selectors.outcomes_to_publish()
    assert reload(old).is_published


def test_signals_are_not_needed_for_unpublished_outcomes(admin_user, two_candidates, monkeypatch):
    """A draft is never published by a withdrawal, so no pre-publish check is asked."""
    form, withdrawn, _, _ = two_candidates
    asked = []
    monkeypatch.setattr(signals, "pre_publish_checks", [lambda o: asked.append(o) or []])
    withdraw(form, withdrawn, admin_user)
    assert asked == []
