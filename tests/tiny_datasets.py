"""Tiny hand-made datasets (no CSV reading) and tasks framed from them by the real framing code."""

from __future__ import annotations

import numpy as np

from rnnlab.data.dataset import SequenceDataset
from rnnlab.task.framing import frame
from rnnlab.task.types import FramedData, PaddingConfig, TaskConfig


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


def collection(
    kind: str, n: int = 24, steps: int = 6, features: int = 2, ragged: bool = False, targets: int = 1
) -> SequenceDataset:
    """``n`` sequences of up to ``steps`` steps × ``features`` features, with what ``kind`` predicts.

    classify: classes 'a', 'b', 'c' in turn; regress: ``targets`` values per sequence; tag: ``targets``
    values per step. Ragged: lengths ``steps, steps-1, …`` in turn (at least half of ``steps``; the first
    sequence is full length).
    """
    rng = np.random.default_rng(3)
    lengths = [steps - (i % (steps // 2 + 1)) if ragged else steps for i in range(n)]
    seqs = [rng.normal(5.0, 2.0, size=(length, features)) for length in lengths]
    names = [f"f{i}" for i in range(features)]
    common = {
        "name": kind,
        "layout": "long",
        "sequences": seqs,
        "feature_names": names,
        "ids": list(range(n)),
    }
    if kind == "classify":
        labels = np.array(["abc"[i % 3] for i in range(n)])
        return SequenceDataset(**common, labels=labels, label_names=["label"], label_kind="class")
    if kind == "regress":
        values = np.stack([rng.normal(10.0, 3.0, size=n) for _ in range(targets)], axis=1)
        labels = values[:, 0] if targets == 1 else values
        label_names = [f"y{j}" for j in range(targets)]
        return SequenceDataset(**common, labels=labels, label_names=label_names, label_kind="value")
    step_targets = [
        rng.normal(10.0, 3.0, size=(len(s),) if targets == 1 else (len(s), targets)) for s in seqs
    ]
    return SequenceDataset(
        **common, step_targets=step_targets, step_target_names=[f"y{j}" for j in range(targets)]
    )


def framed_task(
    kind: str = "classify",
    steps: int = 6,
    features: int = 2,
    ragged: bool = False,
    side: str = "post",
    targets: int = 1,
) -> FramedData:
    """A tiny task framed by the real framing code: ragged collections are padded on ``side`` and masked.

    forecast: windows of ``steps`` steps over a 90-step series, three steps ahead, ``targets`` target columns.
    """
    if kind == "forecast":
        t = np.arange(90, dtype=np.float64)
        columns = [np.sin(t / (4.0 + j)) * 3 + 10 + j for j in range(features)]
        data = SequenceDataset(
            "series", "series", [np.stack(columns, axis=1)], [f"f{j}" for j in range(features)]
        )
        task = TaskConfig(
            "forecast", window=steps, horizon=3, target_columns=tuple(data.feature_names[:targets])
        )
        return frame(data, task)
    data = collection(kind, steps=steps, features=features, ragged=ragged, targets=targets)
    return frame(data, TaskConfig(kind, val_share=0.2, test_share=0.2, padding=PaddingConfig(side=side)))
