"""The job ledger — the queue's bookkeeping: first come first served across sessions, per-session and total limits,
and every job's :class:`~rnnlab.jobs.types.JobStatus` (no processes, no threads: plain state under a lock).

:class:`rnnlab.jobs.manager.JobManager` adds the runner that hosts the jobs and the thread that hears from it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque

from rnnlab.jobs.types import CallSpec, JobSpec, JobStatus, QueueFull


class JobLedger:
    """Jobs waiting and running, and the limits on them.

    Args:
        max_queued: Jobs waiting at most, all sessions together.
        max_per_session: Jobs one session may have queued or running.
    """

    def __init__(self, max_queued: int, max_per_session: int):
        self.max_queued = max_queued
        self.max_per_session = max_per_session
        self._lock = threading.RLock()
        self._jobs: dict[str, JobStatus] = {}
        self._specs: dict[str, JobSpec | CallSpec] = {}
        self._queue: deque[str] = deque()
        self.broken: str | None = None

    def _dispatch(self) -> None:
        """Hand queued jobs to free workers (the manager's; called with the lock held)."""

    def _queued(self, job: JobStatus, spec: JobSpec | CallSpec) -> None:
        """A job was queued (the manager keeps a training as a queued run; called with the lock held)."""

    def _cancelled(self, job: JobStatus) -> None:
        """A queued job was cancelled before it started (called with the lock held)."""

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
                job_id, spec.run_id, spec.session_id, submitted=time.time(), kind=kind,
                workspace=spec.workspace, group=getattr(spec, "group", ""),
            )  # fmt: skip
            self._specs[job_id] = spec
            self._queue.append(job_id)
            self._queued(self._jobs[job_id], spec)
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
            self._cancelled(job)
            return True

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
