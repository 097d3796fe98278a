"""The code a Ray actor runs on a cluster node: a warm training worker (TensorFlow imported once per actor).

:class:`rnnlab.jobs.ray_runner.RayRunner` creates the actors and calls them; this module is what each
actor process imports. One job at a time runs in :meth:`TrainingActor.run` (through the same
:func:`rnnlab.jobs.worker.run_job` / :func:`~rnnlab.jobs.worker.run_call` as a local worker) while the
server calls :meth:`TrainingActor.drain` (the events so far) and :meth:`TrainingActor.stop` (sets the flag the
training callback polls after each execution of batches) on the actor's other threads.

``drain`` is a long poll (:meth:`EventBox.take`): the server keeps one outstanding per busy actor, and it
returns as soon as an event exists (at most :data:`DRAIN_WAIT_S` later when none does). After a drain that
returned events the next one gathers for :data:`DRAIN_GAP_S` first, so a stream of events costs at most a
few calls a second while the first event after a quiet spell leaves at once. Each event carries ``t``, the
``time.time()`` when the job emitted it.

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
from typing import Any, cast

from rnnlab.jobs import worker
from rnnlab.jobs.messages import Device, Event
from rnnlab.jobs.types import CallSpec, JobSpec
from rnnlab.training import compiled, speed, xla_cache

DRAIN_WAIT_S = 0.5  # the longest a drain waits for the first event
DRAIN_GAP_S = 0.25  # after a drain that returned events, the next gathers this long before it returns


class EventBox:
    """A job's events that the server has not taken yet, and the long poll that takes them (thread-safe).

    Args:
        gap_s: After a :meth:`take` that returned events, the next one gathers this long before it returns.

    Example:
        >>> box = EventBox()
        >>> box.start()
        >>> box.put({"type": "progress", "done": 1, "total": 2})
        True
        >>> [e["done"] for e in box.take(wait_s=0.5)]  # at once: an event is there
        [1]
    """

    def __init__(self, gap_s: float = DRAIN_GAP_S) -> None:
        self.gap_s = gap_s
        self.running = False
        self._ready = threading.Condition()  # notified when an event comes or a job ends
        self._events: list[Event] = []
        self._ended = 0  # jobs ended so far: a take waiting across a job's end returns at once
        self._taken_at = float("-inf")

    def start(self) -> None:
        """A job begins: no events yet."""
        with self._ready:
            self._events, self.running = [], True

    def end(self) -> None:
        """The job ended: a waiting :meth:`take` returns now."""
        with self._ready:
            self.running = False
            self._ended += 1
            self._ready.notify_all()

    def put(self, event: Event, while_running: bool = False) -> bool:
        """Add ``event`` stamped with ``t`` (``time.time()`` unless it has one); return whether it was added.

        Args:
            while_running: Add it only while a job runs (between :meth:`start` and :meth:`end`).
        """
        with self._ready:
            if while_running and not self.running:
                return False
            # The same event with its stamp (``t`` first; the event's own wins): every Event may carry one.
            self._events.append(cast(Event, {"t": time.time(), **event}))
            self._ready.notify_all()
            return True

    def take(self, wait_s: float = 0.0) -> list[Event]:
        """The events put since the last take, as soon as there are any.

        Args:
            wait_s: Wait up to this long for the first event (``0``: return at once). A job that ends
                meanwhile ends the wait too.
        """
        now = time.monotonic()
        deadline, earliest = now + wait_s, self._taken_at + self.gap_s
        with self._ready:
            ended = self._ended
            while now < deadline and self._ended == ended:
                if self._events and now >= earliest:
                    break
                self._ready.wait((min(earliest, deadline) if self._events else deadline) - now)
                now = time.monotonic()
            out, self._events = self._events, []
            if out:
                self._taken_at = time.monotonic()
        return out


def node_dir() -> Path:
    """This node's folder for what every actor on it shares: the calibration and the XLA cache (created)."""
    path = Path(tempfile.gettempdir()) / f"rnnlab-ray-node-{os.getuid() if hasattr(os, 'getuid') else 0}"
    path.mkdir(parents=True, exist_ok=True)
    return path


class TrainingActor:
    """One warm worker on a Ray node (created with ``max_concurrency`` > 1: ``run`` beside ``drain``/``stop``)."""

    def __init__(self) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        node = node_dir()
        xla_cache.configure(node)  # the node's XLA cache, before TensorFlow reads its flags
        self._dir = Path(
            tempfile.mkdtemp(prefix="rnnlab-actor-")
        )  # run_job saves the model here, then it travels back
        worker.share_cores(os.cpu_count() or 1)  # the actor holds one CPU: one thread within an operation
        self.devices: list[Device] = worker.discover_devices()
        import keras  # imported once here, before the first job

        from rnnlab.training import fit  # noqa: F401 - warm: TensorFlow and the training code load now

        speed.calibrate(
            node
        )  # measured once per node, then read by every actor there, as a local worker does
        self._cache = (
            compiled.CompiledCache()
        )  # a configuration trained again on this actor skips building and tracing
        self._keras = keras
        self._box = EventBox()
        self._stop_lock = threading.Lock()
        self._stop = threading.Event()

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
        self._box.start()
        summary: dict[str, Any]  # a TrainSummary or CallSummary, then where it ran and the model's bytes
        try:
            if isinstance(spec, CallSpec):
                summary = dict(worker.run_call(spec, self._box.put, self._stop.is_set))
            else:
                summary = dict(
                    worker.run_job(
                        spec, self._box.put, self._stop.is_set, models_dir=self._dir, cache=self._cache
                    )
                )
        finally:
            self._box.end()  # no Stop acknowledgement after the job's end; a waiting drain returns
        path = summary.get("model_path")
        if path:
            summary["model_bytes"] = Path(path).read_bytes()
            summary["model_path"] = None
            Path(path).unlink(missing_ok=True)
        where = self.hello()
        summary["node"], summary["node_id"] = where["node"], where["node_id"]
        self._keras.backend.clear_session(free_memory=True)
        return {"events": self.drain(), "summary": summary}

    def drain(self, wait_s: float = 0.0) -> list[Event]:
        """The events sent since the last drain, as soon as there are any (:meth:`EventBox.take`; a job that
        ends meanwhile ends the wait, and its :meth:`run` returns the events left)."""
        return self._box.take(wait_s)

    def stop(self) -> None:
        """End the running job at its next execution of batches; acknowledge it at once (a ``stopping`` event).

        This runs on another actor thread than :meth:`run`, so the acknowledgement comes also while the job
        is busy tracing a training step.
        """
        with self._stop_lock:
            if not self._stop.is_set():
                self._box.put({"type": "stopping", "t": time.time()}, while_running=True)
            self._stop.set()

    def __del__(self) -> None:
        shutil.rmtree(getattr(self, "_dir", ""), ignore_errors=True)
