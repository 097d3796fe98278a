"""The training settings: a frozen, JSON-serialisable config that imports no TensorFlow.

Pages and the job server read and write :class:`TrainConfig` without loading
Keras; :mod:`rnnlab.training.fit` re-exports it and does the training.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rnnlab.core.config import Config

OPTIMIZERS = ("rmsprop", "adam", "sgd")
_DEVICE = re.compile(r"^/(CPU|GPU):\d+$")


@dataclass(frozen=True)
class TrainConfig(Config):
    """How to fit a model.

    Example:
        >>> TrainConfig(epochs=3).replace(optimizer="adam").optimizer
        'adam'
    """

    optimizer: str = "rmsprop"  # "rmsprop" | "adam" | "sgd" — RMSprop is the classic choice for RNNs
    learning_rate: float = 1e-3  # step size of the optimizer
    batch_size: int = 32  # samples per gradient step
    epochs: int = 20  # passes over the training split (early stopping may end sooner)
    patience: int | None = 5  # early stopping on val loss, best weights restored; None = off
    seed: int = 0  # same seed, data and config → same curves on CPU
    device: str = "/CPU:0"  # a device the workers report, e.g. "/CPU:0" or "/GPU:0"
    fast: bool = True  # several batches per call and XLA where a timing of this machine says they pay

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"`optimizer` must be one of {OPTIMIZERS}. Received: optimizer={self.optimizer!r}"
            )
        lr = self.learning_rate
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
            raise ValueError(f"`learning_rate` must be a number > 0. Received: learning_rate={lr!r}")
        for name, low in (("batch_size", 1), ("epochs", 1), ("seed", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"`{name}` must be an integer ≥ {low}. Received: {name}={value!r}")
        if self.patience is not None and (
            isinstance(self.patience, bool) or not isinstance(self.patience, int) or self.patience < 0
        ):
            raise ValueError(
                f"`patience` must be an integer ≥ 0 or None. Received: patience={self.patience!r}"
            )
        if not isinstance(self.device, str) or not _DEVICE.match(self.device):
            raise ValueError(
                f"`device` must look like '/CPU:0' or '/GPU:0'. Received: device={self.device!r}"
            )
        if not isinstance(self.fast, bool):
            raise ValueError(f"`fast` must be True or False. Received: fast={self.fast!r}")
