"""A backtest of 5 origins against the same 5 trainings run back to back: the whole wait a person has.

    python -m bench.bench_backtest local [--rounds 3] [--epochs N]   # the local worker pool (RNNLAB_WORKERS)
    python -m bench.bench_backtest ray [--rounds 2] [--epochs N]     # a two-node Ray cluster on this machine

The setting is the bundled monthly sunspots lesson (``race_sunspots``: window 24, one step ahead, GRU 16,
10 epochs, early stopping) and its 5 origins (:func:`rnnlab.task.origins.plan_origins`). Both sides go
through the same warm job manager: *back to back* submits each origin's training when the one before has
ended (what a person does by hand, origin after origin); *backtest* submits the five at once as one request
(what the Results page and ``python -m rnnlab backtest`` do). The wall time runs from the first submit to
the last result. Rounds alternate the order; the figure is the ratio of the medians, with every round
printed. Targets: on the local pool ≤ 1.3 × back to back; on a two-node Ray cluster ≤ 0.6 × back to back on
the local pool (both measured in the same run, rounds alternating).

``ray`` re-runs itself inside ``unshare -n`` with only loopback up (as :mod:`bench.bench_ray` does); the
nodes are ``ray start --block`` processes ended by their own PIDs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.common import row

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _specs(tag: str, epochs: int | None) -> list:
    from rnnlab.data import catalog
    from rnnlab.runs import backtest, lessons

    lesson = lessons.get_lesson("race_sunspots")
    task, model, train = lesson.configs()
    if epochs:
        train = train.replace(epochs=epochs)
    specs = backtest.backtest_specs(catalog.load_dataset(lesson.dataset), {"source": "bundled", "name": lesson.dataset},
                                    task, model.replace(cell="gru"), train, "wbenchbacktest01", tag, 5)  # fmt: skip
    return specs


def _back_to_back(manager, specs) -> float:
    t0 = time.perf_counter()
    for spec in specs:
        done = manager.wait(manager.submit(spec), timeout=1800)
        assert done.state == "finished", done.message
    return time.perf_counter() - t0


def _at_once(manager, specs) -> float:
    t0 = time.perf_counter()
    ids = [manager.submit(spec) for spec in specs]
    done = [manager.wait(j, timeout=1800) for j in ids]
    assert all(d.state == "finished" for d in done), [d.message for d in done]
    return time.perf_counter() - t0


def _measure(manager, args, name: str) -> dict:
    _at_once(manager, _specs(f"{name}-warm", 1))  # every worker or actor has TensorFlow loaded and calibrated
    walls: dict[str, list[float]] = {"back to back": [], "backtest": []}
    for r in range(args.rounds):
        order = ("back to back", "backtest") if r % 2 == 0 else ("backtest", "back to back")
        for side in order:
            specs = _specs(f"{name}-r{r}-{side[:4]}", args.epochs)
            wall = (_back_to_back if side == "back to back" else _at_once)(manager, specs)
            walls[side].append(wall)
            print(f"round {r + 1} {name:<5} {side:<12}: 5 origins in {wall:6.1f} s", flush=True)
    medians = {side: statistics.median(values) for side, values in walls.items()}
    return {"walls": walls, "medians": medians, "ratio": medians["backtest"] / medians["back to back"]}


def local(args) -> dict:
    from rnnlab.core import settings
    from rnnlab.jobs.manager import JobManager
    from rnnlab.jobs.pool import LocalPool

    os.environ.setdefault("RNNLAB_DATA_DIR", str(Path("/tmp") / f"rnnlab-bench-backtest-{os.getpid()}"))
    workers = settings.n_workers()
    manager = JobManager(max_per_session=10, runner=LocalPool(workers, 1000))
    try:
        assert manager.wait_ready(300)
        result = _measure(manager, args, "local")
    finally:
        manager.shutdown()
    spread = {side: f"{min(v):.1f}–{max(v):.1f}" for side, v in result["walls"].items()}
    print(row(f"backtest of 5 origins, sunspots lesson, local pool of {workers} workers",
              f"{result['medians']['backtest']:.1f} s vs {result['medians']['back to back']:.1f} s back to back = "
              f"{result['ratio']:.2f}× (spread {spread['backtest']} s vs {spread['back to back']} s)", "≤ 1.3×",
              result["ratio"] <= 1.3))  # fmt: skip
    print(json.dumps({"workers": workers, **result}))
    return result


def ray(args) -> dict:
    """The backtest on a two-node Ray cluster against the same five origins back to back on the local pool
    (the issue's reference), rounds alternating; Ray's own back to back is printed beside them."""
    from rnnlab.core import settings
    from rnnlab.jobs.manager import JobManager
    from rnnlab.jobs.pool import LocalPool
    from rnnlab.jobs.ray_runner import RayRunner
    from tests.ray_cluster import LocalCluster

    os.environ.setdefault("RNNLAB_DATA_DIR", str(Path("/tmp") / f"rnnlab-bench-backtest-{os.getpid()}"))
    cluster = LocalCluster(cpus=(args.cpus, args.cpus), object_store_mb=200).start()
    managers: dict = {}
    walls: dict[str, list[float]] = {"local back to back": [], "ray backtest": [], "ray back to back": []}
    try:
        import ray as ray_module

        from rnnlab.jobs.cluster import connect

        connect(cluster.address)
        cluster.wait_nodes(ray_module)
        managers["local"] = JobManager(max_per_session=10, runner=LocalPool(settings.n_workers(), 1000))
        managers["ray"] = JobManager(max_per_session=10, runner=RayRunner(cluster.address))
        for name, manager in managers.items():
            assert manager.wait_ready(300), name
            _at_once(manager, _specs(f"{name}-warm", 1))  # warm: TensorFlow loaded, calibrated
        sides = list(walls)
        for r in range(args.rounds):
            for side in sides if r % 2 == 0 else sides[::-1]:
                name, how = side.split(" ", 1)
                specs = _specs(f"{name}-r{r}-{how[:4]}", args.epochs)
                wall = (_at_once if how == "backtest" else _back_to_back)(managers[name], specs)
                walls[side].append(wall)
                print(f"round {r + 1} {side:<18}: 5 origins in {wall:6.1f} s", flush=True)
    finally:
        for manager in managers.values():
            manager.shutdown()
        cluster.stop()
    medians = {side: statistics.median(values) for side, values in walls.items()}
    ratio = medians["ray backtest"] / medians["local back to back"]
    spread = {side: f"{min(v):.1f}–{max(v):.1f}" for side, v in walls.items()}
    print(row(f"backtest of 5 origins on two {args.cpus}-CPU Ray nodes vs back to back on the local pool",
              f"{medians['ray backtest']:.1f} s vs {medians['local back to back']:.1f} s = {ratio:.2f}× (spread "
              f"{spread['ray backtest']} s vs {spread['local back to back']} s; Ray back to back "
              f"{medians['ray back to back']:.1f} s)", "≤ 0.6×", ratio <= 0.6))  # fmt: skip
    result = {"walls": walls, "medians": medians, "ratio": ratio}
    print(json.dumps(result))
    return result


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["local", "ray"], nargs="?", default="local")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per side, alternating (default 3)")
    parser.add_argument(
        "--epochs", type=int, default=None, help="epochs per origin (default: the lesson's 10)"
    )
    parser.add_argument("--cpus", type=int, default=1, help="ray: CPUs per node (default 1)")
    args = parser.parse_args(argv)
    if args.what == "ray":
        from bench.bench_ray import ROOT
        from tests.ray_cluster import only_loopback

        if not only_loopback():  # Ray binds to the machine's address: run inside a loopback-only namespace
            import shutil
            import subprocess

            inner = f"ip link set lo up && {sys.executable} -m bench.bench_backtest {' '.join(argv)}"
            for unshare in (["unshare", "-n"], ["unshare", "-rn"]) if shutil.which("unshare") else ():
                if subprocess.run([*unshare, "true"], capture_output=True).returncode == 0:
                    return subprocess.run([*unshare, "sh", "-c", inner], cwd=ROOT).returncode
            print(row("backtest on Ray", "skipped: needs `unshare -n` (root or user namespaces)", "", None))
            return 2
    {"local": local, "ray": ray}[args.what](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
