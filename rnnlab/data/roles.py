"""Which columns are not features (counters, row numbers) and which can be a sequence id, and why.

Pure checks on a parsed table, used by :mod:`rnnlab.data.layouts`:

- a *running counter* (1, 2, 3, … or 0, 1, 2, … in file order — a row number) carries no information
  about the data; as a feature it is a perfect clock, and as a forecast target the drift baseline
  predicts it exactly;
- a *step counter* (1, 2, 3, … restarting in every sequence of a long file) only says where in the
  sequence a row is;
- a *sequence id* is a text or integer column that repeats in runs (each value one block of rows) or
  in groups (the same time stamps again for every value: stores × weeks), never a date or a label;
- a *sequence label* is the same on every row of a sequence, like an id, but takes few values (or its
  name says label, class, target or y): :func:`sequence_label`.

:func:`column_roles` says which column can play which role, for the reading options.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

LABEL_WORDS = {"label", "labels", "class", "classes", "target", "targets", "y", "category", "outcome"}
INDEX_NAMES = re.compile(r"^(index|idx|no|nr|num|row|rownum|row_id|row_no|sample|unnamed: ?\d+|id)$", re.I)
ROLE_NAMES = ("id", "time", "label", "tag target", "feature")


def integer_values(values: pd.Series) -> np.ndarray | None:
    """The column as int64 when every cell is a finite whole number, else ``None``."""
    if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return None
    numbers = values.to_numpy(dtype=np.float64)
    if len(numbers) == 0 or not np.all(np.isfinite(numbers)) or not np.all(numbers == np.round(numbers)):
        return None
    if np.abs(numbers).max() >= 2**53:
        return None
    return numbers.astype(np.int64)


MIN_COUNTER_ROWS = 10  # a few rows counting 1, 2, 3 may be data; ten or more are a row number


def is_running_counter(values: pd.Series) -> bool:
    """1, 2, 3, … or 0, 1, 2, … in file order (the row position), at least 10 rows.

    Example:
        >>> is_running_counter(pd.Series(range(1, 11))), is_running_counter(pd.Series(range(3, 13)))
        (True, False)
    """
    ints = integer_values(values)
    return (
        ints is not None
        and len(ints) >= MIN_COUNTER_ROWS
        and ints[0] in (0, 1)
        and bool(np.all(np.diff(ints) == 1))
    )


def is_step_counter(values: pd.Series, codes: np.ndarray) -> bool:
    """Restarts at 0 or 1 in every sequence and counts up by 1 inside it (rows grouped by ``codes``).

    Example:
        >>> is_step_counter(pd.Series([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]), np.repeat([0, 1], 5))
        True
    """
    ints = integer_values(values)
    if ints is None or len(np.unique(codes)) < 2 or len(ints) < MIN_COUNTER_ROWS:
        return False
    order = np.lexsort((ints, codes))
    ints, codes = ints[order], codes[order]
    starts = np.concatenate([[True], codes[1:] != codes[:-1]])
    if not np.all(np.isin(ints[starts], (0, 1))):
        return False
    inside = ~starts[1:]
    return bool(np.all(np.diff(ints)[inside] == 1))


def contiguous_runs(values: pd.Series) -> bool:
    """Values repeat and each distinct value fills one block of consecutive rows.

    Example:
        >>> contiguous_runs(pd.Series(["a", "a", "b", "b"])), contiguous_runs(pd.Series(["a", "b", "a"]))
        (True, False)
    """
    codes, uniques = pd.factorize(values)
    if len(uniques) < 1 or len(uniques) >= len(values) or (codes < 0).any():
        return False
    return 1 + int(np.count_nonzero(np.diff(codes))) == len(uniques)


def panel_groups(values: pd.Series, times: pd.Series | None) -> bool:
    """Each value of ``values`` has the time stamps once each, and the same stamps recur across values.

    That is the shape of stores × weeks or patients × visits sorted by date: one time stamp per
    sequence per row, interleaved in the file.

    Example:
        >>> ids = pd.Series(["s1", "s2", "s1", "s2"])
        >>> panel_groups(ids, pd.Series(["2020-01", "2020-01", "2020-02", "2020-02"]))
        True
    """
    if times is None:
        return False
    codes, uniques = pd.factorize(values)
    if len(uniques) < 2 or (codes < 0).any():
        return False
    stamps = pd.factorize(times, use_na_sentinel=False)[0].astype(np.int64)
    pairs = codes.astype(np.int64) * (int(stamps.max()) + 1) + stamps  # one number per (sequence, stamp)
    if len(pd.unique(pairs)) < len(pairs):
        return False
    return len(pd.unique(stamps)) < len(stamps)


def id_candidate(values: pd.Series, times: pd.Series | None, first: bool) -> bool:
    """Whether a column can be the sequence id: text, or whole numbers in the first column.

    It must repeat (at least two sequences of at least two rows on average) in contiguous runs, or in
    groups that share their time stamps (see :func:`panel_groups`).
    """
    text = not pd.api.types.is_numeric_dtype(values.dtype)
    if not text and (not first or integer_values(values) is None or is_running_counter(values)):
        return False
    if values.isna().any():
        return False
    n_ids = values.nunique()
    if n_ids < 2 or n_ids > len(values) // 2:
        return False
    return contiguous_runs(values) or panel_groups(values, times)


def name_says_label(name: object) -> bool:
    """A column name with the word label, class, target or y in it (``class_label``, ``activityLabel``).

    Example:
        >>> name_says_label("class_label"), name_says_label("activityLabel"), name_says_label("yaw")
        (True, True, False)
    """
    words = re.split(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])", str(name))
    return any(word.lower() in LABEL_WORDS for word in words)


HEAD_ROWS = 5_000  # rows looked at first: a feature varies within its first sequence, so most stop here


def _codes_of(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy()
    return pd.factorize(values)[0]


def constant_within(values: pd.Series, codes: np.ndarray, firsts: np.ndarray) -> bool:
    """Whether a column has a value on every row and the same one on every row of each sequence.

    Args:
        values: The column.
        codes: Sequence number per row.
        firsts: Row of each sequence's first appearance (``firsts[codes]`` is that row for every row).

    Example:
        >>> codes = np.array([0, 0, 1, 1])
        >>> constant_within(pd.Series([1, 1, -1, -1]), codes, np.array([0, 2]))
        True
    """
    if values.isna().to_numpy().any():
        return False
    head = min(len(values), HEAD_ROWS)
    if head < len(values):  # a sequence's first row always comes before its other rows
        small = _codes_of(values.iloc[:head])
        if np.any(small != small[firsts[codes[:head]]]):
            return False
    every = _codes_of(values)
    return bool(np.all(every == every[firsts[codes]]))


def first_rows(codes: np.ndarray) -> np.ndarray:
    """Row of each code's first appearance, indexed by code.

    Example:
        >>> first_rows(np.array([1, 1, 0, 0])).tolist()
        [2, 0]
    """
    firsts = np.empty(int(codes.max()) + 1, dtype=np.int64)
    firsts[codes[::-1]] = np.arange(len(codes))[::-1]
    return firsts


def sequence_label(
    frame: pd.DataFrame, codes: np.ndarray, exclude: set, is_class, by: str = "name"
) -> tuple[str, str] | None:
    """A column that labels whole sequences, with the reason in words, else ``None``.

    ``by="name"``: a column whose name says label (``class_label``) and that is the same on every row of a
    sequence. ``by="values"``: a column of whole numbers, the same on every row of a sequence, taking few
    values across the sequences (``is_class`` of one value per sequence: ≤ 20 values, each on 2 or more
    sequences on average).

    Args:
        frame: The parsed table.
        codes: Sequence number per row (``0 … n_sequences - 1``).
        exclude: Columns that play another role (id, time, split, date parts).
        is_class: ``looks_like_class(values) -> bool``.
        by: ``"name"`` or ``"values"``.

    Example:
        >>> df = pd.DataFrame({"x": [0.1, 0.2, 0.3, 0.4], "kind": [1, 1, 2, 2]})
        >>> sequence_label(df, np.array([0, 0, 1, 1]), set(), lambda v: True, by="values")[0]
        'kind'
    """
    if len(codes) == 0 or codes.min() < 0:
        return None
    firsts = first_rows(codes)
    for column in [c for c in frame.columns if c not in exclude]:
        values = frame[column]
        if by == "name":
            named = name_says_label(column) and constant_within(values, codes, firsts)
            if named and values.iloc[firsts].nunique() > 1:
                return column, "its name says so and it is the same on every row of a sequence"
            continue
        if not pd.api.types.is_numeric_dtype(values.dtype) or not constant_within(values, codes, firsts):
            continue
        per_sequence = values.iloc[firsts]
        n_values = per_sequence.nunique()
        if n_values > 1 and integer_values(per_sequence) is not None and is_class(per_sequence):
            return column, (
                f"it is the same on every row of a sequence and takes only {n_values} values across "
                f"{len(firsts)} sequences"
            )
    return None


def varies_within(values: pd.Series, codes: np.ndarray) -> bool:
    """Whether a column takes more than one value inside at least one sequence (an empty cell is a value).

    Example:
        >>> varies_within(pd.Series([1.0, 1.0, 2.0, np.nan]), np.array([0, 0, 1, 1]))
        True
    """
    if len(values) == 0 or len(codes) == 0:
        return False
    codes = codes - min(0, int(np.min(codes)))  # a missing id (-1) is one more group
    value_codes = pd.factorize(values, use_na_sentinel=False)[0]
    return bool(np.any(value_codes != value_codes[first_rows(codes)[codes]]))


def column_roles(
    frame: pd.DataFrame, codes: np.ndarray | None, is_class, is_time, layout: str = "long"
) -> dict[str, list[str]]:
    """Which role each column can play: ``id``, ``time``, ``label``, ``tag target``, ``feature``.

    Args:
        frame: The parsed table.
        codes: Sequence number per row for a long file (``None`` otherwise: in a wide file every
            column can be a label, in a series none can).
        is_class: ``looks_like_class(series) -> bool``.
        is_time: ``looks_like_time(series) -> bool``.

    Example:
        >>> df = pd.DataFrame({"u": ["a", "a", "b", "b"], "t": [1, 2, 1, 2], "s": ["ok", "x", "ok", "ok"]})
        >>> column_roles(df, np.array([0, 0, 1, 1]), lambda s: True, lambda s: s.name == "t")["s"]
        ['id', 'tag target']
    """
    roles: dict[str, list[str]] = {}
    for column in frame.columns:
        values = frame[column]
        numeric = pd.api.types.is_numeric_dtype(values.dtype)
        out = []
        time = is_time(values)
        n_ids = values.nunique()
        if (
            not time
            and 2 <= n_ids <= len(values) // 2
            and (not numeric or integer_values(values) is not None)
        ):
            out.append("id")
        if time:
            out.append("time")
        categorical = is_class(values) and not (time and not numeric)  # dates are no classes
        if codes is not None and len(codes) == len(values):
            if varies_within(values, codes):
                if categorical or numeric:
                    out.append("tag target")
            elif categorical or numeric:
                out.append("label")
        elif layout == "wide" and (categorical or numeric):
            out.append("label")
        if numeric:
            out.append("feature")
        roles[str(column)] = out
    return roles
