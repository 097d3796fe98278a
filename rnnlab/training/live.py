"""The live callback of a fit: throttled batch events, epoch events, Stop and NaN detection."""

from __future__ import annotations

import math
import time
from typing import Any

__all__ = ["BATCH_EVENT_INTERVAL_S", "live_callback"]

BATCH_EVENT_INTERVAL_S = 0.25  # at most four batch events a second


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def _floats(logs: dict | None) -> dict[str, float]:
    return {k: float(v) for k, v in (logs or {}).items() if isinstance(v, (int, float)) or hasattr(v, "item")}


def live_callback(emit, should_stop, *, epochs, steps, batch_size, n_train):
    """A tiny callback: throttled batch events, epoch events, Stop and NaN checks."""
    import keras  # lazy: the Data and Task pages must not load TensorFlow

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
