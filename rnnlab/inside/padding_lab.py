"""Padding lab: the same ragged data padded four ways, trained briefly side by side.

Variants (same model, same seed, same budget):

- ``post_mask`` — post-padding, masking on, a safe pad value (the reference),
- ``post_nomask`` — post-padding, no mask: the RNN keeps stepping over the pads after the real data,
- ``pre_nomask`` — pre-padding, no mask: the pads come first and fade before the real data,
- ``post_mask_collide`` — masking on, but the pad value also occurs in the data, so real steps are masked.

Inputs are standardised on real steps; the pad values are chosen in standardised units. Keras is imported
only when :func:`run_lab` trains a variant.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.core.metric_registry import main_metric
from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.inside import cell_steps, numpy_rnn
from rnnlab.models.config import CELL_LAYERS
from rnnlab.task.padding import pad_sequences

VARIANTS = {
    "post_mask": (
        "post",
        True,
        "safe",
        "Post-padding with a mask: pad steps are skipped, the last real state "
        "reaches the output — the reference.",
    ),
    "post_nomask": (
        "post",
        False,
        "safe",
        "Post-padding without a mask: the RNN keeps running over the pads "
        "after the real data, which overwrites what it read — predictions drift to similar values.",
    ),
    "pre_nomask": (
        "pre",
        False,
        "safe",
        "Pre-padding without a mask: the pads come first and their effect "
        "fades before the real steps, so it mostly works, but each sequence still starts from a "
        "pad-dependent state.",
    ),
    "post_mask_collide": (
        "post",
        True,
        "collide",
        "A pad value that also occurs in the data: the mask hides "
        "those real steps too, so the model never sees them.",
    ),
}


EAGER_MAX_STEPS = 50  # padded lengths up to this train eagerly (measured: ~2.5× faster for the demo)


def demo_dataset(n: int = 160, seed: int = 0) -> SequenceDataset:
    """A small ragged classification set: the class is whether the sequence's *last* value is above zero.

    Lengths vary from 3 to 12 steps; about 30 % of the values are exactly 0 (so a pad value of 0 collides
    with real data, and a masked last step hides the answer). Reading the last real step is easy with a
    mask or pre-padding and hard when post-padding runs unmasked after it.
    """
    rng = np.random.default_rng(seed)
    sequences, labels = [], []
    for _ in range(n):
        length = int(rng.integers(3, 13))
        x = rng.normal(size=(length, 1)).round(1)
        x[rng.random(length) < 0.3] = 0.0
        sequences.append(x)
        labels.append("up" if x[-1, 0] > 0 else "down")
    return SequenceDataset(
        name="padding demo",
        layout="long",
        sequences=sequences,
        feature_names=["value"],
        labels=np.array(labels),
        label_names=["last value above 0"],
        label_kind="class",
    )


def pad(sequences: list[np.ndarray], side: str, value: float, length: int | None = None) -> np.ndarray:
    """Pad (n × (T_i, F)) to (n, T, F) with ``value`` before (``"pre"``) or after (``"post"``) each sequence.

    >>> pad([np.ones((1, 1)), np.ones((2, 1))], "pre", 0.0)[:, :, 0]
    array([[0., 1.],
           [1., 1.]])
    """
    if side not in ("pre", "post"):
        raise ValueError(f"`side` must be 'pre' or 'post'. Received: side={side!r}")
    return pad_sequences(sequences, length, padding=side, truncating="pre", value=value, dtype="float64")


def pad_values(scaled: list[np.ndarray]) -> tuple[float, float, float]:
    """(safe value outside the data's range, colliding value = the most frequent real step, its share)."""
    rows = np.concatenate(scaled)
    safe = float(np.floor(rows.min()) - 1.0)
    values, counts = np.unique(rows, axis=0, return_counts=True)
    common = values[np.argmax(counts)]
    collide = float(common[0]) if np.all(common == common[0]) else 0.0
    share = float(np.mean(np.all(rows == collide, axis=1)))
    return safe, collide, share


def check_dataset(dataset: SequenceDataset) -> None:
    """Raise :class:`DataError` unless the dataset has a label per sequence and sequences of different lengths.

    Cheap and TensorFlow-free: a page checks this before it queues a padding-lab job.
    """
    if dataset.labels is None:
        raise DataError("The padding lab needs a label per sequence. Received: a dataset without labels")
    if not dataset.is_ragged:
        raise DataError("The padding lab needs sequences of different lengths. Received: all equally long")


def _prepare(dataset: SequenceDataset, max_sequences: int, seed: int):
    check_dataset(dataset)
    rng = np.random.default_rng(seed)
    idx = rng.permutation(dataset.n_sequences)[:max_sequences]
    seqs = [np.asarray(dataset.sequences[i], dtype=np.float64) for i in idx]
    rows = np.concatenate(seqs)
    mean, std = rows.mean(axis=0), rows.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    scaled = [np.round((s - mean) / std, 6) for s in seqs]
    labels = np.asarray(dataset.labels)[idx]
    if dataset.label_kind == "class":
        classes, y = np.unique(labels.astype(str), return_inverse=True)
        return scaled, y.astype(np.int64), list(classes), idx
    values = labels.astype(np.float64).reshape(len(idx), -1)
    spread = np.where(values.std(axis=0) > 0, values.std(axis=0), 1.0)
    return scaled, (values - values.mean(axis=0)) / spread, None, idx


def _model(
    cell: str, units: int, shape: tuple[int, int], mask_value: float | None, n_out: int, classify: bool
):
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    layers = [keras.Input(shape)]
    if mask_value is not None:
        layers.append(keras.layers.Masking(mask_value))
    layers.append(getattr(keras.layers, CELL_LAYERS[cell])(units))
    layers.append(keras.layers.Dense(n_out, activation="softmax" if classify else None))
    model = keras.Sequential(layers)
    loss = "sparse_categorical_crossentropy" if classify else "mse"
    # Short sequences, few batches: tracing the graph costs more than running the steps eagerly.
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=loss,
        metrics=[main_metric("classify" if classify else "regress")],
        run_eagerly=shape[0] <= EAGER_MAX_STEPS,
    )
    return model


def run_lab(
    dataset: SequenceDataset,
    *,
    cell: str = "gru",
    units: int = 8,
    epochs: int = 5,
    max_sequences: int = 300,
    n_show: int = 6,
    seed: int = 0,
    variants: tuple[str, ...] = tuple(VARIANTS),
    on_progress=None,
) -> dict:
    """Train the four padding variants briefly and compare them on the same validation sequences.

    Returns:
        ``{"metric": "accuracy"|"mae", "classes", "lengths" (n_show,), "max_length", "safe_value",
        "collide_value", "collide_share", "variants": [{"key", "side", "mask", "pad_value", "explanation",
        "val_metric", "history", "predictions" (n_show,) predicted class index or value}],
        "targets" (n_show,), "states": {"with_mask": (T, u), "without_mask": (T, u)}, "state_length"}``.
        ``states`` are one validation sequence's hidden states through its post-padded steps, with the
        reference model's weights, run with and without the mask (NumPy).

        ``variants`` picks a subset of :data:`VARIANTS` (it must include ``"post_mask"``).

    Raises:
        DataError: without labels or without ragged sequences.
        ValueError: for an unknown variant or a subset without ``"post_mask"``.
    """
    if "post_mask" not in variants or not set(variants) <= set(VARIANTS):
        raise ValueError(
            f"`variants` must be a subset of {tuple(VARIANTS)} with 'post_mask'. Received: {variants}"
        )
    scaled, y, classes, _ = _prepare(dataset, max_sequences, seed)
    classify = classes is not None
    metric = main_metric("classify" if classify else "regress")
    safe, collide, share = pad_values(scaled)
    n_val = max(2, len(scaled) // 4)
    T = max(len(s) for s in scaled)
    n_out = len(classes) if classify else y.shape[1]
    results: list[dict[str, Any]] = []
    reference: tuple[Any, np.ndarray] | None = None  # post_mask's model and inputs
    for done, key in enumerate(variants):
        side, mask, which, text = VARIANTS[key]
        if on_progress is not None:
            on_progress(done, len(variants), key)
        value = safe if which == "safe" else collide
        X = pad(scaled, side, value, T).astype(np.float32)
        model, history = _fit_variant(X, y, value if mask else None, n_val, cell=cell, units=units,
                                      epochs=epochs, seed=seed, n_out=n_out, classify=classify)  # fmt: skip
        out = model.predict(X[:n_show], verbose=0)
        results.append(
            {
                "key": key,
                "side": side,
                "mask": mask,
                "pad_value": value,
                "explanation": text,
                "val_metric": history[f"val_{metric}"][-1],
                "history": history,
                "predictions": out.argmax(axis=1) if classify else out[:, 0],
            }
        )
        if key == "post_mask":
            reference = (model, X)
    if on_progress is not None:
        on_progress(len(variants), len(variants), "")
    if reference is None:  # never: the variants were checked to hold post_mask
        raise ValueError(f"`variants` must include 'post_mask'. Received: {variants}")
    lengths = np.array([len(s) for s in scaled])
    return {
        "metric": metric,
        "classes": classes,
        "lengths": lengths[:n_show],
        "max_length": T,
        "safe_value": safe,
        "collide_value": collide,
        "collide_share": share,
        "variants": results,
        "targets": y[:n_show] if classify else y[:n_show, 0],
        **_masked_states(*reference, lengths, n_val, safe),
    }


def _fit_variant(X, y, mask_value: float | None, n_val: int, *, cell, units, epochs, seed, n_out, classify):
    """``(model, history)``: a fresh seeded model trained on all but the first ``n_val`` sequences of ``X``,
    validated on those, and its history as plain floats."""
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    keras.utils.set_random_seed(seed)
    model = _model(cell, units, (X.shape[1], X.shape[2]), mask_value, n_out, classify)
    fit = model.fit(
        X[n_val:],
        y[n_val:],
        validation_data=(X[:n_val], y[:n_val]),
        epochs=epochs,
        batch_size=32,
        verbose=0,
    )
    return model, {k: [float(v) for v in vals] for k, vals in fit.history.items()}


def _masked_states(model, X: np.ndarray, lengths: np.ndarray, n_val: int, safe: float) -> dict:
    """``{"states", "state_length", "state_sequence"}``: the shortest validation sequence's hidden states
    through its post-padded steps, with the reference model's weights, with and without the mask (NumPy)."""
    pick = int(np.argmin(lengths[:n_val]))  # the shortest validation sequence: the most padding
    layer = numpy_rnn.recurrent_layers(model)[0]
    x = X[pick : pick + 1].astype(np.float64)
    with_mask = numpy_rnn.run_layer(layer, x, cell_steps.input_mask(x, safe)).states[0]
    without_mask = numpy_rnn.run_layer(layer, x).states[0]
    return {
        "states": {"with_mask": with_mask, "without_mask": without_mask},
        "state_length": int(lengths[pick]),
        "state_sequence": pick,
    }


def lab_job(dataset: SequenceDataset | None = None, *, on_progress=None, **options) -> dict:
    """:func:`run_lab` as a lab job (:data:`rnnlab.jobs.worker.CALLS` ``"padding_lab"``): a plain dict back.

    Args:
        dataset: The data; ``None`` = :func:`demo_dataset` (built in the worker).
        on_progress: Supplied by the worker. options: :func:`run_lab`'s keyword arguments.

    Returns:
        ``{"source": the dataset's name, "lab": run_lab's dict}`` (floats, lists, NumPy arrays, str).
    """
    dataset = demo_dataset() if dataset is None else dataset
    lab = run_lab(dataset, on_progress=on_progress, **options)
    lab["classes"] = None if lab["classes"] is None else [str(c) for c in lab["classes"]]
    return {"source": dataset.name, "lab": lab}
