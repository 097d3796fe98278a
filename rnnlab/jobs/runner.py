"""The job-runner interface: what the job manager needs from whatever runs its jobs, and the choice of one.

Two implementations: :class:`rnnlab.jobs.pool.LocalPool` (warm worker processes on this machine, the
default: nothing to install or start) and :class:`rnnlab.jobs.ray_runner.RayRunner` (warm actors on a Ray
cluster), chosen by ``$RNNLAB_RAY_ADDRESS`` (:func:`rnnlab.core.settings.ray_address`). The manager keeps the
queue, the per-session limits, every job's status and the run store's calls; a runner only hosts jobs and
reports what happens to them as :mod:`rnnlab.jobs.messages` reports, so the rest of the app never knows
which one runs.

Locking: the manager calls every method but :meth:`Runner.poll` with its own lock held; a runner never
calls the manager, so its own lock (if any) always comes second.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from rnnlab.core import settings
from rnnlab.jobs.messages import Device, Report
from rnnlab.jobs.pool import LocalPool
from rnnlab.jobs.ray_runner import RayRunner
from rnnlab.jobs.types import CallSpec, JobSpec


@runtime_checkable
class Runner(Protocol):
    """Hosts jobs for :class:`rnnlab.jobs.manager.JobManager`.

    Attributes:
        name: ``"local"`` or ``"ray"`` (shown beside the device list).
        refill: Whether to start workers to replace those that ended (the manager turns it off when it
            gives up or shuts down).
    """

    name: str
    refill: bool

    def poll(self, timeout: float) -> list[Report]:
        """Wait up to ``timeout`` seconds for something to happen; return the reports (maybe none).

        Also starts workers the runner is short of (while :attr:`refill` is on)."""

    def can_take(self, spec: JobSpec | CallSpec) -> bool:
        """Whether a warm worker that fits ``spec`` (CPU or GPU) is free now."""

    def run(self, job_id: str, spec: JobSpec | CallSpec, data_dir: str) -> int | None:
        """Hand ``spec`` to a free worker (``can_take`` said yes); return its process id if known.

        Raises:
            OSError: When the worker could not take it after all (the job goes back to the queue).
        """

    def stop(self, job_id: str) -> None:
        """Ask the job to end at its next execution of batches (its weights are kept)."""

    def devices(self) -> list[Device]:
        """The devices jobs may ask for (``[]`` until a worker is warm)."""

    def warm(self) -> bool:
        """Whether at least one worker is ready or busy."""

    def pids(self) -> list[int]:
        """Process ids of the live workers (on this machine, or the actors' on their nodes)."""

    def states(self) -> list[str]:
        """Each worker's state: ``starting``, ``idle``, ``busy`` or ``retiring``."""

    def running_pid(self, job_id: str) -> int | None:
        """The process that runs ``job_id`` (``None`` if none does)."""

    def alive(self) -> bool:
        """Whether any worker process still exists (the manager's thread ends when none does after close)."""

    def close(self, timeout: float) -> None:
        """End every worker (waiting up to ``timeout`` seconds for each to exit by itself)."""

    def terminate(self) -> None:
        """End every worker at once (interpreter exit)."""


def make_runner(n_workers: int, jobs_per_worker: int, address: str | None = None) -> Runner:
    """The runner the settings ask for: Ray at ``address`` (default ``$RNNLAB_RAY_ADDRESS``), else the pool.

    Raises:
        ClusterUnreachable: When a Ray address is set and the cluster does not answer.
    """
    address = address if address is not None else settings.ray_address()
    if address:
        return RayRunner(address)
    return LocalPool(n_workers, jobs_per_worker)
