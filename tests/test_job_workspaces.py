"""Jobs belong to their workspace: any tab of it finds and stops them, another workspace can do neither;
a training waiting in the queue is kept as a queued run, and forgotten when it is cancelled."""

from __future__ import annotations

import time

import pytest

from rnnlab.jobs import workspace as ws_jobs
from rnnlab.jobs.manager import JobManager, JobSpec
from rnnlab.models.config import ModelConfig
from rnnlab.runs.store import RunStore
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from tests.train_fixtures import tiny_dataset

WS_A, WS_B = "wAAAAAAAAAAAAAAAA", "wBBBBBBBBBBBBBBBB"


def _spec(run_id: str, workspace: str, session: str) -> JobSpec:
    return JobSpec(
        dataset=tiny_dataset(n=200), dataset_ref={"source": "bundled", "name": "tiny"}, task=TaskConfig("regress"),
        model=ModelConfig(cell="gru", units=(4,)), train=TrainConfig(epochs=400, batch_size=4, patience=None),
        workspace=workspace, session_id=session, run_id=run_id,
    )  # fmt: skip


def _wait(predicate, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def test_a_workspace_sees_and_stops_only_its_own_jobs(tmp_path):
    store = RunStore(tmp_path)
    manager = JobManager(n_workers=1, max_per_session=3, recorder=store)
    try:
        running = manager.submit(_spec("run-wsjob001", WS_A, "tab-1"))
        queued = manager.submit(_spec("run-wsjob002", WS_A, "tab-1"))
        _wait(lambda: manager.status(running).state == "running")
        _wait(lambda: store.get_run("run-wsjob002")["status"] == "queued", 20)
        # a second tab (another browser session) of the same workspace finds both, in order
        assert [j.job_id for j in ws_jobs.active_jobs(manager, WS_A)] == [running, queued]
        assert ws_jobs.job_for_run(manager, "run-wsjob001", WS_A).job_id == running
        # another workspace sees nothing and can stop nothing
        assert (
            ws_jobs.active_jobs(manager, WS_B) == []
            and ws_jobs.job_for_run(manager, "run-wsjob001", WS_B) is None
        )
        for job_id in (running, queued):
            with pytest.raises(ValueError, match="No training job with this id in this workspace"):
                ws_jobs.stop_job(manager, job_id, WS_B)
        assert manager.status(running).state == "running" and not manager.status(running).stop_requested
        ws_jobs.stop_job(manager, queued, WS_A)  # cancelled while queued: its queued row is forgotten
        _wait(lambda: all(r["id"] != "run-wsjob002" for r in store.list_runs(WS_A)), 20)
        _wait(lambda: manager.status(running).progress.get("epoch", 0) >= 1)
        assert store.get_run("run-wsjob001")["params"] == manager.status(running).start["params"]  # at start
        ws_jobs.stop_job(manager, running, WS_A)
        assert manager.wait(running, timeout=120).state == "stopped"
        _wait(lambda: store.get_run("run-wsjob001")["status"] == "stopped", 20)
        assert ws_jobs.active_jobs(manager, WS_A) == []
    finally:
        manager.shutdown()
