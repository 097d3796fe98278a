"""The tables in a run's export zip: ``data.csv`` (the data the run was framed from, in original units),
``predictions.csv`` (the test predictions beside the truth) and the data facts ``train_again.py`` needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from rnnlab.core.text import spreadsheet_cell
from rnnlab.task.collection import encode_labels

__all__ = [
    "bookkeeping_columns",
    "data_info",
    "data_frame",
    "formula_cells",
    "predictions_frame",
    "spreadsheet_safe",
]


def data_info(framed) -> dict[str, Any]:
    """What ``train_again.py`` needs to know about the framing: names, shapes, pad values and the split.

    A collection's split is the ``split`` column of ``data.csv`` (one per sequence). A forecast's is written
    here, never drawn again: ``split_first_target`` gives, per split, the first and last step at which its
    windows' first target falls (``{split: [first, last]}``; for a collection forecast one such dict per
    sequence, keyed by the ``sequence`` column; a sequence without windows has none). Windows between two
    ranges were dropped because their targets straddle two splits.

    Example:
        >>> import numpy as np
        >>> from rnnlab.data.dataset import SequenceDataset
        >>> from rnnlab.task.framing import frame
        >>> from rnnlab.task.types import TaskConfig
        >>> ds = SequenceDataset("ramp", "series", [np.arange(40.0)[:, None]], ["v"])
        >>> data_info(frame(ds, TaskConfig("forecast", window=4, horizon=2)))["split_first_target"]
        {'train': [4, 26], 'val': [28, 32], 'test': [34, 38]}
    """
    info = {
        "feature_names": list(framed.feature_names),
        "target_names": list(framed.target_names),
        "class_names": framed.class_names,
        "n_steps": framed.n_steps,
        "n_features": framed.n_features,
        "y_shape": list(framed.y_shape),
        "offsets": [int(o) for o in framed.offsets],
        "target_in_inputs": list(framed.target_in_inputs),
        "pad_value": framed.pad_value,
        "model_pad_value": framed.model_pad_value,
        "mask": bool(framed.mask),
        "columns": bookkeeping_columns(framed),
    }
    if framed.config.kind == "forecast":
        info["series_names"] = list(framed.series_names)
        info["collection"] = framed.panel is not None
        info["split_first_target"] = _first_target_ranges(framed)
    return info


def _first_target_ranges(framed) -> dict:
    """``{split: [first, last]}`` of the windows' first target steps; per sequence for a collection."""
    if framed.panel is None:
        return {
            name: [int(part.index.min()), int(part.index.max())]
            for name in ("train", "val", "test")
            if len(part := framed.split(name))
        }
    out: dict[int, dict[str, list[int]]] = {}
    for name in ("train", "val", "test"):
        part = framed.split(name)
        if not len(part):
            continue
        order = np.argsort(part.sequence, kind="stable")
        sequence, first = part.sequence[order], part.index[order]
        seqs, starts = np.unique(sequence, return_index=True)
        lows, highs = np.minimum.reduceat(first, starts), np.maximum.reduceat(first, starts)
        for seq, low, high in zip(seqs, lows, highs):
            out.setdefault(int(seq), {})[name] = [int(low), int(high)]
    return dict(sorted(out.items()))


def _free(name: str, taken: set[str]) -> str:
    """``name``, with ``_`` appended until it is none of ``taken`` (a data column may be called ``step``)."""
    while name in taken:
        name += "_"
    return name


def bookkeeping_columns(framed) -> dict[str, Any]:
    """The names of ``data.csv``'s own columns, none of them a data column's name.

    ``sequence``, ``step``, ``split``, ``label``, ``time`` (as free names), and ``targets``: the columns
    holding a collection's targets (a tagging target also read as an input gets a column of its own).
    """
    names = list(framed.series_names) if framed.config.kind == "forecast" else list(framed.feature_names)
    taken = set(names)
    targets = []
    if framed.config.kind in ("regress", "tag"):
        for name in framed.target_names:
            targets.append(_free(name, taken))
            taken.add(targets[-1])
    out = {}
    for name in ("sequence", "step", "split", "label", "time"):
        out[name] = _free(name, taken)
        taken.add(out[name])
    return {**out, "targets": targets}


def data_frame(dataset, framed) -> pd.DataFrame:
    """The data as ``train_again.py`` reads it (see :func:`bookkeeping_columns` for the column names).

    One series: its columns (and ``time``). A collection forecast: ``sequence``, ``step``, then the columns
    of every sequence. A collection to classify, regress or tag: one row per step of each sequence
    (``sequence``, ``step``, ``split``, inputs, then the ``label``, the values or the class of each step),
    the training sequences first. Forecasts hold only the data of the run's origin (``framed.series`` and
    ``framed.panel`` are cut at a backtest's origin).
    """
    columns = bookkeeping_columns(framed)
    if framed.config.kind == "forecast":
        if framed.panel is None:
            df = pd.DataFrame(framed.series, columns=framed.series_names)
            if framed.time_index is not None:
                df.insert(0, columns["time"], framed.time_index)
            return df
        parts = []
        for i, seq in enumerate(framed.panel):
            part = pd.DataFrame(seq, columns=framed.series_names)
            part.insert(0, columns["step"], np.arange(len(seq)))
            part.insert(0, columns["sequence"], i)
            parts.append(part)
        return pd.concat(parts, ignore_index=True)
    targets = _targets(dataset, framed)
    return pd.concat(
        [
            _sequence_frame(dataset, framed, columns, name, int(i), targets[int(i)])
            for name in ("train", "val", "test")
            for i in framed.split(name).index
        ],
        ignore_index=True,
    )


def _targets(dataset, framed) -> list[np.ndarray]:
    """Each sequence's targets as ``data.csv`` writes them: ``(1, k)`` per sequence (a class by its name,
    or values) or ``(n_steps_i, k)`` per step (values, or a class by its name)."""
    kind = framed.config.kind
    if kind == "classify":
        codes, names = encode_labels(dataset.labels)
        return [np.array([[names[c]]], dtype=object) for c in codes]
    if kind == "regress":
        return [np.atleast_1d(np.asarray(v, dtype=np.float64))[None, :] for v in dataset.labels]
    lengths = [len(t) for t in dataset.step_targets]
    if framed.class_names is None:
        return [np.asarray(t, dtype=np.float64).reshape(n, -1) for t, n in zip(dataset.step_targets, lengths)]
    codes, names = encode_labels(np.concatenate([np.asarray(t) for t in dataset.step_targets]))
    per_step = np.asarray(names, dtype=object)[codes]
    return [part[:, None] for part in np.split(per_step, np.cumsum(lengths)[:-1])]


def _sequence_frame(dataset, framed, columns: dict, split: str, i: int, targets: np.ndarray) -> pd.DataFrame:
    """The rows of sequence ``i`` of a collection to classify, regress or tag."""
    inputs = [dataset.feature_names.index(f) for f in framed.feature_names]
    seq = np.asarray(dataset.sequences[i], dtype=np.float64)[:, inputs]
    part = pd.DataFrame(seq, columns=framed.feature_names)
    part.insert(0, columns["split"], split)
    part.insert(0, columns["step"], np.arange(len(seq)))
    part.insert(0, columns["sequence"], i)
    names = [columns["label"]] if framed.config.kind == "classify" else columns["targets"]
    for j, column in enumerate(names):
        part[column] = np.broadcast_to(targets[:, j], (len(seq),)) if len(targets) == 1 else targets[:, j]
    return part


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose header and text cells cannot run as spreadsheet formulas (:func:`spreadsheet_cell`)."""
    out = df.copy()
    out.columns = [spreadsheet_cell(str(c)) for c in out.columns]
    for column in out.select_dtypes(include=["object", "string"]).columns:
        out[column] = out[column].map(spreadsheet_cell)
    return out


def formula_cells(df: pd.DataFrame) -> int:
    """How many header and text cells of ``df`` a spreadsheet would read as formulas."""
    cells = [str(c) for c in df.columns]
    for column in df.select_dtypes(include=["object", "string"]).columns:
        cells += [v for v in df[column].tolist() if isinstance(v, str)]
    return sum(spreadsheet_cell(v) != v for v in cells)


def predictions_frame(
    run: Mapping[str, Any], preds: Mapping[str, Any] | None, framed
) -> pd.DataFrame | None:
    """Test predictions (and truth when known) as one row per test sample, flattened columns."""
    if not preds:
        return None
    y_pred = np.asarray(preds["y_pred"], dtype=np.float64)
    y_pred = y_pred.reshape(len(y_pred), -1)
    if run.get("task_kind") == "classify" and framed is not None and framed.class_names:
        df = pd.DataFrame(y_pred, columns=[f"proba_{c}" for c in framed.class_names])
        df["predicted"] = [framed.class_names[k] for k in y_pred.argmax(axis=1)]
        truth = preds.get("y_true")
        truth = framed.test.y if truth is None and len(framed.test.y) == len(df) else truth
        if truth is not None:
            df["true"] = [framed.class_names[int(k)] for k in np.asarray(truth).reshape(-1)]
        return df
    df = pd.DataFrame(y_pred, columns=[f"pred_{j}" for j in range(y_pred.shape[1])])
    y_true = preds.get("y_true")
    if y_true is None and framed is not None and len(framed.test.y) == len(df):
        y_true = framed.test.y
    if y_true is not None:
        truth = np.asarray(y_true, dtype=np.float64).reshape(len(df), -1)
        for j in range(truth.shape[1]):
            df[f"true_{j}"] = truth[:, j]
    return df
