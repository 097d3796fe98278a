"""Do the conformal intervals cover what they promise, and how long does the classical reference take?

    python -m bench.bench_intervals [--seeds 0 1 2] [--epochs 20] [--level 0.9] [--predict change]
    python -m bench.bench_intervals --no-train --repeat 5      # the classical reference's time only

For each bundled forecasting dataset (sunspots, CO₂ at Mauna Loa, Seattle weather, the US unemployment
collection) the dataset's default task is framed, a GRU(16) is trained (Adam, lr 0.003, early stopping
on validation, patience 5) and judged as the worker judges it (:func:`rnnlab.evaluation.judge.evaluate`),
and the row prints the split-conformal intervals' coverage of the test values against the nominal
level (target: within ±5 points), their mean width in the target's units, and the calibration set's
size. A miss is printed as it is, with the reason the test period suggests when the coverage is low.

The classical reference is timed separately on the same framing: every ETS fit (all forms tried, the
best by AICc) per series and target, and the whole reference row (fits, forecasts from every validation
and test window, metrics) divided by the number of series — the first dataset's time also holds
statsmodels' first import, printed on its own line (target: ≤ 2 s per series).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from rnnlab.data import catalog
from rnnlab.task import framing

DATASETS = ("sunspots", "co2", "seattle_weather", "us_unemployment")


def _framed(key: str, predict: str):
    dataset = catalog.load_dataset(key)
    task = framing.default_task(dataset, catalog.get_entry(key).label)
    return framing.frame(dataset, task.replace(predict=predict))


def time_reference(framed, repeat: int) -> dict:
    """Seconds of the classical reference on ``framed`` over ``repeat`` tries: the whole row per series
    (median and worst) and the slowest single fit (all forms tried) seen in any try."""
    from rnnlab.evaluation.classical_reference import classical_rows

    n_series = 1 if framed.panel is None else len(set(framed.val.sequence) | set(framed.test.sequence))
    n_series *= len(framed.target_names)
    times, slowest = [], 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows, notes = classical_rows(framed, budget_s=600.0)
        times.append((time.perf_counter() - t0) / n_series)
        if not rows:
            return {"skipped": notes[0], "n_series": n_series}
        slowest = max(slowest, rows[0]["seconds"])
    row = rows[0]
    return {"n_series": n_series, "per_series": statistics.median(times), "worst": max(times),
            "slowest_fit": slowest, "note": row["note"], "test_mae": row["test"]["mae"]}  # fmt: skip


def train_and_judge(framed, seed: int, epochs: int, level: float) -> dict:
    from rnnlab.models.config import ModelConfig
    from rnnlab.training.fit import TrainConfig, train

    t0 = time.perf_counter()
    result = train(
        framed, ModelConfig(cell="gru", units=(16,)),
        TrainConfig(optimizer="adam", learning_rate=0.003, epochs=epochs, patience=5, seed=seed, intervals=level),
    )  # fmt: skip
    evaluation = result.evaluation or {}
    u = evaluation.get("uncertainty") or {}
    best = (evaluation.get("best_baseline") or {}).get("name")
    return {"coverage": u.get("coverage_test"), "width": u.get("width_mean"), "n_cal": u.get("n_calibration"),
            "n_test": u.get("n_test"), "per_output": u.get("coverage_per_output"), "note": u.get("note"),
            "model_mae": (evaluation.get("test") or {}).get("mae"), "best": best,
            "best_mae": ((evaluation.get("best_baseline") or {}).get("test") or {}).get("mae"),
            "seconds": time.perf_counter() - t0}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--level", type=float, default=0.9)
    parser.add_argument("--only", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--predict", choices=("level", "change"), default="level", help="the task's default: level")
    parser.add_argument("--repeat", type=int, default=3, help="timings of the classical reference per dataset")
    parser.add_argument("--no-train", action="store_true", help="time the classical reference only")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    import statsmodels.tsa.holtwinters  # noqa: F401  the first import, timed on its own

    print(f"statsmodels' first import: {time.perf_counter() - t0:.2f} s; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores; predict={args.predict}", flush=True)  # fmt: skip
    print(f"| dataset | seed | {args.level:.0%} intervals: coverage on test | mean width | calibration "
          "values | within ±5 points | model MAE | best naive (chosen on val) | ETS MAE | ETS per series "
          "(slowest fit) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    misses = 0
    for key in args.only:
        framed = _framed(key, args.predict)
        ref = time_reference(framed, args.repeat)
        if "skipped" in ref:
            ets = ("—", ref["skipped"])
        else:
            ets = (f"{ref['test_mae']:.4g}", f"{ref['per_series']:.2f} s (worst {ref['worst']:.2f} s) over "
                   f"{ref['n_series']} (slowest fit {ref['slowest_fit']:.2f} s)")  # fmt: skip
        if args.no_train:
            print(f"| {key} | — | | | | | | | {ets[0]} | {ets[1]} |", flush=True)
            continue
        for seed in args.seeds:
            r = train_and_judge(framed, seed, args.epochs, args.level)
            if r["coverage"] is None:
                print(f"| {key} | {seed} | — ({r['note']}) | | | miss | | | {ets[0]} | {ets[1]} |", flush=True)
                misses += 1
                continue
            ok = abs(r["coverage"] - args.level) <= 0.05
            misses += not ok
            print(f"| {key} | {seed} | {r['coverage']:.1%} (n = {r['n_test']}) | {r['width']:.4g} | {r['n_cal']} | "
                  f"{'yes' if ok else 'MISS'} | {r['model_mae']:.4g} | {r['best']} {r['best_mae']:.4g} | "
                  f"{ets[0]} | {ets[1]} |", flush=True)  # fmt: skip
            if len(r["per_output"] or []) > 1:
                print(f"<!-- {key} coverage per output: {[round(c, 3) for c in r['per_output']]} -->")
        print(f"<!-- {key}: {ref.get('note') or ref.get('skipped')}; training {r['seconds']:.0f} s -->", flush=True)
    if not args.no_train:
        print(f"\n{misses} of {len(args.only) * len(args.seeds)} runs outside ±5 points of {args.level:.0%}.")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
