"""Gradient through time: shapes, alignment by hand, and the vanishing gradient of a SimpleRNN."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from rnnlab.inside import gradients, synthetic  # noqa: E402


def test_align_to_end_by_hand():
    norms = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    mask = np.array([[True, True, True, True], [False, True, True, False]])  # second: pre- and post-padded
    aligned = gradients.align_to_end(norms, mask)
    np.testing.assert_array_equal(aligned[0], [4.0, 3.0, 2.0, 1.0])
    np.testing.assert_array_equal(aligned[1, :2], [7.0, 6.0])
    assert np.isnan(aligned[1, 2:]).all()


def test_shapes_and_masked_steps():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((6, 2)),
            keras.layers.Masking(-9.0),
            keras.layers.GRU(3),
            keras.layers.Dense(2, "softmax"),
        ]
    )
    X = np.random.default_rng(0).normal(size=(5, 6, 2)).astype("float32")
    X[0, 4:] = -9.0
    curve = gradients.gradient_through_time(model, X)
    assert curve["raw"].shape == curve["per_sample"].shape == (5, 6)
    assert curve["mean"].shape == curve["steps_before_end"].shape == (6,)
    np.testing.assert_array_equal(curve["raw"][0, 4:], 0.0)  # the mask cuts padded steps off
    assert np.isnan(curve["per_sample"][0, 4:]).all()
    assert np.isfinite(curve["mean"]).all() and (curve["mean"] > 0).all()


def test_reduce_must_be_known():
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.SimpleRNN(2), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="`reduce` must be"):
        gradients.input_gradient_norms(model, np.zeros((1, 3, 1)), reduce="median")


def test_simple_rnn_gradient_vanishes_on_the_k_steps_task():
    X, _ = synthetic.make_task(15, n=64, seed=0)  # 20 steps
    model = synthetic.build_cell_model("simple_rnn", 4, X.shape[1], seed=0)
    curve = gradients.gradient_through_time(model, X)["mean"]
    assert curve.shape == (20,)
    assert curve[-3:].mean() < curve[:3].mean() / 20  # the earliest steps barely move the prediction
    assert gradients.decay_ratio(curve) > 20
