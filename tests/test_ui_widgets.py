"""rnnlab.ui's shared caches and the one job progress panel, run through AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.jobs.types import JobStatus
from rnnlab.task.types import TaskConfig
from rnnlab.ui import caches, session
from rnnlab.ui.caches import DataSource
from tests.fakes import FakeJobManager, install


def _panel_page():
    from rnnlab.ui import resources, widgets

    for job in resources.job_manager().jobs():
        widgets.job_progress(job, name=None, key=f"panel-{job.job_id}")


def test_panel_cancels_a_queued_job_and_stops_a_running_one(monkeypatch):
    ws = "wPanel1234567"  # a training is stopped only from its own workspace
    queued = JobStatus("q", "r1", "s", state="queued", queue_position=1, workspace=ws)
    running = JobStatus("g", "r2", "s", state="running", progress={"epoch": 1, "epochs": 2, "fraction": 0.5},
                        workspace=ws)  # fmt: skip
    ended = JobStatus("f", "r3", "s", state="failed", message="boom", workspace=ws)
    install(monkeypatch, FakeJobManager([queued, running, ended]))
    at = AppTest.from_function(_panel_page)
    at.session_state[session.WORKSPACE] = ws
    at.run()
    assert not at.exception, at.exception
    texts = [p.proto.text for p in at.get("progress")]
    assert texts == ["waiting in the queue (position 1)", "epoch 1/2 · step 0/?", "failed"]
    assert {b.key for b in at.button} == {"panel-q-cancel", "panel-g-stop"}  # no button for an ended job
    at.button(key="panel-g-stop").click().run()
    assert running.stop_requested and any("Stop sent to the worker" in c.value for c in at.caption)
    assert at.run().button(key="panel-g-stop").disabled  # on the next run, as on the Train page
    running.apply({"type": "stopping", "t": 1.0})  # the worker's acknowledgement
    assert running.stop_acknowledged == 1.0
    assert any("the worker has it" in c.value for c in at.run().caption)
    at.button(key="panel-q-cancel").click().run()
    assert not at.exception and queued.state == "stopped"
    assert "panel-q-cancel" not in {b.key for b in at.button}


def test_data_source_names_everything_that_decides_the_data():
    upload = DataSource("upload", "data.csv", '{"fill": "drop"}', caches.sha256(b"value\n1\n"))
    assert DataSource.from_json(upload.to_json()) == upload
    keys = {
        upload.to_json(),
        DataSource("upload", "data.csv", '{"fill": "drop"}', caches.sha256(b"value\n2\n")).to_json(),
        DataSource("upload", "data.csv", "{}", upload.sha256).to_json(),
        DataSource("bundled", "sunspots").to_json(),
    }
    assert len(keys) == 4


def test_framed_refuses_bytes_that_are_not_the_keyed_upload():
    csv = b"value\n" + b"\n".join(str(v).encode() for v in range(40))
    source = DataSource("upload", "data.csv", "{}", caches.sha256(csv)).to_json()
    config = TaskConfig("forecast", window=3).to_json()
    with pytest.raises(ValueError, match="SHA-256"):
        caches.framed(source, config, csv + b"\n99")
    assert caches.framed(source, config, csv).n_steps == 3


def _key_page():
    import streamlit as st

    from rnnlab.ui import current

    st.text(current.dataset_key() or "none")


def test_the_session_dataset_key_changes_with_read_options_and_upload_content():
    def key(options: dict, data: bytes) -> str:
        at = AppTest.from_function(_key_page)
        at.session_state[session.DATASET_CHOICE] = {"source": "upload", "name": "a.csv", "title": "a.csv"}
        at.session_state[session.UPLOAD_BYTES] = data
        at.session_state[session.READ_OPTIONS] = options
        return at.run().text[0].value

    base = key({}, b"x\n1\n")
    assert base == key({}, b"x\n1\n")
    assert base != key({"fill": "drop"}, b"x\n1\n") and base != key({}, b"x\n2\n")


UNREACHABLE = "Cannot reach the Ray cluster at 10.0.0.9:6379 (Connection refused)"


def _problem_page():
    import streamlit as st

    from rnnlab.ui import widgets

    st.text(f"blocked={widgets.training_problem()}")


def test_the_problem_line_shows_what_the_started_queue_reports(monkeypatch):
    monkeypatch.delenv("RNNLAB_RAY_ADDRESS", raising=False)
    fake = install(monkeypatch, FakeJobManager(), started=True)
    at = AppTest.from_function(_problem_page).run()
    assert not at.exception and not at.error and at.text[0].value == "blocked=False"
    fake.broken = UNREACHABLE  # the cluster went away while the page was open
    at.run()
    assert [e.value for e in at.error] == [f"Nothing can train now. {UNREACHABLE}"]
    assert at.text[0].value == "blocked=True"


def test_the_problem_line_starts_no_local_pool_but_asks_a_configured_cluster(monkeypatch):
    asked = []

    def job_manager():
        asked.append(True)
        return FakeJobManager(problem=UNREACHABLE)

    from rnnlab.ui import resources

    monkeypatch.setattr(resources, "job_manager", job_manager)
    monkeypatch.setattr(resources, "started_job_manager", lambda: None)  # no page started one
    monkeypatch.delenv("RNNLAB_RAY_ADDRESS", raising=False)
    at = AppTest.from_function(_problem_page).run()
    assert not at.error and at.text[0].value == "blocked=False" and asked == []
    monkeypatch.setenv("RNNLAB_RAY_ADDRESS", "10.0.0.9:6379")
    at.run()
    assert asked and UNREACHABLE in at.error[0].value and at.text[0].value == "blocked=True"
