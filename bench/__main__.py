"""``make bench``: run every benchmark, each measured side by side in one run, and print one table.

python -m bench                 # all of them
python -m bench ingest render   # a selection

The Ray benchmarks start their own loopback cluster inside ``unshare -n`` (``bench/bench_ray.py``); where
that is not permitted they print a skipped row with the reason, so ``make bench`` needs no cluster.
"""

from __future__ import annotations

import importlib
import sys
import time

BENCHMARKS = {
    "training": "bench.bench_training",  # whole wait against a plain Keras script; Stop; ETA
    "xla_cache": "bench.bench_xla_cache",  # the persistent XLA cache across fresh worker processes
    "memory": "bench.bench_memory",  # RSS growth over 30 trainings through the worker pool
    "ingest": "bench.bench_ingest",  # 1,000,000-row long CSV vs plain pandas.read_csv
    "render": "bench.bench_render",  # first render of home and Data pages in a real browser
    "load": "bench.bench_load",  # page reruns with 20 sessions and 2 trainings
    "lessons": "bench.bench_lessons",  # each lesson preset trains in under 60 s
    "ecg_presets": "bench.bench_ecg_presets",  # the ECG5000 lesson's preset against its candidates, seeds 0–2
    "race": "bench.bench_race",  # the Inside page's k-steps race over three seeds
    "attacks": "bench.bench_attacks",  # each hostile or careless request against a capped server
    "ray": "bench.bench_ray overhead",  # Ray runner vs local pool on the same cores; first curve point
    "ray-spread": "bench.bench_ray spread",  # a burst of 8 over two 1-CPU Ray nodes: where each ran
    "ray-faults": "bench.bench_ray faults",  # a Ray node removed mid-training: only its run fails
    "backtest": "bench.bench_backtest local",  # 5 origins at once vs back to back on the worker pool
    "backtest-ray": "bench.bench_backtest ray",  # 5 origins on two Ray nodes vs back to back on the pool
    "intervals": "bench.bench_intervals",  # conformal coverage per dataset; the classical reference's time
}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(
            f"Unknown benchmark(s): {', '.join(unknown)}. Choose from: {', '.join(BENCHMARKS)}",
            file=sys.stderr,
        )
        return 2
    print("| benchmark | figure | target | |\n|---|---|---|---|")
    for name in chosen:
        start = time.perf_counter()
        module, *args = BENCHMARKS[name].split()
        importlib.import_module(module).main(args)
        print(f"<!-- {name} took {time.perf_counter() - start:.0f} s -->", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
