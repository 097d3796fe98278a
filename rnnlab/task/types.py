"""The task's types: what to learn (:class:`TaskConfig`, :class:`PaddingConfig`) and what framing returns
(:class:`FramedData` with one :class:`SplitArrays` per split), plus the small helpers every framing path
shares. Plain data; no TensorFlow.

It is a little over 300 lines on purpose: the task types are read together (a TaskConfig is what
framing turns into a FramedData), and splitting them would bring back the import circle they replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rnnlab.core.config import Config
from rnnlab.core.metric_registry import main_metric
from rnnlab.data.dataset import KINDS, DataError
from rnnlab.task import balance, scaling
from rnnlab.task.padding import SIDES, real_step_mask
from rnnlab.task.splits import NAMES, check_shares

SPLIT_MODES = ("auto", "archive", "stratified", "random", "temporal", "sequence")
PREDICTS = ("level", "change")
SEASONS = {"monthly": 12, "weekly": 52, "daily": 7, "hourly": 24, "quarterly": 4}


MAX_SEED = 2**31 - 1  # the widgets' and NumPy's largest seed
SHARE = {"bounds": (0.0, None), "below": 1.0}  # a split's share of the samples, in [0, 1)
OFFSETS = {"bounds": (1, 10_000), "length": (0, 1000)}  # future steps after the window, increasing
COLUMNS = {"length": (0, 10_000)}  # column names (any text; checked against the data when framing)


@dataclass(frozen=True)
class PaddingConfig(Config):
    # one line per setting: type, default and limits (the Task page's widgets use the same limits)
    side: str = field(default="post", metadata={"options": SIDES})  # where pad steps go
    length: int | None = field(default=None, metadata={"bounds": (1, 1_000_000)})  # None = the longest
    truncating: str = field(default="post", metadata={"options": SIDES})  # which end of longer ones is cut
    value: float | None = None  # None = automatic, outside the data's range
    mask: bool = True  # the model adds a Masking layer


@dataclass(frozen=True)
class TaskConfig(Config):
    # one line per setting: type, default and limits (the Task page's widgets use the same limits)
    kind: str = field(metadata={"options": KINDS})  # "classify" | "regress" | "forecast" | "tag"
    window: int = field(default=12, metadata={"bounds": (1, 100_000)})  # forecast: input steps W
    horizon: int = field(default=1, metadata={"bounds": (1, 10_000)})  # forecast: next H steps (no offsets)
    offsets: tuple[int, ...] = field(default=(), metadata=OFFSETS)  # forecast: chosen offsets, e.g. (1, 7)
    stride: int = field(default=1, metadata={"bounds": (1, 10_000)})  # forecast: steps between windows
    input_columns: tuple[str, ...] = field(default=(), metadata=COLUMNS)  # () = all features
    target_columns: tuple[str, ...] = field(default=(), metadata=COLUMNS)  # forecast: () = first input
    val_share: float = field(default=0.15, metadata=SHARE)  # share of samples for validation
    test_share: float = field(default=0.15, metadata=SHARE)  # share of samples for test
    split_mode: str = field(default="auto", metadata={"options": SPLIT_MODES})  # see rnnlab.task.splits
    seed: int = field(default=0, metadata={"bounds": (0, MAX_SEED)})  # seed of every random split
    scale: bool = True  # standardise X (and y for regression) on the training split
    padding: PaddingConfig = PaddingConfig()  # ragged collections only
    season_length: int | None = field(default=None, metadata={"bounds": (1, 100_000)})  # None = suggested
    predict: str = field(default="level", metadata={"options": PREDICTS})  # forecast: "level" | "change"
    # a backtest's earlier origin (rnnlab.task.origins): steps left out at the end of every sequence, and
    # how many steps before that cut are kept (0 = all of them; else a sliding training window)
    cutoff: int = field(default=0, metadata={"bounds": (0, 10_000_000)})
    history: int = field(default=0, metadata={"bounds": (0, 10_000_000)})

    def check_together(self) -> None:
        offsets = list(self.offsets)
        if offsets != sorted(set(offsets)):
            raise ValueError(
                f"`offsets` must be distinct positive steps after the window, increasing. Received: offsets={self.offsets}"
            )
        check_shares(self.val_share, self.test_share)
        if (self.cutoff or self.history) and self.kind != "forecast":
            raise ValueError(
                "`cutoff` and `history` move a forecast's origin back in time; only a forecast has one. "
                f"Received: kind={self.kind!r}, cutoff={self.cutoff}, history={self.history}"
            )


@dataclass
class SplitArrays:
    """One split in original units.

    Attributes:
        X: ``(n, T, F)`` float32, padded steps hold the pad value.
        y: classify int64 ``(n,)``; regress ``(n,)``/``(n, k)``; forecast ``(n,)``, ``(n, H)`` or
            ``(n, H, k)``; tag ``(n, T)``/``(n, T, k)`` with NaN on padded steps.
        sample_weight: tag ``(n, T)``: 1.0 on real, 0.0 on padded steps; else ``None``.
        lengths: ``(n,)`` real steps per sample.
        index: Collections: sequence index in the dataset; series (and forecasts of a collection): index
            of the first target step inside its sequence.
        sequence: Forecasts of a collection: the sequence (index in the dataset) each window was cut from.
        last: Forecasts: ``(n, k)`` the last input value of each target in the window (for ``predict='change'``).
    """

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    lengths: np.ndarray
    index: np.ndarray
    sequence: np.ndarray | None = None
    last: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.X)


def split_by_codes(
    codes, X, y, sample_weight, lengths, index, sequence=None, last=None
) -> dict[str, SplitArrays]:
    """Cut per-sample arrays into the named splits by split code (0 train, 1 val, 2 test; others dropped)."""
    parts = {}
    for code, name in enumerate(NAMES):
        sel = codes == code
        parts[name] = SplitArrays(
            X=X[sel].astype(np.float32),
            y=y[sel],
            sample_weight=None if sample_weight is None else sample_weight[sel],
            lengths=lengths[sel],
            index=index[sel],
            sequence=None if sequence is None else sequence[sel],
            last=None if last is None else last[sel],
        )
    return parts


def broadcast_last(last: np.ndarray, y_shape: tuple[int, ...]) -> np.ndarray:
    """``(n, k)`` last input values shaped to add to targets of shape ``(n,)``, ``(n, H)`` or ``(n, H, k)``.

    Example:
        >>> broadcast_last(np.array([[1.0], [2.0]]), (2, 3)).tolist()
        [[1.0], [2.0]]
    """
    last = np.asarray(last, dtype=np.float64)
    if len(y_shape) == 1:
        return last[:, 0]
    if len(y_shape) == 2:
        return last[:, :1]
    return last[:, None, :]


@dataclass
class FramedData:
    """The framed task: three splits, names, padding, scaling, notes (see :func:`frame`)."""

    config: TaskConfig
    train: SplitArrays
    val: SplitArrays
    test: SplitArrays
    feature_names: list[str]
    target_names: list[str]
    class_names: list[str] | None = None
    pad_value: float | None = (
        None  # collections: the pad value in original units, None when nothing is padded
    )
    model_pad_value: float | None = None  # the pad value the model sees, below every scaled real value
    mask: bool = False  # the model masks padded steps
    padded_share: float = 0.0
    x_mean: np.ndarray | None = None  # None: inputs are not scaled
    x_std: np.ndarray | None = None
    y_mean: np.ndarray | None = None  # None: targets are not scaled
    y_std: np.ndarray | None = None
    series: np.ndarray | None = None  # forecast: the whole series in original units
    notes: list[str] = field(default_factory=list)
    offsets: tuple[int, ...] = ()  # forecast target offsets
    target_in_inputs: list[int | None] = field(default_factory=list)  # input index of each target, or None
    season_length: int | None = None  # forecast: season used by seasonal naive
    mase_scale: np.ndarray | None = None  # one-step naive MAE on the training series, per target
    series_names: list[str] = field(default_factory=list)  # forecast: columns of ``series``
    time_index: np.ndarray | None = None  # forecast: time stamps of ``series``
    n_dropped: int = 0  # forecast windows dropped at split boundaries
    sequence_ids: list = field(default_factory=list)  # forecasts of a collection: the dataset's sequence ids
    sequence_lengths: np.ndarray | None = None  # forecasts of a collection: steps of each sequence
    panel: list[np.ndarray] | None = (
        None  # forecasts of a collection: each sequence (n_steps_i, all features)
    )

    @classmethod
    def from_splits(
        cls,
        config: TaskConfig,
        parts: dict[str, SplitArrays],
        feature_names: list[str],
        target_names: list[str],
        **details,
    ) -> FramedData:
        """The one way framing builds a :class:`FramedData`: the splits by name, the names, and the details.

        Args:
            config: The task.
            parts: ``{"train", "val", "test"}`` → :class:`SplitArrays` (e.g. from :func:`split_by_codes`).
            feature_names: Input column names.
            target_names: Target names.
            **details: Any other field (classes, padding, scaling, forecast fields); the rest keep their
                defaults: nothing padded, nothing scaled, no series.
        """
        return cls(
            config=config,
            train=parts["train"],
            val=parts["val"],
            test=parts["test"],
            feature_names=list(feature_names),
            target_names=list(target_names),
            **details,
        )

    def split(self, name: str) -> SplitArrays:
        if name not in NAMES:
            raise ValueError(f"`name` must be one of {NAMES}. Received: name={name!r}")
        return getattr(self, name)

    def real_steps(self, name: str) -> np.ndarray:
        """Boolean ``(n, T)``: True on real steps of the split."""
        part = self.split(name)
        return real_step_mask(part.lengths, part.X.shape[1], self.config.padding.side)

    def scaled(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Model-ready ``(X, y, sample_weight)``: standardised, padded steps = ``model_pad_value``."""
        part = self.split(name)
        X = part.X.astype(np.float64)
        if self.x_mean is not None:
            X = (X - self.x_mean) / self.x_std
        if self.model_pad_value is not None:
            X[~self.real_steps(name)] = self.model_pad_value
        if self.config.kind == "classify":
            return X.astype(np.float32), part.y.astype(np.int64), part.sample_weight
        if self.is_class_task:  # tagging classes: padded steps hold -1 and weigh 0
            return X.astype(np.float32), np.maximum(part.y, 0).astype(np.int64), part.sample_weight
        y = self.scale_y(part.y, name)
        return X.astype(np.float32), np.nan_to_num(y, nan=0.0).astype(np.float32), part.sample_weight

    @property
    def predicts_change(self) -> bool:
        return self.config.kind == "forecast" and self.config.predict == "change"

    def scale_y(self, y: np.ndarray, split: str) -> np.ndarray:
        """Targets (or predictions) in original units → what the model learns (change, then standardised)."""
        y = np.asarray(y, dtype=np.float64)
        if self.predicts_change:
            y = y - self._last_values(split, y.shape)
        if self.y_mean is not None and self.y_std is not None:  # set together by framing
            y = scaling.standardize(y, self.y_mean, self.y_std)
        return y

    def _last_values(self, split: str, y_shape: tuple[int, ...]) -> np.ndarray:
        """The split's last input values shaped to ``y_shape`` (framing keeps them when the change is predicted)."""
        last = self.split(split).last
        if last is None:
            raise ValueError(
                f"Predicting the change needs each window's last input values. Received: none for split={split!r}"
            )
        return broadcast_last(last, y_shape)

    def unscale_y(self, y_scaled: np.ndarray, split: str | None = None) -> np.ndarray:
        """Model outputs back to original units (class tasks: unchanged).

        With ``predict='change'`` the split's last input values are added back, so ``split`` is required.
        """
        if self.is_class_task:
            return np.asarray(y_scaled)
        y = np.asarray(y_scaled, dtype=np.float64)
        if self.y_mean is not None and self.y_std is not None:  # set together by framing
            y = scaling.unstandardize(y, self.y_mean, self.y_std)
        if self.predicts_change:
            if split is None:
                raise ValueError(
                    "`split` must name the split the outputs belong to when predicting the change"
                )
            y = y + self._last_values(split, y.shape)
        return y

    @property
    def n_steps(self) -> int:
        return int(self.train.X.shape[1])

    @property
    def n_features(self) -> int:
        return int(self.train.X.shape[2])

    @property
    def n_classes(self) -> int | None:
        return len(self.class_names) if self.class_names is not None else None

    @property
    def y_shape(self) -> tuple[int, ...]:
        return tuple(int(d) for d in self.train.y.shape[1:])

    @property
    def is_class_task(self) -> bool:
        """Classification, or tagging with a class per step."""
        return self.config.kind == "classify" or (self.config.kind == "tag" and self.class_names is not None)

    @property
    def train_class_counts(self) -> np.ndarray | None:
        """Training samples (tagging: real steps) per class, or ``None`` for value tasks."""
        return balance.class_counts(self.train.y, self.n_classes) if self.is_class_task else None

    @property
    def imbalance(self) -> float | None:
        """Largest over smallest training class count (``inf`` when a class is missing), or ``None``."""
        counts = self.train_class_counts
        return None if counts is None else balance.imbalance(counts)

    @property
    def main_metric(self) -> str:
        """The metric the verdict compares on, chosen before training from the training split.

        ``mae`` for values; for classes balanced accuracy when they are imbalanced
        (:mod:`rnnlab.task.balance`), else accuracy.
        """
        return balance.class_metric(self.imbalance) if self.is_class_task else main_metric(self.config.kind)

    @property
    def main_metric_reason(self) -> str:
        """One sentence saying why :attr:`main_metric` was chosen."""
        if not self.is_class_task:
            return "MAE in the target's own units: the average size of a forecast error."
        return balance.class_metric_reason(self.imbalance)

    @property
    def curve_metric(self) -> str:
        """The metric Keras logs while training (``accuracy`` for classes, ``mae`` for values)."""
        return main_metric("classify" if self.is_class_task else self.config.kind)

    def sizes(self) -> dict[str, int]:
        return {f"n_{name}": len(self.split(name)) for name in NAMES}


def suggested_season(frequency: str | None) -> int | None:
    """Season length for a sampling frequency: 12 monthly, 52 weekly, 7 daily, 24 hourly, 4 quarterly.

    Example:
        >>> suggested_season("monthly"), suggested_season(None)
        (12, None)
    """
    return SEASONS.get((frequency or "").lower())


def column_indices(names: tuple[str, ...], features: list[str], what: str) -> list[int]:
    """Indices of ``names`` in ``features``; ``()`` means all. Raises ``DataError`` for unknown names."""
    if not names:
        return list(range(len(features)))
    unknown = [n for n in names if n not in features]
    if unknown:
        raise DataError(f"{what} must be among the features {features}. Received: {unknown}")
    return [features.index(n) for n in names]
