"""Memory over 30 small trainings through the JobManager, as the server runs them.

Runs the trainings one after another through the worker pool (workers recycled after
``RNNLAB_JOBS_PER_WORKER`` jobs, default 6), polling each job's status as the live panel
does, and prints the resident memory (RSS) of this server process plus every live worker:
after the first training (TensorFlow warm) and after the last. Target: growth < 100 MB.

    python -m bench.bench_memory [--jobs 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time

import psutil

from bench.common import row


def rss_mb(pids: list[int]) -> float:
    """Summed resident memory of the processes, in MB (vanished ones count 0)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            total += psutil.Process(pid).memory_info().rss
    return total / 2**20


def settle(manager, workers: int, timeout: float = 120.0) -> None:
    """Wait until a recycled worker has exited and its replacement is warm (a steady pool)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = manager.worker_states()
        if len(states) == workers and all(s == "idle" for s in states):
            return
        time.sleep(0.2)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    os.environ.setdefault("RNNLAB_DATA_DIR", tempfile.mkdtemp(prefix="rnnlab-bench-memory-"))
    from bench.cases import synthetic
    from rnnlab.jobs.manager import JobManager, JobSpec
    from rnnlab.models.config import ModelConfig
    from rnnlab.task.types import TaskConfig
    from rnnlab.training.config import TrainConfig

    manager = JobManager(n_workers=args.workers)
    samples = []
    try:
        assert manager.wait_ready(300), "no worker started"
        cells = ("gru", "lstm", "simple_rnn")
        for i in range(args.jobs):
            spec = JobSpec(
                dataset=synthetic(60, 8, 2, 2, seed=i), dataset_ref={"source": "bench"},
                task=TaskConfig("classify", split_mode="stratified"), model=ModelConfig(cell=cells[i % 3], units=(8,)),
                train=TrainConfig(epochs=2, batch_size=8, seed=i, patience=None),
                workspace="bench-ws", session_id="bench", run_id=f"bench-{i:03d}",
            )  # fmt: skip
            job_id = manager.submit(spec)
            while manager.status(job_id).active:
                time.sleep(0.25)  # the live panel polls like this
            status = manager.status(job_id)
            assert status.state == "finished", status.message
            settle(manager, args.workers)
            pids = [os.getpid(), *manager.worker_pids()]
            samples.append(rss_mb(pids))
            print(f"  training {i + 1:>2}: {status.state}, RSS server + {len(pids) - 1} workers = {samples[-1]:.0f} MB",
                  flush=True)  # fmt: skip
    finally:
        manager.shutdown()
    growth = samples[-1] - samples[0]
    peak = max(samples) - samples[0]
    print("\n| benchmark | figure | target | |\n|---|---|---|---|")
    print(row(f"RSS growth over {args.jobs} trainings (server + workers)", f"{growth:+.0f} MB", "< 100 MB",
              growth < 100))  # fmt: skip
    print(row("largest RSS above the first training's", f"{peak:+.0f} MB", "(info)", None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
