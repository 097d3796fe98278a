"""How a job's end is written down: the summary a job sends back and the run outcome the store gets.

One builder each, used by every path that ends a run — the job manager (local pool or Ray) and
:class:`rnnlab.runs.recorder.RunRecorder` (a headless ``python -m rnnlab train --save``):

- :func:`summarize` turns a :class:`rnnlab.training.fit.TrainResult` into a :class:`TrainSummary` (plain
  values: it travels through a pipe or over the network; the server never loads a model);
- :func:`failed_summary` is the summary of a job that raised or whose worker died;
- :func:`run_outcome` turns a summary into the :class:`RunOutcome` that
  :meth:`rnnlab.runs.store.RunStore.finish_run` takes;
- :func:`write_model` puts a model that came back as bytes (from a Ray node without the store's disk)
  where the store keeps models.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, TypedDict, cast

import numpy as np

from rnnlab.core.values import to_json_value
from rnnlab.evaluation.scoreboard import ScoreRow
from rnnlab.evaluation.verdict import VerdictDict

MAX_PREDICTIONS = (
    20_000  # test predictions travel back whole (the server never loads a model), up to this many
)


class Samples(TypedDict):
    """The test split's first :data:`MAX_PREDICTIONS` rows: index, truth and prediction (lists)."""

    index: list
    y_true: list
    y_pred: list


class _Judged(TypedDict, total=False):
    """What every ended training carries: how it ended, its curves, and how it compares to the baselines."""

    status: str  # finished | early_stopped | stopped | diverged | failed
    message: str
    history: dict[str, list[float]]
    test: dict[str, float] | None
    scoreboard: list[ScoreRow] | None
    best_baseline: ScoreRow | None  # the row chosen on validation
    skill: float | None
    verdict: str | None
    judgement: VerdictDict | None  # rnnlab.evaluation.verdict.Verdict.to_dict(): outcome, rivals, interval, …
    uncertainty: dict | None  # prediction intervals (forecast, regress) or calibration (classes)
    task: dict
    main_metric: str
    seconds: float
    device: str
    model_path: str | None
    params: int
    settings: dict
    dataset_ref: dict
    node: str  # where it ran (Ray: the node's address and id)
    node_id: str


class TrainSummary(_Judged, total=False):
    """What a training job sends back when it ends (also when it failed).

    ``model_path`` is set where the job saved the model itself (the local pool shares the server's disk);
    ``model_bytes`` instead when the model travels back (Ray) — the server writes it with :func:`write_model`.
    """

    predictions: Samples | None
    model_bytes: bytes
    traceback: str
    timings: dict[
        str, float
    ]  # time.time() of each phase in the worker: received, framed, compiled, fitted, …


class CallSummary(TypedDict, total=False):
    """What a lab job sends back: its function's plain dict in ``result`` once finished."""

    status: str  # finished | stopped | failed
    message: str
    result: dict | None
    seconds: float
    traceback: str
    node: str
    node_id: str


class RunOutcome(_Judged, total=False):
    """What :meth:`rnnlab.runs.store.RunStore.finish_run` gets: the summary without the traceback and the
    model bytes, predictions flattened to ``predictions`` (y_pred) and ``y_true``."""

    predictions: list | None
    y_true: list | None


def summarize(result: Any, framed: Any, model_path: str | None, device: str) -> TrainSummary:
    """The plain summary of a :class:`rnnlab.training.fit.TrainResult` on ``framed``.

    Args:
        result: The training's result (history, evaluation, model, status).
        framed: The :class:`~rnnlab.task.types.FramedData` it trained on (test rows for the predictions).
        model_path: Where the model was saved, ``None`` if it was not.
        device: The device it ran on (``"/CPU:0"``).
    """
    evaluation = result.evaluation or {}
    predictions = evaluation.get("predictions")
    samples: Samples | None = None
    if predictions is not None:
        k = min(MAX_PREDICTIONS, len(predictions))
        test = framed.split("test")
        samples = {
            "index": to_json_value(test.index[:k]),
            "y_true": to_json_value(test.y[:k]),
            "y_pred": to_json_value(np.asarray(predictions, dtype=np.float32)[:k]),
        }
    return {
        "status": result.status,
        "message": result.message,
        "history": result.history,
        "test": to_json_value(evaluation.get("test")),
        "scoreboard": to_json_value(evaluation.get("scoreboard")),
        "best_baseline": to_json_value(evaluation.get("best_baseline")),
        "skill": to_json_value(evaluation.get("skill")),
        "verdict": evaluation.get("verdict"),
        "judgement": to_json_value(evaluation.get("judgement")),
        "uncertainty": to_json_value(evaluation.get("uncertainty")),
        "predictions": samples,
        "task": framed.config.to_dict(),
        "main_metric": framed.main_metric,
        "seconds": result.seconds,
        "device": device,
        "model_path": model_path,
        "params": int(result.model.count_params()),
        "settings": to_json_value(result.settings),
    }


def failed_summary(
    message: str, *, since: float | None = None, device: str | None = None, tb: str = ""
) -> TrainSummary:
    """The summary of a job that did not end on its own: it raised, or its worker died.

    Args:
        message: Plain words for why (shown as the run's message).
        since: ``time.perf_counter()`` when the job started, for ``seconds``.
        device: The device it was to run on.
        tb: The traceback, logged by the server and never stored.
    """
    out: TrainSummary = {"status": "failed", "message": message, "history": {}}
    if since is not None:
        out["seconds"] = time.perf_counter() - since
    if device is not None:
        out["device"] = device
    if tb:
        out["traceback"] = tb
    return out


def run_outcome(summary: TrainSummary) -> RunOutcome:
    """The store's view of a training's end (the one place that builds it).

    Example:
        >>> run_outcome({"status": "finished", "traceback": "…", "predictions": {"y_pred": [1], "y_true": [2]}})
        {'status': 'finished', 'predictions': [1], 'y_true': [2]}
    """
    # The keys left are the judged ones both share (and where it ran, its timings); only the predictions
    # change type. A TypedDict cannot be built from a comprehension, hence the cast.
    outcome = cast(RunOutcome, {k: v for k, v in summary.items() if k not in ("traceback", "model_bytes")})
    samples = summary.get("predictions")
    if isinstance(samples, dict):
        outcome["predictions"] = samples.get("y_pred")
        outcome["y_true"] = samples.get("y_true")
    return outcome


def write_model(summary: TrainSummary, models_dir: str | Path, run_id: str) -> TrainSummary:
    """Write a model that came back as bytes to ``<models_dir>/<run_id>.keras``; return the summary with
    ``model_path`` set and the bytes dropped (a summary without bytes comes back unchanged)."""
    data = summary.get("model_bytes")
    if not data:
        return summary
    path = Path(models_dir) / f"{run_id}.keras"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".keras.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    out = summary.copy()
    del out["model_bytes"]
    out["model_path"] = str(path)
    return out
