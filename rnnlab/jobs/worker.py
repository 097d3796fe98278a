"""The training worker process: TensorFlow imported once, then one job after another.

:class:`rnnlab.jobs.manager.JobManager` starts each worker with the ``spawn`` context and
talks to it over its own duplex pipe: the server sends ``(job_id, spec, data_dir)`` tuples
(``None`` asks it to exit); the worker sends dicts with ``"type"`` and ``"worker"``:

- ``{"type": "ready", "pid", "devices"}`` once TensorFlow is imported (``broken`` if that failed),
- ``{"type": "event", "job_id", "event"}`` for each :func:`rnnlab.training.fit.train` event (a lab job sends
  ``{"type": "progress", "done", "total", "label"}`` events),
- ``{"type": "event", "job_id", "event": {"type": "stopping", "t"}}`` as soon as Stop was set for the job
  (sent by a thread of its own, so it comes also while the job is busy tracing),
- ``{"type": "result", "job_id", "summary"}`` when a job ends (also when it failed),
- ``{"type": "retired"}`` before exiting after ``max_jobs`` jobs.

The spec is a :class:`~rnnlab.jobs.types.JobSpec` (a training) or a :class:`~rnnlab.jobs.types.CallSpec`
(a lab job: one function of :data:`CALLS`, whose plain result dict travels back in the summary's ``result``).
Stop is an ``Event`` per worker that the server clears before handing over a job. The message types are
in :mod:`rnnlab.jobs.messages`, the summaries in :mod:`rnnlab.jobs.outcome`.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import threading
import time
import traceback
from pathlib import Path

import numpy as np

from rnnlab.jobs.messages import Broken, Device, EventReport, Ready, ResultReport
from rnnlab.jobs.outcome import CallSummary, TrainSummary, failed_summary, summarize
from rnnlab.jobs.types import CallSpec

# The only functions a lab job may run: name → "module:function". Each returns a dict of plain values.
CALLS = {
    "k_steps_race": "rnnlab.inside.synthetic:race_job",
    "padding_lab": "rnnlab.inside.padding_lab:lab_job",
}
PLAIN = (str, int, float, bool, type(None), np.generic)


class _Stopped(Exception):
    """Raised from a lab job's progress callback when Stop was pressed."""


def resolve_call(name: str):
    """The registered function for ``name`` (imports its module; ``ValueError`` for any other name)."""
    if name not in CALLS:
        raise ValueError(f"`name` must be one of {tuple(CALLS)}. Received: name={name!r}")
    module, func = CALLS[name].split(":")
    return getattr(importlib.import_module(module), func)


def check_json_ready(value, where: str = "result") -> None:
    """Raise ``TypeError`` unless ``value`` is dicts/lists/tuples of str, numbers, None and NumPy arrays.

    Keeps Keras objects (and anything else that would need TensorFlow to unpickle) out of a lab result.
    """
    if isinstance(value, dict):
        for k, v in value.items():
            check_json_ready(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            check_json_ready(v, f"{where}[{i}]")
    elif isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError(f"{where} is an object array; a lab result holds plain arrays only")
    elif not isinstance(value, PLAIN):
        raise TypeError(f"{where} is a {type(value).__name__}; a lab result holds plain values only")


def share_cores(n_workers: int) -> int:
    """Give TensorFlow this worker's share of the machine's cores as its threads within one operation.

    Call it after importing TensorFlow and before it runs anything. With one worker per core (the default),
    each gets one thread: the pool's workers then never fight over the cores when all of them train, and a
    classroom model's small operations run faster on one thread than split over two (measured: the course's
    ECG GRU stack, 10–18 % less time per epoch on a 2-core machine). ``$TF_NUM_INTRAOP_THREADS`` overrides.
    Returns the setting (0: TensorFlow's default).
    """
    import tensorflow as tf

    if "TF_NUM_INTRAOP_THREADS" not in os.environ:
        tf.config.threading.set_intra_op_parallelism_threads(
            max(1, (os.cpu_count() or 1) // max(1, n_workers))
        )
    return tf.config.threading.get_intra_op_parallelism_threads()


def discover_devices() -> list[Device]:
    """Every device TensorFlow sees, with GPU memory growth enabled (imports TensorFlow)."""
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):
        with contextlib.suppress(RuntimeError, ValueError):
            tf.config.experimental.set_memory_growth(gpu, True)
    try:
        from rnnlab.training import devices

        return list(devices.list_devices())
    except ImportError:
        out: list[Device] = []
        for device in tf.config.list_logical_devices():
            name = device.name.replace("/device:", "/")
            out.append({"name": name, "kind": device.device_type, "description": device.name})
        return out


def run_job(
    spec,
    emit,
    should_stop,
    received: float | None = None,
    *,
    models_dir: str | Path | None = None,
    cache=None,
) -> TrainSummary:
    """Frame the data, train, save the model and summarise; a failure becomes a ``failed`` summary.

    The model is saved as ``<models_dir>/<run_id>.keras`` (default: the ``models`` folder of this process's
    data dir); ``cache`` is the caller's :class:`~rnnlab.training.compiled.CompiledCache`. Nothing of the
    process (its environment, module state) is changed for the next job.

    The summary's ``timings`` holds ``time.time()`` stamps of each phase (``received``, ``framed``, then
    :attr:`~rnnlab.training.fit.TrainResult.timings`, ``saved``), so a benchmark times the worker's own path.
    """
    from rnnlab.core import settings
    from rnnlab.task import framing
    from rnnlab.training import fit

    t0 = time.perf_counter()
    timings = {"received": received or time.time()}
    try:
        framed = framing.frame(spec.dataset, spec.task)
        timings["framed"] = time.time()
        result = fit.train(
            framed, spec.model, spec.train, on_event=emit, should_stop=should_stop, cache=cache
        )
        timings.update(result.timings)
        model_path = None
        if result.status != "diverged":
            path = Path(models_dir or settings.data_dir() / "models") / f"{spec.run_id}.keras"
            path.parent.mkdir(parents=True, exist_ok=True)
            result.model.save(path)
            model_path = str(path)
        summary = summarize(result, framed, model_path, spec.train.device)
        summary["dataset_ref"] = spec.dataset_ref
        summary["timings"] = {**timings, "saved": time.time()}
        return summary
    except Exception as err:  # noqa: BLE001 - any failure of a job is reported, the worker lives on
        message = str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"
        if isinstance(err, MemoryError) or type(err).__name__ == "ResourceExhaustedError":
            message = f"out of memory: the job needed more than this worker may use (RNNLAB_WORKER_MEMORY_MB). {message}"[
                :500
            ]
        emit({"type": "end", "status": "failed", "message": message})
        return failed_summary(message, since=t0, device=spec.train.device, tb=traceback.format_exc(limit=8))


def run_call(spec, emit, should_stop) -> CallSummary:
    """Run a lab job's registered function; a failure becomes a ``failed`` summary, Stop a ``stopped`` one.

    The function's ``on_progress(done, total, label)`` (when it takes one) sends ``progress`` events and
    ends the job between its parts once Stop was pressed.
    """
    t0 = time.perf_counter()

    def on_progress(done: int, total: int, label: str) -> None:
        if should_stop() and done < total:
            raise _Stopped
        emit({"type": "progress", "done": int(done), "total": int(total), "label": str(label)})

    try:
        func = resolve_call(spec.name)
        kwargs = dict(spec.kwargs)
        if "on_progress" in inspect.signature(func).parameters:
            kwargs["on_progress"] = on_progress
        result = func(**kwargs)
        if not isinstance(result, dict):
            raise TypeError(f"{spec.name} returned a {type(result).__name__}, not a dict")
        check_json_ready(result)
        status, message = "finished", ""
    except _Stopped:
        result, status, message = None, "stopped", "Stopped before it finished."
    except Exception as err:  # noqa: BLE001 - any failure of a job is reported, the worker lives on
        message = str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"
        return {
            "status": "failed",
            "message": message,
            "traceback": traceback.format_exc(limit=8),
            "result": None,
            "seconds": time.perf_counter() - t0,
        }
    return {"status": status, "message": message, "result": result, "seconds": time.perf_counter() - t0}


def lower_priority() -> int:
    """Lower this process's CPU priority by :func:`rnnlab.core.settings.worker_nice`; return the new niceness.

    Pages keep the CPU they need for a rerun while trainings fill the rest (where the platform has no
    ``os.nice``, nothing changes).
    """
    from rnnlab.core import settings

    increment = settings.worker_nice()
    try:
        return os.nice(increment)
    except (AttributeError, OSError):
        return 0


def limit_memory() -> int:
    """Cap this process's address space at :func:`rnnlab.core.settings.worker_memory_mb`; return the bytes.

    A job that asks for more then fails inside its run (``MemoryError``, TensorFlow's
    ``ResourceExhaustedError``: reported as "out of memory") while the pool and the server live on.
    Returns 0 when the ceiling is off (``RNNLAB_WORKER_MEMORY_MB=0``) or the platform has no ``resource``.
    """
    from rnnlab.core import settings

    limit = settings.worker_memory_mb() * 1024 * 1024
    try:
        import resource  # POSIX only
    except ImportError:
        return 0
    if limit:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return limit


def main(worker_id: int, conn, stop_event, max_jobs: int, n_workers: int = 1) -> None:
    """The worker's loop (the ``target`` of its ``multiprocessing.Process``).

    Args:
        worker_id: The pool's number for this worker, echoed in every message.
        conn: This worker's end of a duplex ``multiprocessing.Pipe`` (its own, so a worker killed
            mid-message cannot corrupt another worker's channel).
        stop_event: Set by the server to stop the current job.
        max_jobs: Jobs to run before retiring (the pool starts a fresh process).
        n_workers: Workers in the pool: this one's share of the cores is ``cores // n_workers``.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        limit_memory()  # before TensorFlow: a runaway job fails in its run, not the machine
        lower_priority()  # a bad RNNLAB_WORKER_NICE is reported as this worker's "broken" message
        from rnnlab.training import compiled, xla_cache

        xla_cache.configure()  # before TensorFlow reads its XLA flags
        threads = share_cores(n_workers)  # before TensorFlow runs anything
        devices = discover_devices()
        import keras  # imported once here, before the first job

        from rnnlab.training import fit, speed  # noqa: F401

        speed.calibrate(xla_cache.data_dir())  # measured once per machine, then read from the data dir
        cache = compiled.CompiledCache()  # this worker's own: a configuration trained again reuses its model
    except Exception as err:  # noqa: BLE001
        broken: Broken = {"type": "broken", "worker": worker_id, "message": f"{type(err).__name__}: {err}"}
        conn.send(broken)
        return
    ready: Ready = {
        "type": "ready", "worker": worker_id, "pid": os.getpid(), "devices": devices, "threads": threads,
    }  # fmt: skip
    conn.send(ready)
    channel = _Channel(conn, worker_id)
    threading.Thread(
        target=channel.acknowledge_stops, args=(stop_event,), name="stop-ack", daemon=True
    ).start()
    done = 0
    while done < max_jobs:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        received = time.time()
        job_id, spec, data_dir = message  # data_dir: settings.data_dir() of the server that sent the job
        channel.begin(job_id)

        def emit(event: dict, job_id=job_id) -> None:
            channel.send({"type": "event", "worker": worker_id, "job_id": job_id, "event": event})

        summary: TrainSummary | CallSummary
        if isinstance(spec, CallSpec):
            summary = run_call(spec, emit, stop_event.is_set)
        else:
            summary = run_job(
                spec, emit, stop_event.is_set, received, models_dir=Path(data_dir) / "models", cache=cache
            )
        channel.finish(
            {"type": "result", "worker": worker_id, "job_id": job_id, "summary": summary}, stop_event
        )
        done += 1
        keras.backend.clear_session(free_memory=True)  # the kept compiled models stay usable
    channel.send({"type": "retired", "worker": worker_id})


class _Channel:
    """The worker's end of its pipe, shared by the job (events, result) and the Stop acknowledger.

    Stop is acknowledged from its own thread the moment the server sets the flag — also while the job's
    thread is busy tracing a training step, which no Stop can cut short: the ``stopping`` event tells the
    server (and the user) that the worker has it, and the job ends at its next check (``end`` event).
    """

    POLL_S = 0.05  # how often the acknowledger looks again while the flag stays set (until the job ends)

    def __init__(self, conn, worker_id: int):
        self.conn, self.worker_id = conn, worker_id
        self.lock = threading.Lock()
        self.job_id: str | None = None
        self.acknowledged: str | None = None

    def send(self, message: dict) -> None:
        with self.lock:
            self.conn.send(message)

    def begin(self, job_id: str) -> None:
        with self.lock:
            self.job_id = job_id

    def finish(self, result: ResultReport, stop_event) -> None:
        with self.lock:  # no acknowledgement after the result: the job is over
            stop_event.clear()  # a Stop for this job is spent (the server clears it again before the next)
            self.conn.send(result)
            self.job_id = None

    def acknowledge_stops(self, stop_event) -> None:
        while True:
            stop_event.wait()
            with self.lock:
                if self.job_id is not None and self.acknowledged != self.job_id:
                    self.acknowledged = self.job_id
                    report: EventReport = {
                        "type": "event", "worker": self.worker_id, "job_id": self.job_id,
                        "event": {"type": "stopping", "t": time.time()},
                    }  # fmt: skip
                    with contextlib.suppress(
                        OSError, ValueError
                    ):  # the server went away: the job ends anyway
                        self.conn.send(report)
            time.sleep(self.POLL_S)
