"""Summary dict: hand-checked values on tiny datasets."""

from __future__ import annotations

import json

import numpy as np

from rnnlab.data import summary
from rnnlab.data.dataset import SequenceDataset
from rnnlab.data.reader import read_csv


def test_class_dataset_summary():
    ds = SequenceDataset(
        "t",
        "wide",
        [np.zeros((3, 1)), np.zeros((5, 1)), np.zeros((4, 1))],
        ["value"],
        labels=np.array([1, 2, 1]),
        label_names=["label"],
        label_kind="class",
        splits=np.array(["train", "test", "test"]),
    )
    s = summary.dataset_summary(ds)
    assert (s["n_sequences"], s["min_length"], s["median_length"], s["max_length"]) == (3, 3, 4.0, 5)
    assert s["classes"] == {"1": 2, "2": 1} and s["label"] == "label" and s["target_summary"] is None
    assert s["tensor_shape"] == [3, 5, 1]
    assert s["tensor_shape_text"] == "(n_sequences, n_observations, n_features) = (3, 5, 1)"
    assert s["splits"] == {"test": 2, "train": 1} and s["ragged"]
    json.dumps(s)  # JSON-ready


def test_value_target_and_series_times():
    ds = read_csv(b"date,v\n2020-01-01,1\n2020-01-02,\n2020-01-03,3\n")
    s = summary.dataset_summary(ds)
    assert s["start"] == "2020-01-01" and s["end"] == "2020-01-03" and s["frequency"] == "daily"
    assert s["missing_filled"] == 1 and s["classes"] is None
    lines = summary.summary_lines(s)
    assert any("missing values filled: 1" in line for line in lines)


def test_step_target_summary():
    ds = read_csv(b"id,t,x,y\na,1,1,2\na,2,1,4\nb,1,1,6\nb,2,1,8\n")
    s = summary.dataset_summary(ds)
    assert (
        s["step_targets"] == "y" and s["target_summary"]["mean"] == 5.0 and s["target_summary"]["max"] == 8.0
    )
