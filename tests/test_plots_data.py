"""Data-page figures: right number of panels and traces, seeded draws, thinning for drawing only."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnlab.data.dataset import SequenceDataset
from rnnlab.plots import data as plots_data


def _dataset(n=10, steps=20, features=2):
    rng = np.random.default_rng(0)
    return SequenceDataset(
        "t",
        "long",
        [rng.normal(size=(steps + i, features)) for i in range(n)],
        [f"f{j}" for j in range(features)],
        labels=np.array([i % 3 for i in range(n)]),
        label_names=["label"],
        label_kind="class",
    )


def test_thin_keeps_ends_and_limit():
    assert plots_data.thin(5, 10).tolist() == [0, 1, 2, 3, 4]
    idx = plots_data.thin(100_000, 1000)
    assert len(idx) <= 1000 and idx[0] == 0 and idx[-1] == 99_999


def test_random_sequences_is_seeded_with_one_panel_per_feature():
    ds = _dataset()
    fig = plots_data.random_sequences(ds, seed=3, n=4)
    assert isinstance(fig, go.Figure) and len(fig.data) == 4 * 2
    same = plots_data.random_sequences(ds, seed=3, n=4)
    other = plots_data.random_sequences(ds, seed=4, n=4)
    assert [t.name for t in fig.data] == [t.name for t in same.data]
    assert [t.name for t in fig.data] != [t.name for t in other.data]


def test_histograms_count_every_value():
    ds = _dataset(n=3, steps=10, features=1)
    fig = plots_data.feature_histograms(ds, bins=5)
    assert sum(fig.data[0].y) == 10 + 11 + 12
    lengths = plots_data.length_histogram(ds)
    assert list(lengths.data[0].x) == [10, 11, 12] and list(lengths.data[0].y) == [1, 1, 1]


def test_class_grid_one_panel_per_class():
    ds = _dataset(n=9)
    fig = plots_data.class_grid(ds, per_class=2)
    assert len(fig.layout.annotations) == 3 and len(fig.data) == 6
    with pytest.raises(ValueError, match="class labels"):
        plots_data.class_grid(SequenceDataset("t", "series", [np.zeros((5, 1))], ["v"]))


def test_whole_series_has_range_slider_and_is_thinned_for_drawing():
    times = np.datetime64("2000-01-01T00") + np.arange(50_000)
    ds = SequenceDataset("s", "series", [np.arange(50_000.0).reshape(-1, 1)], ["v"], time_index=times)
    fig = plots_data.whole_series(ds)
    assert fig.layout.xaxis.rangeslider.visible
    assert len(fig.data[0].y) <= plots_data.MAX_SERIES_POINTS and fig.data[0].y[-1] == 49_999
    assert len(ds.sequences[0]) == 50_000  # the data itself is untouched
