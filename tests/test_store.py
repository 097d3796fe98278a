"""The run store: round trip, crash safety, migration, workspace isolation, deletion, class board."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from rnnlab.runs import schema
from rnnlab.runs.store import RunStore, check_id, new_run_id, new_workspace_id

ROOT = Path(__file__).resolve().parent.parent
TASK = {"kind": "classify", "window": 12}
MODEL = {"cell": "gru", "units": [8]}
TRAIN = {"epochs": 3, "seed": 0, "device": "/CPU:0"}


def _start(store: RunStore, run_id: str, ws: str, dataset: str = "ecg200", kind: str = "classify") -> None:
    store.start_run(
        run_id,
        {
            "workspace": ws,
            "dataset_ref": {"source": "bundled", "name": dataset},
            "task": {**TASK, "kind": kind},
            "model": MODEL,
            "train": TRAIN,
            "params": 291,
        },
    )


def test_round_trip(tmp_path):
    store = RunStore(tmp_path)
    ws = new_workspace_id()
    _start(store, "run-aaaa01", ws)
    store.record_epoch("run-aaaa01", 1, {"loss": 0.9, "val_loss": 0.8, "accuracy": 0.5, "val_accuracy": 0.55})
    store.record_epoch("run-aaaa01", 2, {"loss": 0.7, "val_loss": 0.6, "accuracy": 0.6, "val_accuracy": 0.7})
    run = store.get_run("run-aaaa01")
    assert run["status"] == "running" and run["epochs_done"] == 2 and run["best_val"] == 0.7
    store.finish_run(
        "run-aaaa01",
        {
            "status": "early_stopped",
            "message": "stopped early",
            "history": {"loss": [0.9, 0.7, 0.6], "val_loss": [0.8, 0.6, 0.65]},
            "test": {"accuracy": 0.75, "macro_f1": 0.7},
            "scoreboard": [
                {"name": "most frequent class", "val": {"accuracy": 0.6}, "test": {"accuracy": 0.64}}
            ],
            "verdict": "beats most frequent class by 31 %",
            "skill": 0.31,
            "seconds": 1.5,
            "model_path": str(store.model_path("run-aaaa01")),
            "predictions": [[0.2, 0.8], [0.9, 0.1]],
        },
    )
    run = store.get_run("run-aaaa01")
    assert run["status"] == "early_stopped"
    assert run["test_metrics"] == {"accuracy": 0.75, "macro_f1": 0.7}
    assert run["test_value"] == 0.75 and run["main_metric"] == "accuracy"
    assert run["task_config"]["kind"] == "classify" and run["model_config"] == MODEL
    assert run["dataset_name"] == "ecg200" and run["params"] == 291
    assert run["versions"]["python"] and "numpy" in run["versions"]
    assert run["scoreboard"][0]["name"] == "most frequent class"
    hist = store.history("run-aaaa01")
    assert hist["epoch"] == [1, 2, 3]
    assert hist["loss"] == [0.9, 0.7, 0.6]  # the third epoch came only with the outcome's history
    assert hist["val_accuracy"] == [0.55, 0.7, None]
    assert store.predictions("run-aaaa01")["y_pred"] == [[0.2, 0.8], [0.9, 0.1]]
    assert [r["id"] for r in store.list_runs(ws)] == ["run-aaaa01"]


def test_unknown_status_is_failed_and_unknown_run_raises(tmp_path):
    store = RunStore(tmp_path)
    ws = new_workspace_id()
    _start(store, "run-bbbb01", ws, kind="forecast")
    store.finish_run("run-bbbb01", {"status": "weird", "test": {"mae": 2.0}})
    assert store.get_run("run-bbbb01")["status"] == "failed"
    with pytest.raises(ValueError, match="No run"):
        store.get_run("run-nope00")
    with pytest.raises(ValueError, match="No run"):
        store.record_epoch("run-nope00", 0, {"loss": 1.0})


CHILD = textwrap.dedent(
    """
    import sys, time
    from rnnlab.runs.store import RunStore
    store = RunStore(sys.argv[1])
    store.start_run("run-crash1", {"workspace": "ws-crash-test", "dataset_ref": {"source": "bundled", "name": "sunspots"},
                                   "task": {"kind": "forecast"}, "model": {"cell": "lstm"}, "train": {}})
    for epoch in range(1, 4):
        store.record_epoch("run-crash1", epoch, {"loss": 1.0 / epoch, "val_loss": 1.1 / epoch})
    print("ready", flush=True)
    time.sleep(120)
    """
)


def test_crash_safety_killed_process_leaves_interrupted_run_with_its_epochs(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        # while the owner lives, opening the store must not mark its run interrupted
        assert RunStore(tmp_path).get_run("run-crash1")["status"] == "running"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    store = RunStore(tmp_path)
    run = store.get_run("run-crash1")
    assert run["status"] == "interrupted" and "stopped" in run["message"]
    assert store.history("run-crash1")["loss"] == [1.0, 0.5, 1.0 / 3]


def test_migration_from_version_1_keeps_rows(tmp_path):
    con = sqlite3.connect(tmp_path / "runs.sqlite")
    assert schema.migrate(con, target=1) == 1
    con.execute(
        "INSERT INTO runs (id, workspace, created, status, dataset_name, task_kind, task_config, test_metrics)"
        " VALUES ('run-old001', 'ws-old-one', 1.0, 'finished', 'sunspots', 'forecast', '{\"kind\": \"forecast\"}',"
        " '{\"mae\": 12.5}')"
    )
    con.execute("INSERT INTO epochs VALUES ('run-old001', 1, '{\"loss\": 3.0}')")
    con.execute("INSERT INTO epochs VALUES ('run-old001', 2, '{\"loss\": 2.0}')")
    con.commit()
    con.close()
    store = RunStore(tmp_path)
    assert store.schema_version == schema.LATEST == 5
    run = store.get_run("run-old001")
    assert run["status"] == "finished" and run["test_metrics"] == {"mae": 12.5}
    assert run["main_metric"] == "mae" and run["epochs_done"] == 2 and run["shared"] is False
    assert store.history("run-old001")["loss"] == [3.0, 2.0]
    store.share_run("run-old001", True)  # a version-2 column works on the migrated row
    assert store.get_run("run-old001")["shared"] is True


def test_newer_schema_is_refused(tmp_path):
    RunStore(tmp_path)
    con = sqlite3.connect(tmp_path / "runs.sqlite")
    con.execute("INSERT INTO schema_version VALUES (99, 0)")
    con.commit()
    con.close()
    with pytest.raises(ValueError, match="at most version"):
        RunStore(tmp_path)


def test_workspace_isolation_and_class_board(tmp_path):
    store = RunStore(tmp_path)
    ws_a, ws_b = new_workspace_id(), new_workspace_id()
    assert ws_a != ws_b
    for run_id, ws, acc in [("run-a00001", ws_a, 0.7), ("run-a00002", ws_a, 0.9), ("run-b00001", ws_b, 0.8)]:
        _start(store, run_id, ws)
        store.finish_run(run_id, {"status": "finished", "test": {"accuracy": acc}})
    assert {r["id"] for r in store.list_runs(ws_a)} == {"run-a00001", "run-a00002"}
    assert [r["id"] for r in store.list_runs(ws_b)] == ["run-b00001"]
    with pytest.raises(ValueError, match="No run"):
        store.get_run("run-b00001", workspace=ws_a)
    with pytest.raises(ValueError, match="own workspace"):
        store.delete_run("run-b00001", workspace=ws_a)
    assert store.class_board("ecg200", "classify") == []
    for run_id in ("run-a00001", "run-a00002", "run-b00001"):
        store.share_run(run_id, True, label=f"team {run_id[-1]}")
    board = store.class_board("ecg200", "classify")
    assert [r["id"] for r in board] == ["run-a00002", "run-b00001", "run-a00001"]  # accuracy: highest first
    assert store.get_run("run-b00001", workspace=ws_a)["label"] == "team 1"  # shared runs are visible
    assert store.class_board("ecg200", "forecast") == []


def test_class_board_error_metrics_sort_ascending(tmp_path):
    store = RunStore(tmp_path)
    for run_id, mae in [("run-f00001", 3.0), ("run-f00002", 1.0)]:
        _start(store, run_id, new_workspace_id(), dataset="sunspots", kind="forecast")
        store.finish_run(run_id, {"status": "finished", "test": {"mae": mae}})
        store.share_run(run_id, True)
    assert [r["id"] for r in store.class_board("sunspots", "forecast")] == ["run-f00002", "run-f00001"]


def test_delete_removes_rows_and_model_file(tmp_path):
    store = RunStore(tmp_path)
    ws = new_workspace_id()
    _start(store, "run-del001", ws)
    store.record_epoch("run-del001", 1, {"loss": 1.0})
    model_file = store.model_path("run-del001")
    model_file.write_bytes(b"model")
    outside = tmp_path / "outside.keras"
    outside.write_bytes(b"keep")
    store.finish_run(
        "run-del001", {"status": "finished", "model_path": str(model_file), "predictions": [1.0]}
    )
    store.delete_run("run-del001", workspace=ws)
    assert not model_file.exists() and outside.exists()
    assert store.list_runs(ws) == [] and store.history("run-del001") == {}
    assert store.predictions("run-del001") is None


@pytest.mark.parametrize("bad", ["../etc", "a/b", "", "x" * 100, "abc", None, "ws id"])
def test_ids_are_tokens_not_paths(bad):
    with pytest.raises(ValueError, match="must be 6–64"):
        check_id(bad)


def test_generated_ids_are_valid_and_distinct():
    ids = {new_workspace_id() for _ in range(50)} | {new_run_id() for _ in range(50)}
    assert len(ids) == 100 and all(check_id(i) for i in ids)


def test_concurrent_writers_from_threads(tmp_path):
    store = RunStore(tmp_path)
    ws = new_workspace_id()
    for i in range(4):
        _start(store, f"run-th{i:04d}", ws)

    def write(i: int) -> None:
        for epoch in range(1, 16):
            store.record_epoch(f"run-th{i:04d}", epoch, {"loss": float(epoch)})

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(store.history(f"run-th{i:04d}")["loss"]) == 15 for i in range(4))


def test_group_and_uncertainty_are_kept(tmp_path):
    store = RunStore(tmp_path)
    ws = "wgroupandunc0001"
    store.start_run("run-grp001", {"workspace": ws, "task": {"kind": "forecast"}, "group": "backtest:abc"})
    store.finish_run(
        "run-grp001",
        {"status": "finished", "test": {"mae": 1.0}, "uncertainty": {"level": 0.9, "coverage_test": 0.875}},
    )
    run = store.get_run("run-grp001")
    assert run["run_group"] == "backtest:abc"
    assert run["uncertainty"] == {"level": 0.9, "coverage_test": 0.875}
    store.start_run("run-grp002", {"workspace": ws, "task": {"kind": "forecast"}})
    assert store.get_run("run-grp002")["run_group"] is None
