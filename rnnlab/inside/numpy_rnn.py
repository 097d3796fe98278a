"""Keras's SimpleRNN, LSTM and GRU layers run in NumPy: read a layer's weights into a
:class:`~rnnlab.inside.cell_steps.CellSpec`, run it step by step (:mod:`rnnlab.inside.cell_steps` holds the
equations), and check the result against Keras.

Reading layers never imports TensorFlow; only :func:`trace_model` and :func:`keras_difference`, which run the
model's own earlier layers in Keras, do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.inside.cell_steps import ACTIVATIONS, CellSpec, Trace, forward, input_mask
from rnnlab.models.config import CELL_LAYERS

CELL_CLASSES = {layer: cell for cell, layer in CELL_LAYERS.items()}  # Keras class name → cell


def _activation_name(fn: Any) -> str:
    name = getattr(fn, "__name__", str(fn))
    if name not in ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {sorted(ACTIVATIONS)}. Received: activation={name!r}")
    return name


def spec_from_layer(layer: Any) -> CellSpec:
    """Read a Keras SimpleRNN/LSTM/GRU layer (not Bidirectional) into a float64 :class:`CellSpec`.

    Raises:
        ValueError: for any other layer type.
    """
    kind = CELL_CLASSES.get(type(layer).__name__)
    if kind is None:
        raise ValueError(f"`layer` must be a SimpleRNN, LSTM or GRU. Received: {type(layer).__name__}")
    cell = layer.cell
    weights = [np.asarray(w, dtype=np.float64) for w in layer.get_weights()]
    kernel, recurrent = weights[0], weights[1]
    reset_after = bool(getattr(cell, "reset_after", True))
    if len(weights) > 2:
        bias = weights[2]
    else:
        width = recurrent.shape[1]
        bias = np.zeros((2, width) if kind == "gru" and reset_after else (width,))
    return CellSpec(
        cell=kind,
        units=int(cell.units),
        kernel=kernel,
        recurrent_kernel=recurrent,
        bias=bias,
        activation=_activation_name(cell.activation),
        recurrent_activation=_activation_name(getattr(cell, "recurrent_activation", "sigmoid")),
        reset_after=reset_after,
        go_backwards=bool(layer.go_backwards),
        zero_output_for_mask=bool(getattr(layer, "zero_output_for_mask", False)),
    )


def run_layer(layer: Any, X: np.ndarray, mask: np.ndarray | None = None) -> Trace:
    """NumPy forward pass of a Keras SimpleRNN/LSTM/GRU or Bidirectional layer.

    For Bidirectional (merge_mode ``"concat"``) ``outputs`` is (n, T, 2u): forward outputs, then the
    backward direction's outputs flipped back to input time order; ``backward`` holds that direction.

    Args:
        layer: a built Keras recurrent layer. X: (n, T, d) its inputs. mask: (n, T) bool or None.

    Returns:
        :class:`Trace` whose ``outputs`` equal ``layer(X, mask=mask)`` with ``return_sequences=True``.
    """
    if type(layer).__name__ != "Bidirectional":
        return forward(spec_from_layer(layer), X, mask)
    if layer.merge_mode != "concat":
        raise ValueError(f"`merge_mode` must be 'concat'. Received: merge_mode={layer.merge_mode!r}")
    fwd = forward(spec_from_layer(layer.forward_layer), X, mask)
    bwd = forward(spec_from_layer(layer.backward_layer), X, mask)
    outputs = np.concatenate([fwd.outputs, bwd.outputs[:, ::-1]], axis=-1)
    states = np.concatenate([fwd.states, bwd.states], axis=-1)
    return Trace(fwd.cell, states, outputs, fwd.gates, fwd.inputs, fwd.mask, spec=fwd.spec, backward=bwd)


def recurrent_layers(model: Any) -> list[Any]:
    """The model's SimpleRNN/LSTM/GRU/Bidirectional layers, in order."""
    kinds = set(CELL_CLASSES) | {"Bidirectional"}
    return [layer for layer in model.layers if type(layer).__name__ in kinds]


def model_mask_value(model: Any) -> float | None:
    """``mask_value`` of the model's Masking layer, or None without one."""
    for layer in model.layers:
        if type(layer).__name__ == "Masking":
            return float(layer.mask_value)
    return None


def trace_model(model: Any, X: np.ndarray, index: int = 0) -> Trace:
    """NumPy trace of the model's ``index``-th recurrent layer on X (n, T, F), fed by Keras's own earlier layers.

    The layers before it (Masking, Normalization, earlier recurrent layers) are run by Keras, so this
    imports Keras; the recurrent layer itself is recomputed in NumPy with the Masking layer's mask.
    """
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    layers = recurrent_layers(model)
    if not layers:
        raise ValueError("`model` must contain a SimpleRNN, LSTM, GRU or Bidirectional layer. Received: none")
    if not 0 <= index < len(layers):
        raise ValueError(f"`index` must be in [0, {len(layers) - 1}]. Received: index={index}")
    layer = layers[index]
    X = np.asarray(X, dtype=np.float32)
    fed = layer.input  # Keras hands a masked layer [inputs, mask]
    fed = list(fed) if isinstance(fed, (list, tuple)) else [fed]
    result = keras.Model(model.inputs, fed).predict(X, verbose=0)
    result = list(result) if isinstance(result, (list, tuple)) else [result]
    inputs = np.asarray(result[0], dtype=np.float64)
    mask = np.asarray(result[1], dtype=bool) if len(result) > 1 else input_mask(X, model_mask_value(model))
    return run_layer(layer, inputs, mask)


def keras_difference(model: Any, X: np.ndarray, trace: Trace, index: int = 0) -> float:
    """Largest |NumPy − Keras| over the layer's actual output (sequence or last step) on X."""
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    layer = recurrent_layers(model)[index]
    expected = np.asarray(
        keras.Model(model.inputs, layer.output).predict(np.asarray(X, np.float32), verbose=0)
    )
    ours = trace.outputs if layer.return_sequences else trace.last_output
    return float(np.max(np.abs(ours - expected)))
