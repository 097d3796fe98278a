"""The code a Ray actor runs on a cluster node: a warm training worker (TensorFlow imported once per actor).

:class:`rnnlab.jobs.ray_runner.RayRunner` creates the actors and calls them; this module is what each
actor process imports. One job at a time runs in :meth:`TrainingActor.run` (through the same
:func:`rnnlab.jobs.worker.run_job` / :func:`~rnnlab.jobs.worker.run_call` as a local worker) while the
server calls :meth:`TrainingActor.drain` (the events so far) and :meth:`TrainingActor.stop` (sets the flag the
training callback polls after each execution of batches) on the actor's other threads.

The model never touches a shared disk: the job saves it in the actor's own temporary folder, and
:meth:`~TrainingActor.run` returns its bytes in the summary's ``model_bytes`` (the server writes them into
its run store) and deletes the file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from rnnlab.jobs import worker
from rnnlab.jobs.messages import Device, Event
from rnnlab.jobs.types import CallSpec, JobSpec


class TrainingActor:
    """One warm worker on a Ray node (created with ``max_concurrency`` > 1: ``run`` beside ``drain``/``stop``)."""

    def __init__(self) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        self.devices: list[Device] = worker.discover_devices()
        import keras  # imported once here, before the first job

        from rnnlab.training import fit  # noqa: F401 - warm: TensorFlow and the training code load now

        self._keras = keras
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._running = False
        self._stop = threading.Event()
        self._dir = Path(tempfile.mkdtemp(prefix="rnnlab-actor-"))
        os.environ["RNNLAB_DATA_DIR"] = str(self._dir)  # run_job saves the model here, then it travels back

    def hello(self) -> dict:
        """Who and where this actor is: ``pid``, ``node`` (address), ``node_id``, ``devices``."""
        import ray  # present: this code runs inside a Ray worker

        context = ray.get_runtime_context()
        return {
            "pid": os.getpid(),
            "node": ray.util.get_node_ip_address(),
            "node_id": context.get_node_id(),
            "devices": self.devices,
        }

    def run(self, job_id: str, spec: JobSpec | CallSpec) -> dict:
        """Run one job; return ``{"events": the events not drained yet, "summary": its summary}``."""
        self._stop.clear()
        with self._lock:
            self._events, self._running = [], True

        def emit(event: Event) -> None:
            with self._lock:
                self._events.append(event)

        run = worker.run_call if isinstance(spec, CallSpec) else worker.run_job
        summary = dict(run(spec, emit, self._stop.is_set))
        with self._lock:
            self._running = False  # no Stop acknowledgement after the job's end
        path = summary.get("model_path")
        if path:
            summary["model_bytes"] = Path(path).read_bytes()
            summary["model_path"] = None
            Path(path).unlink(missing_ok=True)
        where = self.hello()
        summary["node"], summary["node_id"] = where["node"], where["node_id"]
        self._keras.backend.clear_session(free_memory=True)
        return {"events": self.drain(), "summary": summary}

    def drain(self) -> list[Event]:
        """The events sent since the last drain (the server asks a few times a second)."""
        with self._lock:
            out, self._events = self._events, []
        return out

    def stop(self) -> None:
        """End the running job at its next execution of batches; acknowledge it at once (a ``stopping`` event).

        This runs on another actor thread than :meth:`run`, so the acknowledgement comes also while the job
        is busy tracing a training step.
        """
        with self._lock:
            if self._running and not self._stop.is_set():
                self._events.append({"type": "stopping", "t": time.time()})
            self._stop.set()

    def __del__(self) -> None:
        shutil.rmtree(getattr(self, "_dir", ""), ignore_errors=True)
