"""Conformal intervals and calibration: hand-computed quantiles, bins and ECE, and coverage on a series whose
noise is known."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from rnnlab.data.dataset import SequenceDataset
from rnnlab.evaluation import judge
from rnnlab.evaluation import uncertainty as unc
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from tests.tiny_datasets import framed_task

# ---- the conformal quantile: rank ⌈(n+1)(1−α)⌉ of the n absolute residuals -----------------------------


def test_conformal_quantile_takes_the_finite_sample_rank():
    residuals = np.arange(1.0, 20.0)  # 1 … 19, n = 19
    assert unc.conformal_quantile(residuals, 0.9) == 18.0  # ⌈20·0.9⌉ = 18
    assert unc.conformal_quantile(-residuals, 0.9) == 18.0  # absolute values
    assert unc.conformal_quantile(np.arange(1.0, 10.0), 0.9) == 9.0  # n = 9: ⌈10·0.9⌉ = 9, the largest
    assert unc.conformal_quantile(np.arange(1.0, 9.0), 0.9) == math.inf  # n = 8: ⌈9·0.9⌉ = 9 > 8
    assert unc.conformal_quantile([4.0, 1.0, 3.0, 2.0], 0.5) == 3.0  # ⌈5·0.5⌉ = 3rd of 1, 2, 3, 4
    assert unc.conformal_quantile([1.0, np.nan, 2.0, 3.0], 0.5) == 2.0  # NaN (padded steps) left out
    assert unc.min_calibration(0.9) == 9 and unc.min_calibration(0.95) == 19


# ---- reliability bins and ECE ------------------------------------------------------------------------


def test_reliability_bins_and_ece_on_a_tiny_hand_example():
    confidence = [0.95, 0.85, 0.65, 0.55]
    correct = [1, 1, 0, 1]
    bins = unc.reliability_bins(confidence, correct)
    filled = [(b["low"], b["count"], b["confidence"], b["accuracy"]) for b in bins if b["count"]]
    assert filled == [(0.5, 1, 0.55, 1.0), (0.6, 1, 0.65, 0.0), (0.8, 1, 0.85, 1.0), (0.9, 1, 0.95, 1.0)]
    assert len(bins) == 10 and sum(b["count"] for b in bins) == 4
    # ECE = ¼(|1 − 0.95| + |1 − 0.85| + |0 − 0.65| + |1 − 0.55|) = 1.3 / 4
    assert unc.expected_calibration_error(bins) == pytest.approx(0.325)


def test_bins_are_closed_on_the_right():
    bins = unc.reliability_bins([0.5, 1.0, 0.1], [1, 1, 0])
    assert [b["count"] for b in bins] == [1, 0, 0, 0, 1, 0, 0, 0, 0, 1]  # 0.1 → (0, .1], 0.5 → (.4, .5]


def test_a_perfectly_calibrated_bin_has_no_error():
    bins = unc.reliability_bins([0.75] * 4, [1, 1, 1, 0])
    assert unc.expected_calibration_error(bins) == pytest.approx(0.0)
    assert math.isnan(unc.expected_calibration_error(unc.reliability_bins([], [])))


def test_calibration_of_a_classifier_on_test():
    framed = framed_task("classify")
    y = framed.test.y
    proba = np.full((len(y), 3), 0.1)
    proba[np.arange(len(y)), y] = 0.8  # always right, 80 % sure
    out = unc.calibration(framed, proba)
    assert out["kind"] == "calibration" and out["n_test"] == len(y)
    assert out["accuracy"] == 1.0 and out["confidence"] == pytest.approx(0.8)
    assert out["ece"] == pytest.approx(0.2)
    assert [b["count"] for b in out["bins"]][7] == len(y)  # 0.8 is in (0.7, 0.8]


# ---- intervals -----------------------------------------------------------------------------------------


def _ar1(n: int = 6000, phi: float = 0.8, sigma: float = 2.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = phi * y[t - 1] + rng.normal(0.0, sigma)
    return y + 50.0


class OracleAR1:
    """A 'model' that knows the process: ŷ = 50 + φ·(last value − 50), answered in the model's scaled units."""

    def __init__(self, framed, phi: float):
        self.framed, self.phi = framed, phi

    def predict(self, X, batch_size=None, verbose=0):
        fd = self.framed
        last = np.asarray(X)[:, -1, 0] * fd.x_std.ravel()[0] + fd.x_mean.ravel()[0]
        y = 50.0 + self.phi * (last - 50.0)
        return ((y - fd.y_mean.ravel()[0]) / fd.y_std.ravel()[0])[:, None]


def test_coverage_on_a_synthetic_series_with_known_noise():
    sigma = 2.0
    ds = SequenceDataset("ar1", "series", [_ar1(sigma=sigma)[:, None]], ["y"])
    framed = frame(ds, TaskConfig("forecast", window=5, val_share=0.2, test_share=0.2))
    ev = judge.evaluate(OracleAR1(framed, 0.8), framed)
    u = ev["uncertainty"]
    assert u["kind"] == "intervals" and u["level"] == 0.9 and u["n_calibration"] == len(framed.val)
    # the oracle's errors are the noise itself: q ≈ the 90 % two-sided quantile of N(0, σ²) = 1.645 σ
    assert u["q"][0] == pytest.approx(1.645 * sigma, rel=0.08)
    assert 0.87 <= u["coverage_test"] <= 0.93
    assert u["width_mean"] == pytest.approx(2 * u["q"][0])
    assert unc.sentence(u).startswith("90 % intervals cover ")


def test_the_level_comes_from_the_training_config():
    ds = SequenceDataset("ar1", "series", [_ar1(n=1500)[:, None]], ["y"])
    framed = frame(ds, TaskConfig("forecast", window=5))
    u = judge.evaluate(OracleAR1(framed, 0.8), framed, level=TrainConfig(intervals=0.5).intervals)["uncertainty"]
    assert u["level"] == 0.5 and 0.4 <= u["coverage_test"] <= 0.6


def test_intervals_per_horizon_step_with_hand_residuals():
    framed = framed_task("forecast")  # y (n, 3): offsets 1, 2, 3
    val, test = framed.val.y, framed.test.y
    errors = np.array([1.0, 2.0, 3.0])  # every validation residual of step h is exactly h
    out = unc.intervals(framed, val + errors, test + np.array([0.5, 2.5, 3.0]), level=0.5)
    assert out["q"] == [1.0, 2.0, 3.0] and out["outputs"] == ["t+1", "t+2", "t+3"]
    assert out["coverage_per_output"] == [1.0, 0.0, 1.0]  # |0.5| ≤ 1, |2.5| > 2, |3| ≤ 3
    assert out["coverage_test"] == pytest.approx(2 / 3)
    assert out["width_mean"] == pytest.approx(4.0)  # mean of 2, 4, 6


def test_no_validation_split_means_no_calibration_set():
    ds = SequenceDataset("ar1", "series", [_ar1(n=200)[:, None]], ["y"])
    framed = frame(ds, TaskConfig("forecast", window=5, val_share=0.0))
    out = unc.intervals(framed, np.zeros((0,)), framed.test.y)
    assert out["q"] is None and out["coverage_test"] is None
    assert "no calibration set" in out["note"] and unc.sentence(out) == out["note"]


def test_too_few_validation_values_for_the_level_are_said():
    framed = framed_task("forecast")
    assert len(framed.val) == 12 < unc.min_calibration(0.95)  # ⌈13·0.95⌉ = 13 > 12
    out = unc.intervals(framed, framed.val.y + 1.0, framed.test.y, level=0.95)
    assert out["q"] is None and "95 % intervals need at least 19" in out["note"]


def test_regression_and_tagging_get_intervals_too():
    regress = framed_task("regress")
    out = unc.intervals(regress, regress.val.y + 1.0, regress.test.y + 0.5, level=0.5)
    assert out["q"] == [1.0] and out["coverage_test"] == 1.0
    tag = framed_task("tag", ragged=True)
    val_pred = np.nan_to_num(tag.val.y) + 2.0
    out = unc.intervals(tag, val_pred, np.nan_to_num(tag.test.y) + 3.0, level=0.5)
    assert out["q"] == [2.0] and out["coverage_test"] == 0.0  # padded steps (NaN truth) are not counted
    assert out["n_calibration"] == int(np.isfinite(tag.val.y).sum())


def test_train_config_carries_the_level_through_json_and_links():
    config = TrainConfig(intervals=0.8)
    assert TrainConfig.from_dict(config.to_dict()) == config
    assert TrainConfig.from_token(config.to_token()) == config
    assert TrainConfig.from_dict({"epochs": 3}).intervals == 0.9
    with pytest.raises(ValueError, match="`intervals` must be a finite number from 0.5 to 0.99"):
        TrainConfig(intervals=1.0)


def test_doctests():
    assert doctest.testmod(unc).failed == 0
