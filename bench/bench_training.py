"""Time to verdict: rnnlab's whole wait against a plain Keras script, alternating, in one run.

For every lesson preset, the course's ECG model GRU(20)→GRU(20) on ECG5000 (10 epochs) and LSTM(20)
on a small forecasting window, this runs pairs — rnnlab, plain Keras, then the other order — and
prints the median and spread (min–max) of each pair's ratio plain / rnnlab (above 1: rnnlab faster).

- rnnlab: a job through :class:`rnnlab.jobs.manager.JobManager` with one warm worker (``--workers``), as the
  dashboard submits it (a race: its four jobs at once). The wait runs from ``submit`` to the run
  store's ``finish_run`` having returned: framing, building, compiling, fitting, evaluating against
  the baselines, saving the model, recording the verdict. Phases come from the worker's own
  ``time.time()`` stamps (``summary["timings"]``, the ``t`` of every event), never from a poll.
- plain Keras: :mod:`bench.plain_keras` in this process (TensorFlow imported, as in the worker).

The worker runs at this process's CPU priority (``RNNLAB_WORKER_NICE=0``; the dashboard lowers it so
pages stay responsive) and calibrates itself once, before the first pair, in a fresh data directory.

The first pair of a case is the first time the worker sees the configuration (cold); later pairs
reuse its kept compiled model. Both are printed. It also prints each pair's largest difference in
final validation loss and test metric, fast against default settings, the time to the first curve
point, the ETA after the first epoch against the real remaining time, and (``--stops N``) Stop
pressed at random moments of real trainings: time from the press to the worker's ``stopping``
acknowledgement and to its ``end`` event.

    python -m bench.bench_training                  # 5 pairs each, 20 stops (about an hour on a busy 2-core machine)
    python -m bench.bench_training --quick          # 2 pairs, three lessons, 6 stops (a few minutes)
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import random
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
logging.getLogger("tensorflow").setLevel(logging.ERROR)  # the plain model's test predictions retrace

from bench import plain_keras  # noqa: E402
from bench.cases import Case, cases  # noqa: E402
from bench.common import row  # noqa: E402
from rnnlab.jobs.protocol import FIRST_POINT_POLL_SECONDS, POLL_SECONDS  # noqa: E402


class TimedStore:
    """The run store, noting when each run's verdict has been recorded."""

    def __init__(self, store):
        self.store, self.finished = store, {}

    def start_run(self, run_id, info):
        self.store.start_run(run_id, info)

    def record_epoch(self, run_id, epoch, logs):
        self.store.record_epoch(run_id, epoch, logs)

    def finish_run(self, run_id, outcome):
        self.store.finish_run(run_id, outcome)
        self.finished[run_id] = time.time()


def submit_case(manager, case: Case, stop_at: float | None = None) -> dict:
    """Submit a case's jobs at once; follow their events; return the wait and what the worker stamped."""
    from rnnlab.jobs.manager import JobSpec
    from rnnlab.runs.store import new_run_id

    specs = [
        JobSpec(case.dataset, {"source": "bundled", "name": case.dataset.name}, case.task, model,
                case.train, "bench-runs", "bench", new_run_id())
        for model in case.models
    ]  # fmt: skip
    t0 = time.time()
    ids = [manager.submit(spec) for spec in specs]
    events: dict[str, list] = {job_id: [] for job_id in ids}
    seen: dict[str, set] = {job_id: set() for job_id in ids}
    pressed = ended = None
    while True:
        states = [manager.status(job_id) for job_id in ids]
        for status in states:
            for event in status.events:
                key = (event.get("type"), event.get("t"))
                if key not in seen[status.job_id]:
                    seen[status.job_id].add(key)
                    events[status.job_id].append(event)
        if stop_at is not None and pressed is None:
            started = [e for e in events[ids[0]] if e["type"] == "start"]
            if started and time.time() >= started[0]["t"] + stop_at:
                pressed = time.time()
                manager.stop(ids[0])
        if not any(s.active for s in states):
            if all(s.run_id in manager.recorder.finished for s in states):
                break
            ended = ended or time.time()
            if time.time() - ended > 30:
                raise RuntimeError(f"{case.name}: the run store never recorded the verdict")
        # Poll as the Train page does (a quarter second until the first point, then a second): the server's
        # polling shares the machine's cores with the worker. Times come from stamps, not from this loop.
        pause = (
            FIRST_POINT_POLL_SECONDS
            if not any(e["type"] == "epoch" for e in events[ids[0]])
            else POLL_SECONDS
        )
        if stop_at is not None and pressed is None:
            started = [e for e in events[ids[0]] if e["type"] == "start"]
            if started:  # wake up in time to press Stop at its moment
                pause = min(pause, max(0.0, started[0]["t"] + stop_at - time.time()))
        time.sleep(0.02 if not any(s.active for s in states) else pause)
    summaries = [s.result or {} for s in states]
    done = max(manager.recorder.finished[s.run_id] for s in states)
    out = {"t0": t0, "events": events[ids[0]], "summaries": summaries, "pressed": pressed}
    return {**out, "wait": done - t0, "phases": phases(out, done)}


def phases(run: dict, recorded: float) -> str:
    """Where the wait went, from the worker's stamps: queue, framing, building, fit, evaluation, saving, store."""
    t = run["summaries"][-1].get("timings") or {}
    if not t:
        return "no timings"
    marks = [("queue", run["t0"], t["received"]), ("frame", t["received"], t["framed"]),
             ("build", t["framed"], t["compiled"]), ("fit", t["compiled"], t["fitted"]),
             ("evaluate", t["fitted"], t["evaluated"]), ("save", t["evaluated"], t["saved"]),
             ("record", t["saved"], recorded)]  # fmt: skip
    return " ".join(f"{name} {b - a:.2f}" for name, a, b in marks)


def first_point(run: dict) -> float | None:
    """Seconds from submit to the first event carrying a loss (the first curve point)."""
    points = [e["t"] for e in run["events"] if e["type"] in ("batch", "epoch")]
    return min(points) - run["t0"] if points else None


def eta_error(run: dict) -> float | None:
    """ETA after the first epoch / real remaining fit time − 1 (first event after epoch 1 with an ETA)."""
    summary = run["summaries"][0]
    if summary.get("status") != "finished" or "timings" not in summary:
        return None
    end = summary["timings"]["fitted"]
    after = [e for e in run["events"] if e["type"] in ("batch", "epoch") and e.get("eta_s") is not None
             and (e["type"] == "epoch" or e["epoch"] > 1) and e["t"] < end]  # fmt: skip
    if not after or end - after[0]["t"] < 0.05:
        return None
    said, took = after[0]["eta_s"], end - after[0]["t"]
    print(
        f"    ETA at the {after[0]['type']} event of epoch {after[0]['epoch']}: {said:.2f} s left, took {took:.2f} s"
    )
    return said / took - 1.0


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}× (min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"


def run_pairs(manager, case: Case, pairs: int) -> dict:
    import keras

    out = {"ratio": [], "rnnlab": [], "plain": [], "dval": [], "dtest": [], "first_point": [], "eta": []}
    for i in range(pairs):
        for side in ("rnnlab", "plain") if i % 2 == 0 else ("plain", "rnnlab"):
            if side == "rnnlab":
                run = submit_case(manager, case)
                out["rnnlab"].append(run["wait"])
                summary = run["summaries"][-1]
                out["settings"] = summary.get("settings", {})
                out["first_point"].append(first_point(run))
                out["eta"].append(eta_error(run))
                settings = summary.get("settings", {})
                print(f"    rnnlab {run['wait']:.2f} s: {run['phases']} (first point {out['first_point'][-1]}; spe "
                      f"{settings.get('steps_per_execution')}, XLA {settings.get('jit_compile')}, kept model "
                      f"{settings.get('reused')})", flush=True)  # fmt: skip
                ours = (summary.get("history", {}), (summary.get("test") or {}).get(case.metric))
            else:
                seconds, theirs = 0.0, None
                for model in case.models:
                    plain = plain_keras.run(case.framed, model, case.train)
                    seconds += plain["seconds"]
                    theirs = (plain["history"], plain_keras.test_metric(plain["model"], case.framed))
                    keras.backend.clear_session(free_memory=False)
                out["plain"].append(seconds)
        out["ratio"].append(out["plain"][-1] / out["rnnlab"][-1])
        key = "val_loss" if "val_loss" in ours[0] else "loss"
        out["dval"].append(abs(ours[0][key][-1] - theirs[0][key][-1]))
        out["dtest"].append(abs(ours[1] - theirs[1]))
        print(f"  {case.name} pair {i + 1}: rnnlab {out['rnnlab'][-1]:.2f} s, plain Keras {out['plain'][-1]:.2f} s"
              f" → {out['ratio'][-1]:.2f}×", flush=True)  # fmt: skip
    return out


def fast_vs_default(case: Case) -> tuple[float, float]:
    """Largest |difference| in final validation loss and test metric, fast against default settings."""
    from rnnlab.training import fit

    dval, dtest = 0.0, 0.0
    for model in case.models[:1]:  # a race: its first cell
        a = fit.train(case.framed, model, case.train)
        b = fit.train(case.framed, model, case.train.replace(fast=False))
        key = "val_loss" if "val_loss" in a.history else "loss"
        dval = max(dval, abs(a.history[key][-1] - b.history[key][-1]))
        dtest = max(dtest, abs(a.evaluation["test"][case.metric] - b.evaluation["test"][case.metric]))
    return dval, dtest


def stops(manager, chosen: list[Case], n: int, fit_seconds: dict) -> list[tuple[float, float, bool]]:
    """Press Stop at uniformly random moments of the fit.

    Returns one ``(acknowledged, ended, while_fitting)`` per press: seconds from the press to the worker's
    ``stopping`` event and to its ``end`` event, and whether the press came after the first curve point
    (before it, TensorFlow may be tracing the step, which no Stop can cut short).
    """
    rng = random.Random(16)
    out = []
    while len(out) < n:
        case = chosen[len(out) % len(chosen)]
        run = submit_case(manager, case, stop_at=rng.uniform(0.0, fit_seconds[case.name]))
        end = [e for e in run["events"] if e["type"] == "end"]
        ack = [e for e in run["events"] if e["type"] == "stopping"]
        if run["pressed"] is None or not end or end[0]["t"] < run["pressed"] or not ack:
            continue  # the fit ended before the press: not a Stop
        points = [e["t"] for e in run["events"] if e["type"] in ("batch", "epoch")]
        fitting = bool(points) and run["pressed"] >= min(points)
        out.append((ack[0]["t"] - run["pressed"], end[0]["t"] - run["pressed"], fitting))
        print(
            f"  stop {len(out)}: {case.name}, pressed {'while fitting' if fitting else 'before the first curve point'},"
            f" acknowledged after {out[-1][0]:.3f} s, ended after {out[-1][1]:.3f} s",
            flush=True,
        )
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def quantiles(values: list[float]) -> str:
    return (f"p50 {statistics.median(values):.3f} s, p95 {percentile(values, 0.95):.3f} s, max {max(values):.3f} s "
            f"(n={len(values)})")  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="2 pairs, three lessons and the ECG model, 6 stops"
    )
    parser.add_argument("--pairs", type=int, help="alternating pairs per case (default 5, quick 2)")
    parser.add_argument("--stops", type=int, help="Stop presses (default 20, quick 6)")
    parser.add_argument("--only", nargs="*", help="case names")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (default 1; the dashboard runs one per core, each with its share of the cores)")  # fmt: skip
    args = parser.parse_args(argv)
    pairs = args.pairs or (2 if args.quick else 5)
    n_stops = args.stops if args.stops is not None else (6 if args.quick else 20)
    data_dir = tempfile.mkdtemp(prefix="rnnlab-bench-")
    os.environ["RNNLAB_DATA_DIR"] = data_dir  # a fresh store, calibration and XLA cache
    os.environ["RNNLAB_WORKER_NICE"] = "0"  # the worker at this process's CPU priority, as the plain script
    import keras  # noqa: F401 - imported before any clock starts, as in a worker

    from rnnlab.jobs.manager import JobManager
    from rnnlab.runs.store import RunStore

    chosen = cases(quick=args.quick, only=args.only)
    manager = JobManager(n_workers=args.workers, jobs_per_worker=10_000, recorder=TimedStore(RunStore()))
    rows, lesson_ratios, fit_seconds, results = [], [], {}, {}
    try:
        assert manager.wait_ready(300), "no worker started"
        while "starting" in manager.runner.states():  # every worker warm before any clock starts
            time.sleep(0.1)
        for case in chosen:
            print(f"{case.name}: {case.describe}", flush=True)
            res = results[case.name] = run_pairs(manager, case, pairs)
            fit_seconds[case.name] = statistics.median(res["rnnlab"][1:] or res["rnnlab"])
            res["fast_default"] = fast_vs_default(case)
        stop_cases = [c for c in chosen if c.stop]
        stop_times = stops(manager, stop_cases, n_stops, fit_seconds) if n_stops and stop_cases else []
    finally:
        manager.shutdown()
    for case in chosen:
        res = results[case.name]
        jit = res["settings"].get("jit_compile")
        target = (
            "≤ 1.0× (never slower)"
            if case.lesson
            else ("≥ 1.5× faster" if case.name == "ecg_gru_stack" else "(info)")
        )
        goal = 1.5 if case.name == "ecg_gru_stack" else 1.0
        ok = (
            min(res["ratio"]) >= goal
            if case.lesson
            else (statistics.median(res["ratio"]) >= goal if goal > 1 else None)
        )
        rows.append(row(f"{case.name}: plain Keras / rnnlab whole wait", spread(res["ratio"]) +
                        f"; first (cold) {res['ratio'][0]:.2f}×; spe {res['settings'].get('steps_per_execution')}, XLA {jit}",
                        target, ok))  # fmt: skip
        if case.lesson:
            lesson_ratios.append(statistics.median(res["ratio"]))
        repeat = [res["rnnlab"][0] / t for t in res["rnnlab"][1:]]
        if repeat:
            rows.append(row(f"{case.name}: rnnlab first run / same configuration again", spread(repeat),
                            "≥ 1.5× where XLA is used" if jit else "(info, no XLA)", (min(repeat) >= 1.5) if jit else None))  # fmt: skip
        points = [p for p in res["first_point"] if p is not None]
        warm = points[1:] or points
        if case.lesson and warm:
            rows.append(row(f"{case.name}: first curve point after Start (warm worker)",
                            f"{statistics.median(warm):.2f} s (max {max(warm):.2f} s; cold {points[0]:.2f} s)",
                            "≤ 1.0 s", max(warm) <= 1.0))  # fmt: skip
        etas = [e for e in res["eta"] if e is not None]
        if case.lesson and etas:
            worst = max(etas, key=abs)
            rows.append(row(f"{case.name}: ETA after epoch 1 vs real remaining", f"{statistics.median(etas):+.0%} "
                            f"(worst {worst:+.0%}, n={len(etas)})", "within ±50 %", abs(worst) <= 0.5))  # fmt: skip
        dval, dtest = res["fast_default"]
        rows.append(row(f"{case.name}: Δ fast vs default: val loss, test {case.metric}", f"{dval:.2g}, {dtest:.2g}",
                        "same to rounding (≤ 1e-3)", max(dval, dtest) <= 1e-3))  # fmt: skip
        rows.append(row(f"{case.name}: largest Δ rnnlab vs plain Keras: val loss, test {case.metric}",
                        f"{max(res['dval']):.3g}, {max(res['dtest']):.3g}", "(info: different shuffling)", None))  # fmt: skip
    if lesson_ratios:
        gm = math.exp(statistics.fmean(math.log(r) for r in lesson_ratios))
        rows.append(
            row("lesson presets: geometric mean of median ratios", f"{gm:.2f}×", "≥ 1.3× faster", gm >= 1.3)
        )
    if stop_times:
        acks, ends = [a for a, _, _ in stop_times], [e for _, e, _ in stop_times]
        fitting = [e for _, e, f in stop_times if f]
        rows.append(row("Stop: press → the worker's acknowledgement (`stopping` event)", quantiles(acks),
                        "p95 ≤ 0.5 s", percentile(acks, 0.95) <= 0.5))  # fmt: skip
        rows.append(row("Stop: press → the training ended (`end` event), all presses", quantiles(ends),
                        "(info)", None))  # fmt: skip
        if fitting:
            rows.append(row("Stop: press → `end`, presses after the first curve point", quantiles(fitting),
                            "(info: within one execution of batches)", None))  # fmt: skip
    print("\n| benchmark | figure | target | |\n|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
