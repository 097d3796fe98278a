"""``python -m rnnlab cluster``: the Ray cluster trainings run on; and ``train … --ray ADDRESS``'s job.

``cluster --json`` prints the nodes with their CPUs and GPUs (total and free) and the free training slots;
``train … --ray ADDRESS`` (or ``$RNNLAB_RAY_ADDRESS``) sends the training to the cluster through the same
job manager the dashboard uses, prints each epoch as it ends and, with ``--save``, records the run in this
machine's run store (the model comes back as bytes). A cluster that cannot be reached ends either command
with status 2 and one line on stderr.

Example::

    RAY_AUTH_TOKEN=… python -m rnnlab cluster --json --ray 10.0.0.5:6379
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from rnnlab.cli.common import print_json
from rnnlab.core import settings
from rnnlab.jobs.cluster import cluster_info
from rnnlab.jobs.manager import JobManager
from rnnlab.jobs.runner import make_runner
from rnnlab.jobs.types import ClusterUnreachable, JobSpec
from rnnlab.runs.recorder import CLI_WORKSPACE
from rnnlab.runs.store import RunStore, new_run_id


def _unreachable(err: ClusterUnreachable) -> int:
    print(f"error: {err}", file=sys.stderr)
    return 2


def show(args: argparse.Namespace) -> int:
    address = args.ray or settings.ray_address() or "auto"
    try:
        info = cluster_info(address)
    except ClusterUnreachable as err:
        return _unreachable(err)
    if args.json:
        print_json(info)
        return 0
    print(f"Ray cluster at {info['address']}: {info['cpus']:g} CPUs, {info['gpus']:g} GPUs, "
          f"{info['free_slots']} free CPU slots, {info['free_gpu_slots']} free GPU slots")  # fmt: skip
    for node in info["nodes"]:
        state = "alive" if node["alive"] else "gone"
        print(f"  {node['address']:<16} {node['node_id'][:12]}  {state:<5}  "
              f"CPU {node['free_cpus']:g}/{node['cpus']:g} free  GPU {node['free_gpus']:g}/{node['gpus']:g} free")  # fmt: skip
    return 0


def _epoch_lines(history: dict[str, list[float]], start: int, epochs: int) -> list[str]:
    n = max((len(v) for v in history.values()), default=0)
    return [
        f"epoch {i + 1}/{epochs}  " + "  ".join(f"{k} {v[i]:.4f}" for k, v in history.items() if i < len(v))
        for i in range(start, n)
    ]


def train_on_cluster(
    args, address: str, dataset, framed, model_config, train_config, ref: dict
) -> dict[str, Any]:
    """Run one training on the cluster; return its summary (``run_id`` added when saved).

    Raises:
        ClusterUnreachable: When the cluster cannot be reached.
        ValueError: When the training failed there (its reason: an actor killed, a node gone, bad data).
    """
    save = bool(args.save or args.workspace)
    runner = make_runner(1, 1, address=address)
    manager = JobManager(max_per_session=1, recorder=RunStore() if save else None, runner=runner)
    run_id = new_run_id()
    spec = JobSpec(dataset=dataset, dataset_ref=ref, task=framed.config, model=model_config, train=train_config,
                   workspace=args.workspace or CLI_WORKSPACE, session_id="cli", run_id=run_id)  # fmt: skip
    try:
        job_id = manager.submit(spec)
        printed = 0
        while True:
            status = manager.status(job_id)
            for line in _epoch_lines(status.history, printed, train_config.epochs):
                print(line, file=sys.stderr, flush=True)
                printed += 1
            if not status.active:
                break
            if manager.problem():
                raise ClusterUnreachable(manager.problem())
            time.sleep(0.2)
    except KeyboardInterrupt:
        manager.stop(job_id)
        status = manager.wait(job_id, timeout=60)
    finally:
        manager.shutdown(timeout=30)  # its thread makes the last store calls before it ends
    summary = dict(status.result or {"status": "failed", "message": status.message})
    if status.state == "failed" and summary.get("status") != "diverged":
        raise ValueError(status.message)  # one line, exit status 2 (a killed actor, a node gone, bad data)
    summary["run_id"] = run_id if save else None
    summary["workspace"] = spec.workspace
    return summary


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "cluster", help="the Ray cluster trainings run on: nodes, CPUs, GPUs, free slots"
    )
    p.add_argument(
        "--ray", metavar="ADDRESS", help="auto, host:6379 or ray://host:10001 (default $RNNLAB_RAY_ADDRESS)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=show)
