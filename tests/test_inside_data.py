"""Helpers of the Inside page: the model to preselect, inputs to feed, findings from a stored run."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from rnnlab.inside import page_data


def test_default_model_index_prefers_the_latest_finished_run():
    models = [{"run_id": "new"}, {"run_id": "old"}]
    assert page_data.default_model_index(models, "old") == 1
    assert page_data.default_model_index(models, None) == 0
    assert page_data.default_model_index(models, "gone") == 0


def test_latest_finished_run_skips_running_jobs():
    states = {"a": "finished", "b": "running"}
    manager = SimpleNamespace(status=lambda job: SimpleNamespace(state=states[job], run_id=f"run-{job}"))
    assert page_data.latest_finished_run(manager, ["a", "b"]) == "run-a"
    assert page_data.latest_finished_run(None, ["a"]) is None


def test_example_inputs_falls_back_to_random_when_the_task_does_not_fit():
    model = SimpleNamespace(inputs=[SimpleNamespace(shape=(None, 7, 3))])
    X, note = page_data.example_inputs(model, None, n=4)
    assert X.shape == (4, 7, 3) and X.dtype == np.float32
    assert "random" in note
    framed = SimpleNamespace(scaled=lambda split: (np.ones((9, 7, 3)), None, None))
    X, note = page_data.example_inputs(model, framed, n=4)
    assert X.shape == (4, 7, 3) and np.all(X == 1) and "test split" in note


def test_input_shape_needs_fixed_length():
    with pytest.raises(ValueError, match="steps, features"):
        page_data.input_shape(SimpleNamespace(inputs=[SimpleNamespace(shape=(None, None, 3))]))


def test_run_findings_from_a_stored_run():
    run = {
        "task_kind": "regress",
        "main_metric": "mae",
        "test_value": 3.0,
        "scoreboard": [
            {"name": "mean", "val": {"mae": 2.0}, "test": {"mae": 2.5}},
            {"name": "last value", "val": {"mae": 1.0}, "test": {"mae": 1.2}},
        ],
    }
    history = {"loss": [1.0, 0.8, 0.6, 0.5], "val_loss": [1.0, 1.1, 1.2, 1.3]}
    predictions = {"y_pred": [1.0, 1.0, 1.0001], "y_true": [0.0, 2.0, 4.0]}
    findings = page_data.run_findings(run, history, predictions)
    names = [f["name"] for f in findings]
    assert names == ["overfitting", "flat_line", "not_beating_baseline"]
    assert "last value (1.2)" in findings[-1]["message"]  # chosen on validation, reported on test
    assert page_data.run_findings(None, None, None) == []
