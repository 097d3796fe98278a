"""Naive baselines every model must beat, scored on exactly the samples the model sees.

:func:`scoreboard` fits every baseline that suits the task on the training
split and scores it on the validation and test splits in original units;
:func:`best` picks the winner on validation (reported on test). The
estimators live in :mod:`rnnlab.baselines.naive` and are re-exported here.

Example:
    >>> import numpy as np
    >>> from rnnlab.data.dataset import SequenceDataset
    >>> from rnnlab.task.framing import TaskConfig, frame
    >>> ds = SequenceDataset("ramp", "series", [np.arange(50.0)[:, None]], ["v"])
    >>> board = scoreboard(frame(ds, TaskConfig("forecast", window=4)))
    >>> [row["name"] for row in board][:2], round(board[0]["test"]["mae"], 3)
    (['last value', 'window mean'], 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NotRequired, TypedDict

import numpy as np

from rnnlab.baselines.naive import (
    Baseline,
    ClassPrior,
    Drift,
    LastValue,
    LinearAR,
    MostFrequent,
    NearestCentroid,
    PreviousClass,
    PreviousStep,
    SeasonalNaive,
    StepMostFrequent,
    StepPrior,
    TrainMean,
    WindowMean,
    drift,
    last_value,
    nearest_centroid,
    previous_step,
    ridge_fit,
    seasonal_naive,
    window_mean,
)  # fmt: skip
from rnnlab.core.metric_registry import metric_names, sort_key
from rnnlab.evaluation.metrics import task_metrics

__all__ = [
    "Baseline", "ClassPrior", "Drift", "LastValue", "LinearAR", "MostFrequent", "NearestCentroid", "PreviousClass",
    "PreviousStep", "ScoreRow", "SeasonalNaive", "StepMostFrequent", "StepPrior", "TrainMean", "WindowMean", "best", "candidates", "drift", "last_value", "nearest_centroid",
    "judged_scoreboard", "predict_all", "previous_step", "ridge_fit", "scoreboard", "seasonal_naive", "window_mean",
]  # fmt: skip


# ---- the scoreboard ---------------------------------------------------------


class ScoreRow(TypedDict):
    """One baseline's row of the scoreboard: its metrics on val and test, in original units.

    The row a job sends back, the run store keeps and the pages show (``best_baseline`` is one of them).
    """

    name: str
    val: dict[str, float]
    test: dict[str, float]
    note: NotRequired[str]  # how it is scored, or why it is only a reference
    sees_targets: NotRequired[bool]  # it reads the true targets (a reference, never chosen, never a rival)
    reference: NotRequired[bool]  # the classical reference (ETS): shown, never chosen, never a rival
    seconds: NotRequired[float]  # the classical reference's slowest fit


def candidates(framed) -> tuple[list[tuple[str, Baseline]], list[str]]:
    """Every baseline that fits the task, as ``(name, unfitted estimator)``, and notes on those skipped."""
    kind = framed.config.kind
    notes: list[str] = []
    if kind == "classify":
        return [
            ("most frequent class", MostFrequent()),
            ("class prior (random)", ClassPrior(framed.config.seed)),
            ("nearest centroid", NearestCentroid()),
        ], notes
    if kind == "tag" and framed.is_class_task:
        notes.append(
            "Previous step's class reads the true class of the step before, which the model never sees: "
            "it shows how persistent the classes are and is not chosen as the baseline to beat."
        )
        return [
            ("most frequent class", StepMostFrequent()),
            ("most frequent class per step", StepPrior()),
            ("previous step's class", PreviousClass()),
        ], notes
    inside = framed.target_in_inputs
    has_targets = bool(inside) and all(i is not None for i in inside)
    index = tuple(int(i) for i in inside) if has_targets else ()
    out: list[tuple[str, Baseline]] = []
    if kind == "tag":
        out.append(("train mean per step", TrainMean()))
        if has_targets:
            out.insert(0, ("previous step", PreviousStep(index)))
        else:
            notes.append("Previous step skipped: the per-step target is not an input column.")
        return out, notes
    offsets = framed.offsets or (1,)
    if has_targets:
        out += [("last value", LastValue(index, offsets)), ("window mean", WindowMean(index, offsets))]
        m, W = framed.season_length, framed.n_steps
        if m and all(m * math.ceil(h / m) - h <= W - 1 for h in offsets):
            out.append((f"seasonal naive (m={m})", SeasonalNaive(index, offsets, m)))
        elif m:
            notes.append(
                f"Seasonal naive skipped: the window ({W} steps) is shorter than the season ({m} steps)."
            )
        else:
            notes.append("Seasonal naive skipped: no season length (set one; the frequency suggests none).")
        if kind == "forecast" and W >= 2:
            out.append(("drift", Drift(index, offsets)))
    else:
        notes.append(
            "Last value, window mean, seasonal naive and drift skipped: the target is not an input column."
        )
    out.append(("train mean", TrainMean()))
    if framed.n_steps * framed.n_features <= 2000:
        out.append(("linear AR (ridge)", LinearAR()))
    else:
        notes.append("Linear AR skipped: the window has more than 2000 values.")
    return out, notes


def _inputs(framed, name: str, estimator: Baseline) -> np.ndarray:
    """Original-unit X, except the nearest centroid: standardised with padded steps at the mean (0)."""
    if isinstance(estimator, PreviousClass):  # reads the true classes (see its docstring)
        return np.asarray(framed.split(name).y)
    if isinstance(estimator, NearestCentroid):
        X = framed.scaled(name)[0].astype(np.float64)
        X[~framed.real_steps(name)] = 0.0
        return X
    return framed.split(name).X.astype(np.float64)


def _fitted(framed) -> list[tuple[str, Baseline]]:
    train = framed.train
    fitted: list[tuple[str, Baseline]] = []
    for name, est in candidates(framed)[0]:
        est.fit(_inputs(framed, "train", est), train.y, train.sample_weight)
        fitted.append((name, est))
    return fitted


def predict_all(framed, split: str) -> dict[str, np.ndarray]:
    """``{baseline name: predictions}`` for the split, original units (classify: class ids)."""
    return {name: est.predict(_inputs(framed, split, est)) for name, est in _fitted(framed)}


N_DRAWS = 200  # a random baseline's metrics other than accuracy are the mean over this many draws


def _random_metrics(framed, est: ClassPrior, part) -> dict[str, float]:
    """A random baseline scored by its expectation: accuracy and balanced accuracy exactly, the rest as the
    mean over :data:`N_DRAWS` seeded draws — never by one lucky (or unlucky) draw."""
    rng = np.random.default_rng(est.seed)
    draws = [task_metrics(framed, part.y, est.draw(len(part), rng)) for _ in range(N_DRAWS)]
    out = {k: float(np.mean([d[k] for d in draws])) for k in draws[0]}
    out["accuracy"] = est.expected_accuracy(part.y)
    out["balanced_accuracy"] = est.expected_balanced_accuracy(part.y)
    return out


def _row(framed, name: str, est: Baseline, split: str) -> tuple[dict[str, float], np.ndarray | None]:
    part = framed.split(split)
    if len(part) == 0:
        return {k: float("nan") for k in metric_names(framed.config.kind, framed.is_class_task)}, None
    if isinstance(est, ClassPrior):
        return _random_metrics(framed, est, part), est.hit_probability(part.y)
    pred = est.predict(_inputs(framed, split, est))
    return task_metrics(framed, part.y, pred), pred


def judged_scoreboard(framed) -> tuple[list[ScoreRow], dict[str, np.ndarray]]:
    """Every baseline fitted on train and scored on val and test (``[{"name", "val", "test"}, …]``), and
    each one's test predictions by name (original units; class ids; a random baseline: the probability that
    its draw hits each true class), for the verdict's bootstrap.

    Rows may carry a ``"note"`` (e.g. the class prior's expected accuracy).
    """
    rows: list[ScoreRow] = []
    test_predictions: dict[str, np.ndarray] = {}
    for name, est in _fitted(framed):
        val, _ = _row(framed, name, est, "val")
        test, pred = _row(framed, name, est, "test")
        row: ScoreRow = {"name": name, "val": val, "test": test}
        if pred is not None:
            test_predictions[name] = pred
        if isinstance(est, ClassPrior):
            row["note"] = (
                "a random draw with the training class shares, scored by its expectation (accuracy "
                f"and balanced accuracy exactly, the other metrics as the mean of {N_DRAWS} draws)"
            )
        if isinstance(est, PreviousClass):
            row["sees_targets"] = True
            row["note"] = "reads the true class of the previous step; a reference, not a baseline to beat"
        rows.append(row)
    return rows, test_predictions


def scoreboard(framed) -> list[ScoreRow]:
    """Every baseline fitted on train and scored on val and test: ``[{"name", "val", "test"}, …]``.

    Rows may carry a ``"note"`` (e.g. how the random class prior is scored).
    """
    return judged_scoreboard(framed)[0]


def best(board: Sequence[ScoreRow], metric: str = "mae") -> ScoreRow:
    """The row with the lowest error (highest for accuracy-like metrics) on VAL — test if val is empty.

    Rows marked ``sees_targets`` (a reference that reads the true targets) or ``reference`` (the classical
    reference, :mod:`rnnlab.evaluation.classical_reference`) are never chosen.
    """

    def score(row: ScoreRow) -> float:
        value = row["val"].get(metric, float("nan"))
        if not np.isfinite(value):
            value = row["test"].get(metric, float("nan"))
        return sort_key(metric, value)

    if not board:
        raise ValueError("`board` must hold at least one baseline. Received: an empty scoreboard")
    fair = [row for row in board if not (row.get("sees_targets") or row.get("reference"))] or board
    return min(fair, key=score)
