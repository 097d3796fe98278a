"""Each failure detector: one case that triggers it, one that does not."""

from __future__ import annotations

import numpy as np

from rnnlab.evaluation import detectors


def _check(finding, name):
    assert finding is not None and finding["name"] == name
    assert finding["message"] and finding["hint"]


def test_flat_line():
    y = np.arange(10.0)
    _check(detectors.flat_line(y, np.full(10, 4.5) + 0.001 * np.arange(10)), "flat_line")
    assert detectors.flat_line(y, y + 0.5) is None
    assert detectors.flat_line(np.ones(5), np.ones(5)) is None  # constant targets: nothing to say


def test_loss_nan_and_exploding():
    _check(detectors.loss_diverged({"loss": [1.0, float("nan")]}), "loss_nan")
    _check(detectors.loss_diverged({"loss": [1.0, 5.0, 40.0]}), "loss_exploding")
    assert detectors.loss_diverged({"loss": [1.0, 0.8, 0.5]}) is None
    assert detectors.loss_diverged({}) is None


def test_overfitting():
    history = {"loss": [1.0, 0.8, 0.6, 0.5, 0.4, 0.3], "val_loss": [1.0, 0.7, 0.75, 0.8, 0.9, 1.0]}
    finding = detectors.overfitting(history)
    _check(finding, "overfitting")
    assert "best epoch: 2" in finding["message"]
    healthy = {"loss": [1.0, 0.8, 0.6, 0.5], "val_loss": [1.0, 0.9, 0.85, 0.84]}
    assert detectors.overfitting(healthy) is None
    # val loss rising but train loss rising too: divergence, not overfitting
    both_up = {"loss": [1.0, 1.1, 1.2, 1.3], "val_loss": [1.0, 1.1, 1.2, 1.3]}
    assert detectors.overfitting(both_up) is None


def test_unscaled_inputs():
    rng = np.random.default_rng(0)
    X = np.stack([rng.normal(0, 1, (20, 5)), rng.normal(1000, 500, (20, 5))], axis=-1)
    finding = detectors.unscaled_inputs(X, scaled=False, feature_names=["wind", "pressure"])
    _check(finding, "unscaled_inputs")
    assert "pressure" in finding["message"]
    assert detectors.unscaled_inputs(X, scaled=True) is None
    assert detectors.unscaled_inputs(rng.normal(size=(20, 5, 2)), scaled=False) is None
    _check(detectors.unscaled_inputs(rng.normal(5000, 10, (20, 5, 1)), scaled=False), "unscaled_inputs")


def test_not_beating_baseline():
    _check(detectors.not_beating_baseline("mae", 2.0, 1.5, "last value"), "not_beating_baseline")
    assert detectors.not_beating_baseline("mae", 1.0, 1.5) is None
    _check(detectors.not_beating_baseline("accuracy", 0.6, 0.6), "not_beating_baseline")
    assert detectors.not_beating_baseline("accuracy", 0.9, 0.6) is None


def test_padding_without_mask():
    _check(detectors.padding_without_mask(0.7, mask=False), "padding_without_mask")
    assert detectors.padding_without_mask(0.7, mask=True) is None
    assert detectors.padding_without_mask(0.3, mask=False) is None


def test_run_all_collects_only_given_checks():
    assert detectors.run_all() == []
    findings = detectors.run_all(
        history={"loss": [1.0, float("inf")]},
        metric="mae",
        model_value=3.0,
        baseline_value=1.0,
        padded_share=0.9,
        mask=False,
    )
    assert [f["name"] for f in findings] == ["loss_nan", "not_beating_baseline", "padding_without_mask"]
    assert detectors.run_all(history={"loss": [1.0, 0.5], "val_loss": [1.0, 0.6]}) == []
