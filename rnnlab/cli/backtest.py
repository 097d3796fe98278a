"""``python -m rnnlab backtest DATA --origins K [--sliding] …``: the same forecast retrained at K origins.

Every origin is one training job through the job manager the dashboard uses: on this machine's worker
pool (they run side by side, one per worker), or on a Ray cluster with ``--ray ADDRESS`` (or
``$RNNLAB_RAY_ADDRESS``). Epoch lines go to stderr with their origin; ``--json`` prints
``{"origins": [{"origin", "cutoff", "history", "status", "model": {metric: value}, "baselines": [{"name",
metric: value, …}], "run_id"}, …], "summary": {…}}`` (see :func:`rnnlab.runs.backtest.report`). ``--save``
(or ``--workspace``) records every origin in the run store as one backtest, as the dashboard does.
Ctrl-C stops every origin.

Example::

    python -m rnnlab backtest --lesson race_sunspots --cell gru --origins 5 --epochs 5 --json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rnnlab.cli import train
from rnnlab.cli.common import print_json
from rnnlab.core import settings
from rnnlab.core.values import to_json_value
from rnnlab.jobs.manager import JobManager
from rnnlab.jobs.runner import make_runner
from rnnlab.jobs.types import ClusterUnreachable
from rnnlab.runs import backtest, lessons
from rnnlab.runs.recorder import CLI_WORKSPACE
from rnnlab.runs.store import RunStore
from rnnlab.task import framing
from rnnlab.task import origins as task_origins

POLL_SECONDS = 0.2


def _epoch_lines(k: int, n: int, history: dict[str, list[float]], start: int, epochs: int) -> list[str]:
    done = max((len(v) for v in history.values()), default=0)
    return [
        f"origin {k}/{n}  epoch {i + 1}/{epochs}  "
        + "  ".join(f"{name} {v[i]:.4f}" for name, v in history.items() if i < len(v))
        for i in range(start, done)
    ]


def _keep_upload(store: RunStore, workspace: str, data: str) -> None:
    """A CSV file is kept like an upload, so that every origin's run exports whole."""
    from rnnlab.runs.uploads import UploadStore

    path = Path(data)
    UploadStore(store).put(workspace, path.name, path.read_bytes())


def _wait(manager: JobManager, job_ids: list[str], epochs: int) -> list:
    printed = dict.fromkeys(job_ids, 0)
    n = len(job_ids)
    while True:
        statuses = [manager.status(j) for j in job_ids]
        for k, status in enumerate(statuses, start=1):
            for line in _epoch_lines(k, n, status.history, printed[status.job_id], epochs):
                print(line, file=sys.stderr, flush=True)
                printed[status.job_id] += 1
        if not any(s.active for s in statuses):
            return statuses
        if manager.problem():
            raise ClusterUnreachable(manager.problem())
        time.sleep(POLL_SECONDS)


def run(args: argparse.Namespace) -> int:
    """``backtest``: plan the origins, check the budgets on the largest, run one job per origin through the job
    manager (the local pool or Ray) and print the table and the verdict over the origins."""
    options, dataset, (task_config, model_config, train_config) = train.read_and_configure(args, "backtest")
    if args.lesson and lessons.get_lesson(args.lesson).race and args.cell is None:
        model_config = model_config.replace(cell="gru")  # a race lesson backtests one cell: GRU unless --cell
    save = bool(args.save or args.workspace)
    store = RunStore() if save else None
    workspace = args.workspace or CLI_WORKSPACE
    specs = backtest.backtest_specs(dataset, train.dataset_ref(args.data, options), task_config, model_config, train_config,
                                    workspace, "cli", args.origins, args.sliding)  # fmt: skip
    train.check_budgets(
        framing.frame(dataset, specs[-1].task), model_config, train_config
    )  # the largest origin
    if store is not None and Path(args.data).is_file():
        _keep_upload(store, workspace, args.data)
    t0 = time.perf_counter()
    try:
        statuses = _run_origins(specs, store, args.ray or settings.ray_address(), train_config.epochs)
    except ClusterUnreachable as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    records = [
        {**(status.result or {"status": status.state, "message": status.message}), "task": spec.task.to_dict(),
         "run_id": spec.run_id if save else None}
        for spec, status in zip(specs, statuses)
    ]  # fmt: skip
    out = backtest.report(records)
    out["group"] = specs[0].group if save else None
    out["seconds"] = round(time.perf_counter() - t0, 3)
    out["spans"] = task_origins.origin_spans(dataset, [s.task for s in specs])
    out["config"] = {"task": task_config.to_dict(), "model": model_config.to_dict(), "train": train_config.to_dict(),
                     "origins": args.origins, "sliding": bool(args.sliding)}  # fmt: skip
    if args.json:
        print_json(to_json_value(out, nan_to_none=True))
    else:
        _print_report(out)
    return 0 if out["summary"].get("outcome") is not None else 1


def _run_origins(specs: list, store, address: str | None, epochs: int) -> list:
    """Every origin's job through a job manager of this process (Ray at ``address``, else a local pool of up to
    one worker per origin), printing their epochs; Ctrl-C stops them all. Returns their final statuses.

    Raises:
        ClusterUnreachable: the Ray cluster cannot be reached, or went away.
    """
    runner = make_runner(min(settings.n_workers(), len(specs)), settings.jobs_per_worker(), address=address)
    manager = JobManager(max_queued=len(specs), max_per_session=len(specs), recorder=store, runner=runner)
    manager.max_per_workspace = manager.max_per_client = len(
        specs
    )  # one person's own machine: no class limits
    job_ids: list[str] = []
    try:
        job_ids = [manager.submit(spec) for spec in specs]
        return _wait(manager, job_ids, epochs)
    except KeyboardInterrupt:
        for job_id in job_ids:
            manager.stop(job_id)
        return [manager.wait(j, timeout=60) for j in job_ids]
    finally:
        manager.shutdown(timeout=30)  # its thread makes the last store calls before it ends


def _print_report(out: dict) -> None:
    summary = out["summary"]
    metric = summary["main_metric"]
    for origin, span in zip(out["origins"], out["spans"]):
        where = (span.get("times") or {}).get("test_start", span["test_start"])
        model = (origin["model"] or {}).get(metric)
        base = next(
            (b.get(metric) for b in origin["baselines"] if b["name"] == summary.get("baseline")), None
        )
        if model is None or base is None:
            print(f"origin {origin['origin']} (test from {where}): {origin['status']}")
        else:
            print(f"origin {origin['origin']} (test from {where}): model {metric} {model:.4g}, "
                  f"{summary['baseline']} {base:.4g}")  # fmt: skip
    if summary.get("outcome") is None:
        print(summary["text"])
    else:
        print(f"verdict over the origins: the model {summary['text']}")
    print(f"({out['seconds']:.1f} s)")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "backtest",
        help="retrain a forecast at several origins (rolling origin) and judge it over all of them",
    )
    train.add_training_options(p)
    p.add_argument("--origins", type=int, default=5,
                   help=f"how many forecast origins ({task_origins.MIN_ORIGINS} to {task_origins.MAX_ORIGINS}; default 5)")  # fmt: skip
    p.add_argument("--sliding", action="store_true",
                   help="train every origin on the same number of past steps (default: all the past, expanding)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--ray", metavar="ADDRESS",
                   help="run the origins on this Ray cluster (default $RNNLAB_RAY_ADDRESS)")  # fmt: skip
    p.add_argument("--save", action="store_true", help="record every origin in the run store as one backtest")
    p.add_argument(
        "--workspace", help="the workspace id the runs are saved to (implies --save; default: cli-runs)"
    )
    p.set_defaults(func=run)
