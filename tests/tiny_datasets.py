"""Tiny hand-made datasets (no CSV reading) for the store/export/compare tests."""

from __future__ import annotations

import numpy as np

from rnnlab.data.dataset import SequenceDataset


def ragged_classes(n: int = 24, seed: int = 0) -> SequenceDataset:
    """``n`` ragged sequences (3–6 steps × 2 features), two classes 'a'/'b' — padding and masking."""
    rng = np.random.default_rng(seed)
    seqs = [rng.normal(size=(int(rng.integers(3, 7)), 2)) for _ in range(n)]
    labels = np.array(["a" if i % 2 else "b" for i in range(n)])
    return SequenceDataset("ragged", "long", seqs, ["x1", "x2"], labels=labels, label_names=["label"],
                           label_kind="class", ids=list(range(n)))  # fmt: skip


def series(n_steps: int = 120) -> SequenceDataset:
    """One sine series with a second column, ``n_steps`` monthly steps."""
    t = np.arange(n_steps, dtype=np.float64)
    values = np.stack([np.sin(t / 6.0) * 10 + 20, np.cos(t / 5.0)], axis=1)
    return SequenceDataset("sine", "series", [values], ["level", "other"], frequency="monthly")


def tagged(n: int = 12) -> SequenceDataset:
    """``n`` sequences of 4 steps × 3 features with one target per step (like flu cases)."""
    rng = np.random.default_rng(1)
    seqs = [rng.normal(size=(4, 3)) for _ in range(n)]
    targets = [s[:, 0] * 2 + 1 for s in seqs]
    return SequenceDataset("tagged", "long", seqs, ["a", "b", "c"], step_targets=targets,
                           step_target_names=["cases"], ids=list(range(n)))  # fmt: skip


def regress(n: int = 12) -> SequenceDataset:
    """``n`` sequences of 4 steps × 3 features with one value each (like the three cities)."""
    rng = np.random.default_rng(2)
    seqs = [rng.normal(size=(4, 3)) for _ in range(n)]
    labels = np.array([s[:, 2].sum() for s in seqs])
    return SequenceDataset("values", "long", seqs, ["t", "w", "p"], labels=labels, label_names=["next"],
                           label_kind="value", ids=list(range(n)))  # fmt: skip
