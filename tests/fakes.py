"""The tests' one job manager: an in-process :class:`~rnnlab.jobs.protocol.JobQueue` that trains nothing.

Trainings wait in a FIFO queue (with the real manager's queue positions, stop and cancel rules, and its
run-store record on submit when given a recorder); lab calls either wait too or, with ``run_calls=True``,
run at once in this process through the worker's own code. Statuses a test builds itself can be handed in
and are returned as they are, so a test can hold one and see what the page did to it.
``tests/test_job_protocol.py`` checks that this fake and the real manager both fit the protocol.
"""

from __future__ import annotations

from rnnlab.jobs import worker
from rnnlab.jobs.manager import _run_info
from rnnlab.jobs.types import STATE_OF, CallSpec, JobSpec, JobStatus
from rnnlab.ui import resources

CPU = {"name": "/CPU:0", "kind": "CPU", "description": "fake job manager"}


class FakeJobManager:
    """A job queue that never starts a worker process.

    Args:
        statuses: Jobs that already exist (returned by :meth:`status` as given, the same objects).
        recorder: A run store whose ``start_run`` records each submitted training, as the real one's does.
        run_calls: Run lab calls at once through :func:`rnnlab.jobs.worker.run_call` (else they wait).
        devices: What :meth:`devices` reports (default: one CPU).
        problem: What :meth:`problem` reports (default ``None``: all is well); while set, submitting raises
            ``ValueError`` as the real manager's does. Tests may change :attr:`broken` later (the cluster went
            away).
    """

    def __init__(self, statuses=(), *, recorder=None, run_calls: bool = False, devices=None, problem=None):
        self.statuses: dict[str, JobStatus] = {s.job_id: s for s in statuses}
        self.specs: dict[str, JobSpec | CallSpec] = {}  # job id → what was submitted, in order
        self.calls: list[tuple[str, dict]] = []  # lab calls as submitted: (name, kwargs)
        self.queue: list[str] = []  # submitted jobs still waiting, first in first out
        self.recorder = recorder
        self.run_calls = run_calls
        self._devices = [dict(CPU)] if devices is None else list(devices)
        self.broken: str | None = problem

    def _add(self, spec: JobSpec | CallSpec, kind: str) -> str:
        if self.broken:
            raise ValueError(f"Training workers cannot start: {self.broken}")
        job_id = f"j{len(self.statuses)}"
        self.specs[job_id] = spec
        self.statuses[job_id] = JobStatus(
            job_id, spec.run_id, spec.session_id, kind=kind, workspace=spec.workspace,
            group=getattr(spec, "group", ""),
        )  # fmt: skip
        self.queue.append(job_id)
        return job_id

    def submit(self, spec: JobSpec) -> str:
        job_id = self._add(spec, "train")
        if self.recorder is not None:
            self.recorder.start_run(spec.run_id, _run_info(spec))
        return job_id

    def submit_call(
        self, name: str, kwargs: dict, session_id: str, workspace: str | None = None, client: str = ""
    ) -> str:
        spec = CallSpec(name, dict(kwargs), session_id, workspace, client)
        self.calls.append((name, kwargs))
        job_id = self._add(spec, "call")
        if self.run_calls:
            summary = worker.run_call(spec, lambda event: None, lambda: False)
            self.queue.remove(job_id)
            status = self.statuses[job_id]
            status.state, status.result = STATE_OF[summary["status"]], summary["result"]
            status.message = summary["message"]
        return job_id

    def status(self, job_id: str) -> JobStatus:
        if job_id not in self.statuses:
            raise ValueError(f"No training job with this id. Received: job_id={job_id!r}")
        status = self.statuses[job_id]
        if job_id in self.queue:
            status.queue_position = self.queue.index(job_id) + 1
        return status

    def stop(self, job_id: str) -> None:
        """Record the request (``stop_requested``); a queued job is cancelled, as the real manager does."""
        status = self.statuses.get(job_id)
        if status is None or not status.active:
            return
        status.stop_requested = True
        if status.state == "queued":
            self.cancel(job_id)

    def cancel(self, job_id: str) -> bool:
        status = self.statuses.get(job_id)
        if status is None or status.state != "queued":
            return False
        if job_id in self.queue:
            self.queue.remove(job_id)
        status.state, status.message, status.queue_position = (
            "stopped",
            "Cancelled while waiting in the queue.",
            None,
        )
        return True

    def devices(self) -> list[dict]:
        return [dict(d) for d in self._devices]

    def jobs(self, session_id: str | None = None) -> list[JobStatus]:
        return [self.status(j) for j, s in self.statuses.items() if session_id in (None, s.session_id)]

    def problem(self) -> str | None:
        return self.broken


def install(monkeypatch, manager: FakeJobManager, *, started: bool = False) -> FakeJobManager:
    """Make ``manager`` the app's job manager for one test (and the sidebar's, with ``started``)."""
    monkeypatch.setattr(resources, "job_manager", lambda: manager)
    if started:
        monkeypatch.setattr(resources, "started_job_manager", lambda: manager)
    return manager
