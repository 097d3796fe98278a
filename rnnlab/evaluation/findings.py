"""Assemble the failure detectors' inputs for a training job, live and after it ended (no TensorFlow).

:mod:`rnnlab.evaluation.detectors` holds the pure checks; this module picks their inputs from what the Train
page has: the job's history so far, the worker's result summary (test predictions, metrics, best
baseline) and the framed data — the latter only when it is the data the job trained on.

Example:
    >>> live_findings({"loss": [1.0, float("nan")]})[0]["name"]
    'loss_nan'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from rnnlab.evaluation import detectors
from rnnlab.evaluation.judge import result_predictions
from rnnlab.task import trend

Finding = detectors.Finding


DATA_KEYS = ("source", "name", "sha256", "read_options")


def same_data(job_ref: Mapping | None, current_ref: Mapping | None) -> bool:
    """Whether two ``dataset_ref`` dicts name the same data (bundled key + read options, or upload hash).

    Example:
        >>> same_data({"source": "bundled", "name": "ecg200"}, {"source": "bundled", "name": "ecg200"})
        True
    """
    if not job_ref or not current_ref:
        return False
    return {k: job_ref.get(k) for k in DATA_KEYS} == {k: current_ref.get(k) for k in DATA_KEYS}


def matching_framed(framed: Any, task: Mapping | None, job_ref: Mapping | None, current_ref: Mapping | None):
    """``framed`` if it is the job's data framed with the job's task, else ``None``.

    Args:
        framed: The session's :class:`~rnnlab.task.types.FramedData` (or ``None``).
        task: The job's task config as a dict (``result["task"]`` or the stored run's ``task_config``).
        job_ref: The job's ``dataset_ref``; current_ref: the session's ``dataset_ref``.
    """
    if framed is None or not task or not same_data(job_ref, current_ref):
        return None
    return framed if framed.config.to_dict() == dict(task) else None


def _real_steps(X: np.ndarray, pad_value: float | None) -> np.ndarray:
    """(n, T, F) → (real steps, F): padded steps (every feature equal to the pad value) are left out."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 3:
        return X.reshape(len(X), -1)
    if pad_value is None:
        return X.reshape(-1, X.shape[-1])
    return X[~np.all(np.isclose(X, pad_value), axis=-1)]


def data_findings(framed: Any) -> list[Finding]:
    """Checks known before training: unscaled inputs, mostly padding without a mask."""
    if framed is None:
        return []
    X = _real_steps(framed.split("train").X, framed.pad_value)
    return detectors.run_all(
        X=X, scaled=bool(framed.config.scale), feature_names=list(framed.feature_names),
        padded_share=float(framed.padded_share or 0.0), mask=bool(framed.mask),
    )  # fmt: skip


def live_findings(history: Mapping[str, Sequence[float]], framed: Any = None) -> list[Finding]:
    """While training runs: loss NaN / exploding and overfitting from the epochs so far, plus the data checks.

    Args:
        history: ``{"loss": [...], "val_loss": [...], ...}`` (one value per finished epoch).
        framed: The job's framed data, or ``None`` when not known (see :func:`matching_framed`).
    """
    return detectors.run_all(history=dict(history or {})) + data_findings(framed)


def _comparable(framed: Any, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Test targets and predictions as flat arrays of the same real values (classes for classify)."""
    test = framed.split("test")
    y_true = np.asarray(test.y)[: len(y_pred)]
    if framed.config.kind == "classify":
        y_pred = y_pred.argmax(axis=-1) if y_pred.ndim > 1 else y_pred
    if y_pred.shape[: y_true.ndim] != y_true.shape:
        return None
    y_pred = y_pred.reshape(y_true.shape + (-1,))
    y_true = y_true.reshape(y_true.shape + (-1,))
    if test.sample_weight is not None:  # tagging: only real steps count
        real = np.asarray(test.sample_weight)[: len(y_pred)] > 0
        return y_true[real], y_pred[real]
    return y_true, y_pred


def majority_only(result: Mapping[str, Any]) -> bool:
    """The test predictions (class probabilities) name a single class."""
    y_pred = result_predictions(dict(result))
    if y_pred is None or y_pred.ndim < 2 or y_pred.shape[-1] < 2 or not len(y_pred):
        return False
    return len(np.unique(y_pred.argmax(axis=-1))) == 1


def run_hint(result: Mapping[str, Any], framed: Any = None, model: Mapping | None = None) -> str:
    """The 'does not beat the baseline' advice from this run's own findings (cell, trend, majority class)."""
    trending = framed is not None and trend.is_trending(framed)
    return detectors.baseline_hint((model or {}).get("cell"), trending, majority_only(result))


def final_findings(
    result: Mapping[str, Any], framed: Any = None, model: Mapping | None = None
) -> list[Finding]:
    """After the job ended: every detector, from the worker's summary (and the job's framed data if known).

    Args:
        result: The job's result summary: ``history``, ``test``, ``best_baseline``, ``main_metric``,
            ``predictions`` (``{"y_pred": test predictions, original units; probabilities for classify}``).
        framed: The job's framed data, or ``None`` (then flat-line and the data checks are skipped).
        model: The run's model config as a dict (its ``cell``), so the advice does not suggest what it is.
    """
    metric = result.get("main_metric")
    best = result.get("best_baseline") or {}
    findings = detectors.run_all(
        history=dict(result.get("history") or {}),
        metric=metric,
        model_value=(result.get("test") or {}).get(metric),
        baseline_value=(best.get("test") or {}).get(metric),
        baseline_name=f"the best baseline ({best['name']})" if best.get("name") else "the best baseline",
        hint=run_hint(result, framed, model),
    )
    y_pred = result_predictions(dict(result))
    if framed is not None and y_pred is not None and len(y_pred):
        pair = _comparable(framed, y_pred)
        if pair is not None:
            findings += detectors.run_all(y_true=pair[0], y_pred=pair[1])
    return findings + data_findings(framed)


def finding_text(finding: Finding) -> str:
    """One line for the page: the message, then the hint.

    Example:
        >>> finding_text({"name": "x", "message": "Loss is NaN.", "hint": "Lower the learning rate."})
        'Loss is NaN. **Hint:** Lower the learning rate.'
    """
    return f"{finding['message']} **Hint:** {finding['hint']}"
