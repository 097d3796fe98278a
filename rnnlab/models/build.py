"""Build the Keras model for a framed task, with the loss and metrics that task needs.

TensorFlow/Keras is imported inside the functions only, so importing this module
(for :class:`ModelConfig` or :func:`cudnn_warnings`) stays cheap.

The network reads ``(batch, n_steps, n_features)``:
``[Masking] → [Normalization] → recurrent layers (stacked) → head Dense layers → output``.
Every recurrent layer but the last returns sequences (the last too when tagging).
The output follows the task: ``Dense(n_classes, softmax)`` for classify, a linear
``Dense`` reshaped to ``framed.y_shape`` for regress/forecast, and a per-step linear
``Dense`` for tag giving ``(batch, T, k)`` (``k = 1`` for one target, which keeps the mask). The ``dense`` cell is a non-recurrent
reference: ``Flatten → Dense(units…)`` on the whole window.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rnnlab.models import budget, params
from rnnlab.models.config import CELL_LAYERS, ModelConfig
from rnnlab.task.types import KINDS

__all__ = [
    "ModelConfig",
    "build_model",
    "loss_and_metrics",
    "cudnn_warnings",
    "custom_objects",
    "output_units",
    "summary_rows",
]


def output_units(framed, config: ModelConfig | None = None) -> int:
    """Units of the output layer: classes, values per sample, or values per step (tag with an RNN)."""
    kind = framed.config.kind
    if kind == "classify" or framed.is_class_task:  # tagging classes: K per step
        return int(framed.n_classes)
    shape = tuple(framed.y_shape)
    if kind == "tag" and (config is None or config.recurrent):
        return int(math.prod(shape[1:]))
    return int(math.prod(shape))


def custom_objects() -> dict[str, Any]:
    """The per-step loss and metric used for tagging (see :mod:`rnnlab.models.keras_objects`).

    Returns:
        ``{"PerStepMSE": cls, "per_step_abs_error": fn, "per_step_squared_error": fn}`` — pass it as
        ``custom_objects=`` when loading a compiled tagging model in a fresh process.
    """
    from rnnlab.models.keras_objects import CUSTOM_OBJECTS  # lazy: Keras, kept off the Data and Task pages

    return dict(CUSTOM_OBJECTS)


def loss_and_metrics(framed) -> tuple[Any, list]:
    """Loss and metrics for ``model.compile`` (fresh metric objects on every call).

    Returns:
        classify: ``("sparse_categorical_crossentropy", ["accuracy"])``; regress/forecast:
        ``("mse", ["mae"])``; tag: a per-step MSE and MAE that honour per-step sample weights
        ``(n, T)`` (padded steps weigh 0). The logged names are ``loss`` and ``accuracy``/``mae``.
        Compile with ``weighted_metrics=metrics``: Keras passes sample weights to those only (with
        ``metrics=`` a tagging model's MAE would count padded steps too); log names are the same.
    """
    kind = framed.config.kind
    if kind == "classify" or framed.is_class_task:  # tagging classes: the same, per step
        return "sparse_categorical_crossentropy", ["accuracy"]
    if kind == "tag":
        import keras  # lazy: the Data and Task pages must not load TensorFlow

        objs = custom_objects()
        return objs["PerStepMSE"](), [keras.metrics.MeanMetricWrapper(objs["per_step_abs_error"], name="mae")]
    return "mse", ["mae"]


def _normalization(framed, layers):
    X = framed.scaled("train")[0]
    real = X[framed.real_steps("train")]
    if real.size == 0:
        raise ValueError("Normalization needs at least one real training step. Received: 0 real steps")
    norm = layers.Normalization(axis=-1, name="normalization")
    norm.adapt(np.asarray(real, dtype=np.float32))
    return norm


def build_model(config: ModelConfig, framed) -> Any:
    """An uncompiled ``keras.Model`` for ``framed`` (no seeding here; the trainer seeds).

    Args:
        config: Architecture.
        framed: A :class:`rnnlab.task.types.FramedData`; its shapes, task kind, padding and
            mask decide the input, the Masking layer and the output layer.

    Returns:
        A model mapping ``(batch, n_steps, n_features)`` to ``(batch, n_classes)`` (classify),
        ``(batch, *framed.y_shape)`` (regress, forecast) or ``(batch, T, k)`` (tag, where ``y_shape``
        is ``(T,)`` or ``(T, k)``; :func:`rnnlab.evaluation.judge.predict` reshapes to ``y_shape``).

    Raises:
        ValueError: for a task kind the model cannot serve.

    Example:
        >>> model = build_model(ModelConfig(cell="gru", units=(8,)), framed)  # doctest: +SKIP
        >>> model.output_shape  # classify with 3 classes               # doctest: +SKIP
        (None, 3)
    """
    budget.check_model(config, int(framed.n_features), int(framed.n_steps), output_units(framed, config))
    import keras  # lazy: the Data and Task pages must not load TensorFlow (and only once within the budget)
    from keras import layers

    kind = framed.config.kind
    if kind not in KINDS:
        raise ValueError(f"`kind` must be classify, regress, forecast or tag. Received: kind={kind!r}")
    inputs = keras.Input(shape=(int(framed.n_steps), int(framed.n_features)), name="sequence")
    x = _prepare_inputs(inputs, config, framed, layers)
    x = _recurrent_stack(x, config, kind, layers) if config.recurrent else _dense_stack(x, config, layers)
    x = _head(x, config, layers)
    outputs = _output(x, config, framed, layers)
    return keras.Model(inputs, outputs, name=f"{config.cell}_{kind}")


def _prepare_inputs(x, config: ModelConfig, framed, layers):
    """The input masked (padded recurrent tasks with a mask) and normalised (when asked)."""
    masked = bool(framed.mask) and framed.model_pad_value is not None and config.recurrent
    if masked:
        x = layers.Masking(mask_value=float(framed.model_pad_value), name="masking")(x)
    if config.normalization:
        x = _normalization(framed, layers)(x)
    return x


def _recurrent_stack(x, config: ModelConfig, kind: str, layers):
    """``x`` through the stacked recurrent layers; all but the last return sequences (the last too when tagging)."""
    cls = getattr(layers, CELL_LAYERS[config.cell])
    for i, units in enumerate(config.units, start=1):
        last = i == len(config.units)
        kwargs = dict(
            units=units,
            activation=config.activation,
            dropout=config.dropout,
            recurrent_dropout=config.recurrent_dropout,
            unroll=config.unroll,
            return_sequences=(not last) or kind == "tag",
            name=f"{config.cell}_{i}",
        )
        if config.cell == "gru":
            kwargs["reset_after"] = config.reset_after
        layer = cls(**kwargs)
        if config.bidirectional:
            layer = layers.Bidirectional(layer, name=f"bidirectional_{i}")
        x = layer(x)
    return x


def _dense_stack(x, config: ModelConfig, layers):
    """``x`` flattened and through the ``dense`` cell's layers (the non-recurrent reference)."""
    x = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(config.units, start=1):
        x = layers.Dense(units, activation=config.head_activation, name=f"dense_{i}")(x)
        if config.dropout:
            x = layers.Dropout(config.dropout, name=f"dropout_{i}")(x)
    return x


def _head(x, config: ModelConfig, layers):
    """``x`` through the head's Dense layers (each followed by dropout when ``head_dropout`` is set)."""
    for i, units in enumerate(config.head_units, start=1):
        x = layers.Dense(units, activation=config.head_activation, name=f"head_{i}")(x)
        if config.head_dropout:
            x = layers.Dropout(config.head_dropout, name=f"head_dropout_{i}")(x)
    return x


def _output(x, config: ModelConfig, framed, layers):
    """The output layer the task needs: softmax classes, per-step values, or values reshaped to ``y_shape``."""
    kind = framed.config.kind
    steps = int(framed.n_steps)
    y_shape = tuple(int(s) for s in framed.y_shape)
    step_classes = kind == "tag" and framed.is_class_task
    if kind == "classify":
        return layers.Dense(int(framed.n_classes), activation="softmax", name="output")(x)
    if step_classes and not config.recurrent:  # a class per step from the flattened window
        outputs = layers.Dense(steps * int(framed.n_classes), name="output")(x)
        outputs = layers.Reshape((steps, int(framed.n_classes)), name="reshape")(outputs)
        return layers.Softmax(name="softmax")(outputs)
    if step_classes:
        return layers.Dense(int(framed.n_classes), activation="softmax", name="output")(x)
    if kind == "tag" and config.recurrent:
        # Per step: (batch, T, k), k = 1 for one target. No reshape to (batch, T): Reshape would drop the
        # mask, which Keras applies to the loss and metrics so that padded steps do not count.
        return layers.Dense(output_units(framed, config), name="output")(x)
    outputs = layers.Dense(int(math.prod(y_shape)), name="output")(x)
    if outputs.shape[1:] != y_shape:
        outputs = layers.Reshape(y_shape, name="reshape")(outputs)
    return outputs


def summary_rows(model) -> list[dict]:
    """Every layer with its type, output shape and parameter count (what ``model.summary()`` shows).

    Returns:
        ``[{"layer", "type", "output_shape", "params"}, …]``; ``output_shape`` is a string like
        ``"(None, 12, 8)"``.
    """
    rows = []
    for layer in model.layers:
        try:
            shape = layer.output.shape
        except (AttributeError, ValueError):
            shape = getattr(layer, "output_shape", "?")
        rows.append(
            {
                "layer": layer.name,
                "type": type(layer).__name__,
                "output_shape": str(tuple(shape)) if shape != "?" else "?",
                "params": int(layer.count_params()),
            }
        )
    return rows


def cudnn_warnings(model_config: ModelConfig, task_config=None) -> list[str]:
    """Settings that keep the fast cuDNN kernel of LSTM/GRU from being used on a GPU.

    Args:
        model_config: The architecture.
        task_config: The task (its padding decides the pre-padding warning), or ``None``.

    Returns:
        Plain-words warnings, empty when the model is cuDNN-friendly.

    Example:
        >>> cudnn_warnings(ModelConfig(cell="lstm", recurrent_dropout=0.2))[0][:18]
        'Recurrent dropout '
    """
    if not model_config.recurrent:
        return []
    out = []
    if model_config.cell == "simple_rnn":
        out.append(
            "SimpleRNN has no cuDNN kernel: on a GPU it runs the generic loop (LSTM and GRU have one)."
        )
    if model_config.recurrent_dropout > 0:
        out.append(
            f"Recurrent dropout {model_config.recurrent_dropout:g} > 0 keeps the cuDNN kernel off on GPU: "
            "training falls back to the generic, much slower loop. Use `dropout` instead."
        )
    if model_config.activation != "tanh":
        out.append(
            f"Activation {model_config.activation!r} instead of the default 'tanh' keeps the cuDNN kernel off."
        )
    if model_config.unroll:
        out.append("`unroll=True` keeps the cuDNN kernel off (and uses much more memory on long sequences).")
    if model_config.cell == "gru" and not model_config.reset_after:
        out.append(
            "GRU with `reset_after=False` has no cuDNN kernel; Keras's default `reset_after=True` has."
        )
    padding = task_config.padding if task_config is not None else None
    if padding is not None and padding.side == "pre" and padding.mask:
        out.append(
            "Pre-padding with a mask: cuDNN requires masks that are strictly right-padded, so on a GPU "
            "this raises an error for padded sequences. Use post-padding with the mask."
        )
    return out


def formula_check(model, config: ModelConfig, framed) -> list[dict]:
    """Each layer's parameter formula worked out with numbers, next to Keras's own count.

    Returns:
        ``[{"layer", "formula", "by formula", "Keras count", "agrees"}, …]`` for every layer with weights,
        in order; ``agrees`` is True when the two counts are equal.
    """
    rows = params.layer_table(
        config, framed.n_features, n_steps=framed.n_steps, n_outputs=output_units(framed, config)
    )
    weighted = [layer for layer in model.layers if layer.count_params() > 0]
    out = []
    for row, layer in zip(rows, weighted):
        count = int(layer.count_params())
        out.append(
            {
                "layer": f"{layer.name} ({row['name']})",
                "formula": row["formula"],
                "by formula": int(row["params"]),
                "Keras count": count,
                "agrees": count == int(row["params"]),
            }
        )
    return out
