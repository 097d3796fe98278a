"""Stop pressed at random moments of real trainings in a worker: time from the press to the worker's ``end``.

The worker stamps every event with ``time.time()``; the press is stamped here, in the same clock.
Presses land after the first epoch: until then TensorFlow traces the training and validation steps,
and no Stop can cut into a trace; the benchmark (``python -m bench.bench_training``) also presses
during the first epoch and reports those presses too.
"""

from __future__ import annotations

import random
import statistics
import time

import pytest

from rnnlab.jobs.manager import JobManager, JobSpec
from rnnlab.models.config import ModelConfig
from rnnlab.task.types import TaskConfig
from rnnlab.training.fit import TrainConfig
from tests.train_fixtures import tiny_dataset

pytestmark = pytest.mark.slow
PRESSES = 6


def _events(manager, job_id, seen: dict) -> list[dict]:
    for event in manager.status(job_id).events:
        seen.setdefault((event["type"], event["t"]), event)
    return sorted(seen.values(), key=lambda e: e["t"])


def test_stop_is_acknowledged_within_half_a_second_at_p95():
    manager = JobManager(n_workers=1, jobs_per_worker=100)
    rng = random.Random(7)
    latencies = []
    try:
        assert manager.wait_ready(300)
        for i in range(PRESSES):
            spec = JobSpec(
                dataset=tiny_dataset(n=400), dataset_ref={"source": "test", "name": "tiny"},
                task=TaskConfig("regress"), model=ModelConfig(cell="gru", units=(16, 16)),
                train=TrainConfig(epochs=200, batch_size=8, patience=None),
                workspace="ws-test", session_id="s1", run_id=f"run-stop-{i}",
            )  # fmt: skip
            job_id = manager.submit(spec)
            seen: dict = {}
            deadline = time.monotonic() + 120
            while not any(e["type"] == "epoch" for e in _events(manager, job_id, seen)):
                assert time.monotonic() < deadline, "no epoch in time"
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 2.0))
            pressed = time.time()
            manager.stop(job_id)
            final = manager.wait(job_id, timeout=120)
            end = [e for e in _events(manager, job_id, seen) if e["type"] == "end"]
            assert final.state == "stopped" and end, final.message
            latencies.append(end[0]["t"] - pressed)
    finally:
        manager.shutdown()
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(
        f"Stop latency p50 {statistics.median(latencies):.3f} s, p95 {p95:.3f} s, max {max(latencies):.3f} s"
    )
    assert p95 <= 0.5, latencies
