"""Mantel–Haenszel differential item functioning (DIF) with the ETS A/B/C classification.

Method (Holland & Thayer 1988, "Differential item performance and the Mantel–Haenszel
procedure", in Wainer & Braun (eds), *Test Validity*, 129–145; Dorans & Holland 1993, "DIF
detection and description", in Holland & Wainer (eds), *Differential Item Functioning*, 35–66):

- Candidates of the reference and the focal group are matched on their **total test score,
  including the studied item** (Holland & Thayer showed the studied item must be in the
  matching score for MH to agree with the Rasch model; ETS practice). Every distinct total
  is a stratum ("thin" matching). A stratum holding only one group or only one outcome adds
  nothing to any of the sums below, so it is dropped; that changes no figure.
- In stratum k, with A = reference right, B = reference wrong, C = focal right,
  D = focal wrong, N = A + B + C + D:
  common odds ratio ``α_MH = Σ(A·D/N) / Σ(B·C/N)`` (statsmodels `StratifiedTable`,
  `oddsratio_pooled`); its log has the Robins–Breslow–Greenland (1986, Biometrics
  42:311–323) standard error (`logodds_pooled_se`), which is the Phillips & Holland (1987)
  estimator ETS uses;
  MH chi-square ``(|Σ A − Σ E(A)| − ½)² / Σ Var(A)`` with ``E(A) = (A+B)(A+C)/N`` and
  ``Var(A) = (A+B)(C+D)(A+C)(B+D) / (N²(N−1))``, 1 df (statsmodels `test_null_odds`; the
  ½ continuity correction is applied only when ``|Σ A − Σ E(A)| ≥ ½``, as R's
  `mantelhaen.test` does, since statsmodels would otherwise over-correct).
- ETS delta: ``MH D-DIF = −2.35 · ln α_MH``, SE = 2.35 · SE(ln α_MH). Negative values mean
  the item is harder for the focal group than for reference-group members of equal score.
- ETS classification (Dorans & Holland 1993; Zwick 2012, "A review of ETS differential item
  functioning assessment procedures", ETS Research Report RR-12-08):
  **A** if MH D-DIF is not significantly different from 0 (MH chi-square, α = .05) or
  ``|MH D-DIF| < 1``; **C** if ``|MH D-DIF| ≥ 1.5`` and ``|MH D-DIF|`` is significantly
  greater than 1 (α = .05); **B** otherwise. "Significantly greater than 1" is the
  interval-null test of H0: ``|Δ| ≤ 1`` of Paek & Holland (2015, Psychometrika 80:406–411):
  ``p = P(χ²₁(λ) ≥ (D/SE)²)`` with non-centrality ``λ = (1/SE)²``, i.e.
  ``Φ((1 − |D|)/SE) + Φ((−1 − |D|)/SE)``, which for practical SEs is the familiar one-sided
  z test of ``(|D| − 1)/SE`` against 1.645.
- Groups smaller than `MIN_GROUP_SIZE` are "too few to test" (a service design choice;
  Zwick 2012 reviews ETS's operational minimums, which are larger). Items whose odds ratio
  is 0 or infinite (e.g. every focal candidate right in every informative stratum) are
  "undefined": no delta, no class.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

from ._common import Status, float_matrix, label_vector, same_length

MIN_GROUP_SIZE = 100
SIGNIFICANCE = 0.05
NEGLIGIBLE_DELTA = 1.0
LARGE_DELTA = 1.5
DELTA_PER_LOG_ODDS = -2.35
"""ETS delta metric: 4/1.7 ≈ 2.35 delta units per logit, sign flipped."""


class DifCategory(StrEnum):
    A = "A"
    """Negligible."""
    B = "B"
    """Slight to moderate."""
    C = "C"
    """Moderate to large: review the item before using it again."""


@dataclass(frozen=True)
class MantelHaenszel:
    status: Status
    reason: str
    n_strata: int
    """Informative strata: both groups and both outcomes present."""
    common_odds_ratio: float | None = None
    log_odds_ratio_se: float | None = None
    chi_square: float | None = None
    p_value: float | None = None


@dataclass(frozen=True)
class DifResult:
    item: int
    status: Status
    reason: str
    n_reference: int
    n_focal: int
    n_strata: int = 0
    common_odds_ratio: float | None = None
    chi_square: float | None = None
    p_value: float | None = None
    delta: float | None = None
    """MH D-DIF."""
    delta_se: float | None = None
    p_delta_at_most_1: float | None = None
    """p-value of H0: |MH D-DIF| ≤ 1 (Paek & Holland 2015)."""
    category: DifCategory | None = None
    disadvantaged: str | None = None
    """"focal" if the item is harder for the focal group at equal total score, else
    "reference" if harder for the reference group (None when there is no delta or it is 0)."""


def mantel_haenszel(tables) -> MantelHaenszel:
    """MH common odds ratio, SE of its log and MH chi-square for strata × 2 × 2 counts.

    Each ``tables[k]`` is ``[[A, B], [C, D]]``: rows reference, focal; columns right, wrong.
    """
    counts = np.asarray(tables, dtype=float)
    if counts.ndim != 3 or counts.shape[1:] != (2, 2) or counts.shape[0] == 0:
        raise ValueError("tables must be a non-empty strata × 2 × 2 array of counts")
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("tables must hold non-negative counts")
    rows = counts.sum(axis=2)
    columns = counts.sum(axis=1)
    informative = (rows > 0).all(axis=1) & (columns > 0).all(axis=1)
    counts = counts[informative]
    if counts.shape[0] == 0:
        return MantelHaenszel(
            Status.UNDEFINED, "no stratum has both groups and both outcomes", n_strata=0
        )
    a, b, c, d = counts[:, 0, 0], counts[:, 0, 1], counts[:, 1, 0], counts[:, 1, 1]
    n = a + b + c + d
    if not (a * d / n).sum() > 0:
        return MantelHaenszel(
            Status.UNDEFINED,
            "the common odds ratio is 0: within every score level, no reference member "
            "was right while a focal member was wrong",
            n_strata=counts.shape[0],
        )
    if not (b * c / n).sum() > 0:
        return MantelHaenszel(
            Status.UNDEFINED,
            "the common odds ratio is infinite: within every score level, no focal member "
            "was right while a reference member was wrong",
            n_strata=counts.shape[0],
        )
    table = StratifiedTable(np.moveaxis(counts, 0, -1))
    deviation = float(np.sum(a - (a + b) * (a + c) / n))
    test = table.test_null_odds(correction=abs(deviation) >= 0.5)
    return MantelHaenszel(
        Status.OK,
        "",
        n_strata=counts.shape[0],
        common_odds_ratio=float(table.oddsratio_pooled),
        log_odds_ratio_se=float(table.logodds_pooled_se),
        chi_square=float(test.statistic),
        p_value=float(test.pvalue),
    )


def ets_category(delta: float, delta_se: float, p_value: float) -> DifCategory:
    """The ETS class of an item from its MH D-DIF, the SE of MH D-DIF and the MH chi-square
    p-value (module docstring)."""
    if abs(delta) < NEGLIGIBLE_DELTA or p_value >= SIGNIFICANCE:
        return DifCategory.A
    if abs(delta) >= LARGE_DELTA and p_delta_at_most(delta, delta_se) < SIGNIFICANCE:
        return DifCategory.C
    return DifCategory.B


def p_delta_at_most(delta: float, delta_se: float, bound: float = NEGLIGIBLE_DELTA) -> float:
    """p-value of H0: |Δ| ≤ `bound` given the estimate and its SE (Paek & Holland 2015)."""
    if not delta_se > 0:
        raise ValueError("delta_se must be positive")
    return float(stats.ncx2.sf((delta / delta_se) ** 2, df=1, nc=(bound / delta_se) ** 2))


def mantel_haenszel_dif(
    scores,
    item: int,
    groups,
    *,
    reference,
    focal,
    min_group_size: int = MIN_GROUP_SIZE,
) -> DifResult:
    """MH DIF for column `item` of a candidates × items `scores` matrix.

    The studied item must be scored 0/1 (dichotomise a partial-credit item first, e.g. full
    marks = 1); the matching total may include partial-credit items. `groups` labels each
    candidate; those labelled neither `reference` nor `focal` are left out.
    """
    matrix, labels = _scores_and_groups(scores, groups)
    if not 0 <= item < matrix.shape[1]:
        raise ValueError(f"item {item} is not a column of scores")
    return _dif(matrix, item, labels, reference, focal, min_group_size)


def dif_all_items(
    scores, groups, *, reference, focal, min_group_size: int = MIN_GROUP_SIZE
) -> list[DifResult]:
    """`mantel_haenszel_dif` for every item (every item must be scored 0/1)."""
    matrix, labels = _scores_and_groups(scores, groups)
    return [
        _dif(matrix, i, labels, reference, focal, min_group_size) for i in range(matrix.shape[1])
    ]


def _scores_and_groups(scores, groups) -> tuple[np.ndarray, np.ndarray]:
    matrix = float_matrix(scores, "scores", min_rows=2)
    labels = label_vector(groups, "groups")
    same_length(scores=matrix, groups=labels)
    return matrix, labels


def _dif(matrix, item, labels, reference, focal, min_group_size) -> DifResult:
    if reference == focal:
        raise ValueError("reference and focal must be different groups")
    studied = matrix[:, item]
    if not np.isin(studied, (0.0, 1.0)).all():
        raise ValueError(f"item {item} must be scored 0/1 for Mantel-Haenszel")
    is_reference = labels == reference
    is_focal = labels == focal
    n_reference, n_focal = int(is_reference.sum()), int(is_focal.sum())
    if min(n_reference, n_focal) < min_group_size:
        return DifResult(
            item,
            Status.TOO_FEW,
            f"too few to test: {n_reference} reference and {n_focal} focal candidates "
            f"(each group needs at least {min_group_size})",
            n_reference,
            n_focal,
        )
    keep = is_reference | is_focal
    totals = matrix[keep].sum(axis=1)
    right = studied[keep] == 1
    in_focal = is_focal[keep]
    _, stratum = np.unique(totals, return_inverse=True)
    tables = np.zeros((stratum.max() + 1, 2, 2))
    np.add.at(tables, (stratum, in_focal.astype(int), (~right).astype(int)), 1)
    mh = mantel_haenszel(tables)
    if mh.status is not Status.OK:
        return DifResult(item, mh.status, mh.reason, n_reference, n_focal, mh.n_strata)
    delta = DELTA_PER_LOG_ODDS * float(np.log(mh.common_odds_ratio))
    delta_se = abs(DELTA_PER_LOG_ODDS) * mh.log_odds_ratio_se
    return DifResult(
        item,
        Status.OK,
        "",
        n_reference,
        n_focal,
        n_strata=mh.n_strata,
        common_odds_ratio=mh.common_odds_ratio,
        chi_square=mh.chi_square,
        p_value=mh.p_value,
        delta=delta,
        delta_se=delta_se,
        p_delta_at_most_1=p_delta_at_most(delta, delta_se),
        category=ets_category(delta, delta_se, mh.p_value),
        disadvantaged=None if delta == 0 else "focal" if delta < 0 else "reference",
    )
