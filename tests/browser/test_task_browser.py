"""Real browser: open sunspots from Home, go to Task, set a window, see the shapes and the scoreboard."""

import time

import pytest
from playwright.sync_api import expect

from tests.helpers import go_to, screenshot, wait_idle


@pytest.mark.browser
def test_task_page_window_shapes_and_scoreboard(app_server, page):
    page.goto(app_server)
    wait_idle(page)
    page.locator(".st-key-home-open-sunspots button").click()
    page.get_by_text("What rnnlab understood").wait_for(timeout=120_000)  # on the Data page now
    wait_idle(page, timeout=120_000)
    go_to(page, "Task")
    page.get_by_text("X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = (3114, 12, 1)").wait_for()
    window = page.get_by_label("Window W (input steps)")
    window.fill("24")
    window.press("Enter")
    wait_idle(page)
    page.get_by_text("X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = (3102, 24, 1)").wait_for()
    wait_idle(page)  # the shapes come first; the rest of the page is drawn by the same run
    expect(page.get_by_text("y.shape = (n_SEQUENCES,) = (3102,)")).to_have_count(1)
    expect(page.get_by_text("Naive baselines — every model must beat these")).to_have_count(1)
    page.get_by_text("best on validation by mae").first.wait_for()
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})  # Streamlit scrolls inside: show all of it
    charts = page.locator('[data-testid="stPlotlyChart"]')
    charts.locator(".xtick text").first.wait_for()  # Plotly has drawn the axes
    texts = "els => els.map(e => e.textContent)"  # SVG text has no innerText
    # the timeline is the chart whose time axis spans the series (its ticks are years, 2000 among them)
    index = next(
        i for i in range(charts.count()) if "2000" in charts.nth(i).locator(".xtick text").evaluate_all(texts)
    )
    ticks = charts.nth(index).locator(".xtick text")
    whole = ticks.evaluate_all(texts)
    screenshot(page, "task_sunspots_window24")
    page.get_by_text("Zoom to the window").click()
    wait_idle(page)
    # zoomed to the example window: the axis shows other (closer) ticks than the whole 1749–2009 series
    deadline = time.monotonic() + 30
    while ticks.evaluate_all(texts) in (whole, []) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    zoomed = ticks.evaluate_all(texts)
    assert zoomed and zoomed != whole, (whole, zoomed)
    assert "2000" in whole and "2000" not in zoomed
    screenshot(page, "task_sunspots_zoomed")


@pytest.mark.browser
def test_task_page_ragged_padding_preview(app_server, page):
    page.goto(app_server)
    wait_idle(page)
    page.locator(".st-key-home-open-japanese_vowels button").click()
    page.get_by_text("What rnnlab understood").wait_for(timeout=120_000)  # on the Data page now
    wait_idle(page, timeout=120_000)
    go_to(page, "Task")
    page.get_by_text("X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = (640, 29, 12)").wait_for()
    wait_idle(page)
    expect(page.get_by_text("Padding preview")).to_have_count(1)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()  # the padding chart is drawn
    screenshot(page, "task_japanese_vowels")
