"""Gradient through time: how strongly each earlier input step moves the prediction.

For every sequence the norm ``‖∂ŷ / ∂x_t‖`` is computed with :class:`tf.GradientTape` and indexed by how
many steps before the sequence's last real step ``t`` lies (0 = the last step). A SimpleRNN's curve falls
off steeply (the vanishing gradient); LSTM's and GRU's stay higher for longer.
TensorFlow is imported inside the function only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.inside import cell_steps, numpy_rnn


def _scalar_output(model: Any, y: Any, reduce: str) -> Any:
    import tensorflow as tf  # lazy: the Data and Task pages must not load TensorFlow

    flat = tf.reshape(y, (tf.shape(y)[0], -1))
    if reduce == "auto":
        activation = getattr(model.layers[-1], "activation", None)
        reduce = "max" if getattr(activation, "__name__", "") == "softmax" else "sum"
    if reduce == "max":  # the predicted class's probability
        return tf.reduce_sum(tf.reduce_max(flat, axis=1))
    if reduce == "sum":
        return tf.reduce_sum(flat)
    raise ValueError(f"`reduce` must be 'auto', 'max' or 'sum'. Received: reduce={reduce!r}")


def input_gradient_norms(model: Any, X: np.ndarray, reduce: str = "auto") -> np.ndarray:
    """``‖∂ŷ_i / ∂x_{i,t}‖`` for every sample i and input step t.

    Args:
        model: a Keras model taking (n, T, F) inputs.
        X: (n, T, F) model-ready inputs.
        reduce: how the prediction becomes one number per sample: ``"sum"`` of the outputs, ``"max"``
            (the predicted class's probability) or ``"auto"`` (max for a softmax output, else sum).

    Returns:
        (n, T) float64 gradient norms in input time order.
    """
    import tensorflow as tf  # lazy: the Data and Task pages must not load TensorFlow

    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 3:
        raise ValueError(f"`X` must have shape (n, T, F). Received: shape={X.shape}")
    x = tf.convert_to_tensor(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        target = _scalar_output(model, model(x, training=False), reduce)
    grad = tape.gradient(target, x)
    if grad is None:
        return np.zeros(X.shape[:2])
    return np.linalg.norm(np.asarray(grad, dtype=np.float64), axis=-1)


def align_to_end(norms: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Re-index (n, T) per-step values by steps before each sequence's last real step.

    Returns:
        (n, T) array whose column k is the value k steps before the end; NaN where a sequence is shorter
        or the step is masked.

    Example:
        >>> align_to_end(np.array([[1.0, 2.0, 3.0]]), np.array([[True, True, False]]))
        array([[ 2.,  1., nan]])
    """
    norms = np.asarray(norms, dtype=np.float64)
    n, T = norms.shape
    mask = np.ones((n, T), bool) if mask is None else np.asarray(mask, bool)
    out = np.full((n, T), np.nan)
    for i in range(n):
        real = np.flatnonzero(mask[i])
        if real.size == 0:
            continue
        last = real[-1]
        steps_back = last - real
        out[i, steps_back] = norms[i, real]
    return out


def gradient_through_time(model: Any, X: np.ndarray, reduce: str = "auto") -> dict:
    """Gradient norm per input step against steps-before-the-end, per sequence and averaged.

    Padded steps (from the model's Masking layer) are left out, so each sequence's "end" is its last
    real step.

    Args:
        model: a Keras model. X: (n, T, F) model-ready inputs.

    Returns:
        ``{"steps_before_end": (T,) ints 0..T-1, "per_sample": (n, T) (NaN where absent), "mean": (T,)
        the batch average ignoring NaN, "raw": (n, T) norms in input time order}``.
    """
    raw = input_gradient_norms(model, X, reduce)
    mask = cell_steps.input_mask(np.asarray(X), numpy_rnn.model_mask_value(model))
    aligned = align_to_end(raw, mask)
    with np.errstate(invalid="ignore"):
        counts = np.sum(~np.isnan(aligned), axis=0)
        mean = np.where(counts > 0, np.nansum(aligned, axis=0) / np.maximum(counts, 1), np.nan)
    return {
        "steps_before_end": np.arange(raw.shape[1]),
        "per_sample": aligned,
        "mean": mean,
        "raw": raw,
    }


def decay_ratio(curve: np.ndarray, head: int = 3) -> float:
    """How much weaker the earliest steps are than the last: mean of the last ``head`` steps-before-end
    values over the mean of the first ``head`` (large = vanishing gradient).

    >>> decay_ratio(np.array([1.0, 0.5, 0.1, 0.01]), head=1)
    100.0
    """
    curve = np.asarray(curve, dtype=np.float64)
    curve = curve[~np.isnan(curve)]
    late, early = np.mean(curve[:head]), np.mean(curve[-head:])
    return float(late / early) if early > 0 else float("inf")
