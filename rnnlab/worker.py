"""The training worker process: TensorFlow imported once, then one job after another.

:class:`rnnlab.jobs.JobManager` starts each worker with the ``spawn`` context and
talks to it over its own duplex pipe: the server sends ``(job_id, spec, data_dir)`` tuples
(``None`` asks it to exit); the worker sends dicts with ``"type"`` and ``"worker"``:

- ``{"type": "ready", "pid", "devices"}`` once TensorFlow is imported,
- ``{"type": "event", "job_id", "event"}`` for each :func:`rnnlab.training.train` event,
- ``{"type": "result", "job_id", "summary"}`` when a job ends (also when it failed),
- ``{"type": "retired"}`` before exiting after ``max_jobs`` jobs.

Stop is an ``Event`` per worker that the server clears before handing over a job.
"""

from __future__ import annotations

import contextlib
import os
import time
import traceback

import numpy as np

MAX_PREDICTIONS = 20_000  # test predictions travel back whole (the server never loads a model), up to this many


def discover_devices() -> list[dict]:
    """Every device TensorFlow sees, with GPU memory growth enabled (imports TensorFlow)."""
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):
        with contextlib.suppress(RuntimeError, ValueError):
            tf.config.experimental.set_memory_growth(gpu, True)
    try:
        from rnnlab import devices

        return list(devices.list_devices())
    except ImportError:
        out = []
        for device in tf.config.list_logical_devices():
            name = device.name.replace("/device:", "/")
            out.append({"name": name, "kind": device.device_type, "description": device.name})
        return out


def _plain(value):
    """NumPy → plain Python (lists, floats) so results pickle small and JSON-encode later."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def summarize(result, framed, model_path: str | None, device: str) -> dict:
    """The picklable summary of a :class:`rnnlab.training.TrainResult` sent back to the server."""
    evaluation = result.evaluation or {}
    predictions = evaluation.get("predictions")
    samples = None
    if predictions is not None:
        k = min(MAX_PREDICTIONS, len(predictions))
        test = framed.split("test")
        samples = {
            "index": _plain(test.index[:k]),
            "y_true": _plain(test.y[:k]),
            "y_pred": _plain(np.asarray(predictions, dtype=np.float32)[:k]),
        }
    return {
        "status": result.status,
        "message": result.message,
        "history": result.history,
        "test": _plain(evaluation.get("test")),
        "scoreboard": _plain(evaluation.get("scoreboard")),
        "best_baseline": _plain(evaluation.get("best_baseline")),
        "skill": _plain(evaluation.get("skill")),
        "verdict": evaluation.get("verdict"),
        "predictions": samples,
        "task": framed.config.to_dict(),
        "main_metric": framed.main_metric,
        "seconds": result.seconds,
        "device": device,
        "model_path": model_path,
        "params": int(result.model.count_params()),
        "settings": _plain(result.settings),
    }


def run_job(spec, emit, should_stop) -> dict:
    """Frame the data, train, save the model and summarise; a failure becomes a ``failed`` summary."""
    from rnnlab import framing, settings, training

    t0 = time.perf_counter()
    try:
        framed = framing.frame(spec.dataset, spec.task)
        result = training.train(framed, spec.model, spec.train, on_event=emit, should_stop=should_stop)
        model_path = None
        if result.status != "diverged":
            path = settings.data_dir() / "models" / f"{spec.run_id}.keras"
            path.parent.mkdir(parents=True, exist_ok=True)
            result.model.save(path)
            model_path = str(path)
        summary = summarize(result, framed, model_path, spec.train.device)
        summary["dataset_ref"] = spec.dataset_ref
        return summary
    except Exception as err:  # noqa: BLE001 - any failure of a job is reported, the worker lives on
        message = str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"
        emit({"type": "end", "status": "failed", "message": message})
        return {
            "status": "failed",
            "message": message,
            "traceback": traceback.format_exc(limit=8),
            "history": {},
            "seconds": time.perf_counter() - t0,
            "device": spec.train.device,
        }


def main(worker_id: int, conn, stop_event, max_jobs: int) -> None:
    """The worker's loop (the ``target`` of its ``multiprocessing.Process``).

    Args:
        worker_id: The pool's number for this worker, echoed in every message.
        conn: This worker's end of a duplex ``multiprocessing.Pipe`` (its own, so a worker killed
            mid-message cannot corrupt another worker's channel).
        stop_event: Set by the server to stop the current job.
        max_jobs: Jobs to run before retiring (the pool starts a fresh process).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        devices = discover_devices()
        import keras  # imported once here, before the first job

        from rnnlab import training  # noqa: F401
    except Exception as err:  # noqa: BLE001
        conn.send({"type": "broken", "worker": worker_id, "message": f"{type(err).__name__}: {err}"})
        return
    conn.send({"type": "ready", "worker": worker_id, "pid": os.getpid(), "devices": devices})
    done = 0
    while done < max_jobs:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        job_id, spec, data_dir = message
        os.environ["RNNLAB_DATA_DIR"] = data_dir  # settings.data_dir() of the server that sent the job

        def emit(event: dict, job_id=job_id) -> None:
            conn.send({"type": "event", "worker": worker_id, "job_id": job_id, "event": event})

        summary = run_job(spec, emit, stop_event.is_set)
        conn.send({"type": "result", "worker": worker_id, "job_id": job_id, "summary": summary})
        done += 1
        keras.backend.clear_session(free_memory=True)
    conn.send({"type": "retired", "worker": worker_id})
