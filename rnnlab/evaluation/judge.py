"""Judge a trained model on the test split against the naive baselines, in original units.

The best baseline is chosen on the validation split and compared on the test
split; :mod:`rnnlab.evaluation.verdict` states the outcome (win, mixed, tie or
loss, every baseline better on test named, the noise of the test set measured).
Skill is the relative error reduction against the chosen baseline:
``1 − error_model / error_baseline`` (error = MAE for regression-type tasks,
``1 − accuracy`` for classification), so 0.31 means 31 % less error.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import numpy as np

from rnnlab.core import metric_registry
from rnnlab.evaluation import metrics, uncertainty
from rnnlab.evaluation import scoreboard as baselines
from rnnlab.evaluation.classical_reference import classical_rows
from rnnlab.evaluation.scoreboard import ScoreRow
from rnnlab.evaluation.verdict import Verdict, VerdictDict, judge, score_parts, skill_score

__all__ = ["Evaluation", "comparison_rows", "evaluate", "judge_test", "judge_uncertainty", "per_sequence_rows", "predict", "result_main_metric", "tested_sequences",
           "result_predictions", "skill_score"]  # fmt: skip


class Evaluation(TypedDict):
    """What :func:`evaluate` finds: a trained model judged on test against the baselines."""

    test: dict[str, float]  # the model's test metrics
    predictions: np.ndarray  # original units; probabilities for classify
    scoreboard: list[ScoreRow]
    best_baseline: ScoreRow  # the row chosen on validation
    main_metric: str
    skill: float
    verdict: str  # the verdict's sentence
    judgement: VerdictDict
    uncertainty: dict[str, Any]  # prediction intervals or calibration


def predict(model, framed, split: str = "test", batch_size: int = 256) -> np.ndarray:
    """The model's predictions on a split in original units (class probabilities for classify).

    Returns:
        classify: ``(n, n_classes)``; tagging classes ``(n, T, n_classes)``; otherwise ``(n, *framed.y_shape)``
        in the target's units (with ``predict='change'`` the window's last value is added back).
    """
    X = framed.scaled(split)[0]
    raw = np.asarray(model.predict(X, batch_size=batch_size, verbose=0))
    if framed.is_class_task:
        return raw
    raw = raw.reshape((len(X), *tuple(framed.y_shape)))
    return np.asarray(
        framed.unscale_y(raw, split)
    )  # predicting the change: the split's last values added back


def _task_metrics(framed, y_true, y_pred) -> dict[str, float]:
    return {k: float(v) for k, v in metrics.task_metrics(framed, y_true, y_pred).items()}


def _resampling(framed) -> tuple[np.ndarray | None, int, str]:
    """How the verdict's bootstrap draws test samples: ``(groups, block, unit)``.

    Windows of a collection: whole sequences when there are 5 or more; windows of one series: blocks of
    consecutive windows (``max(horizon, ⌈n^⅓⌉)``), since neighbouring windows share most of their steps;
    sequences (classify, regress, tag): one at a time.
    """
    test = framed.split("test")
    if framed.config.kind != "forecast":
        return None, 1, "sequences"
    if test.sequence is not None and len(np.unique(test.sequence)) >= 5:
        return np.asarray(test.sequence), 1, "windows"
    horizon = max(framed.offsets or (1,))
    return None, max(int(horizon), math.ceil(len(test) ** (1 / 3))), "windows"


def judge_test(
    framed,
    main: str,
    model_value: float,
    predictions,
    board: Sequence[ScoreRow],
    best: ScoreRow,
    test_predictions: dict[str, np.ndarray],
) -> Verdict:
    """The :class:`~rnnlab.evaluation.verdict.Verdict` of test ``predictions`` against the baselines'."""
    y_true = framed.split("test").y
    n_classes = framed.n_classes
    model_parts = score_parts(y_true, predictions, main, n_classes) if len(y_true) else None
    base_parts = {name: score_parts(y_true, pred, main, n_classes) for name, pred in test_predictions.items()}
    groups, block, unit = _resampling(framed)
    if framed.config.kind == "tag":
        unit = "sequences"
    return judge(main, model_value, board, best, model_parts=model_parts, baseline_parts=base_parts,
                 groups=groups, block=block, n_test=len(y_true), unit=unit)  # fmt: skip


def evaluate(
    model,
    framed,
    *,
    scoreboard: list[ScoreRow] | None = None,
    best_baseline: ScoreRow | None = None,
    level: float = uncertainty.LEVEL,
) -> Evaluation:
    """Test metrics of ``model`` beside every baseline, the skill, the verdict and how far to trust it.

    Args:
        model: A trained Keras model built by :func:`rnnlab.models.build.build_model`.
        framed: The framed data it was trained on.
        scoreboard: ``baselines.scoreboard(framed)`` if already computed (then no baseline is refitted,
            no classical reference is added and the verdict has no bootstrap interval).
        best_baseline: The best scoreboard row (on validation) if already chosen.
        level: The nominal coverage of the prediction intervals (values; classes get calibration instead).

    Returns:
        ``{"test": {metric: value}, "predictions": array (original units; probabilities for classify),
        "scoreboard": [...], "best_baseline": {...}, "main_metric": str, "skill": float, "verdict": str,
        "judgement": Verdict.to_dict(), "uncertainty": {...}}``. A forecast's scoreboard ends with the
        classical reference (``"reference": True``), which is never chosen nor a rival (the verdict's notes
        say why when it was skipped); ``uncertainty`` is :func:`rnnlab.evaluation.uncertainty.intervals` or ``.calibration``.
    """
    predictions = predict(model, framed, "test")
    test = _task_metrics(framed, framed.split("test").y, predictions)
    main = framed.main_metric
    test_predictions: dict[str, np.ndarray] = {}
    notes: list[str] = []
    if scoreboard is None:
        scoreboard, test_predictions = baselines.judged_scoreboard(framed)
        if framed.config.kind == "forecast":
            reference_rows, notes = classical_rows(framed)
            scoreboard = scoreboard + reference_rows
    best_baseline = best_baseline or baselines.best(scoreboard, metric=main)
    verdict = judge_test(framed, main, test[main], predictions, scoreboard, best_baseline, test_predictions)
    if notes:  # why the classical reference is missing, said where the verdict says how it was judged
        verdict = dataclasses.replace(verdict, notes=verdict.notes + tuple(notes))
    return {
        "test": test,
        "predictions": predictions,
        "scoreboard": scoreboard,
        "best_baseline": best_baseline,
        "main_metric": main,
        "skill": float(verdict.skill),
        "verdict": verdict.text,
        "judgement": verdict.to_dict(),
        "uncertainty": judge_uncertainty(model, framed, predictions, level),
    }


def judge_uncertainty(model, framed, predictions, level: float = uncertainty.LEVEL) -> dict:
    """Classes: the calibration of the test probabilities; values: conformal intervals from validation."""
    if framed.is_class_task:
        return uncertainty.calibration(framed, predictions)
    val = predict(model, framed, "val") if len(framed.split("val")) else np.zeros((0, *framed.y_shape))
    return uncertainty.intervals(framed, val, predictions, level)


def result_predictions(result: Mapping[str, Any]) -> np.ndarray | None:
    """The test predictions a finished job sent back, as an array, or ``None``.

    Original units; class probabilities ``(n, n_classes)`` for classification.
    """
    y_pred = (result.get("predictions") or {}).get("y_pred")
    return None if y_pred is None else np.asarray(y_pred, dtype=np.float32)


def comparison_rows(evaluation: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The model's test metrics, then every baseline's, as table rows (original units).

    Returns:
        ``[{"model": "your model", "mae": …, "chosen on val": "", "better on test": ""},
        {"model": "last value", "mae": …, "chosen on val": "✓", "better on test": "✓"}, …]``; the classical
        reference's row says "✓ (a reference)" when it does better on test (it is never a rival).
    """
    best = (evaluation.get("best_baseline") or {}).get("name")
    judged = evaluation.get("judgement") or {}
    better = {r.get("name") for r in judged.get("better") or [] if isinstance(r, dict)}
    rows = [{"model": "your model", **evaluation["test"], "chosen on val": "", "better on test": ""}]
    for row in evaluation.get("scoreboard") or []:
        mark = "✓" if row["name"] in better else ""
        if row.get("reference"):  # the classical reference: shown, never chosen, never a rival
            mark = "✓ (a reference)" if _beats_model(evaluation, row) else ""
        rows.append({"model": row["name"], **row["test"], "chosen on val": "✓" if row["name"] == best else "",
                     "better on test": mark})  # fmt: skip
    return rows


def _beats_model(evaluation: Mapping[str, Any], row: ScoreRow) -> bool:
    main = result_main_metric(evaluation)
    mine, theirs = (evaluation.get("test") or {}).get(main), (row.get("test") or {}).get(main)
    if mine is None or theirs is None or not (math.isfinite(mine) and math.isfinite(theirs)):
        return False
    return metric_registry.error_of(main, float(theirs)) < metric_registry.error_of(main, float(mine))


def tested_sequences(framed) -> dict[int, str]:
    """``{index in the dataset: sequence id}`` of the sequences a collection forecast tests on (``{}`` else)."""
    test = framed.split("test")
    if framed.config.kind != "forecast" or test.sequence is None or not len(test):
        return {}
    return {int(i): str(framed.sequence_ids[int(i)]) for i in np.unique(test.sequence)}


def per_sequence_rows(
    framed, predictions: np.ndarray, baseline_predictions: dict[str, np.ndarray], names: list[str]
) -> list[dict[str, Any]]:
    """Test MAE per sequence of a collection forecast: the model beside the named baselines (a sortable table).

    Args:
        framed: A forecast of a collection (``test.sequence`` set).
        predictions: The model's test predictions in original units.
        baseline_predictions: ``{name: test predictions}`` (:func:`rnnlab.evaluation.scoreboard.predict_all`).
        names: The baselines to show (the one chosen on validation, those better on test).

    Returns:
        ``[{"sequence": id, "test windows": n, "model MAE": …, "<name> MAE": …, "model better": "✓"}, …]``.
    """
    test = framed.split("test")
    if test.sequence is None or not len(test):
        return []
    chosen = names[0] if names else None
    rows = []
    for seq in np.unique(test.sequence):
        mine = test.sequence == seq
        row: dict[str, Any] = {"sequence": str(framed.sequence_ids[int(seq)]), "test windows": int(mine.sum())}
        row["model MAE"] = metrics.mae(test.y[mine], np.asarray(predictions)[mine])
        for name in names:
            if name in baseline_predictions:
                row[f"{name} MAE"] = metrics.mae(test.y[mine], np.asarray(baseline_predictions[name])[mine])
        if chosen is not None and f"{chosen} MAE" in row:
            row[f"model better than {chosen}"] = "✓" if row["model MAE"] < row[f"{chosen} MAE"] else ""
        rows.append(row)
    return rows


def result_main_metric(result: Mapping[str, Any]) -> str:
    """The metric a finished run is judged by: the one it names, else accuracy when it has it, else MAE.

    Example:
        >>> result_main_metric({"test": {"accuracy": 0.9, "log_loss": 0.3}})
        'accuracy'
    """
    kind = "classify" if "accuracy" in (result.get("test") or {}) else None
    return result.get("main_metric") or metric_registry.main_metric(kind)
