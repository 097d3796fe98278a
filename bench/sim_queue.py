"""How long the last student of a class waits when everyone starts the ECG lesson at once: a queueing simulation.

    python -m bench.sim_queue [--job ecg5000] [--gpu-seconds S] [--runs 500]

Every student submits one training at t = 0; the job queue is first come first served and a cluster of
``nodes`` × 2 cores runs one training per core (the Ray runner's one actor per CPU slot). Each training
lasts a duration drawn from the ones measured by ``python -m bench.bench_ray overhead`` (stored in
``bench/ray_durations.json``: trainings measured two at a time on a 2-core machine, so a busy node's
per-slot speed is in them). The table gives the expected wait before the last student's training starts,
and in brackets the time until its result (wait + its training), over ``--runs`` draws. A GPU node row
needs a measured GPU training time (``--gpu-seconds``, e.g. from ``scripts/gpu_check.py``); without one it
is left out, not guessed.
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import statistics
import sys
from pathlib import Path

DURATIONS = Path(__file__).resolve().parent / "ray_durations.json"
CLASS_SIZES = (10, 30, 100, 300)
CLUSTERS = (1, 4, 16)  # nodes of 2 cores
CORES_PER_NODE = 2


def last_wait(n_students: int, slots: int, durations: list[float], rng: random.Random) -> tuple[float, float]:
    """One draw: when the last student's training starts, and when its result is there (seconds)."""
    free = [0.0] * slots  # when each slot is free next
    heapq.heapify(free)
    start = end = 0.0
    for _ in range(n_students):
        start = heapq.heappop(free)
        end = start + rng.choice(durations)
        heapq.heappush(free, end)
    return start, end


def expected(
    n_students: int, slots: int, durations: list[float], runs: int, seed: int = 0
) -> tuple[float, float]:
    rng = random.Random(seed)
    draws = [last_wait(n_students, slots, durations, rng) for _ in range(runs)]
    return statistics.fmean(d[0] for d in draws), statistics.fmean(d[1] for d in draws)


def _fmt(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, s = divmod(round(seconds), 60)
    return f"{minutes} min {s:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def table(durations: list[float], runs: int, gpu_seconds: float | None = None) -> str:
    rows = ["| cluster | " + " | ".join(f"{n} students" for n in CLASS_SIZES) + " |",
            "|---|" + "---|" * len(CLASS_SIZES)]  # fmt: skip
    setups = [(f"{n} node{'s' if n > 1 else ''} × 2 cores", n * CORES_PER_NODE, durations) for n in CLUSTERS]
    if gpu_seconds:
        setups.append(("1 GPU node (one GPU slot)", 1, [gpu_seconds]))
    for name, slots, durs in setups:
        cells = []
        for n in CLASS_SIZES:
            wait, done = expected(n, slots, durs, runs)
            cells.append(f"{_fmt(wait)} ({_fmt(done)})")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--job", default="ecg5000", help="which measured training (ecg5000 or ecg200)")
    parser.add_argument("--durations", type=Path, default=DURATIONS, help="bench_ray's measured durations")
    parser.add_argument("--gpu-seconds", type=float, help="a measured GPU training time for a GPU node row")
    parser.add_argument("--runs", type=int, default=500, help="draws per cell (default 500)")
    args = parser.parse_args(argv)
    if not args.durations.is_file():
        print(
            f"no measured durations at {args.durations}: run `python -m bench.bench_ray overhead`",
            file=sys.stderr,
        )
        return 2
    measured = json.loads(args.durations.read_text())
    durations = measured["seconds"][args.job]
    print(f"{args.job}: {len(durations)} measured trainings, median {statistics.median(durations):.1f} s "
          f"(two at a time on {measured['cpus']} cores; {measured['measured_by']})")  # fmt: skip
    print("expected wait before the last student's training starts (and until its result):\n")
    print(table(durations, args.runs, args.gpu_seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
