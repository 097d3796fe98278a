"""The one next step a run that does not win should try, from its own findings.

A run whose verdict is not a plain win gets one concrete change to its settings — the one its findings
point to first — which the Results page offers as a single click (the settings are changed and the Train
page opens):

1. a forecast whose series trends out of the training range, trained on the level → **predict the change**;
2. a classifier that answers only the most frequent class, or is judged on balanced accuracy, without class
   weights → **class weights** (``balanced``);
3. a forecast whose window is shorter than the season (monthly data, a 6-month window) → **a seasonal
   window** (one whole season);
4. a training that used every epoch while the validation loss still fell → **more epochs** (twice as many).

Plain data in, plain data out: the changes are field values of the task, model and training configs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypedDict

from rnnlab.task import trend

MAX_EPOCHS = 1000  # TrainConfig's bound


class NextStep(TypedDict):
    """One change to try: a button label, why (one sentence), and the config fields to change."""

    key: str  # "predict_change" | "class_weight" | "seasonal_window" | "more_epochs"
    label: str
    why: str
    task: dict[str, Any]
    train: dict[str, Any]


def _still_improving(history: Mapping[str, list], epochs: int) -> bool:
    val = [v for v in history.get("val_loss") or [] if v is not None and math.isfinite(float(v))]
    if len(val) < max(2, epochs):  # stopped early (or no validation): more epochs would not help
        return False
    return val[-1] <= min(val) + 1e-12 or val[-1] < val[-2]


def next_step(
    outcome: str | None,
    framed: Any,
    task: Mapping[str, Any],
    train: Mapping[str, Any],
    history: Mapping[str, list] | None = None,
    majority_only: bool = False,
) -> NextStep | None:
    """The next step for a run whose verdict is not a plain win (``None`` for a win or when nothing fits).

    Args:
        outcome: The verdict's outcome (``win``, ``mixed``, ``tie``, ``loss``).
        framed: The run's framed data (its trend, season, classes), or ``None``.
        task, train: The run's task and training configs as dicts.
        history: The run's curves (for "still improving").
        majority_only: The model answered only the most frequent class.

    Example:
        >>> falling = {"val_loss": [float(10 - i) for i in range(10)]}
        >>> step = next_step("loss", None, {"kind": "forecast"}, {"epochs": 10}, falling)
        >>> step["key"], step["train"]
        ('more_epochs', {'epochs': 20})
    """
    if outcome in (None, "win"):
        return None
    kind = task.get("kind")
    level = kind == "forecast" and task.get("predict", "level") == "level"
    if level and framed is not None and trend.is_trending(framed):
        return NextStep(key="predict_change", label="Predict the change instead of the level",
                        why=trend.trend_advice(framed) or "The series leaves the training range.",
                        task={"predict": "change"}, train={})  # fmt: skip
    unbalanced = majority_only or getattr(framed, "main_metric", "") == "balanced_accuracy"
    class_task = framed is not None and getattr(framed, "is_class_task", False)
    if class_task and unbalanced and not train.get("class_weight"):
        return NextStep(key="class_weight", label="Train again with class weights (balanced)",
                        why="The classes are unbalanced: with class_weight = balanced each class weighs the "
                            "same in the loss, so the rare ones are not ignored.",
                        task={}, train={"class_weight": "balanced"})  # fmt: skip
    season = getattr(framed, "season_length", None) if framed is not None else None
    window = int(task.get("window") or 0)
    if kind == "forecast" and season and window < season:
        return NextStep(key="seasonal_window", label=f"Use a window of one season ({season} steps)",
                        why=f"The window ({window} steps) is shorter than the season ({season} steps): the model "
                            "cannot see the same month (or day) of the last season.",
                        task={"window": int(season)}, train={})  # fmt: skip
    epochs = int(train.get("epochs") or 0)
    if epochs and epochs < MAX_EPOCHS and _still_improving(history or {}, epochs):
        more = min(MAX_EPOCHS, 2 * epochs)
        return NextStep(key="more_epochs", label=f"Train for {more} epochs",
                        why=f"The validation loss was still falling after all {epochs} epochs.",
                        task={}, train={"epochs": more})  # fmt: skip
    return None


__all__ = ["NextStep", "next_step"]
