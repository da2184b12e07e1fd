"""Double-marking agreement and assessor stringency, checked against published examples,
R (reference.R, section 3) and independent numpy implementations written here."""

import numpy as np
import pytest

from assessment.psychometrics._common import Status
from assessment.psychometrics.agreement import (
    Stringency,
    assessor_stringency,
    co_marker_differences,
    marker_agreement,
    ordinal_alpha,
    weighted_kappa_table,
)
from assessment.psychometrics.simulation import simulate_double_marking

# Cohen (1968), Psychol Bull 70:213-220: proportions for 200 subjects, and his disagreement
# weights. He reports kappa = .492 and weighted kappa = .348.
COHEN_1968 = [[0.44, 0.07, 0.09], [0.05, 0.20, 0.05], [0.01, 0.03, 0.06]]
COHEN_WEIGHTS = [[0, 1, 3], [1, 0, 6], [3, 6, 0]]
# Fleiss, Cohen & Everitt (1969), Psychol Bull 72:323-327: counts for 200 subjects.
FLEISS_1969 = [[106, 10, 4], [22, 28, 10], [2, 12, 6]]

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", example C: 4 observers,
# 12 units, missing values. He reports ordinal alpha = .815 (nominal .743, interval .849).
NAN = np.nan
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]

# Dataset 3c: thirty double-marked tasks on the 1-4 scale.
FIRST = [3, 2, 4, 3, 1, 2, 3, 3, 4, 2, 2, 3, 1, 3, 4, 2, 3, 3, 2, 4, 3, 2, 1, 3, 4, 3, 2, 3, 3, 2]
SECOND = [3, 2, 3, 3, 2, 2, 3, 4, 4, 2, 3, 3, 1, 2, 4, 2, 3, 2, 2, 4, 3, 3, 1, 3, 3, 3, 2, 4, 3, 1]


def closed_form_quadratic_kappa(table):
    """κ_w = 1 − Σ w·p_o / Σ w·p_e with w_ij = (i − j)²: written out, no statsmodels."""
    p = np.asarray(table, dtype=float)
    p = p / p.sum()
    i, j = np.indices(p.shape)
    w = (i - j) ** 2
    expected = np.outer(p.sum(axis=1), p.sum(axis=0))
    return 1 - (w * p).sum() / (w * expected).sum()


def coincidence_ordinal_alpha(data):
    """Krippendorff's ordinal alpha from his coincidence-matrix formulas (2011, section C),
    written out without the krippendorff package."""
    data = np.asarray(data, dtype=float)
    values = np.unique(data[~np.isnan(data)])
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((values.size, values.size))
    for unit in data.T:
        present = unit[~np.isnan(unit)]
        m = present.size
        if m < 2:
            continue
        for a in range(m):
            for b in range(m):
                if a != b:
                    o[index[present[a]], index[present[b]]] += 1 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    delta = np.zeros_like(o)
    for c in range(values.size):
        for k in range(values.size):
            low, high = min(c, k), max(c, k)
            delta[c, k] = (n_c[low : high + 1].sum() - (n_c[c] + n_c[k]) / 2) ** 2
    return 1 - (n - 1) * (o * delta).sum() / (np.outer(n_c, n_c) * delta).sum()


class TestWeightedKappa:
    def test_cohen_1968_published_values(self):
        assert weighted_kappa_table(COHEN_1968, COHEN_WEIGHTS) == pytest.approx(
            0.3478260870, abs=1e-9
        )
        assert round(weighted_kappa_table(COHEN_1968, COHEN_WEIGHTS), 3) == 0.348
        unweighted = 1 - np.eye(3)
        assert round(weighted_kappa_table(COHEN_1968, unweighted), 3) == 0.492

    def test_quadratic_weights_match_psych_cohen_kappa(self):
        assert weighted_kappa_table(COHEN_1968) == pytest.approx(0.4545454545, abs=1e-9)
        assert weighted_kappa_table(FLEISS_1969) == pytest.approx(0.5666666667, abs=1e-9)

    def test_statsmodels_matches_the_closed_form(self):
        rng = np.random.default_rng(11)
        for _ in range(20):
            table = rng.integers(0, 20, size=(4, 4))
            assert weighted_kappa_table(table) == pytest.approx(closed_form_quadratic_kappa(table))

    def test_unused_category_still_counts_in_the_distances(self):
        # Marks 1 and 4 only: on the 1-4 scale they are 3 apart, not adjacent.
        first = [1] * 6 + [4] * 6
        second = [1] * 5 + [4] + [4] * 5 + [1]
        on_scale = marker_agreement(first, second).weighted_kappa
        table = [[5, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 5]]
        assert on_scale == pytest.approx(closed_form_quadratic_kappa(table))

    def test_invalid_tables(self):
        with pytest.raises(ValueError, match="square"):
            weighted_kappa_table([[1, 2, 3], [4, 5, 6]])
        with pytest.raises(ValueError, match="not all zero"):
            weighted_kappa_table([[0, 0], [0, 0]])
        with pytest.raises(ValueError, match="shape"):
            weighted_kappa_table([[1, 2], [3, 4]], [[0, 1, 2], [1, 0, 1], [2, 1, 0]])


class TestKrippendorffAlpha:
    def test_krippendorff_2011_published_ordinal_alpha(self):
        assert round(ordinal_alpha(KRIPPENDORFF_2011), 3) == 0.815
        assert round(ordinal_alpha(KRIPPENDORFF_2011, categories=[1, 2, 3, 4, 5]), 3) == 0.815

    def test_package_matches_the_coincidence_matrix_formulas(self):
        assert ordinal_alpha(KRIPPENDORFF_2011) == pytest.approx(
            coincidence_ordinal_alpha(KRIPPENDORFF_2011)
        )
        assert ordinal_alpha([FIRST, SECOND], categories=[1, 2, 3, 4]) == pytest.approx(
            coincidence_ordinal_alpha([FIRST, SECOND])
        )

    def test_one_value_only_is_undefined(self):
        assert ordinal_alpha([[2, 2, 2], [2, 2, NAN]]) is None

    def test_invalid(self):
        with pytest.raises(ValueError, match="two coders"):
            ordinal_alpha([[1, 2, 3]])
        with pytest.raises(ValueError, match="two or more coders"):
            ordinal_alpha([[1, NAN], [NAN, 2]])
        with pytest.raises(ValueError, match="outside the categories"):
            ordinal_alpha([[1, 5], [1, 2]], categories=[1, 2, 3, 4])


class TestMarkerAgreement:
    def test_thirty_pairs_match_psych(self):
        result = marker_agreement(FIRST, SECOND)
        assert result.status is Status.OK
        assert result.n_pairs == 30
        assert result.weighted_kappa == pytest.approx(0.7794117647, abs=1e-9)
        assert result.exact == pytest.approx(20 / 30)
        assert result.adjacent == pytest.approx(1.0)
        assert result.krippendorff_alpha == pytest.approx(
            coincidence_ordinal_alpha([FIRST, SECOND])
        )

    def test_every_mark_the_same_is_undefined_not_nan(self):
        result = marker_agreement([3] * 12, [3] * 12)
        assert result.weighted_kappa is None and result.weighted_kappa_reason
        assert result.krippendorff_alpha is None and result.krippendorff_alpha_reason
        assert result.exact == 1.0

    def test_too_few_pairs(self):
        result = marker_agreement(FIRST[:9], SECOND[:9])
        assert result.status is Status.TOO_FEW
        assert result.weighted_kappa is None and result.exact is None

    @pytest.mark.parametrize(
        ("first", "second", "message"),
        [
            ([], [], "empty"),
            ([1, 2, 5], [1, 2, 3], "outside the scale"),
            ([1, 2, 3], [1, 2], "lengths differ"),
            ([1, 2, np.nan], [1, 2, 3], "NaN"),
        ],
    )
    def test_invalid(self, first, second, message):
        with pytest.raises(ValueError, match=message):
            marker_agreement(first, second)


class TestStringency:
    differences = np.array([1, 0, 1, 1, 0, 2, 1, 0, 1, 1, 0, 1])  # dataset 3d

    def test_t_interval_matches_r_t_test(self):
        (result,) = assessor_stringency(["X"] * 12, self.differences + 2, [2] * 12)
        assert result.mean_difference == pytest.approx(0.75)
        assert result.ci_low == pytest.approx(0.3550659182, abs=1e-9)
        assert result.ci_high == pytest.approx(1.1449340818, abs=1e-9)
        assert result.flag is Stringency.LENIENT

    def test_harsh_and_unflagged(self):
        (harsh,) = assessor_stringency(["X"] * 12, 2 - self.differences, [2] * 12)
        assert harsh.flag is Stringency.HARSH
        # The same interval does not lie wholly beyond a margin of 0.4 marks.
        (wide,) = assessor_stringency(["X"] * 12, 2 - self.differences, [2] * 12, margin=0.4)
        assert wide.flag is None

    def test_too_few_is_never_flagged(self):
        (result,) = assessor_stringency(["X"] * 9, [4] * 9, [1] * 9)
        assert result.status is Status.TOO_FEW
        assert result.flag is None and result.mean_difference is None

    def test_no_spread_gives_a_point_interval_not_nan(self):
        (result,) = assessor_stringency(["X"] * 10, [3] * 10, [2] * 10)
        assert (result.ci_low, result.ci_high) == (1.0, 1.0)
        assert result.flag is Stringency.LENIENT

    def test_co_marker_differences_give_each_assessor_both_sides(self):
        who, own, other = co_marker_differences(["A", "B"], [3, 2], ["B", "C"], [2, 4])
        assert who.tolist() == ["A", "B", "B", "C"]
        assert own.tolist() == [3, 2, 2, 4]
        assert other.tolist() == [2, 4, 3, 2]
        with pytest.raises(ValueError, match="own co-marker"):
            co_marker_differences(["A"], [3], ["A"], [2])

    def test_object_labels(self):
        who = np.array(["X"] * 12, dtype=object)
        (result,) = assessor_stringency(who, self.differences + 2, [2] * 12)
        assert result.assessor == "X"

    def test_invalid(self):
        with pytest.raises(ValueError, match="lengths differ"):
            assessor_stringency(["A", "B"], [1, 2, 3], [1, 2, 3])
        with pytest.raises(ValueError, match="empty"):
            assessor_stringency([], [], [])


class TestSimulatedAssessors:
    """2,000 double-marked tasks, 20 assessors: A04 marks +0.6 high, A12 −0.6 low."""

    data = simulate_double_marking(2000, 20, seed=20260615, biases={3: 0.6, 11: -0.6})

    def flagged(self, results):
        return {r.assessor: r.flag for r in results if r.flag is not None}

    def test_only_the_lenient_and_harsh_assessors_are_flagged_against_co_markers(self):
        d = self.data
        results = assessor_stringency(
            *co_marker_differences(d.first_assessor, d.first_mark, d.second_assessor, d.second_mark)
        )
        assert len(results) == 20
        assert all(r.status is Status.OK for r in results)
        assert self.flagged(results) == {"A04": Stringency.LENIENT, "A12": Stringency.HARSH}

    def test_and_against_final_marks(self):
        d = self.data
        results = assessor_stringency(
            np.concatenate([d.first_assessor, d.second_assessor]),
            np.concatenate([d.first_mark, d.second_mark]),
            np.concatenate([d.final_mark, d.final_mark]),
        )
        assert self.flagged(results) == {"A04": Stringency.LENIENT, "A12": Stringency.HARSH}

    def test_agreement_is_moderate(self):
        result = marker_agreement(self.data.first_mark, self.data.second_mark)
        assert 0.4 < result.weighted_kappa < 0.8
        assert 0.4 < result.krippendorff_alpha < 0.8
        assert result.adjacent > 0.9
