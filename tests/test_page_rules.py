"""Rules that used to be written in the pages, now in their stage of the package: one test each."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.data import read_options as ro
from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.evaluation.judge import result_main_metric
from rnnlab.jobs.types import JobStatus
from rnnlab.models.config import ModelConfig, from_choices
from rnnlab.runs import compare
from rnnlab.task import framing, splits
from rnnlab.ui.widgets import job_fraction, job_line, widget_max
from tests import tiny_datasets


def _small_values_and_tags(n: int = 3) -> SequenceDataset:
    """``n`` sequences with a value per sequence and a target per step: regress and tag both allowed."""
    seqs = [np.arange(8, dtype=float).reshape(4, 2) + i for i in range(n)]
    return SequenceDataset("few", "long", seqs, ["a", "b"], labels=np.arange(n, dtype=float),
                           label_names=["v"], label_kind="value", step_targets=[s[:, 0] for s in seqs],
                           step_target_names=["t"], ids=list(range(n)))  # fmt: skip


# ---- task: the default of a kind, the split modes --------------------------------------------
def test_switching_kind_on_a_small_collection_keeps_the_small_collection_rule():
    data = _small_values_and_tags(3)
    assert data.allowed_tasks() == ["regress", "tag", "forecast"]  # inside each sequence too
    for kind in ("regress", "tag"):  # the page used to give a plain TaskConfig("tag") here
        task = framing.default_task_for(data, kind)
        assert (task.kind, task.val_share, task.test_share, task.split_mode) == (kind, 0.0, 0.334, "random")
    assert framing.default_task(data) == framing.default_task_for(data, "regress")


def test_default_forecast_of_a_series_uses_the_suggested_target_and_a_tenth_as_window():
    task = framing.default_task_for(tiny_datasets.series(120), "forecast", target="other")
    assert (task.window, task.target_columns) == (12, ("other",))
    assert framing.default_task_for(tiny_datasets.series(50), None).window == 5
    with pytest.raises(DataError, match="Received: kind='classify'"):
        framing.default_task_for(tiny_datasets.series(), "classify")


def test_auto_split_means_the_archive_when_there_is_one():
    assert splits.resolve_mode("auto", has_archive=True, has_classes=False) == "archive"
    assert splits.resolve_mode("auto", has_archive=False, has_classes=True) == "stratified"
    assert splits.resolve_mode("random", has_archive=True, has_classes=True) == "random"
    assert splits.archive_test("regress", "auto", True) and splits.archive_test("tag", "archive", False)
    assert not splits.archive_test("regress", "auto", False) and not splits.archive_test(
        "forecast", "archive", True
    )


def test_split_modes_offered_follow_the_data_and_the_kind():
    assert splits.offered_modes("classify", True) == ["auto", "archive", "stratified", "random", "temporal"]
    assert splits.offered_modes("tag", False) == ["auto", "random", "temporal"]


# ---- data: the reader options ------------------------------------------------------------------
def test_reader_options_keep_only_what_differs_from_the_reader_defaults():
    assert ro.read_options() == {} and ro.read_options("auto", fill="interpolate", one_hot=[]) == {}
    chosen = ro.read_options("wide", "id", None, "label", "ffill", ["colour"], True)
    assert chosen == {"layout": "wide", "id_column": "id", "label_column": "label", "fill": "ffill",
                      "one_hot": ["colour"], "trailing_zeros_as_padding": True}  # fmt: skip
    with pytest.raises(ValueError, match="Received: fill='mean'"):
        ro.read_options(fill="mean")
    with pytest.raises(ValueError, match="Received: layout='tall'"):
        ro.read_options(layout="tall")


def test_reader_options_read_a_file_as_chosen():
    from rnnlab.data import reader

    csv = b"id,step,x\n1,0,1\n1,1,\n1,2,3\n2,0,4\n2,1,5\n"
    filled = reader.read_csv(
        csv, name="a.csv", **ro.read_options(layout="long", id_column="id", time_column="step")
    )
    dropped = reader.read_csv(csv, name="a.csv", **ro.read_options("long", "id", "step", fill="drop"))
    assert [len(s) for s in filled.sequences] == [3, 2] and [len(s) for s in dropped.sequences] == [2, 2]


# ---- models: the dense cell ---------------------------------------------------------------------
def test_dense_cell_drops_the_recurrent_only_settings_a_recurrent_cell_keeps_them():
    dense = from_choices("dense", units=(8,), bidirectional=True, recurrent_dropout=0.3, dropout=0.1)
    assert (dense.bidirectional, dense.recurrent_dropout, dense.dropout) == (False, 0.0, 0.1)
    gru = from_choices("gru", units=(8,), bidirectional=True, recurrent_dropout=0.3)
    assert gru == ModelConfig(cell="gru", units=(8,), bidirectional=True, recurrent_dropout=0.3)


# ---- runs: what the Compare page shows -----------------------------------------------------------
def _run(run_id: str, cell: str, seed: int, **extra) -> dict:
    return {"id": run_id, "model_config": {"cell": cell, "units": [8]}, "train_config": {"seed": seed},
            "task_config": {"kind": "forecast"}, "dataset_ref": {"name": "sunspots"}, "dataset_name": "sunspots",
            "task_kind": "forecast", **extra}  # fmt: skip


def test_compare_metrics_bands_and_board_choices():
    runs = [_run("a", "gru", 0), _run("b", "gru", 1, main_metric="rmse"), _run("c", "lstm", 0)]
    assert compare.curve_metrics(runs) == ["mae", "rmse"]
    histories = {r["id"]: {"loss": [float(i)]} for i, r in enumerate(runs)}
    groups = compare.band_groups(runs, histories)
    assert list(groups.values()) == [[{"loss": [0.0]}, {"loss": [1.0]}]]  # only the setting run twice
    assert list(groups)[0].endswith(" ×2")
    assert compare.board_choices(runs, "ecg200", "classify") == [
        ("ecg200", "classify"),
        ("sunspots", "forecast"),
    ]
    assert compare.board_choices(runs, "sunspots", "forecast") == [("sunspots", "forecast")]
    assert compare.board_choices([], None, None) == []


# ---- evaluation and jobs: the Results page and the job panel --------------------------------------
def test_main_metric_of_a_result():
    assert result_main_metric({"main_metric": "rmse", "test": {"accuracy": 1.0}}) == "rmse"
    assert result_main_metric({"test": {"accuracy": 0.5}}) == "accuracy"
    assert result_main_metric({"test": {"mae": 0.5}}) == result_main_metric({}) == "mae"


def test_job_panel_line_and_fraction():
    running = JobStatus("j", "r", "s", state="running", progress={"epoch": 1, "epochs": 4, "step": 2,
                                                                     "steps": 5, "fraction": 0.3})  # fmt: skip
    assert job_line(running) == "epoch 1/4 · step 2/5" and job_fraction(running) == 0.3
    done = JobStatus("j", "r", "s", state="finished", progress={"epoch": 4, "epochs": 4, "fraction": 1.7})
    assert job_line(done, "GRU(8)") == "GRU(8): finished · epoch 4/4 · step 0/?" and job_fraction(done) == 1.0
    assert (
        job_line(JobStatus("j", "r", "s", state="queued", queue_position=3))
        == "waiting in the queue (position 3)"
    )
    assert job_fraction(JobStatus("j", "r", "s")) == 0.0


def test_widget_max_grows_only_for_a_stored_value_beyond_the_usual():
    assert widget_max(0.5, 0.7) == 0.7 and widget_max(0.5, 0.2) == 0.5 and widget_max(10, None) == 10


# ---- inside and plots: what the Inside and Data pages draw ----------------------------------------
def test_inside_equation_steps_labels_and_weight_rows():
    from types import SimpleNamespace

    from rnnlab.inside import page_data
    from rnnlab.plots import data as plots_data

    trace = SimpleNamespace(cell="gru", spec=SimpleNamespace(reset_after=False), states=np.zeros((2, 7, 3)))
    assert page_data.equation_key(trace) == "gru_reset_before" and page_data.n_steps(trace) == 7
    assert page_data.equation_key(SimpleNamespace(cell="lstm", spec=None)) == "lstm"
    framed = SimpleNamespace(feature_names=["a", "b"])
    assert page_data.feature_labels(framed, np.zeros((1, 4, 2))) == ["a", "b"]
    assert (
        page_data.feature_labels(framed, np.zeros((1, 4, 3))) is None
        and page_data.feature_labels(None, None) is None
    )
    info = {"arrays": [{"name": "kernel", "shape": (2, 9)}]}
    assert page_data.weight_rows(info) == [{"array": "kernel", "shape": "(2, 9)"}]
    assert plots_data.one_series(tiny_datasets.series()) and not plots_data.one_series(
        tiny_datasets.regress()
    )
