"""The model budget: parameters, layers and training memory, from the formulas, before Keras builds anything.

A link with ``LSTM`` units ``[4096]*8`` asks for a billion parameters; building that model took the
server three minutes and all its memory. :func:`model_cost` counts parameters with the formulas of
:mod:`rnnlab.models.params` (checked against Keras's ``count_params()`` in the tests) and estimates the
memory a training needs; :func:`check_model` and :func:`check_training` refuse what exceeds the limits
in :mod:`rnnlab.core.settings` with a message that says what was asked, the limit and what to change.
:func:`rnnlab.models.build.build_model` calls :func:`check_model`, so no process builds a model over
the budget; the Model page's table comes from the formulas alone.

Example:
    >>> from rnnlab.models.config import ModelConfig
    >>> cost = model_cost(ModelConfig(cell="lstm", units=(4096,) * 8), n_features=1, n_steps=12, n_outputs=1)
    >>> f"{cost.params:,}", cost.layers
    ('1,006,784,513', 9)
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnlab.core import settings
from rnnlab.models.config import ModelConfig
from rnnlab.models.params import GATES, layer_table, total_params

BYTES = 4  # float32
WEIGHT_COPIES = 4  # weights, gradients and up to two optimizer slots (Adam)
ACTIVATION_COPIES = 3  # each step's gate outputs and state kept for backpropagation through time
DATA_COPIES = 3  # the framed splits, their scaled float64 copy and the float32 arrays fed to Keras


@dataclass(frozen=True)
class ModelCost:
    """What a model costs: its parameters, layers with weights, and per-sample activations per step."""

    params: int
    layers: int
    activations_per_step: int  # values kept per sample and step for backpropagation


def model_cost(config: ModelConfig, n_features: int, n_steps: int, n_outputs: int = 1) -> ModelCost:
    """Parameters (formulas), layers with weights and activations per step of ``config`` on this input."""
    rows = layer_table(config, n_features, n_steps=n_steps, n_outputs=n_outputs)
    layers = sum(1 for r in rows if r["name"] != "normalization")
    directions = 2 if config.bidirectional and config.recurrent else 1
    gates = GATES.get(config.cell, 1)
    per_step = sum(u * (gates + 1) * directions for u in config.units) if config.recurrent else 0
    return ModelCost(total_params(rows), layers, per_step)


def _fewer_units(config: ModelConfig) -> str:
    if len(config.units) > 1:
        return "fewer stacked layers or fewer units per layer"
    return f"fewer units (e.g. {max(1, config.units[0] // 4)})"


def check_model(config: ModelConfig, n_features: int, n_steps: int, n_outputs: int = 1) -> ModelCost:
    """Refuse a model over the parameter or layer budget; return its cost.

    Raises:
        ValueError: saying the model's size, the limit and what to change.
    """
    cost = model_cost(config, n_features, n_steps, n_outputs)
    limit = settings.max_layers()
    if cost.layers > limit:
        raise ValueError(
            f"The model would have {cost.layers} layers with weights; the limit is {limit} "
            f"(RNNLAB_MAX_LAYERS). Stack fewer layers or use a shorter dense head. "
            f"Received: units={list(config.units)}, head_units={list(config.head_units)}"
        )
    limit = settings.max_params()
    if cost.params > limit:
        raise ValueError(
            f"The model would have {cost.params:,} parameters; the limit is {limit:,} (RNNLAB_MAX_PARAMS). "
            f"Use {_fewer_units(config)}. Received: cell={config.cell!r}, units={list(config.units)}"
            + (", bidirectional" if config.bidirectional else "")
        )
    return cost


def training_bytes(cost: ModelCost, n_steps: int, batch_size: int, data_values: int) -> int:
    """Estimated memory of a training: weights and optimizer state, one batch's activations, the data."""
    weights = cost.params * BYTES * WEIGHT_COPIES
    activations = batch_size * n_steps * cost.activations_per_step * BYTES * ACTIVATION_COPIES
    return int(weights + activations + data_values * BYTES * DATA_COPIES)


def check_training(
    config: ModelConfig, n_features: int, n_steps: int, n_outputs: int, batch_size: int, data_values: int
) -> int:
    """Refuse a training whose estimated memory exceeds ``RNNLAB_MAX_TRAIN_MEMORY_MB``; return the bytes.

    Args:
        config: The model.
        n_features, n_steps, n_outputs: The framed input's width and length and the output units.
        batch_size: Samples per gradient step.
        data_values: Values of the framed data (X and y, all splits).

    Raises:
        ValueError: over the parameter, layer or memory budget (the message says what to change).
    """
    cost = check_model(config, n_features, n_steps, n_outputs)
    need = training_bytes(cost, n_steps, batch_size, data_values)
    limit = settings.max_train_memory_mb()
    if need > limit * 1024 * 1024:
        raise ValueError(
            f"The training would need about {need / 2**20:,.0f} MB; the limit is {limit:,} MB "
            f"(RNNLAB_MAX_TRAIN_MEMORY_MB). Use a smaller batch size, {_fewer_units(config)}, or a shorter "
            f"window. Received: batch_size={batch_size}, steps={n_steps}, parameters={cost.params:,}"
        )
    return need


def framed_values(framed) -> int:
    """X and y values over all splits of a :class:`~rnnlab.task.types.FramedData`."""
    return int(sum(framed.split(s).X.size + framed.split(s).y.size for s in ("train", "val", "test")))
