"""Double-marking agreement and assessor stringency for the simulated-practice marks.

Each task is marked blind by two assessors on the ordinal scale 1–4 (`MARK_SCALE`), per KSS
area. For the paired marks of one area:

- **quadratic-weighted Cohen's kappa** (Cohen 1968, Psychol Bull 70:213–220; Fleiss & Cohen
  1973, Educ Psychol Meas 33:613–619): ``κ_w = 1 − Σ w_ij·p_ij / Σ w_ij·p_i.·p_.j`` with
  disagreement weights ``w_ij = (i − j)² / (k − 1)²`` over the whole scale (so an unused
  category still counts in the distances), computed by statsmodels
  `stats.inter_rater.cohens_kappa`. It equals the ``weighted.kappa`` of R's
  ``psych::cohen.kappa``, whose default weights are quadratic. Undefined (None) when both
  markers gave every script the same single mark (no expected disagreement);
- **Krippendorff's alpha, ordinal** (Krippendorff 2011, "Computing Krippendorff's
  alpha-reliability", Annenberg School for Communication, Departmental Papers 43; Hayes &
  Krippendorff 2007, Commun Methods Meas 1:77–89): ``α = 1 − D_o / D_e`` from the coincidence
  matrix with ordinal distances, computed by the `krippendorff` package over the value domain
  `MARK_SCALE`. Undefined when every mark is the same;
- **exact agreement** (share of pairs with equal marks) and **adjacent agreement** (share
  with ``|first − second| ≤ 1``).

Fewer than `MIN_AGREEMENT_PAIRS` pairs: "too few".

**Assessor stringency.** For each assessor, the signed differences d = own mark − comparison
mark, where the comparison is the co-marker's mark of the same task (`co_marker_differences`
builds these from the double-marking pairs, one row per assessor per pair) or the final agreed
mark. Mean d with its 95% t-interval ``d̄ ± t(0.975; n − 1) · s / √n`` (statsmodels
`DescrStatsW.tconfint_mean`). The assessor is flagged **lenient** if the whole interval lies
above `+STRINGENCY_MARGIN` and **harsh** if it lies below `−STRINGENCY_MARGIN`; an assessor
with fewer than `MIN_STRINGENCY_PAIRS` differences is "too few" and never flagged. The interval
treats the differences as independent: pass one difference per task (not one per area of the
same task, which are correlated) or the interval will be too narrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import krippendorff
import numpy as np
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.weightstats import DescrStatsW

from ._common import Status, float_matrix, float_vector, label_vector, plain, same_length

MARK_SCALE = (1, 2, 3, 4)
MIN_AGREEMENT_PAIRS = 10
STRINGENCY_MARGIN = 0.25
"""Marks: an assessor is flagged when their 95% interval lies wholly beyond ± this."""
MIN_STRINGENCY_PAIRS = 10
CONFIDENCE = 0.95


class Stringency(StrEnum):
    LENIENT = "lenient"
    HARSH = "harsh"


@dataclass(frozen=True)
class Agreement:
    status: Status
    reason: str
    n_pairs: int
    weighted_kappa: float | None = None
    weighted_kappa_reason: str = ""
    krippendorff_alpha: float | None = None
    krippendorff_alpha_reason: str = ""
    exact: float | None = None
    adjacent: float | None = None


@dataclass(frozen=True)
class AssessorStringency:
    assessor: object
    status: Status
    reason: str
    n_pairs: int
    mean_difference: float | None = None
    sd: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    flag: Stringency | None = None


def marker_agreement(
    first, second, *, categories=MARK_SCALE, min_pairs: int = MIN_AGREEMENT_PAIRS
) -> Agreement:
    """Agreement between first and second marks of the same tasks (module docstring)."""
    scale = _scale(categories)
    a = _marks(first, "first", scale)
    b = _marks(second, "second", scale)
    n = same_length(first=a, second=b)
    if n < min_pairs:
        return Agreement(
            Status.TOO_FEW, f"too few pairs: {n} (at least {min_pairs} needed)", n_pairs=n
        )
    table = np.zeros((len(scale), len(scale)))
    index = {value: i for i, value in enumerate(scale)}
    np.add.at(table, ([index[v] for v in a], [index[v] for v in b]), 1)
    kappa = weighted_kappa_table(table, scale=scale)
    alpha = ordinal_alpha(np.vstack([a, b]), categories=scale)
    difference = np.abs(a - b)
    return Agreement(
        Status.OK,
        "",
        n_pairs=n,
        weighted_kappa=kappa,
        weighted_kappa_reason="" if kappa is not None else "both markers gave one mark only",
        krippendorff_alpha=alpha,
        krippendorff_alpha_reason="" if alpha is not None else "every mark is the same",
        exact=float(np.mean(difference == 0)),
        adjacent=float(np.mean(difference <= 1)),
    )


def weighted_kappa_table(table, disagreement_weights=None, *, scale=None) -> float | None:
    """Weighted kappa for a k × k table of counts or proportions (rows first marker).

    Default weights are quadratic in the category values `scale` (default 0..k−1, i.e.
    equally spaced). `disagreement_weights` may instead be a k × k matrix (0 on the
    diagonal), as in Cohen (1968). None when the expected weighted disagreement is 0.
    """
    counts = float_matrix(table, "table")
    k = counts.shape[0]
    if counts.shape != (k, k) or k < 2:
        raise ValueError("table must be square with at least two categories")
    if (counts < 0).any() or counts.sum() <= 0:
        raise ValueError("table must hold non-negative counts, not all zero")
    if disagreement_weights is None:
        values = np.arange(k, dtype=float) if scale is None else float_vector(scale, "scale")
        if values.size != k:
            raise ValueError(f"scale has {values.size} values for {k} categories")
        weights = (values[:, None] - values[None, :]) ** 2
    else:
        weights = float_matrix(disagreement_weights, "disagreement_weights")
        if weights.shape != (k, k):
            raise ValueError("disagreement_weights must have the table's shape")
    proportions = counts / counts.sum()
    expected = np.outer(proportions.sum(axis=1), proportions.sum(axis=0))
    if not (weights * expected).sum() > 0:
        return None
    return float(cohens_kappa(counts, weights=weights, return_results=False))


def ordinal_alpha(reliability_data, *, categories=None) -> float | None:
    """Krippendorff's ordinal alpha for a coders × units array (NaN where a coder did not
    mark a unit), over the value domain `categories` (default: the values present). None
    when fewer than two distinct values are pairable (no expected disagreement)."""
    data = np.asarray(reliability_data, dtype=float)
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] == 0:
        raise ValueError("reliability_data must be coders × units with at least two coders")
    if np.isinf(data).any():
        raise ValueError("reliability_data contains infinite values")
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    if pairable.size == 0:
        raise ValueError("no unit was marked by two or more coders")
    present = np.unique(pairable[~np.isnan(pairable)])
    domain = present if categories is None else np.asarray(_scale(categories), dtype=float)
    if not np.isin(present, domain).all():
        raise ValueError("reliability_data holds values outside the categories")
    if present.size < 2:
        return None
    return float(
        krippendorff.alpha(
            reliability_data=data, value_domain=domain, level_of_measurement="ordinal"
        )
    )


def co_marker_differences(first_assessor, first_mark, second_assessor, second_mark):
    """(assessors, marks, comparison_marks) for `assessor_stringency` from double-marking
    pairs: each pair gives one row for each of its two assessors, compared with the other."""
    first_who = label_vector(first_assessor, "first_assessor")
    second_who = label_vector(second_assessor, "second_assessor")
    a = float_vector(first_mark, "first_mark")
    b = float_vector(second_mark, "second_mark")
    same_length(first_assessor=first_who, first_mark=a, second_assessor=second_who, second_mark=b)
    if (first_who == second_who).any():
        raise ValueError("an assessor cannot be their own co-marker")
    return (
        np.concatenate([first_who, second_who]),
        np.concatenate([a, b]),
        np.concatenate([b, a]),
    )


def assessor_stringency(
    assessors,
    marks,
    comparison_marks,
    *,
    margin: float = STRINGENCY_MARGIN,
    min_pairs: int = MIN_STRINGENCY_PAIRS,
    confidence: float = CONFIDENCE,
) -> list[AssessorStringency]:
    """Mean signed difference of each assessor's marks from the comparison marks, with its
    t-interval and lenient/harsh flag (module docstring). Sorted by assessor."""
    who = label_vector(assessors, "assessors")
    own = float_vector(marks, "marks")
    other = float_vector(comparison_marks, "comparison_marks")
    same_length(assessors=who, marks=own, comparison_marks=other)
    if margin < 0:
        raise ValueError("margin must not be negative")
    if min_pairs < 2:
        raise ValueError("min_pairs must be at least 2 for a t-interval")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    results = []
    for assessor in np.unique(who):
        differences = own[who == assessor] - other[who == assessor]
        n = differences.size
        if n < min_pairs:
            results.append(
                AssessorStringency(
                    plain(assessor),
                    Status.TOO_FEW,
                    f"too few marks to judge: {n} (at least {min_pairs} needed)",
                    n_pairs=n,
                )
            )
            continue
        described = DescrStatsW(differences)
        low, high = described.tconfint_mean(alpha=1 - confidence)
        flag = None
        if low > margin:
            flag = Stringency.LENIENT
        elif high < -margin:
            flag = Stringency.HARSH
        results.append(
            AssessorStringency(
                plain(assessor),
                Status.OK,
                "",
                n_pairs=n,
                mean_difference=float(described.mean),
                sd=float(differences.std(ddof=1)),
                ci_low=float(low),
                ci_high=float(high),
                flag=flag,
            )
        )
    return results


def _scale(categories) -> tuple[float, ...]:
    values = float_vector(categories, "categories", min_length=2)
    if np.unique(values).size != values.size or not (np.diff(values) > 0).all():
        raise ValueError("categories must be distinct and in increasing order")
    return tuple(values.tolist())


def _marks(values, name: str, scale) -> np.ndarray:
    marks = float_vector(values, name)
    if not np.isin(marks, scale).all():
        raise ValueError(f"{name} holds marks outside the scale {scale}")
    return marks
