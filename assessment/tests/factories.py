"""Factories for assessment tests: endorsed workers, centres, sittings, an item bank that
covers a level's KSS, valid test forms, bookings and results files."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from assessment import services
from assessment.models import (
    OPTION_LETTERS,
    AssessmentCentre,
    Attempt,
    Item,
    ItemFormat,
    MarkerRole,
    ResultsImport,
    Scenario,
    Sitting,
    Slot,
    TestAreaScore,
    TestForm,
    TestResult,
)
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
    outcome = services.current_outcome(attempt)
    services.outcome_confirm(outcome=outcome, actor=admin)
    services.outcomes_publish(outcome_ids=[outcome.pk], actor=admin)
    outcome.refresh_from_db()
    return outcome


def published_attempt(
    worker=None, *, admin, marks=(3, 3, 3, 3), per_area=None, percent=80, level=Level.PRACTITIONER
):
    """An attempt marked (not second-marked: set the sample to 0%) and published."""
    attempt = sat_attempt(worker, admin=admin, percent=percent, level=level)
    first_mark(attempt, admin=admin, marks=marks, per_area=per_area)
    outcome = publish(Attempt.objects.get(pk=attempt.pk), admin=admin)
    return Attempt.objects.get(pk=attempt.pk), outcome


PARTIAL_MARKS = {9: (2, 2, 2, 2), 10: (1, 2, 1, 2)}  # practitioner: 8 of 10 met
