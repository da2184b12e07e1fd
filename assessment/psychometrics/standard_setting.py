"""Cut scores: modified Angoff for the knowledge test, borderline regression for practice.

**Modified Angoff** (Angoff 1971, in Thorndike (ed), *Educational Measurement*, 2nd ed.,
508–600; Cizek & Bunch 2007, *Standard Setting*, ch. 6). Each of J judges rates each item
with the probability (0–1) that a just-competent ("borderline") social worker answers it
correctly — for a partial-credit item, the expected share of its maximum score. Judge j's
cut is ``T_j = Σ_i r_ji · max_i`` raw marks; the panel's cut is the mean of the T_j (the same
as summing the mean rating of each item), with the spread across judges
``SD = sd(T_j)`` (divisor J − 1) and ``SE = SD / √J``. The measurement-error adjusted cut is
``cut + k · SEM`` with the test's SEM (see `items`) and k = 1 by default (the one-SEM
adjustment the GMC applies to PLAB pass marks). At least `MIN_JUDGES` judges are required (Cizek & Bunch recommend more); the adjusted
cut is not capped at the maximum mark, so a cut no candidate can reach is visible.

**Borderline regression** (Kramer et al. 2003, Med Educ 37:132–139; Pell et al. 2010, Med
Teach 32:802–811; the GMC's PLAB 2 stations). For one KSS area, each candidate's mark is
regressed on the assessor's global judgement coded 0 = not met, 1 = borderline, 2 = met,
3 = exceeds (`GlobalGrade`) by ordinary least squares (statsmodels `OLS`):
``mark = β0 + β1 · grade``; the cut is the predicted mark at "borderline",
``β0 + β1 · 1``, reported with R² and n. Fewer than `MIN_REGRESSION_CANDIDATES` candidates
is "too few"; all candidates with the same grade leaves the slope undefined.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import statsmodels.api as sm

from ._common import Status, float_matrix, float_vector, is_constant, same_length

MIN_JUDGES = 5
DEFAULT_SEM_MULTIPLIER = 1.0
MIN_REGRESSION_CANDIDATES = 30


class GlobalGrade(IntEnum):
    NOT_MET = 0
    BORDERLINE = 1
    MET = 2
    EXCEEDS = 3


@dataclass(frozen=True)
class AngoffCut:
    n_judges: int
    n_items: int
    max_total: float
    cut_score: float
    """Raw marks."""
    cut_proportion: float
    judge_totals: tuple[float, ...]
    judge_sd: float
    judge_se: float
    sem: float | None
    sem_multiplier: float
    adjusted_cut: float | None
    """cut_score + sem_multiplier · sem (None without a SEM)."""


@dataclass(frozen=True)
class BorderlineRegressionCut:
    status: Status
    reason: str
    n: int
    intercept: float | None = None
    slope: float | None = None
    r_squared: float | None = None
    r_squared_reason: str = ""
    cut_score: float | None = None
    adjusted_cut: float | None = None


def angoff_cut_score(
    ratings,
    max_scores=None,
    *,
    sem: float | None = None,
    sem_multiplier: float = DEFAULT_SEM_MULTIPLIER,
    min_judges: int = MIN_JUDGES,
) -> AngoffCut:
    """Modified-Angoff cut from a judges × items matrix of ratings in 0–1 (module docstring).

    `max_scores`: each item's maximum mark (default 1). `sem`: the test's SEM, for the
    adjusted cut.
    """
    matrix = float_matrix(ratings, "ratings")
    if (matrix < 0).any() or (matrix > 1).any():
        raise ValueError("every rating must be a probability between 0 and 1")
    n_judges, n_items = matrix.shape
    if n_judges < min_judges:
        raise ValueError(f"an Angoff panel needs at least {min_judges} judges, not {n_judges}")
    maxima = np.ones(n_items) if max_scores is None else float_vector(max_scores, "max_scores")
    if maxima.size != n_items:
        raise ValueError(f"max_scores has {maxima.size} values for {n_items} items")
    if (maxima <= 0).any():
        raise ValueError("every item's max score must be positive")
    adjusted = _adjusted(sem, sem_multiplier)
    totals = matrix @ maxima
    cut = float(totals.mean())
    sd = float(totals.std(ddof=1))
    return AngoffCut(
        n_judges=n_judges,
        n_items=n_items,
        max_total=float(maxima.sum()),
        cut_score=cut,
        cut_proportion=cut / float(maxima.sum()),
        judge_totals=tuple(totals.tolist()),
        judge_sd=sd,
        judge_se=sd / float(np.sqrt(n_judges)),
        sem=sem,
        sem_multiplier=sem_multiplier,
        adjusted_cut=adjusted(cut),
    )


def borderline_regression(
    marks,
    grades,
    *,
    borderline: int = GlobalGrade.BORDERLINE,
    min_candidates: int = MIN_REGRESSION_CANDIDATES,
    sem: float | None = None,
    sem_multiplier: float = DEFAULT_SEM_MULTIPLIER,
) -> BorderlineRegressionCut:
    """Borderline-regression cut for one area: predicted mark at the borderline grade."""
    y = float_vector(marks, "marks")
    x = float_vector(grades, "grades")
    n = same_length(marks=y, grades=x)
    allowed = [int(grade) for grade in GlobalGrade]
    if not np.isin(x, allowed).all():
        raise ValueError(f"grades must be whole numbers in {allowed}")
    if borderline not in allowed:
        raise ValueError(f"borderline must be one of {allowed}")
    adjusted = _adjusted(sem, sem_multiplier)
    if n < min_candidates:
        return BorderlineRegressionCut(
            Status.TOO_FEW, f"too few candidates: {n} (at least {min_candidates} needed)", n
        )
    if is_constant(x):
        return BorderlineRegressionCut(
            Status.UNDEFINED, "every candidate has the same global grade: no slope", n
        )
    if is_constant(y):
        # OLS would divide 0 by 0 for R²; the fitted line is flat at the common mark.
        return BorderlineRegressionCut(
            Status.OK,
            "",
            n,
            intercept=float(y[0]),
            slope=0.0,
            r_squared=None,
            r_squared_reason="every candidate has the same mark",
            cut_score=float(y[0]),
            adjusted_cut=adjusted(float(y[0])),
        )
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    intercept, slope = (float(value) for value in fit.params)
    cut = intercept + slope * borderline
    return BorderlineRegressionCut(
        Status.OK,
        "",
        n,
        intercept=intercept,
        slope=slope,
        r_squared=float(fit.rsquared),
        cut_score=cut,
        adjusted_cut=adjusted(cut),
    )


def _adjusted(sem: float | None, multiplier: float):
    if sem is not None and (not np.isfinite(sem) or sem < 0):
        raise ValueError("sem must be a non-negative number")
    if not np.isfinite(multiplier):
        raise ValueError("sem_multiplier must be a number")
    return lambda cut: None if sem is None else cut + multiplier * sem
