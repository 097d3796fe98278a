"""Forecasting a collection of sequences (stores × weeks, machines × cycles): windows inside each sequence.

Every window is cut from one sequence, never across two. The split is either by time — the last part
of *every* sequence is validation then test, and windows whose targets would reach into a later split
are dropped, so no target step is in two splits — or by sequence, whole units held out. Window,
horizon or offsets, stride, input and target columns work as for one series
(:func:`rnnlab.task.windows.frame_series`), and so do the baselines, which read the same windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class _Cuts:
    """The windows of every sequence that could be cut and split, and what was left out on the way."""

    blocks: list[tuple[np.ndarray, ...]] = field(default_factory=list)  # X, Y, steps, codes, sequence index
    history: list[np.ndarray] = field(default_factory=list)  # target values of each training part (MASE)
    skipped: list = field(default_factory=list)  # ids of the sequences too short to cut or split
    n_missing: int = 0  # windows dropped for a missing value
    n_dropped: int = 0  # windows whose target steps would fall in two splits


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
    names = list(dataset.feature_names)
    inputs, targets, offsets = forecast_columns(config, names)
    cuts = _cut_sequences(dataset, config, offsets, inputs, targets)
    if not cuts.blocks:
        longest = int(dataset.lengths.max())
        raise DataError(
            f"Every sequence is too short for a window of {config.window} steps, a target {max(offsets)} steps "
            f"ahead and three splits (the longest has {longest} steps). Shorten the window or the horizon."
        )
    X, Y, steps, codes, sequence = (np.concatenate(parts) for parts in zip(*cuts.blocks))
    if not np.any(codes == splits.TRAIN):
        raise DataError("No training window is left. Use a shorter window or horizon, or smaller shares.")
    notes = _split_notes(config, cuts, codes, sequence)
    target_in_inputs = [inputs.index(t) if t in inputs else None for t in targets]
    last = last_inputs(X, target_in_inputs, config)
    parts = split_by_codes(
        codes, X, shape_targets(Y), None, np.full(len(codes), config.window, dtype=np.int64), steps[:, 0],
        sequence=sequence, last=last,
    )  # fmt: skip
    x_mean, x_std, y_mean, y_std = fit_scaling(X, Y, last, codes == splits.TRAIN, config)
    if any(t is None for t in target_in_inputs):
        notes.append(
            "The target is not an input column, so the baselines that repeat its recent values "
            "(last value, window mean, seasonal naive, drift) are skipped."
        )
    return FramedData.from_splits(
        config, parts, [names[i] for i in inputs], [names[i] for i in targets],
        x_mean=x_mean, x_std=x_std, y_mean=y_mean, y_std=y_std, notes=notes, offsets=offsets,
        target_in_inputs=target_in_inputs, season_length=config.season_length or suggested_season(dataset.frequency),
        mase_scale=_mase_scale(cuts.history, len(targets)), series_names=names, n_dropped=cuts.n_dropped,
        sequence_ids=list(dataset.ids), sequence_lengths=dataset.lengths.copy(),
        panel=[np.asarray(seq, dtype=np.float64) for seq in dataset.sequences],
    )  # fmt: skip


def _cut_sequences(dataset: SequenceDataset, config: TaskConfig, offsets, inputs, targets) -> _Cuts:
    """Every sequence's windows with their split codes, skipping the sequences too short to cut or split."""
    by_sequence = config.split_mode == "sequence"
    sequence_codes = _sequence_codes(dataset.n_sequences, config) if by_sequence else None
    cuts = _Cuts()
    for i, raw in enumerate(dataset.sequences):
        seq = np.asarray(raw, dtype=np.float64)
        cut = _windows(seq, config, offsets, inputs, targets)
        if cut is None or len(cut[0]) == 0:
            cuts.skipped.append(dataset.ids[i])
            continue
        X, Y, steps, missing = cut
        cuts.n_missing += missing
        codes = _window_codes(steps, config, None if sequence_codes is None else sequence_codes[i])
        if codes is None:
            cuts.skipped.append(dataset.ids[i])
            continue
        if np.any(codes == splits.TRAIN):
            cuts.history.append(_train_part(seq, steps, codes, targets, whole=by_sequence))
        cuts.n_dropped += int((codes == splits.DROPPED).sum())
        cuts.blocks.append((X, Y, steps, codes, np.full(len(X), i, dtype=np.int64)))
    return cuts


def _window_codes(steps: np.ndarray, config: TaskConfig, sequence_code: int | None) -> np.ndarray | None:
    """Each window's split: its sequence's code when whole sequences are held out, else by time
    (``None`` when the sequence is too short for the three splits)."""
    if sequence_code is not None:
        return np.full(len(steps), sequence_code, dtype=np.int64)
    try:
        return splits.temporal_split(steps[:, 0], steps[:, -1], config.val_share, config.test_share)
    except DataError:
        return None


def _train_part(seq: np.ndarray, steps: np.ndarray, codes: np.ndarray, targets, whole: bool) -> np.ndarray:
    """The target values of a sequence's training part: all of it when held out whole, else up to the last
    step of its last training window."""
    if whole:
        return seq[:, targets]
    return seq[: int(steps[codes == splits.TRAIN, -1].max()) + 1, targets]


def _split_notes(config: TaskConfig, cuts: _Cuts, codes: np.ndarray, sequence: np.ndarray) -> list[str]:
    """The notes on what was left out and how the windows were split, in plain words."""
    notes = []
    if cuts.skipped:
        shown = ", ".join(map(str, cuts.skipped[:5])) + (" …" if len(cuts.skipped) > 5 else "")
        notes.append(
            f"Left out {plural(len(cuts.skipped), 'sequence')} too short for a window, a target and the splits: {shown}."
        )
    if cuts.n_missing:
        notes.append(f"Dropped {plural(cuts.n_missing, 'window')} that contain a missing value.")
    if config.split_mode == "sequence":
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
    if cuts.n_dropped:
        notes.append(
            f"Dropped {plural(cuts.n_dropped, 'window')} whose target steps would fall in two splits."
        )
    return notes


def _mase_scale(history: list[np.ndarray], n_targets: int) -> np.ndarray:
    """Each target's mean absolute step-to-step change over the training parts (NaN when there is none)."""
    diffs = np.concatenate(
        [np.abs(np.diff(h, axis=0)) for h in history if len(h) > 1] or [np.zeros((0, n_targets))]
    )
    return np.nanmean(diffs, axis=0) if len(diffs) else np.full(n_targets, np.nan)
