"""Classical test and item statistics for the knowledge test.

Input: a candidates × items matrix of item scores. A "choose 1 of 4" item scores 0 or 1; a
"choose 3 of 8" item may carry partial credit (0..1 or 0..3), so each item has a maximum score
(`max_scores`, default 1 for every item). Omitted answers must be scored 0 by the caller; NaN
is rejected.

Test level (X = a candidate's total score, k = number of items, n = number of candidates):

- mean and SD of X (SD with divisor n − 1);
- reliability. When every item is dichotomous (maximum 1, scores only 0 or 1) this is
  KR-20 (Kuder & Richardson 1937, Psychometrika 2:151–160):
  ``KR-20 = k/(k − 1) · (1 − Σ p_i·q_i / σ²_X)``, with p_i the proportion right,
  q_i = 1 − p_i and σ²_X the variance of X with divisor n (the same divisor as p·q, which
  makes KR-20 equal to alpha exactly). Otherwise Cronbach's alpha (Cronbach 1951,
  Psychometrika 16:297–334): ``α = k/(k − 1) · (1 − Σ s²_i / s²_X)``. These are the
  ``raw_alpha`` of R's ``psych::alpha``. Undefined (None, with a reason) with fewer than two
  items or when every candidate has the same total;
- SEM = SD · sqrt(1 − reliability) (e.g. Crocker & Algina 1986, *Introduction to Classical
  and Modern Test Theory*, ch. 7).

Item level:

- facility = mean item score / maximum score (the p-value for a 0/1 item);
- corrected item–rest correlation: Pearson r between the item score and the rest score
  (X minus the item), which is the point-biserial for a 0/1 item — psych's ``r.drop``.
  Undefined (None) when the item or the rest score does not vary;
- upper–lower discrimination index D = facility in the upper third − facility in the lower
  third, the groups formed on the total score X (Kelley 1939 used 27%; this service uses
  thirds, `GROUP_FRACTION`). Candidates tied on the total at a group boundary all share the
  remaining places with equal fractional weight, so each group weighs exactly n/3 and the
  result does not depend on the order of the rows;
- given the options each candidate selected, the proportion choosing each option in the
  whole cohort and in the upper and lower thirds (same weights).

Flags (`ItemFlag`): too easy (facility > `TOO_EASY_FACILITY`), too hard (facility <
`TOO_HARD_FACILITY`), non-discriminating (item–rest r < `MIN_ITEM_REST_R`, or undefined
because nobody differs on the item), and a distractor attracting strong candidates (a wrong
option chosen by a larger share of the upper third than of the lower third, by more than
`DISTRACTOR_MARGIN`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ._common import float_matrix, float_vector, is_constant

TOO_EASY_FACILITY = 0.9
TOO_HARD_FACILITY = 0.2
MIN_ITEM_REST_R = 0.15
DISTRACTOR_MARGIN = 0.0
GROUP_FRACTION = 1 / 3
"""Upper and lower groups for the discrimination index and the distractor table: thirds."""
_ROUNDING = 1e-12  # equal shares computed with fractional weights can differ in the last bit


class ItemFlag(StrEnum):
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    NON_DISCRIMINATING = "non_discriminating"
    DISTRACTOR_ATTRACTS_STRONG = "distractor_attracts_strong"


class ReliabilityMethod(StrEnum):
    KR20 = "KR-20"
    ALPHA = "Cronbach's alpha"


@dataclass(frozen=True)
class Reliability:
    method: ReliabilityMethod
    value: float | None
    reason: str = ""


@dataclass(frozen=True)
class OptionStatistics:
    option: int
    """0-based column of the option in the item's selections."""
    correct: bool
    proportion: float
    """Share of all candidates who chose the option."""
    proportion_upper: float
    proportion_lower: float


@dataclass(frozen=True)
class ItemStatistics:
    item: int
    """0-based column of the item in the score matrix."""
    max_score: float
    mean: float
    facility: float
    item_rest_r: float | None
    item_rest_r_reason: str
    discrimination: float
    """Upper-third facility minus lower-third facility."""
    options: tuple[OptionStatistics, ...]
    """Empty unless the item's selections were given."""
    flags: frozenset[ItemFlag]


@dataclass(frozen=True)
class ItemAnalysis:
    n_candidates: int
    n_items: int
    max_total: float
    mean: float
    sd: float
    reliability: Reliability
    sem: float | None
    items: tuple[ItemStatistics, ...]

    @property
    def flagged_items(self) -> tuple[ItemStatistics, ...]:
        return tuple(item for item in self.items if item.flags)


def item_analysis(
    scores,
    max_scores=None,
    *,
    selections: Sequence | None = None,
    keys: Sequence[Collection[int] | None] | None = None,
) -> ItemAnalysis:
    """Test and item statistics for a candidates × items `scores` matrix (see module docstring).

    `max_scores`: each item's maximum score (default 1). `selections`: optional, one entry per
    item, each None or a candidates × options 0/1 array of the options each candidate chose
    (one 1 per row for "choose 1 of 4", up to three for "choose 3 of 8"; see
    `selections_from_choices`). `keys`: the correct option columns of each item with
    selections.
    """
    matrix, maxima = _scores_and_maxima(scores, max_scores)
    n, k = matrix.shape
    totals = matrix.sum(axis=1)
    upper, lower = extreme_group_weights(totals)
    option_tables = _option_inputs(selections, keys, n, k)

    items = []
    for i in range(k):
        item_scores = matrix[:, i]
        proportion = item_scores / maxima[i]
        r, r_reason = _item_rest_r(item_scores, totals - item_scores)
        options = ()
        if option_tables[i] is not None:
            chosen, key = option_tables[i]
            options = _option_statistics(chosen, key, upper, lower)
        facility = float(proportion.mean())
        items.append(
            ItemStatistics(
                item=i,
                max_score=float(maxima[i]),
                mean=float(item_scores.mean()),
                facility=facility,
                item_rest_r=r,
                item_rest_r_reason=r_reason,
                discrimination=_weighted_mean(proportion, upper)
                - _weighted_mean(proportion, lower),
                options=options,
                flags=_flags(facility, r, options),
            )
        )

    rel = reliability(matrix, maxima)
    sd = float(totals.std(ddof=1))
    sem = None if rel.value is None else sd * float(np.sqrt(1 - rel.value))
    return ItemAnalysis(
        n_candidates=n,
        n_items=k,
        max_total=float(maxima.sum()),
        mean=float(totals.mean()),
        sd=sd,
        reliability=rel,
        sem=sem,
        items=tuple(items),
    )


def reliability(scores, max_scores=None) -> Reliability:
    """KR-20 if every item is dichotomous, Cronbach's alpha otherwise (module docstring)."""
    matrix, maxima = _scores_and_maxima(scores, max_scores)
    k = matrix.shape[1]
    dichotomous = bool((maxima == 1).all() and np.isin(matrix, (0.0, 1.0)).all())
    method = ReliabilityMethod.KR20 if dichotomous else ReliabilityMethod.ALPHA
    if k < 2:
        return Reliability(method, None, "reliability needs at least two items")
    totals = matrix.sum(axis=1)
    if is_constant(totals):
        return Reliability(method, None, "every candidate has the same total score")
    if dichotomous:
        p = matrix.mean(axis=0)
        value = k / (k - 1) * (1 - float((p * (1 - p)).sum()) / float(totals.var(ddof=0)))
    else:
        item_variance = float(matrix.var(axis=0, ddof=1).sum())
        value = k / (k - 1) * (1 - item_variance / float(totals.var(ddof=1)))
    return Reliability(method, value)


def extreme_group_weights(totals, fraction: float = GROUP_FRACTION) -> tuple[np.ndarray, ...]:
    """Weights (0..1) putting each candidate in the upper and the lower `fraction` by total.

    Each group weighs exactly n·fraction. Candidates tied on the total at a boundary share the
    places left with equal weight, so the groups do not depend on the order of the rows.
    """
    values = float_vector(totals, "totals")
    if not 0 < fraction <= 0.5:
        raise ValueError("fraction must be in (0, 0.5]")
    size = values.size * fraction
    return _fill(values, size, descending=True), _fill(values, size, descending=False)


def selections_from_choices(choices, n_options: int) -> np.ndarray:
    """A candidates × options 0/1 array from each candidate's chosen option (0-based; −1 if
    the candidate did not answer), for a "choose 1 of n" item."""
    chosen = float_vector(choices, "choices")
    if not (np.isin(chosen, np.arange(-1, n_options))).all():
        raise ValueError(f"choices must be whole numbers from -1 to {n_options - 1}")
    return (chosen[:, None] == np.arange(n_options)[None, :]).astype(float)


def _fill(totals: np.ndarray, size: float, *, descending: bool) -> np.ndarray:
    weights = np.zeros(totals.size)
    remaining = size
    levels = np.unique(totals)
    for level in levels[::-1] if descending else levels:
        if remaining <= 0:
            break
        members = totals == level
        count = int(members.sum())
        share = min(1.0, remaining / count)
        weights[members] = share
        remaining -= share * count
    return weights


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    return float(np.dot(values, weights) / weights.sum())


def _scores_and_maxima(scores, max_scores) -> tuple[np.ndarray, np.ndarray]:
    matrix = float_matrix(scores, "scores", min_rows=2)
    k = matrix.shape[1]
    maxima = np.ones(k) if max_scores is None else float_vector(max_scores, "max_scores")
    if maxima.size != k:
        raise ValueError(f"max_scores has {maxima.size} values for {k} items")
    if (maxima <= 0).any():
        raise ValueError("every item's max score must be positive")
    if (matrix < 0).any() or (matrix > maxima).any():
        raise ValueError("every score must lie between 0 and its item's max score")
    return matrix, maxima


def _item_rest_r(item: np.ndarray, rest: np.ndarray) -> tuple[float | None, str]:
    if is_constant(item):
        return None, "every candidate scored the same on this item"
    if is_constant(rest):
        return None, "every candidate has the same score on the other items"
    return float(np.corrcoef(item, rest)[0, 1]), ""


def _option_inputs(selections, keys, n: int, k: int) -> list:
    if selections is None:
        if keys is not None:
            raise ValueError("keys were given without selections")
        return [None] * k
    if len(selections) != k:
        raise ValueError(f"selections has {len(selections)} entries for {k} items")
    if keys is None or len(keys) != k:
        raise ValueError("keys must give the correct options of every item with selections")
    tables = []
    for i, (chosen, key) in enumerate(zip(selections, keys, strict=True)):
        if chosen is None:
            tables.append(None)
            continue
        table = float_matrix(chosen, f"selections[{i}]")
        if table.shape[0] != n:
            raise ValueError(f"selections[{i}] has {table.shape[0]} rows for {n} candidates")
        if not np.isin(table, (0.0, 1.0)).all():
            raise ValueError(f"selections[{i}] must hold only 0 and 1")
        correct = frozenset(key or ())
        if not correct or not correct <= set(range(table.shape[1])):
            raise ValueError(f"keys[{i}] must name at least one of the item's option columns")
        tables.append((table, correct))
    return tables


def _option_statistics(chosen, key, upper, lower) -> tuple[OptionStatistics, ...]:
    return tuple(
        OptionStatistics(
            option=j,
            correct=j in key,
            proportion=float(chosen[:, j].mean()),
            proportion_upper=_weighted_mean(chosen[:, j], upper),
            proportion_lower=_weighted_mean(chosen[:, j], lower),
        )
        for j in range(chosen.shape[1])
    )


def _flags(facility: float, r: float | None, options) -> frozenset[ItemFlag]:
    flags = set()
    if facility > TOO_EASY_FACILITY:
        flags.add(ItemFlag.TOO_EASY)
    if facility < TOO_HARD_FACILITY:
        flags.add(ItemFlag.TOO_HARD)
    if r is None or r < MIN_ITEM_REST_R:
        flags.add(ItemFlag.NON_DISCRIMINATING)
    if any(
        not option.correct
        and option.proportion_upper - option.proportion_lower > DISTRACTOR_MARGIN + _ROUNDING
        for option in options
    ):
        flags.add(ItemFlag.DISTRACTOR_ATTRACTS_STRONG)
    return frozenset(flags)
