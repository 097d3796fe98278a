"""Tasks on people's own collections: forecasts inside each sequence, predicting the change, a class per
step, and verdicts on balanced accuracy when the classes are imbalanced."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlab.cli import task as cli_task
from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.data.reader import read_csv
from rnnlab.evaluation import detectors, scoreboard, verdict
from rnnlab.evaluation.metrics import class_confusion
from rnnlab.task import trend
from rnnlab.task.framing import default_task, frame
from rnnlab.task.types import TaskConfig
from rnnlab.task.weights import balanced_sample_weight
from tests.test_own_csv_data import machines, stores


def _collection(lengths, n_features=1, seed=0) -> SequenceDataset:
    rng = np.random.default_rng(seed)
    seqs = [1000.0 * i + np.cumsum(rng.normal(1, 1, (n, n_features)), axis=0) for i, n in enumerate(lengths)]
    return SequenceDataset(
        "c", "long", seqs, [f"f{j}" for j in range(n_features)], ids=[f"u{i}" for i in range(len(lengths))]
    )


def _run_cli(argv, capsys):
    parser = argparse.ArgumentParser()
    cli_task.register(parser.add_subparsers())
    args = parser.parse_args(["baselines", *argv])
    code = args.func(args)
    return code, capsys.readouterr().out


# ---- forecasts of a collection -----------------------------------------------------------------------
def test_windows_are_cut_inside_each_sequence_and_split_by_time_in_every_one():
    ds = _collection([30, 40, 25])
    fd = frame(ds, TaskConfig("forecast", window=5, horizon=2, val_share=0.2, test_share=0.2))
    for name in ("train", "val", "test"):
        part = fd.split(name)
        assert set(part.sequence.tolist()) == {0, 1, 2}  # the last part of *every* sequence is test
        # sequence i lives around 1000·i: a window mixing two sequences would span > 500
        spread = part.X.max(axis=(1, 2)) - part.X.min(axis=(1, 2))
        assert np.all(spread < 500)
    for seq in range(3):
        tr = fd.train.index[fd.train.sequence == seq].max()
        te = fd.test.index[fd.test.sequence == seq].min()
        assert tr < te


def test_split_by_sequence_holds_out_whole_units():
    ds = _collection([20] * 10)
    fd = frame(
        ds, TaskConfig("forecast", window=4, split_mode="sequence", val_share=0.2, test_share=0.2, seed=1)
    )
    train, test = set(fd.train.sequence.tolist()), set(fd.test.sequence.tolist())
    assert train and test and not train & test and len(test) == 2
    assert any("Split by sequence" in n for n in fd.notes)


def test_baselines_score_exactly_the_models_windows():
    ds = read_csv(stores())
    fd = frame(ds, default_task(ds))
    board = scoreboard.scoreboard(fd)
    last = next(r for r in board if r["name"] == "last value")
    expected = np.mean(np.abs(fd.test.y - fd.test.X[:, -1, 0]))
    assert last["test"]["mae"] == pytest.approx(expected)
    assert {r["name"] for r in board} >= {
        "last value",
        "window mean",
        "drift",
        "train mean",
        "linear AR (ridge)",
    }


def test_too_short_sequences_are_left_out_with_a_note_and_none_long_enough_is_an_error():
    fd = frame(_collection([40, 40, 5]), TaskConfig("forecast", window=6))
    assert 2 not in set(fd.train.sequence.tolist()) and any("too short" in n for n in fd.notes)
    with pytest.raises(DataError, match="too short"):
        frame(_collection([5, 6]), TaskConfig("forecast", window=6))


def test_cli_baselines_json_on_a_multi_series_file(tmp_path, capsys):
    path = tmp_path / "stores.csv"
    path.write_bytes(stores())
    code, out = _run_cli(
        [str(path), "--task", "forecast", "--window", "4", "--predict", "change", "--json"], capsys
    )
    data = json.loads(out)
    assert code == 0 and data["task"] == "forecast" and data["config"]["predict"] == "change"
    assert data["split"]["sequences"]["test"] == [f"S{s:02d}" for s in range(1, 7)]
    assert data["main_metric"] == "mae" and data["best"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lengths=st.lists(st.integers(12, 40), min_size=2, max_size=5),
    window=st.integers(1, 6),
    horizon=st.integers(1, 3),
    stride=st.integers(1, 3),
    mode=st.sampled_from(["temporal", "sequence"]),
)
def test_property_windows_never_mix_sequences_and_no_target_is_in_two_splits(
    lengths, window, horizon, stride, mode
):
    ds = _collection(lengths)
    config = TaskConfig("forecast", window=window, horizon=horizon, stride=stride, split_mode=mode,
                        val_share=0.2 if mode == "temporal" else 0.0, test_share=0.2 if mode == "temporal" else 0.34)  # fmt: skip
    try:
        fd = frame(ds, config)
    except DataError:
        return
    seen: dict = {}
    for name in ("train", "val", "test"):
        part = fd.split(name)
        for X, y, seq, start in zip(part.X, part.y, part.sequence, part.index):
            source = np.asarray(ds.sequences[seq])
            first_input = start - window
            np.testing.assert_allclose(X[:, 0], source[first_input : first_input + window, 0], rtol=1e-6)
            targets = start + np.arange(horizon)
            np.testing.assert_allclose(np.ravel(y), source[targets, 0], rtol=1e-9)
            for t in targets.tolist():
                assert seen.setdefault((int(seq), t), name) == name  # a target step belongs to one split


# ---- predict the change --------------------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(horizon=st.integers(1, 3), window=st.integers(2, 8), slope=st.floats(-5, 5))
def test_property_change_targets_added_back_to_the_last_value_are_the_levels(horizon, window, slope):
    series = np.arange(80.0)[:, None] * slope + np.sin(np.arange(80.0))[:, None]
    ds = SequenceDataset("s", "series", [series], ["v"])
    level = frame(ds, TaskConfig("forecast", window=window, horizon=horizon))
    change = frame(ds, TaskConfig("forecast", window=window, horizon=horizon, predict="change"))
    for name in ("train", "val", "test"):
        _, y_scaled, _ = change.scaled(name)
        back = change.unscale_y(y_scaled, name)
        np.testing.assert_allclose(back, level.split(name).y, atol=1e-4)  # original units, as the level task
    np.testing.assert_allclose(change.test.y, level.test.y)  # metrics compare the same targets


def test_change_scaling_is_fitted_on_the_training_changes():
    ds = SequenceDataset("ramp", "series", [np.arange(100.0)[:, None] * 3], ["v"])
    fd = frame(ds, TaskConfig("forecast", window=4, predict="change"))
    assert fd.y_mean[0] == pytest.approx(3.0) and fd.y_std[0] == pytest.approx(1.0)  # every change is 3


def test_change_needs_the_target_among_the_inputs():
    ds = SequenceDataset("s", "series", [np.random.default_rng(0).normal(size=(50, 2))], ["a", "b"])
    with pytest.raises(DataError, match="predict='change'"):
        frame(ds, TaskConfig("forecast", input_columns=("a",), target_columns=("b",), predict="change"))


def test_trend_detector_proposes_predicting_the_change_with_one_sentence():
    ds = SequenceDataset("ramp", "series", [np.arange(120.0)[:, None]], ["v"])
    advice = trend.trend_advice(frame(ds, TaskConfig("forecast", window=6)))
    assert advice and advice.count(".") == 1 and "predict the change" in advice
    flat = SequenceDataset("noise", "series", [np.random.default_rng(0).normal(size=(120, 1))], ["v"])
    assert trend.trend_advice(frame(flat, TaskConfig("forecast", window=6))) is None
    assert trend.trend_advice(frame(ds, TaskConfig("forecast", window=6, predict="change"))) is None


# ---- a class per step, and verdicts on balanced accuracy --------------------------------------------------
def test_tagging_a_class_per_step_with_its_baselines_and_metrics():
    ds = read_csv(machines())
    fd = frame(ds, default_task(ds))
    assert fd.config.kind == "tag" and fd.class_names == ["fail", "ok"] and fd.is_class_task
    assert fd.train.y.dtype == np.int64 and (fd.train.y[fd.train.sample_weight == 0] == -1).all()
    assert fd.main_metric == "balanced_accuracy" and "majority class" in fd.main_metric_reason
    board = scoreboard.scoreboard(fd)
    names = [r["name"] for r in board]
    assert names == ["most frequent class", "most frequent class per step", "previous step's class"]
    assert set(board[0]["test"]) == {"accuracy", "balanced_accuracy", "macro_f1"}
    assert board[0]["test"]["balanced_accuracy"] == pytest.approx(0.5)  # one class for every step
    best = scoreboard.best(board, fd.main_metric)
    assert best["name"] != "previous step's class"  # it reads the true classes: a reference only
    confusion = class_confusion(fd, fd.test.y, scoreboard.predict_all(fd, "test")["most frequent class"])
    assert (
        confusion.shape == (2, 2)
        and confusion.sum() == int((fd.test.y >= 0).sum())
        and confusion[:, 0].sum() == 0
    )


def test_imbalanced_classes_make_balanced_accuracy_the_main_metric_and_the_best_baseline():
    rng = np.random.default_rng(0)
    labels = np.array([0] * 90 + [1] * 10)
    seqs = [rng.normal(label * 2.0, 1.0, (8, 1)) for label in labels]
    ds = SequenceDataset(
        "imb", "wide", seqs, ["value"], labels=labels, label_names=["label"], label_kind="class"
    )
    fd = frame(ds, TaskConfig("classify"))
    assert fd.main_metric == "balanced_accuracy"
    board = scoreboard.scoreboard(fd)
    best = scoreboard.best(board, fd.main_metric)
    assert best["name"] != "most frequent class"  # its balanced accuracy is only 0.5
    majority = {"name": "most frequent class", "test": {"balanced_accuracy": 0.5, "accuracy": 0.9}}
    text = verdict.judge(fd.main_metric, 0.45, [majority], majority, n_test=50).text
    assert text.startswith("does not beat") and "balanced accuracy" in text
    balanced = frame(SequenceDataset("b", "wide", seqs[:20] + seqs[90:], ["value"],
                                     labels=labels[np.r_[0:20, 90:100]], label_names=["label"], label_kind="class"),
                     TaskConfig("classify"))  # fmt: skip
    assert balanced.main_metric == "balanced_accuracy"  # 20 against 10 is 2× — still imbalanced
    even = frame(SequenceDataset("e", "wide", seqs[:10] + seqs[90:], ["value"],
                                 labels=labels[np.r_[0:10, 90:100]], label_names=["label"], label_kind="class"),
                 TaskConfig("classify", split_mode="stratified"))  # fmt: skip
    assert even.main_metric == "accuracy" and "balanced" in even.main_metric_reason


def test_balanced_class_weights_make_each_class_weigh_the_same():
    ds = read_csv(machines())
    fd = frame(ds, default_task(ds))
    _, y, w = fd.scaled("train")
    weights = balanced_sample_weight(fd, y, w)
    real = w > 0
    assert (weights[~real] == 0).all()
    totals = [weights[real & (y == k)].sum() for k in range(2)]
    assert totals[0] == pytest.approx(totals[1], rel=1e-5)


def test_hints_fit_the_run():
    assert "GRU" not in detectors.baseline_hint("gru") and "LSTM" in detectors.baseline_hint("gru")
    assert "predict the change" in detectors.baseline_hint("lstm", trending=True)
    assert "class_weight = balanced" in detectors.baseline_hint("gru", majority_only=True)


def test_ecg_lesson_card_names_the_verdicts_baseline_and_metric():
    from rnnlab.data.catalog import load_dataset
    from rnnlab.runs.lessons import get_lesson

    lesson = get_lesson("ecg5000")
    task, _model, _train = lesson.configs()
    fd = frame(load_dataset("ecg5000"), task)
    best = scoreboard.best(scoreboard.scoreboard(fd), fd.main_metric)
    assert fd.main_metric == "balanced_accuracy"
    assert best["name"] in lesson.text and "balanced accuracy" in lesson.text


# ---- figures ----------------------------------------------------------------------------------------------
def test_split_timeline_is_drawn_per_sequence_and_results_stay_inside_one():
    from rnnlab.plots import results as plots_results
    from rnnlab.plots import task as plots_task

    ds = read_csv(stores())
    fd = frame(ds, default_task(ds))
    fig = plots_task.sequence_timeline(fd)
    assert [trace.name for trace in fig.data] == ["train", "val", "test"]
    assert {y for y in fig.data[2].y if y is not None} == {f"S{s:02d}" for s in range(1, 7)}
    forecast = plots_results.result_figures(fd, fd.test.y)[0]
    assert "in sequence S01" in forecast.layout.title.text
    assert len(forecast.data[1].x) == int((fd.test.sequence == 0).sum())


def test_results_of_a_class_per_step_are_a_confusion_matrix_over_real_steps():
    from rnnlab.plots import results as plots_results

    ds = read_csv(machines())
    fd = frame(ds, default_task(ds))
    proba = np.zeros((len(fd.test.y), fd.n_steps, 2))
    proba[..., 1] = 1.0  # always "ok"
    (heatmap,) = plots_results.result_figures(fd, proba)
    counts = np.asarray(heatmap.data[0].z)
    assert counts.sum() == int((fd.test.y >= 0).sum()) and counts[:, 0].sum() == 0


def test_a_class_per_step_trains_and_is_judged_on_its_main_metric():
    """One epoch of a GRU tagger on the machines file: a softmax per step, judged on balanced accuracy."""
    pytest.importorskip("keras")
    from rnnlab.models.config import ModelConfig
    from rnnlab.training import fit
    from rnnlab.training.config import TrainConfig

    ds = read_csv(machines())
    fd = frame(ds, default_task(ds))
    result = fit.train(
        fd, ModelConfig(cell="gru", units=(4,)), TrainConfig(epochs=1, batch_size=8, patience=None)
    )
    assert result.status == "finished" and len(result.history["loss"]) == 1
    assert result.model.output_shape[1:] == (fd.train.X.shape[1], len(fd.class_names))
    test = result.evaluation["test"]
    assert set(test) >= {"accuracy", "balanced_accuracy", "macro_f1"}
    assert 0.0 <= test["balanced_accuracy"] <= 1.0
    assert result.evaluation["best_baseline"]["name"] != "previous step's class"
