import numpy as np
import pytest

from rnnlab.evaluation import scoreboard
from rnnlab.evaluation.scoreboard import (
    ClassPrior,
    Drift,
    LastValue,
    LinearAR,
    MostFrequent,
    NearestCentroid,
    PreviousStep,
    SeasonalNaive,
    TrainMean,
    WindowMean,
)  # fmt: skip
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig
from tests import task_data

W = np.array([[[1.0], [2.0], [4.0]], [[3.0], [3.0], [0.0]]])  # two windows, W=3, one target column


def test_forecast_maths_by_hand():
    assert scoreboard.last_value(W)[:, 0].tolist() == [4.0, 0.0]
    assert scoreboard.window_mean(W)[:, 0].tolist() == [7 / 3, 2.0]
    # season 2: h=1 → index W-1+1-2 = 1; h=2 → 2+2-2 = 2
    assert scoreboard.seasonal_naive(W, (1, 2), 2)[:, :, 0].tolist() == [[2.0, 4.0], [3.0, 0.0]]
    # slope (4-1)/2 = 1.5 → 4 + 1.5h ; (0-3)/2 = -1.5 → 0 - 1.5h
    assert scoreboard.drift(W, (1, 3))[:, :, 0].tolist() == [[5.5, 8.5], [-1.5, -4.5]]


def test_estimators_by_hand():
    y = np.array([[5.0, 6.0], [1.0, 2.0]])
    assert LastValue((0,), (1, 2)).fit(W, y).predict(W).tolist() == [[4, 4], [0, 0]]
    assert WindowMean((0,), (1,)).fit(W, y[:, 0]).predict(W).tolist() == [7 / 3, 2.0]
    assert TrainMean().fit(W, y).predict(W[:1]).tolist() == [[3.0, 4.0]]
    assert SeasonalNaive((0,), (1,), 3).fit(W, y[:, 0]).predict(W).tolist() == [1.0, 3.0]
    assert Drift((0,), (1,)).fit(W, y[:, 0]).predict(W).tolist() == [5.5, -1.5]
    labels = np.array([1, 1, 0])
    X3 = np.array([[[0.0]], [[0.2]], [[5.0]]])
    assert MostFrequent().fit(X3, labels).predict(X3).tolist() == [1, 1, 1]
    assert NearestCentroid().fit(X3, labels).predict(np.array([[[4.0]], [[0.5]]])).tolist() == [0, 1]
    prior = ClassPrior(seed=0).fit(X3, labels)
    assert prior.expected_accuracy(np.array([1, 0])) == pytest.approx(2 / 3 * 0.5 + 1 / 3 * 0.5)
    tag = PreviousStep((0,)).fit(W, W[:, :, 0])
    assert tag.predict(W).tolist() == [[2.0, 1.0, 2.0], [2.0, 3.0, 3.0]]


def test_linear_ar_learns_a_linear_rule():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4, 1))
    y = 2 * X[:, -1, 0] - X[:, 0, 0] + 3
    pred = LinearAR(alpha=1e-6).fit(X, y).predict(X[:5])
    assert np.allclose(pred, y[:5], atol=1e-3)


def _framed_cases():
    return [
        frame(task_data.ramp(80), TaskConfig("forecast", window=6, horizon=1)),
        frame(task_data.ramp(80), TaskConfig("forecast", window=6, offsets=(1, 3), season_length=4)),
        frame(task_data.ramp(80), TaskConfig("forecast", window=6, horizon=2, target_columns=("v", "sq"))),
        frame(task_data.ragged(30), TaskConfig("classify")),
        frame(task_data.values(20), TaskConfig("regress")),
        frame(task_data.tagged(), TaskConfig("tag")),
    ]


def test_contract_over_all_baselines():
    seen = set()
    for fd in _framed_cases():
        for name, est in scoreboard.candidates(fd)[0]:
            seen.add(type(est).__name__)
            X = scoreboard._inputs(fd, "test", est)
            with pytest.raises(ValueError, match="not fitted yet"):
                est.predict(X)
            assert est.fit(scoreboard._inputs(fd, "train", est), fd.train.y, fd.train.sample_weight) is est
            assert all(not k.endswith("_") for k in vars(type(est)(**_params(est))))  # __init__ only stores
            first = est.predict(X)
            assert first.shape == fd.test.y.shape, name
            assert np.array_equal(first, est.predict(X)), name
            again = type(est)(**_params(est)).fit(scoreboard._inputs(fd, "train", est), fd.train.y)
            assert np.array_equal(first, again.predict(X)), name  # a fresh fit gives the same answer
    assert seen >= {"LastValue", "WindowMean", "SeasonalNaive", "Drift", "TrainMean", "LinearAR",
                    "MostFrequent", "ClassPrior", "NearestCentroid"}  # fmt: skip


def _params(est):
    return {k: v for k, v in vars(est).items() if not k.endswith("_")}


def test_scoreboard_and_best_on_val():
    fd = frame(task_data.ramp(80), TaskConfig("forecast", window=6))
    board = scoreboard.scoreboard(fd)
    names = [row["name"] for row in board]
    assert names[:2] == ["last value", "window mean"] and "drift" in names
    drift = next(r for r in board if r["name"] == "drift")
    assert drift["test"]["mae"] == pytest.approx(0.0, abs=1e-4)  # a ramp is a straight line
    assert scoreboard.best(board, "mae")["name"] in ("drift", "linear AR (ridge)")
    preds = scoreboard.predict_all(fd, "test")
    assert preds["last value"].tolist() == (fd.test.y - 1).tolist()


def test_skipped_when_target_is_not_an_input():
    fd = frame(
        task_data.ramp(80), TaskConfig("forecast", window=6, input_columns=("sq",), target_columns=("v",))
    )
    names = [n for n, _ in scoreboard.candidates(fd)[0]]
    assert names == ["train mean", "linear AR (ridge)"]
    assert "skipped" in scoreboard.candidates(fd)[1][0]


# ---- reference figures (../shared/datasets/SOURCES.md): test = last 20 % of windows, raw units ----
REFERENCE_SPLIT = {"val_share": 0.0, "test_share": 0.2}


def _last_value_mae(key, **task):
    fd = frame(task_data.bundled(key), TaskConfig("forecast", **REFERENCE_SPLIT, **task))
    return next(r for r in scoreboard.scoreboard(fd) if r["name"] == "last value")["test"]["mae"]


def test_reference_sunspots_last_value():
    assert round(_last_value_mae("sunspots", window=12, horizon=1, target_columns=("sunspots",)), 3) == 14.091
    assert (
        round(_last_value_mae("sunspots", window=12, offsets=(6,), target_columns=("sunspots",)), 3) == 21.265
    )


def test_reference_seattle_and_co2_last_value():
    assert round(_last_value_mae("seattle_weather", window=14, target_columns=("temp_max",)), 3) == 2.353
    assert round(_last_value_mae("co2", window=52, input_columns=("co2_filled",)), 4) == 0.4045


def test_reference_ecg5000_most_frequent_on_archive_test():
    fd = frame(task_data.bundled("ecg5000"), TaskConfig("classify", split_mode="archive"))
    assert len(fd.test) == 4500
    row = next(r for r in scoreboard.scoreboard(fd) if r["name"] == "most frequent class")
    assert round(row["test"]["accuracy"], 4) == 0.5838
