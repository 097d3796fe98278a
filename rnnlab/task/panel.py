"""Forecasting a collection of sequences (stores × weeks, machines × cycles): windows inside each sequence.

Every window is cut from one sequence, never across two. The split is either by time — the last part
of *every* sequence is validation then test, and windows whose targets would reach into a later split
are dropped, so no target step is in two splits — or by sequence, whole units held out. Window,
horizon or offsets, stride, input and target columns work as for one series
(:func:`rnnlab.task.windows.frame_series`), and so do the baselines, which read the same windows.
"""

from __future__ import annotations

import numpy as np

from rnnlab.core.words import plural
from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.task import splits
from rnnlab.task.types import FramedData, TaskConfig, split_by_codes, suggested_season
from rnnlab.task.windows import (
    cut_windows,
    fit_scaling,
    forecast_columns,
    last_inputs,
    shape_targets,
    window_starts,
)  # fmt: skip

FORECAST_SPLITS = ("auto", "temporal", "sequence")


def _windows(seq: np.ndarray, config: TaskConfig, offsets, inputs, targets):
    starts = window_starts(len(seq), config.window, offsets, config.stride)
    if len(starts) == 0:
        return None
    X, Y, steps = cut_windows(seq, starts, config.window, offsets, inputs, targets)
    ok = np.isfinite(X).all(axis=(1, 2)) & np.isfinite(Y).all(axis=(1, 2))
    return X[ok], Y[ok], steps[ok], int((~ok).sum())


def _sequence_codes(n: int, config: TaskConfig) -> np.ndarray:
    try:
        return splits.random_split(n, config.val_share, config.test_share, config.seed)
    except DataError:
        raise DataError(
            f"Holding out whole sequences needs enough of them: {n} sequences cannot fill train, validation "
            f"({config.val_share:.0%}) and test ({config.test_share:.0%}). Split by time instead, or lower "
            "the shares."
        ) from None


def frame_panel(dataset: SequenceDataset, config: TaskConfig) -> FramedData:
    """Frame a forecast over every sequence of a collection (see the module docstring).

    Raises:
        DataError: no sequence is long enough for the window and horizon, or the split cannot be made.
        ValueError: a split mode other than ``auto``, ``temporal`` (by time) or ``sequence``.
    """
    if config.split_mode not in FORECAST_SPLITS:
        raise ValueError(
            "A forecast of several sequences is split by time (the last part of every sequence) or by "
            f"sequence (whole sequences held out). Received: split_mode={config.split_mode!r}; use "
            "'temporal' or 'sequence'"
        )
    by_sequence = config.split_mode == "sequence"
    names = list(dataset.feature_names)
    inputs, targets, offsets = forecast_columns(config, names)
    sequence_codes = _sequence_codes(dataset.n_sequences, config) if by_sequence else None
    blocks, notes, skipped, n_missing, n_dropped = [], [], [], 0, 0
    history: list[np.ndarray] = []
    for i, raw in enumerate(dataset.sequences):
        seq = np.asarray(raw, dtype=np.float64)
        cut = _windows(seq, config, offsets, inputs, targets)
        if cut is None or len(cut[0]) == 0:
            skipped.append(dataset.ids[i])
            continue
        X, Y, steps, missing = cut
        n_missing += missing
        if by_sequence:
            codes = np.full(len(X), sequence_codes[i], dtype=np.int64)
            if sequence_codes[i] == splits.TRAIN:
                history.append(seq[:, targets])
        else:
            try:
                codes = splits.temporal_split(steps[:, 0], steps[:, -1], config.val_share, config.test_share)
            except DataError:
                skipped.append(dataset.ids[i])
                continue
            if np.any(codes == splits.TRAIN):
                history.append(seq[: int(steps[codes == splits.TRAIN, -1].max()) + 1, targets])
        n_dropped += int((codes == splits.DROPPED).sum())
        blocks.append((X, Y, steps, codes, np.full(len(X), i, dtype=np.int64)))
    if not blocks:
        longest = int(dataset.lengths.max())
        raise DataError(
            f"Every sequence is too short for a window of {config.window} steps, a target {max(offsets)} steps "
            f"ahead and three splits (the longest has {longest} steps). Shorten the window or the horizon."
        )
    X, Y, steps, codes, sequence = (np.concatenate(parts) for parts in zip(*blocks))
    if not np.any(codes == splits.TRAIN):
        raise DataError("No training window is left. Use a shorter window or horizon, or smaller shares.")
    if skipped:
        shown = ", ".join(map(str, skipped[:5])) + (" …" if len(skipped) > 5 else "")
        notes.append(
            f"Left out {plural(len(skipped), 'sequence')} too short for a window, a target and the splits: {shown}."
        )
    if n_missing:
        notes.append(f"Dropped {plural(n_missing, 'window')} that contain a missing value.")
    if by_sequence:
        counts = [len(np.unique(sequence[codes == c])) for c in (0, 1, 2)]
        notes.append(
            f"Split by sequence, seed {config.seed}: {plural(counts[0], 'sequence')} train, {counts[1]} validation, "
            f"{counts[2]} test — the test sequences are never seen in training."
        )
    else:
        notes.append(
            f"Split by time inside each of {plural(len(np.unique(sequence)), 'sequence')}: the last "
            f"{config.test_share:.0%} of every sequence's windows are test, the {config.val_share:.0%} before "
            "them validation; windows cut from one sequence only."
        )
    if n_dropped:
        notes.append(f"Dropped {plural(n_dropped, 'window')} whose target steps would fall in two splits.")
    target_in_inputs = [inputs.index(t) if t in inputs else None for t in targets]
    last = last_inputs(X, target_in_inputs, config)
    parts = split_by_codes(
        codes, X, shape_targets(Y), None, np.full(len(codes), config.window, dtype=np.int64), steps[:, 0],
        sequence=sequence, last=last,
    )  # fmt: skip
    x_mean, x_std, y_mean, y_std = fit_scaling(X, Y, last, codes == splits.TRAIN, config)
    diffs = np.concatenate(
        [np.abs(np.diff(h, axis=0)) for h in history if len(h) > 1] or [np.zeros((0, len(targets)))]
    )
    mase_scale = np.nanmean(diffs, axis=0) if len(diffs) else np.full(len(targets), np.nan)
    if any(t is None for t in target_in_inputs):
        notes.append(
            "The target is not an input column, so the baselines that repeat its recent values "
            "(last value, window mean, seasonal naive, drift) are skipped."
        )
    return FramedData.from_splits(
        config, parts, [names[i] for i in inputs], [names[i] for i in targets],
        x_mean=x_mean, x_std=x_std, y_mean=y_mean, y_std=y_std, notes=notes, offsets=offsets,
        target_in_inputs=target_in_inputs, season_length=config.season_length or suggested_season(dataset.frequency),
        mase_scale=mase_scale, series_names=names, n_dropped=n_dropped,
        sequence_ids=list(dataset.ids), sequence_lengths=dataset.lengths.copy(),
        panel=[np.asarray(seq, dtype=np.float64) for seq in dataset.sequences],
    )  # fmt: skip
