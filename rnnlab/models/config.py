"""The model configuration: a frozen, JSON-serialisable description of the network (no TensorFlow)."""

from __future__ import annotations

from dataclasses import dataclass

from rnnlab.core.config import Config
from rnnlab.core.values import parse_int_list

CELLS = ("simple_rnn", "lstm", "gru", "dense")
RECURRENT_CELLS = ("simple_rnn", "lstm", "gru")
HEAD_ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "linear")
MAX_UNITS = 4096  # per layer: a larger one would only exhaust a shared classroom server's memory
CELL_ACTIVATIONS = ("tanh", "relu", "sigmoid", "elu", "selu", "gelu", "swish", "linear")


@dataclass(frozen=True)
class ModelConfig(Config):
    """What network to build; the output layer, loss and metrics follow the framed task.

    Example:
        >>> ModelConfig(cell="lstm", units=(16, 8)).units
        (16, 8)
    """

    cell: str = "gru"  # "simple_rnn" | "lstm" | "gru" | "dense" (flattened-window reference)
    units: tuple[int, ...] = (32,)  # one entry per recurrent layer (stacking); dense: one per Dense layer
    bidirectional: bool = False  # wrap every recurrent layer in Bidirectional (doubles its parameters)
    dropout: float = 0.0  # dropout on each recurrent layer's inputs (dense: after each Dense)
    recurrent_dropout: float = 0.0  # dropout on the recurrent state (keeps cuDNN off on GPU)
    head_units: tuple[int, ...] = ()  # Dense layers between the RNN and the output
    head_activation: str = "relu"  # activation of the head's Dense layers
    normalization: bool = False  # input Normalization adapted on the train split's real steps (after Masking)
    activation: str = "tanh"  # the recurrent cell's activation; anything but tanh keeps cuDNN off
    unroll: bool = False  # unroll the recurrent loop (keeps cuDNN off)
    reset_after: bool = True  # GRU: Keras's default (cuDNN-compatible) form, 3u(u+d+2) parameters

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"`cell` must be one of {CELLS}. Received: cell={self.cell!r}")
        units = tuple(self.units) if isinstance(self.units, (list, tuple)) else (self.units,)
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "head_units", tuple(self.head_units))
        if not units:
            raise ValueError("`units` must name at least one layer. Received: units=()")
        for name, values in (("units", units), ("head_units", self.head_units)):
            for value in values:
                if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_UNITS:
                    raise ValueError(
                        f"`{name}` must be integers from 1 to {MAX_UNITS}. Received: {name}={values}"
                    )
        for name in ("dropout", "recurrent_dropout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
                raise ValueError(f"`{name}` must be in [0, 1). Received: {name}={value!r}")
        if self.head_activation not in HEAD_ACTIVATIONS:
            raise ValueError(
                f"`head_activation` must be one of {HEAD_ACTIVATIONS}. "
                f"Received: head_activation={self.head_activation!r}"
            )
        if self.activation not in CELL_ACTIVATIONS:
            raise ValueError(
                f"`activation` must be one of {CELL_ACTIVATIONS}. Received: activation={self.activation!r}"
            )

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
