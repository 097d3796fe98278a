"""SequenceDataset: derived shapes, class counts, allowed tasks, validation."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.data.dataset import DataError, SequenceDataset


def _ragged() -> SequenceDataset:
    seqs = [np.zeros((3, 2)), np.zeros((5, 2)), np.zeros((4, 2))]
    return SequenceDataset(
        name="toy",
        layout="long",
        sequences=seqs,
        feature_names=["a", "b"],
        labels=np.array(["x", "y", "x"], dtype=object),
        label_names=["label"],
        label_kind="class",
    )


def test_shapes_of_a_ragged_collection():
    ds = _ragged()
    assert ds.n_sequences == 3
    assert ds.n_features == 2
    assert ds.lengths.tolist() == [3, 5, 4]
    assert ds.is_ragged
    assert ds.tensor_shape == (3, 5, 2)
    assert ds.ids == [0, 1, 2]


def test_class_counts_and_tasks():
    ds = _ragged()
    assert ds.classes == {"x": 2, "y": 1}
    # every collection can be forecast inside each sequence; with 3 sequences for 2 classes (fewer than 5 a
    # class) forecasting comes first: a classifier cannot learn from so few
    assert ds.allowed_tasks() == ["forecast", "classify"]


def test_series_allows_forecasting_and_values_allow_regression():
    series = SequenceDataset(
        name="s", layout="series", sequences=[np.arange(10.0).reshape(10, 1)], feature_names=["v"]
    )
    assert series.allowed_tasks() == ["forecast"]
    assert series.classes is None
    reg = SequenceDataset(
        name="r",
        layout="long",
        sequences=[np.ones((4, 3))] * 3,
        feature_names=["t", "w", "p"],
        labels=np.array([110.0, 125.0, 30.0]),
        label_kind="value",
        step_targets=[np.ones(4)] * 3,
    )
    assert reg.allowed_tasks() == ["regress", "tag", "forecast"]


def test_width_mismatch_is_refused():
    with pytest.raises(ValueError, match="one column per feature name \\(2\\). Received widths: \\[3\\]"):
        SequenceDataset(name="bad", layout="wide", sequences=[np.zeros((4, 3))], feature_names=["a", "b"])


def test_empty_and_unknown_layout_are_refused():
    with pytest.raises(DataError, match="at least one sequence"):
        SequenceDataset(name="e", layout="wide", sequences=[], feature_names=["a"])
    with pytest.raises(ValueError, match="`layout` must be one of"):
        SequenceDataset(name="e", layout="grid", sequences=[np.zeros((2, 1))], feature_names=["a"])
