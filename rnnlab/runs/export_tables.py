"""The tables in a run's export zip: ``data.csv`` (the data the run was framed from, in original units),
``predictions.csv`` (the test predictions beside the truth) and the data facts ``train_again.py`` needs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rnnlab.core.text import spreadsheet_cell
from rnnlab.task.collection import encode_labels

__all__ = ["data_info", "data_frame", "formula_cells", "predictions_frame", "spreadsheet_safe"]


def data_info(framed) -> dict[str, Any]:
    """What ``train_again.py`` needs to know about the framing (names, shapes, pad values, split)."""
    info = {
        "feature_names": list(framed.feature_names),
        "target_names": list(framed.target_names),
        "class_names": framed.class_names,
        "n_steps": framed.n_steps,
        "n_features": framed.n_features,
        "y_shape": list(framed.y_shape),
        "offsets": [int(o) for o in framed.offsets],
        "pad_value": framed.pad_value,
        "model_pad_value": framed.model_pad_value,
        "mask": bool(framed.mask),
    }
    if framed.config.kind == "forecast":
        info["split_first_target"] = {
            name: [int(part.index.min()), int(part.index.max())]
            for name in ("train", "val", "test")
            if len(part := framed.split(name))
        }
    return info


def data_frame(dataset, framed) -> pd.DataFrame:
    """The data as ``train_again.py`` reads it: the series' columns, or one row per step of each sequence
    (``sequence``, ``step``, ``split``, features, ``label`` / targets)."""
    if framed.config.kind == "forecast":
        df = pd.DataFrame(framed.series, columns=framed.series_names)
        if framed.time_index is not None:
            df.insert(0, "time", framed.time_index)
        return df
    frames = []
    for name in ("train", "val", "test"):
        for i in framed.split(name).index:
            seq = np.asarray(dataset.sequences[i], dtype=np.float64)[
                :, [dataset.feature_names.index(f) for f in framed.feature_names]
            ]
            part = pd.DataFrame(seq, columns=framed.feature_names)
            part.insert(0, "split", name)
            part.insert(0, "step", np.arange(len(seq)))
            part.insert(0, "sequence", i)
            kind = framed.config.kind
            if kind == "classify":
                codes, names = encode_labels(dataset.labels)
                part["label"] = names[codes[i]]
            elif kind == "regress":
                values = np.atleast_1d(np.asarray(dataset.labels[i], dtype=np.float64))
                for name_, value in zip(framed.target_names, values):
                    part[name_] = value
            else:
                steps = np.asarray(dataset.step_targets[i], dtype=np.float64).reshape(len(seq), -1)
                for j, name_ in enumerate(framed.target_names):
                    part[name_] = steps[:, j]
            frames.append(part)
    return pd.concat(frames, ignore_index=True)


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


def predictions_frame(run: dict[str, Any], preds: dict[str, Any] | None, framed) -> pd.DataFrame | None:
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
