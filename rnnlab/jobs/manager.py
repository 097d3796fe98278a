"""Training jobs: a bounded queue, per-session limits and every job's status, served by a job runner.

The server process never imports TensorFlow. A runner (:mod:`rnnlab.jobs.runner`) hosts the jobs: the local
pool of warm worker processes (:class:`rnnlab.jobs.pool.LocalPool`, the default) or warm actors on a Ray
cluster (:class:`rnnlab.jobs.ray_runner.RayRunner`, when ``$RNNLAB_RAY_ADDRESS`` is set). One server thread
folds the runner's reports (:mod:`rnnlab.jobs.messages`) into :class:`~rnnlab.jobs.types.JobStatus` and calls
the optional recorder (the run store) with the run's start, each epoch and the outcome
(:func:`rnnlab.jobs.outcome.run_outcome`). A worker that dies fails only its own job, with the reason.

The interface: ``submit(spec) -> job_id``, ``submit_call(name, kwargs, session_id, workspace) -> job_id``,
``status(job_id)``, ``stop(job_id)``, ``cancel(job_id)``, ``devices()``, ``problem()``. A call job ("lab"
job) runs one whitelisted function of :data:`rnnlab.jobs.worker.CALLS` through the same queue and
per-session limit; its returned dict comes back as ``status(job_id).result``.

It is a little over 300 lines on purpose: the runner thread and the store calls it makes share one lock
and one ledger, and keeping them in one class keeps every state change of a job visible in one place
(the queue bookkeeping is in :mod:`rnnlab.jobs.ledger`).

Example:
    >>> manager = JobManager(n_workers=1)  # doctest: +SKIP
    >>> job_id = manager.submit(spec)  # doctest: +SKIP
    >>> manager.wait(job_id).state  # doctest: +SKIP
    'finished'
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import threading
import time
from typing import cast

from rnnlab.core import settings
from rnnlab.jobs import worker
from rnnlab.jobs.ledger import JobLedger
from rnnlab.jobs.messages import Device, EventReport, Gone, Report
from rnnlab.jobs.outcome import CallSummary, TrainSummary, failed_summary, run_outcome, write_model
from rnnlab.jobs.runner import Runner, make_runner
from rnnlab.jobs.types import STATE_OF, CallSpec, ClusterUnreachable, JobSpec, JobStatus, QueueFull

__all__ = ["CallSpec", "JobManager", "JobSpec", "JobStatus", "QueueFull"]

log = logging.getLogger(__name__)
MAX_START_FAILURES = 3


def _idle(seconds: float) -> list[Report]:
    """No runner to poll: wait as long as a poll would, with nothing to report."""
    time.sleep(seconds)
    return []


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
        "group": spec.group,
    }


class JobManager(JobLedger):
    """One per server: the queue, the runner, and every job's status.

    Args:
        n_workers: Local worker processes (default :func:`rnnlab.core.settings.n_workers`; Ray sizes itself).
        max_queued: Jobs waiting at most (default :func:`rnnlab.core.settings.max_waiting_jobs`).
        max_per_session: Jobs one session may have queued or running (default
            :func:`rnnlab.core.settings.max_queued_per_session`).
        jobs_per_worker: Jobs before a local worker is replaced (default
            :func:`rnnlab.core.settings.jobs_per_worker`).
        recorder: Optional object with ``start_run``, ``record_epoch``, ``finish_run`` (the run store);
            its errors are logged and never stop the server thread.
        runner: The :class:`~rnnlab.jobs.runner.Runner` (default :func:`rnnlab.jobs.runner.make_runner`: Ray
            when ``$RNNLAB_RAY_ADDRESS`` is set, else the local pool). A cluster that cannot be reached
            leaves the manager without a runner and :meth:`problem` saying why.
    """

    def __init__(
        self, n_workers=None, max_queued=None, max_per_session=None, jobs_per_worker=None, recorder=None,
        runner: Runner | None = None,
    ):  # fmt: skip
        super().__init__(
            max_queued or settings.max_waiting_jobs(), max_per_session or settings.max_queued_per_session(),
            settings.max_per_workspace(), settings.max_per_client(), settings.max_job_work(),
            settings.max_queued_work(),
        )  # fmt: skip
        self.n_workers = n_workers or settings.n_workers()
        self.jobs_per_worker = jobs_per_worker or settings.jobs_per_worker()
        self.recorder = recorder
        self.data_dir = str(settings.data_dir())  # models are written here, beside the run store
        self._start_failures = 0
        self._closed = False
        self._pending: list[tuple[str, tuple]] = []  # recorder calls, made outside the lock
        try:
            self.runner: Runner | None = runner or make_runner(self.n_workers, self.jobs_per_worker)
        except ClusterUnreachable as err:
            self.runner, self.broken = None, str(err)
        self._thread = threading.Thread(target=self._pump, name="rnnlab-jobs", daemon=True)
        self._thread.start()
        atexit.register(self._at_exit)

    # ---- the narrow interface ---------------------------------------------------
    def submit(self, spec: JobSpec) -> str:
        """Queue a training; return its job id.

        Raises:
            QueueFull: When the queue or the session's share of it is full.
            ValueError: When no worker can start (:meth:`problem` says why).
        """
        return self._enqueue(spec, "train")

    def submit_call(
        self, name: str, kwargs: dict, session_id: str, workspace: str | None = None, client: str = ""
    ) -> str:
        """Queue a lab job: the function registered as ``name`` in :data:`rnnlab.jobs.worker.CALLS`.

        Args:
            name: A registry name, e.g. ``"k_steps_race"`` or ``"padding_lab"`` (never an import path).
            kwargs: Its keyword arguments; picklable, without ``on_progress`` (the worker supplies it).
            session_id: The submitting session (counts towards its limit like a training).
            workspace: The workspace it belongs to (its tabs may watch and stop it), or ``None``.

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
        return self._enqueue(CallSpec(name, dict(kwargs), session_id, workspace, client), "call")

    def stop(self, job_id: str) -> None:
        """End a running job at its next execution of batches (keeping its weights), or cancel it while queued."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not job.active:
                return
            if job.state == "queued":
                self.cancel(job_id)
                return
            job.stop_requested = True
            if self.runner is not None:
                self.runner.stop(job_id)

    def devices(self) -> list[Device]:
        """The devices the runner offers (``[]`` until the first worker is warm)."""
        with self._lock:
            return self.runner.devices() if self.runner is not None else []

    def problem(self) -> str | None:
        """Why no training can run (one plain line: the cluster cannot be reached, workers cannot start),
        or ``None`` when all is well. Pages that train show it; the CLI exits with it."""
        with self._lock:
            return self.broken

    @property
    def runner_name(self) -> str:
        """``"local"`` or ``"ray"`` (``"none"`` when the cluster could not be reached)."""
        return self.runner.name if self.runner is not None else "none"

    def wait_ready(self, timeout: float = 120.0) -> bool:
        """Block until at least one worker is warm; return whether one is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.runner is not None and self.runner.warm():
                    return True
                if self.broken:
                    return False
            time.sleep(0.1)
        return False

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for memory measurements and tests)."""
        with self._lock:
            return self.runner.pids() if self.runner is not None else []

    def worker_states(self) -> list[str]:
        """Each worker's state: ``starting``, ``idle``, ``busy`` or ``retiring``."""
        with self._lock:
            return self.runner.states() if self.runner is not None else []

    def running_pid(self, job_id: str) -> int | None:
        with self._lock:
            return self.runner.running_pid(job_id) if self.runner is not None else None

    def shutdown(self, timeout: float = 10.0) -> None:
        """Ask every worker to exit, then stop the server thread."""
        with self._lock:
            self._closed = True
        if self.runner is not None:
            self.runner.close(timeout)
        self._thread.join(timeout)

    def _at_exit(self) -> None:
        """At interpreter exit: no replacement workers; end the workers quickly."""
        with self._lock:
            self._closed = True
        if self.runner is not None:
            self.runner.terminate()

    # ---- handing jobs to the runner (called with the lock held) ---------------------
    def _queued(self, job: JobStatus, spec: JobSpec | CallSpec) -> None:
        if isinstance(spec, JobSpec):  # a training, kept as a queued run: a restart marks it, not drops it
            self._record("queue_run", job.run_id, _run_info(spec))

    def _cancelled(self, job: JobStatus) -> None:
        if job.kind == "train":
            self._record("drop_queued", job.run_id)

    def _stop_running(self, job_id: str) -> None:
        if self.runner is not None:
            self.runner.stop(job_id)

    def _dispatch(self) -> None:
        if self.runner is None or self.broken:
            return
        for job_id in self.fair_queue():  # round-robin between the computers (or workspaces) that asked
            spec = self._specs[job_id]
            if not self.runner.can_take(spec):
                continue  # another job may fit a free worker of another kind (a CPU job while GPUs are busy)
            try:
                pid = self.runner.run(job_id, spec, self.data_dir)
            except OSError:
                continue
            self._queue.remove(job_id)
            del self._specs[job_id]
            job = self._jobs[job_id]
            job.state, job.started, job.worker_pid = "running", time.time(), pid
            if isinstance(spec, JobSpec):  # a training (job.kind "train")
                self._record("start_run", job.run_id, _run_info(spec))

    # ---- the server thread ---------------------------------------------------------
    def _pump(self) -> None:
        while True:
            runner = self.runner
            with self._lock:
                if self._closed and (runner is None or not runner.alive()):
                    return
            reports = runner.poll(0.25) if runner is not None else _idle(0.25)
            with self._lock:
                for report in reports:
                    self._handle(report)
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

    def _handle(self, report: Report) -> None:
        """Fold one runner report into the workers' health or its job's status."""
        if report["type"] == "ready":
            self._start_failures = 0
        elif report["type"] == "broken":
            self._start_failures += 1
            if report.get("fatal") or self._start_failures >= MAX_START_FAILURES:
                self._give_up(report.get("message", "unknown error"))
        elif report["type"] == "event":
            self._on_event(report)
        elif report["type"] == "result":
            self._finish(report["job_id"], report["summary"])
        elif report["type"] == "gone":
            self._on_gone(report)

    def _on_event(self, report: EventReport) -> None:
        """Apply a job's event to its status and record a training's epochs and parameter count."""
        job = self._jobs.get(report["job_id"])
        if job is None or not job.active:
            return
        event = report["event"]
        job.apply(event)
        if job.kind != "train":
            return
        if event["type"] == "epoch":
            self._record("record_epoch", job.run_id, event["epoch"] - 1, event["logs"])
        elif event["type"] == "start" and event.get("params") is not None:
            self._record("record_params", job.run_id, event["params"])

    def _on_gone(self, report: Gone) -> None:
        """Fail the job of a worker that died, or count a worker that died while starting."""
        if report["job_id"] is not None:
            self._finish(report["job_id"], failed_summary(report["reason"]))
        elif report["starting"] and not self._closed:
            self._start_failures += 1
            if self._start_failures >= MAX_START_FAILURES:
                self._give_up(report["reason"])

    def _finish(self, job_id: str, summary: TrainSummary | CallSummary) -> None:
        job = self._jobs.get(job_id)
        if job is None or not job.active:
            return
        job.state = STATE_OF.get(summary.get("status") or "", "failed")
        job.message = summary.get("message") or job.message
        job.ended = time.time()
        if job.kind == "call":  # a lab job: its result is the function's dict, and no run is recorded
            call = cast(CallSummary, summary)  # worker.run_call's (or failed_summary's status and message)
            job.result = call.get("result") if job.state == "finished" else None
            if call.get("traceback"):
                log.warning("lab job %s failed: %s", job_id, call["traceback"])
            return
        train = cast(TrainSummary, summary)  # a training's: worker.run_job's or failed_summary's
        try:
            train = write_model(train, os.path.join(self.data_dir, "models"), job.run_id)
        except OSError as err:
            log.error("could not write the model of run %s: %s", job.run_id, err)
            train = train.copy()
            train.pop("model_bytes", None)
        job.result = train
        for key, values in (train.get("history") or {}).items():
            job.history[key] = list(values)
        if job.started is None:
            self._record("drop_queued", job.run_id)  # never ran: only its queued row was recorded
            return
        self._record("finish_run", job.run_id, run_outcome(train))

    def _give_up(self, reason: str) -> None:
        self.broken = reason
        if self.runner is not None:
            self.runner.refill = False
        while self._queue:
            job_id = self._queue.popleft()
            self._finish(job_id, failed_summary(f"Training workers cannot start: {reason}"))
