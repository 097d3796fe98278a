"""AppTest: the teacher's admin page shows nothing without the right token, then every queued and running
job of every workspace, and its Cancel takes a queued job out of the queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.jobs.ledger import TEACHER_CANCELLED, JobLedger
from rnnlab.jobs.types import JobSpec
from rnnlab.models.config import ModelConfig
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import resources
from tests import tiny_datasets

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "a-long-enough-teacher-token"


def _ledger() -> tuple[JobLedger, list[str]]:
    """Two students' jobs: Alice's running and queued ones, Bob's queued one."""
    ledger = JobLedger(max_queued=64, max_per_session=10, max_per_workspace=10)
    ids = []
    for workspace, client in (("alice-workspace-1", "10.0.0.7"), ("alice-workspace-1", "10.0.0.7"),
                              ("bob-workspace-22", "10.0.0.8")):  # fmt: skip
        spec = JobSpec(tiny_datasets.series(120), {"source": "bundled", "name": "sine"},
                       TaskConfig("forecast", window=12), ModelConfig(cell="lstm", units=(16,)),
                       TrainConfig(epochs=10), workspace, f"s-{workspace}", f"r{len(ids)}", client=client)  # fmt: skip
        ids.append(ledger._enqueue(spec, "train"))
    ledger._jobs[ids[0]].state = "running"
    ledger._queue.remove(ids[0])
    return ledger, ids


def _page(monkeypatch, ledger: JobLedger | None, token: str | None = TOKEN) -> AppTest:
    if token is None:
        monkeypatch.delenv("RNNLAB_ADMIN_TOKEN", raising=False)
    else:
        monkeypatch.setenv("RNNLAB_ADMIN_TOKEN", token)
    monkeypatch.setattr(resources, "started_job_manager", lambda: ledger)
    at = AppTest.from_file(str(ROOT / "pages" / "admin_page.py"), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def _cancel_buttons(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("admin-cancel-")]


def test_without_the_token_set_the_page_says_it_is_off_and_asks_nothing(monkeypatch):
    at = _page(monkeypatch, _ledger()[0], token=None)
    assert "RNNLAB_ADMIN_TOKEN" in at.error[0].value
    assert not at.text_input and not _texts(at) and not _cancel_buttons(at)


def test_a_wrong_token_shows_nothing_of_the_queue(monkeypatch):
    at = _page(monkeypatch, _ledger()[0])
    assert not _texts(at) and not _cancel_buttons(at) and not at.error  # nothing typed yet
    at.text_input(key="admin-token").input(TOKEN[:-1] + "X").run()
    assert at.error[0].value == "That is not the admin token."
    assert not _texts(at) and not _cancel_buttons(at) and not at.caption


def test_a_short_token_keeps_the_page_shut_even_when_typed(monkeypatch):
    at = _page(monkeypatch, _ledger()[0], token="short")
    assert "at least 16 characters" in at.error[0].value and not at.text_input


def test_the_right_token_lists_every_job_and_cancel_takes_one_out_of_the_queue(monkeypatch):
    ledger, (running, alices, bobs) = _ledger()
    at = _page(monkeypatch, ledger)
    at.text_input(key="admin-token").input(TOKEN).run()
    assert not at.exception and not at.error
    assert at.caption[0].value.startswith("1 running, 2 waiting; 2,280 sample passes")  # 3 × 10 × 76
    texts = _texts(at)
    for shown in ("alice-…", "bob-wo…", "10.0.0.7", "10.0.0.8", "sine · LSTM(16)", "10", "760",
                  "running: epoch 0/10", "queued: #1 in the queue", "queued: #2 in the queue"):  # fmt: skip
        assert shown in texts, (shown, texts)
    assert not any("alice-workspace-1" in t for t in texts)  # the workspace key is never shown whole
    assert _cancel_buttons(at) == [
        f"admin-cancel-{j}" for j in (running, bobs, alices)
    ]  # Bob's first: round-robin
    at.button(key=f"admin-cancel-{bobs}").click().run()
    assert not at.exception
    assert ledger.status(bobs).state == "stopped" and ledger.status(bobs).message == TEACHER_CANCELLED
    assert _cancel_buttons(at) == [f"admin-cancel-{j}" for j in (running, alices)]
    assert at.toast[0].value == "Cancelled the queued job."
    at.button(key=f"admin-cancel-{running}").click().run()  # a running job is asked to stop
    assert ledger.status(running).stop_requested


def test_app_registers_the_admin_page_only_while_the_token_is_set(monkeypatch):
    monkeypatch.setenv("RNNLAB_ADMIN_TOKEN", TOKEN)
    monkeypatch.setattr(resources, "started_job_manager", lambda: None)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/admin_page.py").run()
    assert not at.exception and at.title[0].value == "Teacher: the training queue"
    monkeypatch.delenv("RNNLAB_ADMIN_TOKEN")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # no such page at all
        at.switch_page("pages/admin_page.py")
