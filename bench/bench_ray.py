"""The Ray runner against the local pool, and a burst spread over two Ray nodes on one machine.

    python -m bench.bench_ray overhead [--rounds 1]   # 8 ECG200 + 4 ECG5000 trainings, Ray vs local pool
    python -m bench.bench_ray spread                  # two 1-CPU nodes, a burst of 8: where each ran
    python -m bench.bench_ray faults                  # a node removed mid-training: only its run fails

``overhead``: one single-node Ray cluster with as many CPUs as the pool has workers (``--cpus``, default
2), the same twelve trainings submitted at once through the job manager on each runner, rounds
alternating (local, Ray, local, …); each side is warmed first (every worker/actor has TensorFlow loaded).
Figures: total wall time per side and the ratio (target Ray ≤ 1.10 × local), and the first curve point's
latency after submission on an idle warm worker (target ≤ 1.5 s, median of 5). It also writes each job's
measured duration to ``bench/ray_durations.json`` for :mod:`bench.sim_queue`.

Ray binds to the machine's external address, so on a loopback-only machine the script re-runs itself inside
``unshare -n`` with only loopback up (root, or user namespaces); where neither is permitted it prints a
skipped row with that reason (``make bench`` goes on). Nodes are ``ray start --block`` processes ended by
their own PIDs (``tests/ray_cluster.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import row

ROOT = Path(__file__).resolve().parent.parent
DURATIONS = ROOT / "bench" / "ray_durations.json"


def _in_namespace(argv: list[str]) -> int | None:
    """Re-run this script inside a loopback-only network namespace unless already in one."""
    from tests.ray_cluster import only_loopback

    if only_loopback():
        return None
    inner = f"ip link set lo up && {sys.executable} -m bench.bench_ray {' '.join(argv)}"
    for unshare in (["unshare", "-n"], ["unshare", "-rn"]) if shutil.which("unshare") else ():
        if subprocess.run([*unshare, "true"], capture_output=True).returncode == 0:
            return subprocess.run([*unshare, "sh", "-c", inner], cwd=ROOT).returncode
    reason = "needs `unshare -n` (root or user namespaces): Ray must run with only loopback here"
    print(row(f"Ray benchmark `{' '.join(argv) or 'overhead'}`", f"skipped: {reason}", "", None))
    return 2


def _jobs(tag: str) -> list:
    """8 ECG200 trainings (GRU 16, 10 epochs) and 4 of the ECG5000 lesson, interleaved."""
    from rnnlab.data import catalog
    from rnnlab.jobs.types import JobSpec
    from rnnlab.models.config import ModelConfig
    from rnnlab.runs import lessons
    from rnnlab.task.types import TaskConfig
    from rnnlab.training.config import TrainConfig

    ecg200 = catalog.load_dataset("ecg200")
    lesson = lessons.get_lesson("ecg5000")
    task5, model5, train5 = lesson.configs()
    ecg5000 = catalog.load_dataset(lesson.dataset)
    small = (TaskConfig("classify"), ModelConfig(cell="gru", units=(16,)))
    out = []
    for i in range(12):
        big = i % 3 == 2
        dataset, (task, model) = (ecg5000, (task5, model5)) if big else (ecg200, small)
        train = train5 if big else TrainConfig(epochs=10, batch_size=16, patience=None, seed=i)
        name = "ecg5000" if big else "ecg200"
        out.append(JobSpec(dataset, {"source": "bundled", "name": name}, task, model, train, "bench",
                           f"s{i}", f"{tag}-{name}-{i}"))  # fmt: skip
    return out


def _burst(manager, specs) -> tuple[float, list]:
    t0 = time.perf_counter()
    ids = [manager.submit(s) for s in specs]
    done = [manager.wait(j, timeout=1800) for j in ids]
    bad = [d.message for d in done if d.state != "finished"]
    assert not bad, bad
    return time.perf_counter() - t0, done


def _first_point(manager, spec, repeats: int = 5) -> float:
    """Median seconds from submit to the first live curve point (a batch or epoch event on the server)."""
    out = []
    for i in range(repeats):
        t0 = time.perf_counter()
        job_id = manager.submit(spec.__class__(**{**spec.__dict__, "run_id": f"{spec.run_id}-fp{i}"}))
        while True:
            status = manager.status(job_id)
            if status.batches or status.history or not status.active:
                break
            time.sleep(0.01)
        out.append(time.perf_counter() - t0)
        manager.stop(job_id)
        manager.wait(job_id, timeout=120)
    return statistics.median(out)


def _warm(manager, specs, n: int) -> None:
    """Every worker busy once (actors are created on demand), so both sides start warm."""
    from rnnlab.training.config import TrainConfig

    warm = [s.__class__(**{**s.__dict__, "train": TrainConfig(epochs=1, batch_size=64), "session_id": f"w{i}",
                           "run_id": f"{s.run_id}-warm{i}"}) for i, s in enumerate(specs[:n])]  # fmt: skip
    _burst(manager, warm)


def overhead(args) -> dict:
    from rnnlab.jobs.manager import JobManager
    from rnnlab.jobs.pool import LocalPool
    from rnnlab.jobs.ray_runner import RayRunner
    from tests.ray_cluster import LocalCluster

    os.environ.setdefault("RNNLAB_DATA_DIR", str(Path("/tmp") / f"rnnlab-bench-ray-{os.getpid()}"))
    cluster = LocalCluster(cpus=(args.cpus,), object_store_mb=300).start()
    managers = {}
    try:
        import ray

        from rnnlab.jobs.cluster import connect

        connect(cluster.address)
        cluster.wait_nodes(ray)
        managers["local"] = JobManager(max_per_session=20, runner=LocalPool(args.cpus, 1000))
        managers["ray"] = JobManager(max_per_session=20, runner=RayRunner(cluster.address))
        for name, m in managers.items():
            assert m.wait_ready(300), name
            _warm(m, _jobs(f"{name}-warm"), args.cpus)
        walls: dict[str, list[float]] = {"local": [], "ray": []}
        seconds: dict[str, list[float]] = {"ecg200": [], "ecg5000": []}
        for r in range(args.rounds):
            for name in ("local", "ray") if r % 2 == 0 else ("ray", "local"):
                wall, done = _burst(managers[name], _jobs(f"{name}-r{r}"))
                walls[name].append(wall)
                for d in done:
                    seconds["ecg5000" if "ecg5000" in d.run_id else "ecg200"].append(d.result["seconds"])
                print(f"round {r + 1} {name:<5}: 12 trainings in {wall:6.1f} s", flush=True)
        first = {name: _first_point(m, _jobs(f"{name}-fp")[0]) for name, m in managers.items()}
    finally:
        for m in managers.values():
            m.shutdown()
        cluster.stop()
    total = {k: sum(v) for k, v in walls.items()}
    result = {
        "cpus": args.cpus, "rounds": args.rounds, "wall_s": total, "ratio": total["ray"] / total["local"],
        "first_point_s": first, "job_seconds": {k: statistics.median(v) for k, v in seconds.items()},
    }  # fmt: skip
    DURATIONS.write_text(json.dumps({"measured_by": "python -m bench.bench_ray overhead", "cpus": args.cpus,
                                     "concurrent_jobs": args.cpus, "seconds": seconds}, indent=1) + "\n")  # fmt: skip
    print(row(f"Ray vs local pool, 8 ECG200 + 4 ECG5000 on {args.cpus} CPUs",
              f"Ray {total['ray']:.1f} s vs local {total['local']:.1f} s = {result['ratio']:.2f}×", "≤ 1.10×",
              result["ratio"] <= 1.10))  # fmt: skip
    print(row("first curve point after submit (warm)", f"Ray {first['ray']:.2f} s, local {first['local']:.2f} s",
              "≤ 1.5 s", first["ray"] <= 1.5))  # fmt: skip
    print(json.dumps(result))
    return result


def spread(args) -> dict:
    from rnnlab.jobs.manager import JobManager
    from rnnlab.jobs.ray_runner import RayRunner
    from tests.ray_cluster import LocalCluster

    os.environ.setdefault("RNNLAB_DATA_DIR", str(Path("/tmp") / f"rnnlab-bench-ray-{os.getpid()}"))
    cluster = LocalCluster(cpus=(1, 1), object_store_mb=200).start()
    manager = None
    try:
        import ray

        from rnnlab.jobs.cluster import connect

        connect(cluster.address)
        cluster.wait_nodes(ray)
        head = next(
            n["NodeID"] for n in ray.nodes() if n["Alive"] and "node:__internal_head__" in n["Resources"]
        )
        manager = JobManager(max_per_session=20, runner=RayRunner(cluster.address))
        assert manager.wait_ready(300)
        specs = [s for s in _jobs("spread") if "ecg200" in s.run_id][:8]
        wall, done = _burst(manager, specs)
        places = {}
        for d in done:
            node = d.result["node_id"]
            places[d.run_id] = "head" if node == head else "second"
            print(f"{d.run_id:<22} ran on node {node[:12]} ({places[d.run_id]}), pid {d.worker_pid}, "
                  f"{d.result['seconds']:.1f} s")  # fmt: skip
    finally:
        if manager is not None:
            manager.shutdown()
        cluster.stop()
    counts = {k: list(places.values()).count(k) for k in ("head", "second")}
    print(row("burst of 8 over two 1-CPU Ray nodes", f"head {counts['head']}, second {counts['second']} in "
              f"{wall:.1f} s", "both nodes used", min(counts.values()) > 0))  # fmt: skip
    return {"wall_s": wall, "counts": counts}


def faults(args) -> dict:
    """Two 1-CPU nodes each training; the second node leaves: its run fails with the reason, the other
    finishes, its epochs so far stay in the store, and the next job runs on a fresh actor."""
    from rnnlab.jobs.manager import JobManager
    from rnnlab.jobs.ray_runner import RayRunner
    from rnnlab.runs.store import RunStore
    from tests.ray_cluster import LocalCluster
    from tests.test_jobs import spec

    os.environ.setdefault("RNNLAB_DATA_DIR", str(Path("/tmp") / f"rnnlab-bench-ray-{os.getpid()}"))
    cluster = LocalCluster(cpus=(1, 1)).start()
    manager = None
    try:
        import ray

        from rnnlab.jobs.cluster import connect

        connect(cluster.address)
        cluster.wait_nodes(ray)
        store = RunStore()
        manager = JobManager(max_per_session=5, recorder=store, runner=RayRunner(cluster.address))
        ids = [manager.submit(spec(f"fault-{i}", session=f"s{i}", epochs=3000, n=200)) for i in range(2)]
        while any(len(manager.status(j).history.get("loss", [])) < 2 for j in ids):
            time.sleep(0.2)
        t0 = time.perf_counter()
        cluster.kill_node(1)  # ray start --block on SIGTERM drains its node, then ends it
        while all(manager.status(j).active for j in ids):
            time.sleep(0.2)
        gone = next(manager.status(j) for j in ids if not manager.status(j).active)
        left = next(j for j in ids if j != gone.job_id)
        print(
            f"node removed: run {gone.run_id} {gone.state} after {time.perf_counter() - t0:.1f} s: {gone.message}"
        )
        print(f"  its epochs kept in the store: {store.get_run(gone.run_id)['epochs_done']}")
        print(f"  the other run: {manager.status(left).state}")
        manager.stop(left)
        nxt = manager.wait(manager.submit(spec("fault-next", session="s9")), timeout=180)
        print(f"next job: {nxt.state} on a fresh actor (pid {nxt.worker_pid})")
    finally:
        if manager is not None:
            manager.shutdown()
        cluster.stop()
    ok = gone.state == "failed" and nxt.state == "finished"
    print(row("Ray node removed mid-training", f"its run {gone.state}, the next job {nxt.state}",
              "only that run fails", ok))  # fmt: skip
    return {"failed": gone.state, "next": nxt.state}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["overhead", "spread", "faults"], nargs="?", default="overhead")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per side, alternating (default 1)")
    parser.add_argument("--cpus", type=int, default=2, help="pool workers = Ray node CPUs (default 2)")
    args = parser.parse_args(argv)
    outer = _in_namespace(argv)
    if outer is not None:
        return outer
    {"overhead": overhead, "spread": spread, "faults": faults}[args.what](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
