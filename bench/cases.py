"""The trainings a class runs, for the training benchmark: every lesson preset and two course models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

QUICK_LESSONS = ("three_cities", "stacked", "ecg5000")


@dataclass
class Case:
    """One benchmark case: data, task, the model(s) to train one after another, training settings."""

    name: str
    dataset: Any
    task: Any
    models: list
    train: Any
    lesson: bool
    stop: bool = True  # long enough to press Stop in
    framed: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        from rnnlab.task import framing

        self.framed = framing.frame(self.dataset, self.task)

    @property
    def metric(self) -> str:
        return self.framed.main_metric

    @property
    def describe(self) -> str:
        shape = "×".join(str(s) for s in self.framed.split("train").X.shape)
        cells = "+".join(f"{m.cell}{tuple(m.units)}" for m in self.models)
        t = self.train
        return f"{cells} on {shape}, batch {t.batch_size}, {t.epochs} epochs, patience {t.patience}"


def cases(quick: bool = False, only: list[str] | None = None) -> list[Case]:
    """Every lesson preset (``--quick``: three of them), the ECG GRU stack and LSTM(20) forecasting."""
    from rnnlab.data import catalog
    from rnnlab.models.config import ModelConfig
    from rnnlab.runs import lessons
    from rnnlab.task.types import TaskConfig
    from rnnlab.training.config import TrainConfig

    out = []
    for lesson in lessons.list_lessons():
        if quick and lesson.key not in QUICK_LESSONS:
            continue
        task, _, train = lesson.configs()
        out.append(Case(lesson.key, catalog.load_dataset(lesson.dataset), task, lesson.model_variants(), train,
                        lesson=True, stop=lesson.key not in ("three_cities", "flu_cases")))  # fmt: skip
    ecg = catalog.load_dataset("ecg5000")
    out.append(Case("ecg_gru_stack", ecg, TaskConfig("classify", seed=0), [ModelConfig(cell="gru", units=(20, 20))],
                    TrainConfig(learning_rate=0.003, batch_size=64, epochs=10, patience=None), lesson=False))  # fmt: skip
    if not quick:
        sunspots = catalog.load_dataset("sunspots")
        out.append(Case("lstm_forecast", sunspots, TaskConfig("forecast", window=12, horizon=1, seed=0),
                        [ModelConfig(cell="lstm", units=(20,))],
                        TrainConfig(batch_size=32, epochs=10, patience=None), lesson=False, stop=False))  # fmt: skip
    return [c for c in out if not only or c.name in only]


def synthetic(n: int, steps: int, features: int, classes: int, seed: int = 0):
    """A classification collection of ``n`` sequences ``(steps, features)`` (labels depend on the data)."""
    from rnnlab.data.dataset import SequenceDataset

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, steps, features)).cumsum(axis=1) / np.sqrt(steps)
    labels = np.digitize(x[:, -1, 0], np.quantile(x[:, -1, 0], np.linspace(0, 1, classes + 1)[1:-1]))
    return SequenceDataset(
        name="bench", layout="long", sequences=list(x), feature_names=[f"f{i}" for i in range(features)],
        labels=labels.astype(str), label_names=["label"], label_kind="class",
    )  # fmt: skip
