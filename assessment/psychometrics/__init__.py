"""The statistics behind defensible outcomes: pure functions on numpy arrays.

Nothing here touches Django models or the database; the service layer gathers the numbers and
calls these functions.

- `items`: test and item statistics for a candidates × items score matrix (KR-20 / Cronbach's
  alpha, SEM, facility, item–rest correlation, upper–lower discrimination, distractors, flags).
- `dif`: Mantel–Haenszel differential item functioning with the ETS A/B/C classification.
- `agreement`: double-marking agreement (quadratic-weighted kappa, Krippendorff's ordinal
  alpha, exact and adjacent agreement) and assessor stringency.
- `standard_setting`: modified Angoff and borderline-regression cut scores.
- `fairness`: outcome rates by group with Wilson intervals, adverse-impact ratios and
  suppression of small counts.
- `simulation`: seeded simulated data (2PL item responses with planted DIF, double marking with
  lenient and harsh assessors) for tests, demos and seeds.

Conventions shared by every module (see `_common`):

- malformed input (empty, mismatched shapes, values out of range, NaN, a single candidate)
  raises `ValueError` with a message naming the argument;
- a statistic that the data cannot support (too few candidates, pairs or group members) comes
  back with `status` `Status.TOO_FEW` and a `reason`; one that is mathematically undefined
  (zero variance, an infinite odds ratio) comes back as `None` with a reason — never NaN.
"""
