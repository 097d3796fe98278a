"""Import reads only what it needs: caps, one transaction, one-line messages for every malformed zip."""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import zipfile

import pytest

from rnnlab.cli import main as cli
from rnnlab.models.config import ModelConfig
from rnnlab.runs import export, run_import
from rnnlab.runs.store import RunStore, new_workspace_id
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

CONFIG = {
    "id": "run-x",
    "label": "mine",
    "status": "finished",
    "dataset_name": "sunspots",
    "dataset_ref": {"source": "bundled", "name": "sunspots"},
    "task": TaskConfig("forecast", window=12).to_dict(),
    "model": ModelConfig(cell="gru", units=(8,)).to_dict(),
    "train": TrainConfig(epochs=3).to_dict(),
}
METRICS = {"main_metric": "mae", "test_metrics": {"mae": 0.5}, "verdict": "beats the baselines", "skill": 0.1}


def make_zip(members: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def history(rows: int) -> str:
    return "epoch,loss,val_loss,val_mae\n" + "".join(f"{i},{1 / (i + 1)},0.5,0.4\n" for i in range(rows))


def good(**changes) -> dict:
    members = {
        "config.json": json.dumps(CONFIG),
        "metrics.json": json.dumps(METRICS),
        "history.csv": history(3),
    }
    members.update(changes)
    return members


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path)


def test_a_good_zip_imports_whole(store):
    ws = new_workspace_id()
    run_id = run_import.import_run(store, make_zip(good()), ws)
    run = store.get_run(run_id)
    assert run["status"] == "finished" and run["epochs_done"] == 3 and run["best_val"] == 0.4
    assert run["test_value"] == 0.5 and run["label"] == "imported: mine"
    assert store.history(run_id)["loss"][0] == 1.0


def test_unused_huge_members_are_never_read(store, monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_IMPORT_MB", "1")
    bomb = b"\0" * (20 * 2**20)  # 20 MB of zeros: about 20 KB compressed
    data = make_zip(
        good(**{name: bomb for name in ("data.csv", "predictions.csv", "train_again.py", "x.bin")})
    )
    assert len(data) < 200_000
    tracemalloc.start()
    run_import.import_run(store, data, new_workspace_id())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5 * 2**20


@pytest.mark.parametrize("member", ["history.csv", "config.json", "metrics.json"])
def test_a_zip_bomb_in_a_known_member_is_refused_before_unpacking(store, monkeypatch, member):
    monkeypatch.setenv("RNNLAB_MAX_IMPORT_MEMBER_MB", "1")
    data = make_zip(good(**{member: b" " * (30 * 2**20)}))
    tracemalloc.start()
    with pytest.raises(ValueError, match="at most 1 MB"):
        run_import.import_run(store, data, new_workspace_id())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5 * 2**20 and store.list_runs(None) == []


def test_total_cap_counts_all_known_members(store, monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_IMPORT_MB", "1")
    data = make_zip(good(**{"history.csv": history(3) + " " * 600_000, "metrics.json": " " * 600_000 + "{}"}))
    with pytest.raises(ValueError, match="unpack to at most 1 MB"):
        run_import.import_run(store, data, new_workspace_id())


def test_three_hundred_thousand_history_rows_are_refused_at_once(store):
    data = make_zip(good(**{"history.csv": history(300_000)}))
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="RNNLAB_MAX_HISTORY_ROWS"):
        run_import.import_run(store, data, new_workspace_id())
    assert time.perf_counter() - t0 < 2.0 and store.list_runs(None) == []


def test_ten_thousand_epochs_import_in_one_transaction(store):
    t0 = time.perf_counter()
    run_id = run_import.import_run(
        store, make_zip(good(**{"history.csv": history(10_000)})), new_workspace_id()
    )
    assert time.perf_counter() - t0 < 10.0
    assert store.get_run(run_id)["epochs_done"] == 10_000


def _bad_crc(data: bytes) -> bytes:
    raw = bytearray(data)
    at = raw.find(b"history.csv") + len(b"history.csv") + 5  # inside the first member's compressed bytes
    raw[at] ^= 0xFF
    return bytes(raw)


MALFORMED = {
    "not a zip": b"PK\x03\x04 this is not a zip at all",
    "empty": b"",
    "bad crc": _bad_crc(make_zip(good(), compression=zipfile.ZIP_STORED)),
    "no config": make_zip({"history.csv": history(2)}),
    "nested json": make_zip(good(**{"config.json": "[" * 100_000 + "]" * 100_000})),
    "deep object": make_zip(good(**{"metrics.json": '{"a":' * 40 + "1" + "}" * 40})),
    "json list": make_zip(good(**{"config.json": "[1, 2]"})),
    "not utf-8": make_zip(good(**{"config.json": b"\xff\xfe{}"})),
    "metrics wrong type": make_zip(good(**{"metrics.json": json.dumps({"test_metrics": [1, 2]})})),
    "metric values wrong type": make_zip(good(**{"metrics.json": json.dumps({"test_metrics": {"mae": "x"}})})),
    "history text": make_zip(good(**{"history.csv": "epoch,loss\n0,abc\n"})),
    "history huge epoch": make_zip(good(**{"history.csv": "epoch,loss\n100000000000,1\n"})),
    "history binary": make_zip(good(**{"history.csv": b"\x00\x01\x02\n\xff"})),
    "unsafe name": make_zip(good(**{"../evil.txt": "x"})),
    "epochs 1e18": make_zip(good(**{"config.json": json.dumps({**CONFIG, "train": {**CONFIG["train"], "epochs": 10**18}})})),
    "unknown model key": make_zip(good(**{"config.json": json.dumps({**CONFIG, "model": {"cell": "gru", "colour": 1}})})),
    "damaged model": make_zip(good(**{"model.keras": b"PK\x03\x04 not a keras file"})),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_every_malformed_zip_is_one_line_and_leaves_nothing(store, case):
    with pytest.raises(ValueError) as info:
        run_import.import_run(store, MALFORMED[case], new_workspace_id())
    message = str(info.value)
    assert message and "\n" not in message and len(message) < 600
    assert "Traceback" not in message
    assert store.list_runs(None) == [] and list(store.models_dir.iterdir()) == []


def test_cli_import_of_a_malformed_zip_is_status_two(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RNNLAB_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "bad.zip"
    path.write_bytes(MALFORMED["bad crc"])
    assert cli.main(["import", "--workspace", new_workspace_id(), str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err


def test_unwritable_data_directory_is_one_line_and_status_two(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("RNNLAB_DATA_DIR", str(blocker / "data"))  # a path under a file: never writable
    assert cli.main(["runs"]) == 2
    err = capsys.readouterr().err.strip()
    assert "data directory must be writable" in err and "RNNLAB_DATA_DIR" in err and "\n" not in err


def test_a_damaged_model_file_is_never_exported(store):
    ws = new_workspace_id()
    run_id = run_import.import_run(store, make_zip(good()), ws)
    store.model_path(run_id).write_bytes(b"PK\x03\x04 truncated")
    with store._connect() as con:
        con.execute("UPDATE runs SET model_path=? WHERE id=?", (str(store.model_path(run_id)), run_id))
    with pytest.raises(ValueError, match="model file is damaged"):
        export.export_bytes(store, run_id)
