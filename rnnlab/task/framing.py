"""Framing a learning task: X ``(n, T, F)``, y per task, honest splits, scaling and padding.

:func:`frame` turns a :class:`~rnnlab.data.dataset.SequenceDataset` and a
:class:`TaskConfig` into :class:`FramedData`: the train / validation / test
arrays in original units, the scaling fitted on the training split's real
steps only, and everything a model needs (pad value, mask flag, shapes).
Never imports TensorFlow.

Example:
    >>> import numpy as np
    >>> from rnnlab.data.dataset import SequenceDataset
    >>> ds = SequenceDataset("toy", "series", [np.arange(100.0)[:, None]], ["v"])
    >>> fd = frame(ds, TaskConfig("forecast", window=5, horizon=2))
    >>> fd.train.X.shape, fd.train.y.shape     # (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES), (n, H)
    ((64, 5, 1), (64, 2))
"""

from __future__ import annotations

import numpy as np

from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.task import budget, collection, origins, panel, windows
from rnnlab.task.splits import NAMES
from rnnlab.task.types import FramedData, TaskConfig


def frame(dataset: SequenceDataset, config: TaskConfig) -> FramedData:
    """Frame ``dataset`` as the task ``config`` describes.

    Args:
        dataset: Any :class:`~rnnlab.data.dataset.SequenceDataset`.
        config: The task.

    Returns:
        :class:`FramedData` with X ``(n, T, F)`` float32 per split.

    Raises:
        DataError: when the data does not allow the task, the settings do not fit the data, or the framed
            arrays would exceed the budget (:mod:`rnnlab.task.budget`, checked before anything is allocated).
    """
    allowed = dataset.allowed_tasks()
    if config.kind not in allowed:
        raise DataError(f"This dataset allows the tasks {allowed or 'none'}. Received: kind={config.kind!r}")
    budget.check_task(dataset, config)
    dataset = origins.truncated(dataset, config.cutoff, config.history)  # a backtest's earlier origin
    if config.kind == "forecast":
        if dataset.is_collection_forecast:
            return panel.frame_panel(dataset, config)
        return windows.frame_series(dataset, config)
    return collection.frame_collection(dataset, config)


SMALL_COLLECTION = 10  # fewer sequences than this: no validation split by default


def default_task(dataset: SequenceDataset, target: str | None = None) -> TaskConfig:
    """The most natural task for the data, with settings that fit its size.

    Args:
        dataset: The data.
        target: Suggested forecast target column (e.g. the catalog's label), used when it is a feature.

    Raises:
        DataError: when the data allows no task (no labels, no per-step targets, not one series).
    """
    return default_task_for(dataset, None, target)


def default_task_for(dataset: SequenceDataset, kind: str | None, target: str | None = None) -> TaskConfig:
    """The default task of ``kind`` for the data (``None``: the most natural kind), sized to the data.

    A collection of fewer than :data:`SMALL_COLLECTION` sequences gets no validation split and one test
    sequence, whichever collection task is asked for; a forecast gets a window of a tenth of the series
    (at most 12 steps) and ``target`` (or the first label column) as its target when it is a feature.

    Args:
        dataset: The data.
        kind: One of ``dataset.allowed_tasks()``, or ``None`` for the first of them.
        target: Suggested forecast target column (e.g. the catalog's label).

    Raises:
        DataError: when the data allows no task, or not ``kind``.
    """
    allowed = dataset.allowed_tasks()
    if not allowed:
        raise DataError(
            "This dataset has no labels, no per-step targets and is not one series: nothing to predict."
        )
    if kind is None:
        kind = allowed[0]
    if kind not in allowed:
        raise DataError(f"This dataset allows the tasks {allowed}. Received: kind={kind!r}")
    if kind != "forecast":
        n = dataset.n_sequences
        if n < SMALL_COLLECTION:
            # a handful of sequences (the course's three cities): no validation split, one test sequence,
            # so that training keeps as many sequences as it can
            return TaskConfig(kind, val_share=0.0, test_share=round(1.0 / n + 1e-3, 3), split_mode="random")
        return TaskConfig(kind)
    n_steps = int(np.median(dataset.lengths)) if dataset.is_collection_forecast else int(dataset.lengths[0])
    window = max(1, min(12, n_steps // (4 if dataset.is_collection_forecast else 10)))
    suggested = [target] if target else list(dataset.label_names[:1])
    targets = tuple(n for n in suggested if n in dataset.feature_names)
    return TaskConfig(kind, window=window, target_columns=targets)


def shape_text(framed: FramedData, split: str | None = None) -> tuple[str, str]:
    """The course's shape lines, every axis named, for all samples (or one split).

    Example output: ``"X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = (3114, 12, 1)"``.
    """
    n = len(framed.split(split)) if split else sum(len(framed.split(s)) for s in NAMES)
    x_line = (
        f"X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = ({n}, {framed.n_steps}, {framed.n_features})"
    )
    kind, y = framed.config.kind, (n, *framed.y_shape)
    axes = ["n_SEQUENCES"]
    if kind == "forecast" and len(y) >= 2:
        axes.append("n_HORIZON")
    if kind == "tag":
        axes.append("n_OBSERVATIONS")
    if len(y) > len(axes):
        axes.append("n_TARGETS")
    if len(y) == 1:
        return x_line, f"y.shape = (n_SEQUENCES,) = ({n},)"
    return x_line, f"y.shape = ({', '.join(axes)}) = ({', '.join(str(d) for d in y)})"
