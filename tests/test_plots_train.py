"""Live training curves: units of the metric panel and of the baseline line."""

from __future__ import annotations

import pytest

from rnnlab.plots.train import metric_units, training_figure


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_mae_is_shown_in_original_units_with_the_baseline_in_the_same_units():
    # one standardised target with y_std = 10: a scaled MAE of 0.5 is 5 in original units
    reference = {"name": "last value", "metric": "mae", "value": 4.0, "scaled_value": 0.4, "loss": 0.3,
                 "y_scale": 10.0}  # fmt: skip
    history = {"loss": [0.9, 0.6], "val_loss": [1.0, 0.7], "mae": [0.8, 0.5], "val_mae": [0.9, 0.6]}
    batches = [{"x": 0.5, "logs": {"loss": 1.2, "mae": 1.0}}, {"x": 2.5, "logs": {"loss": 0.5, "mae": 0.45}}]
    fig = training_figure(history, batches, "mae", reference)
    # the line: epochs 1 and 2, then the running mean half-way through epoch 3 (the epoch in progress)
    assert list(_trace(fig, "train mae").x) == [1, 2, 2.5]
    assert list(_trace(fig, "train mae").y) == pytest.approx([8.0, 5.0, 4.5])
    assert list(_trace(fig, "val mae").y) == pytest.approx([9.0, 6.0])
    assert list(_trace(fig, "train loss").y) == pytest.approx([0.9, 0.6, 0.5])  # loss stays scaled
    # every running mean within an epoch, epoch 1's too, as faint dots beside the line
    dots = _trace(fig, "train mae within epochs")
    assert (
        dots.mode == "markers" and list(dots.x) == [0.5, 2.5] and list(dots.y) == pytest.approx([10.0, 4.5])
    )
    early = training_figure({}, batches[:1], "mae", reference)  # during the first epoch
    assert list(_trace(early, "train mae").x) == [0.5]
    ended = training_figure(history, batches[:1], "mae", reference)  # no epoch in progress
    assert list(_trace(ended, "train mae").x) == [1, 2]
    lines = sorted(shape.y0 for shape in fig.layout.shapes)
    assert lines == pytest.approx(
        [0.3, 4.0]
    )  # baseline MSE (scaled) on the loss, MAE (original) on the metric
    assert fig.layout.annotations[1].text == "MAE (original units)"


def test_several_targets_stay_in_standardised_units():
    scale, title = metric_units("mae", {"y_scale": None})
    assert scale == 1.0 and "standardised" in title
    reference = {"name": "mean", "value": 7.0, "scaled_value": 0.7, "loss": 0.6, "y_scale": None}
    fig = training_figure({"loss": [1.0], "mae": [0.9]}, [], "mae", reference)
    assert sorted(shape.y0 for shape in fig.layout.shapes) == pytest.approx([0.6, 0.7])


def test_classification_has_accuracy_and_no_loss_baseline():
    reference = {"name": "most frequent class", "value": 0.6, "loss": None, "y_scale": None}
    fig = training_figure(
        {"loss": [0.7], "accuracy": [0.55], "val_accuracy": [0.5]}, [], "accuracy", reference
    )
    assert [shape.y0 for shape in fig.layout.shapes] == [0.6]
    assert fig.layout.annotations[0].text == "Loss (cross-entropy)"


def test_an_epoch_ended_by_stop_sits_where_it_ended():
    fig = training_figure({"loss": [0.9, 0.8], "val_loss": [1.0, 0.9]}, [], "mae", None, epoch_x=[1.0, 1.25])
    assert list(_trace(fig, "val loss").x) == [1.0, 1.25]


def test_ghosts_of_earlier_runs_sit_behind_the_live_curves_in_both_panels():
    from rnnlab.plots.train import add_run_ghosts

    reference = {
        "name": "mean",
        "metric": "mae",
        "value": 4.0,
        "scaled_value": 0.4,
        "loss": 0.3,
        "y_scale": 10.0,
    }
    fig = training_figure(
        {"loss": [0.9], "val_loss": [1.0], "mae": [0.8], "val_mae": [0.9]}, (), "mae", reference
    )
    n_live = len(fig.data)
    earlier = [{"epoch": [0, 1], "val_loss": [2.0, 1.5], "val_mae": [0.7, None]}, {"loss": [1.0]}]
    add_run_ghosts(fig, earlier, "mae", reference)
    assert len(fig.data) == n_live + 2  # one run has validation curves: one ghost per panel
    loss_ghost, mae_ghost = fig.data[0], fig.data[1]  # drawn first = behind
    assert list(loss_ghost.y) == [2.0, 1.5] and loss_ghost.xaxis in (None, "x") and loss_ghost.showlegend
    assert list(mae_ghost.y) == [7.0, None] and mae_ghost.xaxis == "x2" and mae_ghost.yaxis == "y2"
    assert "rgba" in loss_ghost.line.color  # faint
    assert [t.name for t in fig.data[2:]][:2] == ["train loss", "val loss"]


def test_earlier_runs_are_the_same_data_and_task_without_the_live_run():
    from rnnlab.plots.train import GHOST_LIMIT, earlier_runs

    ref = {"source": "bundled", "name": "ecg200", "read_options": {}}
    task = {"kind": "classify", "seed": 0}
    runs = [
        {"id": "live", "dataset_ref": ref, "task_config": task, "epochs_done": 1},
        {"id": "same", "dataset_ref": ref, "task_config": task, "epochs_done": 3},
        {"id": "empty", "dataset_ref": ref, "task_config": task, "epochs_done": 0},
        {"id": "other-task", "dataset_ref": ref, "task_config": {**task, "seed": 1}, "epochs_done": 3},
        {
            "id": "other-data",
            "dataset_ref": {**ref, "name": "ecg5000"},
            "task_config": task,
            "epochs_done": 3,
        },
    ]
    assert earlier_runs(runs, ref, task, exclude="live") == ["same"]
    assert earlier_runs(runs, None, task) == []
    many = [{**runs[1], "id": f"r{i}"} for i in range(20)]
    assert len(earlier_runs(many, ref, task)) == GHOST_LIMIT
