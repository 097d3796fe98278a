"""How long a training will take, said before Start: the worker's calibration times the task's size.

A worker measures this machine once (:mod:`rnnlab.training.speed`, kept in ``calibration.json`` in the
data dir); the page and the command line read that file — no TensorFlow — and count the batches from the
task's split sizes and the parameters from the formulas (:mod:`rnnlab.models.budget`). What a training
costs, roughly:

- every training batch: ``steps × (layers × step_s + unit_s × parameters × batch)``
  (:func:`rnnlab.training.speed.batch_seconds`), every validation batch a third of that (no gradient);
- a fixed cost per call of the training function and per epoch, and once the tracing (and XLA's
  compiling when it pays, as the fit itself decides with the same figures).

Checked against real trainings of four lesson presets on a busy 2-core machine: the fit took 1.0 to 1.4 ×
the estimate (``python -m bench.bench_estimate``).

With early stopping the training may end sooner: the estimate is then an upper bound, and says so. When it
is over a minute, :func:`shorter` suggests what shortens it most (a stride, a shorter window, fewer epochs).

Example:
    >>> from rnnlab.models.config import ModelConfig
    >>> from rnnlab.training.config import TrainConfig
    >>> from rnnlab.training.speed import Calibration
    >>> cal = Calibration(step_s=1e-4, unit_s=1.5e-9, execution_s=0.004, multi_trace_s=1.0, xla_compile_s=4.0)
    >>> est = expected_seconds(ModelConfig(cell="gru", units=(16,)), TrainConfig(epochs=10, patience=None),
    ...                        n_features=1, n_steps=24, n_outputs=1, n_train=2000, n_val=450, calibration=cal)
    >>> round(est.seconds, 1), est.epochs, est.upper_bound
    (4.8, 10, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rnnlab.core.words import plural
from rnnlab.models.budget import model_cost
from rnnlab.training.speed import Calibration, batch_seconds, steps_per_execution, xla_pays

ONE_MINUTE = 60.0
VALIDATION_SHARE = 1 / 3  # a validation batch runs forward only: about a third of a training batch
EPOCH_S = (
    0.015  # Keras's own bookkeeping per epoch (callbacks, the validation pass's set-up), measured on 2 cores
)


@dataclass(frozen=True)
class Estimate:
    """The expected seconds of a training (all epochs; with early stopping an upper bound)."""

    seconds: float
    per_epoch: float
    start: float  # tracing (and XLA compiling) before the first epoch
    epochs: int
    upper_bound: bool  # early stopping may end it sooner
    measured: bool  # from this machine's calibration (else the built-in figures)
    n_steps: int = 0  # time steps per sample (what a shorter window shortens)

    @property
    def text(self) -> str:
        """``"about 1 min 20 s (40 epochs of 1.9 s, 4 s to start)"``, ``"at most …"`` with early stopping."""
        lead = "at most" if self.upper_bound else "about"
        basis = "" if self.measured else "; rough: this machine is not measured yet"
        return (f"{lead} {duration(self.seconds)} ({plural(self.epochs, 'epoch')} of {duration(self.per_epoch)}, "
                f"{duration(self.start)} to start{basis})")  # fmt: skip


def duration(seconds: float) -> str:
    """``"0.4 s"``, ``"12 s"``, ``"1 min 20 s"``, ``"2 h 5 min"``.

    Example:
        >>> duration(0.42), duration(12.4), duration(80), duration(7500)
        ('0.4 s', '12 s', '1 min 20 s', '2 h 5 min')
    """
    if seconds < 10:
        return f"{seconds:.1f} s"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60} min"


def expected_seconds(
    model_config, train_config, *, n_features: int, n_steps: int, n_outputs: int, n_train: int, n_val: int,
    calibration: Calibration,
) -> Estimate:  # fmt: skip
    """The expected wait of a training of ``model_config`` with ``train_config`` on splits of these sizes."""
    cost = model_cost(model_config, n_features, n_steps, n_outputs)
    directions = 2 if model_config.bidirectional and model_config.recurrent else 1
    layers = len(model_config.units) * directions if model_config.recurrent else 0
    batch = train_config.batch_size
    steps = max(1, math.ceil(n_train / batch))
    jit = bool(train_config.fast) and xla_pays(cost.params, batch, n_steps, steps * train_config.epochs, layers,
                                               calibration)  # fmt: skip
    spe = (steps_per_execution(cost.params, batch, n_steps, steps, layers, train_config.epochs, calibration)
           if train_config.fast else 1)  # fmt: skip
    train_batch = batch_seconds(cost.params, batch, n_steps, layers, jit=jit, calibration=calibration)
    val_batches = math.ceil(n_val / batch) if n_val else 0
    per_epoch = (EPOCH_S + steps * train_batch + math.ceil(steps / spe) * calibration.execution_s
                 + val_batches * (train_batch * VALIDATION_SHARE + calibration.execution_s))  # fmt: skip
    start = calibration.multi_trace_s * (spe > 1) + (
        calibration.xla_compile_s * max(1, layers) * 2 if jit else 0.0
    )
    start += 3 * calibration.execution_s * 50  # tracing the training, validation and prediction steps
    epochs = int(train_config.epochs)
    return Estimate(start + epochs * per_epoch, per_epoch, start, epochs, train_config.patience is not None,
                    calibration.measured, n_steps)  # fmt: skip


def shorter(estimate: Estimate, task_config) -> list[str]:
    """What shortens a training of over a minute most, in plain words (``[]`` when it is shorter).

    Example:
        >>> from rnnlab.task.types import TaskConfig
        >>> est = Estimate(seconds=300, per_epoch=7.5, start=0, epochs=40, upper_bound=False, measured=True, n_steps=48)
        >>> shorter(est, TaskConfig("forecast", window=48))[:2]
        ['a stride of 2 (every second window: about half the time)', 'a window of 24 steps (about half the time per batch)']
    """
    if estimate.seconds <= ONE_MINUTE:
        return []
    out = []
    if task_config.kind == "forecast":
        if task_config.stride == 1:
            out.append("a stride of 2 (every second window: about half the time)")
        if estimate.n_steps >= 8:
            out.append(f"a window of {estimate.n_steps // 2} steps (about half the time per batch)")
    if not estimate.upper_bound:
        out.append("early stopping (patience 5): it ends when validation stops improving")
    fits = max(1, int(estimate.epochs * ONE_MINUTE / max(estimate.seconds, 1e-9)))
    if fits < estimate.epochs:
        out.append(f"{plural(fits, 'epoch')} instead of {estimate.epochs} (about a minute)")
    return out


def framed_estimate(framed, model_config, train_config, calibration: Calibration) -> Estimate:
    """:func:`expected_seconds` for a :class:`~rnnlab.task.types.FramedData` (its split sizes and shapes)."""
    from rnnlab.models.build import output_units  # the output width from the framing, no Keras import

    return expected_seconds(model_config, train_config, n_features=framed.n_features, n_steps=framed.n_steps,
                            n_outputs=output_units(framed, model_config), n_train=len(framed.train),
                            n_val=len(framed.val), calibration=calibration)  # fmt: skip


__all__ = ["Estimate", "duration", "expected_seconds", "framed_estimate", "shorter"]
