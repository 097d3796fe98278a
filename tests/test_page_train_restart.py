"""AppTest: after a server restart the Train page tells the truth — the workspace's interrupted training with
its kept epochs and "Train again" — and a link made from an uploaded file opens in another workspace, with
the file when its owner shares it, else with the name of the file to upload."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from streamlit.testing.v1 import AppTest

from rnnlab.models.config import ModelConfig
from rnnlab.runs.store import RunStore
from rnnlab.runs.uploads import UploadStore
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import session
from tests.fakes import FakeJobManager, install

ROOT = Path(__file__).resolve().parent.parent
APP, TRAIN, DATA = (str(ROOT / p) for p in ("app.py", "pages/train_page.py", "pages/data_page.py"))
WS = "wRestartTrain0001"
TASK = TaskConfig("forecast", window=9, horizon=1)
MODEL, TRAIN_CONFIG = ModelConfig(cell="gru", units=(8,)), TrainConfig(epochs=40, batch_size=4, patience=None)
SERIES = b"t,x\n" + b"".join(b"%d,%d.5\n" % (i, (i * 7) % 11) for i in range(80))


def _a_dead_servers_run(run_id: str = "run-interrupt1") -> None:
    """A run left 'running' by a server process that is gone, with two epochs recorded."""
    store = RunStore(check_interrupted=False)
    store.start_run(run_id, {"workspace": WS, "dataset_ref": {"source": "bundled", "name": "sunspots", "read_options": {}},
                             "dataset_name": "sunspots", "task": TASK, "model": MODEL, "train": TRAIN_CONFIG,
                             "owner_pid": 999_999_999, "owner_token": "1.0"})  # fmt: skip
    store.record_epoch(run_id, 0, {"loss": 0.9, "val_loss": 0.8, "mae": 0.7, "val_mae": 0.6})
    store.record_epoch(run_id, 1, {"loss": 0.5, "val_loss": 0.6, "mae": 0.5, "val_mae": 0.5})


def test_the_train_page_shows_the_interrupted_run_and_trains_it_again(monkeypatch):
    _a_dead_servers_run()
    manager = install(monkeypatch, FakeJobManager(recorder=RunStore(check_interrupted=False)))
    at = AppTest.from_file(TRAIN, default_timeout=60)
    at.session_state[session.WORKSPACE] = WS  # a reload after the restart: the session has no settings
    at.run()
    assert not at.exception, at.exception
    texts = [c.value for c in at.caption] + [i.value for i in at.info]
    assert not any("No training yet" in t or "Pick a dataset" in t for t in texts), texts
    assert any("The server stopped while this run was training" in w.value for w in at.warning)
    assert any("2 of 40 epochs were done and are kept" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 1  # the kept epochs' curves
    assert not any("Reading the state" in c.value for c in at.caption)  # replaced once the state was read
    at.button(key="train-again").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (spec,) = manager.specs.values()  # the same training, queued anew for this workspace
    assert (spec.task, spec.model, spec.train, spec.workspace) == (TASK, MODEL, TRAIN_CONFIG, WS)
    assert spec.dataset_ref["name"] == "sunspots"
    assert any("position 1 in the queue" in i.value for i in at.info)
    assert not any("The server stopped" in w.value for w in at.warning)  # the new job is the page's now


def test_a_finished_newest_run_is_not_shown_as_interrupted(monkeypatch):
    _a_dead_servers_run()
    store = RunStore()  # opening marks the dead server's run
    store.start_run("run-finished1", {"workspace": WS, "dataset_ref": {"source": "bundled", "name": "sunspots"},
                                      "task": TASK, "model": MODEL, "train": TRAIN_CONFIG})  # fmt: skip
    store.finish_run("run-finished1", {"status": "finished"})
    install(monkeypatch, FakeJobManager())
    at = AppTest.from_file(TRAIN, default_timeout=60)
    at.session_state[session.WORKSPACE] = WS
    at.run()
    assert not at.exception and not at.warning
    assert [i.value for i in at.info] == ["Pick a dataset on the Data page first."]


def _link_of(at: AppTest) -> dict[str, str]:
    url = at.code[0].value
    assert "ws=" not in url
    return dict(parse_qsl(urlsplit(url).query))


def _open(link: dict[str, str], workspace: str) -> AppTest:
    """Another student opens the link (in a workspace of their own) on the Train page."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in link.items():
        at.query_params[key] = value
    at.query_params["ws"] = workspace
    at.run()
    at.switch_page("pages/train_page.py").run()
    assert not at.exception, at.exception
    return at


def _sharer(monkeypatch) -> AppTest:
    install(monkeypatch, FakeJobManager())
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["ws"] = WS
    at.run()
    at.switch_page("pages/data_page.py").run()
    at.radio(key="data-source").set_value("Upload a CSV").run()
    at.file_uploader[0].upload("readings.csv", SERIES, "text/csv").run()
    at.session_state[session.TASK_CONFIG], at.session_state[session.TASK_FOR] = TASK, None  # as the Task page
    at.session_state[session.MODEL_CONFIG] = MODEL
    at.switch_page("pages/train_page.py").run()
    assert not at.exception and not at.error, at.exception
    return at


def test_a_shared_upload_link_gives_the_opener_the_same_kept_file(monkeypatch):
    sha = hashlib.sha256(SERIES).hexdigest()
    at = _sharer(monkeypatch)
    assert at.checkbox(key="train-share-upload").value is False
    assert set(_link_of(at)) >= {"uf", "task", "model", "train"} and "up" not in _link_of(at)
    at.checkbox(key="train-share-upload").check().run()
    link = _link_of(at)
    assert "up" in link and sha not in at.code[0].value  # the hash travels inside the description only

    opener = _open(link, "wOpenerOfLink001")
    assert not opener.error, [e.value for e in opener.error]
    assert "Data **readings\\.csv** · task **forecast** · model **gru(8)**" in [
        c.value for c in opener.caption
    ]
    assert opener.button(key="train-start") and not opener.button(key="train-start").disabled
    uploads = UploadStore(RunStore())
    assert [e["sha256"] for e in uploads.entries("wOpenerOfLink001")] == [sha]
    assert list(uploads.dir.glob("*.csv")) == [uploads.path(sha)]  # one file for both workspaces
    assert (
        opener.session_state[session.TASK_CONFIG] == TASK
        and opener.session_state[session.MODEL_CONFIG] == MODEL
    )


def test_an_unshared_upload_link_names_the_file_to_upload(monkeypatch):
    at = _sharer(monkeypatch)
    link = _link_of(at)  # the box left unticked
    opener = _open(link, "wOpenerOfLink002")
    infos = [i.value for i in opener.info]
    assert any("This link was made from the uploaded file **readings\\.csv** (" in i and "Upload that file" in i
               for i in infos), infos  # fmt: skip
    assert not any("Pick a dataset" in i for i in infos)
    assert UploadStore(RunStore()).entries("wOpenerOfLink002") == []
    opener.switch_page("pages/data_page.py").run()
    assert any("readings\\.csv" in i.value for i in opener.info)
    opener.radio(key="data-source").set_value("Upload a CSV").run()
    opener.file_uploader[0].upload("my copy.csv", SERIES, "text/csv").run()
    assert not opener.exception and not opener.error
    assert not any("This link was made" in i.value for i in opener.info)  # asked and answered
    assert (
        opener.session_state[session.TASK_CONFIG] == TASK
        and opener.session_state[session.MODEL_CONFIG] == MODEL
    )
    opener.switch_page("pages/train_page.py").run()
    assert not opener.button(key="train-start").disabled
