"""The one next step a run that does not win is offered (predict the change, class weights, a seasonal
window, more epochs)."""

from __future__ import annotations

import numpy as np

from rnnlab.data import catalog
from rnnlab.evaluation.next_step import next_step
from rnnlab.runs import lessons
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig

FALLING = {"val_loss": [float(10 - i) for i in range(10)]}


def test_a_win_needs_no_next_step():
    assert next_step("win", None, {"kind": "forecast"}, {"epochs": 10}, FALLING) is None


def test_a_trending_collection_forecast_on_the_level_is_told_to_predict_the_change():
    task, _, train = lessons.get_lesson("many_series").configs()
    level = task.replace(predict="level")
    framed = frame(catalog.load_dataset("us_unemployment"), level)
    step = next_step("mixed", framed, level.to_dict(), train.to_dict(), FALLING)
    assert step["key"] == "predict_change" and step["task"] == {"predict": "change"}
    # already predicting the change: the next thing is not the same advice again
    changed = frame(catalog.load_dataset("us_unemployment"), task)
    again = next_step("mixed", changed, task.to_dict(), train.to_dict(), {"val_loss": [1.0, 2.0]})
    assert again is None or again["key"] != "predict_change"


def test_an_unbalanced_classifier_without_class_weights_gets_them():
    framed = frame(catalog.load_dataset("ecg5000"), TaskConfig("classify"))
    assert framed.main_metric == "balanced_accuracy"
    step = next_step("loss", framed, {"kind": "classify"}, {"epochs": 10, "class_weight": None})
    assert step["key"] == "class_weight" and step["train"] == {"class_weight": "balanced"}
    assert next_step("loss", framed, {"kind": "classify"}, {"epochs": 10, "class_weight": "balanced"}) is None


def test_a_window_shorter_than_the_season_gets_a_seasonal_window():
    task = TaskConfig("forecast", window=6)
    framed = frame(catalog.load_dataset("sunspots"), task)
    assert framed.season_length == 12
    step = next_step("loss", framed, task.to_dict(), {"epochs": 5}, {"val_loss": [1.0, 2.0]})
    assert step["key"] == "seasonal_window" and step["task"] == {"window": 12}


def test_more_epochs_only_while_the_validation_loss_still_falls_at_the_end():
    task = {"kind": "regress"}
    assert next_step("tie", None, task, {"epochs": 10}, FALLING)["train"] == {"epochs": 20}
    long_fall = {"val_loss": [float(600 - i) for i in range(600)]}
    assert next_step("tie", None, task, {"epochs": 600}, long_fall)["train"] == {"epochs": 1000}
    early = {"val_loss": [3.0, 2.0, 2.5, 2.6]}  # stopped early after 4 of 10 epochs
    assert next_step("tie", None, task, {"epochs": 10}, early) is None
    rising = {"val_loss": list(np.linspace(1, 2, 10))}
    assert next_step("tie", None, task, {"epochs": 10}, rising) is None
