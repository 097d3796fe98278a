"""The job ledger — the queue's bookkeeping: a fair share of the trainers, limits, and every job's
:class:`~rnnlab.jobs.types.JobStatus` (no processes, no threads: plain state under a lock).

Fair share: the queue serves *owners* round-robin — an owner is the computer that asked (its client
address), else the workspace — so one student's ten jobs, or ten fresh workspaces opened from one machine,
never wait in front of another student's first: the next job to start is the oldest of the owner with the
fewest jobs running (:meth:`JobLedger.fair_queue`). Limits: jobs queued or running per browser session, per
workspace (a reload does not reset it) and per client address, and jobs waiting in all; work, in sample passes
(epochs × training samples, :mod:`rnnlab.jobs.work`): a training over the teacher's budget needs early
stopping, and the work queued or running per workspace and per client address is capped. The teacher sees
every active job with its work (:meth:`JobLedger.overview`) and may cancel any (:meth:`JobLedger.cancel_any`).

:class:`rnnlab.jobs.manager.JobManager` adds the runner that hosts the jobs and the thread that hears from it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque

from rnnlab.jobs.types import CallSpec, JobSpec, JobStatus, QueueFull
from rnnlab.jobs.work import JobWork, check_job, check_outstanding, job_work

TEACHER_CANCELLED = "Cancelled by the teacher while waiting in the queue."


class JobLedger:
    """Jobs waiting and running, and the limits on them.

    Args:
        max_queued: Jobs waiting at most, all sessions together.
        max_per_session: Jobs one session may have queued or running.
        max_per_workspace: Jobs one workspace may have queued or running (default: ``max_per_session``).
        max_per_client: Jobs one client address may have queued or running (0: no such limit, for a class
            behind one address).
        max_job_work: Sample passes above which a training needs early stopping (0: no budget).
        max_queued_work: Sample passes one workspace, and one client address where ``max_per_client`` is not
            0, may have queued or running (0: no such limit).
    """

    def __init__(
        self, max_queued: int, max_per_session: int, max_per_workspace: int | None = None, max_per_client: int = 0,
        max_job_work: int = 0, max_queued_work: int = 0,
    ):  # fmt: skip
        self.max_queued = max_queued
        self.max_per_session = max_per_session
        self.max_per_workspace = max_per_workspace or max_per_session
        self.max_per_client = max_per_client
        self.max_job_work = max_job_work
        self.max_queued_work = max_queued_work
        self._lock = threading.RLock()
        self._jobs: dict[str, JobStatus] = {}
        self._specs: dict[str, JobSpec | CallSpec] = {}
        self._queue: deque[str] = deque()
        self._work: dict[str, JobWork] = {}  # what each job asks of the trainers, kept after it started
        self.broken: str | None = None

    def _dispatch(self) -> None:
        """Hand queued jobs to free workers (the manager's; called with the lock held)."""

    def _queued(self, job: JobStatus, spec: JobSpec | CallSpec) -> None:
        """A job was queued (the manager keeps a training as a queued run; called with the lock held)."""

    def _cancelled(self, job: JobStatus) -> None:
        """A queued job was cancelled before it started (called with the lock held)."""

    def _stop_running(self, job_id: str) -> None:
        """Ask the runner to end a running job at its next execution of batches (called with the lock held)."""

    def _enqueue(self, spec: JobSpec | CallSpec, kind: str) -> str:
        work = job_work(spec)  # counted from the data's lengths, before the lock
        with self._lock:
            if self.broken:
                raise ValueError(f"Training workers cannot start: {self.broken}")
            self._check_limits(spec, work)
            if len(self._queue) >= self.max_queued:
                raise QueueFull(
                    f"The training queue is full ({self.max_queued} waiting); try again in a moment"
                )
            job_id = uuid.uuid4().hex[:12]
            self._jobs[job_id] = JobStatus(
                job_id, spec.run_id, spec.session_id, submitted=time.time(), kind=kind,
                workspace=spec.workspace, group=getattr(spec, "group", ""), client=spec.client,
            )  # fmt: skip
            self._specs[job_id] = spec
            self._work[job_id] = work
            self._queue.append(job_id)
            self._queued(self._jobs[job_id], spec)
            self._dispatch()
            return job_id

    def _check_limits(self, spec: JobSpec | CallSpec, work: JobWork) -> None:
        """Refuse a job over the session's, the workspace's or the client's share (``QueueFull``), or over the
        teacher's work budget without early stopping (``OverBudget``)."""
        check_job(work, self.max_job_work)
        active = [j for j in self._jobs.values() if j.active]
        for who, count, limit in (
            ("A session", sum(j.session_id == spec.session_id for j in active), self.max_per_session),
            ("A workspace", sum(bool(spec.workspace) and j.workspace == spec.workspace for j in active),
             self.max_per_workspace),
            ("One computer", sum(bool(spec.client) and j.client == spec.client for j in active),
             self.max_per_client if spec.client else 0),
        ):  # fmt: skip
            if limit and count >= limit:
                raise QueueFull(
                    f"{who} may have at most {limit} trainings queued or running. "
                    f"Received: one more while {count} are — wait for one to end or cancel it"
                )
        if spec.workspace:
            mine = [j for j in active if j.workspace == spec.workspace]
            check_outstanding("A workspace", self._outstanding(mine), work, self.max_queued_work)
        if spec.client and self.max_per_client:  # off, like the job count, for a class behind one address
            mine = [j for j in active if j.client == spec.client]
            check_outstanding("One computer", self._outstanding(mine), work, self.max_queued_work)

    def _outstanding(self, jobs: list[JobStatus]) -> int:
        """Sample passes still to go: a queued job's all, a running one's epochs not yet finished."""
        return sum(self._work[j.job_id].remaining(len(j.epoch_x)) for j in jobs if j.job_id in self._work)

    @staticmethod
    def owner(job: JobStatus) -> str:
        """Who a job counts for in the round-robin: its client address, else its workspace, else its session."""
        return job.client or job.workspace or job.session_id

    def fair_queue(self) -> list[str]:
        """The queued jobs in the order they will start: each next one is the oldest job of the owner served
        least so far — jobs running, or started since the oldest waiting job was submitted, or ahead in this
        order (round-robin between owners while anyone waits; first come first served within one)."""
        waiting_since = min((self._jobs[j].submitted or 0.0 for j in self._queue), default=0.0)
        served: dict[str, int] = {}
        for job in self._jobs.values():
            if job.state == "running" or (job.started is not None and job.started >= waiting_since):
                served[self.owner(job)] = served.get(self.owner(job), 0) + 1
        waiting, order = list(self._queue), []
        while waiting:
            pick = min(waiting, key=lambda j: (served.get(self.owner(self._jobs[j]), 0), waiting.index(j)))
            waiting.remove(pick)
            order.append(pick)
            owner = self.owner(self._jobs[pick])
            served[owner] = served.get(owner, 0) + 1
        return order

    def status(self, job_id: str) -> JobStatus:
        """A snapshot of the job (``ValueError`` for an unknown id)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise ValueError(f"No training job with this id. Received: job_id={job_id!r}")
            out = job.snapshot()
            out.queue_position = self.fair_queue().index(job_id) + 1 if job.state == "queued" else None
            return out

    def cancel(self, job_id: str, message: str = "Cancelled while waiting in the queue.") -> bool:
        """Take a queued job out of the queue (``message`` says why); return whether it was still queued."""
        with self._lock:
            if job_id not in self._queue:
                return False
            self._queue.remove(job_id)
            job = self._jobs[job_id]
            job.state, job.message, job.ended = "stopped", message, time.time()
            self._specs.pop(job_id, None)
            self._cancelled(job)
            return True

    # ---- the teacher's view --------------------------------------------------------
    def overview(self) -> list[tuple[JobStatus, JobWork]]:
        """Every job queued or running with its work: running ones first, then the queue in starting order."""
        with self._lock:
            running = [j for j, s in self._jobs.items() if s.state == "running"]
            return [(self.status(j), self._work.get(j, JobWork())) for j in running + self.fair_queue()]

    def cancel_any(self, job_id: str) -> str:
        """Cancel any workspace's queued job, or end its running one at the next execution of batches (keeping
        the weights trained so far), for the teacher; return what was done, in a few words."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not job.active:
                return "That job had already ended."
            if job.state == "queued":
                self.cancel(job_id, TEACHER_CANCELLED)
                return "Cancelled the queued job."
            job.stop_requested = True
            self._stop_running(job_id)
            return "Asked the running job to stop; it ends at its next execution of batches."

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
