"""Missing values inside sequences: count them and fill them, vectorised over all sequences at once.

Sequences are stored back to back in one ``(n_rows, n_features)`` array with a
``group`` id per row (non-decreasing); no fill ever crosses from one sequence
into the next.
"""

from __future__ import annotations

import numpy as np

FILLS = ("interpolate", "ffill", "drop")


def fill_gaps(
    values: np.ndarray, group: np.ndarray, method: str = "interpolate"
) -> tuple[np.ndarray, int, int]:
    """Fill NaNs in ``values`` within each group.

    ``interpolate`` draws a straight line between the neighbouring known steps
    and holds the first/last known value at the edges; ``ffill`` repeats the
    previous known value (the first known one at the start). A feature with no
    value at all in a sequence gets that feature's mean over the whole file.

    Args:
        values: ``(n_rows, n_features)`` float array; filled in place.
        group: ``(n_rows,)`` sequence number of each row, non-decreasing.
        method: ``"interpolate"`` or ``"ffill"``.

    Returns:
        ``(values, n_filled, n_from_mean)``.

    Example:
        >>> v = np.array([[1.0], [np.nan], [3.0], [np.nan], [5.0]])
        >>> fill_gaps(v, np.array([0, 0, 0, 1, 1]))[0].ravel().tolist()
        [1.0, 2.0, 3.0, 5.0, 5.0]
    """
    if method not in FILLS[:2]:
        raise ValueError(f"`method` must be one of {FILLS[:2]}. Received: method={method!r}")
    missing = np.isnan(values)
    n_filled = int(missing.sum())
    n_from_mean = 0
    if n_filled == 0:
        return values, 0, 0
    n = len(values)
    pos = np.arange(n)
    for j in np.flatnonzero(missing.any(axis=0)):
        column = values[:, j]
        known = ~missing[:, j]
        prev = np.maximum.accumulate(np.where(known, pos, -1))
        nxt = np.minimum.accumulate(np.where(known, pos, n)[::-1])[::-1]
        prev_ok = (prev >= 0) & (group[np.clip(prev, 0, n - 1)] == group) & ~known
        next_ok = (nxt < n) & (group[np.clip(nxt, 0, n - 1)] == group) & ~known
        source = column.copy()
        if method == "interpolate":
            both = prev_ok & next_ok
            weight = (pos[both] - prev[both]) / (nxt[both] - prev[both])
            column[both] = source[prev[both]] + weight * (source[nxt[both]] - source[prev[both]])
            column[prev_ok & ~next_ok] = source[prev[prev_ok & ~next_ok]]
        else:
            column[prev_ok] = source[prev[prev_ok]]
        only_next = next_ok & ~prev_ok
        column[only_next] = source[nxt[only_next]]
        still = np.isnan(column)
        if still.any():
            mean = float(np.nanmean(source)) if known.any() else 0.0
            column[still] = mean
            n_from_mean += int(still.sum())
    return values, n_filled, n_from_mean


def drop_gaps(values: np.ndarray) -> np.ndarray:
    """Boolean ``(n_rows,)`` mask of the rows to keep: those with no missing feature."""
    return ~np.isnan(values).any(axis=1)
