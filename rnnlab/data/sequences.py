"""Cut parsed columns into per-sequence arrays for each layout, with one sort and no per-row loop.

Used by :func:`rnnlab.data.reader.read_csv`: rows are grouped (long: by id, sorted by
time; wide: one row each, trailing empty/pad cells removed; series: one group),
gaps are dropped or filled within each sequence, labels are split per sequence
or per step. Each ``read_*`` returns ``(parts, out)``: the cut arrays and the
dataset fields.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnnlab.core.words import plural
from rnnlab.data import gaps, layouts, timeparse
from rnnlab.data.dataset import DataError

_FILL_WORDS = {"interpolate": "linear interpolation", "ffill": "forward fill (previous value)"}


def _labels(raw: np.ndarray, name: str, kind: str | None, lines: np.ndarray) -> tuple[np.ndarray, str]:
    series = pd.Series(raw)
    if series.isna().any():
        row = int(np.flatnonzero(series.isna().to_numpy())[0])
        raise DataError(
            f"Label column {name!r} must have a value for every sequence. Received: an empty "
            f"cell on line {lines[row]}"
        )
    kind = kind or ("class" if layouts.looks_like_class(series) else "value")
    numeric = pd.api.types.is_numeric_dtype(series.dtype)
    if kind == "value":
        if not numeric:
            raise DataError(f"Label column {name!r} must be numeric for regression. Received: {raw[0]!r}")
        return series.to_numpy(dtype=np.float64), kind
    if numeric and np.all(series.to_numpy(dtype=np.float64) % 1 == 0):
        return series.to_numpy(dtype=np.float64).astype(np.int64), kind
    return series.astype(str).to_numpy(dtype=object), kind


def cut(values: np.ndarray, starts: np.ndarray) -> list[np.ndarray]:
    """Views of ``values`` split at ``starts`` (faster than ``np.split`` for many pieces).

    Example:
        >>> [p.tolist() for p in cut(np.arange(5), np.array([0, 2]))]
        [[0, 1], [2, 3, 4]]
    """
    ends = np.append(starts[1:], len(values)).tolist()
    return [values[a:b] for a, b in zip(starts.tolist(), ends)]


def _assemble(values, group, lines, extra: dict, fill: str, ids_of_group, notes: list) -> dict:
    """Drop or fill gaps, cut into sequences, check each has ≥ 2 steps; ``extra`` arrays follow the rows."""
    n_missing = int(np.isnan(values).sum())
    filled = 0
    if fill == "drop" and n_missing:
        keep = gaps.drop_gaps(values)
        values, group, lines = values[keep], group[keep], lines[keep]
        extra = {k: (v[keep] if v is not None else None) for k, v in extra.items()}
        notes.append(f"{plural(int((~keep).sum()), 'step')} with missing values were dropped ({fill!r}).")
    starts = np.concatenate([[0], np.flatnonzero(np.diff(group)) + 1]) if len(group) else np.array([], int)
    lengths = np.diff(np.append(starts, len(group)))
    if len(lengths) == 0:
        raise DataError("The file must hold at least one sequence with values. Received: none left")
    short = np.flatnonzero(lengths < 2)
    if len(short):
        i = int(short[0])
        raise DataError(
            f"Every sequence must have at least 2 steps. Received: sequence {ids_of_group[group[starts[i]]]!r} "
            f"(line {lines[starts[i]]}) with {lengths[i]} step"
        )
    if fill != "drop" and n_missing:
        values, filled, from_mean = gaps.fill_gaps(values, group, fill)
        notes.append(f"{filled} missing values were filled by {_FILL_WORDS[fill]} within each sequence.")
        if from_mean:
            notes.append(f"{from_mean} of them had no known value in their sequence and got the column mean.")
    return {
        "sequences": cut(values, starts),
        "starts": starts,
        "lengths": lengths,
        "group": group,
        "lines": lines,
        "extra": extra,
        "filled": filled,
        "ids": [ids_of_group[g] for g in group[starts]],
    }


def _time_order(codes: np.ndarray, times: np.ndarray | None) -> np.ndarray | None:
    """Row order grouping sequences (first appearance) sorted by time; ``None`` when already in order."""
    keys = None if times is None else (times.astype(np.int64) if times.dtype.kind == "M" else times)
    same = np.diff(codes) == 0
    if np.all(np.diff(codes) >= 0) and (keys is None or np.all(np.diff(keys)[same] > 0)):
        return None
    if keys is None:
        return np.argsort(codes, kind="stable")
    return np.lexsort((keys, codes))


def time_values(frame: pd.DataFrame, plan, notes: list) -> pd.Series:
    """The time column, joined with its clock column (``Date`` + ``Time``) when there is one."""
    if not plan.clock_column:
        return frame[plan.time_column]
    notes.append(f"Columns {plan.time_column!r} and {plan.clock_column!r} were joined into one time stamp.")
    return timeparse.join_date_clock(frame[plan.time_column], frame[plan.clock_column])


def _long_times(frame, plan, table, notes, codes) -> tuple[np.ndarray | None, str | None]:
    if plan.time_column:
        return timeparse.read_time(time_values(frame, plan, notes), table.first_line, notes, codes)
    if plan.date_parts:
        notes.append(f"Columns {', '.join(plan.date_parts)} were combined into one time stamp.")
        times = timeparse.combine_date_parts(frame, plan.date_parts)
        return times, timeparse.infer_frequency(timeparse.sorted_unique(times))
    return None, None


def _step_targets(raw: np.ndarray, name: str, kind: str | None, parts: dict, notes: list) -> tuple[list, str]:
    """Per-step targets cut per sequence: class values (text, or whole numbers with ``kind='class'``) or numbers."""
    starts = parts["starts"]
    numeric = raw.dtype.kind in "biuf"
    if pd.isna(pd.Series(raw)).any():
        row = int(np.flatnonzero(pd.isna(pd.Series(raw)).to_numpy())[0])
        raise DataError(
            f"Target column {name!r} must have a value on every row. "
            f"Received: an empty cell on line {parts['lines'][row]}"
        )
    if kind == "value" and not numeric:
        raise DataError(
            f"A per-step target column ({name!r}) must be numeric for values. Received: {raw[0]!r}"
        )
    if kind == "class" or not numeric:
        if not layouts.looks_like_class(pd.Series(raw)) or pd.Series(raw).nunique() > layouts.MAX_CLASSES:
            raise DataError(
                f"A per-step class column ({name!r}) must have at most {layouts.MAX_CLASSES} distinct values. "
                f"Received: {pd.Series(raw).nunique()}"
            )
        values = raw.astype(np.int64) if numeric else pd.Series(raw).astype(str).to_numpy(dtype=object)
        classes = sorted(pd.Series(values).astype(str).unique().tolist())
        notes.append(
            f"Column {name!r} changes within sequences, so it is a class for every step (tagging; classes "
            f"{', '.join(classes[:8])}{' …' if len(classes) > 8 else ''})."
        )
        return cut(values, starts), "class"
    notes.append(f"Column {name!r} changes within sequences, so it is a target for every step (tagging).")
    return cut(np.asarray(raw, dtype=np.float64), starts), "value"


def read_long(frame, plan, values, table, fill, label_kind, notes) -> tuple[dict, dict]:
    ids = frame[plan.id_column]
    if ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise DataError(
            f"Id column {plan.id_column!r} must have a value on every row. Received: an empty "
            f"cell on line {table.line_of(row)}"
        )
    codes, uniques = pd.factorize(ids, sort=False)
    times, frequency = _long_times(frame, plan, table, notes, codes)
    order = _time_order(codes, times)
    if order is not None and times is not None and not np.all(np.diff(codes) >= 0):
        notes.append(
            f"Rows of the {len(uniques)} sequences were interleaved; each sequence's rows were put together "
            "and sorted by time within it (never across sequences)."
        )
    take = (lambda a: a) if order is None else (lambda a: a[order])
    lines = take(np.arange(len(frame)) + table.first_line)
    extra = {c: take(frame[c].to_numpy()) if c else None for c in (plan.label_column, plan.split_column)}
    parts = _assemble(take(values), take(codes), lines, extra, fill, uniques.tolist(), notes)
    out = {
        "ids": parts["ids"], "labels": None, "label_kind": None, "step_targets": None, "splits": None,
        "step_target_kind": None, "frequency": frequency,
    }  # fmt: skip
    starts, lengths = parts["starts"], parts["lengths"]
    if plan.label_column:
        raw = parts["extra"][plan.label_column]
        if raw.dtype.kind in "biuf":
            firsts = np.repeat(raw[starts], lengths)
            varies = bool(np.any((raw != firsts) & ~(np.isnan(raw) & np.isnan(firsts))))
        else:
            label_codes = pd.factorize(raw)[0]
            varies = bool(np.any(label_codes != np.repeat(label_codes[starts], lengths)))
        if varies:
            out["step_targets"], out["step_target_kind"] = _step_targets(
                raw, plan.label_column, label_kind, parts, notes
            )
        else:
            out["labels"], out["label_kind"] = _labels(
                raw[starts], plan.label_column, label_kind, parts["lines"][starts]
            )
    if plan.split_column:
        out["splits"] = pd.Series(parts["extra"][plan.split_column][starts]).astype(str).to_numpy()
    return parts, out


def trailing_pad_value(values: np.ndarray, min_share: float = 0.5, min_run: int = 3) -> float | None:
    """The value most rows end in a run of (MIT-BIH's trailing zeros), or ``None``.

    Padding is assumed when at least ``min_share`` of the rows end in the same value, repeated at least
    ``min_run`` times at the end in the median such row — real measurements do not end that way.

    Example:
        >>> rows = np.array([[1.0, 2.0, 3.0, 0.0, 0.0, 0.0], [3.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ...                  [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])  # the narrowest rows it looks at: 2 × min_run
        >>> trailing_pad_value(rows)
        0.0
    """
    if values.ndim != 2 or values.shape[1] < 2 * min_run or len(values) == 0:
        return None
    last = values[:, -1]
    finite = last[np.isfinite(last)]
    if finite.size == 0:
        return None
    candidates, counts = np.unique(finite, return_counts=True)
    value = float(candidates[counts.argmax()])
    ends = last == value
    if ends.mean() < min_share:
        return None
    if np.any(np.all(values[ends] == value, axis=1)):
        return None  # a row made only of the value is data: padding leaves every row something
    runs = np.argmax(values[ends][:, ::-1] != value, axis=1)
    return value if float(np.median(runs)) >= min_run else None


def read_wide(frame, plan, values, table, fill, label_kind, notes, pad_value, trailing_zeros):
    pad = np.isnan(values)
    n_steps = values.shape[1]
    found = None
    if pad_value is None and trailing_zeros is None:
        found = trailing_pad_value(values)
        pad_value = found
    if pad_value is not None:
        pad |= values == float(pad_value)
    if trailing_zeros:
        pad |= values == 0.0
    lengths = n_steps - np.argmax(~pad[:, ::-1], axis=1)
    lengths[pad.all(axis=1)] = 0
    mask = np.arange(n_steps) < lengths[:, None]
    n_pad_values = int((mask.size - mask.sum()) - (np.isnan(values) & ~mask).sum())
    if n_pad_values:
        what = f"{pad_value:g}" if pad_value is not None else "0"
        real = lengths[lengths > 0]
        span = f"{int(real.min())} to {int(real.max())}" if len(real) else "0"
        if found is not None:
            notes.append(
                f"Most rows end in a run of {what}, which real data would not produce, so those trailing cells "
                f"({n_pad_values} of them) were treated as padding: real lengths are {span} of {n_steps} steps. "
                "Turn 'trailing values are padding' off in the reading options to keep them."
            )
        else:
            notes.append(
                f"{n_pad_values} trailing cells equal to {what} were treated as padding, not data "
                f"(real lengths {span} of {n_steps} steps)."
            )
    if np.any(lengths < n_steps) and not n_pad_values:
        notes.append("Rows end in empty cells, so the sequences have different lengths (ragged).")
    flat = values[mask].reshape(-1, 1)
    group = np.repeat(np.arange(len(values)), lengths)
    lines = np.repeat(np.arange(len(values)) + table.first_line, lengths)
    row_ids = frame[plan.id_column].tolist() if plan.id_column else list(range(len(values)))
    parts = _assemble(flat, group, lines, {}, fill, row_ids, notes)
    rows = parts["group"][parts["starts"]]
    out = {"ids": parts["ids"], "labels": None, "label_kind": None, "step_targets": None, "splits": None}
    out["pad_value"] = pad_value if n_pad_values else None
    if plan.label_column:
        raw = frame[plan.label_column].to_numpy()[rows]
        out["labels"], out["label_kind"] = _labels(
            raw, plan.label_column, label_kind, rows + table.first_line
        )
    if plan.split_column:
        out["splits"] = frame[plan.split_column].astype(str).to_numpy()[rows]
    return parts, out


def read_series(frame, plan, values, table, fill, notes):
    times = frequency = None
    if plan.time_column:
        times, frequency = timeparse.read_time(time_values(frame, plan, notes), table.first_line, notes)
    elif plan.date_parts:
        times = timeparse.combine_date_parts(frame, plan.date_parts)
        notes.append(f"Columns {', '.join(plan.date_parts)} were combined into one time stamp.")
    if plan.time_column and plan.date_parts:
        notes.append(f"Date-part column(s) {', '.join(plan.date_parts)} were not used as features.")
    lines = np.arange(len(frame)) + table.first_line
    if times is not None:
        keys = times.astype(np.int64) if times.dtype.kind == "M" else times
        if np.any(np.diff(keys) < 0):
            order = np.argsort(keys, kind="stable")
            values, times, lines = values[order], times[order], lines[order]
            notes.append("Rows were not in time order; they were sorted by time.")
    extra = {"time": times}
    parts = _assemble(values, np.zeros(len(values), np.int64), lines, extra, fill, ["series"], notes)
    time_index = parts["extra"]["time"]
    out = {
        "ids": ["series"],
        "labels": None,
        "label_kind": None,
        "step_targets": None,
        "splits": None,
        "time_index": time_index,
        "frequency": frequency or timeparse.infer_frequency(time_index),
    }
    return parts, out
