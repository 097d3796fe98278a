"""Export zip content, the standalone train_again.py, and import with Keras's safe mode."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from rnnlab.models.config import ModelConfig
from rnnlab.runs import export
from rnnlab.runs.store import RunStore, new_workspace_id
from rnnlab.task import framing
from rnnlab.task.types import PaddingConfig, TaskConfig
from rnnlab.training.config import TrainConfig
from tests import tiny_datasets

CASES = {
    "classify-padded": (
        tiny_datasets.ragged_classes,
        TaskConfig("classify", padding=PaddingConfig(side="post")),
        ModelConfig(cell="gru", units=(4, 3)),
    ),
    "forecast": (
        tiny_datasets.series,
        TaskConfig("forecast", window=6, horizon=2),
        ModelConfig(cell="lstm", units=(3,), head_units=(2,)),
    ),
    "tag": (
        tiny_datasets.tagged,
        TaskConfig("tag", val_share=0.25, test_share=0.25, split_mode="random"),
        ModelConfig(cell="simple_rnn", units=(2,)),
    ),
}


def _saved_run(store, ws, case, run_id="run-export01"):
    """A run with a real (untrained) model file, as the job manager would leave it."""
    from rnnlab.models import build

    make, task, model_config = CASES[case]
    dataset = make()
    framed = framing.frame(dataset, task)
    model = build.build_model(model_config, framed)
    model.save(store.model_path(run_id))
    store.start_run(
        run_id,
        {"workspace": ws, "dataset_ref": {"source": "upload", "name": f"{dataset.name}.csv", "sha256": "ab" * 32},
         "task": task, "model": model_config, "train": TrainConfig(epochs=2, batch_size=4), "params": model.count_params()},
    )  # fmt: skip
    store.record_epoch(run_id, 1, {"loss": 1.0, "val_loss": 1.2})
    store.record_epoch(run_id, 2, {"loss": 0.8, "val_loss": 1.1})
    preds = model.predict(framed.scaled("test")[0], verbose=0)
    store.finish_run(
        run_id,
        {"status": "finished", "test": {framed.main_metric: 0.5}, "verdict": "beats the mean", "skill": 0.2,
         "scoreboard": [{"name": "mean", "val": {}, "test": {framed.main_metric: 0.6}}],
         "model_path": str(store.model_path(run_id)), "predictions": framed.unscale_y(preds), "seconds": 1.0},
    )  # fmt: skip
    return dataset, framed, model


def test_zip_content(tmp_path):
    store, ws = RunStore(tmp_path), new_workspace_id()
    dataset, framed, _ = _saved_run(store, ws, "classify-padded")
    data = export.export_bytes(store, "run-export01", workspace=ws, dataset=dataset)
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert set(zf.namelist()) == set(export.MEMBERS)
    config = json.loads(zf.read("config.json"))
    assert config["model"]["units"] == [4, 3] and config["task"]["kind"] == "classify"
    assert config["dataset_ref"]["source"] == "upload" and "numpy" in config["versions"]
    metrics = json.loads(zf.read("metrics.json"))
    assert metrics["test_metrics"] == {"accuracy": 0.5} and metrics["scoreboard"][0]["name"] == "mean"
    history = pd.read_csv(zf.open("history.csv"))
    assert history["epoch"].tolist() == [1, 2] and history["val_loss"].tolist() == [1.2, 1.1]
    preds = pd.read_csv(zf.open("predictions.csv"))
    assert len(preds) == len(framed.test) and {"proba_a", "proba_b", "predicted", "true"} <= set(
        preds.columns
    )
    data_csv = pd.read_csv(zf.open("data.csv"))
    assert len(data_csv) == sum(len(s) for s in dataset.sequences)
    assert set(data_csv["split"]) == {"train", "val", "test"}
    script = zf.read("train_again.py").decode()
    imports = {line.split()[1] for line in script.splitlines() if line.startswith(("import ", "from "))}
    assert imports == {"argparse", "json", "keras", "numpy", "pandas", "tensorflow"}  # the pinned ones only
    assert "rnnlab" not in script.split('"""')[2]


def test_export_of_unknown_run_or_other_workspace_raises(tmp_path):
    store = RunStore(tmp_path)
    _saved_run(store, new_workspace_id(), "tag")
    with pytest.raises(ValueError, match="No run"):
        export.export_bytes(store, "run-export01", workspace=new_workspace_id())


@pytest.mark.parametrize(
    "case",
    [
        "classify-padded",  # padding + masking + stacking: the richest framing, always run
        "forecast",  # windows and a target standardised over two horizons, always run
        pytest.param("tag", marks=pytest.mark.slow),
    ],
)
def test_exported_script_trains_the_same_model(tmp_path, case):
    store, ws = RunStore(tmp_path / "store"), new_workspace_id()
    dataset, framed, model = _saved_run(store, ws, case)
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(io.BytesIO(export.export_bytes(store, "run-export01", dataset=dataset))) as zf:
        zf.extractall(out)
    done = subprocess.run(
        [sys.executable, "train_again.py", "data.csv", "--epochs", "1", "--summary", "summary.json"],
        cwd=out, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["params"] == model.count_params()
    assert summary["weight_shapes"] == [list(w.shape) for w in model.weights]
    assert len(summary["history"]["loss"]) == 1
    # the same standardisation as rnnlab's framing, fitted on the same training rows and steps
    for key in ("x_mean", "x_std", "y_mean", "y_std"):
        ours = getattr(framed, key)
        if ours is None:
            assert key not in summary["scaling"]
        else:
            assert summary["scaling"][key] == pytest.approx(ours.tolist(), rel=1e-9, abs=1e-12), key


def test_import_round_trip(tmp_path):
    store, ws = RunStore(tmp_path), new_workspace_id()
    dataset, _, model = _saved_run(store, ws, "forecast")
    data = export.export_bytes(store, "run-export01", dataset=dataset)
    other = new_workspace_id()
    new_id = export.import_run(store, data, other)
    run = store.get_run(new_id, workspace=other)
    assert run["label"].startswith("imported: ") and run["status"] == "finished"
    assert run["model_config"]["cell"] == "lstm" and run["test_metrics"] == {"mae": 0.5}
    assert store.history(new_id)["val_loss"] == [1.2, 1.1]
    assert store.model_path(new_id).stat().st_size > 0


def test_import_refuses_a_lambda_model(tmp_path):
    import keras

    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Lambda(lambda x: x * 2.0)(inputs)
    lam = tmp_path / "lambda.keras"
    keras.Model(inputs, outputs).save(lam)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", json.dumps({"task": {"kind": "regress"}, "model": {}, "train": {}}))
        zf.writestr("history.csv", "epoch,loss\n1,0.5\n")
        zf.write(lam, "model.keras")
    store = RunStore(tmp_path / "store")
    with pytest.raises(ValueError, match="refused.*Lambda"):
        export.import_run(store, buf.getvalue(), new_workspace_id())
    assert list(store.models_dir.iterdir()) == []


@pytest.mark.parametrize("name", ["../evil.keras", "/abs/config.json", "sub/../../x", "a\\..\\b"])
def test_zip_slip_names_are_refused(tmp_path, name):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", "{}")
        zf.writestr(name, "x")
    with pytest.raises(ValueError, match="flat file names"):
        export.import_run(RunStore(tmp_path), buf.getvalue(), new_workspace_id())


def test_not_a_zip_and_missing_members(tmp_path):
    store = RunStore(tmp_path)
    with pytest.raises(ValueError, match="not a zip"):
        export.import_run(store, b"hello", new_workspace_id())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "x")
    with pytest.raises(ValueError, match="must contain config.json"):
        export.import_run(store, buf.getvalue(), new_workspace_id())


def test_bad_history_leaves_no_half_imported_run(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", json.dumps({"task": {"kind": "regress"}, "model": {}, "train": {}}))
        zf.writestr("history.csv", "epoch,loss\n0,abc\n")
    store, ws = RunStore(tmp_path), new_workspace_id()
    with pytest.raises(ValueError, match="must hold numbers"):
        export.import_run(store, buf.getvalue(), ws)
    assert store.list_runs(ws) == []


def test_an_export_carries_no_workspace_key_and_opens_safely_in_a_spreadsheet(tmp_path, monkeypatch):
    import numpy as np

    from rnnlab.data.dataset import SequenceDataset

    def hostile():
        rng = np.random.default_rng(0)
        seqs = [rng.normal(size=(4, 2)) for _ in range(24)]
        labels = np.array(['=HYPERLINK("http://x","click")', "@SUM(1+1)"] * 12)
        return SequenceDataset("evil\u202etxt.csv", "long", seqs, ["+cmd|calc", "x2"], labels=labels,
                               label_names=["label"], label_kind="class", ids=list(range(24)))  # fmt: skip

    monkeypatch.setitem(CASES, "hostile", (hostile, TaskConfig("classify"), ModelConfig(cell="gru", units=(2,))))
    store, ws = RunStore(tmp_path), new_workspace_id()
    dataset, framed, _ = _saved_run(store, ws, "hostile")
    store.share_run("run-export01", True)  # even a shared run's zip names no workspace
    zf = zipfile.ZipFile(io.BytesIO(export.export_bytes(store, "run-export01", workspace=ws, dataset=dataset)))
    for name in zf.namelist():
        if name != "model.keras":
            assert ws not in zf.read(name).decode("utf-8", "replace"), name
    assert "workspace" not in json.loads(zf.read("config.json"))
    preds = zf.read("predictions.csv").decode()
    assert "'=HYPERLINK" in preds and "'@SUM(1+1)" in preds  # neutralised: a spreadsheet shows them as text
    assert not any(line.startswith(("=", "@", "+")) for cell in preds.splitlines() for line in cell.split(","))
    data_csv = zf.read("data.csv").decode()
    assert "+cmd|calc" in data_csv.splitlines()[0]  # the data keeps its values (train_again.py reads them)…
    readme = zf.read("README.txt").decode()
    assert "Careful:" in readme and "spreadsheet may run them" in readme  # …and README.txt warns
    assert "\u202e" not in readme and "evil" in readme


def _zip_with(data: bytes, **changes: bytes) -> bytes:
    """The zip ``data`` with some members replaced."""
    src, buf = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            out.writestr(name, changes.get(name, src.read(name)))
    return buf.getvalue()


def test_an_imported_run_is_never_ranked_on_the_class_board(tmp_path):
    store, ws = RunStore(tmp_path), new_workspace_id()
    dataset, _, _ = _saved_run(store, ws, "forecast")
    store.share_run("run-export01", True)
    data = export.export_bytes(store, "run-export01", dataset=dataset)
    metrics = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("metrics.json"))
    metrics["test_metrics"] = {"mae": 0.0}  # a made-up perfect score
    other = new_workspace_id()
    new_id = export.import_run(store, _zip_with(data, **{"metrics.json": json.dumps(metrics).encode()}), other)
    store.share_run(new_id, True)
    assert store.get_run(new_id)["imported"] and not store.get_run("run-export01")["imported"]
    name = store.get_run("run-export01")["dataset_name"]
    assert store.get_run(new_id)["dataset_name"] == name and store.get_run(new_id)["shared"]
    assert [r["id"] for r in store.class_board(name, "forecast")] == ["run-export01"]


@pytest.mark.parametrize(
    "metrics, message",
    [
        ({"scoreboard": [0.1, 0.2]}, "baselines must each be"),  # crashed the importer's Compare page
        ({"scoreboard": {"name": "x"}}, "must be a list"),
        ({"best_baseline": {"name": "x", "test": {"mae": "0"}}}, "baselines must each be"),
        ({"verdict": "x" * 70_000}, "at most 64 KB"),  # a 20 MB verdict downloaded by every student
    ],
)
def test_import_refuses_malformed_or_oversized_metadata_in_one_line(tmp_path, metrics, message):
    store, ws = RunStore(tmp_path), new_workspace_id()
    dataset, _, _ = _saved_run(store, ws, "forecast")
    data = export.export_bytes(store, "run-export01", dataset=dataset)
    with pytest.raises(ValueError, match=message) as err:
        export.import_run(store, _zip_with(data, **{"metrics.json": json.dumps(metrics).encode()}), ws)
    assert "\n" not in str(err.value)
    assert len(store.list_runs(ws)) == 1  # nothing half-imported


def test_a_model_file_whose_config_unpacks_too_large_is_never_loaded(tmp_path, monkeypatch):
    from rnnlab.runs import run_import

    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", "{" + " " * (5 << 20) + "}")  # 5 MB of spaces: a few KB compressed
        zf.writestr("metadata.json", "{}")
    assert bomb.stat().st_size < 50_000
    assert "config.json unpacks to 5,242,882 bytes" in run_import.model_members_problem(bomb)
    spawned = []
    monkeypatch.setattr(run_import.subprocess, "run", lambda *a, **k: spawned.append(a))
    assert run_import.check_model(bomb)["ok"] is False and not spawned  # refused before any process loads it
    monkeypatch.undo()
    from rnnlab.ui import caches

    with pytest.raises(ValueError, match="cannot be opened here"):  # nor does the Inside page load it
        caches.saved_model(str(bomb), bomb.stat().st_mtime)
    ws = new_workspace_id()
    store = RunStore(tmp_path / "store")
    dataset, _, _ = _saved_run(store, ws, "forecast")
    data = export.export_bytes(store, "run-export01", dataset=dataset)
    with pytest.raises(ValueError, match="model"):
        export.import_run(store, _zip_with(data, **{"model.keras": bomb.read_bytes()}), ws)
