"""Angoff and borderline-regression cut scores, checked against R (reference.R, section 4)."""

import numpy as np
import pytest

from assessment.psychometrics._common import Status
from assessment.psychometrics.standard_setting import (
    GlobalGrade,
    angoff_cut_score,
    borderline_regression,
)

# Dataset 4a: 5 judges × 6 items; items 5 and 6 are worth 3 marks.
RATINGS = np.array([
    [0.60, 0.70, 0.50, 0.40, 0.50, 0.60],
    [0.65, 0.75, 0.55, 0.35, 0.45, 0.55],
    [0.55, 0.60, 0.45, 0.50, 0.60, 0.70],
    [0.70, 0.80, 0.60, 0.45, 0.40, 0.50],
    [0.50, 0.65, 0.40, 0.30, 0.55, 0.65],
])  # fmt: skip
MAXIMA = [1, 1, 1, 1, 3, 3]

# Dataset 4b: global grades (0 not met .. 3 exceeds) and marks out of 16.
GRADES = [0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 1]
MARKS = [6, 8, 9, 10, 8, 11, 12, 13, 11, 14, 12, 15, 16, 14, 9]


class TestAngoff:
    def test_matches_r(self):
        result = angoff_cut_score(RATINGS, MAXIMA)
        assert result.judge_totals == pytest.approx([5.5, 5.3, 6.0, 5.25, 5.45])
        assert result.cut_score == pytest.approx(5.5)
        assert result.cut_proportion == pytest.approx(0.55)
        assert result.judge_sd == pytest.approx(0.2979093822, abs=1e-9)
        assert result.judge_se == pytest.approx(0.1332291259, abs=1e-9)
        assert result.adjusted_cut is None

    def test_cut_is_the_sum_of_mean_item_ratings(self):
        ratings = RATINGS[:, :4]
        assert angoff_cut_score(ratings).cut_score == pytest.approx(ratings.mean(0).sum())

    def test_sem_adjustment(self):
        assert angoff_cut_score(RATINGS, MAXIMA, sem=0.8).adjusted_cut == pytest.approx(6.3)
        result = angoff_cut_score(RATINGS, MAXIMA, sem=0.8, sem_multiplier=2)
        assert result.adjusted_cut == pytest.approx(7.1)

    @pytest.mark.parametrize(
        ("ratings", "kwargs", "message"),
        [
            (RATINGS[:4], {}, "at least 5 judges"),
            (np.where(RATINGS == 0.8, 1.1, RATINGS), {}, "between 0 and 1"),
            (np.where(RATINGS == 0.8, -0.1, RATINGS), {}, "between 0 and 1"),
            (np.where(RATINGS == 0.8, np.nan, RATINGS), {}, "NaN"),
            (RATINGS, {"max_scores": [1, 1]}, "2 values for 6 items"),
            (RATINGS, {"sem": -1}, "sem"),
            ([], {}, "2-D"),
        ],
    )
    def test_invalid(self, ratings, kwargs, message):
        with pytest.raises(ValueError, match=message):
            angoff_cut_score(ratings, **kwargs)


class TestBorderlineRegression:
    def test_matches_r_lm(self):
        result = borderline_regression(MARKS, GRADES, min_candidates=15)
        assert result.status is Status.OK
        assert result.n == 15
        assert result.intercept == pytest.approx(6.8235294118, abs=1e-9)
        assert result.slope == pytest.approx(2.7352941176, abs=1e-9)
        assert result.cut_score == pytest.approx(9.5588235294, abs=1e-9)
        assert result.r_squared == pytest.approx(0.8741661613, abs=1e-9)

    def test_other_anchor_and_sem(self):
        result = borderline_regression(
            MARKS, GRADES, min_candidates=15, borderline=GlobalGrade.MET, sem=1.0
        )
        assert result.cut_score == pytest.approx(6.8235294118 + 2 * 2.7352941176)
        assert result.adjusted_cut == pytest.approx(result.cut_score + 1)

    def test_too_few_by_default(self):
        result = borderline_regression(MARKS, GRADES)
        assert result.status is Status.TOO_FEW
        assert "30" in result.reason
        assert result.cut_score is None

    def test_one_grade_only_has_no_slope(self):
        result = borderline_regression(MARKS, [2] * 15, min_candidates=15)
        assert result.status is Status.UNDEFINED
        assert result.cut_score is None

    def test_same_mark_for_all_has_no_r_squared(self):
        result = borderline_regression([10] * 15, GRADES, min_candidates=15)
        assert result.cut_score == 10
        assert result.r_squared is None and result.r_squared_reason

    @pytest.mark.parametrize(
        ("marks", "grades", "message"),
        [
            (MARKS, [*GRADES[:-1], 4], "grades must be whole numbers"),
            (MARKS, [*GRADES[:-1], 1.5], "grades must be whole numbers"),
            (MARKS[:-1], GRADES, "lengths differ"),
            ([], [], "empty"),
        ],
    )
    def test_invalid(self, marks, grades, message):
        with pytest.raises(ValueError, match=message):
            borderline_regression(marks, grades)
