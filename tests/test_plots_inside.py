"""Figure builders of the Inside page: right kinds of traces, shared time axis, log scale."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnlab.inside import cell_steps, weights
from rnnlab.plots import inside as plots_inside
from rnnlab.plots import padding_lab as plots_padding


def _gru_spec(d: int = 2, u: int = 3) -> cell_steps.CellSpec:
    rng = np.random.default_rng(0)
    return cell_steps.CellSpec(
        "gru", u, rng.normal(size=(d, 3 * u)), rng.normal(size=(u, 3 * u)), rng.normal(size=(2, 3 * u))
    )


def _trace(cell: str = "gru") -> cell_steps.Trace:
    spec = _gru_spec()
    if cell == "lstm":
        rng = np.random.default_rng(1)
        spec = cell_steps.CellSpec(
            "lstm", 3, rng.normal(size=(2, 12)), rng.normal(size=(3, 12)), np.zeros(12)
        )
    X = np.random.default_rng(2).normal(size=(2, 5, 2))
    mask = np.array([[True] * 5, [True, True, True, False, False]])
    return cell_steps.forward(spec, X, mask)


def test_weight_heatmaps_one_panel_per_array_and_gate():
    info = {
        "name": "gru",
        "cell_title": "GRU",
        "units": 3,
        "input_width": 2,
        "bidirectional": False,
        "directions": [{"direction": "forward", "blocks": weights.split_gates(_gru_spec())}],
    }
    fig = plots_inside.weight_heatmaps(info)
    assert isinstance(fig, go.Figure)
    heatmaps = [t for t in fig.data if isinstance(t, go.Heatmap)]
    assert len(heatmaps) == 4 * 3  # W, U, b, b' × z, r, h
    assert np.asarray(heatmaps[0].z).shape == (2, 3)
    assert "GRU" in fig.layout.title.text


def test_hidden_state_heatmap_shares_the_time_axis_with_the_input():
    trace = _trace()
    fig = plots_inside.hidden_state_heatmap(trace, sample=1, feature_names=["a", "b"], step=2)
    scatters = [t for t in fig.data if isinstance(t, go.Scatter)]
    heat = [t for t in fig.data if isinstance(t, go.Heatmap)][0]
    assert [s.name for s in scatters] == ["a", "b"]
    assert np.asarray(heat.z).shape == (3, 5)  # units × time
    assert fig.layout.xaxis.matches == "x2" or fig.layout.xaxis2.matches == "x"
    assert len(fig.layout.shapes) >= 2  # two masked steps shaded (+ the step line)


def test_gates_heatmaps_lstm_has_four_gates_and_cell_state():
    fig = plots_inside.gates_heatmaps(_trace("lstm"))
    assert len([t for t in fig.data if isinstance(t, go.Heatmap)]) == 5
    titles = [a.text for a in fig.layout.annotations]
    assert "forget gate f" in titles and "cell state c_t" in titles


def test_step_detail_bars():
    details = cell_steps.step_details(_trace(), 4, sample=1)
    fig = plots_inside.step_detail_bars(details)
    assert len(fig.data) == 2 + 3 + 1  # x_t, h_{t-1}, z, r, h̃, h_t
    assert "masked" in fig.layout.title.text


def test_gradient_curves_log_scale_and_skip_missing():
    fig = plots_inside.gradient_curves({"simple_rnn": np.array([1.0, 0.1, np.nan, 0.0]), "lstm": np.ones(4)})
    assert fig.layout.yaxis.type == "log"
    assert list(fig.data[0].x) == [0, 1]
    assert fig.data[0].name == "SimpleRNN"
    assert not fig.layout.shapes  # no marker unless asked
    marked = plots_inside.gradient_curves({"gru": np.ones(4)}, mark=2)
    assert marked.layout.shapes[0].x0 == 2 and "k = 2" in marked.layout.annotations[0].text


def test_race_and_padding_figures():
    results = [{"cell": c, "accuracy": a} for c, a in [("simple_rnn", 0.5), ("lstm", 0.9), ("gru", 0.8)]]
    results[1]["solved_epoch"] = 7
    fig = plots_inside.race_accuracy(results, 10)
    assert list(fig.data[0].y) == [0.5, 0.9, 0.8]
    assert list(fig.data[0].text) == ["50%", "90% (solved in epoch 7)", "80%"]
    for r, accs in zip(results, ([0.5, 0.5], [0.6, 0.9], [0.7])):
        r["history"] = {"val_accuracy": accs}
    curves = plots_inside.race_learning_curves(results, 10)
    assert [list(t.x) for t in curves.data] == [[1, 2], [1, 2], [1]]
    assert [t.name for t in curves.data] == ["SimpleRNN", "LSTM", "GRU"]
    lab = {
        "metric": "accuracy",
        "classes": ["down", "up"],
        "lengths": np.array([3, 4]),
        "targets": np.array([0, 1]),
        "max_length": 6,
        "state_length": 3,
        "variants": [
            {"key": "post_mask", "val_metric": 0.8, "predictions": np.array([0, 1])},
            {"key": "post_nomask", "val_metric": 0.6, "predictions": np.array([1, 1])},
        ],
        "states": {"with_mask": np.zeros((6, 2)), "without_mask": np.ones((6, 2))},
    }
    metrics = plots_padding.padding_metrics(lab)
    assert list(metrics.data[0].x) == ["post_mask", "post_nomask"]
    assert list(metrics.data[0].marker.color) == ["#2ca02c", "#7f7f7f"]  # the reference is the green one …
    assert "green: post-padding with a Masking layer" in metrics.layout.title.subtitle.text  # … as it says
    assert len(plots_padding.padding_predictions(lab).data) == 3
    states = plots_padding.padding_states(lab)
    assert len([t for t in states.data if isinstance(t, go.Heatmap)]) == 2
