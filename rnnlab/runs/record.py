"""A run as the run store returns it: one row of the ``runs`` table, its JSON columns decoded.

:class:`RunRecord` names every column once (the schema is :data:`rnnlab.runs.schema.MIGRATIONS`), so a
page or a table that reads a renamed or misspelt key is a type error, not a ``KeyError`` at run time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypedDict

from rnnlab.evaluation.scoreboard import ScoreRow
from rnnlab.evaluation.verdict import VerdictDict


class RunRecord(TypedDict):
    """One stored run (:meth:`rnnlab.runs.store.RunStore.get_run`, ``list_runs``, ``group_runs``, …)."""

    id: str
    workspace: str
    created: float
    updated: float | None
    status: str  # one of rnnlab.runs.values.STATUSES
    message: str | None
    label: str | None  # the name shown on the class board
    shared: bool  # shown on the class board
    imported: bool  # made elsewhere (a run file): never ranked
    run_group: str | None  # the request it belongs to ("race:…", "backtest:…"), else None
    dataset_name: str  # "" when the run named none
    dataset_ref: dict[str, Any] | None  # how to find the data again
    task_kind: str | None
    task_config: dict[str, Any] | None  # TaskConfig.to_dict()
    model_config: dict[str, Any] | None  # ModelConfig.to_dict()
    train_config: dict[str, Any] | None  # TrainConfig.to_dict()
    params: int | None
    device: str | None
    versions: dict[str, str] | None  # Python's and the libraries'
    owner_pid: int | None  # the server process that trains it
    owner_token: str | None
    epochs_done: int
    main_metric: str | None  # the metric the verdict uses
    best_val: float | None  # the best validation value of it over the epochs
    test_metrics: dict[str, float] | None
    test_value: float | None  # the main metric on test
    scoreboard: list[ScoreRow] | None
    best_baseline: ScoreRow | None  # the row chosen on validation
    verdict: str | None  # the verdict's sentence
    judgement: VerdictDict | None  # the verdict as plain data (None: judged before verdicts were objects)
    skill: float | None
    uncertainty: dict[str, Any] | None  # prediction intervals or calibration
    seconds: float | None
    model_path: str | None


class ModelRecord(RunRecord):
    """A run with a saved model (:meth:`rnnlab.runs.store.RunStore.list_models`)."""

    path: Path  # the model file
    mtime: float
    from_board: bool  # another workspace's run, shared on the class board


class Predictions(TypedDict):
    """A finished run's test predictions (:meth:`rnnlab.runs.store.RunStore.predictions`), original units."""

    y_pred: list[Any]  # nested lists: (n, *y shape), class probabilities for classify
    y_true: list[Any] | None
