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
from rnnlab.runs.upload_shares import UploadShares
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
                             "read_options": {"fill": "drop"}, "task": task, "model": model, "train": train})  # fmt: skip
    setup = load_setup(store, WS_A)
    assert (setup.task, setup.model, setup.train) == (task, model, train)
    assert setup.read_options == {"fill": "drop"} and setup.dataset["name"] == "sunspots"
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


def test_sessions_with_the_same_upload_share_one_copy_of_its_bytes(monkeypatch):
    from rnnlab.ui import caches, resources

    data = SERIES.encode()
    uploads = UploadStore(resources.run_store())
    sha = uploads.put(WS_A, "mine.csv", data)
    assert uploads.put(WS_B, "theirs.csv", data) == sha
    caches.upload_bytes.clear()
    reads = []
    read_bytes = type(uploads.path(sha)).read_bytes
    monkeypatch.setattr(type(uploads.path(sha)), "read_bytes", lambda p: reads.append(p) or read_bytes(p))
    first, second = caches.upload_bytes(sha, WS_A), caches.upload_bytes(sha, WS_B)
    assert first == data and first is second and len(reads) == 1  # read once, held once
    with pytest.raises(ValueError, match="No upload with this hash in this workspace"):
        caches.upload_bytes(hashlib.sha256(b"other").hexdigest(), WS_A)


# ---- per computer, the server's fair share, refusals that keep nothing, sharing by link ------------------
WS_C, WS_D = "wCCCCCCCCCCCCCCCC", "wDDDDDDDDDDDDDDDD"
PC_1, PC_2 = "10.0.0.5", "10.0.0.6"


def _in_setup(uploads, workspace, sha):
    save_setup(uploads.store, workspace, {"dataset": {"source": "upload", "name": "f.csv", "sha256": sha}})


def _trained_on(uploads, workspace, sha, run_id):
    uploads.store.start_run(run_id, {"workspace": workspace, "task": {"kind": "forecast"},
                                     "dataset_ref": {"source": "upload", "name": "f.csv", "sha256": sha}})  # fmt: skip


def test_one_computers_workspaces_share_one_quota(tmp_path):
    uploads = UploadStore(RunStore(tmp_path), quota_bytes=1000, total_bytes=10_000, client_quota_bytes=250)
    first = uploads.put(WS_A, "a.csv", b"A" * 100, client=PC_1)
    _in_setup(uploads, WS_A, first)
    assert uploads.put(WS_B, "a-again.csv", b"A" * 100, client=PC_1) == first  # the same file: counted once
    second = uploads.put(WS_B, "b.csv", b"B" * 100, client=PC_1)  # 100 + 100 = 200 ≤ 250
    _in_setup(uploads, WS_B, second)
    with pytest.raises(ValueError, match=r"One computer's uploads, all its workspaces together, must fit in 250 "
                                         r"bytes\. Received: 100 bytes more while its workspaces' runs and setups "
                                         r"use 200 bytes"):  # fmt: skip
        uploads.put(WS_C, "c.csv", b"C" * 100, client=PC_1)  # a third fresh workspace: 300 > 250
    assert uploads.entries(WS_C) == [] and not uploads.path(hashlib.sha256(b"C" * 100).hexdigest()).exists()
    assert uploads.put(WS_D, "d.csv", b"D" * 100, client=PC_2)  # another computer is not held back
    unknown = uploads.put(WS_C, "c.csv", b"C" * 100)  # address unknown: the workspace's own quota only
    assert uploads.get(WS_C, unknown) == b"C" * 100


def test_over_the_computers_quota_its_unused_copies_go_first(tmp_path):
    uploads = UploadStore(RunStore(tmp_path), quota_bytes=1000, total_bytes=10_000, client_quota_bytes=250)
    old = uploads.put(WS_A, "old.csv", b"O" * 100, client=PC_1)  # nothing uses it
    kept = uploads.put(WS_B, "kept.csv", b"K" * 100, client=PC_1)
    _in_setup(uploads, WS_B, kept)
    new = uploads.put(WS_C, "new.csv", b"N" * 100, client=PC_1)  # 300 > 250: the unused one goes
    assert [e["sha256"] for e in uploads.entries(WS_A)] == [] and not uploads.path(old).exists()
    assert uploads.has(WS_B, kept) and uploads.has(WS_C, new)


def test_the_total_keeps_room_for_the_next_student(tmp_path):
    """The issue's finding: three fresh workspaces filled the total, after which nobody's upload was kept."""
    uploads = UploadStore(RunStore(tmp_path), quota_bytes=1000, total_bytes=300, client_quota_bytes=0)
    shas = []
    for ws, byte in ((WS_A, b"1"), (WS_B, b"2"), (WS_C, b"3")):  # one computer, three workspaces: 300 of 300
        shas.append(uploads.put(ws, "big.csv", byte * 100, client=PC_1))
        _in_setup(uploads, ws, shas[-1])
    # the next student brings 100: fair share 300 // 2 = 150 each; PC_1 holds 300 > 150, so its largest
    # file that no run uses goes (all are 100 bytes: the least recently used, WS_A's)
    mine = uploads.put(WS_D, "mine.csv", b"M" * 100, client=PC_2)
    assert uploads.get(WS_D, mine) == b"M" * 100
    assert not uploads.has(WS_A, shas[0]) and uploads.has(WS_B, shas[1]) and uploads.has(WS_C, shas[2])
    with pytest.raises(ValueError, match=r"must fit in 300 bytes\. Received: 151 bytes more"):  # over a share
        uploads.put(WS_D, "more.csv", b"X" * 151, client=PC_2)


def test_files_runs_use_are_never_removed_for_room(tmp_path):
    uploads = UploadStore(RunStore(tmp_path), quota_bytes=1000, total_bytes=300, client_quota_bytes=0)
    for i, ws in enumerate((WS_A, WS_B, WS_C)):
        _trained_on(
            uploads, ws, uploads.put(ws, "big.csv", bytes([65 + i]) * 100, client=PC_1), f"run-used{i:04d}"
        )
    with pytest.raises(ValueError, match="in use by runs or within their computers' fair share"):
        uploads.put(WS_D, "mine.csv", b"M" * 100, client=PC_2)
    assert len(list(uploads.dir.glob("*.csv"))) == 3  # the refused file was never written


def test_unused_files_go_largest_first(tmp_path):
    uploads = UploadStore(RunStore(tmp_path), quota_bytes=1000, total_bytes=300)
    small = uploads.put(WS_A, "small.csv", b"s" * 50)  # older, but smaller
    large = uploads.put(WS_B, "large.csv", b"L" * 200)
    # 250 + 100 = 350 > 300: removing the 200-byte file is enough; the 50-byte one stays
    new = uploads.put(WS_C, "new.csv", b"n" * 100)
    assert uploads.has(WS_A, small) and not uploads.has(WS_B, large) and uploads.has(WS_C, new)


def test_a_hash_named_by_an_imported_run_opens_nothing(tmp_path):
    uploads = _uploads(tmp_path)
    sha = uploads.put(WS_A, "secret.csv", b"private,data\n1,2\n")
    uploads.store.add_whole_run("run-import01", {"workspace": WS_B, "task": {"kind": "forecast"}, "label": "x",
                                                 "dataset_ref": {"source": "upload", "sha256": sha}},
                                [], {"status": "finished"})  # fmt: skip
    assert uploads.store.get_run("run-import01")["imported"]
    assert not uploads.has(WS_B, sha)
    with pytest.raises(ValueError, match="No upload with this hash in this workspace"):
        uploads.get(WS_B, sha)


def test_a_shared_upload_is_one_file_for_both_workspaces_until_unshared(tmp_path):
    uploads = _uploads(tmp_path)
    data = SERIES.encode()
    sha = uploads.put(WS_A, "mine.csv", data, client=PC_1)
    shares = UploadShares(uploads)
    assert shares.token(WS_A, sha) is None
    token = shares.share(WS_A, sha)
    assert shares.share(WS_A, sha) == token == shares.token(WS_A, sha) and len(token) >= 20
    assert shares.open(token, WS_B, client=PC_2) == (sha, "mine.csv")
    assert uploads.get(WS_B, sha) == data and list(uploads.dir.glob("*.csv")) == [uploads.path(sha)]
    shares.unshare(WS_A, sha)
    with pytest.raises(ValueError, match="no longer shared"):
        shares.open(token, WS_C)
    assert uploads.has(WS_B, sha)  # who opened the link before keeps the copy
    with pytest.raises(ValueError, match="20–64 URL-safe characters"):
        shares.open("../x", WS_C)
    with pytest.raises(ValueError, match="Only an upload this workspace keeps can be shared"):
        shares.share(WS_C, sha)
