"""A stack of recurrent layers trained in one loop over the time steps: the same model, faster on a CPU.

Keras runs each recurrent layer as a loop of its own: for two stacked GRU layers, the first loop runs over
every time step and stores its outputs, then the second loop reads them back. On a CPU a classroom model's
time goes almost entirely to that per-step bookkeeping, not to arithmetic. ``keras.layers.RNN`` given a list
of cells runs the whole stack inside one loop instead (at each step, the first cell, then the second on its
output), which is exactly the same arithmetic on the same values, with half the loops for two layers.

:func:`twin` builds that one-loop model from a model built by :func:`rnnlab.models.build.build_model`
*sharing its layers and cells*, hence its weights: training the twin trains the model, and the model that is
saved, inspected and exported stays the one the user configured, layer by layer. Measured on a 2-core CPU,
the course's ECG GRU(20)→GRU(20) over 140 steps: 28 → 20 ms per training batch; predictions and every
weight after a training step are bitwise the same (``tests/test_models.py``).

Not used on a GPU (each GRU or LSTM layer runs as one cuDNN kernel there, which a list of cells cannot use),
for a single recurrent layer (nothing to merge), for ``Bidirectional`` layers, or with dropout inside the
cells (each layer draws its own dropout masks once per sequence; a stack of cells would draw them
differently).
"""

from __future__ import annotations

from typing import Any

from rnnlab.models.config import ModelConfig


def applies(config: ModelConfig, device: str) -> bool:
    """Whether :func:`twin` serves this configuration on this device (``"/CPU:0"``, ``"/GPU:0"``)."""
    return (
        config.recurrent
        and len(config.units) > 1
        and not config.bidirectional
        and not config.dropout
        and not config.recurrent_dropout
        and "GPU" not in device.upper()
    )


def twin(model) -> Any:
    """A ``keras.Model`` computing what ``model`` computes, its consecutive recurrent layers run as one loop.

    ``model`` must be a chain of layers (as :func:`~rnnlab.models.build.build_model` makes them). The twin
    shares every layer and cell with it (no weights are copied, none are created).

    Raises:
        ValueError: When ``model`` has fewer than two recurrent layers in a row, or is not a chain.

    Example:
        >>> model = build_model(ModelConfig(cell="gru", units=(20, 20)), framed)  # doctest: +SKIP
        >>> fast = twin(model)  # doctest: +SKIP
        >>> [type(layer).__name__ for layer in fast.layers]  # doctest: +SKIP
        ['InputLayer', 'RNN', 'Dense']
    """
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    layers = model.layers[1:]
    for before, layer in zip(model.layers, layers):
        # The call that built ``model`` (a twin adds more): its input comes from the layer before (its other
        # parents, if any, are the operations computing the padding mask, which Keras passes along itself).
        parents = [node.operation for node in layer._inbound_nodes[0].parent_nodes]
        if not parents or parents[0] is not before or any(p in model.layers for p in parents[1:]):
            raise ValueError(
                f"`model` must be a chain of layers. Received: {layer.name!r} after {before.name!r}"
            )
    inputs = keras.Input(shape=model.inputs[0].shape[1:], name=model.inputs[0].name)
    x, run, merged = inputs, [], 0
    for layer in [*layers, None]:
        if layer is not None and hasattr(layer, "cell"):
            run.append(layer)
            continue
        if len(run) == 1:
            x = run[0](x)
        elif run:
            last = run[-1]
            x = keras.layers.RNN(
                [r.cell for r in run], return_sequences=last.return_sequences, unroll=last.unroll,
                name="_".join(r.name for r in run),
            )(x)  # fmt: skip
            merged += len(run)
        run = []
        if layer is not None:
            x = layer(x)
    if merged < 2:
        raise ValueError(f"`model` must have two recurrent layers in a row. Received: {model.name!r}")
    return keras.Model(inputs, x, name=f"{model.name}_one_loop")
