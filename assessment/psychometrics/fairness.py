"""Outcome rates by group, with intervals, adverse-impact ratios and small-count suppression.

For each group (e.g. age band, ethnicity), with n candidates of whom x have the outcome
(e.g. met the standard):

- rate ``p = x / n`` with the **Wilson score 95% interval** (Wilson 1927, JASA 22:209–212;
  recommended over the Wald interval by Brown, Cai & DasGupta 2001, Stat Sci 16:101–133):
  ``(p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n)``, computed by statsmodels
  `proportion_confint(method="wilson")`;
- **adverse-impact ratio** ``p_g / p_max``, where p_max is the highest rate among the groups
  shown, flagged when below `FOUR_FIFTHS` (the "four-fifths rule", US Uniform Guidelines on
  Employee Selection Procedures 1978, 29 CFR § 1607.4(D)). It is a screening rule, not a
  test: read it with the intervals.

**Suppression.** A group is suppressed — no n, count, rate, interval or ratio — when its
number with the outcome or its number without it is below `SUPPRESSION_THRESHOLD` (which
covers groups smaller than the threshold). Zero counts are suppressed too: "none of them
met" discloses every member's outcome. A suppressed group's rate never serves as p_max.
Display it with `SUPPRESSED` (the GSS symbol for confidential data). The caller must not
publish an overall total beside a single suppressed group, or its figures follow by
subtraction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from statsmodels.stats.proportion import proportion_confint

from ._common import binary_vector, label_vector, plain, same_length

SUPPRESSION_THRESHOLD = 5
FOUR_FIFTHS = 0.8
CONFIDENCE = 0.95
SUPPRESSED = "[c]"
_ROUNDING = 1e-12  # (30/50) / (45/60) is 4/5 exactly, but not in floating point


@dataclass(frozen=True)
class GroupOutcome:
    group: object
    suppressed: bool
    n: int | None = None
    count: int | None = None
    """Number with the outcome."""
    rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    impact_ratio: float | None = None
    """rate / highest unsuppressed rate."""
    adverse_impact: bool | None = None
    """impact_ratio below the four-fifths threshold."""


def outcome_rates(
    groups,
    outcomes,
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    impact_threshold: float = FOUR_FIFTHS,
    confidence: float = CONFIDENCE,
) -> list[GroupOutcome]:
    """Outcome rate of each group (sorted by group) with its Wilson interval, adverse-impact
    ratio and suppression (module docstring). `outcomes`: 0/1 or bool, one per candidate."""
    labels = label_vector(groups, "groups")
    achieved = binary_vector(outcomes, "outcomes")
    same_length(groups=labels, outcomes=achieved)
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if not 0 < impact_threshold <= 1:
        raise ValueError("impact_threshold must be in (0, 1]")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")

    tallies = []
    for group in np.unique(labels):
        members = labels == group
        n = int(members.sum())
        count = int(achieved[members].sum())
        tallies.append((plain(group), n, count, min(count, n - count) < threshold))
    shown = [count / n for _, n, count, suppressed in tallies if not suppressed]
    highest = max(shown) if shown else None

    results = []
    for group, n, count, suppressed in tallies:
        if suppressed:
            results.append(GroupOutcome(group, suppressed=True))
            continue
        low, high = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
        ratio = (count / n) / highest
        results.append(
            GroupOutcome(
                group,
                suppressed=False,
                n=n,
                count=count,
                rate=count / n,
                ci_low=float(low),
                ci_high=float(high),
                impact_ratio=ratio,
                adverse_impact=ratio < impact_threshold - _ROUNDING,
            )
        )
    return results
