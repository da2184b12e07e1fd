"""Mantel-Haenszel DIF, checked against R's mantelhaen.test (reference.R, section 2) and a
simulated 2PL test with one planted DIF item."""

import math

import numpy as np
import pytest
from scipy import stats

from assessment.psychometrics._common import Status
from assessment.psychometrics.dif import (
    DifCategory,
    dif_all_items,
    ets_category,
    mantel_haenszel,
    mantel_haenszel_dif,
    p_delta_at_most,
)
from assessment.psychometrics.simulation import simulate_item_responses

# R's array(c(...), dim = c(2, 2, 5)) is column-major: each stratum's four numbers are
# [1,1], [2,1], [1,2], [2,2], i.e. [[x1, x3], [x2, x4]].
RABBITS_R = [(0, 0, 6, 5), (3, 0, 3, 6), (6, 2, 0, 4), (5, 6, 1, 0), (2, 5, 0, 0)]
RABBITS = [[[x1, x3], [x2, x4]] for x1, x2, x3, x4 in RABBITS_R]

# Dataset 2b: per total-score stratum (reference right, reference wrong, focal right, focal
# wrong).
STRATA = [
    (10, 40, 4, 36),
    (25, 35, 10, 30),
    (40, 30, 18, 27),
    (55, 20, 25, 20),
    (60, 10, 30, 10),
    (45, 3, 20, 4),
]
N_FILLERS = 6


def candidates_from_strata(strata=STRATA):
    """Raw data whose MH tables are `strata`: column 0 is the studied item; filler items make
    every candidate of stratum k total k + 1, whether right or wrong on the studied item."""
    rows, groups = [], []
    for k, (ref_right, ref_wrong, focal_right, focal_wrong) in enumerate(strata):
        for group, right, count in [
            ("ref", 1, ref_right),
            ("ref", 0, ref_wrong),
            ("focal", 1, focal_right),
            ("focal", 0, focal_wrong),
        ]:
            fillers = [1] * (k + 1 - right) + [0] * (N_FILLERS - (k + 1 - right))
            rows += [[right, *fillers]] * count
            groups += [group] * count
    return np.array(rows), np.array(groups)


class TestMantelHaenszelTables:
    def test_rabbits_match_mantelhaen_test(self):
        result = mantel_haenszel(RABBITS)
        assert result.status is Status.OK
        assert result.n_strata == 3  # strata 1 and 5 have one outcome only
        assert result.chi_square == pytest.approx(3.9285714286, abs=1e-9)
        assert result.p_value == pytest.approx(0.0474722551, abs=1e-9)
        assert result.common_odds_ratio == pytest.approx(7.0, abs=1e-9)
        assert result.log_odds_ratio_se == pytest.approx(0.9793792286, abs=1e-9)

    def test_no_continuity_over_correction(self):
        # Σ(A − E(A)) = 0: R reports 0; statsmodels' correction alone would report (½)²/V.
        result = mantel_haenszel([[[5, 5], [5, 5]], [[3, 1], [3, 1]]])
        assert result.chi_square == 0
        assert result.p_value == pytest.approx(1.0)

    def test_no_informative_stratum(self):
        result = mantel_haenszel([[[5, 0], [4, 0]], [[0, 0], [3, 2]]])
        assert result.status is Status.UNDEFINED
        assert result.common_odds_ratio is None

    @pytest.mark.parametrize(
        "tables", [[], [[1, 2], [3, 4]], [[[1, 2, 3], [4, 5, 6]]], [[[1, -2], [3, 4]]]]
    )
    def test_invalid_tables(self, tables):
        with pytest.raises(ValueError, match="tables"):
            mantel_haenszel(tables)


class TestDifFromRawData:
    def test_matches_mantelhaen_test_and_is_class_c(self):
        scores, groups = candidates_from_strata()
        result = mantel_haenszel_dif(scores, 0, groups, reference="ref", focal="focal")
        assert result.status is Status.OK
        assert (result.n_reference, result.n_focal, result.n_strata) == (373, 234, 6)
        assert result.chi_square == pytest.approx(14.5792462634, abs=1e-8)
        assert result.p_value == pytest.approx(0.0001343865, abs=1e-9)
        assert result.common_odds_ratio == pytest.approx(2.1475145455, abs=1e-9)
        assert result.delta == pytest.approx(-1.7961311980, abs=1e-9)
        assert result.delta_se == pytest.approx(0.4617642022, abs=1e-9)
        assert result.p_delta_at_most_1 == pytest.approx(0.0423442055, abs=1e-9)
        assert result.category is DifCategory.C
        assert result.disadvantaged == "focal"

    def test_swapping_the_groups_flips_the_sign(self):
        scores, groups = candidates_from_strata()
        result = mantel_haenszel_dif(scores, 0, groups, reference="focal", focal="ref")
        assert result.delta == pytest.approx(1.7961311980, abs=1e-9)
        assert result.disadvantaged == "reference"
        assert result.category is DifCategory.C

    def test_other_groups_and_row_order_do_not_matter(self):
        scores, groups = candidates_from_strata()
        extra = np.ones((50, scores.shape[1]), dtype=int)
        scores = np.vstack([scores, extra])
        groups = np.concatenate([groups, ["other"] * 50])
        order = np.random.default_rng(3).permutation(len(groups))
        result = mantel_haenszel_dif(
            scores[order], 0, groups[order], reference="ref", focal="focal"
        )
        assert result.common_odds_ratio == pytest.approx(2.1475145455, abs=1e-9)

    def test_too_few_in_a_group(self):
        scores, groups = candidates_from_strata()
        result = mantel_haenszel_dif(
            scores, 0, groups, reference="ref", focal="focal", min_group_size=235
        )
        assert result.status is Status.TOO_FEW
        assert "too few to test" in result.reason
        assert result.n_focal == 234
        assert (result.delta, result.category, result.chi_square) == (None, None, None)

    def test_default_minimum_is_100_per_group(self):
        scores = np.tile([[1, 0], [0, 1]], (100, 1))
        groups = np.array(["ref"] * 101 + ["focal"] * 99)
        result = mantel_haenszel_dif(scores, 0, groups, reference="ref", focal="focal")
        assert result.status is Status.TOO_FEW

    def test_infinite_odds_ratio_is_undefined_not_nan(self):
        # At every total score, every reference member is right and every focal member wrong.
        scores, groups = candidates_from_strata([(30, 0, 0, 30), (40, 0, 0, 40), (50, 0, 0, 50)])
        result = mantel_haenszel_dif(scores, 0, groups, reference="ref", focal="focal")
        assert result.status is Status.UNDEFINED
        assert "infinite" in result.reason
        assert result.delta is None and result.category is None

    def test_item_everyone_answered_right_is_undefined(self):
        scores, groups = candidates_from_strata()
        scores[:, 0] = 1
        result = mantel_haenszel_dif(scores, 0, groups, reference="ref", focal="focal")
        assert result.status is Status.UNDEFINED

    def test_invalid_input(self):
        scores, groups = candidates_from_strata()
        with pytest.raises(ValueError, match="scored 0/1"):
            partial = scores.copy()
            partial[0, 0] = 2
            mantel_haenszel_dif(partial, 0, groups, reference="ref", focal="focal")
        with pytest.raises(ValueError, match="different groups"):
            mantel_haenszel_dif(scores, 0, groups, reference="ref", focal="ref")
        with pytest.raises(ValueError, match="not a column"):
            mantel_haenszel_dif(scores, 7, groups, reference="ref", focal="focal")
        with pytest.raises(ValueError, match="lengths differ"):
            mantel_haenszel_dif(scores, 0, groups[:-1], reference="ref", focal="focal")
        with pytest.raises(ValueError, match="at least 2 rows"):
            mantel_haenszel_dif(scores[:1], 0, groups[:1], reference="ref", focal="focal")


class TestEtsRule:
    @pytest.mark.parametrize(
        ("delta", "se", "p", "expected"),
        [
            (0.99, 0.05, 0.0001, DifCategory.A),  # |Δ| < 1
            (-2.5, 0.05, 0.06, DifCategory.A),  # not significant
            (1.2, 0.05, 0.0001, DifCategory.B),  # 1 ≤ |Δ| < 1.5
            (-1.49, 0.05, 0.0001, DifCategory.B),
            (1.6, 0.5, 0.0001, DifCategory.B),  # ≥ 1.5 but not significantly above 1
            (-1.5, 0.2, 0.0001, DifCategory.C),  # (1.5 − 1)/0.2 = 2.5 > 1.645
            (2.0, 0.1, 0.0001, DifCategory.C),
        ],
    )
    def test_classification(self, delta, se, p, expected):
        assert ets_category(delta, se, p) is expected

    def test_interval_null_p_value_is_paek_and_holland(self):
        for delta, se in [(1.8, 0.46), (-1.2, 0.3), (0.4, 0.2)]:
            expected = stats.norm.cdf((1 - abs(delta)) / se) + stats.norm.cdf(
                (-1 - abs(delta)) / se
            )
            assert p_delta_at_most(delta, se) == pytest.approx(expected)

    def test_c_needs_about_one_sided_z_of_1_645(self):
        se = 0.4  # the significance boundary 1 + 1.645 · 0.4 = 1.658 lies above 1.5
        assert ets_category(1 + 1.65 * se, se, 0.001) is DifCategory.C
        assert ets_category(1 + 1.64 * se, se, 0.001) is DifCategory.B
        assert ets_category(-(1 + 1.65 * se), se, 0.001) is DifCategory.C
        assert math.isclose(p_delta_at_most(1 + 1.6449 * se, se), 0.05, abs_tol=1e-4)


class TestPlantedDif:
    """2,000 candidates × 30 items from a 2PL model (discriminations 0.7–1.4), 30% focal with
    mean ability −0.3; item 7 is 1 logit harder for the focal group."""

    def test_planted_item_is_c_and_every_other_item_is_a(self):
        data = simulate_item_responses(
            2000,
            30,
            seed=20260615,
            focal_share=0.3,
            focal_mean=-0.3,
            discrimination_range=(0.7, 1.4),
            dif={7: 1.0},
        )
        results = dif_all_items(data.scores, data.groups, reference="reference", focal="focal")
        assert all(result.status is Status.OK for result in results)
        assert results[7].category is DifCategory.C
        assert results[7].disadvantaged == "focal"
        assert results[7].delta < -1.5
        others = [result for result in results if result.item != 7]
        assert {result.category for result in others} == {DifCategory.A}
        assert max(abs(result.delta) for result in others) < 1
