"""Padding ragged sequences to one length, in plain NumPy (no TensorFlow).

The pad value must never be a value the data holds: a real ``0`` padded with
``0`` can no longer be told apart from padding, and a ``Masking`` layer would
hide real steps. :func:`choose_pad_value` picks one outside the data's range;
:func:`check_pad_value` refuses a user's value that occurs in the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnnlab.data.dataset import DataError

SIDES = ("pre", "post")


def pad_sequences(
    sequences: Sequence[np.ndarray],
    maxlen: int | None = None,
    padding: str = "post",
    truncating: str = "post",
    value: float = 0.0,
    dtype: str = "float32",
) -> np.ndarray:
    """Pad (and truncate) sequences of shape ``(n_steps_i, ...)`` to one length.

    Works like ``keras.utils.pad_sequences`` but keeps trailing feature axes.

    Args:
        sequences: One array ``(n_steps_i,)`` or ``(n_steps_i, n_features)`` per sequence.
        maxlen: Target length; ``None`` = the longest sequence.
        padding: ``"pre"`` (pad at the start) or ``"post"`` (pad at the end).
        truncating: Drop steps from the ``"pre"`` (start) or ``"post"`` (end) of longer sequences.
        value: The pad value.
        dtype: dtype of the result.

    Returns:
        Array ``(n_sequences, maxlen, ...)``.

    Example:
        >>> pad_sequences([np.array([1, 2]), np.array([3, 4, 5])], value=-1).tolist()
        [[1.0, 2.0, -1.0], [3.0, 4.0, 5.0]]
        >>> pad_sequences([np.array([1, 2, 3])], maxlen=2, padding="pre", truncating="pre").tolist()
        [[2.0, 3.0]]
    """
    if padding not in SIDES:
        raise ValueError(f"`padding` must be 'pre' or 'post'. Received: padding={padding!r}")
    if truncating not in SIDES:
        raise ValueError(f"`truncating` must be 'pre' or 'post'. Received: truncating={truncating!r}")
    if not sequences:
        raise ValueError("`sequences` must hold at least one sequence. Received: 0 sequences")
    lengths = [len(s) for s in sequences]
    if maxlen is None:
        maxlen = max(lengths)
    if maxlen < 1:
        raise ValueError(f"`maxlen` must be ≥ 1. Received: maxlen={maxlen}")
    tail = np.asarray(sequences[0]).shape[1:]
    out = np.full((len(sequences), maxlen, *tail), value, dtype=dtype)
    for i, seq in enumerate(sequences):
        seq = np.asarray(seq)
        if len(seq) == 0:
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if padding == "post":
            out[i, : len(kept)] = kept
        else:
            out[i, maxlen - len(kept) :] = kept
    return out


def real_step_mask(lengths: np.ndarray, n_steps: int, side: str = "post") -> np.ndarray:
    """Boolean ``(n, n_steps)``: True on real steps, False on padded ones.

    Example:
        >>> real_step_mask(np.array([1, 3]), 3, "pre").astype(int).tolist()
        [[0, 0, 1], [1, 1, 1]]
    """
    steps = np.arange(n_steps)[None, :]
    lengths = np.minimum(np.asarray(lengths), n_steps)[:, None]
    if side == "post":
        return steps < lengths
    return steps >= n_steps - lengths


def data_range(sequences: Sequence[np.ndarray]) -> tuple[float, float]:
    """Smallest and largest finite value over all sequences."""
    flat = np.concatenate([np.asarray(s, dtype=np.float64).ravel() for s in sequences])
    flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return 0.0, 0.0
    return float(flat.min()), float(flat.max())


def choose_pad_value(sequences: Sequence[np.ndarray]) -> float:
    """A round pad value below the data's range: ``-1`` for non-negative data, else ``floor(min) - 1``.

    Example:
        >>> choose_pad_value([np.array([0.0, 3.5])]), choose_pad_value([np.array([-2.5, 1.0])])
        (-1.0, -4.0)
    """
    low, _ = data_range(sequences)
    return -1.0 if low >= 0 else float(np.floor(low) - 1.0)


def count_occurrences(value: float, sequences: Sequence[np.ndarray]) -> int:
    """How many entries of the sequences equal ``value``."""
    return int(sum(int(np.count_nonzero(np.asarray(s) == value)) for s in sequences))


def check_pad_value(value: float, sequences: Sequence[np.ndarray]) -> None:
    """Refuse a pad value that occurs in the data.

    Raises:
        DataError: saying how many times the value occurs and the data's range.
    """
    if not np.isfinite(value):
        raise DataError(f"The pad value must be a finite number. Received: value={value}")
    count = count_occurrences(value, sequences)
    if count:
        low, high = data_range(sequences)
        raise DataError(
            f"The pad value must not occur in the data: {value:g} occurs {count} times, so padded steps "
            f"could not be told apart from real ones. Choose a value outside [{low:g}, {high:g}], "
            f"or leave it automatic. Received: value={value:g}"
        )
