"""The verdict: chosen on validation, judged on test, rivals named, ties within the noise, random baselines by
their expectation, tiny test splits said to be tiny — with hand-computed answers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnnlab.baselines.naive import ClassPrior
from rnnlab.evaluation import scoreboard
from rnnlab.evaluation.verdict import (
    Rival,
    Verdict,
    VerdictDict,
    judge,
    metric_from_parts,
    race_line,
    resample_counts,
    score_parts,
    skill_interval,
)
from rnnlab.runs import compare


def _board(**test_maes):
    return [{"name": name.replace("_", " "), "val": {"mae": 1.0}, "test": {"mae": v}} for name, v in test_maes.items()]


def test_a_win_over_the_chosen_baseline_while_simpler_ones_do_better_on_test_is_mixed_and_names_them():
    # lesson 7's figures: linear AR chosen on validation, last value and drift better on the test windows
    board = _board(last_value=0.916, drift=0.956, linear_AR=1.453)
    v = judge("mae", 1.269, board, board[2], n_test=168, unit="windows")
    assert v.outcome == "mixed" and not v.wins
    assert [r.name for r in v.better] == ["last value", "drift"]  # best first
    assert v.text == (
        "beats linear AR, the baseline chosen on validation, by 13 % in MAE (1.27 against 1.45); "
        "but last value (0.916) and drift (0.956) do better on these test windows"
    )
    assert v.short == "mixed: +13 % vs linear AR, last value better"


def test_a_loss_names_the_other_baselines_that_do_better_too():
    board = _board(last_value=0.9, drift=1.0, train_mean=5.0)
    v = judge("mae", 1.5, board, board[0], n_test=100, unit="windows")
    assert v.outcome == "loss" and v.skill == pytest.approx(1 - 1.5 / 0.9)
    assert v.text.endswith("(MAE 1.5 against 0.9); drift (1) does better too on these test windows")


def test_a_plain_win_needs_no_better_baseline_and_enough_test_samples():
    board = _board(last_value=1.0, train_mean=3.0)
    v = judge("mae", 0.5, board, board[0], n_test=100, unit="windows")
    assert v.outcome == "win" and v.wins and v.better == ()
    tiny = judge("mae", 0.5, board, board[0], n_test=1, unit="sequences")
    assert tiny.outcome == "win" and not tiny.wins  # lesson 1: one test sequence
    assert tiny.text.endswith(
        "Judged on only 1 test sequence: too few to tell skill from luck (aim for 20 or more)"
    )
    assert compare.verdict_cell({"judgement": tiny.to_dict()}) == "win +50 % vs last value · 1 test sequences"


def test_the_bootstrap_calls_a_difference_within_the_noise_a_tie():
    rng = np.random.default_rng(0)
    y = rng.normal(size=40)
    base = y + rng.normal(scale=1.0, size=40)
    model = y + rng.normal(scale=0.98, size=40)  # about as good: the interval must hold 0
    parts_m, parts_b = score_parts(y, model, "mae"), score_parts(y, base, "mae")
    low, high = skill_interval(parts_m, parts_b, "mae")
    assert low < 0 < high
    mae_m, mae_b = np.mean(np.abs(y - model)), np.mean(np.abs(y - base))
    board = [{"name": "noisy", "val": {"mae": 1.0}, "test": {"mae": mae_b}}]
    v = judge("mae", mae_m, board, board[0], model_parts=parts_m, baseline_parts={"noisy": parts_b},
              n_test=40, unit="sequences")  # fmt: skip
    assert v.outcome == "tie" and "a difference within the noise of 40 test sequences" in v.text
    # ten times less error on every sample: a win whose whole interval is above 0
    good = y + (base - y) / 10
    low, high = skill_interval(score_parts(y, good, "mae"), parts_b, "mae")
    assert 0.8 < low <= high < 0.95


def test_identical_predictions_tie_exactly():
    y = np.arange(30.0)
    parts = score_parts(y, y + 1, "mae")
    assert skill_interval(parts, parts, "mae") == (0.0, 0.0)
    board = [{"name": "same", "val": {"mae": 1.0}, "test": {"mae": 1.0}}]
    v = judge("mae", 1.0, board, board[0], model_parts=parts, baseline_parts={"same": parts}, n_test=30)
    assert v.outcome == "tie"


def test_score_parts_sum_to_the_metric_by_hand():
    y = np.array([0, 0, 1, 2])
    pred = np.array([0, 1, 1, 0])  # recall: class 0 1/2, class 1 1/1, class 2 0/1 → balanced 0.5; accuracy 0.5
    num, den = score_parts(y, pred, "balanced_accuracy", n_classes=3)
    assert num.tolist() == [[1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0]]
    assert metric_from_parts(num.sum(0), den.sum(0), "balanced_accuracy") == pytest.approx(0.5)
    num, den = score_parts(y, pred, "accuracy")
    assert metric_from_parts(num.sum(0), den.sum(0), "accuracy") == pytest.approx(0.5)
    # tagging: padded steps (-1) do not count
    num, den = score_parts(np.array([[1, -1], [0, 0]]), np.array([[1, 0], [1, 0]]), "accuracy")
    assert num.ravel().tolist() == [1, 1] and den.ravel().tolist() == [1, 2]
    # values with NaN targets (padded steps)
    num, den = score_parts(np.array([[1.0, np.nan], [2.0, 4.0]]), np.array([[2.0, 9.0], [2.0, 1.0]]), "mae")
    assert num.ravel().tolist() == [1.0, 3.0] and den.ravel().tolist() == [1.0, 2.0]


def test_resampling_draws_whole_groups_or_blocks():
    rng = np.random.default_rng(1)
    groups = np.repeat([0, 1, 2, 3], 5)
    counts = resample_counts(20, rng, 50, groups=groups)
    assert counts.shape == (50, 20)
    for g in range(4):  # every window of a sequence is drawn as often as the others
        assert (counts[:, groups == g] == counts[:, [5 * g]]).all()
    assert (counts.sum(axis=1) == 20).all()
    blocks = resample_counts(20, rng, 50, block=4)
    assert (blocks.sum(axis=1) == 20).all()  # five blocks of four


def test_a_random_baseline_is_scored_by_its_expectation_never_one_draw():
    from rnnlab.data.dataset import SequenceDataset
    from rnnlab.task.framing import frame
    from rnnlab.task.types import TaskConfig

    rng = np.random.default_rng(0)
    labels = np.array(["a", "b"] * 50)
    seqs = [rng.normal(size=(6, 1)) for _ in labels]
    framed = frame(SequenceDataset("coin", "wide", seqs, ["v"], labels=labels, label_kind="class"),
                   TaskConfig("classify", split_mode="stratified"))  # fmt: skip
    rows, test_predictions = scoreboard.judged_scoreboard(framed)
    prior = next(r for r in rows if r["name"] == "class prior (random)")
    # training shares 1/2 and 1/2: the expected accuracy is 1/2 whatever the test shares, never a lucky draw
    assert prior["test"]["accuracy"] == pytest.approx(0.5)
    assert prior["test"]["balanced_accuracy"] == pytest.approx(0.5)
    assert "expectation" in prior["note"]
    np.testing.assert_allclose(test_predictions["class prior (random)"], 0.5)  # each true class hit with p = 1/2


def test_class_prior_expectations_by_hand():
    est = ClassPrior().fit(np.zeros((4, 1, 1)), np.array([0, 0, 0, 1]))  # shares 3/4, 1/4
    y = np.array([0, 1, 1, 1])
    assert est.expected_accuracy(y) == pytest.approx(0.75 * 0.25 + 0.25 * 0.75)
    assert est.expected_balanced_accuracy(y) == pytest.approx((0.75 + 0.25) / 2)
    assert est.hit_probability(np.array([0, 1, 5])).tolist() == [0.75, 0.25, 0.0]


def test_a_verdict_round_trips_and_a_malformed_one_is_refused():
    v = judge("accuracy", 0.9, [{"name": "mf", "test": {"accuracy": 0.6}}], {"name": "mf", "test": {"accuracy": 0.6}},
              n_test=30)  # fmt: skip
    assert Verdict.from_dict(v.to_dict()) == v and v.to_dict()["text"] == v.text
    with pytest.raises(ValueError, match="outcome"):
        Verdict.from_dict({**v.to_dict(), "outcome": "triumph"})
    with pytest.raises(ValueError, match="fields"):
        Verdict.from_dict({"outcome": "win"})


def test_the_plain_verdict_has_every_field_in_order_then_its_sentence():
    v = Verdict("mixed", "mae", 0.8, "last value", 1.0, 0.2, 0.1, 0.3, (Rival("drift", 0.5),), 100, "windows")
    data = v.to_dict()
    assert list(data) == [f.name for f in dataclasses.fields(Verdict)] + ["text"]
    assert list(data) == list(VerdictDict.__annotations__)
    assert data["better"] == [{"name": "drift", "value": 0.5}] and data["skill_low"] == 0.1


def test_the_race_has_a_winner_line_and_says_when_no_cell_beats_the_baseline():
    lose = lambda value: Verdict("loss", "mae", value, "linear AR", 1.0, 1 - value, n_test=50, unit="windows")  # noqa: E731
    line = race_line([("SimpleRNN", lose(1.4)), ("LSTM", lose(1.2)), ("GRU", lose(1.1)), ("Dense", None)])
    assert line["winner"] == "GRU" and line["outcome"] == "loss"
    assert line["text"] == (
        "No cell beats linear AR, the baseline chosen on validation: the best, GRU, scores MAE 1.1 against 1."
    )
    runs = [{"model_config": {"cell": "lstm"}, "judgement": lose(1.2).to_dict()},
            {"model_config": {"cell": "gru"}, "judgement": lose(0.8).to_dict()}]  # fmt: skip
    judged = compare.race_verdicts(runs)
    assert [name for name, _ in judged["entries"]] == ["LSTM", "GRU"]
    assert judged["winner"]["winner"] == "GRU"


def test_without_a_validation_split_the_verdict_says_the_baseline_was_chosen_on_test():
    board = [{"name": "train mean", "val": {"mae": float("nan")}, "test": {"mae": 32.5}}]
    v = judge("mae", 0.786, board, board[0], n_test=1, unit="sequences")
    assert v.chosen_on == "test" and Verdict.from_dict(v.to_dict()).chosen_on == "test"
    assert v.text.startswith(
        "beats train mean, the best baseline on test (there is no validation split to choose on), by 98 % in MAE"
    )


def test_no_reference_line_without_a_validation_split_and_never_a_nan_line():
    from rnnlab.data import catalog
    from rnnlab.evaluation.reference import reference
    from rnnlab.plots.train import training_figure
    from rnnlab.runs import lessons
    from rnnlab.task.framing import frame

    task, _, _ = lessons.get_lesson("three_cities").configs()  # lesson 1: no validation split
    assert reference(frame(catalog.load_dataset("three_cities"), task)) is None
    fig = training_figure({"loss": [1.0, 0.5], "mae": [0.9, 0.4]}, reference={"name": "x", "metric": "mae",
                          "value": float("nan"), "loss": float("nan"), "scaled_value": None, "y_scale": 2.0})  # fmt: skip
    assert not fig.layout.shapes  # a NaN line drew a stray diagonal


def test_a_collection_forecast_has_a_table_per_sequence_and_a_plot_for_the_chosen_one():
    from rnnlab.data import catalog
    from rnnlab.evaluation import judge as evaluation
    from rnnlab.plots.results import forecast_figure
    from rnnlab.task.framing import frame
    from rnnlab.task.types import TaskConfig

    framed = frame(catalog.load_dataset("us_unemployment"), TaskConfig("forecast", window=12, target_columns=("rate",)))
    choices = evaluation.tested_sequences(framed)
    assert len(choices) == 14
    preds = scoreboard.predict_all(framed, "test")
    model = preds["last value"] + 0.1  # a model 0.1 off the last value on every window
    rows = evaluation.per_sequence_rows(framed, model, preds, ["linear AR (ridge)", "last value"])
    assert len(rows) == 14 and sum(r["test windows"] for r in rows) == len(framed.test)
    one = rows[0]
    mine = framed.test.sequence == next(iter(choices))
    assert one["last value MAE"] == pytest.approx(np.mean(np.abs(framed.test.y[mine] - preds["last value"][mine])))
    assert "model better than linear AR (ridge)" in one
    last = list(choices)[-1]
    fig = forecast_figure(framed, model, sequence=last)
    assert fig.layout.title.text.endswith(f"in sequence {choices[last]}")


def test_a_collection_with_too_few_sequences_per_class_defaults_to_forecasting_inside_each():
    from rnnlab.data.dataset import SequenceDataset
    from rnnlab.task.framing import default_task

    rng = np.random.default_rng(0)
    regions = np.array(["north", "south", "east"] * 4)  # 12 stores, 3 regions: 4 per class
    stores = SequenceDataset("stores", "long", [rng.normal(size=(60, 1)) for _ in regions], ["sales"],
                             labels=regions, label_kind="class")  # fmt: skip
    assert stores.allowed_tasks() == ["forecast", "classify"]
    assert default_task(stores).kind == "forecast"
    many = SequenceDataset("m", "long", [rng.normal(size=(60, 1)) for _ in range(15)], ["v"],
                           labels=np.array(["a", "b", "c"] * 5), label_kind="class")  # fmt: skip
    assert many.allowed_tasks()[0] == "classify"  # 5 per class is enough
