"""Uploads kept once by content hash, per workspace, within a quota and a total cap; workspace setups;
runs on uploaded data exported whole; queued and running runs of a dead server marked, not dropped."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from rnnlab.cli import main as cli
from rnnlab.models.config import ModelConfig
from rnnlab.runs import export
from rnnlab.runs.setups import load_setup, save_setup
from rnnlab.runs.store import RunStore
from rnnlab.runs.uploads import UploadStore
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

WS_A, WS_B = "wAAAAAAAAAAAAAAAA", "wBBBBBBBBBBBBBBBB"
SERIES = "t,x\n" + "".join(f"{i},{(i * 7) % 11}.5\n" for i in range(120))


def _uploads(tmp_path, quota=10_000, total=20_000):
    return UploadStore(RunStore(tmp_path), quota_bytes=quota, total_bytes=total)


def test_a_file_is_kept_once_by_hash_and_seen_only_by_its_workspaces(tmp_path):
    uploads = _uploads(tmp_path)
    data = SERIES.encode()
    sha = uploads.put(WS_A, "mine.csv", data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert uploads.put(WS_B, "theirs.csv", data) == sha  # same content: one file, two names
    assert list(uploads.dir.glob("*.csv")) == [uploads.path(sha)]
    assert uploads.get(WS_A, sha) == data and uploads.entries(WS_B)[0]["name"] == "theirs.csv"
    with pytest.raises(ValueError, match="No upload with this hash in this workspace"):
        uploads.get("wCCCCCCCCCCCCCCCC", sha)
    assert uploads.entries("wCCCCCCCCCCCCCCCC") == []
    with pytest.raises(ValueError, match="64 hex digits"):
        uploads.get(WS_A, "../../etc/passwd")


def test_over_the_quota_the_least_recently_used_unused_upload_goes_first(tmp_path):
    uploads = _uploads(tmp_path, quota=250)
    old, used, new = (bytes([65 + i]) * 100 for i in range(3))
    sha_old = uploads.put(WS_A, "old.csv", old)
    sha_used = uploads.put(WS_A, "used.csv", used)
    save_setup(uploads.store, WS_A, {"dataset": {"source": "upload", "name": "used.csv", "sha256": sha_used}})
    uploads.get(WS_A, sha_old)  # the older file is used more recently, but nothing keeps it
    sha_new = uploads.put(WS_A, "new.csv", new)
    assert {e["sha256"] for e in uploads.entries(WS_A)} == {sha_used, sha_new}
    assert not uploads.path(sha_old).exists()
    uploads.store.start_run("run-usesnew1", {"workspace": WS_A, "task": {"kind": "forecast"},
                                             "dataset_ref": {"source": "upload", "name": "n.csv", "sha256": sha_new}})  # fmt: skip
    with pytest.raises(ValueError, match="must fit in 250 bytes"):  # both kept ones are in use: refused
        uploads.put(WS_A, "more.csv", b"D" * 100)


def test_over_the_total_cap_unused_files_of_any_workspace_go(tmp_path):
    uploads = _uploads(tmp_path, quota=1000, total=250)
    sha_a = uploads.put(WS_A, "a.csv", b"A" * 100)
    sha_b = uploads.put(WS_B, "b.csv", b"B" * 100)
    uploads.store.start_run("run-usesb001", {"workspace": WS_B, "task": {"kind": "forecast"},
                                             "dataset_ref": {"source": "upload", "name": "b.csv", "sha256": sha_b}})  # fmt: skip
    uploads.put(WS_B, "c.csv", b"C" * 100)
    assert not uploads.path(sha_a).exists() and uploads.entries(WS_A) == []
    assert uploads.get(WS_B, sha_b) == b"B" * 100


def test_setup_round_trip_and_invalid_parts_are_dropped(tmp_path):
    store = RunStore(tmp_path)
    assert load_setup(store, WS_A) is None
    task, model, train = TaskConfig("forecast", window=7), ModelConfig(cell="lstm"), TrainConfig(epochs=3)
    save_setup(store, WS_A, {"dataset": {"source": "bundled", "name": "sunspots", "title": "Sunspots"},
                             "read_options": {"sep": ";"}, "task": task, "model": model, "train": train})  # fmt: skip
    setup = load_setup(store, WS_A)
    assert (setup.task, setup.model, setup.train) == (task, model, train)
    assert setup.read_options == {"sep": ";"} and setup.dataset["name"] == "sunspots"
    assert load_setup(store, WS_B) is None  # another workspace's setup is its own
    with store.connect() as con:  # a setup edited by hand: a truthy string where a boolean belongs
        con.execute("UPDATE workspace_setup SET setup=? WHERE workspace=?",
                    (json.dumps({"model": {"bidirectional": "yes"}, "train": {"epochs": 2}}), WS_A))  # fmt: skip
    setup = load_setup(store, WS_A)
    assert setup.model is None and setup.train.epochs == 2 and "bidirectional" in setup.problems[0]
    with pytest.raises(ValueError, match="parts must be among"):
        save_setup(store, WS_A, {"colour": "red"})


def test_queued_and_running_runs_of_a_dead_server_are_marked_interrupted_with_their_epochs(tmp_path):
    store = RunStore(tmp_path)
    info = {"workspace": WS_A, "task": {"kind": "forecast"}, "dataset_ref": {"source": "bundled", "name": "x"},
            "owner_pid": 999_999_999, "owner_token": "1.0"}  # fmt: skip
    store.start_run("run-running1", info)
    store.record_epoch("run-running1", 0, {"loss": 1.0, "val_mae": 0.5})
    store.record_epoch("run-running1", 1, {"loss": 0.9, "val_mae": 0.4})
    store.queue_run("run-queued01", info)
    assert store.get_run("run-queued01")["status"] == "queued"
    store.queue_run("run-cancel01", info)
    store.drop_queued("run-cancel01")
    assert [r["id"] for r in store.list_runs(WS_A)] == ["run-queued01", "run-running1"]
    RunStore(tmp_path)  # a new server opens the store
    running, queued = store.get_run("run-running1"), store.get_run("run-queued01")
    assert running["status"] == queued["status"] == "interrupted"
    assert running["epochs_done"] == 2 and "epochs done are kept" in running["message"]
    assert "never started" in queued["message"]


def test_cli_train_save_keeps_the_file_so_the_run_exports_whole(tmp_path, capsys):
    path = tmp_path / "mine.csv"
    path.write_text(SERIES)
    argv = ["train", str(path), "--task", "forecast", "--window", "5", "--units", "2", "--epochs", "1",
            "--no-fast", "--save", "--workspace", WS_A, "--json"]  # fmt: skip
    assert cli.main(argv) == 0
    run_id = json.loads(capsys.readouterr().out)["run_id"]
    store = RunStore()
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert UploadStore(store).get(WS_A, sha) == path.read_bytes()
    path.unlink()  # the original is gone: the kept copy is used
    names = set(zipfile.ZipFile(export.export_run(store, run_id, tmp_path / "run.zip")).namelist())
    assert {"data.csv", "train_again.py", "model.keras"} <= names
    assert "x" in export.run_dataset(store, store.get_run(run_id)).feature_names
