"""Per-feature standardisation fitted on the training split's real steps only.

Fitting on all data would leak the test split's mean and spread into training;
fitting on padded steps would bend the mean towards the pad value.
"""

from __future__ import annotations

import numpy as np


def fit_standardizer(values: np.ndarray, real: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the last axis over the real entries.

    ``mean = Σ x / n``, ``std = sqrt(Σ (x - mean)² / n)`` per column; a zero or
    undefined std becomes 1 so that constant columns stay finite.

    Args:
        values: ``(..., n_columns)`` array (e.g. ``(n, T, F)``), or ``(n,)`` for one column.
        real: Boolean mask of the leading axes (``values.shape[:-1]``, e.g. ``(n, T)``); ``None`` = all real.
            NaN entries are never counted.

    Returns:
        ``(mean, std)``, each of shape ``(n_columns,)``.

    Example:
        >>> m, s = fit_standardizer(np.array([[[1.0], [3.0], [99.0]]]), np.array([[True, True, False]]))
        >>> m.tolist(), s.tolist()
        ([2.0], [1.0])
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    cols = values.shape[-1]
    flat = values[np.asarray(real, dtype=bool)] if real is not None else values.reshape(-1, cols)
    mean = np.zeros(cols)
    std = np.ones(cols)
    for j in range(cols):
        col = flat[:, j]
        col = col[np.isfinite(col)]
        if col.size:
            mean[j] = col.mean()
            sd = col.std()
            std[j] = sd if sd > 0 else 1.0
    return mean, std


def standardize(values: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``(x - mean) / std`` over the last axis (a single column broadcasts over any shape).

    Example:
        >>> standardize(np.array([1.0, 3.0]), np.array([2.0]), np.array([1.0])).tolist()
        [-1.0, 1.0]
    """
    values = np.asarray(values, dtype=np.float64)
    return (values - mean) / std if len(mean) > 1 else (values - mean[0]) / std[0]


def unstandardize(values: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``x * std + mean`` — the inverse of :func:`standardize`.

    Example:
        >>> unstandardize(np.array([-1.0, 1.0]), np.array([2.0]), np.array([1.0])).tolist()
        [1.0, 3.0]
    """
    values = np.asarray(values, dtype=np.float64)
    return values * std + mean if len(mean) > 1 else values * std[0] + mean[0]
