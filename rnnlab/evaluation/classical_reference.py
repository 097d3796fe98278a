"""The classical reference row of a forecast's scoreboard: ETS fitted on the training part, scored on exactly
the model's validation and test windows.

:func:`classical_rows` fits :class:`rnnlab.baselines.classical.ETSReference` on each target's training part
(one series: the series up to the last training target; a collection split by time: each sequence up to
its own last training target), then forecasts ``h`` steps ahead from the end of every validation and test
window with the fitted parameters, and scores those forecasts with the task's metrics. The row is marked
``"reference": True``: :func:`rnnlab.evaluation.scoreboard.best` never chooses it and the verdict never
names it as a rival. It is skipped, with a note saying why, when the task is not a forecast, a target is
not an input column, the series is too short, fitting fails, or fitting every sequence would take too long.
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np

from rnnlab.baselines.classical import MIN_HISTORY, ETSReference
from rnnlab.core.metric_registry import metric_names
from rnnlab.core.words import plural
from rnnlab.evaluation.metrics import task_metrics
from rnnlab.evaluation.scoreboard import ScoreRow

NAME = "ETS (classical reference)"
BUDGET_S = 20.0  # fitting every sequence of a collection must fit in this; else the row is skipped
EARLY_FITS = 3  # after this many fits, a projected total over the budget stops the fitting
SPLITS = ("val", "test")


def _ends(framed, split: str) -> np.ndarray:
    """Each window's last input step (``index`` is its first target step)."""
    return np.asarray(framed.split(split).index, dtype=np.int64) - int(framed.offsets[0])


def _series_parts(framed) -> list[tuple[int | None, np.ndarray, int]]:
    """``(sequence or None, values (n_steps, all columns), last training target step)`` per fitted series.

    Raises:
        ValueError: with the reason when no training part can be had.
    """
    train, last_offset = framed.split("train"), int(framed.offsets[-1]) - int(framed.offsets[0])
    if framed.panel is None:
        return [(None, np.asarray(framed.series, dtype=np.float64), int(train.index.max()) + last_offset)]
    if framed.config.split_mode == "sequence":
        raise ValueError("the test sequences are held out whole, so they have no training part to fit on")
    parts = []
    needed = np.unique(np.concatenate([framed.split(s).sequence for s in SPLITS]))
    for seq in needed.tolist():
        mine = train.sequence == seq
        if not mine.any():
            raise ValueError(f"sequence {framed.sequence_ids[seq]} has no training window to fit on")
        parts.append((seq, framed.panel[seq], int(train.index[mine].max()) + last_offset))
    return parts


def _forecasts(framed, budget_s: float) -> tuple[dict[str, np.ndarray], list[str], float, int]:
    """``({split: predictions in the y shape}, forms chosen, slowest fit in seconds, series fitted)``."""
    columns = [framed.series_names.index(name) for name in framed.target_names]
    out = {s: np.zeros((len(framed.split(s)), len(framed.offsets), len(columns))) for s in SPLITS}
    forms, slowest, fitted, t0 = [], 0.0, 0, time.perf_counter()
    parts = _series_parts(framed)
    for seq, values, last_train in parts:
        for j, column in enumerate(columns):
            history = values[: last_train + 1, column]
            if np.isfinite(history).sum() < MIN_HISTORY:
                where = "" if seq is None else f" of sequence {framed.sequence_ids[seq]}"
                raise ValueError(f"the training part{where} has fewer than {MIN_HISTORY} values")
            ref = ETSReference(framed.season_length).fit(history)
            forms.append(ref.params_.form)
            slowest, fitted = max(slowest, ref.seconds_), fitted + 1
            for split in SPLITS:
                part = framed.split(split)
                mine = np.ones(len(part), dtype=bool) if seq is None else part.sequence == seq
                if mine.any():
                    out[split][mine, :, j] = ref.forecast(
                        values[:, column], _ends(framed, split)[mine], framed.offsets
                    )
            spent, total = time.perf_counter() - t0, len(parts) * len(columns)
            projected = spent / fitted * total  # after 3 fits: a collection of thousands stops at once
            if fitted < total and (spent > budget_s or (fitted >= EARLY_FITS and projected > budget_s)):
                raise ValueError(f"fitting {plural(total, 'series', 'series')} would take about {projected:.0f} s "
                                 f"(the limit is {budget_s:.0f} s; {fitted} fitted in {spent:.1f} s)")  # fmt: skip
    y_shape = framed.y_shape
    return {s: p.reshape((len(p), *y_shape)) for s, p in out.items()}, forms, slowest, fitted


def _skip_reason(framed) -> str | None:
    if framed.config.kind != "forecast":
        return "it forecasts one series from its own past, and this task is not a forecast"
    if not framed.target_in_inputs or any(i is None for i in framed.target_in_inputs):
        return "a target is not an input column, so the model never sees the history ETS would be fitted on"
    if framed.series is None and framed.panel is None:
        return "the framing kept no series to fit on"
    return None


def _note(forms: list[str], slowest: float, fitted: int, framed) -> str:
    counts = Counter(forms)
    chosen = ", ".join(
        f"{form} ×{n}" if len(counts) > 1 or n > 1 else form for form, n in counts.most_common()
    )
    where = "the training part" if framed.panel is None else "each sequence's training part"
    return (
        f"{chosen} (form by AICc; statsmodels), fitted on {where} only and forecast from each window's end "
        f"with those parameters ({plural(fitted, 'fit')}, the slowest {slowest:.2f} s); a classical reference "
        "beside the naive baselines, never the baseline to beat"
    )


def classical_rows(framed, budget_s: float = BUDGET_S) -> tuple[list[ScoreRow], list[str]]:
    """The classical reference's scoreboard row (``[]`` when skipped) and notes saying why it was skipped.

    Returns:
        ``([{"name": NAME, "val": {metric: value}, "test": {…}, "reference": True, "note": …}], notes)``.

    Example:
        >>> from rnnlab.data.dataset import SequenceDataset
        >>> from rnnlab.task.framing import TaskConfig, frame
        >>> ds = SequenceDataset("flat", "series", [np.full((60, 1), 3.0)], ["v"])
        >>> rows, notes = classical_rows(frame(ds, TaskConfig("forecast", window=4)))
        >>> rows[0]["name"], round(rows[0]["test"]["mae"], 6), notes
        ('ETS (classical reference)', 0.0, [])
    """
    reason = _skip_reason(framed)
    if reason is None:
        try:
            predictions, forms, slowest, fitted = _forecasts(framed, budget_s)
        except (ValueError, np.linalg.LinAlgError) as err:
            reason = str(err)
    if reason is not None:
        return [], [f"{NAME} skipped: {reason}"]
    scores: dict[str, dict[str, float]] = {}
    for split in SPLITS:
        part = framed.split(split)
        if len(part):
            scores[split] = {k: float(v) for k, v in task_metrics(framed, part.y, predictions[split]).items()}
        else:
            scores[split] = {k: float("nan") for k in metric_names(framed.config.kind, framed.is_class_task)}
    row: ScoreRow = {"name": NAME, "reference": True, "note": _note(forms, slowest, fitted, framed),
                     "val": scores["val"], "test": scores["test"], "seconds": round(slowest, 4)}  # fmt: skip
    return [row], []
