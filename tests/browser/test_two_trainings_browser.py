"""Two students on one server: each opens a different dataset, both press Start at once, both finish.

Two browser contexts are two independent Streamlit sessions (own cookies, own websocket). Each trains
for one epoch through the shared worker pool; each must end with its own curve and verdict, and neither
sidebar may show the other's dataset.
"""

from __future__ import annotations

import pytest

from rnnlab.data import catalog
from tests.helpers import go_to, screenshot, wait_idle

pytestmark = pytest.mark.browser

DATASETS = ("three_cities", "ecg200")
SIDEBAR = '[data-testid="stSidebar"]'


def _loss_points(page) -> int:
    """Points of the 'train loss' trace of the page's first Plotly chart (0 when there is none)."""
    return page.evaluate(
        """() => {
            const plot = document.querySelector('.js-plotly-plot');
            if (!plot || !plot.data) return 0;
            return plot.data.filter(t => t.name === 'train loss').reduce((n, t) => n + t.x.length, 0);
        }"""
    )


def _open_and_go_to_train(page, url: str, key: str) -> None:
    page.goto(url)
    wait_idle(page, timeout=120_000)
    page.locator(f'[class*="st-key-home-open-{key}"] button').click()
    page.get_by_text("What rnnlab understood").wait_for(timeout=120_000)  # on the Data page now
    wait_idle(page, timeout=120_000)
    go_to(page, "Train")
    epochs = page.get_by_label("Epochs", exact=True)
    epochs.fill("1")
    epochs.press("Enter")
    wait_idle(page, timeout=60_000)


def test_two_sessions_train_at_once_each_with_its_own_curves(app_server, browser):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in DATASETS]
    try:
        pages = [ctx.new_page() for ctx in contexts]
        for page in pages:
            page.set_default_timeout(60_000)
        for page, key in zip(pages, DATASETS):
            _open_and_go_to_train(page, app_server, key)
        for page in pages:  # press Start in both sessions, back to back
            page.get_by_role("button", name="Start training").click()
        for page in pages:
            page.get_by_role("heading", name="Verdict").wait_for(timeout=300_000)
            page.get_by_text("judged on the same").first.wait_for()  # the verdict's caption, under its banner
            wait_idle(page, timeout=60_000)
        titles = [catalog.get_entry(key).title for key in DATASETS]
        for i, (page, key) in enumerate(zip(pages, DATASETS)):
            other = titles[1 - i]
            sidebar = page.locator(SIDEBAR).inner_text()
            assert titles[i] in sidebar and other not in sidebar, sidebar
            assert page.locator(".js-plotly-plot").count() >= 1  # the session's own training curves …
            assert _loss_points(page) >= 1  # … with the finished epoch on them
            body = page.locator("body").inner_text()
            assert key in body  # the Train caption names this session's data …
            assert DATASETS[1 - i] not in body and other not in body  # … and nothing shows the other's
            page.get_by_role("heading", name="Verdict").scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            assert screenshot(page, f"two_trainings_{key}").exists()
    finally:
        for ctx in contexts:
            ctx.close()
