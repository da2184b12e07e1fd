"""The seeded simulators: reproducible, and they plant what they say they plant."""

import numpy as np
import pytest

from assessment.psychometrics.items import item_analysis
from assessment.psychometrics.simulation import (
    FOCAL,
    REFERENCE,
    simulate_double_marking,
    simulate_item_responses,
)


def test_item_responses_are_reproducible():
    a = simulate_item_responses(200, 10, seed=1, dif={2: 1.0})
    b = simulate_item_responses(200, 10, seed=1, dif={2: 1.0})
    c = simulate_item_responses(200, 10, seed=2, dif={2: 1.0})
    assert np.array_equal(a.scores, b.scores)
    assert np.array_equal(a.groups, b.groups)
    assert not np.array_equal(a.scores, c.scores)
    assert a.scores.shape == (200, 10)
    assert set(np.unique(a.scores)) <= {0, 1}
    assert set(np.unique(a.groups)) == {REFERENCE, FOCAL}


def test_facility_falls_with_difficulty():
    data = simulate_item_responses(2000, 30, seed=20260615)
    facilities = [item.facility for item in item_analysis(data.scores).items]
    order = np.argsort(data.difficulties)
    assert np.all(np.diff(np.array(facilities)[order]) < 0.05)
    assert np.corrcoef(data.difficulties, facilities)[0, 1] < -0.95


def test_planted_dif_lowers_focal_facility():
    data = simulate_item_responses(4000, 5, seed=3, dif={0: 1.0})
    focal = data.groups == FOCAL
    gap = data.scores[~focal, 0].mean() - data.scores[focal, 0].mean()
    others = data.scores[~focal, 1:].mean() - data.scores[focal, 1:].mean()
    assert gap > 0.15
    assert abs(others) < 0.03


def test_double_marking_is_reproducible_and_on_the_scale():
    a = simulate_double_marking(300, 8, seed=4, biases={0: 0.6})
    b = simulate_double_marking(300, 8, seed=4, biases={0: 0.6})
    assert np.array_equal(a.first_mark, b.first_mark)
    assert np.array_equal(a.second_assessor, b.second_assessor)
    assert np.all(a.first_assessor != a.second_assessor)
    marks = np.concatenate([a.first_mark, a.second_mark, a.final_mark])
    assert set(np.unique(marks)) <= {1, 2, 3, 4}
    assert a.assessors[0] == "A01"
    assert a.biases == {"A01": 0.6}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_candidates": 1},
        {"focal_share": 1.0},
        {"dif": {30: 1.0}},
        {"discrimination_range": (0.0, 1.0)},
    ],
)
def test_invalid_item_simulation(kwargs):
    with pytest.raises(ValueError):
        simulate_item_responses(**{"n_candidates": 100, "n_items": 30, **kwargs}, seed=1)


def test_invalid_marking_simulation():
    with pytest.raises(ValueError):
        simulate_double_marking(10, 1, seed=1)
    with pytest.raises(ValueError):
        simulate_double_marking(10, 5, seed=1, biases={5: 0.6})
