"""Per-gate weight split and parameter formulas, checked against Keras's own arrays and counts."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from rnnlab.inside import weights  # noqa: E402


def _model(layer, d=2):
    return keras.Sequential([keras.Input((4, d)), layer, keras.layers.Dense(1)])


def test_lstm_split_per_gate():
    layer = keras.layers.LSTM(3)
    _model(layer)
    info = weights.layer_weights(layer)
    assert info["cell"] == "lstm" and info["units"] == 3 and info["input_width"] == 2
    blocks = info["directions"][0]["blocks"]
    kernels = [b for b in blocks if b["array"] == "kernel"]
    assert [b["gate"] for b in kernels] == ["i", "f", "c", "o"]
    assert all(b["shape"] == (2, 3) for b in kernels)
    kernel = layer.get_weights()[0]
    np.testing.assert_array_equal(kernels[1]["values"], kernel[:, 3:6])  # forget gate = second block
    bias = [b for b in blocks if b["array"] == "bias"]
    np.testing.assert_array_equal(bias[1]["values"], np.ones(3))  # Keras's unit_forget_bias
    assert info["params"] == 4 * 3 * (3 + 2 + 1) == 72
    assert info["formula"].endswith("72")


def test_gru_reset_after_has_recurrent_bias():
    layer = keras.layers.GRU(4)
    _model(layer, d=3)
    info = weights.layer_weights(layer)
    arrays = {b["array"] for b in info["directions"][0]["blocks"]}
    assert arrays == {"kernel", "recurrent_kernel", "bias", "recurrent_bias"}
    assert info["params"] == 3 * 4 * (4 + 3 + 2) == 108
    assert "108" in info["formula"]
    assert {"name": "bias", "shape": (2, 12)} in info["arrays"]


def test_gru_reset_before_formula():
    layer = keras.layers.GRU(4, reset_after=False)
    _model(layer, d=3)
    info = weights.layer_weights(layer)
    assert info["params"] == 3 * 4 * (4 + 3 + 1) == 96
    assert info["formula"].startswith("3·u·(u + d + 1)")
    assert "96" in info["formula"]


def test_bidirectional_simple_rnn():
    layer = keras.layers.Bidirectional(keras.layers.SimpleRNN(2))
    _model(layer)
    info = weights.layer_weights(layer)
    assert [d["direction"] for d in info["directions"]] == ["forward", "backward"]
    assert info["params"] == 2 * 2 * (2 + 2 + 1) == 20
    assert "20" in info["formula"]
    assert info["directions"][1]["blocks"][1]["shape"] == (2, 2)  # recurrent kernel U (u, u)


@pytest.mark.parametrize(
    ("cell", "units", "d", "expected"),
    [("simple_rnn", 3, 2, 18), ("lstm", 4, 2, 112), ("gru", 2, 1, 30)],
)
def test_param_count_by_hand(cell, units, d, expected):
    assert weights.param_count(cell, units, d) == expected
    assert weights.param_count(cell, units, d, bidirectional=True) == 2 * expected


def test_model_weights_lists_every_recurrent_layer():
    model = keras.Sequential(
        [
            keras.Input((4, 2)),
            keras.layers.GRU(3, return_sequences=True),
            keras.layers.LSTM(2),
            keras.layers.Dense(1),
        ]
    )
    infos = weights.model_weights(model)
    assert [i["cell"] for i in infos] == ["gru", "lstm"]
    assert infos[1]["input_width"] == 3
    assert sum(i["params"] for i in infos) == sum(layer.count_params() for layer in model.layers[:2])
