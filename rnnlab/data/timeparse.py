"""Time columns: parse dates (one column or split over year/month/day/hour), infer the sampling frequency."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from rnnlab.data.dataset import DataError

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.I)
# (name, typical step in days, tolerance in days)
FREQUENCIES = [
    ("hourly", 1 / 24, 0.2 / 24),
    ("daily", 1.0, 0.2),
    ("weekly", 7.0, 0.6),
    ("monthly", 30.4, 3.5),
    ("quarterly", 91.3, 4.0),
    ("yearly", 365.25, 5.0),
]


def parse_times(values: pd.Series, first_line: int = 2) -> np.ndarray:
    """Time stamps of a column: numbers stay numbers; text becomes ``datetime64[ns]``.

    Args:
        values: The column.
        first_line: File line of the column's first row, for the error message.

    Returns:
        ``(n,)`` float64 or ``datetime64[ns]`` array.

    Raises:
        DataError: a value that is not a date or a number, naming its line.

    Example:
        >>> parse_times(pd.Series(["1959Q1", "1959Q2"])).astype(str).tolist()
        ['1959-01-01T00:00:00.000000000', '1959-04-01T00:00:00.000000000']
    """
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.to_numpy(dtype=np.float64)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.to_numpy(dtype="datetime64[ns]")
    text = values.astype(str)
    too_long = (text.str.len() > 64).to_numpy()
    if too_long.any():
        row = int(np.flatnonzero(too_long)[0])
        raise DataError(
            f"Time column {values.name!r} must hold dates or numbers. Received: a "
            f"{len(text.iloc[row])}-character value on line {row + first_line}"
        )
    quarters = text.str.extract(_QUARTER)
    if quarters.notna().all().all():
        months = (quarters[1].astype(int) - 1) * 3 + 1
        parsed = pd.to_datetime({"year": quarters[0].astype(int), "month": months, "day": 1})
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                parsed = pd.to_datetime(text, errors="coerce")
            except (ValueError, TypeError, OverflowError):
                parsed = pd.Series(pd.NaT, index=values.index)
            if parsed.isna().any():
                parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    bad = parsed.isna().to_numpy() & values.notna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"Time column {values.name!r} must hold dates or numbers. Received: {values.iloc[row]!r} "
            f"on line {row + first_line}"
        )
    return parsed.to_numpy(dtype="datetime64[ns]")


def combine_date_parts(frame: pd.DataFrame, parts: list[str]) -> np.ndarray:
    """One ``datetime64[ns]`` per row from year/quarter/month/day/hour columns.

    Example:
        >>> df = pd.DataFrame({"year": [2020, 2020], "month": [1, 2]})
        >>> combine_date_parts(df, ["year", "month"]).astype(str).tolist()
        ['2020-01-01T00:00:00.000000000', '2020-02-01T00:00:00.000000000']
    """
    lower = {p.lower(): p for p in parts}
    fields = {"year": frame[lower["year"]]}
    if "month" in lower:
        fields["month"] = frame[lower["month"]]
    else:
        fields["month"] = (frame[lower["quarter"]] - 1) * 3 + 1
    fields["day"] = frame[lower["day"]] if "day" in lower else 1
    if "hour" in lower:
        fields["hour"] = frame[lower["hour"]]
    try:
        stamps = pd.to_datetime(pd.DataFrame(fields), errors="raise")
    except (ValueError, TypeError, OverflowError) as err:
        raise DataError(f"Columns {', '.join(parts)} must form valid dates. Received: {err}") from None
    return stamps.to_numpy(dtype="datetime64[ns]")


def infer_frequency(times: np.ndarray | None) -> str | None:
    """``"hourly"``, ``"daily"``, ``"weekly"``, ``"monthly"``, ``"quarterly"``, ``"yearly"`` or ``None``.

    Uses the median gap between consecutive time stamps, so a few missing steps do not matter.

    Example:
        >>> infer_frequency(np.array(["2020-01-01", "2020-02-01", "2020-03-01"], dtype="datetime64[ns]"))
        'monthly'
    """
    if times is None or len(times) < 2 or not np.issubdtype(np.asarray(times).dtype, np.datetime64):
        return None
    gaps = np.diff(np.asarray(times, dtype="datetime64[ns]")).astype(np.int64) / 86_400e9
    gaps = gaps[gaps > 0]
    if len(gaps) == 0:
        return None
    step = float(np.median(gaps))
    for name, days, tolerance in FREQUENCIES:
        if abs(step - days) <= tolerance:
            return name
    return None
