"""The metric registry: one answer, worked out by hand, for every rule the stages used to write themselves."""

from __future__ import annotations

import math

import pytest

from rnnlab.core.metric_registry import (
    METRICS,
    direction_text,
    error_of,
    format_metric,
    higher_is_better,
    is_better,
    main_metric,
    metric_info,
    metric_label,
    metric_names,
    sort_key,
)


def test_every_metric_has_one_direction():
    higher = {name for name, info in METRICS.items() if info.higher_is_better}
    lower = {name for name, info in METRICS.items() if not info.higher_is_better}
    assert higher == {"accuracy", "balanced_accuracy", "macro_f1", "r2"}
    assert lower == {"mae", "rmse", "mase", "mse"}
    assert direction_text("r2") == "higher is better" and direction_text("mase") == "lower is better"


def test_the_main_metric_of_each_task_kind():
    assert main_metric("classify") == "accuracy"
    for kind in ("regress", "forecast", "tag", None):
        assert main_metric(kind) == "mae"
    assert metric_names("classify") == ("accuracy", "balanced_accuracy", "macro_f1")
    assert metric_names("forecast") == ("mae", "rmse", "mase", "r2")
    assert all(
        names[0] == main_metric(kind) for kind in ("classify", "tag") for names in [metric_names(kind)]
    )


def test_better_error_and_sort_order_follow_the_direction():
    assert is_better("mae", 0.4, 0.5) and not is_better("mae", 0.5, 0.5)
    assert is_better("accuracy", 0.9, 0.8) and not is_better("accuracy", 0.8, 0.9)
    assert error_of("accuracy", 0.8) == pytest.approx(0.2)  # 1 − 0.8
    assert error_of("rmse", 1.5) == 1.5
    values = [0.2, math.nan, 0.9, None, 0.5]
    assert sorted(values, key=lambda v: sort_key("accuracy", v))[:3] == [0.9, 0.5, 0.2]
    assert sorted(values, key=lambda v: sort_key("mae", v))[:3] == [0.2, 0.5, 0.9]


def test_labels_and_number_format():
    assert (
        metric_label("r2") == "R²" and metric_label("mae") == "MAE" and metric_label("val_loss") == "val_loss"
    )
    assert format_metric("mae", 1234.5678) == "1.23e+03"  # three significant digits
    assert format_metric("accuracy", 0.87654) == "0.877"


def test_an_unknown_metric_is_a_keras_style_error():
    with pytest.raises(ValueError, match=r"`metric` must be one of .*Received: metric='f2'"):
        metric_info("f2")
    with pytest.raises(ValueError, match="Received: metric='f2'"):
        higher_is_better("f2")
    with pytest.raises(ValueError, match="Received: main_metric='loss'"):
        metric_info("loss", what="main_metric")
