"""Judge a trained model on the test split against the naive baselines, in original units.

The best baseline is chosen on the validation split and compared on the test
split. Skill is the relative error reduction against it:
``1 − error_model / error_baseline`` (error = MAE for regression-type tasks,
``1 − accuracy`` for classification), so 0.31 means 31 % less error.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rnnlab.core import metric_registry
from rnnlab.core.metric_registry import (
    error_of,
    format_metric,
    higher_is_better,
    metric_info,
    metric_label,
)
from rnnlab.evaluation import metrics
from rnnlab.evaluation import scoreboard as baselines


def skill_score(main_metric: str, model_value: float, baseline_value: float) -> float:
    """Relative error reduction of the model against a baseline.

    Example:
        >>> round(skill_score("mae", 0.69, 1.0), 2)
        0.31
        >>> round(skill_score("accuracy", 0.9, 0.8), 2)  # error 0.1 against 0.2
        0.5
    """
    metric_info(main_metric, what="main_metric")
    model_error, base_error = error_of(main_metric, model_value), error_of(main_metric, baseline_value)
    if base_error <= 0.0:
        return 0.0 if model_error <= 0.0 else -1.0
    return 1.0 - model_error / base_error


def verdict(main_metric: str, model_value: float, best_baseline: dict) -> tuple[float, str]:
    """Skill against the best baseline and a plain sentence saying whether the model beats it.

    Args:
        main_metric: ``"mae"`` or ``"accuracy"`` (``framed.main_metric``).
        model_value: The model's test value of that metric.
        best_baseline: A scoreboard row ``{"name", "val": {...}, "test": {...}}`` (chosen on val).

    Returns:
        ``(skill, text)``.

    Example:
        >>> verdict("mae", 0.69, {"name": "last value", "test": {"mae": 1.0}})[1]
        'beats last value, the best baseline, by 31 % in MAE'
        >>> verdict("accuracy", 0.5, {"name": "most frequent class", "test": {"accuracy": 0.6}})[1]
        'does not beat the most frequent class baseline (accuracy 0.5 against 0.6)'
    """
    name = best_baseline["name"]
    base_value = float(best_baseline["test"][main_metric])
    skill = skill_score(main_metric, model_value, base_value)
    label = metric_label(main_metric)
    if not math.isfinite(float(model_value)):
        return -1.0, f"does not beat the {name} baseline: the model's {label} is {model_value}"
    if skill > 0.0:
        pct = f"{skill * 100:.0f}" if skill >= 0.01 else f"{skill * 100:.1f}"
        if higher_is_better(main_metric):
            return skill, (
                f"beats {name}, the best baseline, by {pct} % fewer errors "
                f"({label} {format_metric(main_metric, model_value)} against "
                f"{format_metric(main_metric, base_value)})"
            )
        return skill, f"beats {name}, the best baseline, by {pct} % in {label}"
    model_text, base_text = format_metric(main_metric, model_value), format_metric(main_metric, base_value)
    return skill, f"does not beat the {name} baseline ({label} {model_text} against {base_text})"


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


def _scoreboard(framed) -> tuple[list[dict], dict]:
    board = baselines.scoreboard(framed)
    return board, baselines.best(board, metric=framed.main_metric)


def evaluate(
    model, framed, *, scoreboard: list[dict] | None = None, best_baseline: dict | None = None
) -> dict:
    """Test metrics of ``model`` beside every baseline, the skill and the verdict.

    Args:
        model: A trained Keras model built by :func:`rnnlab.models.build.build_model`.
        framed: The framed data it was trained on.
        scoreboard: ``baselines.scoreboard(framed)`` if already computed.
        best_baseline: The best scoreboard row (on validation) if already chosen.

    Returns:
        ``{"test": {metric: value}, "predictions": array (original units; probabilities for classify),
        "scoreboard": [...], "best_baseline": {...}, "main_metric": str, "skill": float, "verdict": str}``.
    """
    predictions = predict(model, framed, "test")
    test = _task_metrics(framed, framed.split("test").y, predictions)
    if scoreboard is None:
        scoreboard, best = _scoreboard(framed)
        best_baseline = best_baseline or best
    elif best_baseline is None:
        best_baseline = baselines.best(scoreboard, metric=framed.main_metric)
    skill, text = verdict(framed.main_metric, test[framed.main_metric], best_baseline)
    return {
        "test": test,
        "predictions": predictions,
        "scoreboard": scoreboard,
        "best_baseline": best_baseline,
        "main_metric": framed.main_metric,
        "skill": float(skill),
        "verdict": text,
    }


def result_predictions(result: dict) -> np.ndarray | None:
    """The test predictions a finished job sent back, as an array, or ``None``.

    Original units; class probabilities ``(n, n_classes)`` for classification.
    """
    y_pred = (result.get("predictions") or {}).get("y_pred")
    return None if y_pred is None else np.asarray(y_pred, dtype=np.float32)


def comparison_rows(evaluation: dict) -> list[dict[str, Any]]:
    """The model's test metrics, then every baseline's, as table rows (original units).

    Returns:
        ``[{"model": "your model", "mae": …, …}, {"model": "last value", "mae": …, "best on val": "✓"}, …]``.
    """
    best = (evaluation.get("best_baseline") or {}).get("name")
    rows = [{"model": "your model", **evaluation["test"], "best on val": ""}]
    for row in evaluation.get("scoreboard") or []:
        rows.append({"model": row["name"], **row["test"], "best on val": "✓" if row["name"] == best else ""})
    return rows


def result_main_metric(result: dict) -> str:
    """The metric a finished run is judged by: the one it names, else accuracy when it has it, else MAE.

    Example:
        >>> result_main_metric({"test": {"accuracy": 0.9, "log_loss": 0.3}})
        'accuracy'
    """
    kind = "classify" if "accuracy" in (result.get("test") or {}) else None
    return result.get("main_metric") or metric_registry.main_metric(kind)
