"""Forecast origins for a rolling-origin backtest: where each origin cuts the data, and its task.

A backtest asks the same question at several points in time: train on the past up to an origin, then
forecast the test windows just after it. Origin ``K - 1`` is the ordinary split (the last test windows of
the data); each earlier origin moves the cut back by ``step`` windows: one test block, so that the test
blocks tile the end of the data, or less when the data is short (then neighbouring test blocks overlap).
Every origin is an ordinary :class:`~rnnlab.task.types.TaskConfig` with two fields set:

- ``cutoff``: steps left out at the end of every sequence (the future the origin must not see);
- ``history``: with a *sliding* window, only this many steps before the cut are kept, so every origin
  trains on the same amount of past; ``0`` keeps them all (an *expanding* window).

The shares are set per origin so that every origin has the same number of validation and test windows
as the whole data's split. Framing each origin's task (:func:`rnnlab.task.framing.frame`) fits the scaling
on that origin's training windows only, exactly as for any run.

Example:
    >>> import numpy as np
    >>> from rnnlab.data.dataset import SequenceDataset
    >>> ds = SequenceDataset("ramp", "series", [np.arange(100.0)[:, None]], ["v"])
    >>> tasks = plan_origins(ds, TaskConfig("forecast", window=4, val_share=0.1, test_share=0.1), 3)
    >>> [(t.cutoff, t.history) for t in tasks]
    [(20, 0), (10, 0), (0, 0)]
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.task.splits import split_counts
from rnnlab.task.types import TaskConfig

MIN_ORIGINS, MAX_ORIGINS = 2, 20
MIN_TRAIN_WINDOWS = 10  # the earliest origin keeps at least this many training windows (or one test block)


def truncated(dataset: SequenceDataset, cutoff: int, history: int = 0) -> SequenceDataset:
    """``dataset`` with the last ``cutoff`` steps of every sequence left out, and (``history > 0``) only the
    ``history`` steps before the cut kept. Returns ``dataset`` itself when both are 0.

    Example:
        >>> import numpy as np
        >>> ds = SequenceDataset("ramp", "series", [np.arange(10.0)[:, None]], ["v"])
        >>> truncated(ds, 3, 4).sequences[0][:, 0].tolist()
        [3.0, 4.0, 5.0, 6.0]
    """
    if not cutoff and not history:
        return dataset

    def cut(values):
        end = len(values) - cutoff
        start = max(0, end - history) if history else 0
        return values[start : max(end, 0)]

    return dataclasses.replace(
        dataset,
        sequences=[cut(seq) for seq in dataset.sequences],
        step_targets=None if dataset.step_targets is None else [cut(t) for t in dataset.step_targets],
        time_index=None if dataset.time_index is None else cut(dataset.time_index),
        notes=list(dataset.notes),
    )


def _offsets(task: TaskConfig) -> tuple[int, ...]:
    return tuple(task.offsets) or tuple(range(1, task.horizon + 1))


def n_windows(n_steps: int, task: TaskConfig) -> int:
    """How many windows a sequence of ``n_steps`` steps gives (:func:`rnnlab.task.windows.window_starts`).

    Example:
        >>> n_windows(10, TaskConfig("forecast", window=3)), n_windows(10, TaskConfig("forecast", window=3, horizon=2, stride=3))
        (7, 2)
    """
    last_start = n_steps - task.window - max(_offsets(task))
    return 0 if last_start < 0 else last_start // task.stride + 1


def plan_origins(
    dataset: SequenceDataset, task: TaskConfig, n_origins: int = 5, sliding: bool = False
) -> list[TaskConfig]:
    """The task of every origin, earliest first; the last one is ``task`` itself (the ordinary split).

    Args:
        dataset: One series, or a collection forecast inside each sequence (split by time).
        task: The forecast task; its shares fix how many validation and test windows every origin has
            (counted on the longest sequence).
        n_origins: How many origins (2 to 20).
        sliding: Keep the same number of past steps at every origin (else each origin keeps all the past).

    Raises:
        ValueError: not a forecast, split by sequence, no test share, or ``n_origins`` out of range.
        DataError: the data is too short for that many origins.
    """
    if (
        isinstance(n_origins, bool)
        or not isinstance(n_origins, int)
        or not MIN_ORIGINS <= n_origins <= MAX_ORIGINS
    ):
        raise ValueError(
            f"`n_origins` must be an integer from {MIN_ORIGINS} to {MAX_ORIGINS}. Received: {n_origins!r}"
        )
    if task.kind != "forecast":
        raise ValueError(
            f"A backtest moves a forecast's origin in time; only a forecast has one. Received: kind={task.kind!r}"
        )
    if task.split_mode == "sequence":
        raise ValueError(
            "A backtest moves the origin in time, so it splits by time. Received: split_mode='sequence' "
            "(whole sequences held out); choose a split by time."
        )
    if task.test_share <= 0:
        raise ValueError(
            f"A backtest scores every origin on its test windows. Received: test_share={task.test_share}"
        )
    base = task.replace(cutoff=0, history=0)
    longest = int(dataset.lengths.max())
    total = n_windows(longest, base)
    _, n_val, n_test = split_counts(total, base.val_share, base.test_share)
    gap = max(_offsets(base)) - 1  # windows dropped at each split boundary (their targets would straddle it)
    room = total - n_val - n_test - 2 * gap - max(MIN_TRAIN_WINDOWS, n_test)
    step = min(n_test, room // (n_origins - 1)) if room > 0 else 0
    if step < 1:
        raise DataError(
            f"Too short for {n_origins} origins: {total} windows hold one test block of {n_test} and "
            f"{n_val} validation windows, and the earliest origin still needs {max(MIN_TRAIN_WINDOWS, n_test)} "
            "to train on. Use fewer origins, smaller shares, or a shorter window."
        )
    earliest = longest - (n_origins - 1) * step * base.stride
    out = []
    for k in range(n_origins):
        back = (n_origins - 1 - k) * step
        history = earliest if sliding else 0
        windows = n_windows(min(longest - back * base.stride, history or longest), base)
        out.append(base.replace(cutoff=back * base.stride, history=history,
                                val_share=n_val / windows, test_share=n_test / windows))  # fmt: skip
    return out


def origin_spans(dataset: SequenceDataset, tasks: list[TaskConfig]) -> list[dict]:
    """Where each origin's parts lie on the longest sequence's step axis (and its time stamps when it has
    them): ``[{"origin", "start", "val_start", "test_start", "end", …}]`` with ``end`` exclusive.

    The boundaries are those of the targets: ``test_start`` is the first test window's first target step.
    """
    longest = int(dataset.lengths.max())
    stamps = (
        dataset.time_index if dataset.time_index is not None and len(dataset.time_index) == longest else None
    )
    out = []
    for k, task in enumerate(tasks):
        end = longest - task.cutoff
        start = max(0, end - task.history) if task.history else 0
        windows = n_windows(end - start, task)
        _, n_val, n_test = split_counts(windows, task.val_share, task.test_share)
        first = task.window + min(_offsets(task)) - 1  # a window's first target step, from its start
        test_start = start + (windows - n_test) * task.stride + first
        val_start = start + (windows - n_test - n_val) * task.stride + first
        span: dict[str, Any] = {
            "origin": k + 1,
            "start": start,
            "val_start": val_start,
            "test_start": test_start,
            "end": end,
        }
        if stamps is not None:
            span["times"] = {
                name: stamp_text(stamps[min(i, longest - 1)]) for name, i in span.items() if name != "origin"
            }
        out.append(span)
    return out


def stamp_text(value) -> str:
    """A time stamp as short text: a date without a midnight time, seconds at most.

    Example:
        >>> stamp_text(np.datetime64("1828-10-01T00:00:00")), stamp_text(np.datetime64("2021-01-01T05:30")), stamp_text(7)
        ('1828-10-01', '2021-01-01T05:30:00', '7')
    """
    if isinstance(value, np.datetime64):
        return str(np.datetime_as_string(value, unit="s")).removesuffix("T00:00:00")
    return str(value)


def origin_of(task: TaskConfig | dict) -> tuple[int, int]:
    """``(cutoff, history)`` of a task (a config or its dict; 0 for an ordinary run)."""
    get = task.get if isinstance(task, dict) else (lambda name, default=0: getattr(task, name, default))
    return int(get("cutoff", 0) or 0), int(get("history", 0) or 0)


__all__ = [
    "MAX_ORIGINS",
    "MIN_ORIGINS",
    "n_windows",
    "origin_of",
    "origin_spans",
    "plan_origins",
    "truncated",
]
