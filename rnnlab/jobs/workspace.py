"""Trainings and lab jobs belong to a workspace, not to a browser tab: any tab of the workspace (after a reload, in a
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


def workspace_jobs(
    manager: Any,
    workspace: str,
    *,
    active: bool = False,
    kind: str | None = "train",
    group: str | None = None,
) -> list[JobStatus]:
    """The workspace's jobs, oldest first.

    Args:
        manager: The job manager.
        workspace: The workspace id (``""`` finds nothing).
        active: Only those queued or running.
        kind: ``"train"`` (default), ``"call"`` (lab jobs), or ``None`` for both.
        group: Only trainings of this request (``""``: the Train page's own, see ``JobSpec.group``).
    """
    if not workspace:
        return []
    jobs = [j for j in manager.jobs() if j.workspace == workspace and kind in (None, j.kind)]
    if group is not None:
        jobs = [j for j in jobs if j.group == group]
    return [j for j in jobs if j.active] if active else jobs


def latest_group(manager: Any, workspace: str, prefix: str) -> list[JobStatus]:
    """The trainings of the workspace's newest request whose group starts with ``prefix`` (``"race:"``,
    ``"seeds:"``), oldest first; ``[]`` when it has none."""
    jobs = [j for j in workspace_jobs(manager, workspace) if j.group.startswith(prefix)]
    return [j for j in jobs if j.group == jobs[-1].group] if jobs else []


def lab_job(manager: Any, workspace: str, name: str) -> JobStatus | None:
    """The workspace's newest lab job calling ``name`` (``"k_steps_race"``, ``"padding_lab"``), or ``None``."""
    found = [j for j in workspace_jobs(manager, workspace, kind="call") if j.run_id == f"call:{name}"]
    return found[-1] if found else None


def active_jobs(manager: Any, workspace: str, kind: str | None = "train") -> list[JobStatus]:
    """The workspace's jobs (trainings by default) queued or running, oldest first (to re-attach a page to)."""
    return workspace_jobs(manager, workspace, active=True, kind=kind)


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
