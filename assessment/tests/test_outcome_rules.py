"""Table-driven tests of the default outcome rule at every boundary."""

from fractions import Fraction

import pytest

from assessment.outcome_rules import (
    AreaEvidence,
    Result,
    RuleParameters,
    area_result,
    knowledge_percent,
    merge_retake,
    observation_mean,
    overall_result,
)

DEFAULT = RuleParameters()
F = Fraction


@pytest.mark.parametrize(
    ("mean", "percent", "expected"),
    [
        (F("2.5"), F(60), Result.MET),
        (F("2.49"), F(60), Result.PARTIALLY_MET),
        (F("2.5"), F(59), Result.PARTIALLY_MET),
        (F("2.5"), F("59.99"), Result.PARTIALLY_MET),
        (F("2.49"), F(59), Result.NOT_MET),
        (F(4), F(100), Result.MET),
        (F(1), F(0), Result.NOT_MET),
        (None, F(100), Result.PARTIALLY_MET),
        (F(4), None, Result.PARTIALLY_MET),
        (None, None, Result.NOT_MET),
    ],
)
def test_area_result_at_the_boundaries(mean, percent, expected):
    evidence = AreaEvidence(area_number=1, observation_mean=mean, knowledge_percent=percent)
    assert area_result(evidence, DEFAULT).result == expected


@pytest.mark.parametrize(
    ("met", "total", "expected"),
    [
        (10, 10, Result.MET),
        (9, 10, Result.PARTIALLY_MET),
        (7, 10, Result.PARTIALLY_MET),  # 70% ≥ two thirds
        (6, 10, Result.NOT_MET),  # 60% < two thirds
        (6, 9, Result.PARTIALLY_MET),  # exactly two thirds
        (5, 9, Result.NOT_MET),
        (4, 6, Result.PARTIALLY_MET),  # exactly two thirds of the leader areas
        (3, 6, Result.NOT_MET),
        (0, 8, Result.NOT_MET),
    ],
)
def test_overall_result_at_the_two_thirds_boundary(met, total, expected):
    results = [Result.MET] * met + [Result.NOT_MET] * (total - met)
    assert overall_result(results, DEFAULT) == expected


def test_partially_met_areas_do_not_count_as_met_overall():
    results = [Result.MET] * 6 + [Result.PARTIALLY_MET] * 4
    assert overall_result(results, DEFAULT) == Result.NOT_MET


def test_a_different_rule_version_changes_the_boundaries():
    strict = RuleParameters.from_json({"observation_threshold": "3", "knowledge_cut_percent": "70"})
    evidence = AreaEvidence(area_number=2, observation_mean=F("2.75"), knowledge_percent=F(65))
    assert area_result(evidence, DEFAULT).result == Result.MET
    assert area_result(evidence, strict).result == Result.NOT_MET


def test_parameters_round_trip_through_json():
    params = RuleParameters(F(11, 4), F(55), F(3, 4))
    assert RuleParameters.from_json(params.to_json()) == params
    assert RuleParameters.from_json({}) == DEFAULT


def test_means_and_percentages_are_exact():
    assert observation_mean([2, 3, 2, 3]) == F("2.5")
    assert observation_mean([]) is None
    assert knowledge_percent(3, 5) == F(60)
    assert knowledge_percent(0, 0) is None


def test_explanation_names_the_evidence_and_the_rule():
    evidence = AreaEvidence(area_number=3, observation_mean=F(9, 4), knowledge_percent=F(75))
    explanation = area_result(evidence, DEFAULT).explanation
    assert "2.25 is below 2.5" in explanation
    assert "75% reaches the 60% cut" in explanation


def test_merge_keeps_met_areas_and_replaces_retaken_ones():
    earlier = {1: Result.MET, 2: Result.NOT_MET, 3: Result.PARTIALLY_MET}
    merged = merge_retake(earlier, {2: Result.MET, 3: Result.NOT_MET})
    assert merged == {1: Result.MET, 2: Result.MET, 3: Result.NOT_MET}


def test_merge_refuses_to_retake_a_met_area():
    with pytest.raises(ValueError, match="already met"):
        merge_retake({1: Result.MET}, {1: Result.NOT_MET})


def test_an_outcome_needs_areas():
    with pytest.raises(ValueError):
        overall_result([], DEFAULT)
