"""Framing a collection of sequences: classify, regress or tag, with padding and splits.

Called by :func:`rnnlab.task.framing.frame`; ragged sequences are padded with a
value that never occurs in the data, and scaling is fitted on the training
split's real steps only.
"""

from __future__ import annotations

import numpy as np

from rnnlab.core.words import plural
from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.task import padding, scaling, splits
from rnnlab.task.types import FramedData, TaskConfig, column_indices, split_by_codes


def encode_labels(labels: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Map class labels to ``0 … K-1`` (sorted, numerically when all are numbers); keep their names.

    Example:
        >>> codes, names = encode_labels(np.array([5, 1, 10, 1]))
        >>> codes.tolist(), names
        ([1, 0, 2, 0], ['1', '5', '10'])
    """
    labels = np.asarray(labels)
    try:
        values = labels.astype(np.float64)
        numeric = bool(np.isfinite(values).all())
    except (TypeError, ValueError):
        numeric = False
    if numeric:
        classes, codes = np.unique(values, return_inverse=True)
        names = [str(int(c)) if float(c).is_integer() else f"{c:g}" for c in classes]
    else:
        classes, codes = np.unique(labels.astype(str), return_inverse=True)
        names = [str(c) for c in classes]
    return codes.astype(np.int64), names


def split_codes(
    dataset: SequenceDataset, config: TaskConfig, class_ids: np.ndarray | None
) -> tuple[np.ndarray, str]:
    """One split code per sequence, and a note saying how the split was made."""
    mode = config.split_mode
    n = dataset.n_sequences
    mode = splits.resolve_mode(mode, dataset.splits is not None, class_ids is not None)
    if mode == "archive":
        if dataset.splits is None:
            raise DataError(
                "`split_mode='archive'` needs a split column in the data. Received: none in this dataset"
            )
        codes = splits.archive_split(dataset.splits, class_ids, config.val_share, config.seed)
        return (
            codes,
            f"Split: the archive's own test set; validation = {config.val_share:.0%} of its train set.",
        )
    if mode == "stratified":
        if class_ids is None:
            raise ValueError("`split_mode='stratified'` needs class labels. Received: a task without classes")
        return splits.stratified_split(class_ids, config.val_share, config.test_share, config.seed), (
            f"Split: stratified by class, seed {config.seed}."
        )
    if mode == "temporal":
        return splits.order_split(n, config.val_share, config.test_share), "Split: in dataset order."
    return splits.random_split(
        n, config.val_share, config.test_share, config.seed
    ), f"Split: random, seed {config.seed}."


def _targets(dataset: SequenceDataset, config: TaskConfig, length: int):
    """``(y, target_names, class_names)`` for all sequences in original units (framing checked beforehand
    that the data has what the task needs: ``dataset.allowed_tasks()``)."""
    if config.kind in ("classify", "regress"):
        labels = dataset.labels
        if labels is None:
            raise ValueError(f"A {config.kind} task needs a label per sequence. Received: a dataset without labels")
        if config.kind == "classify":
            ids, names = encode_labels(labels)
            return ids, list(dataset.label_names) or ["label"], names
        y = np.asarray(labels, dtype=np.float64)
        return y, list(dataset.label_names) or ["target"], None
    targets = dataset.step_targets
    if targets is None:
        raise ValueError("A tag task needs a target per step. Received: a dataset without per-step targets")
    if dataset.step_target_kind == "class":
        flat = np.concatenate([np.asarray(t) for t in targets])
        ids, names = encode_labels(flat)
        per_seq = np.split(ids, np.cumsum([len(t) for t in targets])[:-1])
        y = padding.pad_sequences(
            [p.astype(np.float64) for p in per_seq], length, config.padding.side, config.padding.truncating,
            -1.0, "float64",
        ).astype(np.int64)  # fmt: skip
        return y, list(dataset.step_target_names) or ["target"], names
    y = padding.pad_sequences(
        [np.asarray(t, dtype=np.float64) for t in targets],
        length,
        config.padding.side,
        config.padding.truncating,
        np.nan,
        "float64",
    )
    return y, list(dataset.step_target_names) or ["target"], None


def frame_collection(dataset: SequenceDataset, config: TaskConfig) -> FramedData:
    """Frame a collection (classify / regress / tag); see :func:`rnnlab.task.framing.frame`."""
    names = list(dataset.feature_names)
    inputs = column_indices(config.input_columns, names, "Input columns")
    seqs = [np.asarray(s, dtype=np.float64)[:, inputs] for s in dataset.sequences]
    X, real, lengths, pad_value, notes = _padded(seqs, config.padding)
    y, target_names, class_names = _targets(dataset, config, X.shape[1])
    codes, split_note = split_codes(dataset, config, y if config.kind == "classify" else None)
    value_targets = config.kind != "classify" and class_names is None  # not a class per sample or per step
    notes.append(split_note)
    weight = real.astype(np.float32) if config.kind == "tag" else None
    parts = split_by_codes(codes, X, y, weight, lengths, np.arange(len(codes)))
    train = codes == 0
    x_mean, x_std, y_mean, y_std = _fit_scaling(X, y, real, train, config, value_targets)
    return FramedData.from_splits(
        config,
        parts,
        [names[i] for i in inputs],
        target_names,
        class_names=class_names,
        pad_value=pad_value,
        model_pad_value=_model_pad_value(X[real], x_mean, x_std) if pad_value is not None else None,
        mask=bool(config.padding.mask and pad_value is not None),
        padded_share=float(1.0 - real.mean()),
        x_mean=x_mean,
        x_std=x_std,
        y_mean=y_mean,
        y_std=y_std,
        notes=notes,
        target_in_inputs=_target_in_inputs(target_names, names, inputs) if value_targets else [],
        mase_scale=_step_mase_scale(y[train]) if config.kind == "tag" and value_targets else None,
    )


def _padded(
    seqs: list[np.ndarray], pad_cfg
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float | None, list[str]]:
    """``(X, real, lengths, pad_value, notes)``: the sequences truncated and padded to one length, which of
    their steps are real, their lengths after truncation, the pad value (``None`` when none was needed) and
    a note on truncation."""
    raw_lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    length = int(pad_cfg.length or raw_lengths.max())
    lengths = np.minimum(raw_lengths, length)
    notes: list[str] = []
    if (raw_lengths > length).any():
        notes.append(
            f"Truncated {plural(int((raw_lengths > length).sum()), 'sequence')} to {length} steps ({pad_cfg.truncating})."
        )
    pad_value = _pad_value(seqs, pad_cfg) if bool((lengths < length).any()) else None
    X = padding.pad_sequences(seqs, length, pad_cfg.side, pad_cfg.truncating, pad_value or 0.0, "float64")
    real = padding.real_step_mask(lengths, length, pad_cfg.side)
    return X, real, lengths, pad_value, notes


def _pad_value(seqs: list[np.ndarray], pad_cfg) -> float:
    """The pad value asked for (checked to occur nowhere in the data), or one chosen that never occurs."""
    if pad_cfg.value is not None:
        padding.check_pad_value(pad_cfg.value, seqs)
        return float(pad_cfg.value)
    return padding.choose_pad_value(seqs)


def _fit_scaling(X, y, real, train, config: TaskConfig, value_targets: bool) -> tuple:
    """``(x_mean, x_std, y_mean, y_std)`` fitted on the training split's real steps (``None`` where not scaled;
    class targets are never scaled)."""
    if not config.scale:
        return None, None, None, None
    x_mean, x_std = scaling.fit_standardizer(X[train], real[train])
    if not value_targets:
        return x_mean, x_std, None, None
    y_train = y[train]
    if config.kind == "tag" and y_train.ndim == 2:
        y_train = y_train[..., None]
    y_mean, y_std = scaling.fit_standardizer(y_train)
    return x_mean, x_std, y_mean, y_std


def _model_pad_value(real_steps: np.ndarray, x_mean, x_std) -> float:
    """The pad value the model sees: a whole number below every scaled real step and below 0."""
    scaled = (real_steps - x_mean) / x_std if x_mean is not None else real_steps
    return float(np.floor(min(scaled.min(), 0.0)) - 1.0)


def _step_mase_scale(y_train: np.ndarray) -> np.ndarray:
    """Each tagging target's mean absolute step-to-step change over the training sequences."""
    steps = y_train if y_train.ndim == 3 else y_train[..., None]
    return np.nanmean(np.abs(np.diff(steps, axis=1)).reshape(-1, steps.shape[-1]), axis=0)


def _target_in_inputs(target_names: list[str], names: list[str], inputs: list[int]) -> list[int | None]:
    """For each target, its position among the input columns, or ``None`` when it is not an input."""
    return [
        inputs.index(names.index(t)) if t in names and names.index(t) in inputs else None
        for t in target_names
    ]
