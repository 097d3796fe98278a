"""Every page from two workspaces on one server: neither sees the other's runs, models, jobs or uploads —
except a run shared to the class board, shown as such — and a workspace's setup comes back in a new tab.

Both sessions run the real ``app.py`` in one process with the tests' fake job manager (no worker process);
workspace A has a finished run with a saved model, a kept upload, a saved setup and a running training.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.jobs.types import JobStatus
from rnnlab.models.config import ModelConfig
from rnnlab.runs.setups import save_setup
from rnnlab.runs.store import RunStore
from rnnlab.runs.uploads import UploadStore
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import resources, session
from tests.fakes import FakeJobManager, install

keras = pytest.importorskip("keras")
APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["home", "data", "task", "model", "train", "results", "compare", "inside"]
WS_A, WS_B = "wAliceWorkspace1", "wBobWorkspace001"
SECRETS = ("alice-secret-run", "alice-secret-upload.csv", "run-alice00001", "run-alicejob01")
UPLOAD = "t,value\n" + "".join(f"{i},{(i * 13) % 7}.25\n" for i in range(80))


def _alice(store: RunStore) -> None:
    """Workspace A: a finished run with a model file, a kept upload as its setup's data, a running job."""
    model = keras.Sequential([keras.Input((6, 1)), keras.layers.GRU(2), keras.layers.Dense(1)])
    path = store.model_path("run-alice00001")
    model.save(path)
    store.start_run("run-alice00001", {"workspace": WS_A, "dataset_ref": {"source": "bundled", "name": "sunspots"},
                                       "task": TaskConfig("forecast", window=6), "model": ModelConfig(units=(2,)),
                                       "train": TrainConfig(epochs=1), "label": "alice-secret-run"})  # fmt: skip
    store.record_epoch("run-alice00001", 0, {"loss": 1.0, "val_loss": 1.1, "val_mae": 0.9})
    store.finish_run("run-alice00001", {"status": "finished", "test": {"mae": 0.8}, "model_path": str(path)})
    sha = UploadStore(store).put(WS_A, "alice-secret-upload.csv", UPLOAD.encode())
    save_setup(store, WS_A, {"dataset": {"source": "upload", "name": "alice-secret-upload.csv", "sha256": sha},
                             "task": TaskConfig("forecast", window=5), "train": TrainConfig(epochs=17)})  # fmt: skip


def _text(at: AppTest) -> str:
    """Everything a person could read on the page and in the sidebar (tables and option lists too)."""
    parts = []
    for kind in ("markdown", "caption", "text", "code", "info", "warning", "error", "success", "subheader",
                 "title", "header"):  # fmt: skip
        parts += [str(e.value) for e in at.get(kind)]
    parts += [str(e.value) for e in at.sidebar.get("markdown")] + [
        str(e.value) for e in at.sidebar.get("caption")
    ]
    for kind in ("selectbox", "multiselect", "radio"):
        for widget in at.get(kind):
            parts += [str(o) for o in widget.options]
    parts += [e.value.to_string() for e in [*at.dataframe, *at.table]]
    parts += [e.proto.text for e in at.get("progress")]  # jobs' progress bars
    return "\n".join(parts)


def _visit(workspace: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"] = workspace
    at.run()
    if page != "home":
        at.switch_page(f"pages/{page}_page.py").run()
    assert not at.exception, (page, at.exception)
    return at


def test_every_page_shows_a_workspace_only_its_own_things(monkeypatch):
    store = RunStore()
    _alice(store)
    job = JobStatus("job-alice", "run-alicejob01", "alice-tab", state="running", workspace=WS_A,
                    progress={"epoch": 3, "epochs": 17, "step": 1, "steps": 9, "fraction": 0.2})  # fmt: skip
    race = JobStatus("job-alice-race", "run-alicerace1", "alice-tab", state="running", workspace=WS_A,
                     group="race:alice", progress={"epoch": 5, "epochs": 23, "fraction": 0.2})  # fmt: skip
    lab = JobStatus("job-alice-lab", "call:k_steps_race", "alice-tab", state="running", kind="call",
                    workspace=WS_A, progress={"done": 1, "total": 3, "label": "alice-lstm"})  # fmt: skip
    manager = install(monkeypatch, FakeJobManager([job, race, lab]), started=True)
    monkeypatch.setattr(resources, "session_id", lambda: "tab-" + (session.workspace_id() or ""))

    for page in PAGES:  # Bob's fresh workspace, page by page
        text = _text(_visit(WS_B, page))
        leaked = [s for s in SECRETS if s in text]
        assert not leaked, (page, leaked)
        for alices in ("epoch 3/17", "epoch 5/23", "alice-lstm"):  # her training, race and lab job
            assert alices not in text, (page, alices)
    uploads = UploadStore(store)
    assert uploads.entries(WS_B) == [] and not uploads.has(WS_B, uploads.entries(WS_A)[0]["sha256"])

    alice = _visit(WS_A, "train")  # a new tab of Alice's workspace: setup, upload and job come back
    assert alice.session_state[session.DATASET_CHOICE]["name"] == "alice-secret-upload.csv"
    assert alice.number_input(key="train-epochs").value == 17
    assert alice.session_state[session.JOB_IDS] == ["job-alice"] and "epoch 3/17" in _text(alice)
    alice.switch_page("pages/inside_page.py").run()
    assert "alice-secret-run" in _text(alice) and "alice-lstm" in _text(alice)
    alice.switch_page("pages/compare_page.py").run()
    assert "run-alice00001" in _text(alice)  # its runs table: what Bob's pages were searched for
    assert "epoch 5/23" in _text(alice)  # her race, re-attached in this new tab
    assert manager.status("job-alice").state == "running"

    store.share_run("run-alice00001", True, label="alice-secret-run")  # now on the class board
    bob = _visit(WS_B, "inside")
    assert "alice-secret-run — shared on the class board" in _text(bob)
    bob = _visit(WS_B, "compare")  # shared is not his: his own list stays empty
    assert any("No runs yet in this workspace" in i.value for i in bob.info)
    assert RunStore().list_runs(WS_B) == []
