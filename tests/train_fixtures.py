"""Tiny hand-built framed tasks for the training, jobs and Train page tests (no framing code needed)."""

from __future__ import annotations

import numpy as np

from rnnlab.data.dataset import SequenceDataset
from rnnlab.task.splits import NAMES
from rnnlab.task.types import FramedData, SplitArrays, TaskConfig


def _split(rng, n: int, steps: int, kind: str) -> SplitArrays:
    X = rng.normal(size=(n, steps, 2)).astype(np.float32)
    if kind == "classify":
        y = (X[:, :, 0].mean(axis=1) > 0).astype(np.int64)
    else:
        y = X[:, :, 0].sum(axis=1).astype(np.float64)
    return SplitArrays(X=X, y=y, sample_weight=None, lengths=np.full(n, steps), index=np.arange(n))


def tiny_framed(kind: str = "regress", n: int = 12, steps: int = 5, seed: int = 0) -> FramedData:
    """``n`` train samples (and n/2 val, n/2 test) of shape ``(steps, 2)``; regress: y = sum of feature 0."""
    rng = np.random.default_rng(seed)
    splits = [_split(rng, size, steps, kind) for size in (n, max(2, n // 2), max(2, n // 2))]
    regress = kind != "classify"
    return FramedData.from_splits(
        TaskConfig(kind, scale=False),
        dict(zip(NAMES, splits)),
        ["a", "b"],
        ["y"],
        class_names=None if regress else ["neg", "pos"],
    )


def tiny_dataset(n: int = 24, steps: int = 5, seed: int = 0) -> SequenceDataset:
    """A small regression collection the real framing code can split (used by the job tests)."""
    rng = np.random.default_rng(seed)
    sequences = [rng.normal(size=(steps, 2)) for _ in range(n)]
    labels = np.array([s[:, 0].sum() for s in sequences])
    return SequenceDataset(
        name="tiny",
        layout="long",
        sequences=sequences,
        feature_names=["a", "b"],
        labels=labels,
        label_names=["y"],
        label_kind="value",
    )
