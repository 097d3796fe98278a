"""Time columns: parse dates (one column, split over year/month/day/hour, or a date and a clock column),
infer the sampling frequency.

Exported time stamps are read as people meant them: Unix seconds and milliseconds
(:mod:`rnnlab.data.unixtime`), ISO date-times with a zone (converted to UTC), day-first dates
(``16/12/2006``, ``01.02.2021``), and a date column beside a clock column (``Date;Time``) joined into
one stamp; each with a note.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from rnnlab.data import unixtime
from rnnlab.data.dataset import DataError

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*Q([1-4])\s*$", re.I)
_QUARTER_FIRST = re.compile(r"^\s*Q([1-4])\s*[-/ ]?\s*(\d{4})\s*$", re.I)
_YEAR_INDEX_MONTH = re.compile(r"^\s*(\d{1,3})\s*-\s*(\d{1,2})\s*$")
_ZONE = re.compile(r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$", re.I)
_DAY_MONTH = r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})\b"
_CLOCK = r"^\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?\s*$"
PLAUSIBLE_YEARS = (1000, 2300)
# (name, typical step in days, tolerance in days)
FREQUENCIES = [
    ("every second", 1 / 86_400, 0.2 / 86_400),
    ("every minute", 1 / 1_440, 0.2 / 1_440),
    ("every 5 minutes", 5 / 1_440, 1 / 1_440),
    ("every 10 minutes", 10 / 1_440, 2 / 1_440),
    ("every 15 minutes", 15 / 1_440, 3 / 1_440),
    ("half-hourly", 30 / 1_440, 6 / 1_440),
    ("hourly", 1 / 24, 0.2 / 24),
    ("daily", 1.0, 0.2),
    ("weekly", 7.0, 0.6),
    ("monthly", 30.4, 3.5),
    ("quarterly", 91.3, 4.0),
    ("yearly", 365.25, 5.0),
]


class ImplausibleTimes(DataError):
    """Text that parses as dates, but in years no recent data has (``1-01`` read as year 1)."""


def parse_times(values: pd.Series, first_line: int = 2, notes: list[str] | None = None) -> np.ndarray:
    """Time stamps of a column: numbers stay numbers; text becomes ``datetime64[ns]``.

    Day-first dates (``16/12/2006``; ``01.02.2021`` with dots) are read day first, and date-times with a
    zone (``2021-01-01T00:00:00+01:00``) are converted to UTC; ``notes`` (when given) says so.

    Args:
        values: The column.
        first_line: File line of the column's first row, for the error message.
        notes: Where to say what was done, or ``None``.

    Returns:
        ``(n,)`` float64 or ``datetime64[ns]`` array.

    Raises:
        DataError: a value that is not a date or a number, naming its line.

    Example:
        >>> parse_times(pd.Series(["1959Q1", "1959Q2"])).astype(str).tolist()
        ['1959-01-01T00:00:00.000000000', '1959-04-01T00:00:00.000000000']
        >>> parse_times(pd.Series(["16/12/2006 17:24", "01/01/2007 00:00"])).astype(str).tolist()
        ['2006-12-16T17:24:00.000000000', '2007-01-01T00:00:00.000000000']
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
    quarters = _quarters(text)
    if quarters is not None:
        months = (quarters[1].astype(int) - 1) * 3 + 1
        parsed = pd.to_datetime({"year": quarters[0].astype(int), "month": months, "day": 1})
    else:
        parsed = _parse_text(text, values, notes)
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


def _quarters(text: pd.Series) -> pd.DataFrame | None:
    """Year and quarter of every value (``1959Q1``, ``Q1 1959``), else ``None`` (the first value decides fast)."""
    if text.empty:
        return None
    for pattern, swap in ((_QUARTER, False), (_QUARTER_FIRST, True)):
        if pattern.match(text.iloc[0]):
            parts = text.str.extract(pattern)
            if parts.notna().all().all():
                return parts[[1, 0]].set_axis([0, 1], axis=1) if swap else parts
    return None


def _day_first(text: pd.Series) -> bool:
    """``dd/mm/yyyy`` (or with dots or dashes): a first number above 12, or dots and no second one above 12."""
    if text.empty or not re.match(_DAY_MONTH, text.iloc[0]):
        return False
    parts = text.str.extract(_DAY_MONTH)
    if parts[0].isna().any():
        return False
    first, second = parts[0].astype(int), parts[2].astype(int)
    if (second > 12).any():
        return False
    return bool((first > 12).any() or (parts[1] == ".").all())


def _zones(text: pd.Series) -> pd.Series | None:
    """The zone of every stamp (``+01:00``, ``Z``) when every one has a zone, else ``None``."""
    if text.empty or not _ZONE.search(text.iloc[0]):
        return None
    zones = text.str.extract(_ZONE)[0]
    return zones.str.upper() if zones.notna().all() else None


def _parse_text(text: pd.Series, values: pd.Series, notes: list[str] | None) -> pd.Series:
    """Text dates as naive stamps (UTC when zoned); unparsable cells are ``NaT``."""
    distinct = pd.Series(text[values.notna()].unique())  # long files repeat their stamps
    day_first = _day_first(distinct)
    zones = _zones(distinct)
    zoned = zones is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.Series(pd.NaT, index=values.index)
        for extra in ({}, {"format": "mixed"}):
            try:
                parsed = pd.to_datetime(text, errors="coerce", dayfirst=day_first, utc=zoned, **extra)
            except (ValueError, TypeError, OverflowError):
                continue
            if not parsed.isna().any():
                break
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert(None)
    if notes is not None and day_first and parsed.notna().any():
        late = distinct.str.extract(_DAY_MONTH)[0].astype(int) > 12
        example = distinct[late.idxmax() if late.any() else 0]
        row = int(np.flatnonzero((text == example).to_numpy())[0])
        notes.append(
            f"Dates in column {values.name!r} are written day first ({example.strip()!r} is "
            f"{parsed.iloc[row].day} {parsed.iloc[row]:%B %Y})."
        )
    if notes is not None and zones is not None and parsed.notna().any():
        offsets = ", ".join(str(z) for z in zones.unique()[:3])
        notes.append(
            f"Time column {values.name!r} carries time zones ({offsets}); the stamps were converted to UTC, "
            "so they keep their order across clock changes."
        )
    return parsed


def year_index_months(text: pd.Series) -> np.ndarray | None:
    """``1-01`` … ``3-12`` (a small year index, then the month) as month numbers 0, 1, …, else ``None``.

    Example:
        >>> year_index_months(pd.Series(["1-01", "1-02", "2-01"])).tolist()
        [0.0, 1.0, 12.0]
    """
    text = text.astype(str)
    if len(text) == 0 or not _YEAR_INDEX_MONTH.match(text.iloc[0]):
        return None
    parts = text.str.extract(_YEAR_INDEX_MONTH)
    if not parts.notna().all().all():
        return None
    year, month = parts[0].astype(int).to_numpy(), parts[1].astype(int).to_numpy()
    if month.min() < 1 or month.max() > 12 or year.max() >= 1000:
        return None
    return ((year - year.min()) * 12 + month - 1).astype(np.float64)


def read_time(
    values: pd.Series, first_line: int, notes: list[str], groups: np.ndarray | None = None
) -> tuple[np.ndarray, str | None]:
    """Time stamps that make sense, or ordinal steps with a note saying why; and the frequency.

    ``1-01`` … ``3-12`` become month numbers (frequency monthly). Evenly spaced Unix seconds or
    milliseconds become date-times (:mod:`rnnlab.data.unixtime`). Dates outside the years 1000-2300,
    or dates at irregular gaps with no usual frequency, become ordinal steps 0, 1, 2, … (file order
    for the former, time order for the latter), never dates in the 1700s for recent data.

    Args:
        values: The time column.
        first_line: File line of its first row, for messages.
        notes: Where to say what was done.
        groups: Sequence number per row (a long file): Unix spacing is judged inside each sequence.

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
    elif unixtime.unix_unit(values) is not None:
        return _unix(values, notes, groups)
    try:
        times = parse_times(values, first_line, notes)
    except ImplausibleTimes as err:
        notes.append(f"{err}: not plausible, so the rows are used in file order as steps 0, 1, 2, …")
        return np.arange(len(values), dtype=np.float64), None
    if times.dtype.kind != "M" or len(times) < 2:
        return times, None
    distinct = sorted_unique(times)
    frequency = infer_frequency(distinct) if groups is None else infer_frequency(times, groups)
    gaps = np.diff(distinct).astype(np.int64)
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


def _unix(values: pd.Series, notes: list[str], groups: np.ndarray | None) -> tuple[np.ndarray, str | None]:
    """Unix time in range: date-times when evenly spaced, else the numbers, each with a note."""
    unit = unixtime.unix_unit(values)
    found = unixtime.unix_times(values, groups)
    if found is None:
        notes.append(
            f"Time column {values.name!r} holds numbers in the range of Unix time in {unit}, but they are not "
            "evenly spaced, so they were kept as numbers that order the steps."
        )
        return values.to_numpy(dtype=np.float64), None
    times, unit = found
    first = int(np.argmin(times))  # the earliest, whatever the row order
    stamp = pd.Timestamp(times[first]).strftime("%Y-%m-%d %H:%M:%S")
    frequency = infer_frequency(sorted_unique(times)) if groups is None else infer_frequency(times, groups)
    notes.append(
        f"Time column {values.name!r} holds Unix time in {unit} ({values.iloc[first]:.0f} is {stamp} UTC), evenly "
        f"spaced ({frequency or 'at an unusual step'}); it was read as date-times in UTC."
    )
    return times, frequency


def sorted_unique(times: np.ndarray) -> np.ndarray:
    """``np.unique`` by one sort (hashing a million date-times takes seconds).

    Example:
        >>> sorted_unique(np.array([3, 1, 3, 2])).tolist()
        [1, 2, 3]
    """
    ordered = np.sort(times)
    if len(ordered) == 0:
        return ordered
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]


def is_clock(values: pd.Series) -> bool:
    """Text of times of day (``17:24:00``, ``9:05``, ``5:30 PM``) in every one of the first 50 values.

    Example:
        >>> is_clock(pd.Series(["17:24:00", "17:25:00"])), is_clock(pd.Series(["2020-01-01", "x"]))
        (True, False)
    """
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
        return False
    head = values.dropna().iloc[:50].astype(str)
    return bool(len(head)) and bool(head.str.fullmatch(_CLOCK).all())


def is_date_only(values: pd.Series) -> bool:
    """Text dates without a time of day (``16/12/2006``, ``2021-01-01``) in the first 50 values."""
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
        return False
    head = values.dropna().iloc[:50].astype(str)
    if head.empty or head.str.contains(":", regex=False).any() or not head.str.contains(r"\d").all():
        return False
    try:
        parse_times(head)
    except DataError:
        return False
    return True


def join_date_clock(dates: pd.Series, clocks: pd.Series) -> pd.Series:
    """``"16/12/2006"`` and ``"17:24:00"`` → ``"16/12/2006 17:24:00"``, named ``Date+Time``; empty if either is.

    Example:
        >>> join_date_clock(pd.Series(["16/12/2006"], name="Date"), pd.Series(["17:24:00"], name="Time")).tolist()
        ['16/12/2006 17:24:00']
    """
    joined = dates.astype(str).str.strip() + " " + clocks.astype(str).str.strip()
    joined[dates.isna().to_numpy() | clocks.isna().to_numpy()] = np.nan
    return joined.rename(f"{dates.name}+{clocks.name}")


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


def infer_frequency(times: np.ndarray | None, groups: np.ndarray | None = None) -> str | None:
    """``"hourly"``, ``"daily"``, ``"weekly"``, ``"monthly"``, … (see :data:`FREQUENCIES`) or ``None``.

    Uses the median gap between consecutive time stamps, so a few missing steps do not matter. Without
    ``groups`` the stamps must be sorted; with ``groups`` (sequence number per row) the gaps are taken
    inside each sequence, in time order, whatever the row order.

    Example:
        >>> infer_frequency(np.array(["2020-01-01", "2020-02-01", "2020-03-01"], dtype="datetime64[ns]"))
        'monthly'
    """
    if times is None or len(times) < 2 or not np.issubdtype(np.asarray(times).dtype, np.datetime64):
        return None
    stamps = np.asarray(times, dtype="datetime64[ns]").astype(np.int64)
    if groups is None:
        gaps = np.diff(stamps) / 86_400e9
    else:
        order = np.lexsort((stamps, groups))
        same = groups[order][1:] == groups[order][:-1]
        gaps = np.diff(stamps[order])[same] / 86_400e9
    gaps = gaps[gaps > 0]
    if len(gaps) == 0:
        return None
    step = float(np.median(gaps))
    for name, days, tolerance in FREQUENCIES:
        if abs(step - days) <= tolerance:
            return name
    return None
