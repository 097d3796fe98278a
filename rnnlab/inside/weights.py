"""A recurrent layer's weights, split per gate and named, with its parameter formula worked out.

Keras stores each recurrent layer as three arrays with the gates side by side (LSTM: i, f, c, o;
GRU: z, r, h): ``kernel`` (d, g·u) for the input ``x_t``, ``recurrent_kernel`` (u, g·u) for ``h_{t-1}``
and ``bias`` (g·u,) — (2, g·u) for a GRU with ``reset_after=True``, whose recurrent half gets its own bias.
No TensorFlow import: this only reads a layer object.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.inside import cell_steps, numpy_rnn
from rnnlab.models import params
from rnnlab.models.config import CELL_LAYERS

GATE_NAMES = {
    "i": "input gate",
    "f": "forget gate",
    "c": "cell candidate",
    "o": "output gate",
    "z": "update gate",
    "r": "reset gate",
    "h": "candidate state",
}


def param_count(
    cell: str, units: int, input_width: int, bidirectional: bool = False, reset_after: bool = True
) -> int:
    """Trainable parameters of one recurrent layer (from :mod:`rnnlab.models.params`).

    >>> param_count("lstm", 4, 2)
    112
    """
    return params.recurrent_params(cell, units, input_width, bidirectional, reset_after)


def param_formula(
    cell: str, units: int, input_width: int, bidirectional: bool = False, reset_after: bool = True
) -> str:
    """The formula with this layer's numbers filled in, e.g. ``"3·u·(u + d + 2) = 3·4·(4 + 2 + 2) = 96"``."""
    return params.formula(cell, units, input_width, bidirectional, reset_after)


def split_gates(spec: cell_steps.CellSpec) -> list[dict]:
    """Cut one direction's kernel, recurrent kernel and bias into per-gate blocks.

    Returns:
        A list of ``{"array": "kernel"|"recurrent_kernel"|"bias"|"recurrent_bias", "gate", "gate_name",
        "label", "shape", "values"}``; kernel blocks are (d, u), recurrent blocks (u, u), biases (u,).
    """
    u = spec.units
    bias = spec.bias if spec.bias.ndim == 2 else spec.bias[None]
    arrays = [("kernel", "W", spec.kernel), ("recurrent_kernel", "U", spec.recurrent_kernel)]
    arrays.append(("bias", "b", bias[0]))
    if bias.shape[0] == 2:
        arrays.append(("recurrent_bias", "b'", bias[1]))
    blocks = []
    for array, symbol, values in arrays:
        for k, gate in enumerate(spec.gates):
            part = values[..., k * u : (k + 1) * u]
            name = "state" if spec.cell == "simple_rnn" else GATE_NAMES[gate]
            blocks.append(
                {
                    "array": array,
                    "gate": gate,
                    "gate_name": name,
                    "label": f"{symbol}_{gate} ({array.replace('_', ' ')}, {name})",
                    "shape": tuple(part.shape),
                    "values": np.array(part),
                }
            )
    return blocks


def layer_weights(layer: Any) -> dict:
    """Everything the Weights panel shows for one recurrent (or Bidirectional) layer.

    Returns:
        ``{"name", "cell", "cell_title", "units", "input_width", "bidirectional", "reset_after",
        "arrays": [{"name", "shape"}], "directions": [{"direction", "blocks": split_gates(...)}],
        "params" (Keras's count), "formula"}``.
    """
    bidirectional = type(layer).__name__ == "Bidirectional"
    inners = [layer.forward_layer, layer.backward_layer] if bidirectional else [layer]
    specs = [numpy_rnn.spec_from_layer(inner) for inner in inners]
    spec = specs[0]
    directions = [
        {"direction": "backward" if s.go_backwards else "forward", "blocks": split_gates(s)} for s in specs
    ]
    arrays = []
    for inner, s in zip(inners, specs):
        prefix = ("backward " if s.go_backwards else "forward ") if bidirectional else ""
        for w in inner.weights:
            short = w.path.rsplit("/", 1)[-1] if hasattr(w, "path") else w.name
            arrays.append({"name": prefix + short, "shape": tuple(int(n) for n in w.shape)})
    d = int(spec.kernel.shape[0])
    return {
        "name": layer.name,
        "cell": spec.cell,
        "cell_title": CELL_LAYERS[spec.cell],
        "units": spec.units,
        "input_width": d,
        "bidirectional": bidirectional,
        "reset_after": spec.reset_after,
        "arrays": arrays,
        "directions": directions,
        "params": int(layer.count_params()),
        "formula": param_formula(spec.cell, spec.units, d, bidirectional, spec.reset_after),
    }


def model_weights(model: Any) -> list[dict]:
    """:func:`layer_weights` for each recurrent layer of a Keras model, in order."""
    return [layer_weights(layer) for layer in numpy_rnn.recurrent_layers(model)]
