"""What the Data page and ``python -m rnnlab describe --json`` show about a dataset: one plain dict."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.data.dataset import SequenceDataset


def tensor_shape_text(dataset: SequenceDataset) -> str:
    """The shape as the course writes it.

    Example:
        >>> from rnnlab.data.dataset import SequenceDataset
        >>> ds = SequenceDataset("x", "long", [np.zeros((4, 3))] * 3, ["a", "b", "c"])
        >>> tensor_shape_text(ds)
        '(n_sequences, n_observations, n_features) = (3, 4, 3)'
    """
    return f"(n_sequences, n_observations, n_features) = {dataset.tensor_shape}"


def _target_summary(values: np.ndarray) -> dict[str, float]:
    values = np.asarray(values, dtype=np.float64)
    return {
        "min": float(values.min()),
        "mean": float(values.mean()),
        "max": float(values.max()),
        "std": float(values.std()),
    }


def _stamp(value) -> str:
    if isinstance(value, np.datetime64):
        text = np.datetime_as_string(value, unit="s")
        return text[:10] if text.endswith("T00:00:00") else text.replace("T", " ")
    return f"{float(value):g}"


def _step_classes(dataset: SequenceDataset) -> dict[str, int] | None:
    """Class → number of steps, for a per-step class target."""
    if dataset.step_targets is None or dataset.step_target_kind != "class":
        return None
    values, counts = np.unique(
        np.concatenate([np.asarray(t).astype(str) for t in dataset.step_targets]), return_counts=True
    )
    return {str(v): int(c) for v, c in zip(values, counts)}


ROLE_ORDER = ("id", "time", "label", "tag target", "feature")


def columns_by_role(roles: dict[str, list[str]]) -> dict[str, list[str]]:
    """Role → the columns that can play it (roles no column can play are left out).

    Example:
        >>> columns_by_role({"store": ["id"], "sales": ["tag target", "feature"]})
        {'id': ['store'], 'tag target': ['sales'], 'feature': ['sales']}
    """
    out = {role: [c for c, can in roles.items() if role in can] for role in ROLE_ORDER}
    return {role: columns for role, columns in out.items() if columns}


def dataset_summary(dataset: SequenceDataset) -> dict[str, Any]:
    """Everything the Data page summary shows, JSON-ready.

    Returns:
        A dict with ``name, layout, detection, n_sequences, min_length, median_length, max_length,
        n_features, features, label, label_kind, classes, target_summary, step_targets,
        missing_filled, notes, tensor_shape, tensor_shape_text, splits, time_column, frequency,
        start, end, tasks``.
    """
    lengths = dataset.lengths
    classes = dataset.classes
    target = None
    if dataset.label_kind == "value" and dataset.labels is not None:
        target = _target_summary(dataset.labels)
    elif dataset.step_targets is not None and dataset.step_target_kind != "class":
        target = _target_summary(np.concatenate([np.ravel(t) for t in dataset.step_targets]))
    splits = None
    if dataset.splits is not None:
        names, counts = np.unique(np.asarray(dataset.splits).astype(str), return_counts=True)
        splits = {str(n): int(c) for n, c in zip(names, counts)}
    start = end = None
    if dataset.time_index is not None and len(dataset.time_index):
        start, end = (_stamp(dataset.time_index[i]) for i in (0, -1))
    return {
        "name": dataset.name,
        "layout": dataset.layout,
        "detection": dataset.detection,
        "n_sequences": dataset.n_sequences,
        "min_length": int(lengths.min()),
        "median_length": float(np.median(lengths)),
        "max_length": int(lengths.max()),
        "ragged": bool(dataset.is_ragged),
        "n_features": dataset.n_features,
        "features": list(dataset.feature_names),
        "label": dataset.label_names[0] if dataset.label_names else None,
        "label_kind": dataset.label_kind,
        "classes": {str(k): int(v) for k, v in classes.items()} if classes else None,
        "target_summary": target,
        "step_targets": dataset.step_target_names[0] if dataset.step_target_names else None,
        "step_target_kind": dataset.step_target_kind,
        "step_classes": _step_classes(dataset),
        "missing_filled": int(dataset.missing_filled),
        "notes": list(dataset.notes),
        "tensor_shape": list(dataset.tensor_shape),
        "tensor_shape_text": tensor_shape_text(dataset),
        "splits": splits,
        "time_column": dataset.time_name,
        "frequency": dataset.frequency,
        "start": start,
        "end": end,
        "tasks": dataset.allowed_tasks(),
        "roles": {str(k): list(v) for k, v in dataset.roles.items()},
    }


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The summary as short plain-text lines (for the terminal)."""
    lines = [
        f"layout: {summary['layout']} — {summary['detection']}",
        f"sequences: {summary['n_sequences']}, length min/median/max: {summary['min_length']}/"
        f"{summary['median_length']:g}/{summary['max_length']}",
        f"features ({summary['n_features']}): {', '.join(summary['features'][:20])}"
        + (" …" if summary["n_features"] > 20 else ""),
        f"tensor shape: {summary['tensor_shape_text']}",
    ]
    if summary["classes"]:
        counts = ", ".join(f"{k}: {v}" for k, v in summary["classes"].items())
        lines.append(f"label {summary['label']!r} (classes): {counts}")
    elif summary.get("step_classes"):
        counts = ", ".join(f"{k}: {v}" for k, v in summary["step_classes"].items())
        lines.append(f"per-step class {summary['step_targets']!r} (steps): {counts}")
    elif summary["target_summary"]:
        t = summary["target_summary"]
        column = summary["label"] or summary["step_targets"]
        lines.append(f"target {column!r}: min {t['min']:g}, mean {t['mean']:.4g}, max {t['max']:g}")
    if summary["time_column"]:
        span = f", {summary['start']} … {summary['end']}" if summary["start"] is not None else ""
        lines.append(f"time: {summary['time_column']} ({summary['frequency'] or 'frequency unknown'}){span}")
    if summary["splits"]:
        lines.append("archive split: " + ", ".join(f"{k} {v}" for k, v in summary["splits"].items()))
    lines.append(f"missing values filled: {summary['missing_filled']}")
    lines.extend(f"note: {note}" for note in summary["notes"])
    lines.append("tasks: " + ", ".join(summary["tasks"]))
    if summary.get("roles"):
        lines.append(
            "roles: "
            + "; ".join(f"{c}: {', '.join(r) or '-'}" for c, r in list(summary["roles"].items())[:30])
        )
    return lines
