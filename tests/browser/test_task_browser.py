"""Real browser: open sunspots from Home, go to Task, set a window, see the shapes and the scoreboard."""

import pytest

from tests.helpers import screenshot, wait_idle


@pytest.mark.browser
def test_task_page_window_shapes_and_scoreboard(app_server, page):
    page.goto(app_server)
    wait_idle(page)
    page.locator(".st-key-home-open-sunspots button").click()
    page.get_by_text("What rnnlab understood").wait_for(timeout=120_000)  # on the Data page now
    wait_idle(page, timeout=120_000)
    page.get_by_role("link", name="Task").first.click()
    wait_idle(page)
    page.get_by_text("X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = (3114, 12, 1)").wait_for()
    window = page.get_by_label("Window W (input steps)")
    window.fill("24")
    window.press("Enter")
    wait_idle(page)
    page.get_by_text("X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = (3102, 24, 1)").wait_for()
    assert page.get_by_text("y.shape = (n_SEQUENCES,) = (3102,)").count() == 1
    assert page.get_by_text("Naive baselines — every model must beat these").count() == 1
    assert page.get_by_text("best on validation by mae").count() >= 1
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})  # Streamlit scrolls inside: show all of it
    page.wait_for_timeout(1500)  # let the Plotly charts draw
    screenshot(page, "task_sunspots_window24")
    page.get_by_text("Zoom to the window").click()
    wait_idle(page)
    page.wait_for_timeout(1000)
    screenshot(page, "task_sunspots_zoomed")


@pytest.mark.browser
def test_task_page_ragged_padding_preview(app_server, page):
    page.goto(app_server)
    wait_idle(page)
    page.locator(".st-key-home-open-japanese_vowels button").click()
    page.get_by_text("What rnnlab understood").wait_for(timeout=120_000)  # on the Data page now
    wait_idle(page, timeout=120_000)
    page.get_by_role("link", name="Task").first.click()
    wait_idle(page)
    page.get_by_text("X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = (640, 29, 12)").wait_for()
    assert page.get_by_text("Padding preview").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.wait_for_timeout(1500)
    screenshot(page, "task_japanese_vowels")
