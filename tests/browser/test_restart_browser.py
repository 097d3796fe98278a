"""A server restart in the middle of a training: the server process is killed by its PID and started
again over the same data directory. The run is then "interrupted" with the epochs it had recorded (not
"running" forever), and the workspace's setup — dataset, task, model, training settings — comes back."""

from __future__ import annotations

import contextlib
import re
import time

import psutil
import pytest
from playwright.sync_api import expect

from rnnlab.models.config import ModelConfig
from rnnlab.runs.store import RunStore, new_workspace_id
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from tests.helpers import screenshot, start_server, wait_idle

pytestmark = pytest.mark.browser

TASK = TaskConfig("forecast", window=9, horizon=1)
MODEL = ModelConfig(cell="lstm", units=(48,))
TRAIN = TrainConfig(epochs=200, batch_size=2, fast=False, patience=None, seed=3)


def _kill_tree(proc) -> None:
    """End the server and the worker processes it started, each by its own PID."""
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.kill()
    proc.wait(timeout=20)
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


def _warm(browser, url: str) -> None:
    """Open the root page once: until a session ran app.py, a deep link shows "page not found" first."""
    page = browser.new_page()
    page.goto(url)
    wait_idle(page, timeout=180_000)
    page.close()


def test_a_killed_server_leaves_an_interrupted_run_and_the_setup_comes_back(browser, tmp_path):
    data_dir, log = tmp_path / "data", tmp_path / "server.log"
    data_dir.mkdir()
    ws = new_workspace_id()
    proc, url = start_server(data_dir, log)
    try:
        _warm(browser, url)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/train?ds=sunspots&task={TASK.to_token()}&model={MODEL.to_token()}"
                  f"&train={TRAIN.to_token()}&ws={ws}")  # fmt: skip
        wait_idle(page, timeout=180_000)
        page.get_by_role("button", name="Start training").click()
        store = RunStore(data_dir, check_interrupted=False)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            runs = store.list_runs(ws)
            if runs and runs[0]["epochs_done"] >= 2:
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"no epochs recorded in time; log:\n{log.read_text()[-3000:]}")
        run_id = runs[0]["id"]
        page.context.close()
    finally:
        _kill_tree(proc)
    recorded = len(RunStore(data_dir, check_interrupted=False).history(run_id).get("epoch", []))
    assert RunStore(data_dir, check_interrupted=False).get_run(run_id)["status"] == "running"  # as left

    proc, url = start_server(data_dir, log)
    try:
        _warm(browser, url)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/train?ws={ws}")  # a bookmark of the workspace: no configuration in the URL
        wait_idle(page, timeout=180_000)
        run = RunStore(data_dir, check_interrupted=False).get_run(run_id)
        assert run["status"] == "interrupted" and run["epochs_done"] == recorded >= 2
        page.get_by_text("Sunspots").first.wait_for()
        expect(page.get_by_label("Epochs", exact=True)).to_have_value("200")
        expect(page.get_by_label("Batch size", exact=True)).to_have_value("2")
        page.goto(f"{url}/compare?ws={ws}")
        wait_idle(page, timeout=180_000)
        notice = page.get_by_text("The server stopped while this run was training").first
        notice.wait_for()
        notice.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        screenshot(page, "restart_compare_interrupted")
        page.goto(f"{url}/model?ws={ws}")
        wait_idle(page, timeout=180_000)
        expect(page.get_by_role("textbox", name="Units per layer (several = stacked)")).to_have_value(
            re.compile(r"^\s*48\s*$")
        )
        page.context.close()
    finally:
        _kill_tree(proc)
