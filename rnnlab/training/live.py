"""The live side of a fit: progress events, the time-left estimate, Stop and NaN checks.

:class:`Eta` estimates the time left from steady batches only: the first call of the training step
traces it (and, with XLA, compiles it), which can take longer than the whole rest of a short fit, so
that call is left out of the rate — also for a reused compiled model (:mod:`rnnlab.training.compiled`),
whose first epoch still pays for new iterators and first-call set-up (measured: up to 25× a later
epoch of a tiny fit). From the second epoch on, whole epochs are timed, from one epoch's end to the next:
validation and what runs between epochs (events, callbacks) included — in a fit of millisecond epochs
that is a good part of each epoch. Such epochs jitter by 2× from one to the next, so timed epochs set
the ETA once there are :data:`MIN_EPOCHS` of them or :data:`MIN_TIMED_S` seconds' worth; until then the
estimate is the steady batch rate plus what the timed epochs spent outside their training calls (the first
epoch's time outside them holds one-time set-up, and validation's share is only guessed from its size).
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any

BATCH_EVENT_INTERVAL_S = 0.25  # at most four batch events a second
MIN_TIMED_S, MIN_EPOCHS = 0.2, 5  # epochs timed before they set the ETA: millisecond epochs jitter by 2×
VALIDATION_COST = 1 / 3  # a validation batch (forward only) against a training batch (forward and backward)


def finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def floats(logs: dict | None) -> dict[str, float]:
    return {k: float(v) for k, v in (logs or {}).items() if isinstance(v, (int, float)) or hasattr(v, "item")}


class Eta:
    """Seconds left in a fit, from steady batches and epochs only.

    Args:
        epochs: Epochs planned.
        steps: Batches per epoch.
        val_share: Validation samples / training samples (validation runs after every epoch).

    Example:
        >>> eta = Eta(epochs=3, steps=4, val_share=0.0)
        >>> eta.executed(0.0, 5.0, 2)  # the first call traces the step: left out
        >>> eta.left(0, 2) is None
        True
        >>> eta.executed(5.0, 6.0, 2)  # 0.5 s a batch from now on
        >>> eta.left(0, 4)  # two more epochs of four batches
        4.0
    """

    def __init__(self, epochs: int, steps: int, val_share: float):
        self.epochs, self.steps = epochs, max(steps, 1)
        self.val_factor = 1.0 + VALIDATION_COST * max(val_share, 0.0)
        self.calls = 0
        self.steady_s = 0.0
        self.steady_batches = 0
        self.epoch_seconds: list[float] = []  # whole epochs after the first
        self.between_s = 0.0  # per epoch, outside the training and validation calls (measured in the first)
        self.rest_seconds: list[float] = []  # per whole epoch after the first, outside its training calls
        self._calls_s = 0.0  # inside the training calls of the epoch running

    def executed(self, begin: float, end: float, batches: int) -> None:
        """One call of the training step ran ``batches`` batches from ``begin`` to ``end``."""
        self.calls += 1
        self._calls_s += end - begin
        if self.calls > 1:
            self.steady_s += end - begin
            self.steady_batches += batches

    def epoch_done(self, epoch: int, seconds: float) -> None:
        """Epoch ``epoch`` (from 0) took ``seconds`` since the previous epoch ended (validation included)."""
        if epoch > 0:
            self.epoch_seconds.append(seconds)
            self.rest_seconds.append(max(seconds - self._calls_s, 0.0))
        self._calls_s = 0.0

    def first_epoch(self, seconds: float, in_calls: float) -> None:
        """The first epoch took ``seconds``, of which ``in_calls`` inside training and validation calls.

        The rest (new iterators, callbacks, events) recurs every epoch and is counted until whole later
        epochs are timed. When it is longer than the epoch's steady batches, it is mostly one-time set-up
        (the first validation's iterator and step) that cannot be told apart, and :meth:`left` waits for
        a timed epoch.
        """
        self.between_s = max(seconds - in_calls, 0.0)
        self._calls_s = 0.0  # the first epoch is over

    def left(self, epoch: int, step: int) -> float | None:
        """Seconds left when ``step`` batches of epoch ``epoch`` (from 0) have run; ``None`` while unknown."""
        epochs_after = max(self.epochs - epoch - 1, 0)
        in_epoch = max(self.steps - step, 0)
        if epoch >= self.epochs:
            return 0.0
        per_batch = self.steady_s / self.steady_batches if self.steady_batches else None
        from_batches = (
            None if per_batch is None else self.steps * per_batch * self.val_factor + self.between_s
        )
        if len(self.epoch_seconds) >= MIN_EPOCHS or sum(self.epoch_seconds) >= MIN_TIMED_S:
            # timed epochs, with the batch rate's estimate as one more vote against jitter
            per_epoch = statistics.median(
                self.epoch_seconds + ([] if from_batches is None else [from_batches])
            )
            return in_epoch / self.steps * per_epoch + epochs_after * per_epoch
        if per_batch is not None and self.rest_seconds:
            # a few short epochs timed: the batch rate, plus what a steady epoch spends outside its training
            # calls (validation, events, callbacks) — unless that is most of it, where epochs jitter most
            rest = statistics.median(self.rest_seconds)
            if rest > self.steps * per_batch:
                return None
            per_epoch = self.steps * per_batch + rest
            return in_epoch / self.steps * per_epoch + epochs_after * per_epoch
        if per_batch is None or from_batches is None or self.between_s > from_batches - self.between_s:
            return None  # the first epoch's time outside its calls is mostly one-time set-up: wait for a timed epoch
        batches = (in_epoch + epochs_after * self.steps) * per_batch * self.val_factor
        return batches + (epochs_after + (in_epoch > 0)) * self.between_s


def live_callback(emit, should_stop, *, epochs, steps, batch_size, n_train, eta: Eta):
    """A Keras callback: throttled batch events, epoch events with the time left, Stop and NaN checks.

    ``should_stop`` is polled after every call of the training step, every validation call and at
    the start of every epoch. The hooks are :class:`LiveProgress`'s; the Keras class is mixed in here, so
    that importing this module does not load TensorFlow.
    """
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    class Live(LiveProgress, keras.callbacks.Callback):
        """:class:`LiveProgress`'s hooks on a Keras callback."""

    return Live(emit, should_stop, steps=steps, batch_size=batch_size, n_train=n_train, eta=eta)


class LiveProgress:
    """The hooks of :func:`live_callback`'s callback and the state they share (mixed with a Keras callback).

    After the fit, ``stopped`` says whether Stop ended it and ``diverged`` why the loss became NaN or
    infinite (``None`` when it did not).
    """

    model: Any  # the Keras model being fitted, set by keras.callbacks.Callback (the class this mixes into)

    def __init__(self, emit, should_stop, *, steps, batch_size, n_train, eta: Eta):
        super().__init__()
        self._emit, self._should_stop, self._eta = emit, should_stop, eta
        self._steps, self._batch_size, self._n_train = steps, batch_size, n_train
        self.stopped = False
        self.diverged: str | None = None
        self.t0 = self.epoch_t0 = self.call_t0 = self.last_emit = self.epoch_end = 0.0
        self.test_t0 = self.in_calls = 0.0  # time inside calls during the first epoch
        self.epoch = self.step = 0

    def _check_stop(self) -> bool:
        """Whether Stop was asked for (polling ``should_stop`` until it was, then ending the training)."""
        if self._should_stop is not None and not self.stopped and self._should_stop():
            self.stopped = True
            self.model.stop_training = True
        return self.stopped

    def on_train_begin(self, logs=None):
        self.t0 = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.step = epoch, 0
        self.epoch_t0 = time.perf_counter()
        self._check_stop()

    def on_train_batch_begin(self, batch, logs=None):
        self.call_t0 = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        # Keras numbers the last, shorter call of an epoch as if it ran a whole ``steps_per_execution``
        done = min(batch + 1, self._steps)
        self._eta.executed(self.call_t0, now, done - self.step)
        self.in_calls += now - self.call_t0
        self.step = done
        self._check_batch_loss(logs)
        self._check_stop()
        if self._batch_event_due(now):
            self.last_emit = now
            self._emit(self._batch_event(now, logs))

    def _check_batch_loss(self, logs) -> None:
        """End the training, saying where, when a batch's loss is NaN or infinite."""
        loss = (logs or {}).get("loss")
        if loss is not None and not finite(loss):
            self.diverged = (
                f"the training loss became {float(loss)} at epoch {self.epoch + 1}, step {self.step}"
            )
            self.model.stop_training = True

    def _batch_event_due(self, now: float) -> bool:
        """Whether to emit a batch event now: always the first, then at most every ``BATCH_EVENT_INTERVAL_S``."""
        first = self.epoch == 0 and self.last_emit == 0.0
        return self._emit is not None and (first or now - self.last_emit >= BATCH_EVENT_INTERVAL_S)

    def _batch_event(self, now: float, logs) -> dict:
        """The ``batch`` event: where the fit is, its logs, samples a second and the time left."""
        samples = self.epoch * self._n_train + min(self.step * self._batch_size, self._n_train)
        return {
            "type": "batch",
            "epoch": self.epoch + 1,
            "step": self.step,
            "steps": self._steps,
            "logs": floats(logs),
            "samples_per_s": samples / max(now - self.t0, 1e-9),
            "eta_s": self._eta.left(self.epoch, self.step),
        }

    def on_test_batch_begin(self, batch, logs=None):
        self.test_t0 = time.perf_counter()

    def on_test_batch_end(self, batch, logs=None):
        self.in_calls += time.perf_counter() - self.test_t0
        if self._check_stop():
            self.model.stop_evaluating = True  # a long validation ends early too

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        # from the last epoch's end: what happens between epochs (events, callbacks) counts too
        self._eta.epoch_done(epoch, now - (self.epoch_end or self.epoch_t0))
        if epoch == 0:
            self._eta.first_epoch(now - self.epoch_t0, self.in_calls)
        self.epoch_end = now
        logs = floats(logs)
        self._check_epoch_loss(epoch, logs)
        if self._emit is not None:
            self._emit(self._epoch_event(epoch, now, logs))

    def _check_epoch_loss(self, epoch: int, logs: dict[str, float]) -> None:
        """End the training, saying which, when the epoch's loss or validation loss is NaN or infinite."""
        bad = [k for k in ("loss", "val_loss") if k in logs and not math.isfinite(logs[k])]
        if bad and self.diverged is None:
            self.diverged = f"the {bad[0].replace('_', ' ')} became {logs[bad[0]]} at epoch {epoch + 1}"
            self.model.stop_training = True

    def _epoch_event(self, epoch: int, now: float, logs: dict[str, float]) -> dict:
        """The ``epoch`` event: its logs, the share of it that ran, the seconds so far and the time left."""
        done = min(self.step / self._steps, 1.0) if self.step else 1.0  # < 1 when stopped mid-epoch
        return {
            "type": "epoch", "epoch": epoch + 1, "done": done, "logs": logs,
            "seconds": now - self.t0, "eta_s": self._eta.left(epoch + 1, 0),
        }  # fmt: skip
