"""The training settings: a frozen, JSON-serialisable config that imports no TensorFlow.

Pages and the job server read and write :class:`TrainConfig` without loading
Keras; :mod:`rnnlab.training.fit` re-exports it and does the training.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rnnlab.core.config import Config

OPTIMIZERS = ("rmsprop", "adam", "sgd")
DEVICE_PATTERN = r"/(CPU|GPU):\d+"
MAX_SEED = 2**31 - 1  # the widgets' and NumPy's largest seed
CLASS_WEIGHTS = ("balanced",)  # or None: every sample weighs the same


@dataclass(frozen=True)
class TrainConfig(Config):
    """How to fit a model.

    Example:
        >>> TrainConfig(epochs=3).replace(optimizer="adam").optimizer
        'adam'
    """

    # one line per setting: type, default and limits (the Train page's widgets use the same limits)
    optimizer: str = field(default="rmsprop", metadata={"options": OPTIMIZERS})  # RMSprop: classic for RNNs
    learning_rate: float = field(default=1e-3, metadata={"bounds": (1e-6, 10.0)})  # the optimizer's step
    batch_size: int = field(default=32, metadata={"bounds": (1, 4096)})  # samples per gradient step
    epochs: int = field(default=20, metadata={"bounds": (1, 1000)})  # passes over the training split
    patience: int | None = field(default=5, metadata={"bounds": (0, 100)})  # early stopping; None = off
    seed: int = field(default=0, metadata={"bounds": (0, MAX_SEED)})  # same seed → same curves on CPU
    device: str = field(default="/CPU:0", metadata={"pattern": DEVICE_PATTERN, "example": "/GPU:0"})
    fast: bool = True  # several batches per call and XLA where a timing of this machine says they pay
    class_weight: str | None = field(
        default=None, metadata={"options": CLASS_WEIGHTS}
    )  # "balanced": n / (K · n_k)
    intervals: float = field(default=0.9, metadata={"bounds": (0.5, 0.99)})  # prediction intervals' coverage
