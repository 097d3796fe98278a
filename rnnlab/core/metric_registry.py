"""The metric registry: each metric's name, label, direction and number format, and each task kind's metrics.

Every stage that ranks, labels or prints a metric asks this registry, so "higher is better" and "the main
metric of a classification task" are written once. It lives in :mod:`rnnlab.core` because the task stage
(:attr:`rnnlab.task.types.FramedData.main_metric`) needs the main metric and sits below evaluation;
:mod:`rnnlab.evaluation.metrics` computes the metrics themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "MetricInfo",
    "METRICS",
    "metric_info",
    "higher_is_better",
    "direction_text",
    "metric_label",
    "format_metric",
    "is_better",
    "error_of",
    "main_metric",
    "metric_names",
    "sort_key",
]


@dataclass(frozen=True)
class MetricInfo:
    """One metric as every stage shows and ranks it.

    Attributes:
        name: The key in metric dicts and Keras logs (``"mae"``).
        label: How sentences name it (``"MAE"``).
        higher_is_better: ``True`` for accuracy-like metrics, ``False`` for errors.
        number_format: The format spec values are printed with (``".3g"``).
    """

    name: str
    label: str
    higher_is_better: bool
    number_format: str = ".3g"


METRICS: dict[str, MetricInfo] = {
    info.name: info
    for info in (
        MetricInfo("mae", "MAE", higher_is_better=False),
        MetricInfo("rmse", "RMSE", higher_is_better=False),
        MetricInfo("mase", "MASE", higher_is_better=False),
        MetricInfo("mse", "MSE", higher_is_better=False),
        MetricInfo("accuracy", "accuracy", higher_is_better=True),
        MetricInfo("balanced_accuracy", "balanced accuracy", higher_is_better=True),
        MetricInfo("macro_f1", "macro-F1", higher_is_better=True),
        MetricInfo("r2", "R²", higher_is_better=True),
    )
}
_KIND_METRICS = {
    "classify": ("accuracy", "balanced_accuracy", "macro_f1"),
    "regress": ("mae", "rmse", "mase", "r2"),
}
_MAIN_METRIC = {"classify": "accuracy", "regress": "mae"}


def metric_info(name: str, what: str = "metric") -> MetricInfo:
    """The registry entry for ``name``; ``what`` names the argument in the error message.

    Raises:
        ValueError: For a name the registry does not hold.

    Example:
        >>> metric_info("r2").label
        'R²'
    """
    info = METRICS.get(name)
    if info is None:
        raise ValueError(f"`{what}` must be one of {tuple(METRICS)}. Received: {what}={name!r}")
    return info


def higher_is_better(name: str) -> bool:
    """Whether a larger value of ``name`` is better (accuracy-like) rather than worse (an error).

    Example:
        >>> higher_is_better("accuracy"), higher_is_better("mae")
        (True, False)
    """
    return metric_info(name).higher_is_better


def direction_text(name: str) -> str:
    """``"higher is better"`` or ``"lower is better"``, for chart titles."""
    return "higher is better" if higher_is_better(name) else "lower is better"


def metric_label(name: str) -> str:
    """How sentences name ``name``; an unknown name is shown as it is.

    Example:
        >>> metric_label("mae"), metric_label("val_mae")
        ('MAE', 'val_mae')
    """
    info = METRICS.get(name)
    return info.label if info is not None else name


def format_metric(name: str, value: float) -> str:
    """``value`` in the registry's number format for ``name``.

    Example:
        >>> format_metric("mae", 0.123456)
        '0.123'
    """
    return format(float(value), metric_info(name).number_format)


def is_better(name: str, value: float, other: float) -> bool:
    """Whether ``value`` is strictly better than ``other`` for metric ``name``.

    Example:
        >>> is_better("mae", 0.5, 0.6), is_better("accuracy", 0.5, 0.6)
        (True, False)
    """
    return value > other if higher_is_better(name) else value < other


def error_of(name: str, value: float) -> float:
    """The value as an error, lower being better: itself for errors, ``1 − value`` for accuracy-like metrics.

    Example:
        >>> error_of("mae", 0.25), error_of("accuracy", 0.75)
        (0.25, 0.25)
    """
    return 1.0 - float(value) if higher_is_better(name) else float(value)


def main_metric(kind: str | None) -> str:
    """The metric a task kind is judged and ranked by: accuracy for classify, MAE for the others.

    Example:
        >>> main_metric("classify"), main_metric("forecast"), main_metric(None)
        ('accuracy', 'mae', 'mae')
    """
    return _MAIN_METRIC["classify" if kind == "classify" else "regress"]


def metric_names(kind: str | None, classes: bool = False) -> tuple[str, ...]:
    """The metrics reported for a task kind, main metric first (``classes``: tagging with a class per step).

    Example:
        >>> metric_names("tag"), metric_names("tag", classes=True)[0]
        (('mae', 'rmse', 'mase', 'r2'), 'accuracy')
    """
    return _KIND_METRICS["classify" if kind == "classify" or classes else "regress"]


def sort_key(name: str, value: float) -> float:
    """A key that sorts values of ``name`` best first; NaN and missing values last.

    Example:
        >>> sorted([0.7, float("nan"), 0.9], key=lambda v: sort_key("accuracy", v))[:2]
        [0.9, 0.7]
    """
    if value is None or not math.isfinite(float(value)):
        return math.inf
    return -float(value) if higher_is_better(name) else float(value)
