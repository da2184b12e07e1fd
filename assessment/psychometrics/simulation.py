"""Seeded simulated data for tests, the demo and the national seeds.

`simulate_item_responses`: 0/1 knowledge-test responses from the two-parameter logistic model
(Birnbaum 1968; the Rasch model when every discrimination is 1):
``P(right) = 1 / (1 + exp(−a_i (θ − b_i − δ_i·focal)))``, θ ~ N(0, 1) in the reference group
and N(`focal_mean`, 1) in the focal group, difficulties b_i evenly spaced over
`difficulty_range` (in a seeded random order), discriminations a_i uniform over
`discrimination_range`, and δ_i the planted DIF in logits (positive: harder for the focal
group at equal ability).

`simulate_double_marking`: blind double marking of tasks on the 1–4 scale. Each task has a
latent quality q ~ N(`quality_mean`, `quality_sd`); two different assessors, drawn at random,
each mark ``clip(round(q + bias_assessor + ε), 1, 4)`` with ε ~ N(0, `noise_sd`). The final
mark is ``clip(round(q), 1, 4)``, as an ideal moderator would give.

The same seed always gives the same data (numpy `default_rng`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

REFERENCE = "reference"
FOCAL = "focal"


@dataclass(frozen=True)
class SimulatedTest:
    scores: np.ndarray
    """candidates × items, 0/1."""
    groups: np.ndarray
    """REFERENCE or FOCAL per candidate."""
    abilities: np.ndarray
    difficulties: np.ndarray
    discriminations: np.ndarray
    dif: Mapping[int, float]


@dataclass(frozen=True)
class SimulatedDoubleMarking:
    assessors: tuple[str, ...]
    first_assessor: np.ndarray
    first_mark: np.ndarray
    second_assessor: np.ndarray
    second_mark: np.ndarray
    final_mark: np.ndarray
    biases: Mapping[str, float]


def simulate_item_responses(
    n_candidates: int = 2000,
    n_items: int = 30,
    *,
    seed: int,
    focal_share: float = 0.5,
    focal_mean: float = 0.0,
    difficulty_range: tuple[float, float] = (-2.0, 2.0),
    discrimination_range: tuple[float, float] = (1.0, 1.0),
    dif: Mapping[int, float] | None = None,
) -> SimulatedTest:
    """2PL responses with planted DIF (module docstring)."""
    if n_candidates < 2 or n_items < 1:
        raise ValueError("need at least 2 candidates and 1 item")
    if not 0 < focal_share < 1:
        raise ValueError("focal_share must be between 0 and 1")
    low_a, high_a = discrimination_range
    if not 0 < low_a <= high_a:
        raise ValueError("discriminations must be positive")
    planted = dict(dif or {})
    if any(not 0 <= item < n_items for item in planted):
        raise ValueError("dif names an item that does not exist")
    rng = np.random.default_rng(seed)
    focal = rng.random(n_candidates) < focal_share
    abilities = rng.normal(0.0, 1.0, n_candidates) + focal_mean * focal
    difficulties = rng.permutation(np.linspace(*difficulty_range, n_items))
    discriminations = rng.uniform(low_a, high_a, n_items)
    shift = np.zeros(n_items)
    for item, logits in planted.items():
        shift[item] = logits
    logit = discriminations * (abilities[:, None] - difficulties - shift * focal[:, None])
    scores = (rng.random((n_candidates, n_items)) < 1 / (1 + np.exp(-logit))).astype(int)
    return SimulatedTest(
        scores=scores,
        groups=np.where(focal, FOCAL, REFERENCE),
        abilities=abilities,
        difficulties=difficulties,
        discriminations=discriminations,
        dif=planted,
    )


def simulate_double_marking(
    n_tasks: int = 2000,
    n_assessors: int = 20,
    *,
    seed: int,
    biases: Mapping[int, float] | None = None,
    quality_mean: float = 2.5,
    quality_sd: float = 0.8,
    noise_sd: float = 0.5,
) -> SimulatedDoubleMarking:
    """Double-marked tasks with assessor biases in marks, keyed by assessor index (0-based):
    e.g. ``{0: +0.6, 1: -0.6}`` for one lenient and one harsh assessor."""
    if n_tasks < 1 or n_assessors < 2:
        raise ValueError("need at least 1 task and 2 assessors")
    planted = dict(biases or {})
    if any(not 0 <= index < n_assessors for index in planted):
        raise ValueError("biases names an assessor that does not exist")
    names = tuple(f"A{index + 1:02d}" for index in range(n_assessors))
    bias = np.array([planted.get(index, 0.0) for index in range(n_assessors)])
    rng = np.random.default_rng(seed)
    quality = rng.normal(quality_mean, quality_sd, n_tasks)
    pairs = np.array([rng.choice(n_assessors, size=2, replace=False) for _ in range(n_tasks)])

    def mark(who: np.ndarray) -> np.ndarray:
        raw = quality + bias[who] + rng.normal(0.0, noise_sd, n_tasks)
        return np.clip(np.rint(raw), 1, 4).astype(int)

    first, second = mark(pairs[:, 0]), mark(pairs[:, 1])
    label = np.array(names)
    return SimulatedDoubleMarking(
        assessors=names,
        first_assessor=label[pairs[:, 0]],
        first_mark=first,
        second_assessor=label[pairs[:, 1]],
        second_mark=second,
        final_mark=np.clip(np.rint(quality), 1, 4).astype(int),
        biases={names[index]: value for index, value in planted.items()},
    )
