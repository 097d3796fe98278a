"""Cutting one long series into (input window, target steps) samples.

A window starting at step ``s`` covers inputs ``s … s+W-1``; its targets are
the steps ``s+W-1+o`` for each offset ``o`` (``o = 1`` is the step right after
the window).
"""

from __future__ import annotations

import numpy as np

from rnnlab.core.words import plural
from rnnlab.data.dataset import DataError
from rnnlab.task import scaling, splits
from rnnlab.task.types import FramedData, column_indices, split_by_codes, suggested_season


def target_offsets(horizon: int, offsets: tuple[int, ...] = ()) -> tuple[int, ...]:
    """The future offsets to predict: ``offsets`` if given, else ``1 … horizon``.

    Example:
        >>> target_offsets(3), target_offsets(1, (1, 7, 14))
        ((1, 2, 3), (1, 7, 14))
    """
    return tuple(int(o) for o in offsets) if offsets else tuple(range(1, horizon + 1))


def window_starts(n_steps: int, window: int, offsets: tuple[int, ...], stride: int = 1) -> np.ndarray:
    """Start index of every window that fits with its furthest target inside the series.

    ``n_windows = floor((n_steps - window - max(offsets)) / stride) + 1``.

    Example:
        >>> window_starts(10, 3, (1,)).tolist()
        [0, 1, 2, 3, 4, 5, 6]
        >>> window_starts(10, 3, (2,), stride=3).tolist()
        [0, 3]
    """
    last_start = n_steps - window - max(offsets)
    if last_start < 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(0, last_start + 1, stride, dtype=np.int64)


def cut_windows(
    series: np.ndarray,
    starts: np.ndarray,
    window: int,
    offsets: tuple[int, ...],
    inputs: list[int],
    targets: list[int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gather input windows and target values.

    Args:
        series: ``(n_steps, n_features)``.
        starts: ``(n,)`` window starts.
        window: Input steps ``W``.
        offsets: Target offsets after the window's last step (``H`` of them).
        inputs: Feature indices used as inputs (``F``).
        targets: Feature indices predicted (``k``).

    Returns:
        ``X (n, W, F)``, ``Y (n, H, k)`` and ``target_steps (n, H)`` (series indices).

    Example:
        >>> s = np.arange(6.0)[:, None]
        >>> X, Y, t = cut_windows(s, np.array([0, 1]), 3, (1, 2), [0], [0])
        >>> X[:, :, 0].tolist(), Y[:, :, 0].tolist(), t.tolist()
        ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]], [[3.0, 4.0], [4.0, 5.0]], [[3, 4], [4, 5]])
    """
    steps = starts[:, None] + np.arange(window)[None, :]
    target_steps = starts[:, None] + window - 1 + np.asarray(offsets)[None, :]
    X = series[steps][:, :, inputs]
    Y = series[target_steps][:, :, targets]
    return X, Y, target_steps


def shape_targets(Y: np.ndarray) -> np.ndarray:
    """``(n, H, k)`` → ``(n,)`` when H = k = 1, ``(n, H)`` when k = 1, else unchanged.

    Example:
        >>> shape_targets(np.zeros((5, 1, 1))).shape, shape_targets(np.zeros((5, 3, 1))).shape
        ((5,), (5, 3))
    """
    n, h, k = Y.shape
    if k == 1:
        return Y[:, 0, 0] if h == 1 else Y[:, :, 0]
    return Y


def last_inputs(X: np.ndarray, target_in_inputs: list, config) -> np.ndarray | None:
    """``(n, k)`` each target's last value in the window; required (and checked) for ``predict='change'``.

    Raises:
        DataError: ``predict='change'`` with a target that is not an input column.
    """
    if any(t is None for t in target_in_inputs):
        if config.predict == "change":
            raise DataError(
                "`predict='change'` predicts the change over the target's last value in the window, so every "
                "target must also be an input column. Received: a target that is not an input"
            )
        return None
    return X[:, -1, :][:, target_in_inputs].astype(np.float64)


def fit_scaling(X: np.ndarray, Y: np.ndarray, last, train: np.ndarray, config) -> tuple:
    """``(x_mean, x_std, y_mean, y_std)`` on the training windows; y on the changes for ``predict='change'``."""
    if not config.scale:
        return None, None, None, None
    x_mean, x_std = scaling.fit_standardizer(X[train])
    target = Y[train]
    if config.predict == "change":
        target = target - last[train][:, None, :]
    y_mean, y_std = scaling.fit_standardizer(target)
    return x_mean, x_std, y_mean, y_std


def forecast_columns(config, names: list[str]) -> tuple[list[int], list[int], tuple[int, ...]]:
    """A forecast's input and target column indices (the first input when no target is named) and offsets.

    Example:
        >>> from rnnlab.task.types import TaskConfig
        >>> forecast_columns(TaskConfig("forecast", window=3, horizon=2), ["a", "b"])
        ([0, 1], [0], (1, 2))
    """
    inputs = column_indices(config.input_columns, names, "Input columns")
    targets = (
        column_indices(config.target_columns, names, "Target columns")
        if config.target_columns
        else inputs[:1]
    )
    return inputs, targets, target_offsets(config.horizon, config.offsets)


def frame_series(dataset, config):
    """Frame one long series as a forecast task (see :func:`rnnlab.task.framing.frame`).

    Windows are split in time order by :func:`rnnlab.task.splits.temporal_split`;
    windows with a missing value are dropped with a note.
    """
    if config.split_mode not in ("auto", "temporal"):
        raise ValueError(
            "A forecast is split in time order (train, then validation, then test). "
            f"Received: split_mode={config.split_mode!r}; use 'auto' or 'temporal'"
        )
    names = list(dataset.feature_names)
    series = np.asarray(dataset.sequences[0], dtype=np.float64)
    inputs, targets, offsets = forecast_columns(config, names)
    starts = window_starts(len(series), config.window, offsets, config.stride)
    notes: list[str] = []
    if len(starts):
        X, Y, steps = cut_windows(series, starts, config.window, offsets, inputs, targets)
        ok = np.isfinite(X).all(axis=(1, 2)) & np.isfinite(Y).all(axis=(1, 2))
        if not ok.all():
            notes.append(f"Dropped {plural(int((~ok).sum()), 'window')} that contain a missing value.")
            X, Y, steps = X[ok], Y[ok], steps[ok]
    if len(starts) == 0 or len(X) < 3:
        raise DataError(
            f"The series has {len(series)} steps: too few for a window of {config.window} steps and a target "
            f"{max(offsets)} steps ahead (need at least 3 windows). Shorten the window or the horizon."
        )
    codes = splits.temporal_split(steps[:, 0], steps[:, -1], config.val_share, config.test_share)
    n_dropped = int((codes == splits.DROPPED).sum())
    if n_dropped:
        notes.append(f"Dropped {plural(n_dropped, 'window')} whose target steps would fall in two splits.")
    y = shape_targets(Y)
    lengths = np.full(len(codes), config.window, dtype=np.int64)
    target_in_inputs = [inputs.index(t) if t in inputs else None for t in targets]
    last = last_inputs(X, target_in_inputs, config)
    parts = split_by_codes(codes, X, y, None, lengths, steps[:, 0], last=last)
    x_mean, x_std, y_mean, y_std = fit_scaling(X, Y, last, codes == 0, config)
    last_train = int(steps[codes == 0, -1].max())
    history = series[: last_train + 1][:, targets]
    diffs = np.abs(np.diff(history, axis=0))
    mase_scale = np.array([np.nanmean(diffs[:, j]) if len(diffs) else np.nan for j in range(len(targets))])
    season = config.season_length or suggested_season(dataset.frequency)
    if any(t is None for t in target_in_inputs):
        notes.append(
            "The target is not an input column, so the baselines that repeat its recent values "
            "(last value, window mean, seasonal naive, drift) are skipped."
        )
    return FramedData.from_splits(
        config,
        parts,
        [names[i] for i in inputs],
        [names[i] for i in targets],
        x_mean=x_mean,
        x_std=x_std,
        y_mean=y_mean,
        y_std=y_std,
        series=series,
        notes=notes,
        offsets=offsets,
        target_in_inputs=target_in_inputs,
        season_length=season,
        mase_scale=mase_scale,
        series_names=names,
        time_index=dataset.time_index,
        n_dropped=n_dropped,
    )
