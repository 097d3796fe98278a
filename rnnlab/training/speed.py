"""Speed settings decided from a measurement of this machine: batches per execution and XLA.

A worker measures the machine once (:func:`calibrate`, a second or two on 2 cores; the figures are
kept in ``RNNLAB_DATA_DIR/calibration.json`` so later workers read them): what one execution of a
training step costs besides its batches, what a batch costs per unit of work (parameters × samples ×
steps), how long XLA takes to compile a recurrent training step and how much faster the compiled step
runs. :func:`fit_settings` then picks, for one fit:

- ``steps_per_execution``: as many batches per call as keep one call under :data:`STOP_LATENCY_S`
  (Stop is checked between calls), so the fixed cost of a call is paid less often;
- ``jit_compile``: XLA only where the expected saving over the whole fit is larger than the expected
  compile time on this machine — or where the compiled step is already kept in memory (see
  :mod:`rnnlab.training.compiled`).

No TensorFlow at import; :func:`calibrate` imports it.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

STOP_LATENCY_S = (
    0.1  # one call is expected to last this long at most: a Stop lands within 0.5 s even on a busy machine
)
MAX_STEPS_PER_EXECUTION = 64
XLA_MARGIN = 1.25  # XLA must save this many times its expected compile time
CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True)
class Calibration:
    """What one machine measured (seconds).

    On a CPU a recurrent layer's batch costs about ``time steps × (step_s + unit_s × parameters × samples)``:
    a fixed cost per time step (launching the loop body's operations) plus the arithmetic. XLA fuses the
    loop body, which shrinks the fixed part to ``xla_step_s``, and costs ``xla_compile_s`` once.

    Attributes:
        step_s: Fixed cost per time step and recurrent layer, without XLA.
        unit_s: Cost per parameter × sample × time step.
        xla_step_s: Fixed cost per time step and recurrent layer with XLA.
        xla_compile_s: Extra time of the first XLA call of a one-layer recurrent training step.
        execution_s: Fixed cost of one call of the training function (Python, callbacks, input).
        multi_trace_s: Extra time of tracing a training step that runs several batches per call.
        machine: Which machine and TensorFlow the figures belong to (they are re-measured on a change).
        measured: True when measured here, False for the built-in defaults.
    """

    step_s: float = 1.0e-4
    unit_s: float = 1.5e-9
    xla_step_s: float = 2.0e-5
    xla_compile_s: float = 4.0
    execution_s: float = 0.004
    multi_trace_s: float = 1.0
    machine: str = ""
    measured: bool = False


DEFAULT = Calibration()
_current: Calibration | None = None


def machine_id() -> str:
    """The processor, core count and TensorFlow version a calibration holds for (no TensorFlow import)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        tf_version = version("tensorflow")
    except PackageNotFoundError:  # pragma: no cover - TensorFlow is a dependency
        tf_version = "?"
    return f"{platform.machine()}-{os.cpu_count()}cpu-tf{tf_version}"


def load(data_dir: str | Path) -> Calibration | None:
    """The calibration stored under ``data_dir`` for this machine, or ``None``."""
    path = Path(data_dir) / CALIBRATION_FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        calibration = Calibration(**stored)
    except (OSError, ValueError, TypeError):
        return None
    return calibration if calibration.machine == machine_id() else None


def current() -> Calibration:
    """The calibration in use in this process (:data:`DEFAULT` until :func:`calibrate` or :func:`use`)."""
    return _current or DEFAULT


def use(calibration: Calibration | None) -> None:
    """Make ``calibration`` the one :func:`fit_settings` uses in this process (``None``: the defaults)."""
    global _current
    _current = calibration


def _seconds_per_call(units: int, batch: int, steps: int, spe: int, jit: bool) -> tuple[float, float, int]:
    """(first call, median of three later calls, parameters) of a GRU(units) training step."""
    import keras  # lazy: the Data and Task pages must not load TensorFlow
    import tensorflow as tf  # lazy: the Data and Task pages must not load TensorFlow

    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch * spe, steps, 2)).astype("float32")
    y = rng.normal(size=(batch * spe, 1)).astype("float32")
    iterator = iter(tf.data.Dataset.from_tensor_slices((x, y)).batch(batch).repeat())
    model = keras.Sequential([keras.Input((steps, 2)), keras.layers.GRU(units), keras.layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse", steps_per_execution=spe, jit_compile=jit)
    model.make_train_function()
    times = []
    for _ in range(4):
        t0 = time.perf_counter()
        model.train_function(iterator)
        times.append(time.perf_counter() - t0)
    return times[0], float(np.median(times[1:])), int(model.count_params())


def measure() -> Calibration:
    """Time a tiny GRU's training step here: one and four batches per call (tracing and running), and with XLA.

    Takes several seconds on 2 cores, most of it XLA compiling the step; the cost of the arithmetic
    per parameter × sample × step keeps its built-in figure (too little to time in a tiny step).
    """
    import keras  # lazy: the Data and Task pages must not load TensorFlow

    steps, spe = 20, 4
    _seconds_per_call(4, 4, steps, 1, False)  # the process's first trace pays one-off costs: left out
    first_multi, tiny, params = _seconds_per_call(4, 4, steps, spe, False)
    first_one, tiny_one, _ = _seconds_per_call(4, 4, steps, 1, False)
    first_xla, tiny_xla, _ = _seconds_per_call(4, 4, steps, spe, True)
    unit_s = DEFAULT.unit_s  # the arithmetic of these small steps is too little to time on a busy machine
    step_s = max(tiny / spe / steps - unit_s * params * 4, 1e-7)
    xla_step_s = max(tiny_xla / spe / steps - unit_s * params * 4, 1e-7)
    keras.backend.clear_session(free_memory=False)
    return Calibration(
        step_s=step_s,
        unit_s=unit_s,
        xla_step_s=min(xla_step_s, step_s),
        xla_compile_s=max(first_xla - tiny_xla, 0.0),
        execution_s=max(tiny_one - tiny / spe, 1e-4),
        multi_trace_s=max((first_multi - tiny) - (first_one - tiny_one), 0.0),
        machine=machine_id(),
        measured=True,
    )


def calibrate(data_dir: str | Path) -> Calibration:
    """The stored calibration for this machine, or a fresh :func:`measure` stored under ``data_dir``.

    The result also becomes this process's :func:`current` calibration.
    """
    calibration = load(data_dir)
    if calibration is None:
        with _measuring(Path(data_dir)) as mine:
            calibration = None if mine else _wait_for(data_dir)
            if calibration is None:
                calibration = measure()
                path = Path(data_dir) / CALIBRATION_FILE
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with contextlib.suppress(OSError):
                    tmp.write_text(json.dumps(asdict(calibration), indent=1), encoding="utf-8")
                    tmp.replace(path)  # atomic: two workers measuring at once leave one whole file
    use(calibration)
    return calibration


LOCK_STALE_S = 120.0  # a measuring worker that died leaves its lock; after this long it is ignored


@contextlib.contextmanager
def _measuring(data_dir: Path):
    """Yield whether this process measures: one worker of a pool measures while the others wait for its
    file, instead of all of them timing at once on the same cores (each measurement slower for it)."""
    lock = data_dir / f"{CALIBRATION_FILE}.lock"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        stale = time.time() - _mtime(lock) > LOCK_STALE_S
        yield stale
        return
    except OSError:  # a read-only data directory: measure here, as before
        yield True
        return
    os.close(fd)
    try:
        yield True
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _wait_for(data_dir: str | Path, timeout: float = LOCK_STALE_S) -> Calibration | None:
    """The calibration another worker is measuring, once its file is written (``None`` after ``timeout``)."""
    deadline = time.monotonic() + timeout
    lock = Path(data_dir) / f"{CALIBRATION_FILE}.lock"
    while time.monotonic() < deadline:
        calibration = load(data_dir)
        if calibration is not None or not lock.exists():
            return calibration
        time.sleep(0.1)
    return None


def batch_seconds(
    n_params: int, batch_size: int, n_steps: int, n_recurrent: int = 1, jit: bool = False,
    calibration: Calibration | None = None,
) -> float:  # fmt: skip
    """Expected seconds of one training batch (without the per-call cost).

    Example:
        >>> cal = Calibration(step_s=1e-4, unit_s=1.5e-9, xla_step_s=2e-5)
        >>> round(batch_seconds(4000, 128, 187, 2, calibration=cal), 3)
        0.181
        >>> round(batch_seconds(4000, 128, 187, 2, jit=True, calibration=cal), 3)
        0.151
    """
    calibration = calibration or current()
    fixed = calibration.xla_step_s if jit else calibration.step_s
    per_step = max(1, n_recurrent) * fixed + calibration.unit_s * n_params * batch_size
    return max(1, n_steps) * per_step


def steps_per_execution(
    n_params: int, batch_size: int, n_steps: int, steps_per_epoch: int, n_recurrent: int = 1,
    epochs: int = 1, calibration: Calibration | None = None,
) -> int:  # fmt: skip
    """Batches per call: as many as fit in :data:`STOP_LATENCY_S` (at most one epoch) — or 1, Keras's default,
    where the calls saved over the fit cost less than tracing a several-batch step.

    Example:
        >>> cal = Calibration(step_s=1e-4, unit_s=1.5e-9, execution_s=0.004, multi_trace_s=1.0)
        >>> steps_per_execution(4000, 128, 187, 63, 2, 10, calibration=cal)  # the course's ECG model
        1
        >>> steps_per_execution(2000, 32, 10, 32, 1, 20, calibration=cal)  # LSTM(20) on 1000×10×3
        32
        >>> steps_per_execution(2000, 32, 10, 32, 1, 2, calibration=cal)  # too short to repay the tracing
        1
    """
    calibration = calibration or current()
    batch_s = batch_seconds(n_params, batch_size, n_steps, n_recurrent, calibration=calibration)
    n = max(1, min(MAX_STEPS_PER_EXECUTION, steps_per_epoch, int(STOP_LATENCY_S / max(batch_s, 1e-9))))
    saved_calls = epochs * (steps_per_epoch - math.ceil(steps_per_epoch / n))
    return n if saved_calls * calibration.execution_s > calibration.multi_trace_s else 1


def xla_pays(
    n_params: int, batch_size: int, n_steps: int, batches: int, n_recurrent: int,
    calibration: Calibration | None = None,
) -> bool:  # fmt: skip
    """Whether XLA's expected saving over ``batches`` batches exceeds its expected compile time here.

    The compile time is the calibration's once per recurrent layer for the training step, and about
    as much again for the validation and prediction steps.

    Example:
        >>> cal = Calibration(step_s=1e-4, unit_s=1e-10, xla_step_s=1e-5, xla_compile_s=2.0)
        >>> xla_pays(4000, 128, 187, 70, 2, cal), xla_pays(4000, 128, 187, 700, 2, cal)
        (False, True)
    """
    calibration = calibration or current()
    args = (n_params, batch_size, n_steps, n_recurrent)
    plain = batch_seconds(*args, jit=False, calibration=calibration)
    compiled = batch_seconds(*args, jit=True, calibration=calibration)
    saving = batches * (plain - compiled)
    compile_s = calibration.xla_compile_s * max(1, n_recurrent) * 2.0
    return saving > XLA_MARGIN * compile_s


def fit_settings(
    model, train_config, n_steps: int, steps_per_epoch: int, cached_jit: bool | None = None
) -> dict:
    """The speed settings for one fit.

    Args:
        model: The built ``keras.Model``.
        train_config: :class:`rnnlab.training.config.TrainConfig`; ``fast=False`` gives Keras's defaults
            (one batch per call, no XLA) on the same input pipeline.
        n_steps: Time steps per sequence.
        steps_per_epoch: Batches per epoch.
        cached_jit: The XLA setting of a compiled step kept in memory for this configuration, if any
            (it is reused, so its compile time is already paid).

    Returns:
        ``{"steps_per_execution": int, "jit_compile": bool | "auto", "calibrated": bool}``.
    """
    calibration = current()
    if not train_config.fast:
        return {"steps_per_execution": 1, "jit_compile": False, "calibrated": calibration.measured}
    n_params = int(model.count_params())
    n_recurrent = sum(1 for layer in model._flatten_layers() if hasattr(layer, "cell"))
    spe = steps_per_execution(
        n_params,
        train_config.batch_size,
        n_steps,
        steps_per_epoch,
        n_recurrent,
        train_config.epochs,
        calibration=calibration,
    )
    supported = all(getattr(layer, "supports_jit", True) for layer in model._flatten_layers())
    if train_config.device.upper().startswith("/GPU"):
        jit: bool | str = "auto"  # Keras keeps the cuDNN kernels where they apply
    elif cached_jit is not None:
        jit = cached_jit
    else:
        batches = steps_per_epoch * train_config.epochs
        jit = supported and xla_pays(
            n_params, train_config.batch_size, n_steps, batches, n_recurrent, calibration
        )
    return {"steps_per_execution": spe, "jit_compile": jit, "calibrated": calibration.measured}
