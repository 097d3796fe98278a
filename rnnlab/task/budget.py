"""The framing budget: how large a task's arrays will be, worked out from the dataset before any is made.

One request must not take the class's server down: a 10-million-step series framed with a window of 12
would be 120 M values (0.5 GB as float32, several times that while framing), and one sequence of a
million steps among two-step ones pads every sequence to a million steps. :func:`estimate` counts the
framed tensor from the dataset's lengths and the task's settings alone (no array is allocated);
:func:`check` refuses a task over the limits in :mod:`rnnlab.core.settings`, saying what was asked,
the limit and what to change. :func:`rnnlab.task.framing.frame` calls both, in whichever process frames
(the server for the Task page, a worker for a training).

Example:
    >>> import numpy as np
    >>> from rnnlab.data.dataset import SequenceDataset
    >>> from rnnlab.task.types import TaskConfig
    >>> ds = SequenceDataset("toy", "series", [np.zeros((1000, 1))], ["v"])
    >>> cost = estimate(ds, TaskConfig("forecast", window=10, stride=2))
    >>> cost.x_shape, cost.values
    ((495, 10, 1), 5445)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from rnnlab.core import settings
from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.task.types import TaskConfig
from rnnlab.task.windows import target_offsets

BYTES_PER_VALUE = 8  # framing works in float64
COPIES = 4  # X, its gathered/padded source, the float32 splits, the real-step mask and scaling: measured ≈ 4


@dataclass(frozen=True)
class FramingCost:
    """The framed task's size, known before framing.

    Attributes:
        x_shape: ``(samples, steps, features)`` of X over all splits.
        y_values: Target values over all samples.
        median_length: Median real length of the sequences (forecast: the window).
        padded_length: Steps every sample is padded or cut to (forecast: the window).
    """

    x_shape: tuple[int, int, int]
    y_values: int
    median_length: float
    padded_length: int

    @property
    def values(self) -> int:
        """X and y values together."""
        return int(math.prod(self.x_shape)) + int(self.y_values)

    @property
    def pad_ratio(self) -> float:
        """Padded length over the median length (1.0 for windows)."""
        return self.padded_length / max(self.median_length, 1.0)

    @property
    def peak_bytes(self) -> int:
        """Estimated peak memory of framing, in bytes."""
        return self.values * BYTES_PER_VALUE * COPIES


def _n_windows(lengths: np.ndarray, window: int, furthest: int, stride: int) -> int:
    """Windows over all sequences (one series, or windows inside each sequence of a collection)."""
    last_start = np.asarray(lengths, dtype=np.int64) - window - furthest
    return int(np.where(last_start >= 0, last_start // stride + 1, 0).sum())


def estimate(dataset: SequenceDataset, config: TaskConfig) -> FramingCost:
    """The size of ``frame(dataset, config)``'s arrays, from lengths and settings only.

    Args:
        dataset: The data.
        config: The task.

    Returns:
        A :class:`FramingCost`.
    """
    n_inputs = len(config.input_columns) or dataset.n_features
    lengths = dataset.lengths
    if config.kind == "forecast":
        offsets = target_offsets(config.horizon, config.offsets)
        n = _n_windows(lengths, config.window, max(offsets), config.stride)
        n_targets = len(config.target_columns) or 1
        return FramingCost((n, config.window, n_inputs), n * len(offsets) * n_targets, config.window,
                           config.window)  # fmt: skip
    padded = int(config.padding.length or lengths.max())
    n = dataset.n_sequences
    if config.kind == "tag":
        width = 1 if not dataset.step_targets else int(np.asarray(dataset.step_targets[0]).reshape(
            len(dataset.step_targets[0]), -1).shape[1])  # fmt: skip
        y_values = n * padded * width
    else:
        y_values = n * (1 if dataset.labels is None else int(np.asarray(dataset.labels[0]).size))
    return FramingCost((n, padded, n_inputs), y_values, float(np.median(lengths)), padded)


def _millions(n: float) -> str:
    return f"{n / 1e6:,.1f} M" if n >= 1e5 else f"{int(n):,}"


def check(cost: FramingCost, config: TaskConfig) -> None:
    """Refuse a task whose framed arrays exceed the budget in :mod:`rnnlab.core.settings`.

    Raises:
        DataError: saying what was asked, the limit, and what to change.
    """
    limit = settings.max_framed_values()
    n, steps, features = cost.x_shape
    if cost.values > limit:
        plural = "s" if features != 1 else ""
        shape = f"X: {n:,} samples × {steps:,} steps × {features:,} feature{plural}, y: {_millions(cost.y_values)}"
        asked = f"The framed task would hold {_millions(cost.values)} values ({shape})"
        limit_text = f"the limit is {_millions(limit)} (RNNLAB_MAX_FRAMED_VALUES)"
        if config.kind == "forecast":
            stride = config.stride * math.ceil(cost.values / limit)
            change = (
                f"Use a stride (stride {stride} keeps one window in {stride}), a shorter window or horizon, "
                "or fewer input columns"
            )
        else:
            change = (
                "Set a shorter padding length (Task page, Padding: Length), use fewer input columns, "
                "or a smaller file"
            )
        raise DataError(f"{asked}; {limit_text}. {change}. Received: window/length={steps}, samples={n:,}")
    ratio_limit = settings.max_pad_ratio()
    if cost.pad_ratio > ratio_limit and math.prod(cost.x_shape) > settings.PAD_RATIO_FLOOR:
        suggested = max(1, int(cost.median_length * min(ratio_limit, 4)))
        raise DataError(
            f"Every sequence would be padded to {cost.padded_length:,} steps, {cost.pad_ratio:,.0f}× the median "
            f"length ({cost.median_length:g} steps); the limit is {ratio_limit:g}× (RNNLAB_MAX_PAD_RATIO). "
            f"Set the padding length (Task page, Padding: Length), e.g. {suggested} steps, so the few long "
            f"sequences are cut. Received: padding length={config.padding.length}"
        )


def check_task(dataset: SequenceDataset, config: TaskConfig) -> FramingCost:
    """:func:`estimate` then :func:`check`; returns the cost."""
    cost = estimate(dataset, config)
    check(cost, config)
    return cost
