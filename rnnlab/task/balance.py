"""Class balance: counts per class, the imbalance ratio, and the main metric it calls for, with the reason.

A verdict on plain accuracy can be won by always answering the majority class (ECG5000: 58 % normal).
When the largest training class has more than :data:`IMBALANCE_RATIO` × the samples of the smallest,
the main metric is balanced accuracy (the mean recall over classes), chosen before training.
"""

from __future__ import annotations

import numpy as np

IMBALANCE_RATIO = 1.5  # largest training class over smallest above this: balanced accuracy is the main metric


def class_counts(y: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """Samples (or real steps) per class id ``0 … K-1``; negative ids (padded steps) are not counted.

    Example:
        >>> class_counts(np.array([[0, 1, -1], [1, 1, -1]]), 3).tolist()
        [1, 3, 0]
    """
    y = np.asarray(y).ravel()
    y = y[y >= 0].astype(np.int64)
    return np.bincount(y, minlength=n_classes or 0)


def imbalance(counts: np.ndarray) -> float | None:
    """Largest over smallest class count (``inf`` when a class has none), ``None`` without classes.

    Example:
        >>> imbalance(np.array([90, 10])), imbalance(np.array([5, 0]))
        (9.0, inf)
    """
    counts = np.asarray(counts)
    if counts.size == 0:
        return None
    return float(counts.max() / counts.min()) if counts.min() > 0 else float("inf")


def class_metric(ratio: float | None) -> str:
    """``balanced_accuracy`` when ``ratio`` exceeds :data:`IMBALANCE_RATIO`, else ``accuracy``."""
    return "balanced_accuracy" if ratio is not None and ratio > IMBALANCE_RATIO else "accuracy"


def class_metric_reason(ratio: float | None) -> str:
    """One sentence saying why :func:`class_metric` chose its metric for ``ratio``.

    Example:
        >>> class_metric_reason(9.0).split(":")[0]
        'Balanced accuracy (the mean recall over classes)'
    """
    if class_metric(ratio) == "balanced_accuracy":
        size = "is missing from training" if ratio == float("inf") else f"is {ratio:.1f}× smaller"
        return (
            f"Balanced accuracy (the mean recall over classes): the smallest class {size} than the largest, "
            "so plain accuracy would reward always answering the majority class."
        )
    shown = "n/a" if ratio is None else f"{ratio:.2f}"
    return f"Accuracy: the classes are about balanced (largest / smallest = {shown} ≤ {IMBALANCE_RATIO})."
