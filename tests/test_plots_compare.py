"""Comparison figures: traces, colours and bands built from hand-made histories."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from rnnlab.plots import compare as plots_compare
from rnnlab.runs import compare


def _run(run_id, cell="gru", units=(8,), **extra):
    return {
        "id": run_id,
        "label": None,
        "dataset_name": "sunspots",
        "model_config": {"cell": cell, "units": list(units)},
        "train_config": {"seed": 0},
        "params": 100,
        "seconds": 4.0,
        "epochs_done": 2,
        "status": "finished",
        **extra,
    }


HIST = {
    "r-000001": {"loss": [3.0, 2.0], "val_loss": [3.5, 2.5]},
    "r-000002": {"loss": [1.0], "val_loss": [1.5]},
}


def test_overlay_curves_solid_train_dashed_val_same_colour_per_run():
    fig = plots_compare.overlay_curves([_run("r-000001"), _run("r-000002", "lstm")], HIST, "loss")
    assert isinstance(fig, go.Figure) and len(fig.data) == 4
    train, val = fig.data[0], fig.data[1]
    assert list(train.x) == [1, 2] and list(train.y) == [3.0, 2.0] and train.line.dash == "solid"
    assert list(val.y) == [3.5, 2.5] and val.line.dash == "dash" and train.line.color == val.line.color
    assert fig.data[2].line.color != train.line.color
    assert "LSTM 8" in fig.data[2].name


def test_ghosts_are_drawn_behind_the_live_curve():
    fig = go.Figure(go.Scatter(x=[1], y=[1.0], name="live"))
    plots_compare.add_ghosts(fig, [HIST["r-000001"], HIST["r-000002"], {}], "val_loss")
    assert [t.name for t in fig.data] == ["earlier runs", None, "live"]
    assert "0.25" in fig.data[0].line.color


def test_metric_bars_put_baselines_beside_runs():
    board = [
        {"name": "last value", "val": {"mae": 3.0}, "test": {"mae": 2.5}},
        {"name": "mean", "test": {"mae": 9.0}},
    ]
    runs = [_run("r-000001", test_metrics={"mae": 1.5}, scoreboard=board), _run("r-000002", test_metrics={})]
    fig = plots_compare.metric_bars(runs, "mae")
    bar = fig.data[0]
    assert list(bar.y) == [1.5, 2.5, 9.0]
    assert list(bar.x)[1:] == ["baseline: last value", "baseline: mean"]
    assert list(bar.marker.color)[1:] == [plots_compare.BASELINE_COLOUR] * 2
    assert "lower is better" in fig.layout.title.text


def test_seed_band_mean_min_max_by_hand():
    band = compare.seed_band(
        [{"val_loss": [3.0, 2.0]}, {"val_loss": [1.0, 4.0]}, {"val_loss": [2.0]}], "val_loss"
    )
    assert band == {"epoch": [0, 1], "mean": [2.0, 3.0], "min": [1.0, 2.0], "max": [3.0, 4.0], "n": [3, 2]}
    fig = plots_compare.seed_bands(
        {"GRU 8": [{"val_loss": [3.0, 2.0]}, {"val_loss": [1.0, 4.0]}]}, "val_loss"
    )
    band_trace, mean_trace = fig.data
    assert list(band_trace.y) == [3.0, 4.0, 2.0, 1.0] and band_trace.fill == "toself"
    assert list(mean_trace.y) == [2.0, 3.0] and "2 seeds" in band_trace.name


def test_race_overlay_colours_by_cell_and_shows_params_and_speed():
    runs = [_run(f"r-00000{i}", cell) for i, cell in enumerate(compare.RACE_CELLS)]
    hists = {r["id"]: {"val_loss": [1.0, 0.5]} for r in runs}
    fig = plots_compare.race_overlay(runs, hists, "val_loss")
    assert [t.line.color for t in fig.data] == [plots_compare.CELL_COLOURS[c] for c in compare.RACE_CELLS]
    assert fig.data[1].name == "LSTM (100 params, 2.00 s/epoch)"
    assert fig.data[3].line.dash == "dot"


def test_table_rows_and_labels():
    rows = compare.table_rows(
        [_run("r-0000ab", units=(16, 8), best_val=0.5, test_value=0.4, verdict="beats")]
    )
    assert rows[0]["cell"] == "GRU" and rows[0]["units"] == "16·8" and rows[0]["layers"] == 2
    assert rows[0]["s/epoch"] == 2.0 and rows[0]["run"] == "GRU 16·8 · sunspots · 00ab"
    assert compare.run_label(_run("r-000001", label="team A")) == "team A"
    # a run kept without its model configuration (saved by hand, or by an older version) reads as words
    bare = {"id": "r-0000cd", "label": None, "model_config": None, "train_config": None, "dataset_name": None}
    assert compare.run_label(bare) == "model · no dataset · 00cd"


def test_seed_trains_and_race_models():
    from rnnlab.models.config import ModelConfig
    from rnnlab.training.config import TrainConfig

    assert [t.seed for t in compare.seed_trains(TrainConfig(seed=5), 3)] == [5, 6, 7]
    with pytest.raises(ValueError, match="between 2 and 10"):
        compare.seed_trains(TrainConfig(), 1)
    models = compare.race_models(ModelConfig(units=(4, 2), dropout=0.1))
    assert [m.cell for m in models] == ["simple_rnn", "lstm", "gru", "dense"]
    assert all(m.units == (4, 2) and m.dropout == 0.1 for m in models)


def test_same_setting_groups_ignore_only_the_seed():
    a = _run("r-000001", train_config={"seed": 0, "epochs": 3})
    b = _run("r-000002", train_config={"seed": 1, "epochs": 3})
    c = _run("r-000003", train_config={"seed": 0, "epochs": 4})
    groups = list(compare.same_setting_groups([a, b, c]).values())
    assert [[r["id"] for r in g] for g in groups] == [["r-000001", "r-000002"], ["r-000003"]]


def test_band_key_falls_back_to_training_when_there_is_no_validation():
    assert compare.band_key([{"mae": [1.0]}, {"mae": [2.0]}], "mae") == "mae"
    assert compare.band_key([{"mae": [1.0], "val_mae": [1.5]}], "mae") == "val_mae"
