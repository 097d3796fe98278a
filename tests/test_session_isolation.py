"""Two sessions on one server, side by side: neither sees the other's dataset, settings, jobs or runs.

Both sessions run the real ``app.py`` (navigation, sidebar, Task, Train and Compare pages) in one
process, as two students on one server would; they share every ``st.cache_*`` object. The job queue
is the tests' fake job manager (FIFO, queue positions, the run store's ``start_run`` on submit), so no
worker process or TensorFlow is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.core import settings
from rnnlab.data import catalog
from rnnlab.models.config import ModelConfig
from rnnlab.runs.store import RunStore
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import resources, session
from tests.fakes import FakeJobManager, install

APP = str(Path(__file__).resolve().parent.parent / "app.py")


SESSIONS = {
    "a": dict(
        dataset="three_cities",
        task=TaskConfig("regress", val_share=0.3, test_share=0.3, seed=1),
        model=ModelConfig(cell="lstm", units=(5,)),
        train=TrainConfig(epochs=3, batch_size=2, seed=11, patience=None),
    ),
    "b": dict(
        dataset="sunspots",
        task=TaskConfig("forecast", window=6, horizon=2, split_mode="temporal", season_length=12),
        model=ModelConfig(cell="simple_rnn", units=(7, 3), dropout=0.1),
        train=TrainConfig(epochs=4, batch_size=64, seed=22, learning_rate=0.01),
    ),
}


@pytest.fixture
def queue(monkeypatch):
    double = install(monkeypatch, FakeJobManager(recorder=RunStore(settings.data_dir())), started=True)
    # AppTest gives every session the same id ("test session id"); a real server gives each browser its own
    monkeypatch.setattr(resources, "session_id", lambda: "browser-" + session.workspace_id())
    return double


def _session(name: str) -> AppTest:
    cfg = SESSIONS[name]
    at = AppTest.from_file(APP, default_timeout=60)
    entry = catalog.get_entry(cfg["dataset"])
    at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": entry.key, "title": entry.title}
    at.session_state[session.READ_OPTIONS] = {}
    for key, value in ((session.TASK_CONFIG, cfg["task"]), (session.MODEL_CONFIG, cfg["model"])):
        at.session_state[key] = value
    at.session_state[session.TRAIN_CONFIG] = cfg["train"]
    at.run()
    assert not at.exception, at.exception
    return at


def _sidebar_text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption])


def _core(task: TaskConfig) -> dict:
    """The task's settings, less the column lists the Task page fills in (all inputs, first target)."""
    return {k: v for k, v in task.to_dict().items() if k not in ("input_columns", "target_columns")}


def _title(name: str) -> str:
    return catalog.get_entry(SESSIONS[name]["dataset"]).title


def test_two_sessions_keep_their_own_data_settings_jobs_and_runs(queue):
    sessions = {name: _session(name) for name in SESSIONS}
    a, b = sessions["a"], sessions["b"]
    ws = {name: at.session_state[session.WORKSPACE] for name, at in sessions.items()}
    assert ws["a"] and ws["b"] and ws["a"] != ws["b"]
    assert a.query_params["ws"] in (ws["a"], [ws["a"]]) and b.query_params["ws"] in (ws["b"], [ws["b"]])

    # the Task page of each frames its own data with its own settings
    for at in sessions.values():
        at.switch_page("pages/task_page.py").run()
        assert not at.exception and not at.error, (at.exception, at.error)
    assert b.number_input(key="task-window").value == 6
    assert not [w for w in a.number_input if w.key == "task-window"]  # A regresses; it has no window
    assert "= (3, 4, 3)" in "\n".join(c.value for c in a.code)  # three cities × 4 days × 3 features
    assert ", 6, 1)" in "\n".join(c.value for c in b.code)  # sunspot windows of 6 steps

    # both press Start on the Train page, A first
    for at in (a, b):
        at.switch_page("pages/train_page.py").run()
        at.button(key="train-start").click().run()
        assert not at.exception, at.exception
    job_a, job_b = queue.specs
    assert a.session_state[session.JOB_IDS] == [job_a] and b.session_state[session.JOB_IDS] == [job_b]
    for name, job_id in (("a", job_a), ("b", job_b)):
        spec, cfg = queue.specs[job_id], SESSIONS[name]
        assert spec.dataset.name == cfg["dataset"] and spec.dataset_ref["name"] == cfg["dataset"]
        assert _core(spec.task) == _core(cfg["task"])
        assert (spec.model, spec.train) == (cfg["model"], cfg["train"])
        assert spec.workspace == ws[name]
    assert queue.specs[job_a].session_id != queue.specs[job_b].session_id

    # each sees its own dataset and its own place in the one queue, nothing of the other's
    sidebar_a, sidebar_b = _sidebar_text(a), _sidebar_text(b)
    assert _title("a") in sidebar_a and _title("b") not in sidebar_a
    assert _title("b") in sidebar_b and _title("a") not in sidebar_b
    assert "waiting in the queue (position 1)" in sidebar_a and "position 2" not in sidebar_a
    assert "waiting in the queue (position 2)" in sidebar_b and "position 1" not in sidebar_b
    assert any("position 2 in the queue" in i.value for i in b.info)

    # the run store lists each workspace's runs only; the Compare page shows one run each
    store = RunStore(settings.data_dir())
    for name, job_id in (("a", job_a), ("b", job_b)):
        assert [r["id"] for r in store.list_runs(ws[name])] == [queue.specs[job_id].run_id]
    for at in (a, b):
        at.switch_page("pages/compare_page.py").run()
        assert not at.exception, at.exception
        assert any(h.value.startswith("1 run in this workspace") for h in at.subheader)
    table_a = a.dataframe[0].value.to_string()
    assert SESSIONS["a"]["dataset"] in table_a and SESSIONS["b"]["dataset"] not in table_a

    # and the settings of each session are still its own after all of this
    for name, at in sessions.items():
        assert _core(at.session_state[session.TASK_CONFIG]) == _core(SESSIONS[name]["task"])
        assert at.session_state[session.MODEL_CONFIG] == SESSIONS[name]["model"]
        assert at.session_state[session.TRAIN_CONFIG] == SESSIONS[name]["train"]


def _upload_page():
    import streamlit as st

    from rnnlab.ui import current, widgets

    framed = current.current_framed(current.task_config())
    st.text(f"series sum {float(framed.series.sum()):.1f}")
    widgets.shared_chart("probe", None, lambda: __import__("plotly.graph_objects").graph_objects.Figure())


def _upload_session(values: list[int]) -> AppTest:
    csv = "value\n" + "\n".join(str(v) for v in values)
    at = AppTest.from_function(_upload_page, default_timeout=60)
    at.session_state[session.DATASET_CHOICE] = {"source": "upload", "name": "data.csv", "title": "data.csv"}
    at.session_state[session.UPLOAD_BYTES] = csv.encode()
    at.session_state[session.READ_OPTIONS] = {}
    return at.run()


def test_uploads_of_the_same_name_never_share_cached_data():
    # framed data, baselines and figures are cached for all sessions under the dataset's key
    first = _upload_session(list(range(40)))
    second = _upload_session([1000 + v for v in range(40)])
    assert not first.exception and not second.exception
    assert first.text[0].value != second.text[0].value  # each sees its own file, not the other's
    assert first.text[0].value == _upload_session(list(range(40))).text[0].value


def test_presentation_mode_never_changes_a_shared_figure():
    def page():
        import plotly.graph_objects as go
        import streamlit as st

        from rnnlab.ui import widgets

        if st.session_state.get("present"):
            st.query_params["present"] = "1"
        widgets.shared_chart(
            "probe-height", None, lambda: go.Figure(layout={"height": 300}), of_dataset=False
        )

    AppTest.from_function(page).run()
    presenting = AppTest.from_function(page)
    presenting.session_state["present"] = True
    presenting.run()
    normal = AppTest.from_function(page).run()
    import json

    heights = [
        json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["height"] for at in (presenting, normal)
    ]
    assert heights == [405, 300]  # enlarged for the projector only; the cached figure kept its size
