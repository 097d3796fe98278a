"""Class weights that make every class count the same in the loss (``class_weight='balanced'``).

Weight of class k: ``n / (K · n_k)`` over the training samples (tagging: real steps), as
scikit-learn's ``compute_class_weight('balanced')``; padded steps keep weight 0.
"""

from __future__ import annotations

import numpy as np

from rnnlab.task.balance import class_counts


def balanced_sample_weight(framed, y: np.ndarray, sample_weight: np.ndarray | None) -> np.ndarray | None:
    """One weight per sample (classify) or per step (tagging classes); ``sample_weight`` for value tasks.

    Args:
        framed: The :class:`~rnnlab.task.types.FramedData`; its training split's true classes give the counts.
        y: The model-ready targets of the split being weighted (class ids).
        sample_weight: The split's per-step weights (1 real, 0 padded) or ``None``.

    Example:
        >>> from types import SimpleNamespace
        >>> fd = SimpleNamespace(is_class_task=True, train=SimpleNamespace(y=np.array([0, 0, 0, 1])))
        >>> [round(float(w), 4) for w in balanced_sample_weight(fd, np.array([0, 0, 0, 1]), None)]  # float32
        [0.6667, 0.6667, 0.6667, 2.0]
    """
    if not framed.is_class_task:
        return sample_weight
    counts = class_counts(framed.train.y).astype(np.float64)
    present = counts > 0
    per_class = np.zeros_like(counts)
    per_class[present] = counts.sum() / (present.sum() * counts[present])
    ids = np.clip(np.asarray(y, dtype=np.int64), 0, len(counts) - 1)
    weights = per_class[ids].astype(np.float32)
    if sample_weight is not None:
        weights = weights * np.asarray(sample_weight, dtype=np.float32)
    return weights
