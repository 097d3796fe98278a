"""Rolling-origin backtests: where the origins cut, that nothing leaks across an origin, the verdict over the
origins (hand-computed), the stored request, and the command line."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.evaluation import backtest as verdicts
from rnnlab.runs import backtest
from rnnlab.runs.store import RunStore
from rnnlab.task import framing, origins
from rnnlab.task.types import TaskConfig


def _series(n: int, seed: int = 0) -> SequenceDataset:
    rng = np.random.default_rng(seed)
    values = np.cumsum(rng.normal(size=n)) + 10 * np.sin(np.arange(n) / 5)
    return SequenceDataset("walk", "series", [values[:, None]], ["v"])


# ---- where the origins cut ---------------------------------------------------------------------------


def test_origins_step_back_one_test_block_and_keep_the_split_sizes():
    ds = SequenceDataset("ramp", "series", [np.arange(100.0)[:, None]], ["v"])
    tasks = origins.plan_origins(ds, TaskConfig("forecast", window=4, val_share=0.1, test_share=0.1), 3)
    # 96 windows: 10 validation, 10 test; each earlier origin leaves out one more test block (10 steps)
    assert [(t.cutoff, t.history) for t in tasks] == [(20, 0), (10, 0), (0, 0)]
    sizes = [framing.frame(ds, t).sizes() for t in tasks]
    assert sizes == [{"n_train": 56, "n_val": 10, "n_test": 10}, {"n_train": 66, "n_val": 10, "n_test": 10},
                     {"n_train": 76, "n_val": 10, "n_test": 10}]  # fmt: skip
    tests = [framing.frame(ds, t).test.y for t in tasks]  # the test blocks tile the end of the ramp
    assert [(float(y.min()), float(y.max())) for y in tests] == [(70.0, 79.0), (80.0, 89.0), (90.0, 99.0)]
    assert tasks[-1] == TaskConfig("forecast", window=4, val_share=10 / 96, test_share=10 / 96)


def test_sliding_origins_train_on_the_same_number_of_steps():
    ds = SequenceDataset("ramp", "series", [np.arange(100.0)[:, None]], ["v"])
    tasks = origins.plan_origins(
        ds, TaskConfig("forecast", window=4, val_share=0.1, test_share=0.1), 3, sliding=True
    )
    assert {t.history for t in tasks} == {80} and [t.cutoff for t in tasks] == [20, 10, 0]
    framed = [framing.frame(ds, t) for t in tasks]
    assert {f.sizes()["n_train"] for f in framed} == {56}
    assert [float(f.train.X.min()) for f in framed] == [0.0, 10.0, 20.0]  # the window slides


def test_spans_put_each_origin_on_the_timeline():
    ds = SequenceDataset("ramp", "series", [np.arange(100.0)[:, None]], ["v"],
                         time_index=np.arange("2000-01", "2008-05", dtype="datetime64[M]"))  # fmt: skip
    tasks = origins.plan_origins(ds, TaskConfig("forecast", window=4, val_share=0.1, test_share=0.1), 3)
    spans = origins.origin_spans(ds, tasks)
    assert [(s["val_start"], s["test_start"], s["end"]) for s in spans] == [
        (60, 70, 80),
        (70, 80, 90),
        (80, 90, 100),
    ]
    assert spans[2]["times"]["test_start"] == "2007-07-01"  # step 90: 7 years and 6 months after 2000-01


def test_too_short_or_the_wrong_task_is_refused_in_plain_words():
    short = SequenceDataset("ramp", "series", [np.arange(20.0)[:, None]], ["v"])
    with pytest.raises(DataError, match="Too short for 5 origins"):
        origins.plan_origins(short, TaskConfig("forecast", window=4, val_share=0.2, test_share=0.2), 5)
    ds = _series(200)
    with pytest.raises(ValueError, match="splits by time"):
        origins.plan_origins(ds, TaskConfig("forecast", split_mode="sequence"), 3)
    with pytest.raises(ValueError, match="from 2 to 20"):
        origins.plan_origins(ds, TaskConfig("forecast"), 1)
    with pytest.raises(ValueError, match="only a forecast has one"):
        TaskConfig("classify", cutoff=3)


def test_a_collection_is_cut_at_the_same_steps_in_every_sequence():
    seqs = [np.arange(60.0)[:, None] + 100 * i for i in range(3)]
    ds = SequenceDataset("stores", "long", seqs, ["v"], ids=["a", "b", "c"])
    tasks = origins.plan_origins(ds, TaskConfig("forecast", window=4, val_share=0.1, test_share=0.1), 2)
    framed = framing.frame(ds, tasks[0])
    assert tasks[0].cutoff > 0 and framed.test.sequence is not None
    for i in range(3):  # no target after the cut, in any sequence
        mine = framed.test.y[framed.test.sequence == i]
        assert float(mine.max()) == 100 * i + 59 - tasks[0].cutoff


# ---- nothing leaks across an origin ----------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(n=st.integers(120, 400), window=st.integers(1, 12), horizon=st.integers(1, 4), k=st.integers(2, 5),
       sliding=st.booleans(), val=st.sampled_from([0.0, 0.1, 0.2]), seed=st.integers(0, 10))  # fmt: skip
def test_no_origin_sees_past_its_cut(n, window, horizon, k, sliding, val, seed):
    ds = _series(n, seed)
    base = TaskConfig("forecast", window=window, horizon=horizon, val_share=val, test_share=0.1)
    try:
        tasks = origins.plan_origins(ds, base, k, sliding)
    except DataError:
        return
    for task, span in zip(tasks, origins.origin_spans(ds, tasks)):
        framed = framing.frame(ds, task)
        train_last = framed.train.index.max() + horizon - 1  # inside the origin's own (cut) series
        held_first = min(p.index.min() for p in (framed.val, framed.test) if len(p))
        assert train_last < held_first  # training targets end before validation and test targets start
        assert span["start"] + framed.test.index.max() + horizon <= span["end"] <= n - task.cutoff
        # whatever comes after the training part cannot change what the model learns from, nor its scaling
        spoiled = ds.sequences[0].copy()
        spoiled[span["start"] + train_last + 1 :] = 1e6
        again = framing.frame(SequenceDataset("walk", "series", [spoiled], ["v"]), task)
        np.testing.assert_array_equal(again.train.X, framed.train.X)
        np.testing.assert_array_equal(again.train.y, framed.train.y)
        np.testing.assert_allclose(again.x_mean, framed.x_mean)
        np.testing.assert_allclose(again.x_std, framed.x_std)


# ---- the verdict over the origins (hand-computed) ------------------------------------------------------


def _origin(model: float, **baselines: tuple[float, float]) -> dict:
    """An origin with the model's test MAE and each baseline's (validation, test) MAE."""
    board = [
        {"name": name.replace("_", " "), "val": {"mae": v}, "test": {"mae": t}}
        for name, (v, t) in baselines.items()
    ]
    return {"status": "finished", "test": {"mae": model}, "scoreboard": board}


def test_the_baseline_is_chosen_on_mean_validation_and_wins_are_counted():
    runs = [_origin(1.0, last_value=(2.0, 2.0), drift=(3.0, 0.5)), _origin(1.0, last_value=(2.0, 2.0), drift=(3.0, 1.5)),
            _origin(1.0, last_value=(2.0, 2.0), drift=(3.0, 0.9))]  # fmt: skip
    out = verdicts.summarize(runs, "mae")
    assert out["baseline"] == "last value" and out["chosen_on"] == "validation"
    assert out["wins"] == {"last value": 3, "drift": 1}
    assert out["skills"] == [0.5, 0.5, 0.5] and out["skill_low"] == out["skill_high"] == 0.5
    # beats the chosen baseline everywhere, but drift does better at 2 of 3 origins: mixed, never a plain win
    assert out["outcome"] == "mixed" and out["better"] == ["drift"]
    assert out["text"].startswith("beats last value, the baseline chosen on validation, at 3 of 3 origins")
    assert "drift (model better at 1 of 3) does better at most origins" in out["text"]


def test_an_interval_that_holds_zero_is_a_tie_and_one_below_is_a_loss():
    tie = verdicts.summarize([_origin(m, last_value=(1.0, 1.0)) for m in (0.5, 1.4, 0.9)], "mae")
    # skills 0.5, −0.4, 0.1: mean 0.0667, sd 0.4509, t(2) 2.920 → ± 0.760
    assert tie["outcome"] == "tie" and tie["wins"] == {"last value": 2}
    assert math.isclose(tie["skill_low"], 0.0667 - 0.7602, abs_tol=1e-3)
    loss = verdicts.summarize([_origin(m, last_value=(1.0, 1.0)) for m in (1.5, 1.6, 1.4)], "mae")
    assert loss["outcome"] == "loss" and loss["skill_high"] < 0
    assert loss["text"].startswith(
        "does not beat last value, the baseline chosen on validation: better at only 0 of 3"
    )


def test_failed_origins_are_left_out_and_said():
    runs = [_origin(1.0, last_value=(2.0, 2.0)), {"status": "failed", "test": {}, "scoreboard": []},
            _origin(1.2, last_value=(2.0, 2.0))]  # fmt: skip
    out = verdicts.summarize(runs, "mae")
    assert (
        out["n_scored"] == 2
        and out["n_origins"] == 3
        and out["text"].endswith("Only 2 of 3 origins finished")
    )
    assert verdicts.summarize([runs[1]], "mae")["outcome"] is None


def test_references_are_never_the_baseline_to_beat():
    runs = [_origin(1.0, last_value=(2.0, 2.0)) for _ in range(3)]
    for run in runs:
        run["scoreboard"].append(
            {
                "name": "ETS (classical reference)",
                "classical": True,
                "val": {"mae": 0.1},
                "test": {"mae": 0.1},
            }
        )
    out = verdicts.summarize(runs, "mae")
    assert (
        out["baseline"] == "last value"
        and out["outcome"] == "win"
        and "ETS (classical reference)" not in out["wins"]
    )


def test_t_interval_matches_the_table():
    assert verdicts.T95[0] == 6.314 and verdicts.T95[4 - 1] == 2.132
    mean, low, high = verdicts.mean_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    assert mean == 3.0 and math.isclose(high - mean, 2.132 * math.sqrt(2.5) / math.sqrt(5))


# ---- the stored request ------------------------------------------------------------------------------


def test_the_store_keeps_the_backtest_as_one_request(tmp_path):
    store = RunStore(tmp_path)
    ws = "wbacktestreq0001"
    ds = _series(300)
    tasks = origins.plan_origins(ds, TaskConfig("forecast", window=6), 3)
    for i, (task, model) in enumerate(zip(reversed(tasks), (1.0, 1.1, 0.9))):  # recorded latest origin first
        run_id = f"run-bt{i:04d}"
        store.start_run(run_id, {"workspace": ws, "task": task, "group": "backtest:one"})
        store.finish_run(run_id, {"status": "finished", "test": {"mae": model}, "main_metric": "mae",
                                  "scoreboard": [{"name": "last value", "val": {"mae": 2.0}, "test": {"mae": 2.0}}]})  # fmt: skip
    store.start_run("run-other1", {"workspace": ws, "task": tasks[0]})
    assert store.latest_group(ws, "backtest:") == "backtest:one"
    assert store.latest_group("wsomebodyelse001", "backtest:") is None
    out = backtest.report(store.group_runs(ws, "backtest:one"))
    assert [o["cutoff"] for o in out["origins"]] == [t.cutoff for t in tasks]  # earliest first
    assert [o["model"]["mae"] for o in out["origins"]] == [0.9, 1.1, 1.0]
    assert out["summary"]["wins"] == {"last value": 3}


def test_specs_are_one_group_with_one_task_per_origin():
    ds = _series(300)
    from rnnlab.models.config import ModelConfig
    from rnnlab.training.config import TrainConfig

    specs = backtest.backtest_specs(ds, {"source": "bundled", "name": "walk"}, TaskConfig("forecast", window=6),
                                    ModelConfig(units=(4,)), TrainConfig(epochs=1), "wbacktestreq0001", "s", 4)  # fmt: skip
    assert len(specs) == 4 and len({s.group for s in specs}) == 1 and specs[0].group.startswith("backtest:")
    assert [s.task.cutoff for s in specs] == sorted((s.task.cutoff for s in specs), reverse=True)
    assert specs[-1].task.cutoff == 0 and len({s.run_id for s in specs}) == 4


# ---- the command line -----------------------------------------------------------------------------------


def test_cli_backtest_prints_one_entry_per_origin(capsys):
    pytest.importorskip("keras")
    from rnnlab.cli import main as cli

    code = cli.main(["backtest", "sunspots", "--window", "12", "--origins", "2", "--units", "2", "--epochs", "1",
                     "--json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [o["origin"] for o in out["origins"]] == [1, 2] and out["origins"][1]["cutoff"] == 0
    assert out["origins"][0]["cutoff"] > 0
    for origin in out["origins"]:
        assert origin["status"] in ("finished", "early_stopped") and origin["model"]["mae"] > 0
        names = [b["name"] for b in origin["baselines"]]
        assert "last value" in names and all("mae" in b for b in origin["baselines"])
    summary = out["summary"]
    assert summary["n_scored"] == 2 and summary["outcome"] in ("win", "mixed", "tie", "loss")
    assert set(summary["wins"]) >= {"last value"} and len(out["spans"]) == 2


def test_an_origins_export_holds_only_the_data_it_was_framed_from():
    from rnnlab.runs import export_tables

    ds = _series(300)
    for sliding in (False, True):
        task = origins.plan_origins(ds, TaskConfig("forecast", window=6), 3, sliding)[0]
        framed = framing.frame(ds, task)
        data = export_tables.data_frame(ds, framed)
        kept = task.history if sliding else 300 - task.cutoff
        assert len(data) == kept and data["v"].iloc[-1] == ds.sequences[0][299 - task.cutoff, 0]
        ranges = export_tables.data_info(framed)["split_first_target"]
        assert ranges["test"][1] < kept  # train_again.py finds every test window inside data.csv
