"""The one dataset type every reader returns and every later step consumes.

A :class:`SequenceDataset` is a collection of sequences (possibly ragged) with
named features, and optionally one label/target per sequence, one target per
step, the archive's own train/test split, and for one long series its time
index. It holds plain NumPy arrays and never imports TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LAYOUTS = ("long", "wide", "series")
KINDS = ("classify", "regress", "forecast", "tag")  # the tasks a dataset can allow
MIN_FORECAST_STEPS = 3  # a sequence needs a window and a target after it
MIN_PER_CLASS = 5  # a collection with fewer sequences per class than this defaults to forecasting


class DataError(ValueError):
    """Input data the app cannot use; the message says what must hold and what was found."""


@dataclass
class SequenceDataset:
    """Sequences with named features, ready to be framed into a learning task.

    Attributes:
        name: Display name (bundled dataset key or uploaded file name).
        layout: ``"long"``, ``"wide"`` or ``"series"`` — how the file was read.
        sequences: One float64 array of shape ``(n_steps_i, n_features)`` per
            sequence. A ``series`` dataset has exactly one sequence.
        feature_names: Names of the ``n_features`` columns.
        labels: One label or target per sequence (shape ``(n_sequences,)``,
            or ``(n_sequences, n_targets)`` for several regression targets), or
            ``None``. Class labels keep their original values (str or number).
        label_names: Column name(s) the labels came from.
        label_kind: ``"class"`` for categorical labels, ``"value"`` for numeric
            regression targets, ``None`` without labels.
        step_targets: For tagging, one array ``(n_steps_i,)`` or
            ``(n_steps_i, n_step_targets)`` per sequence, or ``None``.
        step_target_names: Column name(s) of the per-step targets.
        step_target_kind: ``"class"`` (a category per step, original values kept) or ``"value"``
            (numbers), ``None`` without per-step targets.
        splits: The archive's own split per sequence (``"train"``/``"test"``),
            or ``None``.
        ids: The sequence identifiers as they appear in the file.
        time_index: For a ``series``, the time stamps (``datetime64`` or
            numbers) of its steps, else ``None``.
        time_name: Column the time index came from.
        frequency: Inferred sampling frequency of a series (``"monthly"``,
            ``"weekly"``, ``"daily"``, ``"hourly"``, ``"quarterly"``, …) or
            ``None``.
        detection: Plain-words reason the layout was chosen.
        notes: What the reader did that the user should know (dropped columns,
            filled gaps, padding treated as missing, …).
        missing_filled: How many missing values were filled.
        roles: Column → the roles it can play (``id``, ``time``, ``label``, ``tag target``,
            ``feature``), for the reading options; empty when not read from a file.
    """

    name: str
    layout: str
    sequences: list[np.ndarray]
    feature_names: list[str]
    labels: np.ndarray | None = None
    label_names: list[str] = field(default_factory=list)
    label_kind: str | None = None
    step_targets: list[np.ndarray] | None = None
    step_target_names: list[str] = field(default_factory=list)
    step_target_kind: str | None = None
    splits: np.ndarray | None = None
    ids: list = field(default_factory=list)
    time_index: np.ndarray | None = None
    time_name: str | None = None
    frequency: str | None = None
    detection: str = ""
    notes: list[str] = field(default_factory=list)
    missing_filled: int = 0
    roles: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(f"`layout` must be one of {LAYOUTS}. Received: layout={self.layout!r}")
        if not self.sequences:
            raise DataError("A dataset must hold at least one sequence. Received: 0 sequences")
        widths = {s.shape[1] for s in self.sequences}
        if widths != {len(self.feature_names)}:
            raise ValueError(
                "Every sequence must have one column per feature name "
                f"({len(self.feature_names)}). Received widths: {sorted(widths)}"
            )
        if not self.ids:
            self.ids = list(range(len(self.sequences)))
        if self.step_targets is not None and self.step_target_kind is None:
            self.step_target_kind = "value"

    @property
    def n_sequences(self) -> int:
        return len(self.sequences)

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    @property
    def lengths(self) -> np.ndarray:
        """Number of steps of each sequence, shape ``(n_sequences,)``."""
        return np.array([len(s) for s in self.sequences], dtype=np.int64)

    @property
    def is_ragged(self) -> bool:
        return len(set(self.lengths.tolist())) > 1

    @property
    def tensor_shape(self) -> tuple[int, int, int]:
        """``(n_sequences, n_observations, n_features)`` once padded to the longest."""
        return (self.n_sequences, int(self.lengths.max()), self.n_features)

    @property
    def classes(self) -> dict | None:
        """Label → count for class labels, sorted by label, else ``None``."""
        if self.labels is None or self.label_kind != "class":
            return None
        values, counts = np.unique(np.asarray(self.labels).astype(str), return_counts=True)
        return {v: int(c) for v, c in zip(values, counts)}

    def allowed_tasks(self) -> list[str]:
        """The task kinds this data supports, most natural first.

        A collection with fewer than :data:`MIN_PER_CLASS` sequences per class of its label (12 stores in 4
        regions) puts forecasting inside each sequence first: a classifier cannot learn from so few.
        """
        tasks = []
        if self.label_kind == "class":
            tasks.append("classify")
        elif self.label_kind == "value":
            tasks.append("regress")
        if self.step_targets is not None:
            tasks.append("tag")
        if self.layout == "series" or int(self.lengths.max()) >= MIN_FORECAST_STEPS:
            tasks.append("forecast")
            if tasks[0] == "classify" and self.n_sequences < MIN_PER_CLASS * len(self.classes or {}):
                tasks.insert(0, tasks.pop())  # too few sequences per class: forecast inside each one first
        return tasks

    @property
    def is_collection_forecast(self) -> bool:
        """Forecasting here means windows inside each of several sequences (not one long series)."""
        return self.layout != "series" and self.n_sequences > 1
