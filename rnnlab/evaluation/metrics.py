"""Metrics as pure functions ``metric(y_true, y_pred)``, in the data's original units.

Regression metrics take arrays of any matching shape; NaN in ``y_true``
marks a step without a target (a padded step in tagging) and is skipped.
Classification metrics take integer class ids.
"""

from __future__ import annotations

import numpy as np


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.broadcast_to(np.asarray(y_pred, dtype=np.float64), y_true.shape)
    keep = np.isfinite(y_true)
    return y_true[keep], y_pred[keep]


def mae(y_true, y_pred) -> float:
    """Mean absolute error ``mean |y - ŷ|``.

    >>> mae([1, 2, 3], [2, 2, 5])
    1.0
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p))) if t.size else float("nan")


def rmse(y_true, y_pred) -> float:
    """Root mean squared error ``sqrt(mean (y - ŷ)²)``.

    >>> rmse([0, 0], [3, 4])
    3.5355339059327378
    """
    t, p = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((t - p) ** 2))) if t.size else float("nan")


def naive_scale(train_series) -> np.ndarray:
    """In-sample one-step naive MAE ``mean |y_t - y_(t-1)|`` per column of the training series.

    >>> naive_scale([1.0, 3.0, 2.0]).tolist()
    [1.5]
    """
    series = np.asarray(train_series, dtype=np.float64)
    series = series[:, None] if series.ndim == 1 else series
    return np.nanmean(np.abs(np.diff(series, axis=0)), axis=0)


def mase(y_true, y_pred, scale) -> float:
    """Mean absolute scaled error ``mean |y - ŷ| / scale`` (scale per target, on the last axis).

    ``scale`` is the in-sample one-step naive MAE of the training series
    (:func:`naive_scale`); below 1 beats that naive forecast on average.

    >>> mase([2.0, 4.0], [3.0, 3.0], [2.0])
    0.5
    """
    scale = np.atleast_1d(np.asarray(scale, dtype=np.float64))
    y_true = np.asarray(y_true, dtype=np.float64)
    if scale.size == 1:
        scale = scale[0]
    if not np.all(np.isfinite(scale)) or np.any(np.asarray(scale) <= 0):
        return float("nan")
    errors = np.abs(y_true - np.asarray(y_pred, dtype=np.float64)) / scale
    errors = errors[np.isfinite(y_true)]
    return float(np.mean(errors)) if errors.size else float("nan")


def r2(y_true, y_pred) -> float:
    """Coefficient of determination ``1 - Σ(y - ŷ)² / Σ(y - ȳ)²`` (ȳ per output column).

    >>> r2([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    0.5
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    if y_true.size == 0:
        return float("nan")
    y_pred = np.broadcast_to(np.asarray(y_pred, dtype=np.float64), y_true.shape)
    t = y_true.reshape(len(y_true), -1) if y_true.ndim else y_true.reshape(1, 1)
    p = y_pred.reshape(t.shape)
    mean = np.nanmean(t, axis=0) if len(t) else np.zeros(t.shape[1])
    keep = np.isfinite(t)
    ss_res = np.sum(((t - p) ** 2)[keep])
    ss_tot = np.sum(((t - mean) ** 2)[keep])
    return float(1.0 - ss_res / ss_tot) if ss_tot > 0 else float("nan")


def accuracy(y_true, y_pred) -> float:
    """Share of exact matches ``mean(y == ŷ)``.

    >>> accuracy([0, 1, 1, 2], [0, 1, 0, 2])
    0.75
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(t == p)) if t.size else float("nan")


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """``C[i, j]`` = samples of true class i predicted as j.

    >>> confusion_matrix([0, 1, 1], [0, 0, 1]).tolist()
    [[1, 0], [1, 1]]
    """
    t, p = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    k = n_classes or int(max(t.max(initial=-1), p.max(initial=-1)) + 1)
    out = np.zeros((k, k), dtype=np.int64)
    np.add.at(out, (t, p), 1)
    return out


def balanced_accuracy(y_true, y_pred) -> float:
    """Mean recall over the classes present in ``y_true``: ``mean_k C[k,k] / Σ_j C[k,j]``.

    >>> balanced_accuracy([0, 0, 0, 1], [0, 0, 0, 0])
    0.5
    """
    c = confusion_matrix(y_true, y_pred)
    support = c.sum(axis=1)
    present = support > 0
    return float(np.mean(np.diag(c)[present] / support[present])) if present.any() else float("nan")


def macro_f1(y_true, y_pred) -> float:
    """Unweighted mean over classes of ``F1 = 2·TP / (2·TP + FP + FN)`` (classes seen in y_true or ŷ).

    >>> round(macro_f1([0, 0, 1, 1], [0, 1, 1, 1]), 4)
    0.7333
    """
    c = confusion_matrix(y_true, y_pred)
    tp = np.diag(c).astype(np.float64)
    denom = 2 * tp + (c.sum(axis=0) - tp) + (c.sum(axis=1) - tp)
    seen = denom > 0
    return float(np.mean(2 * tp[seen] / denom[seen])) if seen.any() else float("nan")


def class_pairs(framed, y_true, y_pred_or_proba) -> tuple[np.ndarray, np.ndarray]:
    """Flat true and predicted class ids of the real samples (tagging: real steps; padded steps are -1).

    Probabilities (one more axis than ``y_true``) become their most likely class.
    """
    y_true = np.asarray(y_true)
    pred = np.asarray(y_pred_or_proba)
    if pred.ndim == y_true.ndim + 1:
        pred = pred.argmax(axis=-1)
    pred = pred.reshape(y_true.shape)
    real = y_true >= 0
    return y_true[real].astype(np.int64), pred[real].astype(np.int64)


def class_confusion(framed, y_true, y_pred_or_proba) -> np.ndarray:
    """``C[i, j]`` = samples (tagging: real steps) of true class i predicted as j, over all the task's classes."""
    t, p = class_pairs(framed, y_true, y_pred_or_proba)
    return confusion_matrix(t, p, framed.n_classes)


def task_metrics(framed, y_true, y_pred_or_proba) -> dict[str, float]:
    """The task's metrics in original units.

    Args:
        framed: The :class:`~rnnlab.task.types.FramedData` (task kind, MASE scale).
        y_true: True targets in original units (classify: class ids).
        y_pred_or_proba: Predictions in original units, or class probabilities ``(n, K)`` / ids for classify.

    Returns:
        classify and tagging classes: ``accuracy, balanced_accuracy, macro_f1``; otherwise ``mae, rmse, mase, r2``.
    """
    if framed.is_class_task:
        t, pred = class_pairs(framed, y_true, y_pred_or_proba)
        return {
            "accuracy": accuracy(t, pred),
            "balanced_accuracy": balanced_accuracy(t, pred),
            "macro_f1": macro_f1(t, pred),
        }
    scale = framed.mase_scale if framed.mase_scale is not None else [np.nan]
    return {
        "mae": mae(y_true, y_pred_or_proba),
        "rmse": rmse(y_true, y_pred_or_proba),
        "mase": mase(y_true, y_pred_or_proba, scale),
        "r2": r2(y_true, y_pred_or_proba),
    }
