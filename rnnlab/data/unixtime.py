"""Unix time stamps: numbers of seconds or milliseconds since 1970 that loggers and databases export.

A number column is read as Unix time only when both hold:

- every value lies in a plausible range (the years 1980 to 2100: 315,532,800 to 4,102,444,800 seconds,
  or the same in milliseconds), so years such as 1990 … 2030 and small counters never qualify;
- the stamps are evenly spaced: at least 90 % of the gaps between consecutive stamps (inside each
  sequence, in time order) are a whole number of steps, within a tenth of a step, so a missing step,
  a month of 28 to 31 days or a leap year still counts, and a column of 10-digit ids does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_SECOND = 315_532_800, 4_102_444_800  # 1980-01-01 … 2100-01-01 in seconds since 1970
UNITS = {
    "seconds": (_SECOND, 1_000_000_000),
    "milliseconds": ((_SECOND[0] * 1000, _SECOND[1] * 1000), 1_000_000),
}
REGULAR_SHARE = 0.9  # share of gaps that must be whole steps
STEP_TOLERANCE = 0.1  # of a step


def unix_unit(values: pd.Series | np.ndarray) -> str | None:
    """``"seconds"`` or ``"milliseconds"`` when every value is a finite number in that unit's range, else ``None``.

    Example:
        >>> unix_unit(np.array([1609459200, 1609462800, 1609466400])), unix_unit(np.array([1990, 2000, 2030]))
        ('seconds', None)
    """
    series = pd.Series(values)
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return None
    numbers = series.to_numpy(dtype=np.float64)
    if len(numbers) < 3 or not np.all(np.isfinite(numbers)):
        return None
    low, high = float(numbers.min()), float(numbers.max())
    for unit, ((start, end), _) in UNITS.items():
        if start <= low and high < end:
            return unit
    return None


def is_regular(stamps: np.ndarray, groups: np.ndarray | None = None) -> bool:
    """Whether the sorted stamps (inside each group) step by whole multiples of their median gap.

    Example:
        >>> is_regular(np.array([0.0, 3600, 7200, 14400])), is_regular(np.array([0.0, 5, 7, 40, 41, 90]))
        (True, False)
    """
    stamps = np.asarray(stamps, dtype=np.float64)
    if groups is None:
        gaps = np.diff(np.unique(stamps))
    else:
        order = np.lexsort((stamps, groups))
        ordered, codes = stamps[order], np.asarray(groups)[order]
        gaps = np.diff(ordered)[codes[1:] == codes[:-1]]
    gaps = gaps[gaps > 0]
    if len(gaps) < 2:
        return False
    steps = gaps / np.median(gaps)
    whole = np.round(steps)
    near = (whole >= 1) & (np.abs(steps - whole) <= STEP_TOLERANCE)
    return bool(near.mean() >= REGULAR_SHARE)


def unix_times(values: pd.Series, groups: np.ndarray | None = None) -> tuple[np.ndarray, str] | None:
    """``(datetime64[ns] stamps in UTC, unit)`` when ``values`` are evenly spaced Unix time, else ``None``.

    Args:
        values: A number column.
        groups: Sequence number per row (a long file), so spacing is judged inside each sequence.

    Example:
        >>> stamps, unit = unix_times(pd.Series([1609459200, 1609462800, 1609466400]))
        >>> unit, str(stamps[1])
        ('seconds', '2021-01-01T01:00:00.000000000')
    """
    unit = unix_unit(values)
    if unit is None:
        return None
    numbers = values.to_numpy(dtype=np.float64)
    if not is_regular(numbers, groups):
        return None
    nanoseconds = np.round(numbers * UNITS[unit][1]).astype(np.int64)
    return nanoseconds.astype("datetime64[ns]"), unit
