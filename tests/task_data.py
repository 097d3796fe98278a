"""Datasets for the framing / baseline / task tests: the bundled files through the catalog
(falling back to a pandas read while ``rnnlab.data.reader`` is missing), and tiny hand-made ones."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd

from rnnlab.core import settings
from rnnlab.data.dataset import SequenceDataset

HAS_READER = importlib.util.find_spec("rnnlab.data.reader") is not None


def bundled(key: str) -> SequenceDataset:
    """A bundled dataset, read as the app reads it (``catalog.load_dataset``)."""
    if HAS_READER:
        from rnnlab.data import catalog

        return catalog.load_dataset(key)
    return _FALLBACK[key]()


def _series(file: str, time: str, columns: list[str], frequency: str, name: str) -> SequenceDataset:
    df = pd.read_csv(settings.SAMPLE_DATA_DIR / file)
    return SequenceDataset(name, "series", [df[columns].to_numpy(np.float64)], columns,
                           time_index=df[time].to_numpy(), time_name=time, frequency=frequency)  # fmt: skip


def _ecg5000() -> SequenceDataset:
    df = pd.read_csv(settings.SAMPLE_DATA_DIR / "ecg5000.csv")
    values = df[[c for c in df.columns if c.startswith("t")]].to_numpy(np.float64)
    return SequenceDataset("ecg5000", "wide", [v[:, None] for v in values], ["value"], labels=df["label"].to_numpy(),
                           label_names=["label"], label_kind="class", splits=df["split"].to_numpy())  # fmt: skip


_FALLBACK = {
    "sunspots": lambda: _series("sunspots_monthly.csv", "month", ["sunspots"], "monthly", "sunspots"),
    "seattle_weather": lambda: _series(
        "seattle_weather_daily.csv",
        "date",
        ["precipitation", "temp_max", "temp_min", "wind"],
        "daily",
        "seattle_weather",
    ),
    "co2": lambda: _series("co2_weekly_maunaloa.csv", "date", ["co2", "co2_filled"], "weekly", "co2"),
    "ecg5000": _ecg5000,
}


def ramp(n_steps: int = 20, frequency: str | None = "monthly") -> SequenceDataset:
    """Series 0, 1, 2, … (column ``v``) and its square (``sq``): every window and target is known by hand."""
    t = np.arange(n_steps, dtype=np.float64)
    return SequenceDataset("ramp", "series", [np.stack([t, t**2], axis=1)], ["v", "sq"], frequency=frequency)


def ragged(n: int = 20, seed: int = 0, labels: list | None = None) -> SequenceDataset:
    """``n`` ragged sequences (2–6 steps × 2 features, values in [1, 2)); classes alternate 'a' / 'b'."""
    rng = np.random.default_rng(seed)
    seqs = [1 + rng.random(size=(int(rng.integers(2, 7)), 2)) for _ in range(n)]
    labels = np.array(labels if labels is not None else ["a" if i % 2 else "b" for i in range(n)])
    return SequenceDataset("ragged", "long", seqs, ["x1", "x2"], labels=labels, label_names=["label"],
                           label_kind="class")  # fmt: skip


def tagged(lengths=(4, 3, 4, 2, 4, 3, 4, 4, 3, 4)) -> SequenceDataset:
    """Sequences with one target per step (``cases = 2·a + 1``), ragged lengths."""
    rng = np.random.default_rng(1)
    seqs = [rng.normal(size=(n, 3)) for n in lengths]
    return SequenceDataset("tagged", "long", seqs, ["a", "b", "c"], step_targets=[s[:, 0] * 2 + 1 for s in seqs],
                           step_target_names=["cases"])  # fmt: skip


def values(n: int = 12) -> SequenceDataset:
    """``n`` sequences of 4 steps × 3 features with one value each (like the three cities)."""
    rng = np.random.default_rng(2)
    seqs = [rng.normal(size=(4, 3)) for _ in range(n)]
    return SequenceDataset("values", "long", seqs, ["t", "w", "p"], labels=np.array([s[:, 2].sum() for s in seqs]),
                           label_names=["next"], label_kind="value")  # fmt: skip
