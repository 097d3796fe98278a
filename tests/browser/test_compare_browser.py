"""Real browser: runs survive a reload (workspace in the URL), and a lesson link restores its settings and
trains from the Compare page (screenshots under artifacts/screenshots/)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from rnnlab.runs import lessons
from rnnlab.runs.store import RunStore, new_workspace_id
from tests.helpers import screenshot, wait_idle

pytestmark = pytest.mark.browser


def _server_stores(tmp_path_factory) -> list[RunStore]:
    return [RunStore(d) for d in tmp_path_factory.getbasetemp().glob("server-data*")]


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_runs_are_still_listed_after_a_reload(app_server, page, tmp_path_factory):
    ws = new_workspace_id()
    for store in _server_stores(tmp_path_factory):
        for i, (cell, mae) in enumerate([("gru", 12.0), ("lstm", 14.0)]):
            run_id = f"run-browser{i}"
            store.start_run(run_id, {"workspace": ws, "dataset_ref": {"source": "bundled", "name": "sunspots"},
                                     "task": {"kind": "forecast"}, "model": {"cell": cell, "units": [8]},
                                     "train": {"seed": 0}, "params": 300, "label": f"browser {cell}"})  # fmt: skip
            for epoch in range(4):
                store.record_epoch(
                    run_id, epoch, {"loss": 1 / (epoch + 1), "val_loss": 1.2 / (epoch + 1) + i * 0.1}
                )
            store.finish_run(run_id, {"status": "finished", "test": {"mae": mae}, "seconds": 2.0,
                                      "scoreboard": [{"name": "last value", "test": {"mae": 13.0}}]})  # fmt: skip
    page.goto(f"{app_server}/compare?ws={ws}")
    wait_idle(page, timeout=120_000)
    expect(page.get_by_text("2 runs in this workspace")).to_be_visible()
    _no_exception(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()
    page.wait_for_timeout(1500)
    screenshot(page, "compare_runs")
    page.reload()
    wait_idle(page, timeout=120_000)
    expect(page.get_by_text("2 runs in this workspace")).to_be_visible()
    assert f"ws={ws}" in page.url
    _no_exception(page)


def test_lesson_link_restores_settings_and_trains_seed_runs(app_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        lesson = lessons.get_lesson("three_cities")
        ws = new_workspace_id()
        page.goto(f"{app_server}/compare?{urlencode({**lesson.query(), 'ws': ws})}")
        wait_idle(page, timeout=120_000)
        _no_exception(page)
        codes = page.locator('[data-testid="stCode"]')
        bookmark, link = codes.nth(0).text_content(), codes.nth(1).text_content()
        assert f"ws={ws}" in bookmark and "ds=" not in bookmark  # "Bookmark my workspace": the workspace only
        assert "ds=three_cities" in link and "ws=" not in link  # the share link: the lesson's settings only
        page.get_by_role("button", name="Train the current setting with 3 seeds").click()
        page.get_by_text("3 runs in this workspace").wait_for(timeout=240_000)
        page.get_by_text("finished · epoch").first.wait_for(timeout=240_000)
        wait_idle(page, timeout=120_000)
        page.wait_for_timeout(1500)
        screenshot(page, "compare_seed_runs")
        page.goto(f"{app_server}/compare?ws={ws}")
        wait_idle(page, timeout=120_000)
        expect(page.get_by_text("3 runs in this workspace")).to_be_visible()
        _no_exception(page)
    finally:
        context.close()
