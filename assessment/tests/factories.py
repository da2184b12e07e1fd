"""Factories for assessment tests: endorsed workers, centres, sittings, an item bank that
covers a level's KSS, valid test forms, bookings and results files."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.test import override_settings
from django.utils import timezone

from assessment import selectors, services
from assessment.models import (
    OPTION_LETTERS,
    AssessmentCentre,
    Attempt,
    Item,
    ItemFormat,
    MarkerRole,
    Outcome,
    OutcomeResult,
    ResultsImport,
    Scenario,
    Sitting,
    Slot,
    TestAreaScore,
    TestForm,
    TestResult,
)
from assessment.outcome_rules import RuleParameters
from endorsement.models import Endorsement, EndorsementState
from naas.models import KSSFramework, Level, Region, Role
from naas.tests.factories import LocalAuthorityFactory, SocialWorkerFactory, staff_user


def endorsed(worker=None, *, level=Level.PRACTITIONER, state=EndorsementState.ENDORSED, **extra):
    """An endorsement created directly in the given state (endorsed by default)."""
    worker = worker or SocialWorkerFactory()
    fields = {
        "worker": worker,
        "level": level,
        "state": state,
        "supervisor": worker.supervisor,
        "valid_until": timezone.localdate() + timedelta(days=180),
    }
    if state == EndorsementState.ENDORSED:
        fields["endorsed_at"] = timezone.now()
    fields.update(extra)
    return Endorsement.objects.create(**fields)


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentCentre

    name = factory.Sequence(lambda n: f"Assessment Centre {n}")
    address = "1 Example Street\nLeeds\nLS1 1AA"
    region = Region.YORKSHIRE


class SittingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sitting

    centre = factory.SubFactory(CentreFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    slot = Slot.MORNING
    capacity = 10


def administrator():
    return staff_user(Role.ADMINISTRATOR)


def book(endorsement, sitting, *, actor=None, adjustments=(), notes=""):
    """Book through the service, as the worker themselves unless told otherwise."""
    return services.attempt_book(
        endorsement=endorsement,
        sitting=sitting,
        actor=actor or endorsement.worker.user,
        adjustments=list(adjustments),
        adjustment_notes=notes,
    )


def set_sitting_date(sitting, days_from_today: int) -> Sitting:
    """Move a sitting in time (the day arrives, or has passed)."""
    Sitting.objects.filter(pk=sitting.pk).update(
        date=timezone.localdate() + timedelta(days=days_from_today)
    )
    sitting.refresh_from_db()
    return sitting


_counter = {"n": 0}


def _next(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}{_counter['n']:04d}"


def make_item(area, *, scenario=None, item_format=ItemFormat.ONE_OF_FOUR, correct=None, code=None):
    option_count = 4 if item_format == ItemFormat.ONE_OF_FOUR else 8
    correct = correct or ("B" if item_format == ItemFormat.ONE_OF_FOUR else "BDF")
    return Item.objects.create(
        code=code or _next("Q"),
        area=area,
        scenario=scenario,
        format=item_format,
        stem=f"Question about {area.title}",
        options=[f"Option {letter}" for letter in OPTION_LETTERS[:option_count]],
        correct_options=correct,
    )


def make_scenario(level=Level.PRACTITIONER) -> Scenario:
    code = _next("SC")
    return Scenario.objects.create(
        code=code, title=f"Scenario {code}", text="A family known to services...", level=level
    )


def blueprint_items(level=Level.PRACTITIONER, *, scenario=None, three_of_eight_every=3):
    """18 general and 12 applied items that follow the blueprint for `level`, alternating
    formats (every `three_of_eight_every`-th item is "choose 3 of 8")."""
    framework = KSSFramework.objects.get(level=level, is_current=True)
    general_level = Level.PRACTITIONER if level == Level.SUPERVISOR else level
    general_areas = list(
        KSSFramework.objects.get(level=general_level, is_current=True).areas.order_by("number")
    )
    level_areas = list(framework.areas.order_by("number"))
    scenario = scenario or make_scenario(level)

    def fmt(n):
        return (
            ItemFormat.THREE_OF_EIGHT if n % three_of_eight_every == 2 else ItemFormat.ONE_OF_FOUR
        )

    general = [
        make_item(general_areas[n % len(general_areas)], item_format=fmt(n)) for n in range(18)
    ]
    applied = [
        make_item(level_areas[n % len(level_areas)], scenario=scenario, item_format=fmt(n))
        for n in range(12)
    ]
    return scenario, general, applied


def make_test_form(level=Level.PRACTITIONER, *, actor=None, scoring="exact", code=None) -> TestForm:
    scenario, general, applied = blueprint_items(level)
    return services.test_form_create(
        actor=actor or administrator(),
        code=code or _next("F"),
        title=f"{level} form",
        level=level,
        scenario=scenario,
        general_codes=[i.code for i in general],
        applied_codes=[i.code for i in applied],
        three_of_eight_scoring=scoring,
    )


def results_csv(rows) -> bytes:
    """A results file from (registration number, form code, item code, options) rows."""
    lines = ["registration_number,test_form,item,options_chosen"]
    lines += [",".join(f'"{cell}"' for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def answer_rows(attempt, form: TestForm, *, correct=True, override=None):
    """One row per question on the form for the attempt's worker: all correct (or all blank),
    with `override` mapping item code -> options."""
    override = override or {}
    rows = []
    for link in form.form_items.select_related("item").order_by("position"):
        item = link.item
        chosen = item.correct_options if correct else ""
        chosen = override.get(item.code, ";".join(chosen))
        rows.append((attempt.worker.registration_number, form.code, item.code, chosen))
    return rows


# --- Simulated practice, moderation and outcomes --------------------------------------------


def knowledge_scores(attempt, percent=80, per_area=None, admin=None):
    """Store a knowledge-test result for the attempt directly: `percent` in every area it
    covers, or per area number from `per_area`."""
    per_area = per_area or {}
    admin = admin or administrator()
    results_import = ResultsImport.objects.create(
        sitting=attempt.sitting,
        uploaded_by=admin,
        file_sha256="0" * 64,
        row_count=30,
        candidates_recorded=1,
        candidates_unchanged=0,
    )
    form = TestForm.objects.create(
        code=_next("TF"),
        title="Form",
        level=attempt.level,
        framework=attempt.framework,
        scenario=make_scenario(attempt.level),
    )
    result = TestResult.objects.create(
        attempt=attempt,
        test_form=form,
        results_import=results_import,
        raw_score=Decimal(percent) * Decimal("0.3"),
        max_score=Decimal(30),
        answers_digest="0" * 64,
    )
    for area in attempt.areas.all():
        value = Decimal(str(per_area.get(area.number, percent)))
        TestAreaScore.objects.create(
            result=result,
            area=area,
            marks=value,
            max_marks=Decimal(100),
            percent=value,
            item_count=3,
        )
    return result


def sat_attempt(worker=None, *, admin=None, level=Level.PRACTITIONER, percent=80, per_area=None):
    """A booked attempt whose day has come and who attended, with knowledge-test scores."""
    admin = admin or administrator()
    worker = worker or SocialWorkerFactory()
    sitting = SittingFactory()
    attempt = book(endorsed(worker, level=level), sitting)
    set_sitting_date(sitting, 0)
    attempt = services.attempt_record_attendance(attempt=attempt, attended=True, actor=admin)
    if percent is not None:
        knowledge_scores(attempt, percent, per_area, admin)
    return Attempt.objects.get(pk=attempt.pk)


def independent_assessor(role=Role.ASSESSOR, **fields):
    """An assessor (or moderator) linked to an LA of their own, unrelated to any candidate."""
    return staff_user(role, LocalAuthorityFactory(), **fields)


def mark_entries(attempt, marks=(3, 3, 3, 3), per_area=None, note="Observed evidence"):
    """MarkEntry for every area the attempt covers: `marks` for each (or per area number)."""
    per_area = per_area or {}
    return {
        area.pk: services.MarkEntry(*per_area.get(area.number, marks), evidence_note=note)
        for area in attempt.areas.all()
    }


def allocate(attempt, role, *, admin, assessor=None):
    if assessor is None:
        assessor = independent_assessor(
            Role.MODERATOR if role == MarkerRole.MODERATOR else Role.ASSESSOR
        )
    return services.allocation_create(attempt=attempt, assessor=assessor, role=role, actor=admin)


def first_mark(attempt, *, admin, marks=(3, 3, 3, 3), per_area=None, assessor=None):
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin, assessor=assessor)
    services.marks_submit(
        allocation=allocation,
        marks=mark_entries(attempt, marks, per_area),
        actor=allocation.assessor,
    )
    return allocation


def publish(attempt, *, admin):
    """Confirm and publish the attempt's current outcome."""
    outcome = selectors.current_outcome(attempt)
    services.outcome_confirm(outcome=outcome, actor=admin)
    services.outcomes_publish(outcome_ids=[outcome.pk], actor=admin)
    outcome.refresh_from_db()
    return outcome


def published_attempt(
    worker=None, *, admin, marks=(3, 3, 3, 3), per_area=None, percent=80, level=Level.PRACTITIONER
):
    """An attempt marked by one marker and published. The second-marking sample is drawn at
    random, so it is held at 0% here: an attempt drawn into it would wait for a second marker."""
    attempt = sat_attempt(worker, admin=admin, percent=percent, level=level)
    with override_settings(NAAS_SECOND_MARKING_SAMPLE_PERCENT=0):
        first_mark(attempt, admin=admin, marks=marks, per_area=per_area)
    outcome = publish(Attempt.objects.get(pk=attempt.pk), admin=admin)
    return Attempt.objects.get(pk=attempt.pk), outcome


PARTIAL_MARKS = {9: (2, 2, 2, 2), 10: (1, 2, 1, 2)}  # practitioner: 8 of 10 met


# --- Outcomes through the real services, for this app's tests and later apps' ----------------
#
# Later apps' tests (feedback, reporting) build every outcome with these: marks are entered by
# allocated markers, the outcome is computed by the outcome rules (assessment/outcome_rules.py,
# through services.outcome_compute), confirmed, and published by services.outcomes_publish with
# its pre-publish checks, its audit events and the outcome_published signal. A test names the
# results it wants; the factory chooses evidence the rules judge that way, and refuses
# (UnreachableOutcome) when the rules give anything else, so no test sees an outcome the
# service could not produce.

MARKS_OBSERVED = (3, 3, 3, 3)  # mean 3: reaches the 2.5 threshold, not borderline
MARKS_NOT_OBSERVED = (2, 2, 2, 2)  # mean 2: below it, not borderline
KNOWLEDGE_PASSED = 80  # against the 60% cut
KNOWLEDGE_FAILED = 40


class UnreachableOutcome(Exception):
    """A test asked for an outcome that the outcome rules do not give for the evidence."""


def _rules(attempt) -> RuleParameters:
    return selectors.rule_parameters_current(attempt.framework)


def _marks_for(result: str, knowledge_passed: bool) -> tuple:
    """Observation marks that, beside the knowledge-test score, give `result` in an area (the
    rules: met = observed and known; partially met = exactly one; not met = neither)."""
    if result == OutcomeResult.MET:
        return MARKS_OBSERVED
    if result == OutcomeResult.PARTIALLY_MET:
        return MARKS_NOT_OBSERVED if knowledge_passed else MARKS_OBSERVED
    return MARKS_NOT_OBSERVED


def evidence_for(
    areas, results=None, *, marks=None, knowledge=None, rules=None
) -> tuple[dict, dict]:
    """Marks and knowledge-test percentages per area number that the default rules judge as
    `results` (area number -> result, met where not given): met is observed and known,
    partially met is known but not observed well enough, not met is neither. `marks` and
    `knowledge` (per area number) replace the chosen evidence for those areas."""
    results = results or {}
    knowledge = knowledge or {}
    cut = (rules or RuleParameters()).knowledge_cut_percent
    chosen_knowledge, chosen_marks = {}, {}
    for area in areas:
        result = results.get(area.number, OutcomeResult.MET)
        percent = knowledge.get(
            area.number,
            KNOWLEDGE_FAILED if result == OutcomeResult.NOT_MET else KNOWLEDGE_PASSED,
        )
        chosen_knowledge[area.number] = percent
        chosen_marks[area.number] = _marks_for(result, percent >= cut)
    chosen_marks.update(marks or {})
    return chosen_marks, chosen_knowledge


def expect_outcome(outcome: Outcome, results=None, overall=None) -> Outcome:
    """Refuse (UnreachableOutcome) unless the computed outcome gives every area named in
    `results` that result (areas carried forward from an earlier attempt are not judged
    again) and, when `overall` is given, that overall result."""
    judged = {
        row.area.number: row.result
        for row in outcome.area_outcomes.select_related("area")
        if not row.carried_forward
    }
    problems = [
        f"area {number}: asked for {wanted}, the rules give {judged.get(number, 'no result')}"
        for number, wanted in sorted((results or {}).items())
        if judged.get(number) != wanted
    ]
    if overall is not None and outcome.result != overall:
        problems.append(f"overall: asked for {overall}, the rules give {outcome.result}")
    if problems:
        raise UnreachableOutcome(f"{outcome.reference}: " + "; ".join(problems))
    return outcome


def _submit(allocation, marks_by_number: dict, *, reason: str = "") -> None:
    services.marks_submit(
        allocation=allocation,
        marks=mark_entries(allocation.attempt, per_area=marks_by_number),
        actor=allocation.assessor,
        reason=reason,
    )


def marked_outcome(
    attempt,
    *,
    admin=None,
    results=None,
    overall=None,
    marks=None,
    knowledge=None,
    assessor=None,
    second_marker=None,
) -> Outcome:
    """Mark an attempt that has been sat and return the outcome the rules compute (not yet
    confirmed). Its knowledge-test scores are recorded unless it has some; its first marker
    (already allocated, `assessor`, or an independent one) submits marks chosen for `results`
    (see evidence_for); if the attempt falls in the second-marking sample, a second marker
    (`second_marker`, or an independent one) agrees. Refuses (UnreachableOutcome) an outcome the rules do not give."""
    admin = admin or administrator()
    attempt = Attempt.objects.get(pk=attempt.pk)
    areas = list(attempt.areas.order_by("number"))
    chosen_marks, chosen_knowledge = evidence_for(
        areas, results, marks=marks, knowledge=knowledge, rules=_rules(attempt)
    )
    if not TestResult.objects.filter(attempt=attempt).exists():
        knowledge_scores(attempt, KNOWLEDGE_PASSED, per_area=chosen_knowledge, admin=admin)
    first = attempt.allocations.filter(role=MarkerRole.FIRST, active=True).first()
    if first is None:
        first = allocate(attempt, MarkerRole.FIRST, admin=admin, assessor=assessor)
    _submit(first, chosen_marks)
    attempt = Attempt.objects.get(pk=attempt.pk)
    if selectors.attempt_next_step(attempt) == MarkerRole.SECOND:
        second = allocate(attempt, MarkerRole.SECOND, admin=admin, assessor=second_marker)
        _submit(second, chosen_marks)
    return expect_outcome(selectors.current_outcome(attempt), results, overall)


def publish_outcome(outcome: Outcome, *, admin=None, before_publish=None) -> Outcome:
    """Confirm a computed outcome and publish it with the publishing service. The pre-publish
    checks of later apps apply: `before_publish(outcome)` runs first, so a later app's factory
    can do what its check asks (the feedback app: feedback for every area not met)."""
    admin = admin or administrator()
    if before_publish is not None:
        before_publish(outcome)
    services.outcome_confirm(outcome=outcome, actor=admin)
    services.outcomes_publish(outcome_ids=[outcome.pk], actor=admin)
    return Outcome.objects.select_related("attempt", "attempt__worker").get(pk=outcome.pk)


def draft_outcome(worker=None, *, level=Level.PRACTITIONER, admin=None, **marking) -> Outcome:
    """A worker endorsed, booked and sat, marked: the outcome computed, not yet confirmed.
    `marking` is marked_outcome's (results, overall, marks, knowledge, assessor, second_marker)."""
    admin = admin or administrator()
    attempt = sat_attempt(worker, admin=admin, level=level, percent=None)
    return marked_outcome(attempt, admin=admin, **marking)


def published_outcome(worker=None, *, admin=None, before_publish=None, **draft) -> Outcome:
    """A worker's outcome through every step: endorsed, booked, sat, knowledge test recorded,
    marked, computed by the rules (met in every area not named in `results`), confirmed and
    published. `draft` is draft_outcome's (level, results, overall, marks, knowledge,
    assessor). Refuses (UnreachableOutcome) an outcome the rules do not give."""
    admin = admin or administrator()
    outcome = draft_outcome(worker, admin=admin, **draft)
    return publish_outcome(outcome, admin=admin, before_publish=before_publish)


def fast_track_attempt(parent, *, admin=None, areas=None) -> Attempt:
    """The candidate books their fast-track retake of `parent` (the areas not met, or the area
    numbers in `areas`) and sits it: the retake, waiting for its first marker."""
    admin = admin or administrator()
    parent = Attempt.objects.get(pk=parent.pk)
    chosen = None if areas is None else list(parent.framework.areas.filter(number__in=areas))
    retake = services.attempt_book_fast_track(
        parent=parent, sitting=SittingFactory(), actor=parent.worker.user, areas=chosen
    )
    set_sitting_date(retake.sitting, 0)
    return services.attempt_record_attendance(attempt=retake, attended=True, actor=admin)


def fast_track_outcome(
    parent, *, admin=None, results=None, overall=None, areas=None, assessor=None
) -> Outcome:
    """A fast-track retake of `parent` booked, sat (with a knowledge test for its areas) and
    marked: the merged outcome the rules compute, not yet confirmed."""
    admin = admin or administrator()
    retake = fast_track_attempt(parent, admin=admin, areas=areas)
    return marked_outcome(retake, admin=admin, results=results, overall=overall, assessor=assessor)


def review_overturned(
    attempt, *, admin=None, results=None, overall=None, marks=None, reviewer=None
) -> Outcome:
    """The candidate asks for a review of their published outcome; an independent reviewer
    overturns it and re-marks every area, with marks chosen for `results`: the new outcome
    version the rules compute, not yet confirmed. The knowledge test stands, so an area whose
    test was passed can only be met or partially met, and one failed only partially met or not
    met: anything else is refused (UnreachableOutcome)."""
    admin = admin or administrator()
    attempt = Attempt.objects.get(pk=attempt.pk)
    review = services.review_request(
        attempt=attempt, grounds="The second role play was cut short", actor=attempt.worker.user
    )
    allocation = allocate(
        Attempt.objects.get(pk=attempt.pk), MarkerRole.REVIEWER, admin=admin, assessor=reviewer
    )
    services.review_decide(
        review=review,
        uphold=False,
        reason="The recording shows the role play was cut short",
        actor=allocation.assessor,
    )
    cut = _rules(attempt).knowledge_cut_percent
    known = selectors.knowledge_by_area(attempt)
    chosen = {
        area.number: _marks_for(
            (results or {}).get(area.number, OutcomeResult.MET),
            known.get(area.pk) is not None and known[area.pk] >= cut,
        )
        for area in attempt.areas.all()
    }
    chosen.update(marks or {})
    _submit(allocation, chosen, reason="Re-marked from the recording")
    outcome = selectors.current_outcome(Attempt.objects.get(pk=attempt.pk))
    return expect_outcome(outcome, results, overall)


def picker_answers(*, code, title, scenario, general, applied, scoring="exact") -> dict:
    """The POST data of the test-form builder ticking these questions: each question's box is
    in its KSS area's group (general) or its scenario's group (applied)."""
    data = {
        "code": code,
        "title": title,
        "scenario": scenario.pk,
        "three_of_eight_scoring": scoring,
    }
    for kind, items in (("general", general), ("applied", applied)):
        for item in items:
            group = (
                f"area_{item.area.number}" if kind == "general" else f"scenario_{item.scenario_id}"
            )
            data.setdefault(f"{kind}_{group}", []).append(item.code)
    return data
