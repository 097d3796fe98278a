"""AppTest of the "Inside the RNN" page on a tiny trained model in the test's data directory."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.runs.store import RunStore
from rnnlab.ui import session
from tests.fakes import FakeJobManager, install

keras = pytest.importorskip("keras")
ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = "wInsideTest01"


def _save_tiny_model(cell: str = "GRU", run_id: str = "run-tiny01") -> None:
    from rnnlab.core import settings

    keras.utils.set_random_seed(0)
    if cell.startswith("Bi"):
        layer = keras.layers.Bidirectional(getattr(keras.layers, cell[2:])(3))
    else:
        layer = getattr(keras.layers, cell)(3)
    model = keras.Sequential([keras.Input((6, 2)), keras.layers.Masking(-9.0), layer, keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(16, 6, 2)), rng.normal(size=(16, 1)), epochs=1, verbose=0)
    path = settings.data_dir() / "models" / f"{run_id}.keras"
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    store = RunStore()
    store.start_run(run_id, {"workspace": WORKSPACE, "task": {"kind": "regress"},
                             "dataset_ref": {"source": "bundled", "name": "tiny"}})  # fmt: skip
    store.finish_run(run_id, {"status": "finished", "model_path": str(path)})


def _run(workspace: str = WORKSPACE) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "inside_page.py"), default_timeout=120)
    at.session_state[session.WORKSPACE] = workspace
    return at.run()


def test_page_without_models_explains_what_to_do():
    at = _run()
    assert not at.exception
    assert any("No trained model yet" in i.value for i in at.info)
    assert len(at.tabs) == 7


@pytest.mark.parametrize("cell", ["GRU", "LSTM", "BiSimpleRNN"])
def test_page_shows_a_trained_model(cell):
    _save_tiny_model(cell)
    at = _run()
    assert not at.exception, at.exception
    assert not at.error
    assert at.selectbox(key="inside_model").value == 0
    assert not _run("wSomeoneElse1").selectbox  # another workspace never sees this model
    assert any("largest difference" in c.value for c in at.caption)
    formula = [m.value for m in at.markdown if "Parameters" in m.value]
    expected = {"GRU": 3 * 3 * (3 + 2 + 2), "LSTM": 4 * 3 * (3 + 2 + 1), "BiSimpleRNN": 2 * 3 * (3 + 2 + 1)}[
        cell
    ]
    assert formula and str(expected) in formula[0]
    at.slider(key="inside_step").set_value(4).run()
    assert not at.exception
    at.number_input(key="inside_sample").set_value(3).run()
    assert not at.exception
    assert any("stand-in" in c.value or "split" in c.value for c in at.caption)


def test_page_runs_the_k_steps_race_and_padding_lab_as_jobs(monkeypatch):
    from rnnlab.inside import padding_lab, synthetic

    # the page's real budgets are for a person waiting; shrink them for the 2-core test machine
    monkeypatch.setattr(synthetic, "race_cells", functools.partial(synthetic.race_cells, n=32, units=2))
    monkeypatch.setattr(
        padding_lab, "run_lab", functools.partial(padding_lab.run_lab, epochs=1, units=2, max_sequences=40)
    )
    manager = install(monkeypatch, FakeJobManager(run_calls=True), started=True)  # lab jobs run at once
    at = _run()
    at.slider(key="inside_k").set_value(2)
    at.slider(key="inside_race_epochs").set_value(1)
    at.button(key="inside_race").click().run()
    assert not at.exception, at.exception
    assert manager.calls[0] == ("k_steps_race", {"k": 2, "epochs": 1})
    assert manager.statuses["j0"].workspace == WORKSPACE  # any tab of the workspace finds it
    race = at.session_state["rnnlab.inside.race"]
    assert race["k"] == 2 and [r["cell"] for r in race["results"]] == ["simple_rnn", "lstm", "gru"]
    assert all(len(r["gradient"]) == 2 + 5 for r in race["results"])
    at.button(key="inside_lab_run").click().run()
    assert not at.exception, at.exception
    assert manager.calls[1] == ("padding_lab", {"dataset": None})  # the demo is built in the worker
    assert at.session_state["rnnlab.inside.lab"]["lab"]["variants"]
    assert at.session_state["rnnlab.inside.lab"]["source"] == "padding demo"
    assert any("post_mask" in m.value for m in at.markdown)


def test_page_shows_queue_position_and_a_failed_lab_job(monkeypatch):
    from rnnlab.jobs.types import JobStatus

    queued = JobStatus("q1", "call:k_steps_race", "s", state="queued", queue_position=2, kind="call",
                       workspace=WORKSPACE)  # fmt: skip
    failed = JobStatus("f1", "call:padding_lab", "s", state="failed", kind="call", message="worker died",
                       workspace=WORKSPACE)  # fmt: skip
    install(monkeypatch, FakeJobManager([queued, failed]), started=True)
    at = _run()  # a fresh session of the workspace: the jobs another tab started show here
    assert not at.exception, at.exception
    texts = [p.proto.text for p in at.get("progress")]
    assert "waiting in the queue (position 2)" in texts
    assert at.button(key="inside_race").disabled  # one race at a time
    assert any("worker died" in e.value for e in at.error)
    assert at.session_state["rnnlab.inside.race"] is None
    at.button(key="k_steps_race-cancel").click().run()
    assert not at.exception and queued.stop_requested


def test_lab_jobs_belong_to_the_workspace_not_to_the_tab(monkeypatch):
    manager = install(monkeypatch, FakeJobManager(), started=True)  # lab jobs wait in the queue
    first = _run()
    first.button(key="inside_race").click().run()
    assert not first.exception, first.exception
    job = manager.statuses["j0"]
    manager.queue.remove("j0")
    job.state = "running"
    again = _run()  # a reload or a second tab: progress, a disabled Start and a working Stop
    assert not again.exception, again.exception
    assert again.get("progress") and again.button(key="inside_race").disabled
    again.button(key="k_steps_race-stop").click().run()
    assert not again.exception and job.stop_requested
    other = _run("wSomeoneElse1")  # another workspace sees no job and may start its own
    assert not other.exception and not other.get("progress")
    assert not other.button(key="inside_race").disabled
    assert not [b for b in other.button if b.key and b.key.startswith("k_steps_race-")]


def test_page_never_trains_in_the_server_process():
    source = (ROOT / "pages" / "inside_page.py").read_text()
    for direct in ("race_cells(", "race_job(", "run_lab(", "lab_job(", "import keras", ".fit("):
        assert direct not in source, direct
    assert "submit_call(" in source and "st.fragment(" in source


def test_padding_lab_on_missing_dataset_shows_error():
    at = _run()
    at.radio(key="inside_lab_source").set_value("current dataset")
    at.button(key="inside_lab_run").click().run()
    assert not at.exception
    assert any("Data page" in e.value for e in at.error)


def test_an_unreachable_cluster_is_said_and_disables_the_race_and_the_padding_lab(monkeypatch):
    reason = "The Ray cluster at 10.0.0.9:6379 went away (its head does not answer)"
    manager = install(monkeypatch, FakeJobManager(), started=True)
    at = _run()
    assert not at.error and not at.button(key="inside_race").disabled
    manager.broken = reason
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [f"Nothing can train now. {reason}"] * 2  # the two tabs that train
    assert at.button(key="inside_race").disabled and at.button(key="inside_lab_run").disabled
