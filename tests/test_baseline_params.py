"""Every baseline checks its own settings against the data in ``fit`` (scikit-learn's way), one rule a test."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.baselines.naive import (
    ClassPrior,
    Drift,
    LastValue,
    LinearAR,
    PreviousStep,
    SeasonalNaive,
    WindowMean,
    check_int,
    check_steps,
)

X10 = np.zeros((4, 10, 2))  # 4 windows of 10 steps, 2 features
Y = np.zeros((4, 1))


def test_a_season_longer_than_the_window_is_refused_not_wrapped():
    with pytest.raises(
        ValueError, match="needs a window of 12 steps. Received: season_length=12, a window of 10"
    ):
        SeasonalNaive(season_length=12).fit(X10, Y)
    SeasonalNaive(season_length=10).fit(X10, Y)  # exactly one season back from the window's end fits
    SeasonalNaive(offsets=(2,), season_length=11).fit(X10, Y)  # T+2 − 11 = T−9: inside a 10-step window
    with pytest.raises(ValueError, match="needs a window of 11 steps"):  # T+1 − 11 = T−10: one step before it
        SeasonalNaive(offsets=(1, 2), season_length=11).fit(X10, Y)


@pytest.mark.parametrize("m", [0, -1, 2.5, True, "12"])
def test_season_length_must_be_a_positive_integer(m):
    with pytest.raises(ValueError, match="`season_length` must be an integer of at least 1"):
        SeasonalNaive(season_length=m).fit(X10, Y)


@pytest.mark.parametrize("cls", [LastValue, WindowMean, Drift, SeasonalNaive])
def test_target_index_must_name_an_input_column(cls):
    with pytest.raises(
        ValueError, match=r"`target_index` must index the 2 input column\(s\). Received: target_index=\(2,\)"
    ):
        cls(target_index=(2,)).fit(X10, Y)
    with pytest.raises(ValueError, match="`target_index` must be a non-empty tuple"):
        cls(target_index=()).fit(X10, Y)


@pytest.mark.parametrize("offsets", [(), (0,), (2, 1), (1, 1), (1.5,)])
def test_offsets_must_be_increasing_positive_steps(offsets):
    with pytest.raises(ValueError, match="`offsets` must be a non-empty tuple of increasing integers ≥ 1"):
        LastValue(offsets=offsets).fit(X10, Y)


def test_a_drift_needs_two_steps():
    with pytest.raises(ValueError, match="at least 2 steps"):
        Drift().fit(np.zeros((3, 1, 1)), np.zeros((3, 1)))


@pytest.mark.parametrize("alpha", [0, -1.0, float("nan"), float("inf"), "1", None])
def test_linear_ar_needs_a_positive_ridge(alpha):
    with pytest.raises(ValueError, match="`alpha` must be a positive finite number"):
        LinearAR(alpha=alpha).fit(X10, Y)


@pytest.mark.parametrize("seed", [-1, 2**32, 1.0, None])
def test_class_prior_seed_must_be_a_numpy_seed(seed):
    with pytest.raises(ValueError, match="`seed` must be an integer from 0 to 4294967295"):
        ClassPrior(seed=seed).fit(np.zeros((2, 1, 1)), np.array([0, 1]))


def test_previous_step_target_must_be_an_input_column():
    with pytest.raises(ValueError, match="`target_index` must index the 2 input column"):
        PreviousStep(target_index=(5,)).fit(X10, np.zeros((4, 10)))


def test_checks_name_the_setting_and_the_value():
    with pytest.raises(ValueError, match=r"^`k` must be an integer from 1 to 3. Received: k=4$"):
        check_int("k", 4, 1, 3)
    check_steps("offsets", (1, 2, 7), increasing=True, low=1)
