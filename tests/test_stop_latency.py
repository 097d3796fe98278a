"""Stop pressed at random moments of real trainings in a worker: time to the worker's acknowledgement and end.

The worker stamps every event with ``time.time()``; the press is stamped here, in the same clock.
Presses land anywhere in the first two seconds after the ``start`` event — also while TensorFlow traces
the training step, which no Stop can cut short: the worker acknowledges from its own thread at once
(``stopping``), and the training ends at its next check (``end``). Presses after the first curve point
must end the training within one execution of batches. The benchmark (``python -m bench.bench_training``)
presses during real lesson trainings too.
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
PRESSES = 10


def _events(manager, job_id, seen: dict) -> list[dict]:
    for event in manager.status(job_id).events:
        seen.setdefault((event["type"], event["t"]), event)
    return sorted(seen.values(), key=lambda e: e["t"])


def test_stop_is_acknowledged_within_half_a_second_at_p95():
    manager = JobManager(n_workers=1, jobs_per_worker=100)
    rng = random.Random(7)
    acks, ends = [], []
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
            while not any(e["type"] == "start" for e in _events(manager, job_id, seen)):
                assert time.monotonic() < deadline, "no start in time"
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 2.0))
            pressed = time.time()
            manager.stop(job_id)
            final = manager.wait(job_id, timeout=120)
            events = _events(manager, job_id, seen)
            ack = [e["t"] for e in events if e["type"] == "stopping"]
            end = [e["t"] for e in events if e["type"] == "end"]
            points = [e["t"] for e in events if e["type"] in ("batch", "epoch")]
            assert final.state == "stopped" and ack and end, final.message
            acks.append(ack[0] - pressed)
            if points and pressed >= min(points):
                ends.append(end[0] - pressed)
    finally:
        manager.shutdown()
    print(
        f"Stop acknowledged: p50 {statistics.median(acks):.3f} s, p95 {p95(acks):.3f} s, max {max(acks):.3f} s"
    )
    print(f"Stop ended the training (presses while fitting, n={len(ends)}): p95 {p95(ends or [0]):.3f} s")
    assert p95(acks) <= 0.5, acks
    assert p95(ends or [0]) <= 1.0, ends  # one execution of batches is planned to last 0.1 s


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
