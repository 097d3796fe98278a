"""Fit a model on framed data, streaming progress events, with Stop, early stopping and NaN detection.

:func:`train` is the one training routine: the worker processes call it for the
dashboard, the command line calls it in-process. It imports TensorFlow only
when called, so ``from rnnlab.training.fit import TrainConfig`` stays light.

Events are plain picklable dicts handed to ``on_event``:

- ``{"type": "start", "epochs", "steps_per_epoch", "params", "n_train", "batch_size",
  "steps_per_execution", "jit_compile", "device", "main_metric", "reference"}``
- ``{"type": "batch", "epoch", "step", "steps", "logs", "samples_per_s", "eta_s"}`` (the first call's,
  then at most four a second)
- ``{"type": "epoch", "epoch", "done", "logs", "seconds", "eta_s"}`` (``epoch`` counts from 1; ``done`` is
  the share of the epoch's batches that ran: 1.0, less when Stop ended it early; ``seconds`` since the start)

``eta_s`` (seconds left, see :class:`rnnlab.training.live.Eta`) leaves out the tracing and compiling of the
first call and is ``None`` until a steady call was timed. Every event carries ``t``, its ``time.time()``.
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
from rnnlab.evaluation import judge
from rnnlab.evaluation.reference import reference
from rnnlab.models import budget, build, one_loop
from rnnlab.task.weights import balanced_sample_weight
from rnnlab.training import compiled, live, speed
from rnnlab.training.config import OPTIMIZERS, TrainConfig
from rnnlab.training.speed import fit_settings

__all__ = ["OPTIMIZERS", "TrainConfig", "TrainResult", "train", "fit_settings", "make_dataset"]


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
        settings: The speed settings used (``steps_per_execution``, ``jit_compile``, ``calibrated``,
            ``one_loop``: whether the recurrent layers trained as one loop (:mod:`rnnlab.models.one_loop`),
            ``reused``: whether a kept compiled model was reused).
        timings: ``time.time()`` stamps of the phases: ``begin``, ``compiled``, ``fitted``, ``evaluated``.
    """

    status: str
    message: str
    history: dict[str, list[float]]
    model: Any
    seconds: float
    evaluation: judge.Evaluation | None = None
    settings: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)


def make_dataset(x, y, weight, batch_size: int, shuffle_seed: int | None):
    """A batched, prefetched ``tf.data.Dataset`` (shuffled every epoch when ``shuffle_seed`` is given)."""
    import tensorflow as tf  # lazy: the Data and Task pages must not load TensorFlow

    parts = (x, y) if weight is None else (x, y, weight)
    data = tf.data.Dataset.from_tensor_slices(parts)
    if shuffle_seed is not None:
        data = data.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)


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
    cache: compiled.CompiledCache | None = None,
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
        cache: The caller's :class:`~rnnlab.training.compiled.CompiledCache` (a worker's): the same
            configuration trained again reuses its compiled model. ``None``: a fresh build, kept nowhere.

    Returns:
        A :class:`TrainResult`.

    Raises:
        ValueError: When the device is not available.

    Example:
        >>> result = train(framed, ModelConfig(cell="gru", units=(8,)), TrainConfig(epochs=2))  # doctest: +SKIP
        >>> result.status, len(result.history["loss"])  # doctest: +SKIP
        ('finished', 2)
    """
    import tensorflow as tf  # lazy: the Data and Task pages must not load TensorFlow

    timings = {"begin": time.time()}

    def emit(event: dict) -> None:
        if on_event is not None:
            on_event({**event, "t": time.time()})

    _check_device(train_config.device, tf)
    budget.check_training(model_config, framed.n_features, framed.n_steps, build.output_units(framed, model_config),
                          train_config.batch_size, budget.framed_values(framed))  # fmt: skip
    train_data, val_data = _split_arrays(framed, train_config)
    n_train = len(train_data[0])
    steps = math.ceil(n_train / train_config.batch_size)

    with tf.device(train_config.device):
        model, fitted, settings = _compiled_model(framed, model_config, train_config, steps, cache)
        timings["compiled"] = time.time()
        callback, early = _callbacks(emit, should_stop, train_config, steps, n_train, len(val_data[0]))
        emit(_start_event(framed, model, train_config, steps, n_train, settings))
        t0 = time.perf_counter()
        callbacks = [callback] if early is None else [callback, early]
        history = _fit(fitted, train_data, val_data, train_config, callbacks)
        seconds = time.perf_counter() - t0
    timings["fitted"] = time.time()
    hist = {k: [float(v) for v in values] for k, values in history.history.items()}
    status, message = _outcome(hist, callback, early, train_config)
    emit({"type": "end", "status": status, "message": message})
    evaluation = None
    if status != "diverged":
        fitted.steps_per_execution = 1  # tracing a several-batch prediction step costs more than it saves
        evaluation = judge.evaluate(
            fitted, framed, level=train_config.intervals
        )  # ``model``'s predictions (the same weights and arithmetic)
    timings["evaluated"] = time.time()
    return TrainResult(status, message, hist, model, seconds, evaluation, dict(settings), timings)


def _check_device(device: str, tf) -> None:
    """Raise a ``ValueError`` naming the devices TensorFlow sees when ``device`` is not one of them."""
    available = {d.name.replace("/device:", "/").upper() for d in tf.config.list_logical_devices()}
    if device.upper() not in available:
        raise ValueError(
            f"`device` must be one TensorFlow sees ({', '.join(sorted(available))}). Received: device={device!r}"
        )


Arrays = tuple[Any, Any, Any]  # (x, y, sample weight or None) of one split, scaled: what make_dataset takes


def _split_arrays(framed, train_config: TrainConfig) -> tuple[Arrays, Arrays]:
    """``((x, y, w) train, (x, y, w) validation)`` scaled, with balanced class weights when asked for."""
    x_train, y_train, w_train = framed.scaled("train")
    val_data = framed.scaled("val")
    if train_config.class_weight == "balanced":  # rare classes weigh more in the loss (classes only)
        w_train = balanced_sample_weight(framed, y_train, w_train)
    if len(x_train) == 0:
        raise ValueError("The training split must hold at least one sample. Received: 0 samples")
    return (x_train, y_train, w_train), val_data


def _callbacks(emit, should_stop, train_config: TrainConfig, steps: int, n_train: int, n_val: int) -> tuple:
    """``(live, early)``: the live callback (events, Stop, NaN checks) and early stopping (``None`` without
    ``patience``), which watches the validation loss when there is a validation split, else the loss."""
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    eta = live.Eta(train_config.epochs, steps, n_val / n_train)
    callback = live.live_callback(
        emit, should_stop, epochs=train_config.epochs, steps=steps,
        batch_size=train_config.batch_size, n_train=n_train, eta=eta,
    )  # fmt: skip
    if train_config.patience is None:
        return callback, None
    early = keras.callbacks.EarlyStopping(
        monitor="val_loss" if n_val > 0 else "loss", patience=train_config.patience, restore_best_weights=True
    )
    return callback, early


def _start_event(framed, model, train_config: TrainConfig, steps: int, n_train: int, settings: dict) -> dict:
    """The ``start`` event: the fit's plan, the model's size, the metric on the curves and the speed settings."""
    return {
        "type": "start",
        "epochs": train_config.epochs,
        "steps_per_epoch": steps,
        "params": int(model.count_params()),  # the same for the model that fits, which shares every weight
        "n_train": n_train,
        "batch_size": train_config.batch_size,
        "device": train_config.device,
        "main_metric": framed.curve_metric,  # the metric Keras logs (the verdict may use another)
        "reference": reference(framed),
        **settings,
    }


def _fit(fitted, train_data: Arrays, val_data: Arrays, train_config: TrainConfig, callbacks: list):
    """Keras's ``History`` of fitting ``fitted`` on the training split, validated on the validation split."""
    # The same seeded, reshuffled-every-epoch pipeline with and without the fast settings: the same
    # batches in the same order, so fast and default differ only by rounding (XLA).
    has_val = len(val_data[0]) > 0
    validation = make_dataset(*val_data, train_config.batch_size, None) if has_val else None
    return fitted.fit(
        make_dataset(*train_data, train_config.batch_size, train_config.seed),
        validation_data=validation, shuffle=False, epochs=train_config.epochs, verbose=0,
        callbacks=callbacks,
    )  # fmt: skip


def _compiled_model(framed, model_config, train_config, steps: int, cache=None):
    """The model, the model that fits it, and the speed settings: a kept pair for a repeat, else a new one.

    The model that fits is the model itself, or its one-loop twin (:mod:`rnnlab.models.one_loop`), which
    shares its layers: both are compiled with the same optimizer, at their initial state.
    """
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    keras.utils.set_random_seed(train_config.seed)  # seeds the shuffling too, also for a kept model
    cache_key = compiled.key(framed, model_config, train_config) if cache is not None else None
    entry = cache.get(cache_key) if cache_key else None
    if entry is not None:
        entry.fitting.steps_per_execution = entry.settings["steps_per_execution"]  # evaluation set it to 1
        return entry.model, entry.fitting, {**entry.settings, "reused": True}
    model = build.build_model(model_config, framed)
    settings = speed.fit_settings(model, train_config, framed.n_steps, steps)  # calibrated layer by layer
    fitted = one_loop.twin(model) if one_loop.applies(model_config, train_config.device) else model
    loss, metrics = build.loss_and_metrics(framed)
    fitted.compile(
        optimizer=make_optimizer(train_config), loss=loss, metrics=metrics,
        steps_per_execution=settings["steps_per_execution"], jit_compile=settings["jit_compile"],
    )  # fmt: skip
    fitted.optimizer.build(fitted.trainable_variables)  # its slots exist now, so they can be reset
    if fitted is not model:  # the model that is saved holds the optimizer and its state too
        loss, metrics = build.loss_and_metrics(framed)
        model.compile(optimizer=fitted.optimizer, loss=loss, metrics=metrics)
    _build_state(fitted, framed)
    settings = {**settings, "one_loop": fitted is not model}
    if cache_key:
        cache.put(cache_key, model, settings, fitted=None if fitted is model else fitted)
    return model, fitted, {**settings, "reused": False}


def _build_state(model, framed) -> None:
    """Create the loss and metric variables now, from the data's shapes, so the first call traces once.

    Without this, Keras creates them while tracing the training step and then traces the step a second
    time (measured: about a third of the first curve point's wait). ``Trainer._symbolic_build`` is the
    routine Keras itself runs for this under a distribution strategy; it is private, so a Keras without it
    just traces twice as before.
    """
    build_from_shapes = getattr(model, "_symbolic_build", None)
    if build_from_shapes is None:
        return
    x, y, w = framed.scaled("train")
    build_from_shapes(data_batch=(x[:1], y[:1], None if w is None else w[:1]))


def _outcome(hist: dict, callback, early, train_config) -> tuple[str, str]:
    n_epochs = len(hist.get("loss", []))
    if callback.diverged:
        return "diverged", DIVERGED_HINT.format(what=callback.diverged)
    if callback.stopped:
        return "stopped", f"Stopped by request during epoch {n_epochs}; the model keeps its weights."
    if early is not None and early.stopped_epoch > 0:
        best = early.best_epoch + 1 if hasattr(early, "best_epoch") else "the best"
        return "early_stopped", (
            f"Early stopping after epoch {n_epochs}: the {early.monitor.replace('_', ' ')} had not improved "
            f"for {plural(train_config.patience, 'epoch')}; the weights of epoch {best} were restored."
        )
    return "finished", f"Finished {plural(n_epochs, 'epoch')}."
