"""Fit a model on framed data, streaming progress events, with Stop, early stopping and NaN detection.

:func:`train` is the one training routine: the worker processes call it for the
dashboard, the command line calls it in-process. It imports TensorFlow only
when called, so ``from rnnlab.training.fit import TrainConfig`` stays light.

Events are plain picklable dicts handed to ``on_event``:

- ``{"type": "start", "epochs", "steps_per_epoch", "params", "n_train", "batch_size",
  "steps_per_execution", "jit_compile", "device", "main_metric", "reference"}``
- ``{"type": "batch", "epoch", "step", "steps", "logs", "samples_per_s", "eta_s"}`` (a few per second)
- ``{"type": "epoch", "epoch", "done", "logs", "seconds"}`` (``epoch`` counts from 1; ``done`` is the share
  of the epoch's batches that ran: 1.0, less when Stop ended it early; ``seconds`` since the start)
- ``{"type": "end", "status", "message"}`` with status ``finished``, ``stopped``, ``early_stopped``
  or ``diverged`` (``failed`` is emitted by the caller when :func:`train` raises).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rnnlab.core.words import plural
from rnnlab.evaluation.judge import evaluate
from rnnlab.evaluation.reference import reference
from rnnlab.models import budget
from rnnlab.models.build import build_model, loss_and_metrics, output_units
from rnnlab.task.weights import balanced_sample_weight
from rnnlab.training.config import OPTIMIZERS, TrainConfig
from rnnlab.training.live import live_callback
from rnnlab.training.speed import estimate_batch_seconds, fit_settings, make_dataset, steps_per_execution

__all__ = [
    "OPTIMIZERS",
    "TrainConfig",
    "TrainResult",
    "train",
    "make_optimizer",
    "estimate_batch_seconds",
    "fit_settings",
    "make_dataset",
    "steps_per_execution",
]


@dataclass
class TrainResult:
    """What :func:`train` returns.

    Attributes:
        status: ``"finished"``, ``"stopped"``, ``"early_stopped"`` or ``"diverged"``.
        message: One plain sentence for the user.
        history: Keras's history: metric name → one float per epoch run.
        model: The trained ``keras.Model`` (best weights restored after early stopping).
        seconds: Wall time of the fit (without evaluation).
        evaluation: :func:`rnnlab.evaluation.judge.evaluate`'s dict, or ``None`` when training diverged.
        settings: The speed settings used (``steps_per_execution``, ``jit_compile``).
    """

    status: str
    message: str
    history: dict[str, list[float]]
    model: Any
    seconds: float
    evaluation: dict | None = None
    settings: dict = field(default_factory=dict)


def make_optimizer(train_config: TrainConfig):
    """The Keras optimizer named by ``train_config.optimizer`` at its learning rate."""
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    cls = {"rmsprop": keras.optimizers.RMSprop, "adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}
    return cls[train_config.optimizer](learning_rate=train_config.learning_rate)


DIVERGED_HINT = (
    "Training stopped: {what}. The learning rate is probably too high (try 10× lower), "
    "or the inputs are not scaled (turn scaling on in the Task step)."
)


def train(
    framed,
    model_config,
    train_config: TrainConfig,
    on_event: Callable[[dict], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainResult:
    """Build, compile and fit a model on ``framed``, then evaluate it against the baselines.

    Args:
        framed: :class:`rnnlab.task.types.FramedData`; trains on ``scaled("train")``, validates on
            ``scaled("val")`` (sample weights are passed for tagging).
        model_config: :class:`rnnlab.models.build.ModelConfig`.
        train_config: :class:`TrainConfig`.
        on_event: Called with each progress event (see the module docstring).
        should_stop: Polled after every execution of ``steps_per_execution`` batches; ``True`` ends
            training there, keeping the weights trained so far.

    Returns:
        A :class:`TrainResult`.

    Raises:
        ValueError: When the device is not available.

    Example:
        >>> result = train(framed, ModelConfig(cell="gru", units=(8,)), TrainConfig(epochs=2))  # doctest: +SKIP
        >>> result.status, len(result.history["loss"])  # doctest: +SKIP
        ('finished', 2)
    """
    import keras  # lazy: the Data and Task pages must not load TensorFlow
    import tensorflow as tf

    def emit(event: dict) -> None:
        if on_event is not None:
            on_event(event)

    available = {d.name.replace("/device:", "/").upper() for d in tf.config.list_logical_devices()}
    if train_config.device.upper() not in available:
        raise ValueError(
            f"`device` must be one TensorFlow sees ({', '.join(sorted(available))}). "
            f"Received: device={train_config.device!r}"
        )
    budget.check_training(model_config, framed.n_features, framed.n_steps, output_units(framed, model_config),
                          train_config.batch_size, budget.framed_values(framed))  # fmt: skip
    keras.utils.set_random_seed(train_config.seed)
    x_train, y_train, w_train = framed.scaled("train")
    x_val, y_val, w_val = framed.scaled("val")
    if train_config.class_weight == "balanced":  # rare classes weigh more in the loss (classes only)
        w_train = balanced_sample_weight(framed, y_train, w_train)
    n_train = len(x_train)
    if n_train == 0:
        raise ValueError("The training split must hold at least one sample. Received: 0 samples")
    steps = math.ceil(n_train / train_config.batch_size)
    has_val = len(x_val) > 0

    with tf.device(train_config.device):
        model = build_model(model_config, framed)
        loss, metrics = loss_and_metrics(framed)
        settings = fit_settings(model, train_config, framed.n_steps, steps)
        model.compile(
            optimizer=make_optimizer(train_config), loss=loss, metrics=metrics,
            steps_per_execution=settings["steps_per_execution"], jit_compile=settings["jit_compile"],
        )  # fmt: skip
        live = live_callback(
            emit, should_stop, epochs=train_config.epochs, steps=steps,
            batch_size=train_config.batch_size, n_train=n_train,
        )  # fmt: skip
        callbacks = [live]
        early = None
        if train_config.patience is not None:
            monitor = "val_loss" if has_val else "loss"
            early = keras.callbacks.EarlyStopping(
                monitor=monitor, patience=train_config.patience, restore_best_weights=True
            )
            callbacks.append(early)
        emit(
            {
                "type": "start",
                "epochs": train_config.epochs,
                "steps_per_epoch": steps,
                "params": int(model.count_params()),
                "n_train": n_train,
                "batch_size": train_config.batch_size,
                "device": train_config.device,
                "main_metric": framed.curve_metric,  # the metric Keras logs (the verdict may use another)
                "reference": reference(framed),
                **settings,
            }
        )
        t0 = time.perf_counter()
        if settings["pipeline"] == "tf.data":
            data = {
                "x": make_dataset(x_train, y_train, w_train, train_config.batch_size, train_config.seed),
                "validation_data": make_dataset(x_val, y_val, w_val, train_config.batch_size, None)
                if has_val
                else None,
                "shuffle": False,  # the dataset shuffles itself, seeded
            }
        else:
            validation = (x_val, y_val) if w_val is None else (x_val, y_val, w_val)
            data = {"x": x_train, "y": y_train, "sample_weight": w_train, "batch_size": train_config.batch_size,
                    "validation_data": validation if has_val else None, "shuffle": True}  # fmt: skip
        history = model.fit(**data, epochs=train_config.epochs, verbose=0, callbacks=callbacks)
        seconds = time.perf_counter() - t0
    hist = {k: [float(v) for v in values] for k, values in history.history.items()}
    n_epochs = len(hist.get("loss", []))
    if live.diverged:
        status, message = "diverged", DIVERGED_HINT.format(what=live.diverged)
    elif live.stopped:
        status, message = (
            "stopped",
            f"Stopped by request during epoch {n_epochs}; the model keeps its weights.",
        )
    elif early is not None and early.stopped_epoch > 0:
        best = early.best_epoch + 1 if hasattr(early, "best_epoch") else "the best"
        status = "early_stopped"
        message = (
            f"Early stopping after epoch {n_epochs}: the {early.monitor.replace('_', ' ')} had not improved "
            f"for {plural(train_config.patience, 'epoch')}; the weights of epoch {best} were restored."
        )
    else:
        status, message = "finished", f"Finished {plural(n_epochs, 'epoch')}."
    emit({"type": "end", "status": status, "message": message})
    evaluation = None
    if status != "diverged":
        evaluation = evaluate(model, framed)
    return TrainResult(status, message, hist, model, seconds, evaluation, dict(settings))
