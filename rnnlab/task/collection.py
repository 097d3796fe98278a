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
    """``(y, target_names, class_names)`` for all sequences in original units."""
    if config.kind == "classify":
        ids, names = encode_labels(dataset.labels)
        return ids, list(dataset.label_names) or ["label"], names
    if config.kind == "regress":
        y = np.asarray(dataset.labels, dtype=np.float64)
        return y, list(dataset.label_names) or ["target"], None
    if dataset.step_target_kind == "class":
        flat = np.concatenate([np.asarray(t) for t in dataset.step_targets])
        ids, names = encode_labels(flat)
        per_seq = np.split(ids, np.cumsum([len(t) for t in dataset.step_targets])[:-1])
        y = padding.pad_sequences(
            [p.astype(np.float64) for p in per_seq], length, config.padding.side, config.padding.truncating,
            -1.0, "float64",
        ).astype(np.int64)  # fmt: skip
        return y, list(dataset.step_target_names) or ["target"], names
    y = padding.pad_sequences(
        [np.asarray(t, dtype=np.float64) for t in dataset.step_targets],
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
    pad_cfg = config.padding
    raw_lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    length = int(pad_cfg.length or raw_lengths.max())
    lengths = np.minimum(raw_lengths, length)
    notes: list[str] = []
    if (raw_lengths > length).any():
        notes.append(
            f"Truncated {plural(int((raw_lengths > length).sum()), 'sequence')} to {length} steps ({pad_cfg.truncating})."
        )
    needs_pad = bool((lengths < length).any())
    pad_value = None
    if needs_pad:
        if pad_cfg.value is not None:
            padding.check_pad_value(pad_cfg.value, seqs)
            pad_value = float(pad_cfg.value)
        else:
            pad_value = padding.choose_pad_value(seqs)
    X = padding.pad_sequences(seqs, length, pad_cfg.side, pad_cfg.truncating, pad_value or 0.0, "float64")
    real = padding.real_step_mask(lengths, length, pad_cfg.side)
    y, target_names, class_names = _targets(dataset, config, length)
    codes, split_note = split_codes(dataset, config, y if config.kind == "classify" else None)
    step_classes = config.kind == "tag" and class_names is not None
    notes.append(split_note)
    weight = real.astype(np.float32) if config.kind == "tag" else None
    parts = split_by_codes(codes, X, y, weight, lengths, np.arange(len(codes)))
    train = codes == 0
    x_mean = x_std = y_mean = y_std = None
    if config.scale:
        x_mean, x_std = scaling.fit_standardizer(X[train], real[train])
        if config.kind != "classify" and not step_classes:
            y_train = y[train]
            if config.kind == "tag" and y_train.ndim == 2:
                y_train = y_train[..., None]
            y_mean, y_std = scaling.fit_standardizer(y_train)
    model_pad_value = None
    if pad_value is not None:
        scaled = (X[real] - x_mean) / x_std if x_mean is not None else X[real]
        model_pad_value = float(np.floor(min(scaled.min(), 0.0)) - 1.0)
    mase_scale = None
    if config.kind == "tag" and not step_classes:
        steps = y[train] if y.ndim == 3 else y[train][..., None]
        mase_scale = np.nanmean(np.abs(np.diff(steps, axis=1)).reshape(-1, steps.shape[-1]), axis=0)
    target_in_inputs = (
        [
            inputs.index(names.index(t)) if t in names and names.index(t) in inputs else None
            for t in target_names
        ]
        if config.kind != "classify" and not step_classes
        else []
    )
    return FramedData.from_splits(
        config,
        parts,
        [names[i] for i in inputs],
        target_names,
        class_names=class_names,
        pad_value=pad_value,
        model_pad_value=model_pad_value,
        mask=bool(pad_cfg.mask and needs_pad),
        padded_share=float(1.0 - real.mean()),
        x_mean=x_mean,
        x_std=x_std,
        y_mean=y_mean,
        y_std=y_std,
        notes=notes,
        target_in_inputs=target_in_inputs,
        mase_scale=mase_scale,
    )
