"""NumPy forward passes against Keras's own layers (float64 NumPy vs float32 Keras, atol 1e-5)."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from rnnlab.inside import cell_steps, numpy_rnn  # noqa: E402

LAYERS = {
    "simple_rnn": lambda **kw: keras.layers.SimpleRNN(3, **kw),
    "lstm": lambda **kw: keras.layers.LSTM(3, **kw),
    "gru": lambda **kw: keras.layers.GRU(3, **kw),
    "gru_reset_before": lambda **kw: keras.layers.GRU(3, reset_after=False, **kw),
}
PAD = -9.0


def _data(seed: int = 0, masked: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(4, 5, 2)).astype("float32")
    if masked:
        X[0, 3:] = PAD  # post-padded
        X[1, :2] = PAD  # pre-padded
        X[2, 2] = PAD  # a hole in the middle
    return X


def _keras_outputs(layer, X, masked):
    keras.utils.set_random_seed(1)
    inp = keras.Input((X.shape[1], X.shape[2]))
    h = keras.layers.Masking(PAD)(inp) if masked else inp
    model = keras.Model(inp, layer(h))
    # moderate random weights, so nothing saturates and all gates matter
    rng = np.random.default_rng(2)
    layer.set_weights([rng.normal(scale=0.6, size=w.shape).astype("float32") for w in layer.get_weights()])
    return np.asarray(model.predict(X, verbose=0), dtype=np.float64)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("kind", list(LAYERS))
def test_matches_keras_return_sequences(kind, masked):
    X = _data(masked=masked)
    layer = LAYERS[kind](return_sequences=True)
    expected = _keras_outputs(layer, X, masked)
    mask = cell_steps.input_mask(X, PAD) if masked else None
    trace = numpy_rnn.run_layer(layer, X, mask)
    assert trace.outputs.shape == (4, 5, 3)
    np.testing.assert_allclose(trace.outputs, expected, atol=1e-5)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("kind", list(LAYERS))
def test_bidirectional_matches_keras(kind, masked):
    X = _data(seed=3, masked=masked)
    layer = keras.layers.Bidirectional(LAYERS[kind](return_sequences=True))
    expected = _keras_outputs(layer, X, masked)
    trace = numpy_rnn.run_layer(layer, X, cell_steps.input_mask(X, PAD) if masked else None)
    assert trace.outputs.shape == (4, 5, 6)
    np.testing.assert_allclose(trace.outputs, expected, atol=1e-5)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru"])
def test_last_output_matches_keras(kind, bidirectional):
    X = _data(seed=4, masked=True)
    layer = LAYERS[kind]()
    if bidirectional:
        layer = keras.layers.Bidirectional(layer)
    expected = _keras_outputs(layer, X, True)
    trace = numpy_rnn.run_layer(layer, X, cell_steps.input_mask(X, PAD))
    np.testing.assert_allclose(trace.last_output, expected, atol=1e-5)


def test_go_backwards_layer_outputs_in_processing_order():
    X = _data(seed=5)
    layer = keras.layers.GRU(3, return_sequences=True, go_backwards=True)
    expected = _keras_outputs(layer, X, False)
    np.testing.assert_allclose(numpy_rnn.run_layer(layer, X).outputs, expected, atol=1e-5)


def test_masked_steps_carry_state_over():
    X = _data(masked=True)
    layer = keras.layers.LSTM(3, return_sequences=True)
    _keras_outputs(layer, X, True)
    trace = numpy_rnn.run_layer(layer, X, cell_steps.input_mask(X, PAD))
    np.testing.assert_array_equal(trace.states[0, 3], trace.states[0, 2])
    np.testing.assert_array_equal(trace.states[0, 4], trace.states[0, 2])
    np.testing.assert_array_equal(trace.states[1, 1], np.zeros(3))  # pre-padding: still the zero state
    np.testing.assert_array_equal(trace.gates["cell_state"][2, 2], trace.gates["cell_state"][2, 1])


def test_simple_rnn_by_hand():
    # h_t = tanh(2 x_t + 0.5 h_{t-1} + 0.1)
    spec = cell_steps.CellSpec("simple_rnn", 1, np.array([[2.0]]), np.array([[0.5]]), np.array([0.1]))
    trace = cell_steps.forward(spec, np.array([[1.0], [0.0]]))
    h1 = np.tanh(2.1)
    np.testing.assert_allclose(trace.states[0, :, 0], [h1, np.tanh(0.5 * h1 + 0.1)])


def test_step_details_gru():
    X = _data(seed=6)
    layer = keras.layers.GRU(3, return_sequences=True)
    _keras_outputs(layer, X, False)
    trace = numpy_rnn.run_layer(layer, X)
    d = cell_steps.step_details(trace, 2, sample=1)
    np.testing.assert_array_equal(d["x_t"], X[1, 2])
    np.testing.assert_array_equal(d["h_prev"], trace.states[1, 1])
    z, hh = d["gates"]["z"], d["gates"]["h"]
    np.testing.assert_allclose(d["h_t"], z * d["h_prev"] + (1 - z) * hh)
    assert set(d["gates"]) == {"z", "r", "h"}
    with pytest.raises(ValueError, match="`t` must be in"):
        cell_steps.step_details(trace, 5)


def test_step_details_lstm_first_step_has_zero_previous_state():
    X = _data(seed=7)
    layer = keras.layers.LSTM(3, return_sequences=True)
    _keras_outputs(layer, X, False)
    d = cell_steps.step_details(numpy_rnn.run_layer(layer, X), 0)
    np.testing.assert_array_equal(d["h_prev"], np.zeros(3))
    np.testing.assert_allclose(d["c_t"], d["gates"]["i"] * d["gates"]["c"])


def test_trace_model_uses_masking_layer():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((5, 2)), keras.layers.Masking(PAD), keras.layers.GRU(3), keras.layers.Dense(1)]
    )
    X = _data(masked=True)
    trace = numpy_rnn.trace_model(model, X)
    rnn_out = keras.Model(model.inputs, model.layers[1].output).predict(X, verbose=0)
    np.testing.assert_allclose(trace.last_output, rnn_out, atol=1e-5)
    assert not trace.mask[0, 4]


def test_rejects_other_layers():
    with pytest.raises(ValueError, match="SimpleRNN, LSTM or GRU"):
        numpy_rnn.spec_from_layer(keras.layers.Dense(2))
