"""The first lesson after a server start: seconds from Start to the first curve point.

    python -m bench.bench_first_lesson [--lesson KEY] [--read 3] [--repeat 3]

Each round is a fresh server in miniature: a new data directory (the worker calibrates itself on it, as on
a machine that never ran rnnlab) and a new :class:`~rnnlab.jobs.manager.JobManager`, started when the first
page opens (``RNNLAB_WARM_AT_START``, the default). ``--read`` seconds later — a user reading the home page
and pressing "Start lesson", then "Start training" — the lesson's job is submitted; the figure is the time
from that submit to the first event carrying a loss (the first point on the live curves), read from the
worker's stamps. The same round with the pool started only at Start (``RNNLAB_WARM_AT_START=0``: what the
app did before) is printed beside it. ``--restart``: the machine ran rnnlab before, so its speed
calibration is kept (each fresh data directory gets a copy); without it, the workers measure it first.
Target: ≤ 2 s with warming.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

from bench.bench_training import TimedStore, first_point, submit_case
from bench.cases import cases


def one_round(case, read: float, warm: bool, calibration: str | None) -> float | None:
    """A fresh data directory and job manager; submit ``read`` s after the first page (or at once, cold).
    ``calibration``: a measured calibration file to put there first (a restart, not a new machine)."""
    from rnnlab.jobs.manager import JobManager
    from rnnlab.runs.store import RunStore
    from rnnlab.training import speed

    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["RNNLAB_DATA_DIR"] = data_dir  # the whole round, as the server's environment
        if calibration is not None:
            shutil.copy(calibration, os.path.join(data_dir, speed.CALIBRATION_FILE))
        manager = None
        if warm:
            manager = JobManager(recorder=TimedStore(RunStore(data_dir)))  # the first page opens
        time.sleep(read)  # the user reads, picks the lesson, presses Start
        if manager is None:
            manager = JobManager(recorder=TimedStore(RunStore(data_dir)))  # Start opens the Train page
        try:
            return first_point(submit_case(manager, case))
        finally:
            manager.shutdown(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="three_cities", help="lesson key (default three_cities, lesson 1)")
    parser.add_argument("--read", type=float, default=3.0, help="seconds between the first page and Start")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--restart", action="store_true",
                        help="a server restart on a machine that ran rnnlab before (its calibration kept)")  # fmt: skip
    args = parser.parse_args(argv)
    case = next(c for c in cases(only=[args.lesson]))
    where = "a restart (calibration kept)" if args.restart else "a machine that never ran rnnlab"
    print(f"cores: {os.cpu_count()}; lesson {args.lesson}; {where}; Start {args.read:g} s after the first page")
    calibration = None
    if args.restart:  # measure this machine's calibration once, as its first server start did
        from rnnlab.training import speed

        keep = tempfile.mkdtemp()
        speed.calibrate(keep)
        calibration = os.path.join(keep, speed.CALIBRATION_FILE)
    results = {}
    for warm in (True, False):
        values = []
        for _ in range(args.repeat):
            values.append(one_round(case, args.read, warm, calibration))
            print(f"  {'warmed at the first page' if warm else 'pool started at Start'}: {values[-1]:.2f} s",
                  flush=True)  # fmt: skip
        results[warm] = [v for v in values if v is not None]
    for warm, values in results.items():
        label = "warmed at the first page" if warm else "pool started at Start (before)"
        print(f"first curve point, {label}: median {statistics.median(values):.2f} s "
              f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})")  # fmt: skip
    return 0 if max(results[True]) <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
