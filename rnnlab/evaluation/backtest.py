"""The verdict of a rolling-origin backtest: the model against the baselines at every origin.

Each origin (:mod:`rnnlab.task.origins`) is an ordinary run: the model and every baseline fitted on that
origin's past and scored on the test windows after it. :func:`summarize` reads them together:

- the baseline to beat is the one with the best **mean validation** score over the origins (test when there
  is no validation split), so it is chosen before any test window is looked at, as for one split;
- the model's skill against it at each origin (``1 − error_model / error_baseline``), their mean, and a
  90 % Student-t interval of that mean over the origins — the spread between origins is the noise here;
- how many origins the model wins against every baseline ("beats last value at 4 of 5 origins").

The outcome follows the one-split verdict's rules (:mod:`rnnlab.evaluation.verdict`): **win** when the
interval lies above 0 and no other baseline does better than the model at most origins; **mixed** when
one does; **tie** when the interval holds 0; **loss** when it lies below.

Example:
    >>> origins = [{"status": "finished", "test": {"mae": m}, "scoreboard": [
    ...     {"name": "last value", "val": {"mae": 2.0}, "test": {"mae": b}}]} for m, b in [(1, 2), (1, 2), (1.5, 2)]]
    >>> out = summarize(origins, "mae")
    >>> out["outcome"], out["wins"], [round(s, 2) for s in out["skills"]]
    ('win', {'last value': 3}, [0.5, 0.5, 0.25])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rnnlab.core.metric_registry import format_metric, metric_label, sort_key
from rnnlab.evaluation.verdict import LEVEL, skill_score

# Student's t, two-sided 90 %: the 0.95 quantile for 1 … 19 degrees of freedom (20 origins at most).
T95 = (6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812,
       1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729)  # fmt: skip


def mean_interval(values: list[float]) -> tuple[float, float | None, float | None]:
    """The mean of ``values`` and its 90 % Student-t interval (``None`` with fewer than two values).

    Example:
        >>> [round(v, 3) for v in mean_interval([0.1, 0.2, 0.3])]
        [0.2, 0.031, 0.369]
    """
    x = np.asarray(values, dtype=np.float64)
    if len(x) == 0:
        return math.nan, None, None
    mean = float(x.mean())
    if len(x) < 2:
        return mean, None, None
    half = T95[min(len(x), len(T95) + 1) - 2] * float(x.std(ddof=1)) / math.sqrt(len(x))
    return mean, mean - half, mean + half


def is_rival(row: dict) -> bool:
    """Whether a scoreboard row is a baseline the model must beat (not a reference that reads the targets,
    not the classical reference shown beside the naive baselines)."""
    return not (row.get("sees_targets") or row.get("classical") or row.get("reference"))


def _value(row: dict, split: str, metric: str) -> float:
    value = (row.get(split) or {}).get(metric)
    return float(value) if isinstance(value, (int, float)) and math.isfinite(float(value)) else math.nan


def _chosen(scored: list[dict], metric: str) -> tuple[str | None, str]:
    """The baseline with the best mean validation score over the origins (test without a validation split)."""
    names = None
    for origin in scored:
        here = {row["name"] for row in origin["scoreboard"] if is_rival(row)}
        names = here if names is None else names & here
    if not names:
        return None, "validation"
    split = "val"
    if any(
        math.isnan(_value(row, "val", metric))
        for o in scored
        for row in o["scoreboard"]
        if row["name"] in names
    ):
        split = "test"
    means = {
        name: float(
            np.mean(
                [_value(row, split, metric) for o in scored for row in o["scoreboard"] if row["name"] == name]
            )
        )
        for name in names
    }
    best = min(sorted(means), key=lambda name: sort_key(metric, means[name]))
    return best, "validation" if split == "val" else "test"


def summarize(origins: list[dict[str, Any]], metric: str) -> dict[str, Any]:
    """The backtest's verdict over its origins.

    Args:
        origins: One dict per origin, earliest first: ``status``, ``test`` (the model's test metrics) and
            ``scoreboard`` (``[{"name", "val", "test"}, …]``); an origin that did not finish counts as failed.
        metric: The main metric (``"mae"`` for a forecast).

    Returns:
        ``{"main_metric", "n_origins", "n_scored", "baseline", "chosen_on", "skills", "skill_mean",
        "skill_low", "skill_high", "level", "wins": {baseline: origins won}, "model_mean", "baseline_means",
        "better": [baselines that beat the model at most origins], "outcome", "text"}``; ``outcome`` is
        ``None`` when no origin could be scored.
    """
    scored = [o for o in origins if o.get("status") in ("finished", "early_stopped") and
              math.isfinite(_value(o, "test", metric)) and o.get("scoreboard")]  # fmt: skip
    out: dict[str, Any] = {
        "main_metric": metric,
        "n_origins": len(origins),
        "n_scored": len(scored),
        "level": LEVEL,
    }
    baseline, chosen_on = _chosen(scored, metric)
    if baseline is None:
        return {
            **out,
            "baseline": None,
            "outcome": None,
            "text": "No origin finished with its baselines scored.",
        }
    model_values = [_value(o, "test", metric) for o in scored]
    by_name: dict[str, list[float]] = {}
    for o in scored:
        for row in o["scoreboard"]:
            if is_rival(row):
                by_name.setdefault(row["name"], []).append(_value(row, "test", metric))
    by_name = {name: values for name, values in by_name.items() if len(values) == len(scored)}
    skills = [skill_score(metric, m, b) for m, b in zip(model_values, by_name[baseline])]
    mean, low, high = mean_interval(skills)
    wins = {name: sum(sort_key(metric, m) < sort_key(metric, b) for m, b in zip(model_values, values))
            for name, values in by_name.items()}  # fmt: skip
    better = sorted((name for name, won in wins.items() if name != baseline and won < len(scored) / 2),
                    key=lambda name: wins[name])  # fmt: skip
    if low is None:
        outcome = "win" if mean > 0 else "loss"
    elif low > 0:
        outcome = "mixed" if better else "win"
    elif high is not None and high < 0:
        outcome = "loss"
    else:
        outcome = "tie"
    out.update(
        baseline=baseline, chosen_on=chosen_on, skills=skills, skill_mean=mean, skill_low=low, skill_high=high,
        wins=wins, model_mean=float(np.mean(model_values)),
        baseline_means={name: float(np.mean(values)) for name, values in by_name.items()}, better=better,
        outcome=outcome,
    )  # fmt: skip
    out["text"] = backtest_sentence(out)
    return out


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %" if x >= 0 else f"−{-x * 100:.0f} %"


def backtest_sentence(summary: dict[str, Any]) -> str:
    """The verdict over the origins in one sentence (what the model does; see :func:`summarize`)."""
    n, metric, base = summary["n_scored"], summary["main_metric"], summary["baseline"]
    label = metric_label(metric)
    won = summary["wins"][base]
    chosen = (
        f"{base}, the baseline chosen on {'validation' if summary['chosen_on'] == 'validation' else 'test'}"
    )
    means = (f"mean {label} {format_metric(metric, summary['model_mean'])} against "
             f"{format_metric(metric, summary['baseline_means'][base])}")  # fmt: skip
    if summary["skill_low"] is None:
        interval = "one origin: no interval"
    else:
        interval = f"{summary['level'] * 100:.0f} % interval over the origins {_pct(summary['skill_low'])} to {_pct(summary['skill_high'])}"
    skill = f"mean skill {_pct(summary['skill_mean'])}; {interval}"
    outcome = summary["outcome"]
    if outcome in ("win", "mixed"):
        text = f"beats {chosen}, at {won} of {n} origins ({means}; {skill})"
    elif outcome == "tie":
        text = f"ties with {chosen}: better at {won} of {n} origins, a difference within the spread between origins ({means}; {skill})"
    else:
        text = f"does not beat {chosen}: better at only {won} of {n} origins ({means}; {skill})"
    if summary["better"]:
        others = [f"{name} (model better at {summary['wins'][name]} of {n})" for name in summary["better"]]
        text += ("; but " if outcome in ("win", "mixed") else "; ") + ", ".join(others) + (
            " does" if len(others) == 1 else " do") + " better at most origins"  # fmt: skip
    if summary["n_scored"] < summary["n_origins"]:
        text += f". Only {summary['n_scored']} of {summary['n_origins']} origins finished"
    return text


__all__ = ["T95", "backtest_sentence", "is_rival", "mean_interval", "summarize"]
