"""Real browser: navigation, pick a bundled dataset, upload a CSV; summary and charts appear."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.helpers import screenshot, wait_idle

pytestmark = pytest.mark.browser

PAGES = ["Home", "Data", "Task", "Model", "Train", "Results", "Compare", "Inside the RNN"]
CSV = "sequence_id,step,temperature,pollution,label\n" + "".join(
    f"s{i},{t},{10 + i + t},{50 + 3 * t},{'high' if i % 2 else 'low'}\n" for i in range(6) for t in range(5)
)


def _summary_shown(page, shape: str) -> None:
    page.get_by_text(shape).first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    wait_idle(page)


def test_sidebar_lists_each_page_once_in_order(app_server, page):
    page.goto(app_server)
    wait_idle(page)
    links = page.locator('[data-testid="stSidebarNav"] a')
    # each link is "<material icon ligature> <title>"; the title is what a reader sees
    names = [" ".join(t.split()) for t in links.all_inner_texts()]
    assert len(names) == len(PAGES), names
    for name, title in zip(names, PAGES, strict=True):
        assert name.endswith(title) and name.count(title) == 1, (name, title)


def test_pick_bundled_dataset_then_upload_csv(app_server, page, tmp_path):
    page.goto(f"{app_server}/data")
    wait_idle(page)
    start = time.perf_counter()
    page.locator('[class*="st-key-data-bundled"]').click()
    page.get_by_role("option", name="ECG5000 heartbeats").click()
    _summary_shown(page, "(n_sequences, n_observations, n_features) = (5000, 140, 1)")
    seconds = time.perf_counter() - start
    page.locator(".js-plotly-plot").nth(2).wait_for()  # three charts at least
    expect(page.get_by_text("Dau et al., 2018").first).to_be_visible()
    screenshot(page, "data_ecg5000")
    page.locator(".js-plotly-plot").nth(1).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "data_ecg5000_charts")
    assert seconds < 10, f"ECG5000 took {seconds:.1f} s"  # generous on a shared 2-core test machine

    page.get_by_text("Upload a CSV").click()
    wait_idle(page)
    path = tmp_path / "my_sequences.csv"
    path.write_text(CSV)
    page.locator('input[type="file"]').set_input_files(str(path))
    _summary_shown(page, "(n_sequences, n_observations, n_features) = (6, 5, 2)")
    expect(page.get_by_text("my_sequences.csv").first).to_be_visible()
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "data_upload")
    # the choice persists in the sidebar
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("my_sequences.csv")).to_be_visible()
