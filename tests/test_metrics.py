import doctest
import math

import numpy as np

from rnnlab.evaluation import metrics
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig
from tests import task_data


def test_doctests():
    assert doctest.testmod(metrics).failed == 0


def test_regression_metrics_by_hand():
    y, p = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 2.0])
    assert metrics.mae(y, p) == 1.0
    assert math.isclose(metrics.rmse(y, p), math.sqrt(5 / 3))
    # ȳ = 7/3, Σ(y-ȳ)² = 14/3, Σ(y-ŷ)² = 5
    assert math.isclose(metrics.r2(y, p), 1 - 5 / (14 / 3))
    assert metrics.mase(y, p, metrics.naive_scale([0.0, 2.0, 4.0])) == 0.5


def test_nan_targets_are_skipped():
    y = np.array([[1.0, np.nan], [3.0, 5.0]])
    assert metrics.mae(y, np.zeros_like(y)) == 3.0


def test_mase_per_target_column():
    y = np.zeros((2, 2))
    p = np.array([[1.0, 4.0], [1.0, 4.0]])
    assert metrics.mase(y, p, [1.0, 4.0]) == 1.0


def test_classification_metrics_by_hand():
    t, p = [0, 0, 0, 1, 2], [0, 0, 1, 1, 1]
    assert metrics.accuracy(t, p) == 0.6
    assert metrics.confusion_matrix(t, p).tolist() == [[2, 1, 0], [0, 1, 0], [0, 1, 0]]
    assert math.isclose(metrics.balanced_accuracy(t, p), (2 / 3 + 1 + 0) / 3)
    # F1 = 2TP/(2TP+FP+FN): class 0 = 4/5, class 1 = 2/4, class 2 = 0
    assert math.isclose(metrics.macro_f1(t, p), (0.8 + 0.5 + 0) / 3)


def test_task_metrics_names():
    fd = frame(task_data.ragged(), TaskConfig("classify"))
    proba = np.eye(2)[fd.test.y]
    out = metrics.task_metrics(fd, fd.test.y, proba)
    assert list(out) == ["accuracy", "balanced_accuracy", "macro_f1"] and out["accuracy"] == 1.0
    fd = frame(task_data.ramp(50), TaskConfig("forecast", window=4))
    assert list(metrics.task_metrics(fd, fd.test.y, fd.test.y)) == ["mae", "rmse", "mase", "r2"]
