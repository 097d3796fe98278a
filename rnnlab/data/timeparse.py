"""Time columns: parse dates (one column or split over year/month/day/hour), infer the sampling frequency."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from rnnlab.data.dataset import DataError

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*Q([1-4])\s*$", re.I)
_QUARTER_FIRST = re.compile(r"^\s*Q([1-4])\s*[-/ ]?\s*(\d{4})\s*$", re.I)
_YEAR_INDEX_MONTH = re.compile(r"^\s*(\d{1,3})\s*-\s*(\d{1,2})\s*$")
PLAUSIBLE_YEARS = (1000, 2300)
# (name, typical step in days, tolerance in days)
FREQUENCIES = [
    ("hourly", 1 / 24, 0.2 / 24),
    ("daily", 1.0, 0.2),
    ("weekly", 7.0, 0.6),
    ("monthly", 30.4, 3.5),
    ("quarterly", 91.3, 4.0),
    ("yearly", 365.25, 5.0),
]


class ImplausibleTimes(DataError):
    """Text that parses as dates, but in years no recent data has (``1-01`` read as year 1)."""


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
    months = year_index_months(text)
    if months is not None:
        return months
    quarters = text.str.extract(_QUARTER)
    if not quarters.notna().all().all():
        swapped = text.str.extract(_QUARTER_FIRST)
        if swapped.notna().all().all():
            quarters = swapped[[1, 0]].set_axis([0, 1], axis=1)
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
    if not bad.any() and parsed.notna().any():
        years = parsed.dt.year
        low, high = PLAUSIBLE_YEARS
        if years.min() < low or years.max() > high:
            raise ImplausibleTimes(
                f"Time column {values.name!r} must hold dates between the years {low} and {high}. Received: "
                f"{values.iloc[int(np.argmin(years.to_numpy()))]!r} (year {years.min()})"
            )
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"Time column {values.name!r} must hold dates or numbers. Received: {values.iloc[row]!r} "
            f"on line {row + first_line}"
        )
    return parsed.to_numpy(dtype="datetime64[ns]")


def year_index_months(text: pd.Series) -> np.ndarray | None:
    """``1-01`` … ``3-12`` (a small year index, then the month) as month numbers 0, 1, …, else ``None``.

    Example:
        >>> year_index_months(pd.Series(["1-01", "1-02", "2-01"])).tolist()
        [0.0, 1.0, 12.0]
    """
    parts = text.astype(str).str.extract(_YEAR_INDEX_MONTH)
    if len(parts) == 0 or not parts.notna().all().all():
        return None
    year, month = parts[0].astype(int).to_numpy(), parts[1].astype(int).to_numpy()
    if month.min() < 1 or month.max() > 12 or year.max() >= 1000:
        return None
    return ((year - year.min()) * 12 + month - 1).astype(np.float64)


def read_time(values: pd.Series, first_line: int, notes: list[str]) -> tuple[np.ndarray, str | None]:
    """Time stamps that make sense, or ordinal steps with a note saying why; and the frequency.

    ``1-01`` … ``3-12`` become month numbers (frequency monthly). Dates outside the years 1000-2300,
    or dates at irregular gaps with no usual frequency, become ordinal steps 0, 1, 2, … (file order
    for the former, time order for the latter), never dates in the 1700s for recent data.

    Returns:
        ``(times, frequency)``: float steps or ``datetime64[ns]``, and ``"monthly"``/``"daily"``/… or ``None``.
    """
    if not pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        months = year_index_months(values.dropna().astype(str))
        if months is not None and not values.isna().any():
            notes.append(
                f"Time column {values.name!r} holds a year index and a month ({values.iloc[0]} … "
                f"{values.iloc[-1]}); it was read as month numbers 0 … {int(months.max())}."
            )
            return months, "monthly"
    try:
        times = parse_times(values, first_line)
    except ImplausibleTimes as err:
        notes.append(f"{err}: not plausible, so the rows are used in file order as steps 0, 1, 2, …")
        return np.arange(len(values), dtype=np.float64), None
    if times.dtype.kind != "M" or len(times) < 2:
        return times, None
    frequency = infer_frequency(np.unique(times))
    gaps = np.diff(np.unique(times)).astype(np.int64)
    if frequency is None and len(gaps) >= 3 and gaps.std() > gaps.mean():
        notes.append(
            f"Time column {values.name!r} has irregular gaps (no hourly, daily, weekly, monthly, quarterly or "
            "yearly rhythm); the rows are sorted by it and numbered as steps 0, 1, 2, …"
        )
        order = np.argsort(times, kind="stable")
        ranks = np.empty(len(times), dtype=np.float64)
        ranks[order] = np.arange(len(times))
        return ranks, None
    return times, frequency


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
