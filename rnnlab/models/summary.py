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


def _row(name: str, type_: str, shape: tuple[int, ...], params: int = 0) -> dict:
    """One summary row: ``{"layer", "type", "output_shape", "params"}``."""
    return {"layer": name, "type": type_, "output_shape": _shape(*shape), "params": int(params)}


def formula_summary(config: ModelConfig, framed) -> list[dict]:
    """``[{"layer", "type", "output_shape", "params"}, …]`` as Keras's summary of ``build_model`` would list."""
    kind = framed.config.kind
    steps, features = int(framed.n_steps), int(framed.n_features)
    rows = _input_rows(config, framed, steps, features)
    if config.recurrent:
        stack, shape = _recurrent_rows(config, kind, steps, features)
    else:
        stack, shape = _dense_rows(config, steps, features)
    head, shape = _head_rows(config, shape)
    return rows + stack + head + _output_rows(config, framed, shape)


def _input_rows(config: ModelConfig, framed, steps: int, features: int) -> list[dict]:
    """The input's rows: the sequence, then Masking and Normalization where ``build_model`` adds them."""
    rows = [_row("sequence", "InputLayer", (steps, features))]
    if bool(framed.mask) and framed.model_pad_value is not None and config.recurrent:
        rows.append(_row("masking", "Masking", (steps, features)))
    if config.normalization:
        rows.append(_row("normalization", "Normalization", (steps, features), 2 * features + 1))
    return rows


def _recurrent_rows(
    config: ModelConfig, kind: str, steps: int, features: int
) -> tuple[list[dict], tuple[int, ...]]:
    """The stacked recurrent layers' rows, and the shape they hand on (per step when tagging)."""
    rows, width = [], features
    for i, units in enumerate(config.units, start=1):
        sequences = i < len(config.units) or kind == "tag"
        out = units * (2 if config.bidirectional else 1)
        params = recurrent_params(config.cell, units, width, config.bidirectional, config.reset_after)
        name, type_ = (f"bidirectional_{i}", "Bidirectional") if config.bidirectional else (
            f"{config.cell}_{i}", LAYER_TYPES[config.cell])  # fmt: skip
        rows.append(_row(name, type_, (steps, out) if sequences else (out,), params))
        width = out
    return rows, ((steps, width) if kind == "tag" else (width,))


def _dense_rows(config: ModelConfig, steps: int, features: int) -> tuple[list[dict], tuple[int, ...]]:
    """The ``dense`` cell's rows (Flatten, then Dense and Dropout layers), and the shape they hand on."""
    width = steps * features
    rows = [_row("flatten", "Flatten", (width,))]
    for i, units in enumerate(config.units, start=1):
        rows.append(_row(f"dense_{i}", "Dense", (units,), dense_params(units, width)))
        if config.dropout:
            rows.append(_row(f"dropout_{i}", "Dropout", (units,)))
        width = units
    return rows, (width,)


def _head_rows(config: ModelConfig, shape: tuple[int, ...]) -> tuple[list[dict], tuple[int, ...]]:
    """The head's Dense (and Dropout) rows, and the shape they hand on."""
    rows = []
    for i, units in enumerate(config.head_units, start=1):
        rows.append(_row(f"head_{i}", "Dense", (*shape[:-1], units), dense_params(units, shape[-1])))
        shape = (*shape[:-1], units)
        if config.head_dropout:
            rows.append(_row(f"head_dropout_{i}", "Dropout", shape))
    return rows, shape


def _output_rows(config: ModelConfig, framed, shape: tuple[int, ...]) -> list[dict]:
    """The output layer's rows for the task (with the Reshape and Softmax ``build_model`` adds)."""
    kind = framed.config.kind
    steps = int(framed.n_steps)
    y_shape = tuple(int(s) for s in framed.y_shape)
    step_classes = kind == "tag" and getattr(framed, "is_class_task", False)
    n_classes = int(framed.n_classes or 0)  # read by the class branches only
    if kind == "classify" or (step_classes and config.recurrent):
        return [_row("output", "Dense", (*shape[:-1], n_classes), dense_params(n_classes, shape[-1]))]
    if step_classes:
        return [
            _row("output", "Dense", (steps * n_classes,), dense_params(steps * n_classes, shape[-1])),
            _row("reshape", "Reshape", (steps, n_classes)),
            _row("softmax", "Softmax", (steps, n_classes)),
        ]
    if kind == "tag" and config.recurrent:
        units = int(math.prod(y_shape[1:]))
        return [_row("output", "Dense", (*shape[:-1], units), dense_params(units, shape[-1]))]
    units = int(math.prod(y_shape))
    rows = [_row("output", "Dense", (units,), dense_params(units, shape[-1]))]
    if (units,) != y_shape:
        rows.append(_row("reshape", "Reshape", y_shape))
    return rows


def total(rows: list[dict]) -> int:
    """Parameters of a :func:`formula_summary`, as Keras's ``count_params()`` counts them."""
    return int(sum(r["params"] for r in rows))


__all__ = ["formula_summary", "total"]
