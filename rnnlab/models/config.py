"""The model configuration: a frozen, JSON-serialisable description of the network (no TensorFlow)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rnnlab.core.config import Config
from rnnlab.core.values import parse_int_list

CELLS = ("simple_rnn", "lstm", "gru", "dense")
RECURRENT_CELLS = ("simple_rnn", "lstm", "gru")
# The Keras layer of each recurrent cell; its name is also how figures and tables title the cell.
CELL_LAYERS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
HEAD_ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "linear")
MAX_UNITS = 4096  # per layer: a larger one would only exhaust a shared classroom server's memory
CELL_ACTIVATIONS = ("tanh", "relu", "sigmoid", "elu", "selu", "gelu", "swish", "linear")
MAX_LAYERS = 16  # stacked layers (and head layers) at most
UNITS = {"bounds": (1, MAX_UNITS), "length": (1, MAX_LAYERS)}
HEAD_UNITS = {"bounds": (1, MAX_UNITS), "length": (0, MAX_LAYERS)}
SHARE = {"bounds": (0.0, None), "below": 1.0}  # a dropout rate in [0, 1)


@dataclass(frozen=True)
class ModelConfig(Config):
    """What network to build; the output layer, loss and metrics follow the framed task.

    Example:
        >>> ModelConfig(cell="lstm", units=(16, 8)).units
        (16, 8)
    """

    # one line per setting: type, default and limits (the Model page's widgets use the same limits)
    cell: str = field(default="gru", metadata={"options": CELLS})  # "dense" = flattened-window reference
    units: tuple[int, ...] = field(default=(32,), metadata=UNITS)  # per recurrent layer (dense: per Dense)
    bidirectional: bool = False  # wrap every recurrent layer in Bidirectional (doubles its parameters)
    dropout: float = field(
        default=0.0, metadata=SHARE
    )  # on each recurrent layer's inputs (dense: after each)
    recurrent_dropout: float = field(default=0.0, metadata=SHARE)  # on the recurrent state (no cuDNN on GPU)
    head_units: tuple[int, ...] = field(default=(), metadata=HEAD_UNITS)  # Dense layers before the output
    head_activation: str = field(
        default="relu", metadata={"options": HEAD_ACTIVATIONS}
    )  # the head's activation
    head_dropout: float = field(default=0.0, metadata=SHARE)  # Dropout after each head Dense layer
    normalization: bool = False  # input Normalization adapted on the train split's real steps (after Masking)
    activation: str = field(default="tanh", metadata={"options": CELL_ACTIVATIONS})  # not tanh: no cuDNN
    unroll: bool = False  # unroll the recurrent loop (keeps cuDNN off)
    reset_after: bool = True  # GRU: Keras's default (cuDNN-compatible) form, 3u(u+d+2) parameters

    @property
    def recurrent(self) -> bool:
        """True for SimpleRNN, LSTM and GRU; False for the dense reference."""
        return self.cell in RECURRENT_CELLS


def parse_units(text: str, what: str = "units") -> tuple[int, ...]:
    """Units typed as ``"32"`` or ``"64, 32"`` → ``(64, 32)``; ``""`` → ``()``.

    Raises:
        ValueError: for anything but positive integers separated by commas.

    Example:
        >>> parse_units("64, 32")
        (64, 32)
    """
    return parse_int_list(text, what, minimum=1, example="64, 32")


RECURRENT_ONLY = ("bidirectional", "recurrent_dropout")  # settings the dense reference has no use for


def from_choices(cell: str, **settings) -> ModelConfig:
    """A :class:`ModelConfig` from a form's choices; the dense reference drops :data:`RECURRENT_ONLY`.

    A form keeps its recurrent-only controls' values while the dense cell is picked (so switching back
    restores them), but a dense model is never bidirectional and has no recurrent dropout.

    Raises:
        ValueError: for settings :class:`ModelConfig` refuses.

    Example:
        >>> from_choices("dense", units=(8,), bidirectional=True, recurrent_dropout=0.2).bidirectional
        False
    """
    if cell not in RECURRENT_CELLS:
        settings = {**settings, "bidirectional": False, "recurrent_dropout": 0.0}
    return ModelConfig(cell=cell, **settings)
