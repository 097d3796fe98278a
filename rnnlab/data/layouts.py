"""Which layout a table is (long, wide or series), which column plays which role, and why.

Detection looks at column names and values only; every guess can be
overridden. The result is a :class:`Plan` that :mod:`rnnlab.data.reader` executes.

It is ~420 lines on purpose: each role (id, time, label, counter, padding) is guessed from what the
others left, so the guesses are read in order in one module (time stamps are in
:mod:`rnnlab.data.timeparse`, the per-column checks in :mod:`rnnlab.data.roles`, the reading itself in
:mod:`rnnlab.data.reader`). ``label_column=NO_LABEL`` turns every label guess off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rnnlab.data import roles, timeparse, unixtime
from rnnlab.data.dataset import DataError
from rnnlab.data.read_options import NO_LABEL as NO_LABEL  # label_column=NO_LABEL: no label, none detected
from rnnlab.data.read_options import ReadOptions
from rnnlab.data.timeparse import parse_times

ID_NAMES = re.compile(
    r"^(id|ids|sequence|sequence_id|seq|seq_id|series|series_id|sample_id|subject|subject_id|unique_id|"
    r"group|group_id|city|station|patient|patient_id|utterance|sensor|item_id|ts_id|unit|unit_id|store|store_id|"
    r"shop|machine|machine_id|engine|engine_id|device|device_id|country|region|state|site|well|building|"
    r"household|item|product|customer|user|user_id|ticker|symbol|industry)$",
    re.I,
)
LABEL_NAMES = re.compile(r"^(label|labels|class|classes|target|y|category|outcome)$", re.I)
TIME_NAMES = re.compile(
    r"^(date|datetime|date_time|time|timestamp|ds|month|week|period|quarter_start|day|time_s|t|step|"
    r"timestep|time_step|frame|hour|minute|second|seconds|obs|observation)$",
    re.I,
)
UNIX_HINT = re.compile(r"time|stamp|epoch|unix|date|^ts$|_ts$|^ts_|_at$", re.I)  # may hold Unix time
LABEL_PRIORITY = ("label", "labels", "class", "classes", "target", "category", "outcome", "y")
SPLIT_NAMES = re.compile(r"^(split|fold|subset|set)$", re.I)
STEP_NAME = re.compile(r"^([A-Za-z_]{0,8}?)_?(\d+)$")
DATE_PARTS = ("year", "quarter", "month", "day", "hour")
MIN_WIDE_STEPS = 10
MAX_CLASSES = 20


@dataclass
class Plan:
    """Roles of the columns and the layout, with the reason in plain words."""

    layout: str
    reason: str
    id_column: str | None = None
    time_column: str | None = None
    clock_column: str | None = None  # a time-of-day column joined to the date in time_column
    date_parts: list[str] = field(default_factory=list)
    label_column: str | None = None
    label_why: str | None = None  # why a column was taken as the label, when it was detected
    split_column: str | None = None
    feature_columns: list[str] = field(default_factory=list)
    text_columns: list[str] = field(default_factory=list)  # non-numeric, not used (dropped or one-hot)
    ignored: list[str] = field(default_factory=list)  # index-like columns left out
    ignored_why: dict[str, str] = field(default_factory=dict)  # column → why it is not a feature
    kept_counters: list[str] = field(default_factory=list)  # counters kept: no other numeric column

    @property
    def time_name(self) -> str | None:
        """What orders the steps, in words: ``date``, ``Date+Time``, ``year+month``, or ``None``."""
        if self.time_column and self.clock_column:
            return f"{self.time_column}+{self.clock_column}"
        return self.time_column or "+".join(self.date_parts) or None


def is_numeric(frame: pd.DataFrame, column: str) -> bool:
    return pd.api.types.is_numeric_dtype(frame[column].dtype)


def numeric_columns(frame: pd.DataFrame) -> set:
    """Names of the columns pandas parsed as numbers (or booleans)."""
    return {c for c, d in zip(frame.columns, frame.dtypes) if pd.api.types.is_numeric_dtype(d)}


def looks_like_class(values: pd.Series | np.ndarray) -> bool:
    """Non-numeric values, or few distinct integers (≤ 20 and at most half the count) → class labels.

    Example:
        >>> looks_like_class(np.array([1, 2, 1, 2])), looks_like_class(np.array([110, 125, 30]))
        (True, False)
    """
    series = pd.Series(values).dropna()
    if not pd.api.types.is_numeric_dtype(series.dtype):
        return True
    numbers = series.to_numpy(dtype=np.float64)
    if len(numbers) == 0 or not np.all(np.isfinite(numbers)) or not np.all(numbers == np.round(numbers)):
        return False
    n_distinct = len(np.unique(numbers))
    return n_distinct <= MAX_CLASSES and n_distinct <= max(2, len(numbers) // 2)


def _check_column(frame: pd.DataFrame, name: str | None, what: str) -> str | None:
    if name is None or name == "":
        return None
    if name not in frame.columns:
        raise DataError(
            f"`{what}` must be one of the file's columns ({', '.join(map(str, frame.columns[:20]))}). "
            f"Received: {what}={name!r}"
        )
    return name


def _first(frame: pd.DataFrame, pattern: re.Pattern, exclude: set) -> str | None:
    for column in frame.columns:
        if column not in exclude and pattern.match(str(column)):
            return column
    return None


def _looks_like_dates(values: pd.Series) -> bool:
    """Text values whose first 20 all parse as dates (``2012-01-31``, ``1749-01``, ``1959Q1``)."""
    if is_numeric(values.to_frame(), values.name):
        return False
    head = values.dropna().astype(str).head(20)
    if head.empty or head.str.len().max() > 40 or not head.str.contains(r"\d", regex=True).all():
        return False
    try:
        parse_times(head)
    except DataError:
        return False
    return True


def looks_like_time(values: pd.Series) -> bool:
    """A column that can order the steps: named like time, text of dates, or numbers that only grow.

    Example:
        >>> looks_like_time(pd.Series([1, 2, 3], name="t")), looks_like_time(pd.Series([3.0, 1.0], name="x"))
        (True, False)
    """
    if TIME_NAMES.match(str(values.name)) or str(values.name).lower() in DATE_PARTS:
        return True
    if not is_numeric(values.to_frame(), values.name):
        return _looks_like_dates(values)
    numbers = values.dropna().to_numpy(dtype=np.float64)
    return len(numbers) > 2 and bool(np.all(np.diff(numbers) > 0))


def _step_columns(columns: list[str], header: bool) -> list[str]:
    if not header:
        return columns
    groups: dict[str, list[str]] = {}
    for column in columns:
        match = STEP_NAME.match(str(column))
        if match:
            groups.setdefault(match.group(1).lower(), []).append(column)
    return max(groups.values(), key=len) if groups else []


def _date_parts(frame: pd.DataFrame, exclude: set) -> list[str]:
    lower = {str(c).lower(): c for c in numeric_columns(frame) if c not in exclude}
    if "year" in lower and ("month" in lower or "quarter" in lower):
        return [lower[p] for p in DATE_PARTS if p in lower]
    return []


def _time_guess(frame: pd.DataFrame, time_column: str | None, exclude: set) -> str | None:
    """The time column given, else one named like time, else the first text column of dates."""
    if time_column:
        return time_column
    named = _first(frame, TIME_NAMES, exclude)
    if named is not None:
        return named
    dates = next(
        (
            c
            for c in frame.columns
            if c not in exclude and not is_numeric(frame, c) and _looks_like_dates(frame[c])
        ),
        None,
    )
    return dates or _unix_column(frame, exclude)


def _unix_column(frame: pd.DataFrame, exclude: set) -> str | None:
    """A number column named like a time stamp (``time_ms``, ``epoch``) whose values are in Unix range."""
    return next(
        (
            c
            for c in frame.columns
            if c not in exclude and UNIX_HINT.search(str(c)) and unixtime.unix_unit(frame[c]) is not None
        ),
        None,
    )


def _clock_column(frame: pd.DataFrame, time_column: str | None, exclude: set) -> str | None:
    """A time-of-day text column to join to ``time_column`` when that holds dates only (``Date;Time``)."""
    if time_column is None or not timeparse.is_date_only(frame[time_column]):
        return None
    return next(
        (c for c in frame.columns if c not in exclude and c != time_column and timeparse.is_clock(frame[c])),
        None,
    )


def _find_id(frame: pd.DataFrame, taken: set, time_guess: str | None) -> str | None:
    """A column named like an id that repeats, else a text (or first integer) column repeating in runs or groups."""
    columns = list(frame.columns)
    named = _first(frame, ID_NAMES, taken)
    if named is not None and frame[named].nunique(dropna=False) < len(frame):
        return named
    skip = set(taken) | {time_guess}
    times = frame[time_guess] if time_guess is not None else None
    for column in columns:
        name = str(column)
        if column in skip or LABEL_NAMES.match(name) or SPLIT_NAMES.match(name) or TIME_NAMES.match(name):
            continue
        if name.lower() in DATE_PARTS or _looks_like_dates(frame[column]):
            continue
        if roles.id_candidate(frame[column], times, first=column == columns[0]):
            return column
    return named


def _label_of_sequences(
    frame: pd.DataFrame, codes: np.ndarray, exclude: set
) -> tuple[str | None, str | None]:
    """The label of a long file when none is named ``label``: by name, then text classes, then few integers."""
    exclude = exclude | {c for c in frame.columns if str(c).lower() in DATE_PARTS or TIME_NAMES.match(str(c))}
    found = roles.sequence_label(frame, codes, exclude, looks_like_class, by="name")
    if found is not None:
        return found
    text = _categorical_label(frame, exclude)
    if text is not None and roles.varies_within(frame[text], codes):
        return text, None  # a class per step: the tagging note says so
    if text is not None:
        return text, "it is text with few values, the same on every row of a sequence"
    found = roles.sequence_label(frame, codes, exclude, looks_like_class, by="values")
    return found if found is not None else (None, None)


def _categorical_label(frame: pd.DataFrame, exclude: set) -> str | None:
    """The first text column with at most 20 distinct values (a class per sequence or per step)."""
    for column in frame.columns:
        if column in exclude or is_numeric(frame, column) or _looks_like_dates(frame[column]):
            continue
        if 2 <= frame[column].nunique() <= MAX_CLASSES:
            return column
    return None


def _not_features(frame: pd.DataFrame, rest: list, codes: np.ndarray | None) -> dict[str, str]:
    """Columns among ``rest`` that are row numbers or step counters, with the reason."""
    why: dict[str, str] = {}
    for column in rest:
        values = frame[column]
        if roles.INDEX_NAMES.match(str(column)) and (
            not is_numeric(frame, column)
            or values.nunique() == len(values)
            or roles.is_running_counter(values)
        ):
            why[column] = "its name says it is a row index"
        elif roles.is_running_counter(values):
            why[column] = "it counts the rows (1, 2, 3, …), which says nothing about the data"
        elif codes is not None and roles.is_step_counter(values, codes):
            why[column] = "it counts the steps inside each sequence (1, 2, 3, … restarting per sequence)"
    return why


def plan_layout(frame: pd.DataFrame, *, header: bool, options: ReadOptions | None = None) -> Plan:
    """Decide the layout and the role of every column.

    Args:
        frame: The parsed table.
        header: Whether the file had a header row (without one, ≥ 10 columns read as wide rows).
        options: The reading options (already validated); their layout and columns override the
            detection, ``None`` (or an option left at ``None``) = detect it. ``keep_columns`` are kept as
            features although they look like row numbers or step counters.

    Returns:
        The :class:`Plan`, with ``reason`` saying why the layout was chosen.

    Raises:
        DataError: an option names a missing column, or the layout cannot be used with these columns.
    """
    found = _found_roles(frame, options or ReadOptions(), header)
    layout, reason = _choose_layout(frame, found)
    plan = Plan(layout, reason, split_column=found.split_column, label_column=found.label_column)
    codes = None
    if layout == "long":
        codes = _plan_long(frame, plan, found)
    elif layout == "wide":
        _plan_wide(frame, plan, found)
        return plan
    else:
        _plan_series(frame, plan, found)
    _plan_features(frame, plan, found, codes)
    return plan


@dataclass
class _Found:
    """What :func:`plan_layout` knows before it picks the layout: the options, and the roles found so far."""

    options: ReadOptions
    columns: list
    numeric: set
    id_column: Any
    time_column: Any
    label_column: Any
    no_label: bool
    split_column: Any
    taken: set
    time_guess: Any
    others: list  # the columns with no role yet
    steps: list  # the numbered step columns among them (a wide file's time steps)
    header: bool  # whether the file had a header row


def _found_roles(frame: pd.DataFrame, options: ReadOptions, header: bool) -> _Found:
    """The columns the options name (checked), then the split, time, id and label columns found by name and
    shape, and the step columns a wide file would have."""
    id_column = _check_column(frame, options.id_column, "id_column")
    time_column = _check_column(frame, options.time_column, "time_column")
    no_label = options.label_column == NO_LABEL and NO_LABEL not in frame.columns
    label_column = None if no_label else _check_column(frame, options.label_column, "label_column")
    for name in [*(options.feature_columns or ()), *options.keep_columns]:
        _check_column(frame, name, "feature_columns")
    columns, numeric = list(frame.columns), numeric_columns(frame)
    split_column = _first(frame, SPLIT_NAMES, {id_column, time_column, label_column})
    taken = {id_column, time_column, label_column, split_column} - {None}
    time_guess = _time_guess(frame, time_column, taken)
    if id_column is None and options.layout in (None, "long", "wide"):
        id_column = _find_id(frame, taken, time_guess)
        if id_column:
            taken.add(id_column)
    if label_column is None and not no_label:
        by_name = {str(c).lower(): c for c in columns if c not in taken and LABEL_NAMES.match(str(c))}
        label_column = next((by_name[n] for n in LABEL_PRIORITY if n in by_name), None)
    others = [c for c in columns if c not in taken and c != label_column]
    steps = _step_columns([c for c in others if c in numeric], header)
    wide_rows = not header and len(steps) >= MIN_WIDE_STEPS and options.layout in (None, "wide")
    if label_column is None and not no_label and wide_rows:
        for candidate in (columns[-1], columns[0]):  # MIT-BIH: label last; UCR: label first
            if looks_like_class(frame[candidate]):
                label_column = candidate
                steps = [c for c in steps if c != candidate]
                break
    return _Found(options, columns, numeric, id_column, time_column, label_column, no_label, split_column, taken,
                  time_guess, others, steps, header)  # fmt: skip


def _choose_layout(frame: pd.DataFrame, found: _Found) -> tuple[str, str]:
    """``(layout, reason)``: the one asked for, else long when an id repeats, wide with enough numbered step
    columns, else one series."""
    if found.options.layout is not None:
        return found.options.layout, f"{found.options.layout}: chosen by you"
    id_column, steps = found.id_column, found.steps
    n_ids = frame[id_column].nunique(dropna=False) if id_column is not None else 0
    if id_column is not None and n_ids < len(frame):
        how = "in runs" if roles.contiguous_runs(frame[id_column]) else "in groups that share time stamps"
        return "long", (
            f"long: column {id_column!r} repeats {how} ({n_ids} sequences in {len(frame)} rows), so "
            "each row is one time step of a sequence"
        )
    if len(steps) >= MIN_WIDE_STEPS:
        named = "numbered columns" if found.header else "columns without a header"
        return "wide", f"wide: {len(steps)} {named} ({steps[0]} … {steps[-1]}), so each row is one sequence"
    return (
        "series",
        "series: no repeating sequence id and no numbered step columns, so the file is one long series",
    )


def _plan_long(frame: pd.DataFrame, plan: Plan, found: _Found):
    """A long file's id, label (found per sequence when not named) and time columns; returns the sequence code
    of every row."""
    if found.id_column is None:
        raise DataError(
            "A long file needs a sequence id column (the same id on every row of one sequence). "
            f"Received: none found among {', '.join(map(str, found.columns[:20]))}; choose one as id column"
        )
    plan.id_column = found.id_column
    codes = pd.factorize(frame[found.id_column])[0]
    time_guess = found.time_guess
    if plan.label_column is None and not found.no_label:
        plan.label_column, plan.label_why = _label_of_sequences(frame, codes, found.taken | {time_guess})
    plan.time_column = found.time_column
    guess_is_text = time_guess is not None and not is_numeric(frame, time_guess)
    if plan.time_column is None and guess_is_text and time_guess != plan.label_column:
        plan.time_column = time_guess
    if plan.time_column is None:
        plan.date_parts = _date_parts(frame, found.taken | {plan.label_column})
    if plan.time_column is None and not plan.date_parts and time_guess != plan.label_column:
        plan.time_column = time_guess
    return codes


def _plan_wide(frame: pd.DataFrame, plan: Plan, found: _Found) -> None:
    """A wide file's step columns (the features), and the other columns: text, or numbers left out."""
    plan.id_column = found.id_column
    steps = list(found.options.feature_columns) if found.options.feature_columns else found.steps
    if not steps:
        raise DataError(
            "A wide file needs one numeric column per time step. Received: no numeric step columns"
        )
    plan.feature_columns = steps
    step_set = set(steps)
    rest = [c for c in found.others if c not in step_set and c != found.label_column]
    plan.text_columns = [c for c in rest if c not in found.numeric]
    plan.ignored = [c for c in rest if c in found.numeric]


def _plan_series(frame: pd.DataFrame, plan: Plan, found: _Found) -> None:
    """One series: no id and no label; its time column (named, by name, by its dates, or Unix time stamps)
    or its date-part columns."""
    split_column, columns = found.split_column, found.columns
    plan.id_column = None
    plan.label_column = None
    plan.time_column = found.time_column or _first(frame, TIME_NAMES, {split_column} | found.numeric)
    if plan.time_column is None:
        plan.date_parts = _date_parts(frame, {split_column})
    if plan.time_column is None and not plan.date_parts:
        plan.time_column = _first(frame, TIME_NAMES, {split_column})
    if plan.time_column is None and not plan.date_parts:
        plan.time_column = next(
            (c for c in columns if c != split_column and _looks_like_dates(frame[c])), None
        ) or _unix_column(frame, {split_column})
    else:
        plan.date_parts = [c for c in _date_parts(frame, {plan.time_column}) if c != plan.time_column]


def _plan_features(frame: pd.DataFrame, plan: Plan, found: _Found, codes) -> None:
    """A long file's or a series' features: the columns asked for, else every numeric column that is no row
    number or step counter (a long file's counter becomes its time column when it has none)."""
    plan.clock_column = _clock_column(
        frame, plan.time_column, {plan.id_column, plan.label_column, plan.split_column}
    )
    used = {plan.id_column, plan.time_column, plan.clock_column, plan.label_column, plan.split_column}
    rest = [c for c in found.columns if c not in used - {None} and c not in plan.date_parts]
    numeric, keep = found.numeric, set(found.options.keep_columns)
    if found.options.feature_columns:
        plan.feature_columns = list(found.options.feature_columns)
        chosen = set(plan.feature_columns)
        plan.ignored = [c for c in rest if c not in chosen and c in numeric]
    else:
        why = {c: r for c, r in _not_features(frame, rest, codes).items() if c not in keep}
        if plan.layout == "long" and plan.time_column is None and not plan.date_parts:
            counter = next((c for c, r in why.items() if "inside each sequence" in r), None)
            if counter is not None:
                plan.time_column = counter
                why[counter] += "; it gives the order of the steps"
        if not [c for c in rest if c not in why and c in numeric]:  # nothing else to learn from: keep them
            plan.kept_counters = [c for c in why if c in numeric and c != plan.time_column]
            why = {c: r for c, r in why.items() if c not in plan.kept_counters}
        plan.ignored = list(why)
        plan.ignored_why = why
        ignored = set(plan.ignored)
        plan.feature_columns = [c for c in rest if c not in ignored and c in numeric]
    taken = set(plan.feature_columns) | set(plan.ignored) | {plan.time_column}
    plan.text_columns = [c for c in rest if c not in taken]
