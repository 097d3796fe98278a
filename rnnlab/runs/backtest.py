"""A rolling-origin backtest as one request of runs: one training job per origin, judged together.

:func:`backtest_specs` plans the origins (:func:`rnnlab.task.origins.plan_origins`) and makes one
:class:`~rnnlab.jobs.types.JobSpec` per origin, all in one group ``"backtest:<id>"``: the job manager runs
them like any training (in parallel on the local pool's workers or over a Ray cluster; Stop stops each),
and the run store keeps every origin as an ordinary run with its group, so the backtest survives a
restart, compares on Compare and exports like any run. :func:`report` reads the origins' runs (or the
jobs' summaries) back into the per-origin table and the verdict over the origins
(:func:`rnnlab.evaluation.backtest.summarize`).

Example:
    >>> report([])["summary"]["outcome"] is None
    True
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from rnnlab.core.metric_registry import main_metric
from rnnlab.evaluation import backtest
from rnnlab.jobs.types import JobSpec
from rnnlab.runs.compare import group_specs
from rnnlab.task import origins as task_origins

GROUP_PREFIX = "backtest:"


def backtest_specs(
    dataset: Any, dataset_ref: dict, task: Any, model: Any, train: Any, workspace: str, session_id: str,
    n_origins: int = 5, sliding: bool = False, client: str = "",
) -> list[JobSpec]:  # fmt: skip
    """One training per origin, earliest first, in one new group.

    Raises:
        ValueError, DataError: the task cannot be backtested, or the data is too short for ``n_origins``.
    """
    group = f"{GROUP_PREFIX}{uuid.uuid4().hex[:12]}"
    tasks = task_origins.plan_origins(dataset, task, n_origins, sliding)
    return group_specs(
        dataset, dataset_ref, [(t, model, train) for t in tasks], workspace, session_id, group, client
    )


def _origin(record: Mapping[str, Any]) -> dict[str, Any]:
    """One origin's plain record from a stored run or a job's summary (with ``task``)."""
    task = record.get("task_config") or record.get("task") or {}
    cutoff, history = task_origins.origin_of(task)
    return {
        "run_id": record.get("id") or record.get("run_id"),
        "status": record.get("status"),
        "cutoff": cutoff,
        "history": history,
        "test": record.get("test_metrics") or record.get("test") or {},
        "scoreboard": record.get("scoreboard") or [],
        "message": record.get("message"),
        **{key: record[key] for key in ("node", "node_id") if record.get(key)},  # where it ran (Ray)
    }


def report(records: Sequence[Mapping[str, Any]], metric: str | None = None) -> dict[str, Any]:
    """The backtest's table and verdict: ``{"origins": [...], "summary": {...}}`` (the CLI's JSON).

    Args:
        records: The origins' stored runs or job summaries, in any order (sorted here, earliest first).
        metric: The main metric (default: the runs' own, ``mae`` for a forecast).

    Each origin: ``{"origin", "cutoff", "history", "status", "model": {metric: value},
    "baselines": [{"name", metric: value, …}], "run_id"}``; the baselines' values are their test scores at
    that origin (a reference row keeps its flags, e.g. ``classical``).
    """
    rows = sorted((_origin(r) for r in records), key=lambda o: -o["cutoff"])
    metric = (
        metric
        or next((r.get("main_metric") for r in records if r.get("main_metric")), None)
        or main_metric("forecast")
    )
    origins: list[dict[str, Any]] = []
    for k, o in enumerate(rows, start=1):
        baselines = []
        for row in o["scoreboard"]:
            entry = {"name": row.get("name"), **(row.get("test") or {})}
            entry.update({flag: True for flag in ("reference", "classical", "sees_targets") if row.get(flag)})
            baselines.append(entry)
        origins.append({"origin": k, "cutoff": o["cutoff"], "history": o["history"], "status": o["status"],
                        "model": o["test"], "baselines": baselines, "run_id": o["run_id"],
                        **{key: o[key] for key in ("node", "node_id") if key in o},
                        **({"message": o["message"]} if o["status"] not in ("finished", "early_stopped") else {})})  # fmt: skip
    return {"origins": origins, "summary": backtest.summarize(rows, metric)}


__all__ = ["GROUP_PREFIX", "backtest_specs", "report"]
