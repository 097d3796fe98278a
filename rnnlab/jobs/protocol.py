"""What the app needs from a job queue: the narrow interface the pages and the sidebar call.

:class:`rnnlab.jobs.manager.JobManager` is the real one (a worker pool); the tests' fake is another.
Both are checked against :class:`JobQueue`, member by member, so renaming a method breaks a test and
not a page.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from rnnlab.jobs.messages import Device
from rnnlab.jobs.types import JobSpec, JobStatus

# How often a page asks a running training for its status: every quarter second until the first curve point
# is in (it shows within a quarter second), then every second. The training benchmark polls the same way,
# since the server's polling shares the machine's cores with the workers.
FIRST_POINT_POLL_SECONDS = 0.25
POLL_SECONDS = 1.0


@runtime_checkable
class JobQueue(Protocol):
    """Submit trainings and lab calls, read their status, stop them; list the devices the workers see, and say
    why nothing can train when that is so."""

    def submit(self, spec: JobSpec) -> str:
        """Queue a training; return its job id (``QueueFull``, a ``ValueError``, when full)."""
        ...

    def submit_call(
        self, name: str, kwargs: dict, session_id: str, workspace: str | None = None, client: str = ""
    ) -> str:
        """Queue a whitelisted lab function by name (for ``workspace``); return its job id."""
        ...

    def status(self, job_id: str) -> JobStatus:
        """A snapshot of the job (``ValueError`` for an unknown id, e.g. after a server restart)."""
        ...

    def stop(self, job_id: str) -> None:
        """End a running job at its next batch, or cancel it while queued."""
        ...

    def cancel(self, job_id: str) -> bool:
        """Take a queued job out of the queue; return whether it was still queued."""
        ...

    def devices(self) -> list[Device]:
        """The devices the workers report (``[]`` until a worker is warm)."""
        ...

    def jobs(self, session_id: str | None = None) -> list[JobStatus]:
        """Snapshots of every job (of one session), oldest first."""
        ...

    def problem(self) -> str | None:
        """Why no training can run (the cluster cannot be reached or went away, workers cannot start), as one
        plain line; ``None`` when all is well. While there is one, :meth:`submit` raises ``ValueError``."""
        ...


def latest_result(queue: JobQueue, job_ids: list[str]) -> JobStatus | None:
    """The newest of ``job_ids`` that ended with a result to show (finished or stopped), else ``None``.

    Jobs the queue no longer knows (the server restarted since) are skipped.
    """
    for job_id in reversed(list(job_ids)):
        try:
            status = queue.status(job_id)
        except ValueError:
            continue
        if status.state in ("finished", "stopped") and status.result:
            return status
    return None
