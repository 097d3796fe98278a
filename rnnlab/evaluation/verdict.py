"""The verdict: does the model beat the honest baselines on exactly the same test samples?

One :class:`Verdict` is built per judged run (:func:`judge`) and is what every place that states a
verdict reads: the Results and Train banners, the race's winner line, the Compare table, the class board
and the CLI's ``verdict``. It is stated the way a statistician would:

- the baseline to beat is the one chosen on **validation** (so the test split stays unseen), and the
  verdict says so;
- the model **wins** only if it beats that baseline on **test** by more than the test set's noise: a
  bootstrap over the test samples (resampling whole sequences of a collection, or blocks of consecutive
  windows of one series, whose errors are not independent) gives a 90 % interval of the skill; an
  interval that holds 0 is a **tie**;
- every baseline that does better than the model on the test samples is **named**, and a win over the
  chosen baseline while another one does better on test is **mixed**, never a plain win;
- random baselines count by their expectation (the scoreboard's rows, see
  :func:`rnnlab.evaluation.scoreboard.scoreboard`), never by one draw;
- a test split of fewer than :data:`SMALL_TEST` samples is said to be too small to tell.

Skill is ``1 − error_model / error_baseline`` (error = MAE, or ``1 − accuracy`` for accuracy-like
metrics): 0.31 means 31 % less error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

from rnnlab.core.metric_registry import error_of, format_metric, higher_is_better, metric_info, metric_label
from rnnlab.evaluation.scoreboard import ScoreRow

OUTCOMES = ("win", "mixed", "tie", "loss")
LEVEL = 0.90  # the bootstrap interval's coverage
N_RESAMPLES = 1000
SMALL_TEST = 20  # fewer test samples than this: the verdict says the test split is too small to tell
SEED = 0  # the bootstrap's own seed: the same run gets the same verdict


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


@dataclass(frozen=True)
class Rival:
    """A baseline that does better than the model on the test samples."""

    name: str
    value: float  # its test value of the main metric


class RivalDict(TypedDict):
    """:class:`Rival` as plain data."""

    name: str
    value: float


class VerdictDict(TypedDict):
    """:meth:`Verdict.to_dict`: the verdict as plain data (a job result's and a run's ``judgement``)."""

    outcome: str
    main_metric: str
    model_value: float
    baseline: str
    baseline_value: float
    skill: float
    skill_low: float | None
    skill_high: float | None
    better: list[RivalDict]
    n_test: int
    unit: str
    resampled: str
    level: float
    notes: list[str]
    chosen_on: str
    text: str  # the sentence, for readers without this class (the export, a spreadsheet)


@dataclass(frozen=True)
class Verdict:
    """The judged outcome of one run against its baselines on the same test samples (plain, JSON-ready).

    Example:
        >>> v = Verdict("win", "mae", 0.69, "last value", 1.0, 0.31, 0.2, 0.4, (), 120, "windows")
        >>> v.text
        'beats last value, the baseline chosen on validation, by 31 % in MAE (0.69 against 1; 90 % interval of the gain 20 to 40 %)'
        >>> Verdict.from_dict(v.to_dict()) == v
        True
    """

    outcome: str  # one of OUTCOMES
    main_metric: str
    model_value: float  # the model's test value of the main metric
    baseline: str  # the baseline chosen on validation
    baseline_value: float  # its test value
    skill: float  # against it, on test
    skill_low: float | None = None  # the bootstrap interval of the skill (None: no interval)
    skill_high: float | None = None
    better: tuple[Rival, ...] = ()  # every baseline better than the model on test, best first
    n_test: int = 0
    unit: str = "samples"  # what a test sample is: "windows", "sequences", "steps"
    resampled: str = ""  # how the interval was drawn, in words
    level: float = LEVEL
    notes: tuple[str, ...] = field(default_factory=tuple)
    chosen_on: str = "validation"  # "test" when there is no validation split to choose on

    @property
    def small_test(self) -> bool:
        return 0 < self.n_test < SMALL_TEST

    @property
    def wins(self) -> bool:
        """A plain win: beats the chosen baseline beyond the noise, no baseline better on test, enough samples."""
        return self.outcome == "win" and not self.small_test

    @property
    def text(self) -> str:
        """The verdict as one sentence completing "The model …"."""
        return _sentence(self)

    @property
    def short(self) -> str:
        """A few words for a table cell: ``win +31 %``, ``tie``, ``loss −12 %``, ``mixed (last value better)``."""
        pct = _pct(self.skill, signed=True)
        if self.outcome == "mixed":
            return f"mixed: {pct} vs {self.baseline}, {self.better[0].name} better"
        if self.outcome == "tie":
            return f"tie with {self.baseline} ({pct})"
        word = "win" if self.outcome == "win" else "loss"
        return f"{word} {pct} vs {self.baseline}"

    def to_dict(self) -> VerdictDict:
        """The verdict as plain data, its fields in order, and its sentence (``text``)."""
        return {
            "outcome": self.outcome,
            "main_metric": self.main_metric,
            "model_value": self.model_value,
            "baseline": self.baseline,
            "baseline_value": self.baseline_value,
            "skill": self.skill,
            "skill_low": self.skill_low,
            "skill_high": self.skill_high,
            "better": [{"name": r.name, "value": r.value} for r in self.better],
            "n_test": self.n_test,
            "unit": self.unit,
            "resampled": self.resampled,
            "level": self.level,
            "notes": list(self.notes),
            "chosen_on": self.chosen_on,
            "text": self.text,  # for readers without this class (the export, a spreadsheet)
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """The verdict back from :meth:`to_dict` (extra keys such as ``text`` are ignored).

        Raises:
            ValueError: a field is missing or has the wrong type.
        """
        try:
            outcome = str(data["outcome"])
            if outcome not in OUTCOMES:
                raise ValueError(f"`outcome` must be one of {OUTCOMES}. Received: outcome={outcome!r}")
            return cls(
                outcome=outcome,
                main_metric=str(data["main_metric"]),
                model_value=float(data["model_value"]),
                baseline=str(data["baseline"]),
                baseline_value=float(data["baseline_value"]),
                skill=float(data["skill"]),
                skill_low=None if data.get("skill_low") is None else float(data["skill_low"]),
                skill_high=None if data.get("skill_high") is None else float(data["skill_high"]),
                better=tuple(Rival(str(r["name"]), float(r["value"])) for r in data.get("better") or ()),
                n_test=int(data.get("n_test") or 0),
                unit=str(data.get("unit") or "samples"),
                resampled=str(data.get("resampled") or ""),
                level=float(data.get("level") or LEVEL),
                notes=tuple(str(n) for n in data.get("notes") or ()),
                chosen_on="test" if data.get("chosen_on") == "test" else "validation",
            )
        except (KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"A verdict must have the fields of `Verdict`. Received an error: {err!r}") from err


def _pct(skill: float, signed: bool = False) -> str:
    value = skill * 100
    digits = 0 if abs(value) >= 1 or value == 0 else 1
    text = f"{abs(value):.{digits}f} %"
    if signed:
        return ("+" if value >= 0 else "−") + text
    return text


def _interval(v: Verdict) -> str:
    if v.skill_low is None or v.skill_high is None:
        return ""
    low, high = v.skill_low * 100, v.skill_high * 100
    fmt = lambda x: f"{x:.0f}" if x >= 0 else f"−{-x:.0f}"  # noqa: E731
    return f"{v.level * 100:.0f} % interval of the gain {fmt(low)} to {fmt(high)} %"


def _rivals(v: Verdict, others: list[Rival], also: bool) -> str:
    names = [f"{r.name} ({format_metric(v.main_metric, r.value)})" for r in others]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "does" if len(names) == 1 else "do"
    return f"{listed} {verb} better{' too' if also else ''} on these test {v.unit}"


def _chosen(v: Verdict) -> str:
    if v.chosen_on == "test":
        return f"{v.baseline}, the best baseline on test (there is no validation split to choose on)"
    return f"{v.baseline}, the baseline chosen on validation"


def _sentence(v: Verdict) -> str:
    label = metric_label(v.main_metric)
    model, base = format_metric(v.main_metric, v.model_value), format_metric(v.main_metric, v.baseline_value)
    chosen = _chosen(v)
    interval = _interval(v)
    if not math.isfinite(v.model_value):
        text = f"does not beat {chosen}: the model's {label} is {v.model_value}"
    elif v.outcome in ("win", "mixed"):
        if higher_is_better(v.main_metric):
            text = f"beats {chosen}, by {_pct(v.skill)} fewer errors ({label} {model} against {base}"
        else:
            text = f"beats {chosen}, by {_pct(v.skill)} in {label} ({model} against {base}"
        text += f"; {interval})" if interval else ")"
    elif v.outcome == "tie":
        text = (
            f"ties with {chosen}: {label} {model} against {base}, a difference within the noise of "
            f"{v.n_test} test {v.unit}" + (f" ({interval})" if interval else "")
        )
    else:
        text = f"does not beat {chosen} ({label} {model} against {base})"
    others = [r for r in v.better if r.name != v.baseline]
    if others:
        text += ("; but " if v.outcome in ("win", "mixed") else "; ") + _rivals(v, others, v.outcome == "loss")
    if v.small_test:
        unit = v.unit if v.n_test != 1 else v.unit.removesuffix("s")
        text += f". Judged on only {v.n_test} test {unit}: too few to tell skill from luck (aim for {SMALL_TEST} or more)"
    return text


# ---- the bootstrap ------------------------------------------------------------------------------


def score_parts(
    y_true: np.ndarray, y_pred: np.ndarray, metric: str, n_classes: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample numerators and denominators whose sums give the metric: ``(num, den)``, each ``(n, K)``.

    MAE: ``K = 1``, ``num`` the sample's summed absolute error over its real targets, ``den`` their count.
    Accuracy: correct and real steps. Balanced accuracy: ``K`` classes, correct and real steps per class
    (the metric is the mean over classes of ``Σnum/Σden``). ``y_pred`` holds class ids, or for a random
    baseline the probability of each true answer being drawn (floats in ``[0, 1]``, ``is_hit=True``).

    Example:
        >>> num, den = score_parts(np.array([1.0, 2.0]), np.array([2.0, 2.0]), "mae")
        >>> num.ravel().tolist(), den.ravel().tolist()
        ([1.0, 0.0], [1.0, 1.0])
    """
    y_true = np.asarray(y_true)
    n = len(y_true)
    if metric in ("accuracy", "balanced_accuracy"):
        t = y_true.reshape(n, -1).astype(np.int64)
        pred = np.asarray(y_pred)
        if pred.ndim == y_true.ndim + 1:  # probabilities → classes
            pred = pred.argmax(axis=-1)
        real = t >= 0
        hit = pred.reshape(n, -1) == t if pred.dtype.kind in "iub" else pred.reshape(n, -1).astype(float)
        hit = np.where(real, hit, 0.0).astype(np.float64)
        if metric == "accuracy":
            return hit.sum(axis=1, keepdims=True), real.sum(axis=1, keepdims=True).astype(np.float64)
        k = int(n_classes or (t.max() + 1 if t.size else 1))
        onehot = (t[..., None] == np.arange(k)) & real[..., None]
        return (hit[..., None] * onehot).sum(axis=1), onehot.sum(axis=1).astype(np.float64)
    values = np.asarray(y_true, dtype=np.float64).reshape(n, -1)
    p = np.broadcast_to(np.asarray(y_pred, dtype=np.float64).reshape(n, -1), values.shape)
    real = np.isfinite(values)
    err = np.where(real, np.abs(np.nan_to_num(values) - p), 0.0)
    if metric == "rmse":
        err = err**2
    return err.sum(axis=1, keepdims=True), real.sum(axis=1, keepdims=True).astype(np.float64)


def metric_from_parts(num: np.ndarray, den: np.ndarray, metric: str) -> np.ndarray:
    """The metric from summed parts; leading axes are resamples. ``num``/``den``: ``(..., K)``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = num / den
    if metric == "balanced_accuracy":
        present = den > 0
        return np.where(present, ratio, 0.0).sum(axis=-1) / np.maximum(present.sum(axis=-1), 1)
    value = ratio[..., 0]
    return np.sqrt(value) if metric == "rmse" else value


def resample_counts(
    n: int, rng: np.random.Generator, size: int, groups: np.ndarray | None = None, block: int = 1
) -> np.ndarray:
    """``(size, n)`` how often each test sample is drawn in each bootstrap resample.

    Whole groups (the sequences of a collection) are drawn with replacement when ``groups`` is given;
    else blocks of ``block`` consecutive samples (moving-block bootstrap) or single samples.

    Example:
        >>> c = resample_counts(6, np.random.default_rng(0), 3, groups=np.array([0, 0, 1, 1, 2, 2]))
        >>> bool((c[:, 0] == c[:, 1]).all()), c.shape
        (True, (3, 6))
    """
    if groups is not None:
        _, inverse = np.unique(groups, return_inverse=True)
        g = int(inverse.max()) + 1
        return rng.multinomial(g, np.full(g, 1.0 / g), size=size)[:, inverse]
    if block <= 1 or n <= block:
        return rng.multinomial(n, np.full(n, 1.0 / n), size=size)
    n_blocks = math.ceil(n / block)
    starts = rng.integers(0, n - block + 1, size=(size, n_blocks))
    counts = np.zeros((size, n), dtype=np.int64)
    rows = np.repeat(np.arange(size), n_blocks * block)
    cols = (starts[..., None] + np.arange(block)).reshape(-1)
    np.add.at(counts, (rows, cols), 1)
    return counts


def skill_interval(
    model_parts: tuple[np.ndarray, np.ndarray],
    base_parts: tuple[np.ndarray, np.ndarray],
    metric: str,
    *,
    groups: np.ndarray | None = None,
    block: int = 1,
    level: float = LEVEL,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
) -> tuple[float, float] | None:
    """The bootstrap interval of the skill over test resamples (paired: the same draw for both)."""
    n = len(model_parts[0])
    if n < 2:
        return None
    rng = np.random.default_rng(seed)
    skills = []
    chunk = max(1, min(100, 2_000_000 // n))  # (chunk, n) counts at a time: at most 2 M cells in memory
    for start in range(0, n_resamples, chunk):
        counts = resample_counts(n, rng, min(chunk, n_resamples - start), groups, block).astype(np.float64)
        m = metric_from_parts(counts @ model_parts[0], counts @ model_parts[1], metric)
        b = metric_from_parts(counts @ base_parts[0], counts @ base_parts[1], metric)
        me, be = _errors(metric, m), _errors(metric, b)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.where(be > 0, 1.0 - me / be, np.where(me <= 0, 0.0, -1.0))
        skills.append(s[np.isfinite(s)])
    values = np.concatenate(skills)
    if values.size == 0:
        return None
    tail = (1.0 - level) / 2
    return float(np.quantile(values, tail)), float(np.quantile(values, 1.0 - tail))


def _errors(metric: str, values: np.ndarray) -> np.ndarray:
    return 1.0 - values if higher_is_better(metric) else values


# ---- the verdict ----------------------------------------------------------------------------------


def judge(
    main_metric: str,
    model_value: float,
    scoreboard: Sequence[ScoreRow],
    chosen: ScoreRow,
    *,
    model_parts: tuple[np.ndarray, np.ndarray] | None = None,
    baseline_parts: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    groups: np.ndarray | None = None,
    block: int = 1,
    n_test: int = 0,
    unit: str = "samples",
) -> Verdict:
    """The verdict of a model against the baseline ``chosen`` on validation, on the test samples.

    Args:
        main_metric: The metric the verdict compares on.
        model_value: The model's test value of it.
        scoreboard: Every baseline's row ``{"name", "val", "test"}`` (rows that read the true targets,
            ``sees_targets``, and the classical reference, ``reference``, are references and never rivals).
        chosen: The row chosen on validation.
        model_parts, baseline_parts: :func:`score_parts` of the model and of each baseline (by name) on
            the test samples, for the bootstrap; without them there is no interval and no tie.
        groups, block: How to resample (see :func:`resample_counts`).
        n_test: Test samples; ``unit``: what one is.

    Example:
        >>> board = [{"name": "last value", "test": {"mae": 1.0}}, {"name": "drift", "test": {"mae": 0.5}}]
        >>> v = judge("mae", 0.8, board, board[0], n_test=100, unit="windows")
        >>> v.outcome, [r.name for r in v.better]
        ('mixed', ['drift'])
    """
    base_value = float(chosen["test"][main_metric])
    skill = skill_score(main_metric, model_value, base_value)
    interval, resampled = None, ""
    parts = (baseline_parts or {}).get(chosen["name"])
    if model_parts is not None and parts is not None and math.isfinite(model_value):
        interval = skill_interval(model_parts, parts, main_metric, groups=groups, block=block)
        resampled = _how(groups, block, unit)
    better = _better(main_metric, model_value, scoreboard)
    if not math.isfinite(float(model_value)):
        outcome, skill = "loss", -1.0
    elif interval is not None and interval[0] <= 0.0 <= interval[1]:
        outcome = "tie"
    elif skill > 0.0:
        outcome = "mixed" if better else "win"
    elif skill == 0.0 and interval is None:
        outcome = "tie"
    else:
        outcome = "loss"
    val_value = (chosen.get("val") or {}).get(main_metric)
    chosen_on = "validation" if val_value is None or math.isfinite(float(val_value)) else "test"
    notes = []
    if chosen.get("note"):
        notes.append(f"{chosen['name']}: {chosen['note']}")
    return Verdict(
        outcome=outcome,
        main_metric=main_metric,
        model_value=float(model_value),
        baseline=str(chosen["name"]),
        baseline_value=base_value,
        skill=float(skill),
        skill_low=None if interval is None else interval[0],
        skill_high=None if interval is None else interval[1],
        better=better,
        n_test=int(n_test),
        unit=unit,
        resampled=resampled,
        notes=tuple(notes),
        chosen_on=chosen_on,
    )


def _better(main_metric: str, model_value: float, scoreboard: Sequence[ScoreRow]) -> tuple[Rival, ...]:
    model_error = error_of(main_metric, model_value) if math.isfinite(float(model_value)) else math.inf
    out = []
    for row in scoreboard:
        value = (row.get("test") or {}).get(main_metric)
        if row.get("sees_targets") or row.get("reference"):  # references, never rivals
            continue
        if value is None or not math.isfinite(float(value)):
            continue
        if error_of(main_metric, float(value)) < model_error:
            out.append(Rival(str(row["name"]), float(value)))
    return tuple(sorted(out, key=lambda r: error_of(main_metric, r.value)))


def _how(groups: np.ndarray | None, block: int, unit: str) -> str:
    if groups is not None:
        return f"whole sequences resampled, {len(np.unique(groups))} in the test split"
    if block > 1:
        return f"blocks of {block} consecutive {unit} resampled (neighbouring windows share their errors)"
    return f"single test {unit} resampled"


def race_line(entries: list[tuple[str, Verdict | None]]) -> dict[str, Any]:
    """The winner line of a race: the entry with the best test value, and what its verdict says.

    Args:
        entries: ``(name, verdict)`` per contestant (``None``: it has no verdict, e.g. it failed).

    Returns:
        ``{"winner": name or None, "outcome": its outcome or None, "text": one sentence}``.

    Example:
        >>> a = Verdict("loss", "mae", 2.0, "last value", 1.0, -1.0, n_test=50, unit="windows")
        >>> b = Verdict("win", "mae", 0.5, "last value", 1.0, 0.5, 0.3, 0.6, n_test=50, unit="windows")
        >>> race_line([("LSTM", a), ("GRU", b)])["text"]
        'GRU wins the race (MAE 0.5) and beats last value, the baseline chosen on validation, by 50 % (90 % interval of the gain 30 to 60 %).'
    """
    judged = [(name, v) for name, v in entries if v is not None and math.isfinite(v.model_value)]
    if not judged:
        return {"winner": None, "outcome": None, "text": "No contestant of the race has a verdict yet."}
    metric = judged[0][1].main_metric
    name, best = min(judged, key=lambda nv: error_of(metric, nv[1].model_value))
    label, value = metric_label(metric), format_metric(metric, best.model_value)
    head = f"{name} wins the race ({label} {value})"
    interval = _interval(best)
    detail = f" ({interval})" if interval else ""
    if best.outcome == "win":
        text = f"{head} and beats {_chosen(best)}, by {_pct(best.skill)}{detail}."
    elif best.outcome == "mixed":
        text = (
            f"{head} and beats {_chosen(best)}, by {_pct(best.skill)}; "
            f"but {_rivals(best, list(best.better), False)}."
        )
    elif best.outcome == "tie":
        text = f"{head} but only ties with {_chosen(best)}{detail}."
    else:
        base = format_metric(metric, best.baseline_value)
        text = (
            f"No cell beats {_chosen(best)}: the best, {name}, scores "
            f"{label} {value} against {base}."
        )
    if best.small_test:
        text += f" Judged on only {best.n_test} test {best.unit}: too few to tell skill from luck."
    return {"winner": name, "outcome": best.outcome, "text": text}


def verdict_of(result: Mapping[str, Any] | None) -> Verdict | None:
    """The :class:`Verdict` a finished run or job result carries (``judgement``), or ``None`` for a run
    judged before verdicts were objects, or one without a test evaluation."""
    data = (result or {}).get("judgement")
    if not isinstance(data, dict):
        return None
    try:
        return Verdict.from_dict(data)
    except ValueError:
        return None


__all__ = [
    "LEVEL", "OUTCOMES", "SMALL_TEST", "Rival", "RivalDict", "Verdict", "VerdictDict", "judge", "metric_from_parts", "race_line", "resample_counts",
    "score_parts", "skill_interval", "skill_score", "verdict_of",
]  # fmt: skip
