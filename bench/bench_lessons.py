"""Measure how long each lesson preset takes to train on this machine (the figure shown on the home page).

    python -m bench.bench_lessons [--only KEY ...] [--write]

For each lesson: load the bundled dataset, frame it, and run ``rnnlab.training.fit.train`` exactly as a
worker does (model building, fit with the lesson's epochs and early stopping, evaluation against the
baselines); a race lesson trains its four cells one after another and reports the sum. Each lesson runs
in a fresh subprocess so TensorFlow's start-up and graph caches do not favour later lessons; TensorFlow's
import is not counted (the workers keep it imported). ``--write`` stores the figures, rounded up to whole
seconds, as ``train_seconds`` in ``sample_data/lessons.json``. The promise is < 60 s each on 2 CPU cores.
On a shared machine the figure is an upper bound; ``--repeat N`` keeps the fastest of N runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "sample_data" / "lessons.json"
LIMIT_S = 60.0

ONE = """
import json, sys, time
import keras  # imported before the clock starts, as in a warm worker
from rnnlab.data import catalog
from rnnlab.task import framing
from rnnlab.runs import lessons
from rnnlab.training import fit
lesson = lessons.get_lesson(sys.argv[1])
task, _, train = lesson.configs()
if len(sys.argv) > 2:  # another training seed (the split stays the lesson's)
    train = train.replace(seed=int(sys.argv[2]))
t0 = time.perf_counter()
framed = framing.frame(catalog.load_dataset(lesson.dataset), task)
runs = []
for model in lesson.model_variants():
    t = time.perf_counter()
    result = fit.train(framed, model, train)
    ev = result.evaluation or {}
    runs.append({"cell": model.cell, "status": result.status, "seconds": time.perf_counter() - t,
                 "epochs": len(result.history.get("loss", [])), "verdict": ev.get("verdict"),
                 "judgement": ev.get("judgement"), "test": ev.get("test"),
                 "baselines": {r["name"]: r["test"] for r in ev.get("scoreboard") or []}})
seconds = time.perf_counter() - t0
winner = None
if lesson.race:
    from rnnlab.evaluation.verdict import race_line, verdict_of
    from rnnlab.runs.compare import cell_name
    winner = race_line([(cell_name(r["cell"]), verdict_of(r)) for r in runs])
print(json.dumps({"key": lesson.key, "seconds": seconds, "runs": runs, "winner": winner}, default=float))
"""


def measure(key: str, seed: int | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    argv = [sys.executable, "-c", ONE, key] + ([] if seed is None else [str(seed)])
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"lesson {key} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def last_value_ratio(run: dict) -> str:
    """``last value MAE / model MAE = 2.71×`` for a forecast with a last-value baseline (the course's
    salary figure), else ``""``."""
    last = (run.get("baselines") or {}).get("last value") or {}
    model = (run.get("test") or {}).get("mae")
    if not last.get("mae") or not model:
        return ""
    return f"last value MAE {last['mae']:.3f} / model MAE {model:.3f} = {last['mae'] / model:.2f}×"


def outcome(res: dict) -> dict:
    """What a lesson's text states: the verdict's outcome (a race: the winner's, and each cell's)."""
    if res.get("winner"):
        cells = {r["cell"]: (r.get("judgement") or {}).get("outcome") for r in res["runs"]}
        return {"outcome": res["winner"]["outcome"], "winner": res["winner"]["winner"], "cells": cells}
    judged = res["runs"][-1].get("judgement") or {}
    return {"outcome": judged.get("outcome"), "model": judged.get("model_value"),
            "baseline": judged.get("baseline"), "baseline_value": judged.get("baseline_value")}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="lesson keys (default: all)")
    parser.add_argument(
        "--write", action="store_true",
        help="write train_seconds and the verdict at the lesson's seed (verdict) into sample_data/lessons.json",
    )  # fmt: skip
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per lesson; the fastest counts (default 1)"
    )
    parser.add_argument("--seeds", default="", help="also train with these seeds, e.g. 0,1,2 (the verdict per seed)")
    args = parser.parse_args(argv)
    data = json.loads(LESSONS.read_text(encoding="utf-8"))
    keys = args.only or [lesson["key"] for lesson in data["lessons"]]
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    print(f"cores: {os.cpu_count()}  (the lesson promise is < {LIMIT_S:.0f} s on 2 CPU cores)")
    results = {}
    for key in keys:
        res = min((measure(key) for _ in range(max(1, args.repeat))), key=lambda r: r["seconds"])
        results[key] = res
        detail = ", ".join(
            f"{r['cell']} {r['seconds']:.1f}s/{r['epochs']}ep {r['status']}" for r in res["runs"]
        )
        flag = "OK " if res["seconds"] < LIMIT_S else "SLOW"
        print(f"{flag} {key:<18} {res['seconds']:6.1f} s   {detail}")
        for r in res["runs"]:
            print(f"     {r['cell']}: the model {r['verdict']}")
            if last_value_ratio(r):
                print(f"     {r['cell']}: {last_value_ratio(r)}")
        if res.get("winner"):
            print(f"     race: {res['winner']['text']}")
        for seed in seeds:
            other = measure(key, seed)
            said = other["winner"]["text"] if other.get("winner") else other["runs"][-1]["verdict"]
            ratio = last_value_ratio(other["runs"][-1])
            print(f"     seed {seed} ({other['seconds']:.1f} s): {said}" + (f"; {ratio}" if ratio else ""))
    if args.write:
        for lesson in data["lessons"]:
            if lesson["key"] in results:
                lesson["train_seconds"] = math.ceil(results[lesson["key"]]["seconds"])
                lesson["verdict"] = outcome(results[lesson["key"]])
        LESSONS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote train_seconds and verdict to {LESSONS.relative_to(ROOT)}")
    return 0 if all(r["seconds"] < LIMIT_S for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
