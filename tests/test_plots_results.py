"""Result figures per task, with hand-checked contents."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnlab.plots import results as plots_results
from tests.tiny_datasets import framed_task


def test_confusion_counts_and_heatmap():
    framed = framed_task("classify")
    y = framed.test.y  # 0, 1, 2, 0 …
    proba = np.eye(3)[np.zeros_like(y)]  # always class 0
    fig = plots_results.confusion_heatmap(framed, proba)
    z = np.asarray(fig.data[0].z)
    assert z[:, 0].tolist() == [int((y == c).sum()) for c in range(3)]
    assert z[:, 1:].sum() == 0
    assert list(fig.data[0].x) == ["a", "b", "c"]


def test_probability_histograms_split_by_true_class():
    framed = framed_task("classify")
    proba = np.full((len(framed.test.y), 3), 1 / 3)
    fig = plots_results.probability_histograms(framed, proba)
    assert len(fig.data) == 6  # 3 classes × (true class, others)
    true_0 = fig.data[0]
    assert len(true_0.x) == int((framed.test.y == 0).sum())


def test_forecast_figure_places_points_on_the_series_steps():
    framed = framed_task("forecast")  # y (n, 3), offsets () → 1..3
    pred = np.arange(len(framed.test.y) * 3, dtype=float).reshape(-1, 3)
    fig = plots_results.forecast_figure(framed, pred, k=2)
    series, first_window = fig.data[0], fig.data[1]
    assert series.name.endswith("(real)")
    first = int(framed.test.index[0])  # the first target step of the first test window
    assert list(first_window.x) == [first, first + 1, first + 2]
    assert list(first_window.y) == [0.0, 1.0, 2.0]


def test_tag_figure_draws_only_real_steps():
    framed = framed_task("tag", ragged=True)
    pred = np.zeros_like(framed.test.y)
    fig = plots_results.tag_figure(framed, pred, k=2)
    lengths = framed.test.lengths[plots_results.sample_indices(len(framed.test.y), 2)]
    assert [len(t.x) for t in fig.data] == [lengths[0], lengths[0], lengths[1], lengths[1]]


def test_residuals_and_regression():
    framed = framed_task("regress")
    pred = framed.test.y + 1.5
    hist = plots_results.residual_histogram(framed, pred)
    np.testing.assert_allclose(hist.data[0].x, 1.5, rtol=1e-5)
    scatter = plots_results.regression_figure(framed, pred)
    np.testing.assert_allclose(scatter.data[0].y, np.asarray(scatter.data[0].x) + 1.5, rtol=1e-5)


def test_result_figures_per_task_are_plotly():
    for kind in ("classify", "regress", "forecast", "tag"):
        framed = framed_task(kind)
        n = len(framed.test.y)
        pred = np.full((n, 3), 1 / 3) if kind == "classify" else np.zeros_like(framed.test.y, dtype=float)
        figures = plots_results.result_figures(framed, pred)
        assert len(figures) == 2
        assert all(isinstance(f, go.Figure) for f in figures)


def test_forecast_figure_on_real_framing_with_chosen_offsets():
    from rnnlab.data.dataset import SequenceDataset
    from rnnlab.task import framing
    from rnnlab.task.types import TaskConfig

    t = np.arange(200.0)
    series = SequenceDataset(
        name="s",
        layout="series",
        sequences=[np.stack([np.sin(t / 5), np.cos(t / 7)], 1)],
        feature_names=["x", "y"],
    )
    framed = framing.frame(series, TaskConfig(kind="forecast", window=8, offsets=(1, 3, 7)))
    pred = np.zeros((len(framed.test), *framed.y_shape))
    fig = plots_results.forecast_figure(framed, pred, k=2)
    first = framed.test.index[0]
    assert list(fig.data[1].x) == [first, first + 2, first + 6]  # offsets relative to the first target step
    np.testing.assert_allclose(fig.data[0].y, framed.series[fig.data[0].x, 0])
