"""How far to trust one prediction: split-conformal intervals for values, calibration for classes.

Values (forecast, regress, tag with values): the validation split is the calibration set. For each output
(horizon step and target) ``q`` is the ``⌈(n+1)(1−α)⌉``-th smallest of the ``n`` absolute validation
residuals, and the interval of a test prediction is ``ŷ ± q``. If the validation and test errors are
exchangeable, the interval holds the truth with probability at least ``1 − α``; the coverage measured on
test says whether they were (a series whose errors drift over time covers less). Without a validation
split there is no calibration set and no interval.

Classes (classify, tag with classes): the reliability of the predicted probabilities on test — the
confidence (the top probability) against the accuracy in ten equal bins, and the expected calibration
error ``ECE = Σ_b (n_b/n)·|accuracy_b − confidence_b|``.
"""

from __future__ import annotations

import math

import numpy as np

from rnnlab.core.words import plural

LEVEL = 0.9  # the intervals' nominal coverage unless the training config says otherwise
N_BINS = 10


def conformal_quantile(residuals, level: float = LEVEL) -> float:
    """The split-conformal half-width: the ``⌈(n+1)·level⌉``-th smallest absolute residual (``inf`` if that
    rank is past ``n``: too few calibration values for the level).

    Example:
        >>> conformal_quantile([3.0, -1.0, 2.0, 5.0], 0.5)  # ⌈5·0.5⌉ = 3rd smallest of 1, 2, 3, 5
        3.0
        >>> conformal_quantile([1.0, 2.0], 0.9)  # ⌈3·0.9⌉ = 3 > 2
        inf
    """
    r = np.sort(np.abs(np.asarray(residuals, dtype=np.float64).ravel()))
    r = r[np.isfinite(r)]
    rank = math.ceil(round((len(r) + 1) * level, 9))  # round: 0.9·10 must be 9, not 9.000000000000002
    return float(r[rank - 1]) if 1 <= rank <= len(r) else math.inf


def min_calibration(level: float) -> int:
    """The fewest calibration values that give a finite interval at ``level``: ``⌈level/(1−level)⌉``.

    Example:
        >>> min_calibration(0.9), min_calibration(0.8)
        (9, 4)
    """
    return math.ceil(round(level / (1.0 - level), 9))


def _columns(y: np.ndarray, kind: str) -> np.ndarray:
    """Values as ``(samples, outputs)``: one output per horizon step and target; a tag's steps are samples."""
    y = np.asarray(y, dtype=np.float64)
    if kind == "tag":  # (n, T) or (n, T, k): every real step is a sample of its target
        return y.reshape(y.shape[0] * y.shape[1], -1)
    return y.reshape(len(y), -1)


def _output_names(framed, n: int) -> list[str]:
    """A name per output, in the order of :func:`_columns`: ``"t+3"``, ``"t+3 temp"``, or the target's name."""
    targets = list(framed.target_names) or ["value"]
    if framed.config.kind != "forecast":
        return targets[:n] if len(targets) >= n else [f"output {j + 1}" for j in range(n)]
    steps = [f"t+{o}" for o in framed.offsets]
    if len(targets) == 1:
        return steps[:n]
    return [f"{step} {name}" for step in steps for name in targets][:n]


def intervals(framed, val_predictions, test_predictions, level: float = LEVEL) -> dict:
    """Split-conformal intervals from the validation residuals, and their coverage on test.

    Returns:
        ``{"kind": "intervals", "level", "q": [half-width per output] or None, "coverage_test",
        "width_mean", "coverage_per_output", "outputs": [name per output], "n_calibration", "n_test",
        "note"}`` (original units; ``q`` follows the y shape after the samples: ``(H,)``, ``(H, k)``; one
        value for a single output).
    """
    kind = framed.config.kind
    out: dict = {"kind": "intervals", "level": float(level), "q": None, "coverage_test": None,
                 "width_mean": None, "coverage_per_output": None, "n_calibration": 0,
                 "n_test": len(framed.split("test")), "note": ""}  # fmt: skip
    val, test = framed.split("val"), framed.split("test")
    if len(val) == 0:
        out["note"] = (
            "No validation split: there is no calibration set, so no intervals (give validation a share)."
        )
        return out
    cal = _columns(val.y, kind) - _columns(val_predictions, kind)
    q = np.array([conformal_quantile(cal[:, j], level) for j in range(cal.shape[1])])
    out["n_calibration"] = int(np.isfinite(cal).sum(axis=0).min())
    if not np.all(np.isfinite(q)):
        out["note"] = (
            f"Only {plural(out['n_calibration'], 'validation value')} per output: {level * 100:.0f} % intervals need at "
            f"least {min_calibration(level)}, so no interval is drawn (lower the level or give validation more)."
        )
        return out
    tail = framed.y_shape if kind != "tag" else framed.y_shape[1:]
    out["q"] = q.reshape(tail).tolist() if tail else [float(q[0])]
    out["outputs"] = _output_names(framed, len(q))
    if len(test) == 0:
        out["note"] = "No test split: the coverage cannot be measured."
        return out
    truth, pred = _columns(test.y, kind), _columns(test_predictions, kind)
    real = np.isfinite(truth)
    inside = (np.abs(np.nan_to_num(truth) - pred) <= q[None, :]) & real
    out["coverage_test"] = float(inside.sum() / max(real.sum(), 1))
    out["coverage_per_output"] = (inside.sum(axis=0) / np.maximum(real.sum(axis=0), 1)).tolist()
    out["width_mean"] = float((2 * q[None, :] * real).sum() / max(real.sum(), 1))
    return out


def reliability_bins(confidence, correct, n_bins: int = N_BINS) -> list[dict]:
    """Equal-width confidence bins with their sample count, mean confidence and accuracy (empty bins too).

    Example:
        >>> bins = reliability_bins([0.95, 0.9, 0.55], [1, 0, 1], n_bins=2)
        >>> [(b["count"], b["confidence"] and round(b["confidence"], 3), b["accuracy"] and round(b["accuracy"], 3))
        ...  for b in bins]
        [(0, None, None), (3, 0.8, 0.667)]
    """
    conf = np.asarray(confidence, dtype=np.float64)
    hit = np.asarray(correct, dtype=np.float64)
    which = np.clip(np.ceil(conf * n_bins).astype(np.int64) - 1, 0, n_bins - 1)  # (low, high], 0 in the first
    out = []
    for b in range(n_bins):
        mine = which == b
        n = int(mine.sum())
        out.append({"low": b / n_bins, "high": (b + 1) / n_bins, "count": n,
                    "confidence": float(conf[mine].mean()) if n else None,
                    "accuracy": float(hit[mine].mean()) if n else None})  # fmt: skip
    return out


def expected_calibration_error(bins: list[dict]) -> float:
    """``Σ_b (n_b/n)·|accuracy_b − confidence_b|`` over :func:`reliability_bins` (NaN without samples).

    Example:
        >>> round(expected_calibration_error(reliability_bins([0.95, 0.9, 0.55], [1, 0, 1], n_bins=2)), 6)  # |⅔ − 0.8|
        0.133333
    """
    n = sum(b["count"] for b in bins)
    if n == 0:
        return float("nan")
    return float(sum(b["count"] / n * abs(b["accuracy"] - b["confidence"]) for b in bins if b["count"]))


def calibration(framed, probabilities) -> dict:
    """The reliability of the predicted class probabilities on test (tagging: over the real steps).

    Returns:
        ``{"kind": "calibration", "ece", "bins": [{"low", "high", "count", "confidence", "accuracy"}, …],
        "n_test", "accuracy", "confidence"}``.
    """
    y = np.asarray(framed.split("test").y, dtype=np.int64).ravel()
    proba = np.asarray(probabilities, dtype=np.float64)
    proba = proba.reshape(-1, proba.shape[-1])
    real = y >= 0
    conf, hit = proba.max(axis=1)[real], (proba.argmax(axis=1) == y)[real]
    bins = reliability_bins(conf, hit)
    return {"kind": "calibration", "ece": expected_calibration_error(bins), "bins": bins, "n_test": int(real.sum()),
            "accuracy": float(hit.mean()) if hit.size else None,
            "confidence": float(conf.mean()) if conf.size else None}  # fmt: skip


def sentence(uncertainty: dict | None) -> str:
    """What the intervals or the calibration say, in one sentence (``""`` when there is nothing).

    Example:
        >>> sentence({"kind": "intervals", "level": 0.9, "q": [1.0], "coverage_test": 0.88, "width_mean": 2.0})
        '90 % intervals cover 88 % of the test values (mean width 2).'
        >>> sentence({"kind": "calibration", "ece": 0.042, "n_test": 120, "accuracy": 0.9, "confidence": 0.93})
        'Expected calibration error 0.042 on 120 test predictions: a confidence of 93 % on average, an accuracy of 90 %.'
    """
    u = uncertainty or {}
    if u.get("kind") == "intervals":
        if u.get("q") is None or u.get("coverage_test") is None:
            return str(u.get("note") or "")
        return (
            f"{u['level'] * 100:.0f} % intervals cover {u['coverage_test'] * 100:.0f} % of the test values "
            f"(mean width {u['width_mean']:.4g})."
        )
    if u.get("kind") == "calibration" and u.get("ece") is not None and np.isfinite(u["ece"]):
        return (
            f"Expected calibration error {u['ece']:.3f} on {u['n_test']} test predictions: a confidence of "
            f"{u['confidence'] * 100:.0f} % on average, an accuracy of {u['accuracy'] * 100:.0f} %."
        )
    return ""
