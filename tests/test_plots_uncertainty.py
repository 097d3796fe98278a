"""The intervals drawn as a band on the Results charts, and the reliability diagram."""

from __future__ import annotations

import doctest

import numpy as np

from rnnlab.data.dataset import SequenceDataset
from rnnlab.evaluation import uncertainty as unc
from rnnlab.plots import results as plots_results
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig
from tests.tiny_datasets import framed_task


def _bands(fig):
    return [t for t in fig.data if t.legendgroup == "interval"]


def test_multi_step_forecast_draws_a_band_per_window_around_its_predictions():
    framed = framed_task("forecast")  # y (n, 3)
    pred = np.arange(len(framed.test.y) * 3, dtype=float).reshape(-1, 3)
    u = {"kind": "intervals", "level": 0.9, "q": [1.0, 2.0, 3.0]}
    fig = plots_results.forecast_figure(framed, pred, k=2, uncertainty=u)
    upper, lower = _bands(fig)[:2]
    first = int(framed.test.index[0])
    assert list(lower.x) == [first, first + 1, first + 2]
    assert list(upper.y) == [1.0, 3.0, 5.0] and list(lower.y) == [-1.0, -1.0, -1.0]  # 0, 1, 2 ± 1, 2, 3
    assert lower.fill == "tonexty" and lower.name == "90 % interval" and lower.showlegend
    assert len(_bands(fig)) == 4  # two windows, two edges each
    assert fig.data[1].name == "predicted"  # the band is drawn after the predictions


def test_one_step_forecast_draws_one_band_along_the_predictions():
    t = np.arange(90.0)
    data = SequenceDataset("series", "series", [np.sin(t / 4.0)[:, None]], ["f0"])
    framed = frame(data, TaskConfig("forecast", window=6))  # y (n,)
    pred = np.zeros(len(framed.test.y))
    fig = plots_results.forecast_figure(framed, pred, uncertainty={"kind": "intervals", "q": [0.5]})
    upper, lower = _bands(fig)
    assert len(upper.x) == len(framed.test.y) and set(upper.y) == {0.5} and set(lower.y) == {-0.5}


def test_no_band_without_intervals_or_with_the_wrong_shape():
    framed = framed_task("forecast")
    pred = np.zeros((len(framed.test.y), 3))
    assert not _bands(plots_results.forecast_figure(framed, pred))
    none = {"kind": "intervals", "q": None, "note": "No validation split"}
    assert not _bands(plots_results.forecast_figure(framed, pred, uncertainty=none))
    assert not _bands(plots_results.forecast_figure(framed, pred, uncertainty={"kind": "intervals", "q": [1.0]}))


def test_regression_band_surrounds_the_identity_line():
    framed = framed_task("regress")
    pred = framed.test.y + 0.5
    fig = plots_results.regression_figure(framed, pred, uncertainty={"kind": "intervals", "level": 0.8, "q": [1.0]})
    upper, lower = _bands(fig)
    lo, hi = float(framed.test.y.min()), float(framed.test.y.max())
    np.testing.assert_allclose(upper.y, [lo + 1, hi + 1], rtol=1e-6)
    np.testing.assert_allclose(lower.y, [lo - 1, hi - 1], rtol=1e-6)
    assert lower.name == "80 % interval"


def test_tag_band_per_sequence():
    framed = framed_task("tag", ragged=True)
    fig = plots_results.tag_figure(framed, np.zeros_like(framed.test.y), k=2, uncertainty={"kind": "intervals", "q": [2.0]})
    assert len(_bands(fig)) == 4 and set(_bands(fig)[0].y) == {2.0}


def test_result_figures_pass_the_band_on():
    framed = framed_task("forecast")
    pred = np.zeros((len(framed.test.y), 3))
    figs = plots_results.result_figures(framed, pred, uncertainty={"kind": "intervals", "q": [1.0, 1.0, 1.0]})
    assert _bands(figs[0]) and not _bands(figs[1])


def test_reliability_figure_draws_accuracy_against_confidence():
    bins = unc.reliability_bins([0.95, 0.85, 0.65, 0.55], [1, 1, 0, 1])
    u = {"kind": "calibration", "ece": unc.expected_calibration_error(bins), "bins": bins}
    fig = plots_results.reliability_figure(u)
    diagonal, model, counts = fig.data
    assert list(diagonal.x) == [0, 1] and list(diagonal.y) == [0, 1]
    assert list(model.x) == [0.55, 0.65, 0.85, 0.95] and list(model.y) == [1.0, 0.0, 1.0, 1.0]
    assert list(counts.y) == [1, 1, 1, 1]
    assert "expected calibration error 0.325" in fig.layout.title.text


def test_doctests():
    assert doctest.testmod(plots_results).failed == 0
