"""The classical reference (ETS): its recursion against statsmodels, known answers on a constant and a
straight line, its place on the scoreboard (shown, never chosen, never a rival) and when it is skipped."""

from __future__ import annotations

import doctest
import subprocess
import sys
import time

import numpy as np
import pytest

from rnnlab.baselines.classical import ETSParams, ETSReference, ets_forecasts, ets_states
from rnnlab.data.dataset import SequenceDataset
from rnnlab.evaluation import judge, scoreboard
from rnnlab.evaluation.classical_reference import NAME, classical_rows
from rnnlab.evaluation.verdict import judge as judge_verdict
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig
from tests.tiny_datasets import framed_task

pytest.importorskip("statsmodels")


def _series(values, names=("y",), frequency=None) -> SequenceDataset:
    values = np.asarray(values, dtype=np.float64)
    return SequenceDataset("s", "series", [values.reshape(len(values), -1)], list(names), frequency=frequency)


# ---- the maths ----------------------------------------------------------------------------------------


def test_damped_trend_and_season_by_hand():
    p = ETSParams(alpha=0.5, beta=0.5, gamma=0.5, phi=0.8, level0=10.0, trend0=1.0, seasons0=(1.0, -1.0))
    level, trend, season = ets_states(np.array([12.0]), p)
    # base = 10 + 0.8·1 = 10.8; l = .5(12 − 1) + .5·10.8 = 10.9; b = .5(10.9 − 10) + .5·.8·1 = 0.85
    # s_0 = .5(12 − 10.8) + .5·1 = 1.1
    assert level.tolist() == pytest.approx([10.9]) and trend.tolist() == pytest.approx([0.85])
    assert season.tolist() == pytest.approx([1.0, -1.0, 1.1])
    # ŷ(0+1) = 10.9 + .8·.85 + s_{−1} = 11.58 − 1; ŷ(0+2) = 10.9 + (.8 + .64)·.85 + s_0 = 12.124 + 1.1
    assert ets_forecasts((level, trend, season), 0.8, np.array([0]), (1, 2))[0].tolist() == pytest.approx(
        [10.58, 13.224]
    )


def test_a_missing_step_is_replaced_by_its_forecast():
    p = ETSParams(alpha=0.5, level0=4.0)
    level, _, _ = ets_states(np.array([np.nan, 8.0]), p)
    assert level.tolist() == [4.0, 6.0]


@pytest.mark.parametrize("trend, season", [(False, False), (True, False), (False, True), (True, True)])
def test_the_recursion_matches_statsmodels(trend, season):
    from rnnlab.baselines.classical import _params

    t = np.arange(150.0)
    y = 20 + 0.3 * t + 4 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 1, 150)
    ref = ETSReference(12)
    fitted = ref._fit_one(y, trend, season)
    p = _params(fitted, trend, season)
    states = ets_states(y, p)
    one_step = ets_forecasts(states, p.phi, np.arange(149), (1,))[:, 0]
    np.testing.assert_allclose(one_step, np.asarray(fitted.fittedvalues)[1:], atol=1e-8)
    np.testing.assert_allclose(
        ets_forecasts(states, p.phi, np.array([149]), (1, 5, 13))[0], np.asarray(fitted.forecast(13))[[0, 4, 12]],
        atol=1e-8,
    )  # fmt: skip


def test_a_constant_is_forecast_as_itself():
    ref = ETSReference(12).fit(np.full(100, 7.0))
    np.testing.assert_allclose(ref.forecast(np.full(130, 7.0), np.array([100, 120]), (1, 12)), 7.0, atol=1e-9)


def test_a_straight_line_is_continued():
    y = 2.0 + 0.5 * np.arange(200.0)
    ref = ETSReference().fit(y[:140])
    assert ref.params_.form == "ETS(A,Ad,N)"
    pred = ref.forecast(y, np.arange(140, 190), (1,))[:, 0]
    assert np.abs(pred - y[141:191]).max() < 0.01  # last value is off by the slope, 0.5, every step


def test_the_fit_leaves_the_blas_thread_pools_as_they_were():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import statsmodels.tsa.holtwinters  # noqa: F401  SciPy's BLAS loaded before counting the pools

    before = [(p["filepath"], p["num_threads"]) for p in threadpoolctl.threadpool_info()]
    ETSReference(12).fit(20 + np.sin(np.arange(60.0)))
    assert [(p["filepath"], p["num_threads"]) for p in threadpoolctl.threadpool_info()] == before


def test_forecast_before_fit_and_too_short_history_raise():
    with pytest.raises(ValueError, match="not fitted yet"):
        ETSReference().forecast(np.zeros(5), np.array([2]), (1,))
    with pytest.raises(ValueError, match="at least 10 values"):
        ETSReference().fit(np.arange(5.0))


# ---- the scoreboard row --------------------------------------------------------------------------------


def test_the_row_scores_exactly_the_models_windows_on_a_line():
    framed = frame(_series(2.0 + 0.5 * np.arange(300.0)), TaskConfig("forecast", window=6, horizon=2))
    rows, notes = classical_rows(framed)
    assert notes == [] and len(rows) == 1
    row = rows[0]
    assert row["name"] == NAME == "ETS (classical reference)" and row["reference"] is True
    board = scoreboard.scoreboard(framed)
    assert set(row["test"]) == set(board[0]["test"]) and set(row["val"]) == set(board[0]["val"])
    last_value = next(r for r in board if r["name"] == "last value")
    assert row["test"]["mae"] < 0.02 < 0.75 == pytest.approx(last_value["test"]["mae"])  # steps 1 and 2: 0.5, 1
    assert "ETS(A,Ad,N)" in row["note"] and "never the baseline to beat" in row["note"]


def test_each_sequence_of_a_collection_is_fitted_on_its_own_training_part():
    t = np.arange(80.0)
    seqs = [np.stack([10 * k + 0.2 * k * t], axis=1) for k in (1, 2, 3)]  # three lines, slopes .2, .4, .6
    ds = SequenceDataset("lines", "long", seqs, ["v"], ids=["a", "b", "c"])
    framed = frame(ds, TaskConfig("forecast", window=4, target_columns=("v",)))
    rows, notes = classical_rows(framed)
    assert notes == [] and rows[0]["test"]["mae"] < 0.05
    assert "each sequence's training part" in rows[0]["note"] and "×3" in rows[0]["note"]


def test_best_never_chooses_the_reference_and_the_verdict_never_names_it():
    board = [
        {"name": "last value", "val": {"mae": 1.0}, "test": {"mae": 1.0}},
        {"name": NAME, "val": {"mae": 0.1}, "test": {"mae": 0.1}, "reference": True},
    ]
    assert scoreboard.best(board, "mae")["name"] == "last value"
    verdict = judge_verdict("mae", 0.5, board, board[0], n_test=100, unit="windows")
    assert verdict.outcome == "win" and verdict.better == ()


class LastValueModel:
    """A 'model' that repeats the window's last value (in the model's scaled units)."""

    def __init__(self, framed):
        self.framed = framed

    def predict(self, X, batch_size=None, verbose=0):
        fd = self.framed
        last = np.asarray(X)[:, -1, 0] * fd.x_std.ravel()[0] + fd.x_mean.ravel()[0]
        return ((last - fd.y_mean.ravel()[0]) / fd.y_std.ravel()[0])[:, None]


def test_evaluate_shows_the_reference_but_judges_against_the_naive_baselines_only():
    y = 2.0 + 0.5 * np.arange(300.0) + np.random.default_rng(1).normal(0, 0.05, 300)
    framed = frame(_series(y), TaskConfig("forecast", window=6))
    ev = judge.evaluate(LastValueModel(framed), framed)
    names = [row["name"] for row in ev["scoreboard"]]
    assert names[-1] == NAME  # shown, after the naive baselines
    reference = ev["scoreboard"][-1]
    assert reference["test"]["mae"] < ev["test"]["mae"]  # it does better than the model on test …
    assert ev["best_baseline"]["name"] != NAME  # … but is never the baseline to beat
    assert NAME not in [r["name"] for r in ev["judgement"]["better"]]  # nor a rival
    table = judge.comparison_rows(ev)
    assert table[-1]["model"] == NAME and table[-1]["better on test"] == "✓ (a reference)"
    assert table[-1]["chosen on val"] == ""


@pytest.mark.parametrize(
    "case, reason",
    [
        ("not an input", "a target is not an input column"),
        ("too short", "fewer than 10 values"),
        ("by sequence", "no training part"),
        ("classify", "not a forecast"),
    ],
)
def test_skipped_with_a_note_saying_why(case, reason):
    if case == "not an input":
        framed = frame(
            _series(np.stack([np.arange(90.0), np.sin(np.arange(90.0))], axis=1), names=("a", "b")),
            TaskConfig("forecast", window=4, input_columns=("b",), target_columns=("a",)),
        )
    elif case == "too short":
        framed = frame(_series(np.arange(12.0)), TaskConfig("forecast", window=2))
    elif case == "by sequence":
        seqs = [np.arange(40.0)[:, None] + k for k in range(12)]
        ds = SequenceDataset("many", "long", seqs, ["v"], ids=list(range(12)))
        framed = frame(ds, TaskConfig("forecast", window=4, target_columns=("v",), split_mode="sequence"))
    else:
        framed = framed_task("classify")
    rows, notes = classical_rows(framed)
    assert rows == [] and len(notes) == 1
    assert notes[0].startswith(f"{NAME} skipped: ") and reason in notes[0]


def test_the_skip_note_reaches_the_verdict():
    framed = frame(_series(np.arange(12.0)), TaskConfig("forecast", window=2))
    ev = judge.evaluate(LastValueModel(framed), framed)
    assert NAME not in [row["name"] for row in ev["scoreboard"]]
    assert any(note.startswith(f"{NAME} skipped") for note in ev["judgement"]["notes"])


def test_a_collection_that_would_take_too_long_is_skipped():
    seqs = [np.arange(60.0)[:, None] * (1 + k / 10) for k in range(5)]
    ds = SequenceDataset("many", "long", seqs, ["v"], ids=list(range(5)))
    framed = frame(ds, TaskConfig("forecast", window=4, target_columns=("v",)))
    rows, notes = classical_rows(framed, budget_s=0.0)
    assert rows == [] and "the limit is 0 s; 1 fitted in" in notes[0]


def test_a_collection_of_many_sequences_stops_after_a_few_fits():
    seqs = [np.arange(60.0)[:, None] * (1 + k / 100) for k in range(200)]
    ds = SequenceDataset("many", "long", seqs, ["v"], ids=list(range(200)))
    framed = frame(ds, TaskConfig("forecast", window=4, target_columns=("v",)))
    t0 = time.perf_counter()
    rows, notes = classical_rows(framed, budget_s=0.05)
    assert rows == [] and "fitting 200 series would take about" in notes[0]
    assert any(f"; {n} fitted in" in notes[0] for n in (1, 2, 3))  # the spent time alone, or the projection
    assert time.perf_counter() - t0 < 10


def test_the_scoreboard_and_the_data_pages_never_load_statsmodels():
    code = (
        "import sys; import numpy as np\n"
        "from rnnlab.data.dataset import SequenceDataset\n"
        "from rnnlab.task.framing import TaskConfig, frame\n"
        "from rnnlab.evaluation import judge, scoreboard\n"
        "ds = SequenceDataset('s', 'series', [np.arange(80.0)[:, None]], ['v'])\n"
        "scoreboard.scoreboard(frame(ds, TaskConfig('forecast', window=4)))\n"
        "print(any(m.split('.')[0] in ('statsmodels', 'scipy') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"


def test_doctests():
    from rnnlab.baselines import classical
    from rnnlab.evaluation import classical_reference

    assert doctest.testmod(classical).failed == 0 and doctest.testmod(classical_reference).failed == 0
