"""The best naive baseline on validation, in the units of the live training curves (no TensorFlow).

Keras reports loss and MAE on the *scaled* targets of :meth:`FramedData.scaled`;
the dashed baseline line on the live curves must be in those same units, or the
curves must be turned back into original units. :func:`reference` gives both: the
baseline's validation loss (MSE) and MAE on scaled targets, and ``y_scale``, the
factor that turns a scaled MAE into original units when there is one standardised
target (MAE × y_std).
"""

from __future__ import annotations

import numpy as np

from rnnlab.evaluation import scoreboard


def _y_scale(framed) -> float | None:
    std = framed.y_std
    if std is None:
        return None
    std = np.asarray(std, dtype=float).ravel()
    return float(std[0]) if std.size == 1 else None


def _scaled(framed, y: np.ndarray, split: str = "val") -> np.ndarray:
    if hasattr(framed, "scale_y"):
        return np.asarray(framed.scale_y(y, split), dtype=float)
    y = np.asarray(y, dtype=float)
    if framed.y_mean is None or framed.y_std is None:
        return y
    return (y - np.asarray(framed.y_mean, dtype=float)) / np.asarray(framed.y_std, dtype=float)


def _weighted_mean(values: np.ndarray, weight: np.ndarray | None) -> float:
    if weight is None:
        return float(np.mean(values))
    w = np.broadcast_to(
        np.asarray(weight, dtype=float).reshape(weight.shape + (1,) * (values.ndim - weight.ndim)),
        values.shape,
    )
    return float(np.sum(values * w) / max(np.sum(w), 1e-12))


def reference(framed) -> dict | None:
    """The best baseline (chosen on validation) as reference values for the training curves.

    Returns:
        ``{"name", "metric", "value", "loss", "scaled_value", "y_scale"}`` where ``value`` is the
        baseline's validation ``metric`` in original units (accuracy for classification),
        ``scaled_value`` its MAE on scaled targets, ``loss`` its MSE on scaled targets (``None`` for
        classification), and ``y_scale`` the single target's std (``None`` with several targets or
        no scaling). ``None`` when no baseline can be computed.

    Example:
        >>> ref = reference(framed)  # doctest: +SKIP
        >>> ref["name"], ref["metric"]  # doctest: +SKIP
        ('last value', 'mae')
    """
    metric = framed.curve_metric  # the line is drawn on Keras's own curve
    try:
        board = scoreboard.scoreboard(framed)
        best = scoreboard.best(board, metric=metric)
    except (ValueError, KeyError, ZeroDivisionError):
        return None
    if not best:
        return None
    value = (best.get("val") or {}).get(metric)
    if value is None or not np.isfinite(float(value)):
        return None  # no validation split: no baseline was chosen on it, so no line to draw
    out = {
        "name": best.get("name"),
        "metric": metric,
        "value": None if value is None else float(value),
        "loss": None,
        "scaled_value": None,
        "y_scale": _y_scale(framed),
    }
    if metric != "mae":
        return out
    try:
        pred = scoreboard.predict_all(framed, "val")[best["name"]]
        _x, y_true, weight = framed.scaled("val")
        diff = _scaled(framed, pred) - np.asarray(y_true, dtype=float).reshape(np.shape(pred))
    except (ValueError, KeyError, TypeError):
        return out
    if diff.size:
        out["scaled_value"] = _weighted_mean(np.abs(diff), weight)
        out["loss"] = _weighted_mean(diff**2, weight)
    return out
