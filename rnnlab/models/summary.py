"""The model's summary table from the formulas alone: what ``model.summary()`` shows, without Keras.

The Model page shows every layer with its output shape and parameters. Building the Keras model for
that put TensorFlow's memory and a billion-parameter model's build time into the web server;
:func:`formula_summary` walks the same layers :func:`rnnlab.models.build.build_model` builds and counts
them with :mod:`rnnlab.models.params` (the tests compare it with Keras's own summary, row by row).

Example:
    >>> from types import SimpleNamespace as NS
    >>> framed = NS(config=NS(kind="forecast"), n_steps=12, n_features=1, y_shape=(3,), mask=False,
    ...             model_pad_value=None, n_classes=None)
    >>> [(r["layer"], r["output_shape"], r["params"]) for r in formula_summary(ModelConfig(units=(8,)), framed)]
    [('sequence', '(None, 12, 1)', 0), ('gru_1', '(None, 8)', 264), ('output', '(None, 3)', 27)]
"""

from __future__ import annotations

import math

from rnnlab.models.config import ModelConfig
from rnnlab.models.params import dense_params, recurrent_params

LAYER_TYPES = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def _shape(*dims: int) -> str:
    return str((None, *dims))


def formula_summary(config: ModelConfig, framed) -> list[dict]:
    """``[{"layer", "type", "output_shape", "params"}, …]`` as Keras's summary of ``build_model`` would list."""
    kind = framed.config.kind
    steps, features = int(framed.n_steps), int(framed.n_features)
    y_shape = tuple(int(s) for s in framed.y_shape)
    step_classes = kind == "tag" and getattr(framed, "is_class_task", False)
    rows = [{"layer": "sequence", "type": "InputLayer", "output_shape": _shape(steps, features), "params": 0}]

    def add(name: str, type_: str, shape: tuple[int, ...], params: int = 0) -> None:
        rows.append({"layer": name, "type": type_, "output_shape": _shape(*shape), "params": int(params)})

    if bool(framed.mask) and framed.model_pad_value is not None and config.recurrent:
        add("masking", "Masking", (steps, features))
    if config.normalization:
        add("normalization", "Normalization", (steps, features), 2 * features + 1)
    if config.recurrent:
        width = features
        for i, units in enumerate(config.units, start=1):
            sequences = i < len(config.units) or kind == "tag"
            out = units * (2 if config.bidirectional else 1)
            params = recurrent_params(config.cell, units, width, config.bidirectional, config.reset_after)
            name, type_ = (f"bidirectional_{i}", "Bidirectional") if config.bidirectional else (
                f"{config.cell}_{i}", LAYER_TYPES[config.cell])  # fmt: skip
            add(name, type_, (steps, out) if sequences else (out,), params)
            width = out
        shape: tuple[int, ...] = (steps, width) if kind == "tag" else (width,)
    else:
        width = steps * features
        add("flatten", "Flatten", (width,))
        for i, units in enumerate(config.units, start=1):
            add(f"dense_{i}", "Dense", (units,), dense_params(units, width))
            if config.dropout:
                add(f"dropout_{i}", "Dropout", (units,))
            width = units
        shape = (width,)
    for i, units in enumerate(config.head_units, start=1):
        add(f"head_{i}", "Dense", (*shape[:-1], units), dense_params(units, shape[-1]))
        shape = (*shape[:-1], units)
        if config.head_dropout:
            add(f"head_dropout_{i}", "Dropout", shape)
    n_classes = int(framed.n_classes) if framed.n_classes else None
    if kind == "classify" or (step_classes and config.recurrent):
        add("output", "Dense", (*shape[:-1], n_classes), dense_params(n_classes, shape[-1]))
    elif step_classes:
        add("output", "Dense", (steps * n_classes,), dense_params(steps * n_classes, shape[-1]))
        add("reshape", "Reshape", (steps, n_classes))
        add("softmax", "Softmax", (steps, n_classes))
    elif kind == "tag" and config.recurrent:
        units = int(math.prod(y_shape[1:]))
        add("output", "Dense", (*shape[:-1], units), dense_params(units, shape[-1]))
    else:
        units = int(math.prod(y_shape))
        add("output", "Dense", (units,), dense_params(units, shape[-1]))
        if (units,) != y_shape:
            add("reshape", "Reshape", y_shape)
    return rows


def total(rows: list[dict]) -> int:
    """Parameters of a :func:`formula_summary`, as Keras's ``count_params()`` counts them."""
    return int(sum(r["params"] for r in rows))


__all__ = ["formula_summary", "total"]
