"""Every run exports whole: for every task kind the zip holds data.csv and a train_again.py that, run in a
fresh process with only the pinned libraries, reproduces the run's test metrics (the slow round trip)."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from rnnlab.data.dataset import SequenceDataset
from rnnlab.models.config import ModelConfig
from rnnlab.runs import export
from rnnlab.runs.export_script import RELATIVE_TOLERANCE
from rnnlab.runs.recorder import RunRecorder
from rnnlab.runs.store import RunStore, new_workspace_id
from rnnlab.task import framing, origins
from rnnlab.task.types import PaddingConfig, TaskConfig
from rnnlab.training.config import TrainConfig
from tests import tiny_datasets


def stores(n: int = 6, steps: int = 30) -> SequenceDataset:
    """``n`` stores' weekly sales (a seasonal level of its own each, noise) and a promotion column."""
    rng = np.random.default_rng(4)
    t = np.arange(steps)
    seqs = [np.stack([np.sin(t / 3 + i) * 5 + 10 + i + rng.normal(0, 0.3, steps), rng.normal(size=steps)], 1)
            for i in range(n)]  # fmt: skip
    return SequenceDataset("stores", "long", seqs, ["sales", "promo"], ids=[f"S{i:02d}" for i in range(n)])


def machines(n: int = 20) -> SequenceDataset:
    """``n`` ragged runs of a machine (4–7 steps × 2 sensors), its state ('ok' / 'fail') at every step."""
    rng = np.random.default_rng(5)
    seqs = [rng.normal(size=(int(rng.integers(4, 8)), 2)) for _ in range(n)]
    states = [np.where(s[:, 0] > 0.3, "fail", "ok") for s in seqs]
    return SequenceDataset("machines", "long", seqs, ["a", "b"], step_targets=states,
                           step_target_names=["state"], step_target_kind="class")  # fmt: skip


def rare_class(n: int = 30) -> SequenceDataset:
    """``n`` sequences of 5 steps, one in five of class 'rare': class weights matter."""
    rng = np.random.default_rng(6)
    seqs = [rng.normal(size=(5, 2)) for _ in range(n)]
    labels = np.array(["rare" if i % 5 == 0 else "common" for i in range(n)])
    return SequenceDataset("rare", "long", seqs, ["x1", "x2"], labels=labels, label_names=["label"],
                           label_kind="class")  # fmt: skip


# every task kind the app and the command line can train: (data, task, model, training settings)
KINDS = {
    "series forecast, level": (
        lambda: tiny_datasets.series(90), TaskConfig("forecast", window=6, horizon=2),
        ModelConfig(cell="lstm", units=(3,), head_units=(2,)), {},
    ),
    "series forecast, change": (
        lambda: tiny_datasets.series(90), TaskConfig("forecast", window=6, horizon=2, predict="change"),
        ModelConfig(cell="gru", units=(3,)), {},
    ),
    "collection forecast, by time": (
        stores, TaskConfig("forecast", window=5, horizon=2, split_mode="temporal"),
        ModelConfig(cell="gru", units=(3,)), {},
    ),
    "collection forecast, by sequence": (
        lambda: stores(10), TaskConfig("forecast", window=5, split_mode="sequence", val_share=0.2, test_share=0.2),
        ModelConfig(cell="simple_rnn", units=(3,)), {},
    ),
    "classify": (
        lambda: tiny_datasets.collection("classify", n=24), TaskConfig("classify"),
        ModelConfig(cell="gru", units=(4,)), {},
    ),
    "classify, class weights": (
        rare_class, TaskConfig("classify"), ModelConfig(cell="gru", units=(3,)), {"class_weight": "balanced"},
    ),
    "regress": (
        lambda: tiny_datasets.collection("regress", n=24, targets=2), TaskConfig("regress"),
        ModelConfig(cell="lstm", units=(3,)), {},
    ),
    "tag values": (
        lambda: tiny_datasets.collection("tag", n=24, ragged=True), TaskConfig("tag", split_mode="random"),
        ModelConfig(cell="gru", units=(3,)), {},
    ),
    "tag classes, class weights": (
        machines, TaskConfig("tag", split_mode="random"), ModelConfig(cell="gru", units=(3,)),
        {"class_weight": "balanced"},
    ),
    "ragged, padded and masked": (
        lambda: tiny_datasets.ragged_classes(24), TaskConfig("classify", padding=PaddingConfig(side="pre")),
        ModelConfig(cell="gru", units=(4, 3)), {},
    ),
}  # fmt: skip
UPLOAD = {"source": "upload", "name": "data.csv", "sha256": "ab" * 32}


def _recorded_run(store: RunStore, kind: str) -> tuple[str, SequenceDataset]:
    """A run of ``kind`` as the store holds it after training, without training (no model file)."""
    make, task, model_config, train = KINDS[kind]
    dataset = make()
    framed = framing.frame(dataset, task)
    run_id = "run-" + kind.replace(" ", "").replace(",", "-")[:20]
    store.start_run(run_id, {"workspace": new_workspace_id(), "dataset_ref": UPLOAD, "task": task,
                             "model": model_config, "train": TrainConfig(**train)})  # fmt: skip
    store.finish_run(run_id, {"status": "finished", "test": {framed.main_metric: 0.5}})
    return run_id, dataset


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_task_kind_exports_data_csv_and_a_script(tmp_path, kind):
    store = RunStore(tmp_path)
    run_id, dataset = _recorded_run(store, kind)
    zf = zipfile.ZipFile(io.BytesIO(export.export_bytes(store, run_id, dataset=dataset)))
    assert {"data.csv", "train_again.py", "config.json", "README.txt"} <= set(zf.namelist())
    script = zf.read("train_again.py").decode()
    compile(script, "train_again.py", "exec")  # a script Python can run, its settings pasted in
    assert "rnnlab" not in script.split('"""')[2]  # nothing imported from rnnlab
    readme = zf.read("README.txt").decode()
    assert "Tolerance:" in readme and "Tolerance:" in script
    data = pd.read_csv(zf.open("data.csv"))
    assert len(data) == sum(len(s) for s in dataset.sequences)
    assert json.loads(zf.read("config.json"))["dataset_ref"]["name"] == "data.csv"


def test_a_collection_forecasts_split_is_written_per_sequence_and_holds_only_its_origins_data():
    from rnnlab.runs.export_tables import data_frame, data_info

    ds = stores(4, 40)
    task = origins.plan_origins(ds, TaskConfig("forecast", window=5, split_mode="temporal"), 2)[0]
    assert task.cutoff > 0
    framed = framing.frame(ds, task)
    data, info = data_frame(ds, framed), data_info(framed)
    assert len(data) == 4 * (40 - task.cutoff) and set(data["sequence"]) == {0, 1, 2, 3}
    ranges = info["split_first_target"]
    assert sorted(ranges) == [0, 1, 2, 3] and info["collection"]
    for i, own in ranges.items():  # every window of the sequence, by the split its first target falls in
        for name in ("train", "val", "test"):
            part = framed.split(name)
            first = part.index[part.sequence == i]
            assert own[name] == [first.min(), first.max()]
        assert own["test"][1] < 40 - task.cutoff


def test_data_csv_bookkeeping_columns_never_take_a_data_columns_name():
    from rnnlab.runs.export_tables import bookkeeping_columns, data_frame

    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(4, 2)) for _ in range(12)]
    ds = SequenceDataset("clash", "long", seqs, ["step", "split"], step_targets=[s[:, 0] for s in seqs],
                         step_target_names=["step"])  # fmt: skip
    framed = framing.frame(ds, TaskConfig("tag", split_mode="random"))
    columns = bookkeeping_columns(framed)
    assert columns["targets"] == ["step_"] and columns["step"] == "step__" and columns["split"] == "split_"
    data = data_frame(ds, framed)
    assert list(data.columns) == ["sequence", "step__", "split_", "step", "split", "step_"]
    assert data["step_"].tolist() == data["step"].tolist()  # the target column kept apart from the input


def _close(run_value, script_value) -> bool:
    """Within the stated tolerance; an undefined metric (``None``, NaN: R² of one test value) on both sides."""
    if run_value is None or math.isnan(run_value):
        return script_value is None or math.isnan(script_value)
    return script_value == pytest.approx(run_value, rel=RELATIVE_TOLERANCE, abs=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
def test_train_again_reproduces_the_runs_test_metrics(tmp_path, kind):
    """Trained as ``python -m rnnlab train --save`` trains (RunRecorder around fit.train), exported, unzipped
    and run in a fresh process: the same test metrics and the same loss curve, within the stated tolerance."""
    from rnnlab.training import fit

    make, task, model_config, train = KINDS[kind]
    dataset = make()
    framed = framing.frame(dataset, task)
    train_config = TrainConfig(epochs=2, batch_size=4, patience=1, **train)
    recorder = RunRecorder(store=RunStore(tmp_path / "store"), dataset_ref=UPLOAD)
    recorder.start(dataset, framed.config, model_config, train_config)
    result = fit.train(framed, model_config, train_config, on_event=recorder.on_event)
    run_id = recorder.finish(result, framed)
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(io.BytesIO(export.export_bytes(recorder.store, run_id, dataset=dataset))) as zf:
        zf.extractall(out)
    done = subprocess.run([sys.executable, "train_again.py", "data.csv", "--summary", "summary.json"], cwd=out,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    run = recorder.store.get_run(run_id)
    assert summary["sizes"] == {name: len(framed.split(name)) for name in ("train", "val", "test")}
    assert set(summary["test"]) == set(run["test_metrics"])
    for name, value in run["test_metrics"].items():
        assert _close(value, summary["test"][name]), (name, value, summary["test"][name])
    for name, values in result.history.items():
        assert all(map(_close, values, summary["history"][name])), (name, values, summary["history"][name])
