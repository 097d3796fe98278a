"""Real browser: a reload re-attaches to the running training (the curve continues, Stop works); a share
link opened in another browser gives a fresh workspace with the same configuration; presentation mode
survives a lesson start and three navigations (screenshots under artifacts/screenshots/)."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from rnnlab.models.config import ModelConfig
from rnnlab.runs.store import new_workspace_id
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from tests.helpers import go_to, screenshot, wait_idle

pytestmark = pytest.mark.browser

TASK = TaskConfig("forecast", window=9, horizon=1)
MODEL = ModelConfig(cell="lstm", units=(64,))
TRAIN = TrainConfig(epochs=300, batch_size=2, fast=False, patience=None, seed=5)


def _epoch_points(page) -> int:
    """Epoch points of the 'val loss' line in the live chart (one per finished epoch; 0 before it exists)."""
    return page.evaluate(
        """() => {
            const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
            if (!plot || !plot.data) return 0;
            const line = plot.data.find(t => t.name === 'val loss');
            return line ? line.x.length : 0;
        }"""
    )


def _wait_points(page, at_least: int, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = _epoch_points(page)
        if n >= at_least:
            return n
        page.wait_for_timeout(700)
    raise AssertionError(f"the curve did not reach {at_least} epochs in {timeout} s")


def _query(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_a_reload_reattaches_to_the_running_training_and_stop_works(app_server, page):
    ws = new_workspace_id()
    page.goto(f"{app_server}/train?ds=sunspots&task={TASK.to_token()}&model={MODEL.to_token()}"
              f"&train={TRAIN.to_token()}&ws={ws}")  # fmt: skip
    wait_idle(page, timeout=180_000)
    page.get_by_role("button", name="Start training").click()
    before = _wait_points(page, 2)
    page.reload()
    wait_idle(page, timeout=120_000)
    assert _query(page)["ws"] == ws
    after = _wait_points(page, before)  # the curve starts from the epochs already done
    assert after >= before >= 2
    _wait_points(page, after + 1)  # … and continues
    page.get_by_text("samples/s").first.wait_for()
    screenshot(page, "train_reattached_after_reload")
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Stopped by request").first.wait_for(timeout=120_000)


def test_a_share_link_gives_another_browser_a_fresh_workspace_with_the_same_configuration(
    app_server, browser
):
    sharer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sharer.set_default_timeout(60_000)
    ws = new_workspace_id()
    train = TrainConfig(epochs=13, batch_size=8, seed=4)
    sharer.goto(f"{app_server}/train?ds=sunspots&task={TASK.to_token()}&model={MODEL.to_token()}"
                f"&train={train.to_token()}&ws={ws}")  # fmt: skip
    wait_idle(sharer, timeout=180_000)
    link = sharer.get_by_test_id("stCode").first.inner_text().strip()
    assert "ws=" not in link and "train=" in link, link
    screenshot(sharer, "train_share_and_bookmark_links")
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other.set_default_timeout(60_000)
    try:
        other.goto(link)
        wait_idle(other, timeout=180_000)
        fresh = _query(other).get("ws")
        assert fresh and fresh != ws
        expect(other.get_by_label("Epochs", exact=True)).to_have_value("13")
        expect(other.get_by_label("Batch size", exact=True)).to_have_value("8")
        other.get_by_text("Sunspots").first.wait_for()
        go_to(other, "Model")
        expect(other.get_by_role("textbox", name="Units per layer (several = stacked)")).to_have_value(
            re.compile(r"^\s*64\s*$")
        )
    finally:
        other.context.close()
        sharer.context.close()


def test_presentation_mode_survives_a_lesson_start_and_three_navigations(app_server, page):
    page.goto(f"{app_server}/?present=1")
    wait_idle(page, timeout=120_000)
    start = page.get_by_role("button", name="Start lesson").first
    start.scroll_into_view_if_needed()
    assert start.inner_text().strip() == "Start lesson"
    cut = page.evaluate(  # the button or any element inside it narrower than its text ("Start le…")
        "(b) => [b, ...b.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1).length",
        start.element_handle(),
    )
    assert cut == 0
    page.wait_for_timeout(500)
    screenshot(page, "home_presentation_lessons")
    start.click()
    wait_idle(page, timeout=120_000)
    assert _query(page).get("present") == "1", page.url
    for name in ("Model", "Data", "Compare"):
        go_to(page, name)
        page.wait_for_timeout(500)
        assert _query(page).get("present") == "1", (name, page.url)
        assert page.get_by_text("Advanced settings").count() == 0
    screenshot(page, "compare_presentation")
    page.get_by_text("Presentation mode").click()  # switched off: it stays off
    wait_idle(page)
    go_to(page, "Train")
    assert _query(page).get("present") in (None, "0"), page.url
