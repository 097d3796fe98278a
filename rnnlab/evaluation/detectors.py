"""Failure detectors: pure checks on a run's numbers that explain what went wrong, with a concrete hint.

Each detector returns ``None`` (nothing wrong) or a finding ``{"name", "message", "hint"}``.
:func:`run_all` runs every detector whose inputs are given. No TensorFlow, no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from rnnlab.core.metric_registry import is_better

Finding = dict[str, str]


def _finding(name: str, message: str, hint: str) -> Finding:
    return {"name": name, "message": message, "hint": hint}


def flat_line(y_true: np.ndarray, y_pred: np.ndarray, ratio: float = 0.01) -> Finding | None:
    """The model predicts nearly the same value for every sample: ``var(pred) < ratio · var(true)``.

    >>> flat_line(np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 1.001]))["name"]
    'flat_line'
    """
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    if y_true.size < 2 or y_pred.size < 2:
        return None
    var_true, var_pred = float(np.nanvar(y_true)), float(np.nanvar(y_pred))
    if var_true <= 0 or var_pred >= ratio * var_true:
        return None
    return _finding(
        "flat_line",
        f"Predictions are nearly constant: their variance is {var_pred:.3g}, against {var_true:.3g} for "
        "the targets — the model predicts about the same value for every sample.",
        "Train longer or with a larger learning rate, check that inputs are scaled and that the mask "
        "is on for padded data; a flat line often means the network has learnt only the mean.",
    )


def loss_diverged(history: dict[str, Sequence[float]], factor: float = 10.0) -> Finding | None:
    """Loss is NaN/infinite, or ends more than ``factor`` × its first value (exploding)."""
    losses = [float(v) for v in history.get("loss", [])]
    if not losses:
        return None
    bad = [i for i, v in enumerate(losses) if not math.isfinite(v)]
    if bad:
        return _finding(
            "loss_nan",
            f"The training loss became {losses[bad[0]]} at epoch {bad[0] + 1}.",
            "Lower the learning rate (e.g. by 10×), scale the inputs, and check the data for missing "
            "values; gradient clipping (clipnorm=1.0) also helps recurrent networks.",
        )
    if losses[0] > 0 and losses[-1] > factor * losses[0]:
        return _finding(
            "loss_exploding",
            f"The training loss grew from {losses[0]:.3g} to {losses[-1]:.3g} — it is exploding.",
            "Lower the learning rate and scale the inputs; exploding gradients are the RNN's classic "
            "failure — gradient clipping (clipnorm=1.0) keeps them in check.",
        )
    return None


def overfitting(history: dict[str, Sequence[float]], epochs: int = 3) -> Finding | None:
    """Validation loss rose for ``epochs`` epochs in a row while training loss fell."""
    loss = [float(v) for v in history.get("loss", [])]
    val = [float(v) for v in history.get("val_loss", [])]
    n = min(len(loss), len(val))
    if n < epochs + 1:
        return None
    for end in range(n - 1, epochs - 1, -1):
        window = range(end - epochs + 1, end + 1)
        if all(val[i] > val[i - 1] for i in window) and all(loss[i] < loss[i - 1] for i in window):
            best = int(np.argmin(val[:n])) + 1
            return _finding(
                "overfitting",
                f"Validation loss rose for {epochs} epochs in a row (up to epoch {end + 1}) while training "
                f"loss kept falling: the model is memorising the training set (best epoch: {best}).",
                "Use early stopping (patience), add dropout or recurrent dropout, use fewer units, or "
                "get more training data.",
            )
    return None


def unscaled_inputs(
    X: np.ndarray,
    scaled: bool,
    feature_names: Sequence[str] | None = None,
    mask: np.ndarray | None = None,
    ratio: float = 100.0,
) -> Finding | None:
    """With scaling off, feature scales (standard deviations on real steps) differ by ≥ ``ratio``×.

    Args:
        X: (n, T, F) or (n, F) inputs. scaled: whether the task standardises inputs.
        mask: (n, T) True for real steps (padded steps are ignored).
    """
    if scaled:
        return None
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 3:
        X = X[np.asarray(mask, bool)] if mask is not None else X.reshape(-1, X.shape[-1])
    if X.ndim != 2 or X.shape[1] < 1 or X.shape[0] < 2:
        return None
    scales = np.nanstd(X, axis=0)
    scales = np.where(scales > 0, scales, np.nan)
    magnitude = np.nanmax(np.abs(X), axis=0)
    if X.shape[1] == 1:
        big = float(magnitude[0])
        if big < ratio:
            return None
        return _finding(
            "unscaled_inputs",
            f"Scaling is off and the input reaches {big:.3g}; tanh and sigmoid saturate on such values.",
            "Turn scaling on in the Task step (standardise on the training part).",
        )
    if np.all(np.isnan(scales)):
        return None
    hi, lo = int(np.nanargmax(scales)), int(np.nanargmin(scales))
    if scales[hi] / scales[lo] < ratio:
        return None
    names = list(feature_names) if feature_names is not None else [f"feature {i}" for i in range(X.shape[1])]
    return _finding(
        "unscaled_inputs",
        f"Scaling is off and feature scales differ by {scales[hi] / scales[lo]:.0f}×: "
        f"{names[hi]} (std {scales[hi]:.3g}) against {names[lo]} (std {scales[lo]:.3g}).",
        "Turn scaling on in the Task step, so every feature is standardised on the training part; "
        "otherwise the large feature drowns the small ones and saturates the gates.",
    )


CELL_NAMES = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU", "dense": "dense network"}


def baseline_hint(cell: str | None = None, trending: bool = False, majority_only: bool = False) -> str:
    """Advice that fits the run: no 'try a GRU' to a GRU; 'predict the change' for a trend; class weights
    when the model answers only the majority class.

    Example:
        >>> "GRU" in baseline_hint("gru")
        False
        >>> "predict the change" in baseline_hint("gru", trending=True)
        True
    """
    tips = []
    if trending:
        tips.append(
            "the series trends out of the training range, so predict the change over the last value "
            "(Task step: predict = change) instead of the level"
        )
    if majority_only:
        tips.append(
            "the model answers only the most frequent class, so train with class_weight = balanced (rare "
            "classes weigh more in the loss)"
        )
    other = [name for key, name in CELL_NAMES.items() if key not in (cell, "dense", "simple_rnn")]
    if cell in (None, "simple_rnn", "dense"):
        other = ["GRU", "LSTM"]
    if not tips:
        tips.append(
            f"try more epochs, a longer window or more units{', or ' + ' / '.join(other) if other else ''}"
        )
    text = "; ".join(tips)
    return (
        text[0].upper() + text[1:] + " — and ask whether the inputs hold any information beyond what the "
        "baseline already uses."
    )


def not_beating_baseline(
    metric: str,
    model_value: float,
    baseline_value: float,
    baseline_name: str = "the best baseline",
    hint: str | None = None,
) -> Finding | None:
    """The model is no better than the best naive baseline (accuracy: higher is better; else lower)."""
    if model_value is None or baseline_value is None:
        return None
    if is_better(metric, model_value, baseline_value):
        return None
    return _finding(
        "not_beating_baseline",
        f"The model's {metric.replace('_', ' ')} ({model_value:.4g}) does not beat {baseline_name} "
        f"({baseline_value:.4g}).",
        hint or baseline_hint(),
    )


def padding_without_mask(padded_share: float, mask: bool) -> Finding | None:
    """More than half of all steps are padding and no Masking layer hides them."""
    if mask or padded_share is None or padded_share <= 0.5:
        return None
    return _finding(
        "padding_without_mask",
        f"{padded_share:.0%} of all steps are padding and masking is off: the network spends most of "
        "its steps reading the pad value.",
        "Turn masking on (Masking layer) and prefer post-padding, or cut sequences to a shorter length.",
    )


def run_all(
    *,
    history: dict[str, Sequence[float]] | None = None,
    y_true: np.ndarray | None = None,
    y_pred: np.ndarray | None = None,
    X: np.ndarray | None = None,
    scaled: bool | None = None,
    feature_names: Sequence[str] | None = None,
    metric: str | None = None,
    model_value: float | None = None,
    baseline_value: float | None = None,
    baseline_name: str = "the best baseline",
    hint: str | None = None,
    padded_share: float | None = None,
    mask: bool | None = None,
) -> list[Finding]:
    """Every detector whose inputs are given; the findings, in a fixed order (empty = nothing wrong)."""
    checks = []
    if history is not None:
        checks += [loss_diverged(history), overfitting(history)]
    if y_true is not None and y_pred is not None:
        checks.append(flat_line(y_true, y_pred))
    if X is not None and scaled is not None:
        checks.append(unscaled_inputs(X, scaled, feature_names))
    if metric is not None and model_value is not None and baseline_value is not None:
        checks.append(not_beating_baseline(metric, model_value, baseline_value, baseline_name, hint))
    if padded_share is not None and mask is not None:
        checks.append(padding_without_mask(padded_share, mask))
    return [c for c in checks if c is not None]
