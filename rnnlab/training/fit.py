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
from rnnlab.evaluation.reference import reference
from rnnlab.task.weights import balanced_sample_weight
from rnnlab.training.config import OPTIMIZERS, TrainConfig

__all__ = ["OPTIMIZERS", "TrainConfig", "TrainResult", "train", "fit_settings", "steps_per_execution"]

BATCH_EVENT_INTERVAL_S = 0.25  # at most four batch events a second
STOP_LATENCY_S = 0.4  # steps_per_execution is chosen so that one execution takes about this long
MAX_STEPS_PER_EXECUTION = 32
JIT_MIN_FIT_SECONDS = 10.0  # XLA compilation costs a few seconds; use it only for fits longer than this


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


def estimate_batch_seconds(n_params: int, batch_size: int, n_steps: int) -> float:
    """Rough CPU seconds for one training batch (calibrated on 2 cores: LSTM(20) and the ECG GRU stack).

    Example:
        >>> round(estimate_batch_seconds(4000, 128, 187), 2)
        0.15
    """
    return 0.002 + 1.5e-9 * n_params * batch_size * max(1, n_steps)


def steps_per_execution(n_params: int, batch_size: int, n_steps: int, steps_per_epoch: int) -> int:
    """How many batches to run per call so that a Stop request still lands within ~0.4 s.

    Example:
        >>> steps_per_execution(4000, 128, 187, 63)  # the course's ECG model
        2
        >>> steps_per_execution(2000, 32, 10, 32)  # LSTM(20) on 1000×10×3
        32
    """
    n = int(STOP_LATENCY_S / estimate_batch_seconds(n_params, batch_size, n_steps))
    return max(1, min(MAX_STEPS_PER_EXECUTION, steps_per_epoch, n))


def fit_settings(model, train_config: TrainConfig, n_steps: int, steps_per_epoch: int) -> dict:
    """The speed settings for ``train_config.fast``, measured in ``bench/bench_training.py``.

    - ``steps_per_execution``: batches per call, as many as keep a Stop within ~0.4 s;
    - ``pipeline``: ``"tf.data"`` (shuffled, batched, prefetched dataset) instead of NumPy slicing;
    - ``jit_compile``: XLA when every layer supports it and the fit is long enough to repay the few
      seconds of compilation; on a GPU Keras's ``"auto"`` keeps the cuDNN kernels.

    Returns:
        ``{"steps_per_execution": int, "jit_compile": bool | "auto", "pipeline": str}``.
    """
    if not train_config.fast:
        return {"steps_per_execution": 1, "jit_compile": False, "pipeline": "arrays"}
    n_params = model.count_params()
    spe = steps_per_execution(n_params, train_config.batch_size, n_steps, steps_per_epoch)
    if train_config.device.upper().startswith("/GPU"):
        jit: bool | str = "auto"
    else:
        estimate = estimate_batch_seconds(n_params, train_config.batch_size, n_steps)
        long_fit = estimate * steps_per_epoch * train_config.epochs >= JIT_MIN_FIT_SECONDS
        jit = long_fit and all(getattr(layer, "supports_jit", True) for layer in model._flatten_layers())
    return {"steps_per_execution": spe, "jit_compile": jit, "pipeline": "tf.data"}


def make_dataset(x, y, weight, batch_size: int, shuffle_seed: int | None):
    """A batched, prefetched ``tf.data.Dataset`` (shuffled every epoch when ``shuffle_seed`` is given)."""
    import tensorflow as tf

    parts = (x, y) if weight is None else (x, y, weight)
    data = tf.data.Dataset.from_tensor_slices(parts)
    if shuffle_seed is not None:
        data = data.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def make_optimizer(train_config: TrainConfig):
    """The Keras optimizer named by ``train_config.optimizer`` at its learning rate."""
    import keras

    cls = {"rmsprop": keras.optimizers.RMSprop, "adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}
    return cls[train_config.optimizer](learning_rate=train_config.learning_rate)


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def _floats(logs: dict | None) -> dict[str, float]:
    return {k: float(v) for k, v in (logs or {}).items() if isinstance(v, (int, float)) or hasattr(v, "item")}


def _live_callback(emit, should_stop, *, epochs, steps, batch_size, n_train):
    """A tiny callback: throttled batch events, epoch events, Stop and NaN checks."""
    import keras

    class Live(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.stopped = False
            self.diverged: str | None = None
            self.t0 = self.epoch_t0 = self.last_emit = 0.0
            self.epoch = self.step = 0

        def on_train_begin(self, logs=None):
            self.t0 = time.perf_counter()

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch, self.step = epoch, 0
            self.epoch_t0 = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            step = self.step = batch + 1
            loss = (logs or {}).get("loss")
            if loss is not None and not _finite(loss):
                self.diverged = (
                    f"the training loss became {float(loss)} at epoch {self.epoch + 1}, step {step}"
                )
                self.model.stop_training = True
            if should_stop is not None and should_stop():
                self.stopped = True
                self.model.stop_training = True
            now = time.perf_counter()
            if emit is None or now - self.last_emit < BATCH_EVENT_INTERVAL_S:
                return
            self.last_emit = now
            done = self.epoch * steps + step
            samples = self.epoch * n_train + min(step * batch_size, n_train)
            elapsed = max(now - self.t0, 1e-9)
            emit(
                {
                    "type": "batch",
                    "epoch": self.epoch + 1,
                    "step": step,
                    "steps": steps,
                    "logs": _floats(logs),
                    "samples_per_s": samples / elapsed,
                    "eta_s": (epochs * steps - done) * elapsed / done,
                }
            )

        def on_epoch_end(self, epoch, logs=None):
            logs = _floats(logs)
            bad = [k for k in ("loss", "val_loss") if k in logs and not math.isfinite(logs[k])]
            if bad and self.diverged is None:
                self.diverged = f"the {bad[0].replace('_', ' ')} became {logs[bad[0]]} at epoch {epoch + 1}"
                self.model.stop_training = True
            if emit is not None:
                done = min(self.step / steps, 1.0) if self.step else 1.0  # < 1 when stopped mid-epoch
                event = {"type": "epoch", "epoch": epoch + 1, "done": done, "logs": logs}
                emit({**event, "seconds": time.perf_counter() - self.t0})

    return Live()


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
    import keras
    import tensorflow as tf

    from rnnlab.models import build

    def emit(event: dict) -> None:
        if on_event is not None:
            on_event(event)

    available = {d.name.replace("/device:", "/").upper() for d in tf.config.list_logical_devices()}
    if train_config.device.upper() not in available:
        raise ValueError(
            f"`device` must be one TensorFlow sees ({', '.join(sorted(available))}). "
            f"Received: device={train_config.device!r}"
        )
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
        model = build.build_model(model_config, framed)
        loss, metrics = build.loss_and_metrics(framed)
        settings = fit_settings(model, train_config, framed.n_steps, steps)
        model.compile(
            optimizer=make_optimizer(train_config), loss=loss, metrics=metrics,
            steps_per_execution=settings["steps_per_execution"], jit_compile=settings["jit_compile"],
        )  # fmt: skip
        live = _live_callback(
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
                "main_metric": getattr(framed, "curve_metric", framed.main_metric),  # the metric Keras logs
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
            f"for {train_config.patience} epochs; the weights of epoch {best} were restored."
        )
    else:
        status, message = "finished", f"Finished {plural(n_epochs, 'epoch')}."
    emit({"type": "end", "status": status, "message": message})
    evaluation = None
    if status != "diverged":
        try:
            from rnnlab.evaluation import judge as evaluation_module
        except ImportError:  # pragma: no cover - only while the evaluation module is missing
            evaluation_module = None
        if evaluation_module is not None:
            evaluation = evaluation_module.evaluate(model, framed)
    return TrainResult(status, message, hist, model, seconds, evaluation, dict(settings))
