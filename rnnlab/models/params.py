"""Parameter counts of recurrent and dense layers, as formulas you can check by hand (no TensorFlow).

A recurrent layer with ``u`` units reading ``d`` features per step concatenates
``x_t`` (width ``d``) with ``h_{t-1}`` (width ``u``) and feeds them through one
dense layer per gate:

- SimpleRNN: ``u(u + d + 1)`` — kernel ``(d, u)``, recurrent kernel ``(u, u)``, bias ``(u,)``.
- LSTM: ``4u(u + d + 1)`` — four gates (input, forget, cell, output).
- GRU: ``3u(u + d + 2)`` with Keras's default ``reset_after=True`` (two biases per gate),
  ``3u(u + d + 1)`` without.

Bidirectional doubles the count. A stacked layer's ``d`` is the previous layer's
units (twice that when bidirectional).
"""

from __future__ import annotations

import math

from rnnlab.models.config import CELL_LAYERS, RECURRENT_CELLS, ModelConfig

GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}
CELL_TITLES = {**CELL_LAYERS, "dense": "Dense"}


def _check(cell: str, units: int, input_width: int) -> None:
    if cell not in RECURRENT_CELLS:
        raise ValueError(f"`cell` must be one of {RECURRENT_CELLS}. Received: cell={cell!r}")
    if units < 1 or input_width < 1:
        raise ValueError(
            f"`units` and `input_width` must be ≥ 1. Received: units={units}, input_width={input_width}"
        )


def recurrent_params(
    cell: str, units: int, input_width: int, bidirectional: bool = False, reset_after: bool = True
) -> int:
    """Trainable parameters of one recurrent layer.

    Args:
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        units: Hidden units ``u``.
        input_width: Features per step ``d`` reaching the layer.
        bidirectional: Count both directions.
        reset_after: GRU only: Keras's default form with two bias vectors.

    Returns:
        The count Keras's ``count_params()`` reports for the layer.

    Example:
        >>> recurrent_params("simple_rnn", 10, 3)
        140
        >>> recurrent_params("gru", 10, 3, bidirectional=True)
        900
    """
    _check(cell, units, input_width)
    biases = 2 if cell == "gru" and reset_after else 1
    one = GATES[cell] * units * (units + input_width + biases)
    return 2 * one if bidirectional else one


def formula(
    cell: str, units: int, input_width: int, bidirectional: bool = False, reset_after: bool = True
) -> str:
    """The formula worked out with the numbers, e.g. ``"3·u·(u + d + 2) = 3·10·(10 + 3 + 2) = 450"``.

    Example:
        >>> formula("simple_rnn", 2, 3)
        'u·(u + d + 1) = 2·(2 + 3 + 1) = 12'
    """
    _check(cell, units, input_width)
    biases = 2 if cell == "gru" and reset_after else 1
    gates = GATES[cell]
    prefix = "" if gates == 1 else f"{gates}·"
    symbolic = f"{prefix}u·(u + d + {biases})"
    numbers = f"{prefix}{units}·({units} + {input_width} + {biases})"
    total = recurrent_params(cell, units, input_width, bidirectional, reset_after)
    if bidirectional:
        return f"2 × {symbolic} = 2 × {numbers} = {total}"
    return f"{symbolic} = {numbers} = {total}"


def dense_params(units: int, input_width: int) -> int:
    """A Dense layer's parameters: ``d·u + u`` (kernel and bias)."""
    return input_width * units + units


def dense_formula(units: int, input_width: int) -> str:
    """E.g. ``"d·u + u = 10·1 + 1 = 11"``."""
    return f"d·u + u = {input_width}·{units} + {units} = {dense_params(units, input_width)}"


def layer_table(
    config: ModelConfig,
    n_features: int,
    *,
    n_steps: int | None = None,
    n_outputs: int | None = None,
) -> list[dict]:
    """One row per layer with weights: name, units, input width ``d``, parameters and the worked formula.

    Args:
        config: The model configuration.
        n_features: Features per step ``F`` of the input.
        n_steps: Steps per sample; needed for the ``dense`` cell (its first layer sees ``T·F`` inputs).
        n_outputs: Units of the output layer; ``None`` leaves the output layer out.

    Returns:
        Rows ``{"name", "units", "input_width", "params", "formula"}``. The sum of ``params``
        equals Keras's ``count_params()`` of the model :func:`rnnlab.models.build.build_model` builds
        (the Normalization layer's mean, variance and count included).

    Example:
        >>> [r["params"] for r in layer_table(ModelConfig(cell="simple_rnn", units=(10,)), 3, n_outputs=1)]
        [140, 11]
    """
    rows: list[dict] = []
    if config.normalization:
        rows.append(
            {
                "name": "normalization",
                "units": n_features,
                "input_width": n_features,
                "params": 2 * n_features + 1,
                "formula": f"mean + variance + count = 2·{n_features} + 1 = {2 * n_features + 1} (not trained)",
            }
        )
    title = CELL_TITLES[config.cell]
    if config.recurrent:
        width = n_features
        for i, units in enumerate(config.units, start=1):
            rows.append(
                {
                    "name": f"{'bidirectional ' if config.bidirectional else ''}{title} {i}",
                    "units": units,
                    "input_width": width,
                    "params": recurrent_params(
                        config.cell, units, width, config.bidirectional, config.reset_after
                    ),
                    "formula": formula(config.cell, units, width, config.bidirectional, config.reset_after),
                }
            )
            width = units * (2 if config.bidirectional else 1)
        dense_units = list(config.head_units)
    else:
        if n_steps is None:
            raise ValueError("The dense reference needs the number of steps. Received: n_steps=None")
        width = n_steps * n_features
        dense_units = list(config.units) + list(config.head_units)
    names = [f"dense {i}" for i in range(1, len(dense_units) + 1)]
    if n_outputs is not None:
        dense_units.append(n_outputs)
        names.append("output")
    for name, units in zip(names, dense_units):
        rows.append(
            {
                "name": name,
                "units": units,
                "input_width": width,
                "params": dense_params(units, width),
                "formula": dense_formula(units, width),
            }
        )
        width = units
    return rows


def total_params(rows: list[dict]) -> int:
    """Sum of a :func:`layer_table`'s parameters."""
    return int(math.fsum(r["params"] for r in rows))
