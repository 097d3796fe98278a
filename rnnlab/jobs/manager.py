"""Training jobs: a bounded queue served by a small pool of warm worker processes.

The server process never imports TensorFlow. Each worker (:mod:`rnnlab.jobs.worker`) is
a ``spawn``-ed process that imports TensorFlow once, reports the devices it sees,
then runs jobs one after another and retires after ``jobs_per_worker`` jobs (a fresh
process replaces it, which bounds TensorFlow's per-``fit`` registry growth).
Progress streams back over each worker's own pipe to one server thread that folds
events into :class:`~rnnlab.jobs.types.JobStatus` and calls the optional recorder.
A worker that dies (killed, out of memory, native crash) fails only its own job,
with the reason, and is replaced.

The interface is narrow so that another runner (a distributed engine) can slot in:
``submit(spec) -> job_id``, ``submit_call(name, kwargs, session_id) -> job_id``, ``status(job_id)``,
``stop(job_id)``, ``cancel(job_id)``, ``devices()``. A call job ("lab" job) runs one whitelisted function
of :data:`rnnlab.jobs.worker.CALLS` in a worker, through the same queue and per-session limit; its returned
dict comes back as ``status(job_id).result``.

Example:
    >>> manager = JobManager(n_workers=1)  # doctest: +SKIP
    >>> job_id = manager.submit(spec)  # doctest: +SKIP
    >>> manager.wait(job_id).state  # doctest: +SKIP
    'finished'
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing as mp
import os
import pickle
import threading
import time
import uuid
from collections import deque
from multiprocessing.connection import wait as wait_any

from rnnlab.core import settings
from rnnlab.jobs import worker
from rnnlab.jobs.pool import WorkerHandle
from rnnlab.jobs.types import STATE_OF, CallSpec, JobSpec, JobStatus, QueueFull, death_reason

__all__ = ["CallSpec", "JobManager", "JobSpec", "JobStatus", "QueueFull"]

log = logging.getLogger(__name__)
MAX_START_FAILURES = 3


def _run_info(spec: JobSpec) -> dict:
    """What the recorder's ``start_run`` gets: the configs and where the data came from."""
    return {
        "workspace": spec.workspace,
        "dataset_ref": spec.dataset_ref,
        "dataset_name": getattr(spec.dataset, "name", None),
        "task": spec.task,
        "model": spec.model,
        "train": spec.train,
        "device": spec.train.device,
        "owner_pid": os.getpid(),
    }


class JobManager:
    """One per server: the queue, the worker pool, and every job's status.

    Args:
        n_workers: Worker processes (default :func:`rnnlab.core.settings.n_workers`).
        max_queued: Jobs waiting at most (default :func:`rnnlab.core.settings.max_waiting_jobs`).
        max_per_session: Jobs one session may have queued or running (default
            :func:`rnnlab.core.settings.max_queued_per_session`).
        jobs_per_worker: Jobs before a worker is replaced (default :func:`rnnlab.core.settings.jobs_per_worker`).
        recorder: Optional object with ``start_run``, ``record_epoch``, ``finish_run`` (the run store);
            its errors are logged and never stop the server thread.
    """

    def __init__(
        self, n_workers=None, max_queued=None, max_per_session=None, jobs_per_worker=None, recorder=None
    ):
        self.n_workers = n_workers or settings.n_workers()
        self.max_queued = max_queued or settings.max_waiting_jobs()
        self.max_per_session = max_per_session or settings.max_queued_per_session()
        self.jobs_per_worker = jobs_per_worker or settings.jobs_per_worker()
        self.recorder = recorder
        self.data_dir = str(settings.data_dir())  # the workers save model files here, beside the run store
        self._ctx = mp.get_context("spawn")
        self._lock = threading.RLock()
        self._jobs: dict[str, JobStatus] = {}
        self._specs: dict[str, JobSpec] = {}
        self._queue: deque[str] = deque()
        self._workers: list[WorkerHandle] = []
        self._next_wid = 0
        self._start_failures = 0
        self.broken: str | None = None
        self._devices: list[dict] = []
        self._closed = False
        self._pending: list[tuple[str, tuple]] = []  # recorder calls, made outside the lock
        with self._lock:
            self._fill_pool()
        self._thread = threading.Thread(target=self._pump, name="rnnlab-jobs", daemon=True)
        self._thread.start()
        atexit.register(self._at_exit)

    # ---- the narrow interface ---------------------------------------------------
    def submit(self, spec: JobSpec) -> str:
        """Queue a training; return its job id.

        Raises:
            QueueFull: When the queue or the session's share of it is full.
        """
        return self._enqueue(spec, "train")

    def submit_call(self, name: str, kwargs: dict, session_id: str) -> str:
        """Queue a lab job: the function registered as ``name`` in :data:`rnnlab.jobs.worker.CALLS`.

        Args:
            name: A registry name, e.g. ``"k_steps_race"`` or ``"padding_lab"`` (never an import path).
            kwargs: Its keyword arguments; picklable, without ``on_progress`` (the worker supplies it).
            session_id: The submitting session (counts towards its limit like a training).

        Returns:
            The job id; ``status(job_id).result`` holds the function's dict once the job finished.

        Raises:
            ValueError: For a name outside the registry or unusable ``kwargs``.
            QueueFull: When the queue or the session's share of it is full.
        """
        if name not in worker.CALLS:
            raise ValueError(f"`name` must be one of {tuple(worker.CALLS)}. Received: name={name!r}")
        if not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
            raise ValueError(f"`kwargs` must be a dict with str keys. Received: kwargs={kwargs!r:.80}")
        if "on_progress" in kwargs:
            raise ValueError("`kwargs` must not set on_progress (the worker reports progress itself)")
        try:
            pickle.dumps(kwargs)
        except Exception as err:  # noqa: BLE001 - any pickling failure means the worker cannot get it
            raise ValueError(f"`kwargs` must be picklable. Received: {type(err).__name__}: {err}") from None
        return self._enqueue(CallSpec(name, dict(kwargs), session_id), "call")

    def _enqueue(self, spec: JobSpec | CallSpec, kind: str) -> str:
        with self._lock:
            if self.broken:
                raise ValueError(f"Training workers cannot start: {self.broken}")
            mine = sum(1 for j in self._jobs.values() if j.session_id == spec.session_id and j.active)
            if mine >= self.max_per_session:
                raise QueueFull(
                    f"A session may have at most {self.max_per_session} trainings queued or running. "
                    f"Received: one more while {mine} are — wait for one to end or cancel it"
                )
            if len(self._queue) >= self.max_queued:
                raise QueueFull(
                    f"The training queue is full ({self.max_queued} waiting); try again in a moment"
                )
            job_id = uuid.uuid4().hex[:12]
            self._jobs[job_id] = JobStatus(
                job_id, spec.run_id, spec.session_id, submitted=time.time(), kind=kind
            )
            self._specs[job_id] = spec
            self._queue.append(job_id)
            self._dispatch()
            return job_id

    def status(self, job_id: str) -> JobStatus:
        """A snapshot of the job (``ValueError`` for an unknown id)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise ValueError(f"No training job with this id. Received: job_id={job_id!r}")
            out = job.snapshot()
            out.queue_position = self._queue.index(job_id) + 1 if job.state == "queued" else None
            return out

    def stop(self, job_id: str) -> None:
        """End a running job at its next batch (keeping its weights), or cancel it while queued."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not job.active:
                return
            if job.state == "queued":
                self.cancel(job_id)
                return
            job.stop_requested = True
            for w in self._workers:
                if w.job_id == job_id:
                    w.stop_event.set()

    def cancel(self, job_id: str) -> bool:
        """Take a queued job out of the queue; return whether it was still queued."""
        with self._lock:
            if job_id not in self._queue:
                return False
            self._queue.remove(job_id)
            job = self._jobs[job_id]
            job.state, job.message, job.ended = (
                "stopped",
                "Cancelled while waiting in the queue.",
                time.time(),
            )
            self._specs.pop(job_id, None)
            return True

    def devices(self) -> list[dict]:
        """The devices the workers report (``[]`` until the first worker is warm)."""
        with self._lock:
            return [dict(d) for d in self._devices]

    # ---- conveniences -------------------------------------------------------------
    def jobs(self, session_id: str | None = None) -> list[JobStatus]:
        """Snapshots of every job (of one session), oldest first."""
        with self._lock:
            ids = [j for j, s in self._jobs.items() if session_id is None or s.session_id == session_id]
            return [self.status(j) for j in ids]

    def wait(self, job_id: str, timeout: float = 600.0, poll: float = 0.1) -> JobStatus:
        """Block until the job has ended (or ``timeout`` seconds passed); return its status."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(job_id)
            if not status.active or time.monotonic() > deadline:
                return status
            time.sleep(poll)

    def wait_ready(self, timeout: float = 120.0) -> bool:
        """Block until at least one worker is warm; return whether one is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if any(w.state == "idle" or w.state == "busy" for w in self._workers):
                    return True
            time.sleep(0.1)
        return False

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for memory measurements and tests)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid and w.process.is_alive()]

    def worker_states(self) -> list[str]:
        """Each worker's state: ``starting``, ``idle``, ``busy`` or ``retiring``."""
        with self._lock:
            return [w.state for w in self._workers]

    def running_pid(self, job_id: str) -> int | None:
        with self._lock:
            return next((w.process.pid for w in self._workers if w.job_id == job_id), None)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Ask every worker to exit, then stop the server thread."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
        for w in workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in workers:
            w.process.join(timeout)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(5)
        self._thread.join(timeout)

    def _at_exit(self) -> None:
        """At interpreter exit: no replacement workers; end the pool quickly."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
        for w in workers:
            if w.process.is_alive():
                w.process.terminate()

    # ---- the pool (called with the lock held) --------------------------------------
    def _fill_pool(self) -> None:
        if self._closed or self.broken:
            return
        serving = [w for w in self._workers if w.state != "retiring"]
        for _ in range(self.n_workers - len(serving)):
            self._workers.append(WorkerHandle(self._ctx, self._next_wid, self.jobs_per_worker))
            self._next_wid += 1

    def _dispatch(self) -> None:
        for w in self._workers:
            if not self._queue:
                return
            if w.state != "idle":
                continue
            job_id = self._queue.popleft()
            job = self._jobs[job_id]
            spec = self._specs.pop(job_id)
            w.stop_event.clear()
            try:
                w.conn.send((job_id, spec, self.data_dir))
            except OSError:
                self._queue.appendleft(job_id)
                self._specs[job_id] = spec
                continue
            w.jobs_started += 1
            w.job_id = job_id
            w.state = "retiring" if w.jobs_started >= w.max_jobs else "busy"
            job.state, job.started, job.worker_pid = "running", time.time(), w.process.pid
            if job.kind == "train":
                self._record("start_run", job.run_id, _run_info(spec))
            if w.state == "retiring":
                self._fill_pool()  # warm the replacement while the last job runs

    # ---- the server thread ---------------------------------------------------------
    def _pump(self) -> None:
        while True:
            with self._lock:
                if self._closed and not any(w.process.is_alive() for w in self._workers):
                    return
                handles = {}
                for w in self._workers:
                    handles[w.conn] = w
                    handles[w.process.sentinel] = w
            ready = wait_any(list(handles), timeout=0.25) if handles else time.sleep(0.25) or []
            with self._lock:
                for handle in ready:
                    w = handles[handle]
                    if w not in self._workers:
                        continue
                    if handle is w.conn:
                        self._receive(w)
                    elif not w.conn.poll():
                        self._worker_gone(w)
                self._fill_pool()
                self._dispatch()
                calls, self._pending = self._pending, []
            for name, args in calls:
                method = getattr(self.recorder, name, None)
                if method is None:
                    continue
                try:
                    method(*args)
                except Exception:  # noqa: BLE001 - a recorder error must never kill this thread
                    log.exception("recorder.%s failed", name)

    def _record(self, name: str, *args) -> None:
        if self.recorder is not None:
            self._pending.append((name, args))

    def _receive(self, w: WorkerHandle) -> None:
        try:
            message = w.conn.recv()
        except (EOFError, OSError):
            self._worker_gone(w)
            return
        except Exception as err:  # noqa: BLE001 - a half-written message from a dying worker
            log.warning("unreadable message from worker %s: %s", w.wid, err)
            return
        kind = message.get("type")
        if kind == "ready":
            w.state = "idle" if w.state == "starting" else w.state
            w.devices = message.get("devices") or []
            self._devices = self._devices or w.devices
            self._start_failures = 0
        elif kind == "broken":
            self._start_failures += 1
            if self._start_failures >= MAX_START_FAILURES:
                self._give_up(message.get("message", "unknown error"))
        elif kind == "event":
            job = self._jobs.get(message["job_id"])
            if job is not None:
                event = message["event"]
                job.apply(event)
                if event.get("type") == "epoch" and job.kind == "train":
                    self._record("record_epoch", job.run_id, event["epoch"] - 1, event["logs"])
        elif kind == "result":
            self._finish(message["job_id"], message["summary"])
            w.job_id = None
            if w.state == "busy":
                w.state = "idle"
        elif kind == "retired":
            w.state = "retiring"

    def _finish(self, job_id: str, summary: dict) -> None:
        job = self._jobs.get(job_id)
        if job is None or not job.active:
            return
        job.state = STATE_OF.get(summary.get("status"), "failed")
        job.message = summary.get("message") or job.message
        job.ended = time.time()
        if job.kind == "call":  # a lab job: its result is the function's dict, and no run is recorded
            job.result = summary.get("result") if job.state == "finished" else None
            if summary.get("traceback"):
                log.warning("lab job %s failed: %s", job_id, summary["traceback"])
            return
        job.result = summary
        for key, values in (summary.get("history") or {}).items():
            job.history[key] = list(values)
        if job.started is None:
            return  # never ran: nothing was recorded
        outcome = {k: v for k, v in summary.items() if k != "traceback"}
        if isinstance(summary.get("predictions"), dict):
            outcome["predictions"] = summary["predictions"].get("y_pred")
            outcome["y_true"] = summary["predictions"].get("y_true")
        self._record("finish_run", job.run_id, outcome)

    def _worker_gone(self, w: WorkerHandle) -> None:
        w.process.join(1)
        self._workers.remove(w)
        w.conn.close()
        if w.job_id is not None:
            reason = death_reason(w.process.exitcode)
            self._finish(w.job_id, {"status": "failed", "message": reason, "history": {}})
        elif w.state == "starting" and not self._closed:
            self._start_failures += 1
            if self._start_failures >= MAX_START_FAILURES:
                self._give_up(death_reason(w.process.exitcode))

    def _give_up(self, reason: str) -> None:
        self.broken = reason
        while self._queue:
            job_id = self._queue.popleft()
            self._finish(job_id, {"status": "failed", "message": f"Training workers cannot start: {reason}"})
