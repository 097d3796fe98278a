"""Workers run under an address-space ceiling: a runaway job fails with "out of memory", the pool lives on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnlab.core import settings
from rnnlab.data.dataset import SequenceDataset
from rnnlab.jobs.manager import JobManager, JobSpec
from rnnlab.models.config import ModelConfig
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from tests.train_fixtures import tiny_dataset

CEILING = """
import sys
from pathlib import Path
import numpy as np
from rnnlab.jobs import worker
print(worker.limit_memory() >> 20)
try:
    np.ones(1024 * 2**20 // 8)
    print("allocated")
except MemoryError:
    print("MemoryError")
"""


def _run(limit: str) -> list[str]:
    env = {**os.environ, "RNNLAB_WORKER_MEMORY_MB": limit}
    done = subprocess.run(
        [sys.executable, "-c", CEILING], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_the_ceiling_turns_a_large_allocation_into_memory_error():
    assert _run("300") == ["300", "MemoryError"]
    assert _run("0") == ["0", "allocated"]


def test_worker_memory_setting(monkeypatch):
    monkeypatch.delenv("RNNLAB_WORKER_MEMORY_MB", raising=False)
    assert settings.worker_memory_mb() == 8192
    monkeypatch.setenv("RNNLAB_WORKER_MEMORY_MB", "-1")
    with pytest.raises(ValueError, match="RNNLAB_WORKER_MEMORY_MB"):
        settings.worker_memory_mb()


def _spec(run_id: str, dataset, task, epochs: int = 1) -> JobSpec:
    return JobSpec(dataset=dataset, dataset_ref={"source": "test", "name": "t"}, task=task,
                   model=ModelConfig(cell="gru", units=(4,)), train=TrainConfig(epochs=epochs, batch_size=4, patience=None),
                   workspace="ws-test", session_id="s1", run_id=run_id)  # fmt: skip


@pytest.mark.slow
def test_runaway_job_fails_out_of_memory_and_the_pool_lives_on(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNLAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RNNLAB_WORKER_MEMORY_MB", raising=False)  # the default ceiling
    monkeypatch.setenv("RNNLAB_MAX_FRAMED_VALUES", str(10**12))  # the budget off: the ceiling must hold alone
    huge = SequenceDataset("huge", "series", [np.zeros((3_000_000, 1))], ["v"])
    jm = JobManager(n_workers=1, jobs_per_worker=50)
    try:
        assert jm.wait_ready(180)
        pid = jm.worker_pids()[0]
        limits = Path(f"/proc/{pid}/limits").read_text()
        assert str(settings.worker_memory_mb() * 2**20) in limits  # Max address space
        runaway = jm.wait(
            jm.submit(_spec("run-huge", huge, TaskConfig("forecast", window=1000))), timeout=240
        )
        assert runaway.state == "failed" and runaway.message.startswith("out of memory"), runaway.message
        normal = jm.wait(
            jm.submit(_spec("run-after", tiny_dataset(n=24), TaskConfig("regress"), 2)), timeout=240
        )
        assert normal.state == "finished", normal.message  # a normal training fits under the default ceiling
        assert jm.worker_pids() == [pid]  # the same worker: it caught the error and lives on
    finally:
        jm.shutdown()
