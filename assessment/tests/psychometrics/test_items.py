"""Test and item statistics, checked against hand calculation, a published dataset and R.

Figures marked "R" come from reference.R (psych::alpha, psych 2.2.9 on R 4.2.2).
"""

import numpy as np
import pytest

from assessment.psychometrics.items import (
    ItemFlag,
    ReliabilityMethod,
    extreme_group_weights,
    item_analysis,
    reliability,
    selections_from_choices,
)

# LSAT section 6 (Bock & Lieberman 1970, Psychometrika 35:179-197): the 32 response patterns
# of 1,000 candidates to 5 items and their frequencies, as in psych's `bock.table`.
LSAT6_PATTERNS = {
    "00000": 3, "00001": 6, "00010": 2, "00011": 11, "00100": 1, "00101": 1, "00110": 3,
    "00111": 4, "01000": 1, "01001": 8, "01010": 0, "01011": 16, "01100": 0, "01101": 3,
    "01110": 2, "01111": 15, "10000": 10, "10001": 29, "10010": 14, "10011": 81, "10100": 3,
    "10101": 28, "10110": 15, "10111": 80, "11000": 16, "11001": 56, "11010": 21,
    "11011": 173, "11100": 11, "11101": 61, "11110": 28, "11111": 298,
}  # fmt: skip


def lsat6():
    rows = [
        [int(c) for c in pattern] for pattern, count in LSAT6_PATTERNS.items() for _ in range(count)
    ]
    return np.array(rows)


# Items 1-4 "choose 1 of 4" (0/1), items 5-6 "choose 3 of 8" (0..3): dataset 1b of reference.R.
MIXED = np.array([
    [1, 1, 1, 0, 3, 2],
    [1, 0, 1, 1, 2, 3],
    [0, 1, 0, 0, 1, 1],
    [1, 1, 1, 1, 3, 3],
    [0, 0, 1, 0, 1, 0],
    [1, 1, 0, 1, 2, 2],
    [0, 0, 0, 0, 0, 1],
    [1, 1, 1, 1, 2, 3],
    [1, 0, 0, 1, 1, 2],
    [0, 1, 1, 0, 2, 1],
    [1, 1, 1, 1, 3, 2],
    [0, 0, 0, 1, 0, 0],
])  # fmt: skip
MIXED_MAX = [1, 1, 1, 1, 3, 3]


class TestHandWorkedGuttmanScale:
    """Four candidates, three items in a perfect Guttman pattern; every figure by hand.

    Totals 3, 2, 1, 0: σ²(divisor n) = 1.25, Σpq = .1875 + .25 + .1875 = .625, so
    KR-20 = 3/2 · (1 − .625/1.25) = .75; SD (n − 1) = √(5/3); SEM = √(5/3) · √.25.
    """

    scores = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]])

    def test_test_statistics(self):
        result = item_analysis(self.scores)
        assert result.reliability.method is ReliabilityMethod.KR20
        assert result.reliability.value == pytest.approx(0.75)
        assert result.mean == pytest.approx(1.5)
        assert result.sd == pytest.approx(np.sqrt(5 / 3))
        assert result.sem == pytest.approx(np.sqrt(5 / 3) * 0.5)
        assert result.max_total == 3

    def test_item_statistics(self):
        items = item_analysis(self.scores).items
        assert [item.facility for item in items] == pytest.approx([0.75, 0.5, 0.25])
        # Item 1 against rest scores 2, 1, 0, 0: r = .75 / √(.75 · 2.75) = √(3/11).
        assert items[0].item_rest_r == pytest.approx(np.sqrt(3 / 11))
        # Thirds of 4 candidates weigh 4/3: candidate 1 plus a third of candidate 2 on top,
        # candidate 4 plus a third of candidate 3 at the bottom.
        assert [item.discrimination for item in items] == pytest.approx([0.75, 1.0, 0.75])


class TestLsat6:
    """Bock & Lieberman's LSAT-6: published facilities; KR-20 and r.drop from R."""

    def test_facilities_are_the_published_item_p_values(self):
        result = item_analysis(lsat6())
        assert result.n_candidates == 1000
        assert [item.facility for item in result.items] == pytest.approx(
            [0.924, 0.709, 0.553, 0.763, 0.870]
        )

    def test_kr20_sd_and_sem_match_psych_alpha(self):
        result = item_analysis(lsat6())
        assert result.reliability.method is ReliabilityMethod.KR20
        assert result.reliability.value == pytest.approx(0.2949971922, abs=1e-9)
        assert result.mean == pytest.approx(3.819)
        assert result.sd == pytest.approx(1.0350412119, abs=1e-9)
        assert result.sem == pytest.approx(0.8690666124, abs=1e-9)

    def test_item_rest_correlations_match_psych_r_drop(self):
        result = item_analysis(lsat6())
        assert [item.item_rest_r for item in result.items] == pytest.approx(
            [0.1128326889, 0.1531781201, 0.1727789433, 0.1444280952, 0.1215964025], abs=1e-9
        )

    def test_flags(self):
        flags = [item.flags for item in item_analysis(lsat6()).items]
        assert flags == [
            {ItemFlag.TOO_EASY, ItemFlag.NON_DISCRIMINATING},  # p .924, r .113
            set(),  # r .153
            set(),
            {ItemFlag.NON_DISCRIMINATING},  # r .144
            {ItemFlag.NON_DISCRIMINATING},  # r .122
        ]


class TestPartialCredit:
    def test_alpha_and_item_rest_r_match_psych_alpha(self):
        result = item_analysis(MIXED, MIXED_MAX)
        assert result.reliability.method is ReliabilityMethod.ALPHA
        assert result.reliability.value == pytest.approx(0.8258426966, abs=1e-9)
        assert result.sd == pytest.approx(3.2844906436, abs=1e-9)
        assert [item.item_rest_r for item in result.items] == pytest.approx(
            [0.8331239974, 0.4955209175, 0.4955209175, 0.3703592741, 0.8342976876, 0.7850470123],
            abs=1e-9,
        )

    def test_facility_is_a_share_of_the_max_score(self):
        items = item_analysis(MIXED, MIXED_MAX).items
        assert items[4].mean == pytest.approx(20 / 12)
        assert items[4].facility == pytest.approx(20 / 36)
        assert item_analysis(MIXED, MIXED_MAX).max_total == 10

    def test_fractional_credit_on_a_one_mark_item_uses_alpha(self):
        scores = [[1, 0.5], [0, 0], [1, 1], [0.5, 0]]
        assert reliability(scores).method is ReliabilityMethod.ALPHA

    def test_kr20_equals_alpha_for_dichotomous_items(self):
        data = lsat6()
        k = data.shape[1]
        alpha = k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / data.sum(1).var(ddof=1))
        assert reliability(data).value == pytest.approx(alpha)


class TestDistractors:
    """Nine candidates in clean thirds (totals 4,3,3 | 2,2,2 | 0,1,0); item 0 keyed option 0."""

    choices = [0, 2, 2, 0, 1, 0, 1, 3, 3]
    others = [
        [1, 1, 1], [1, 1, 1], [1, 1, 1],
        [1, 0, 0], [1, 1, 0], [1, 0, 0],
        [0, 0, 0], [1, 0, 0], [0, 0, 0],
    ]  # fmt: skip

    def analyse(self):
        item0 = (np.array(self.choices) == 0).astype(int)
        scores = np.column_stack([item0, self.others])
        selections = [selections_from_choices(self.choices, 4), None, None, None]
        return item_analysis(scores, selections=selections, keys=[{0}, None, None, None])

    def test_option_proportions_by_third(self):
        options = self.analyse().items[0].options
        assert [o.correct for o in options] == [True, False, False, False]
        assert [o.proportion_upper for o in options] == pytest.approx([1 / 3, 0, 2 / 3, 0])
        assert [o.proportion_lower for o in options] == pytest.approx([0, 1 / 3, 0, 2 / 3])
        assert [o.proportion for o in options] == pytest.approx([3 / 9, 2 / 9, 2 / 9, 2 / 9])

    def test_a_distractor_chosen_more_by_the_top_third_is_flagged(self):
        result = self.analyse()
        assert ItemFlag.DISTRACTOR_ATTRACTS_STRONG in result.items[0].flags
        assert result.items[1].options == ()

    def test_three_of_eight_selections(self):
        # Two candidates choose 3 of 8 options; the key is options 0, 1, 2.
        chosen = np.zeros((2, 8))
        chosen[0, [0, 1, 2]] = 1
        chosen[1, [0, 5, 7]] = 1
        scores = np.array([[3, 1], [1, 0]])
        result = item_analysis(scores, [3, 1], selections=[chosen, None], keys=[{0, 1, 2}, None])
        options = result.items[0].options
        assert len(options) == 8
        assert [o.option for o in options if o.correct] == [0, 1, 2]
        assert options[5].proportion_lower == pytest.approx(1.0)


class TestGroups:
    def test_ties_at_the_boundary_share_the_places(self):
        upper, lower = extreme_group_weights([5, 5, 5, 1, 0, 0])
        assert upper.tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3, 0, 0, 0])
        assert lower.tolist() == pytest.approx([0, 0, 0, 0, 1, 1])

    def test_statistics_do_not_depend_on_row_order(self):
        data = lsat6()
        shuffled = data[np.random.default_rng(7).permutation(len(data))]
        a, b = item_analysis(data), item_analysis(shuffled)
        assert [i.discrimination for i in a.items] == pytest.approx(
            [i.discrimination for i in b.items]
        )
        assert a.reliability.value == pytest.approx(b.reliability.value)

    def test_everyone_tied_gives_zero_discrimination(self):
        result = item_analysis([[1, 0], [0, 1], [1, 0]])
        assert result.items[0].discrimination == pytest.approx(0)


class TestUndefinedAndInvalid:
    def test_zero_variance_total_gives_no_reliability_and_no_nan(self):
        result = item_analysis([[1, 1, 0], [1, 1, 0], [1, 1, 0]])
        assert result.reliability.value is None
        assert "same total" in result.reliability.reason
        assert result.sem is None
        item = result.items[0]
        assert item.item_rest_r is None
        assert item.item_rest_r_reason
        assert item.flags == {ItemFlag.TOO_EASY, ItemFlag.NON_DISCRIMINATING}

    def test_constant_rest_score(self):
        result = item_analysis([[1, 1], [0, 1], [1, 1]])
        assert result.items[0].item_rest_r is None
        assert "other items" in result.items[0].item_rest_r_reason

    def test_single_item_has_no_reliability(self):
        result = reliability([[1], [0], [1]])
        assert result.value is None
        assert "two items" in result.reason

    @pytest.mark.parametrize(
        ("scores", "max_scores", "message"),
        [
            ([], None, "2-D"),
            (np.zeros((0, 3)), None, "empty"),
            ([[1, 0, 1]], None, "at least 2 rows"),
            ([1, 0, 1], None, "2-D"),
            ([[1, np.nan], [0, 1]], None, "NaN"),
            ([[1, 2], [0, 1]], None, "between 0 and"),
            ([[1, -1], [0, 1]], None, "between 0 and"),
            ([[1, 0], [0, 1]], [1, 1, 1], "3 values for 2 items"),
            ([[1, 0], [0, 1]], [1, 0], "positive"),
            ([["a", "b"], ["c", "d"]], None, "numeric"),
        ],
    )
    def test_invalid_scores(self, scores, max_scores, message):
        with pytest.raises(ValueError, match=message):
            item_analysis(scores, max_scores)

    def test_invalid_selections(self):
        scores = [[1, 0], [0, 1], [1, 1]]
        good = selections_from_choices([0, 1, 0], 4)
        with pytest.raises(ValueError, match="entries for 2 items"):
            item_analysis(scores, selections=[good], keys=[{0}])
        with pytest.raises(ValueError, match="keys must"):
            item_analysis(scores, selections=[good, None])
        with pytest.raises(ValueError, match="without selections"):
            item_analysis(scores, keys=[{0}, None])
        with pytest.raises(ValueError, match="rows for 3 candidates"):
            item_analysis(scores, selections=[good[:2], None], keys=[{0}, None])
        with pytest.raises(ValueError, match=r"keys\[0\]"):
            item_analysis(scores, selections=[good, None], keys=[{4}, None])
        with pytest.raises(ValueError, match="from -1 to 3"):
            selections_from_choices([0, 4], 4)

    def test_omitted_answers_select_nothing(self):
        assert selections_from_choices([-1, 2], 4).tolist() == [[0, 0, 0, 0], [0, 0, 1, 0]]
