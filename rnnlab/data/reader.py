"""Read a CSV (long, wide or series layout) into a :class:`~rnnlab.data.dataset.SequenceDataset`.

The steps: :mod:`rnnlab.data.sniff` parses the bytes, :mod:`rnnlab.data.layouts`
decides the layout and column roles, this module turns the columns into
per-sequence arrays (grouped with one sort, never a per-row loop), and
:mod:`rnnlab.data.gaps` fills missing steps. Never imports TensorFlow.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnnlab.data import layouts, roles, sequences, sniff
from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.data.read_options import LABEL_KINDS as LABEL_KINDS  # "class" | "value"
from rnnlab.data.read_options import NO_LABEL, ReadOptions, as_read_options


def _first_bad_number(values: pd.Series) -> int | None:
    """Row of the first non-number in a column that otherwise holds numbers (``12a``), else ``None``."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna().to_numpy() & values.notna().to_numpy()
    n_bad, n_good = int(bad.sum()), int(numbers.notna().sum())
    if n_bad and n_good >= n_bad:
        return int(np.flatnonzero(bad)[0])
    return None


def _features(frame: pd.DataFrame, plan: layouts.Plan, one_hot: tuple, table, notes: list) -> tuple:
    """The numeric feature matrix ``(n_rows, n_features)`` float64 and its column names."""
    numeric = _check_feature_text(frame, plan, one_hot, table)
    blocks, names = [], [str(c) for c in numeric]
    if numeric:
        blocks.append(frame[numeric].to_numpy(dtype=np.float64, copy=True))
    for column in one_hot:
        dummies = pd.get_dummies(
            frame[column].astype("string"), prefix=str(column), prefix_sep="=", dtype=float
        )
        blocks.append(dummies.to_numpy(dtype=np.float64))
        names.extend(str(c) for c in dummies.columns)
        notes.append(f"Column {column!r} was one-hot encoded into {dummies.shape[1]} features.")
    notes.extend(_left_out_notes(frame, plan, one_hot))
    if not names:
        kinds = ", ".join(
            f"{c} ({'number' if layouts.is_numeric(frame, c) else 'text'})" for c in frame.columns[:20]
        )
        raise DataError(f"The file must have at least one numeric feature column. Received columns: {kinds}")
    values = blocks[0] if len(blocks) == 1 else np.hstack(blocks)
    infinite = np.isinf(values)
    if infinite.any():
        row, col = (int(i[0]) for i in np.nonzero(infinite))
        raise DataError(
            f"Values must be finite numbers. Received: {values[row, col]} in column {names[col]!r} on line "
            f"{table.line_of(row)}"
        )
    return values, names


def _check_feature_text(frame: pd.DataFrame, plan: layouts.Plan, one_hot: tuple, table) -> list:
    """The numeric feature columns (those not one-hot encoded), once no feature column holds text.

    Raises:
        DataError: a column meant as numbers holds text (its first bad value and line named).
    """
    numeric_set = layouts.numeric_columns(frame)
    for column in list(plan.text_columns) + [c for c in plan.feature_columns if c not in numeric_set]:
        if column in one_hot:
            continue
        row = _first_bad_number(frame[column])
        if row is not None:
            raise DataError(
                f"Column {column!r} must hold numbers only. Received: {frame[column].iloc[row]!r} on line "
                f"{table.line_of(row)}"
            )
    numeric = [c for c in plan.feature_columns if c not in set(one_hot)]
    for column in numeric:
        if column not in numeric_set:
            raise DataError(
                f"Feature column {column!r} must be numeric (or chosen for one-hot encoding). Received: "
                f"text such as {frame[column].dropna().iloc[0]!r}"
            )
    return numeric


def _left_out_notes(frame: pd.DataFrame, plan: layouts.Plan, one_hot: tuple) -> list[str]:
    """One note per column left out of the features (text dropped, counters kept, columns not chosen)."""
    notes = []
    one_hot_set = set(one_hot)
    for column in [c for c in plan.text_columns if c not in one_hot_set]:
        examples = ", ".join(repr(str(v)) for v in frame[column].dropna().unique()[:3])
        notes.append(f"Non-numeric column {column!r} ({examples}) was dropped; choose one-hot to use it.")
    for column in plan.kept_counters:
        notes.append(
            f"Column {column!r} looks like a row number (1, 2, 3, …) but it is the only numeric column, so it "
            "was kept as a feature."
        )
    for column in plan.ignored:
        default = "it is not one of the step columns" if plan.layout == "wide" else "it was not chosen"
        why = plan.ignored_why.get(column, default)
        notes.append(
            f"Column {column!r} was left out of the features: {why}. The reading options can put it back."
        )
    return notes


def _label_note(plan: layouts.Plan, labels: np.ndarray) -> str:
    """Why a detected column became the sequence label, and how to undo it."""
    values = pd.unique(pd.Series(labels).astype(str))
    shown = ", ".join(sorted(values)[:6]) + (" …" if len(values) > 6 else "")
    return (
        f"Column {plan.label_column!r} was taken as the label of each sequence ({shown}), not as a feature: "
        f"{plan.label_why}. The reading options can choose another label column, or {NO_LABEL}."
    )


def _roles(frame: pd.DataFrame, plan: layouts.Plan) -> dict[str, list[str]]:
    """Which role each column can play (for the reading options); for a long file, judged per sequence."""
    codes = pd.factorize(frame[plan.id_column])[0] if plan.layout == "long" and plan.id_column else None
    steps = set(plan.feature_columns) if plan.layout == "wide" else set()
    small = frame[[c for c in frame.columns if c not in steps]]
    small = small if len(small) <= 20_000 else small.iloc[:20_000]
    codes = None if codes is None else codes[: len(small)]
    out = roles.column_roles(small, codes, layouts.looks_like_class, layouts.looks_like_time, plan.layout)
    if steps:
        out[f"{len(steps)} step columns"] = ["feature"]
    return out


def read_csv(
    source: bytes | str | Path,
    options: ReadOptions | Mapping[str, Any] | None = None,
    *,
    name: str | None = None,
    **overrides: Any,
) -> SequenceDataset:
    """Read a CSV of sequences in any of the three layouts.

    Args:
        source: CSV bytes (plain or gzip), a path, or CSV text.
        options: How to read it: a :class:`~rnnlab.data.read_options.ReadOptions` (or its dict, as a link
            or a run keeps it); ``None`` detects everything. Its fields: ``layout`` (``"long"``, ``"wide"``,
            ``"series"``; ``None``/``"auto"`` detects it); ``id_column``, ``time_column``,
            ``label_column`` (``None`` detects them; ``label_column="(none)"``,
            :data:`~rnnlab.data.read_options.NO_LABEL`, says the file has no label); ``label_kind``
            (force ``"class"`` or ``"value"``); ``feature_columns`` (wide: the step columns; ``None`` =
            every numeric one); ``keep_columns`` (kept as features although they look like row numbers);
            ``one_hot`` (text columns one-hot encoded instead of dropped); ``fill`` (gaps inside a sequence:
            ``"interpolate"``, ``"ffill"`` or ``"drop"``); ``header`` (``None``/``"auto"``, ``True``,
            ``False``); ``pad_value`` and ``trailing_zeros_as_padding`` (wide rows' trailing padding:
            ``True`` trailing zeros are padding, ``False`` none, ``None`` found on its own).
        name: Display name (defaults to the file name).
        **overrides: Any of those fields as a keyword (``fill="drop"``), on top of ``options``.

    Returns:
        The dataset; ``dataset.detection`` says why the layout was chosen, ``dataset.notes`` what was done.

    Raises:
        ValueError: an option :class:`~rnnlab.data.read_options.ReadOptions` does not take.
        DataError: what must hold, and the line, column or value at fault.

    Example:
        >>> ds = read_csv(b"id,step,x,label\\na,1,1.0,0\\na,2,2.0,0\\nb,1,3.0,1\\nb,2,4.0,1\\n")
        >>> ds.layout, ds.tensor_shape, ds.labels.tolist()
        ('long', (2, 2, 1), [0, 1])
    """
    chosen = as_read_options(options, **overrides)
    fill, label_kind = chosen.fill, chosen.label_kind
    if name is None:
        name = (
            Path(source).name if isinstance(source, (str, Path)) and "\n" not in str(source) else "upload.csv"
        )
    table = sniff.read_table(source, header="auto" if chosen.header is None else chosen.header)
    frame, notes = table.frame, list(table.notes)
    plan = layouts.plan_layout(frame, header=table.header, options=chosen)
    one_hot = chosen.one_hot
    for column in one_hot:
        if column not in set(plan.text_columns) | set(plan.feature_columns):
            raise DataError(
                f"`one_hot` must name non-numeric columns the file has ({', '.join(plan.text_columns)}"
                f"). Received: {column!r}"
            )
    values, names = _features(frame, plan, one_hot, table, notes)
    extra: dict = {}
    if plan.layout == "long":
        parts, out = sequences.read_long(frame, plan, values, table, fill, label_kind, notes)
        extra = {"frequency": out["frequency"], "time_name": plan.time_name}
        if out["labels"] is not None and plan.label_why:
            notes.append(_label_note(plan, out["labels"]))
    elif plan.layout == "wide":
        padding = (chosen.pad_value, chosen.trailing_zeros_as_padding)
        parts, out = sequences.read_wide(frame, plan, values, table, fill, label_kind, notes, *padding)
        names = ["value"]
    else:
        parts, out = sequences.read_series(frame, plan, values, table, fill, notes)
        if plan.time_name:
            plan.reason += f", in the order of {plan.time_name!r}"
        extra = {"time_index": out["time_index"], "time_name": plan.time_name, "frequency": out["frequency"]}
    label = () if plan.label_column is None else (plan.label_column,)  # labels come from that column
    return SequenceDataset(
        name=name,
        layout=plan.layout,
        sequences=parts["sequences"],
        feature_names=names,
        labels=out["labels"],
        label_names=list(label) if out["labels"] is not None else [],
        label_kind=out["label_kind"],
        step_targets=out["step_targets"],
        step_target_names=list(label) if out["step_targets"] is not None else [],
        step_target_kind=out.get("step_target_kind")
        or ("value" if out["step_targets"] is not None else None),
        roles=_roles(frame, plan),
        splits=out["splits"],
        ids=out["ids"],
        detection=plan.reason,
        notes=notes,
        missing_filled=parts["filled"],
        **extra,
    )
