"""Parameter formulas against Keras's count_params(), and the course's own numbers."""

from __future__ import annotations

import itertools

import pytest

from rnnlab.models import params
from rnnlab.models.config import ModelConfig

keras = pytest.importorskip("keras")
layers = keras.layers
CLASSES = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


def _stack(cell, units, features, bidirectional, reset_after=True):
    x = inputs = keras.Input((None, features))
    for i, u in enumerate(units):
        kwargs = {"return_sequences": i < len(units) - 1}
        if cell == "gru":
            kwargs["reset_after"] = reset_after
        layer = CLASSES[cell](u, **kwargs)
        x = (layers.Bidirectional(layer) if bidirectional else layer)(x)
    return keras.Model(inputs, x)


GRID = list(itertools.product(["simple_rnn", "lstm", "gru"], [(1,), (7,), (5, 3)], [1, 4], [False, True]))


@pytest.mark.parametrize("cell,units,features,bidirectional", GRID)
def test_formula_matches_keras_per_layer_and_total(cell, units, features, bidirectional):
    model = _stack(cell, units, features, bidirectional)
    rows = params.layer_table(ModelConfig(cell=cell, units=units, bidirectional=bidirectional), features)
    keras_layers = [layer for layer in model.layers if layer.count_params()]
    assert [r["params"] for r in rows] == [layer.count_params() for layer in keras_layers]
    assert params.total_params(rows) == model.count_params()
    widths = [features] + [u * (2 if bidirectional else 1) for u in units[:-1]]
    assert [r["input_width"] for r in rows] == widths


@pytest.mark.parametrize("units,features", [(3, 2), (6, 1)])
def test_gru_without_reset_after(units, features):
    model = _stack("gru", (units,), features, False, reset_after=False)
    assert params.recurrent_params("gru", units, features, reset_after=False) == model.count_params()
    assert params.recurrent_params("gru", units, features, reset_after=False) == 3 * units * (
        units + features + 1
    )


def test_course_numbers_simple_rnn_2_on_3_features():
    layer = layers.SimpleRNN(2)
    keras.Sequential([keras.Input((None, 3)), layer])
    assert [tuple(w.shape) for w in layer.weights] == [(3, 2), (2, 2), (2,)]
    assert layer.count_params() == 12 == params.recurrent_params("simple_rnn", 2, 3)


def test_course_numbers_simple_rnn_10_then_dense_1():
    rnn_only = keras.Sequential([keras.Input((None, 3)), layers.SimpleRNN(10)])
    with_dense = keras.Sequential([keras.Input((None, 3)), layers.SimpleRNN(10), layers.Dense(1)])
    assert rnn_only.count_params() == 140 == params.recurrent_params("simple_rnn", 10, 3)
    rows = params.layer_table(ModelConfig(cell="simple_rnn", units=(10,)), 3, n_outputs=1)
    assert with_dense.count_params() == 151 == params.total_params(rows)


def test_formula_text_is_worked_out():
    assert params.formula("gru", 10, 3) == "3·u·(u + d + 2) = 3·10·(10 + 3 + 2) = 450"
    assert (
        params.formula("lstm", 2, 3, bidirectional=True) == "2 × 4·u·(u + d + 1) = 2 × 4·2·(2 + 3 + 1) = 96"
    )
    assert params.dense_formula(1, 10) == "d·u + u = 10·1 + 1 = 11"


def test_layer_table_dense_reference_and_normalization():
    config = ModelConfig(cell="dense", units=(4,), head_units=(2,), normalization=True)
    rows = params.layer_table(config, 3, n_steps=5, n_outputs=1)
    assert [r["params"] for r in rows] == [7, 15 * 4 + 4, 4 * 2 + 2, 2 + 1]
    with pytest.raises(ValueError, match="n_steps"):
        params.layer_table(config, 3)


def test_bad_input_raises_keras_style():
    with pytest.raises(ValueError, match="Received: cell='dense'"):
        params.recurrent_params("dense", 3, 2)
    with pytest.raises(ValueError, match="units"):
        params.recurrent_params("gru", 0, 2)
