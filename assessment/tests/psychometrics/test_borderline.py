"""Borderline regression of the simulated practice: the overall judgement stored through the
real marking service and required by the marking form; the analysis on planted marks; "too
few" as a status; adopting the cuts as a new rule set version (once); the pages' access and
query counts."""

from datetime import timedelta
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessment import services
from assessment.forms.marking import MarksForm
from assessment.models import (
    AreaMark,
    Attempt,
    BorderlineAnalysis,
    GlobalJudgement,
    MarkerRole,
    Outcome,
    OutcomeRuleSet,
)
from assessment.outcome_rules import AreaEvidence, RuleParameters, area_result
from assessment.psychometrics.standard_setting import GlobalGrade, borderline_regression
from assessment.selectors import borderline_observations, current_outcome
from assessment.services import AssessmentError, MarkEntry
from assessment.tests.factories import administrator, allocate, mark_entries, sat_attempt
from naas.dates import today
from naas.models import AuditEvent, Role
from naas.tests.factories import staff_user

NOT_MET, BORDERLINE, MET = GlobalGrade.NOT_MET, GlobalGrade.BORDERLINE, GlobalGrade.MET
# Planted: ten candidates judged at each of not met, borderline and met. Every group's marks
# have a known mean; with the three groups the same size, the fitted line's value at
# "borderline" (x = 1, the middle of 0, 1, 2) is the grand mean of the observation means.
PLANTED = {
    NOT_MET: [(1, 2, 1, 2)] * 10,  # mean 1.5
    BORDERLINE: [(2, 2, 3, 3)] * 5 + [(2, 3, 3, 3)] * 5,  # means 2.5 and 2.75: 2.625
    MET: [(3, 3, 4, 4)] * 10,  # mean 3.5
}
PLANTED_CUT = (1.5 + 2.625 + 3.5) / 3  # 2.541666…, by hand


def _first_marked(admin, marks, judgement, **entry) -> Attempt:
    """An attempt sat today and first-marked through the real services, every area with
    `marks` and the overall `judgement`."""
    attempt = sat_attempt(admin=admin)
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin)
    entries = {
        area.pk: MarkEntry(*marks, evidence_note="Seen", global_judgement=judgement, **entry)
        for area in attempt.areas.all()
    }
    services.marks_submit(allocation=allocation, marks=entries, actor=allocation.assessor)
    return Attempt.objects.get(pk=attempt.pk)


def _planted(admin) -> list[tuple[float, int]]:
    pairs = []
    for judgement, rows in PLANTED.items():
        for marks in rows:
            _first_marked(admin, marks, int(judgement))
            pairs.append((sum(marks) / 4, int(judgement)))
    return pairs


def _run(admin, frozen_today, days_back=7, **window):
    attempt_framework = Attempt.objects.order_by("pk").first().framework
    return services.borderline_analysis_run(
        framework=window.pop("framework", attempt_framework),
        window_start=window.pop("start", frozen_today - timedelta(days=days_back)),
        window_end=window.pop("end", frozen_today),
        actor=admin,
    )


@pytest.fixture
def admin(db):
    return administrator()


# --- The judgement, stored and required -----------------------------------------------------


def test_the_judgement_values_are_the_statistics_grades():
    assert {m.value: m.name for m in GlobalJudgement} == {g.value: g.name for g in GlobalGrade}


def test_the_marking_service_stores_each_areas_judgement(admin):
    attempt = _first_marked(admin, (3, 3, 3, 3), int(BORDERLINE))
    marks = AreaMark.objects.filter(allocation__attempt=attempt)
    assert marks.count() == attempt.areas.count()
    assert set(marks.values_list("global_judgement", flat=True)) == {int(BORDERLINE)}


def test_marks_without_a_judgement_stay_null(admin):
    attempt = sat_attempt(admin=admin)
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin)
    services.marks_submit(
        allocation=allocation, marks=mark_entries(attempt), actor=allocation.assessor
    )
    assert set(
        AreaMark.objects.filter(allocation=allocation).values_list("global_judgement", flat=True)
    ) == {None}


def test_the_service_refuses_a_judgement_out_of_range(admin):
    attempt = sat_attempt(admin=admin)
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin)
    entries = {
        area.pk: MarkEntry(3, 3, 3, 3, evidence_note="Seen", global_judgement=7)
        for area in attempt.areas.all()
    }
    with pytest.raises(AssessmentError, match="Choose the overall judgement for area 1"):
        services.marks_submit(allocation=allocation, marks=entries, actor=allocation.assessor)
    assert not AreaMark.objects.filter(allocation=allocation).exists()


def _mark_form(attempt, judgement="2"):
    data = {}
    for area in attempt.areas.all():
        for name in AreaMark.TASK_FIELDS:
            data[f"area_{area.pk}_{name}"] = "3"
        data[f"area_{area.pk}_evidence"] = "Seen"
        if judgement is not None:
            data[f"area_{area.pk}_global_judgement"] = judgement
    return data


def test_the_marking_form_requires_a_judgement_for_every_area(client, admin):
    attempt = sat_attempt(admin=admin)
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin)
    client.force_login(allocation.assessor)
    url = reverse("assessment:attempt_mark", args=[attempt.pk])
    assert "Overall judgement for this area" in client.get(url).content.decode()
    response = client.post(url, _mark_form(attempt, judgement=None))
    assert response.status_code == 400
    assert "Choose the overall judgement for area 1" in response.content.decode()
    assert not AreaMark.objects.filter(allocation=allocation).exists()


def test_the_marking_form_stores_the_chosen_judgement(client, admin):
    attempt = sat_attempt(admin=admin)
    allocation = allocate(attempt, MarkerRole.FIRST, admin=admin)
    client.force_login(allocation.assessor)
    url = reverse("assessment:attempt_mark", args=[attempt.pk])
    response = client.post(url, _mark_form(attempt, judgement=str(int(MET))))
    assert response.status_code == 302
    judgements = AreaMark.objects.filter(allocation=allocation).values_list(
        "global_judgement", flat=True
    )
    assert set(judgements) == {int(MET)}


def test_moderators_and_reviewers_are_not_asked_for_an_independent_judgement(admin):
    areas = list(sat_attempt(admin=admin).areas.all())
    settling = MarksForm(areas=areas, needs_reason=True)
    marking = MarksForm(areas=areas)
    assert not any(name.endswith("_global_judgement") for name in settling.fields)
    assert sum(name.endswith("_global_judgement") for name in marking.fields) == len(areas)


# --- The analysis ---------------------------------------------------------------------------


def test_the_analysis_gives_the_cut_of_borderline_regression_on_the_same_marks(admin, frozen_today):
    pairs = _planted(admin)
    analysis = _run(admin, frozen_today)
    expected = borderline_regression([m for m, _ in pairs], [g for _, g in pairs])
    assert len(analysis.results) == 10
    for row in analysis.results:
        assert row["status"] == "ok"
        assert row["n"] == 30
        assert row["cut_score"] == pytest.approx(expected.cut_score)
        assert row["cut_score"] == pytest.approx(PLANTED_CUT)
        assert row["r_squared"] == pytest.approx(expected.r_squared)
        assert 0 < row["r_squared"] < 1
    assert [row["number"] for row in analysis.results] == list(range(1, 11))


def test_the_analysis_uses_first_marks_in_the_window_with_a_judgement(admin, frozen_today):
    inside = _first_marked(admin, (3, 3, 3, 3), int(MET))
    _first_marked(admin, (2, 2, 2, 2), None)  # marked before judgements were asked for
    outside = _first_marked(admin, (1, 1, 1, 1), int(NOT_MET))
    outside.sitting.date = frozen_today - timedelta(days=40)
    outside.sitting.save(update_fields=["date"])
    observations = borderline_observations(
        inside.framework, frozen_today - timedelta(days=7), frozen_today
    )
    area = inside.areas.get(number=1)
    assert observations[area.pk].means == [3.0]
    assert observations[area.pk].judgements == [int(MET)]


def test_too_few_candidates_is_a_status_not_an_error(admin, frozen_today):
    _first_marked(admin, (3, 3, 3, 3), int(MET))
    _first_marked(admin, (2, 2, 3, 3), int(BORDERLINE))
    analysis = _run(admin, frozen_today)
    assert {row["status"] for row in analysis.results} == {"too_few"}
    assert {row["n"] for row in analysis.results} == {2}
    assert analysis.results[0]["cut_score"] is None
    assert "too few candidates: 2" in analysis.results[0]["reason"]


def test_a_window_with_nobody_in_it_is_too_few_in_every_area(admin, frozen_today):
    _first_marked(admin, (3, 3, 3, 3), int(MET))
    start = frozen_today - timedelta(days=30)
    analysis = _run(admin, frozen_today, start=start, end=start + timedelta(days=1))
    assert {(row["status"], row["n"]) for row in analysis.results} == {("too_few", 0)}


def test_running_the_analysis_is_audited(admin, frozen_today):
    _first_marked(admin, (3, 3, 3, 3), int(MET))
    analysis = _run(admin, frozen_today)
    event = AuditEvent.objects.get(action="borderline_analysis.run")
    assert event.detail["areas"]["1"] == {"status": "too_few", "n": 1}
    assert BorderlineAnalysis.objects.get().pk == analysis.pk


@pytest.mark.parametrize(
    ("start_days", "end_days", "message"),
    [
        (-3, -5, "The end of the window must be the same as or after its start"),
        (-3, 1, "The end of the window must be today or in the past"),
        (2, 3, "The start of the window must be today or in the past"),
    ],
)
def test_the_service_refuses_a_bad_window(admin, frozen_today, start_days, end_days, message):
    _first_marked(admin, (3, 3, 3, 3), int(MET))
    with pytest.raises(AssessmentError, match=message):
        _run(
            admin,
            frozen_today,
            start=frozen_today + timedelta(days=start_days),
            end=frozen_today + timedelta(days=end_days),
        )
    assert not BorderlineAnalysis.objects.exists()


def test_only_administrators_run_or_adopt(admin, frozen_today):
    _first_marked(admin, (3, 3, 3, 3), int(MET))
    assessor = staff_user(Role.ASSESSOR)
    with pytest.raises(PermissionDenied):
        _run(assessor, frozen_today)
    analysis = _run(admin, frozen_today)
    with pytest.raises(PermissionDenied):
        services.borderline_analysis_adopt(analysis=analysis, actor=assessor)


# --- Adoption -------------------------------------------------------------------------------

# Planted low: the judges put "borderline" below the default threshold of 2.5. Equal groups
# again, so the cut is the grand mean: (1 + 1.75 + 3) / 3 = 1.9166…, adopted as 1.92.
LOW = {NOT_MET: (1, 1, 1, 1), BORDERLINE: (1, 2, 2, 2), MET: (3, 3, 3, 3)}
LOW_CUT = Fraction(192, 100)
JUST_OBSERVED = (2, 2, 2, 2)  # mean 2: below 2.5, above 1.92, and far from either margin


def _planted_low(admin):
    for judgement, marks in LOW.items():
        for _ in range(10):
            _first_marked(admin, marks, int(judgement))


def test_adopting_makes_one_new_version_that_only_later_outcomes_use(admin, frozen_today, settings):
    settings.NAAS_SECOND_MARKING_SAMPLE_PERCENT = 0  # every outcome is computed at once
    _planted_low(admin)
    # outside the analysis: no judgement
    before = current_outcome(_first_marked(admin, JUST_OBSERVED, None))
    analysis = _run(admin, frozen_today)
    versions = OutcomeRuleSet.objects.filter(framework=analysis.framework).count()
    # when
    rule_set = services.borderline_analysis_adopt(analysis=analysis, actor=admin)
    # then
    assert OutcomeRuleSet.objects.filter(framework=analysis.framework).count() == versions + 1
    parameters = RuleParameters.from_json(rule_set.parameters)
    assert dict(parameters.area_observation_thresholds) == {n: LOW_CUT for n in range(1, 11)}
    assert parameters.observation_threshold == Fraction(5, 2)  # the rest is kept
    after = current_outcome(_first_marked(admin, JUST_OBSERVED, int(MET)))
    assert after.rule_set == rule_set
    assert set(after.area_outcomes.values_list("result", flat=True)) == {"met"}
    before = Outcome.objects.get(pk=before.pk)
    assert before.rule_set.version == rule_set.version - 1
    assert set(before.area_outcomes.values_list("result", flat=True)) == {"partially_met"}
    analysis.refresh_from_db()
    assert analysis.adopted_rule_set == rule_set and analysis.adopted_by == admin
    event = AuditEvent.objects.get(action="borderline_analysis.adopted")
    assert event.detail["cuts"]["1"] == "48/25"


def _stored(admin, framework, cuts: dict[int, float | None]) -> BorderlineAnalysis:
    """A stored analysis with the given cut per area number (None: too few candidates)."""
    rows = []
    for area in framework.areas.order_by("number"):
        cut = cuts.get(area.number)
        rows.append(
            {
                "area_id": area.pk,
                "number": area.number,
                "title": area.title,
                "status": "ok" if cut is not None else "too_few",
                "reason": "" if cut is not None else "too few candidates: 3",
                "n": 40 if cut is not None else 3,
                "cut_score": cut,
                "r_squared": 0.5 if cut is not None else None,
            }
        )
    return BorderlineAnalysis.objects.create(
        framework=framework,
        window_start=today(),
        window_end=today(),
        results=rows,
        computed_by=admin,
    )


def test_adoption_is_refused_the_second_time_and_changes_nothing(admin):
    framework = sat_attempt(admin=admin).framework
    analysis = _stored(admin, framework, {1: 2.604, 2: 2.605})
    rule_set = services.borderline_analysis_adopt(analysis=analysis, actor=admin)
    assert dict(RuleParameters.from_json(rule_set.parameters).area_observation_thresholds) == {
        1: Fraction("2.60"),
        2: Fraction("2.61"),  # half up
    }
    count = OutcomeRuleSet.objects.count()
    with pytest.raises(AssessmentError, match="already been adopted"):
        services.borderline_analysis_adopt(analysis=analysis, actor=admin)
    assert OutcomeRuleSet.objects.count() == count


def test_areas_without_a_cut_keep_the_threshold_in_force(admin):
    framework = sat_attempt(admin=admin).framework
    first = services.borderline_analysis_adopt(
        analysis=_stored(admin, framework, {1: 2.2, 2: 2.3}), actor=admin
    )
    second = services.borderline_analysis_adopt(
        analysis=_stored(admin, framework, {2: 2.9}), actor=admin
    )
    assert second.version == first.version + 1
    parameters = RuleParameters.from_json(second.parameters)
    assert parameters.observation_threshold_for(1) == Fraction("2.2")
    assert parameters.observation_threshold_for(2) == Fraction("2.9")
    assert parameters.observation_threshold_for(3) == Fraction(5, 2)


@pytest.mark.parametrize(
    ("cuts", "message"),
    [
        ({}, "nothing to adopt"),
        ({1: 0.5}, "The cut for area 1 must be between 1 and 4"),
    ],
)
def test_adoption_is_refused_without_a_usable_cut(admin, cuts, message):
    framework = sat_attempt(admin=admin).framework
    analysis = _stored(admin, framework, cuts)
    count = OutcomeRuleSet.objects.count()
    with pytest.raises(AssessmentError, match=message):
        services.borderline_analysis_adopt(analysis=analysis, actor=admin)
    assert OutcomeRuleSet.objects.count() == count
    assert not BorderlineAnalysis.objects.get(pk=analysis.pk).is_adopted


# --- Per-area thresholds in the rules -------------------------------------------------------


def test_rule_parameters_read_old_rule_sets_and_round_trip_per_area_thresholds():
    old = {"observation_threshold": "5/2", "knowledge_cut_percent": "60"}
    assert RuleParameters.from_json(old).area_observation_thresholds == ()
    assert "area_observation_thresholds" not in RuleParameters().to_json()
    params = RuleParameters(area_observation_thresholds=((1, Fraction("2.6")), (3, Fraction(2))))
    assert RuleParameters.from_json(params.to_json()) == params


def test_an_area_is_judged_against_its_own_threshold():
    rules = RuleParameters(area_observation_thresholds=((1, Fraction("2.75")),))
    strict = area_result(AreaEvidence(1, Fraction(5, 2), Fraction(80)), rules)
    usual = area_result(AreaEvidence(2, Fraction(5, 2), Fraction(80)), rules)
    assert (strict.result, usual.result) == ("partially_met", "met")
    assert "is below 2.75" in strict.explanation
