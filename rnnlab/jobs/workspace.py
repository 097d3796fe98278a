"""Trainings belong to a workspace, not to a browser tab: any tab of the workspace (after a reload, in a
second tab, from a bookmark) finds its jobs here, watches them and may stop them; no other workspace can.

These read the manager's public interface only (``jobs()``, ``status()``, ``stop()``), so they work with
any runner behind it.

Example:
    >>> manager = JobManager(n_workers=1)  # doctest: +SKIP
    >>> [job.run_id for job in active_jobs(manager, "wAbc…")]  # doctest: +SKIP
    ['run-3f2a…']
"""

from __future__ import annotations

from typing import Any

from rnnlab.jobs.types import JobStatus


def workspace_jobs(manager: Any, workspace: str, *, active: bool = False) -> list[JobStatus]:
    """The workspace's trainings, oldest first (``active=True``: only those queued or running)."""
    if not workspace:
        return []
    jobs = [j for j in manager.jobs() if j.kind == "train" and j.workspace == workspace]
    return [j for j in jobs if j.active] if active else jobs


def active_jobs(manager: Any, workspace: str) -> list[JobStatus]:
    """The workspace's trainings that are queued or running, oldest first (to re-attach a page to)."""
    return workspace_jobs(manager, workspace, active=True)


def job_of(manager: Any, job_id: str, workspace: str) -> JobStatus:
    """The job's status if it belongs to ``workspace``.

    Raises:
        ValueError: no such job, or it belongs to another workspace (the same message: nothing leaks).
    """
    try:
        status = manager.status(job_id)
    except ValueError:
        status = None
    if status is None or not workspace or status.workspace != workspace:
        raise ValueError(
            f"No training job with this id in this workspace. Received: job_id={str(job_id)[:40]!r}"
        )
    return status


def job_for_run(manager: Any, run_id: str, workspace: str) -> JobStatus | None:
    """The newest job of ``workspace`` that trains ``run_id``, or ``None``."""
    found = [j for j in workspace_jobs(manager, workspace) if j.run_id == run_id]
    return found[-1] if found else None


def stop_job(manager: Any, job_id: str, workspace: str) -> None:
    """Stop (or, while queued, cancel) the workspace's job.

    Raises:
        ValueError: the job is not the workspace's.
    """
    job_of(manager, job_id, workspace)
    manager.stop(job_id)
