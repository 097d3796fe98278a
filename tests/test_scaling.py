import numpy as np

from rnnlab.task.scaling import fit_standardizer, standardize, unstandardize


def test_fit_on_real_steps_only():
    X = np.array([[[1.0, 10.0], [3.0, 30.0], [-99.0, -99.0]]])
    mean, std = fit_standardizer(X, np.array([[True, True, False]]))
    assert mean.tolist() == [2.0, 20.0] and std.tolist() == [1.0, 10.0]


def test_constant_column_and_nan_are_safe():
    mean, std = fit_standardizer(np.array([[5.0, np.nan], [5.0, 1.0]]))
    assert mean.tolist() == [5.0, 1.0] and std.tolist() == [1.0, 1.0]


def test_round_trip_one_and_several_columns():
    y = np.array([[1.0, 2.0], [3.0, 8.0]])
    mean, std = fit_standardizer(y)
    assert np.allclose(unstandardize(standardize(y, mean, std), mean, std), y)
    one = np.array([[1.0, 3.0], [5.0, 7.0]])  # (n, H) with one target column
    m1, s1 = fit_standardizer(one.reshape(-1, 1))
    assert np.allclose(standardize(one, m1, s1).mean(), 0.0)
    assert np.allclose(unstandardize(standardize(one, m1, s1), m1, s1), one)
