"""Input checks and the result vocabulary shared by the psychometrics modules."""

from __future__ import annotations

from enum import StrEnum

import numpy as np


class Status(StrEnum):
    """Whether a result carries a statistic."""

    OK = "ok"
    TOO_FEW = "too_few"
    """Too few candidates, pairs or group members for the statistic to mean anything."""
    UNDEFINED = "undefined"
    """Enough data, but the statistic does not exist for it (e.g. nobody varies)."""


def float_matrix(values, name: str, *, min_rows: int = 1) -> np.ndarray:
    """`values` as a 2-D float array with at least `min_rows` rows and one column, all finite."""
    array = _finite(values, name)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows × columns), not {array.ndim}-D")
    if array.shape[1] == 0:
        raise ValueError(f"{name} has no columns")
    if array.shape[0] == 0:
        raise ValueError(f"{name} is empty")
    if array.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows, not {array.shape[0]}")
    return array


def float_vector(values, name: str, *, min_length: int = 1) -> np.ndarray:
    """`values` as a 1-D float array of at least `min_length` finite numbers."""
    array = _finite(values, name)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, not {array.ndim}-D")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if array.size < min_length:
        raise ValueError(f"{name} needs at least {min_length} values, not {array.size}")
    return array


def label_vector(values, name: str) -> np.ndarray:
    """`values` (group or assessor labels) as a non-empty 1-D array."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, not {array.ndim}-D")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    return array


def same_length(**arrays: np.ndarray) -> int:
    """The common length of the named 1-D arrays; ValueError naming them if they differ."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name}: {length}" for name, length in lengths.items())
        raise ValueError(f"lengths differ ({listed})")
    return next(iter(lengths.values()))


def binary_vector(values, name: str) -> np.ndarray:
    """`values` as a 1-D bool array; ValueError unless every value is 0/1 or True/False."""
    array = float_vector(values, name)
    if not np.isin(array, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold only 0 and 1 (or False and True)")
    return array.astype(bool)


def _finite(values, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric ({error})") from None
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def plain(value):
    """A numpy scalar as the Python value it holds (labels from `np.unique`); others as is."""
    return value.item() if isinstance(value, np.generic) else value


def is_constant(values: np.ndarray) -> bool:
    """True if every value equals the first (zero variance, tested exactly)."""
    return bool(np.all(values == values.flat[0]))
