"""Outcome rates by group: Wilson intervals against R's prop.test (reference.R, section 5)
and the closed form, the four-fifths rule, and suppression."""

import numpy as np
import pytest

from assessment.psychometrics.fairness import outcome_rates


def wilson(x, n, z=1.959963984540054):
    """Wilson (1927) score interval, written out."""
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def cohort(**groups):
    """groups: name=(met, n) -> (labels, outcomes) in a shuffled order."""
    labels, outcomes = [], []
    for name, (met, n) in groups.items():
        labels += [name] * n
        outcomes += [1] * met + [0] * (n - met)
    order = np.random.default_rng(5).permutation(len(labels))
    return np.array(labels)[order], np.array(outcomes)[order]


R_WILSON = {
    (7, 20): (0.1811918241, 0.5671457233),
    (45, 60): (0.6276792992, 0.8422347747),
    (30, 50): (0.4618143775, 0.7239161027),
}


class TestRates:
    def test_wilson_intervals_match_r_and_the_closed_form(self):
        labels, outcomes = cohort(a=(45, 60), b=(30, 50), c=(7, 20))
        results = {r.group: r for r in outcome_rates(labels, outcomes)}
        for group, key in [("a", (45, 60)), ("b", (30, 50)), ("c", (7, 20))]:
            result = results[group]
            assert (result.count, result.n) == key
            assert result.rate == pytest.approx(key[0] / key[1])
            assert (result.ci_low, result.ci_high) == pytest.approx(R_WILSON[key], abs=1e-9)
            assert (result.ci_low, result.ci_high) == pytest.approx(wilson(*key))

    def test_four_fifths_rule(self):
        labels, outcomes = cohort(a=(45, 60), b=(30, 50), c=(7, 20))
        results = {r.group: r for r in outcome_rates(labels, outcomes)}
        assert results["a"].impact_ratio == 1.0
        # 0.6 / 0.75 is exactly four fifths: not adverse.
        assert results["b"].impact_ratio == pytest.approx(0.8)
        assert results["b"].adverse_impact is False
        assert results["c"].impact_ratio == pytest.approx(0.35 / 0.75)
        assert results["c"].adverse_impact is True

    def test_bool_outcomes_and_sorted_groups(self):
        labels, outcomes = cohort(z=(10, 20), a=(10, 20))
        results = outcome_rates(labels, outcomes.astype(bool))
        assert [r.group for r in results] == ["a", "z"]

    def test_labels_of_any_dtype_come_back_as_python_values(self):
        labels, outcomes = cohort(a=(10, 20), b=(10, 20))
        as_objects = outcome_rates(labels.astype(object), outcomes)
        as_ints = outcome_rates((labels == "b").astype(int), outcomes)
        assert [r.group for r in as_objects] == ["a", "b"]
        assert [type(r.group) for r in as_ints] == [int, int]


class TestSuppression:
    def test_small_counts_are_suppressed_and_never_the_reference(self):
        # c: 12 of 13 met (1 did not) has the highest rate but is suppressed; d has 4 people;
        # e: nobody met, which would disclose every member's outcome.
        labels, outcomes = cohort(a=(45, 60), b=(30, 50), c=(12, 13), d=(3, 4), e=(0, 20))
        results = {r.group: r for r in outcome_rates(labels, outcomes)}
        for group in "cde":
            result = results[group]
            assert result.suppressed
            assert (result.n, result.count, result.rate, result.ci_low) == (None,) * 4
            assert (result.impact_ratio, result.adverse_impact) == (None, None)
        assert results["a"].impact_ratio == 1.0
        assert not results["a"].suppressed

    def test_threshold_is_five(self):
        labels, outcomes = cohort(a=(5, 10), b=(4, 10), c=(6, 10))
        results = {r.group: r for r in outcome_rates(labels, outcomes)}
        assert not results["a"].suppressed
        assert results["b"].suppressed
        assert results["c"].suppressed  # only 4 did not meet

    def test_everything_suppressed(self):
        labels, outcomes = cohort(a=(1, 3), b=(2, 4))
        assert all(r.suppressed for r in outcome_rates(labels, outcomes))

    @pytest.mark.parametrize(
        ("groups", "outcomes", "message"),
        [
            ([], [], "empty"),
            (["a", "b"], [1], "lengths differ"),
            (["a", "b"], [1, 2], "only 0 and 1"),
            (["a", "b"], [1, np.nan], "NaN"),
        ],
    )
    def test_invalid(self, groups, outcomes, message):
        with pytest.raises(ValueError, match=message):
            outcome_rates(groups, outcomes)
