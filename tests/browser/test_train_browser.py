"""A real browser trains GRU on ECG200: the curve gains points while training, Stop, the verdict appears."""

from __future__ import annotations

import time

import pytest

from rnnlab.models.config import ModelConfig
from rnnlab.training.config import TrainConfig
from tests.helpers import go_to, screenshot, wait_idle

pytestmark = pytest.mark.browser

# Batch size 1, GRU(384) and the plain fit keep the three epochs slow enough to watch and to stop
# (GRU(128) ran an epoch in under 2 s on a warm worker: the job could end before Stop).
MODEL = ModelConfig(cell="gru", units=(384,))
TRAIN = TrainConfig(epochs=5, batch_size=1, fast=False, patience=None)


def _train_points(page) -> int:
    """Points of the 'train loss' traces (line and within-epoch dots) in the live chart (0 before it exists)."""
    return page.evaluate(
        """() => {
            const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
            if (!plot || !plot.data) return 0;
            return plot.data.filter(t => (t.name || '').startsWith('train loss'))
                .reduce((n, t) => n + t.x.length, 0);
        }"""
    )


def test_train_ecg200_gru_live_curve_stop_and_verdict(app_server, page):
    # ECG200 and GRU(64) arrive through a configuration link, as a teacher would share them
    page.goto(f"{app_server}/?ds=ecg200&model={MODEL.to_token()}&train={TRAIN.to_token()}")
    wait_idle(page, timeout=120_000)
    go_to(page, "Train")
    page.get_by_text("ecg200").first.wait_for()
    # the copy-link box carries the whole configuration; advanced settings sit in an expander
    link = page.get_by_test_id("stCode").first.inner_text()
    assert "ds=ecg200" in link and "model=" in link and "train=" in link, link
    assert page.get_by_text("Advanced settings").count() == 1
    epochs = page.get_by_label("Epochs", exact=True)
    epochs.fill("3")
    epochs.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Start training").click()
    # the curve gains points while training runs
    seen: list[int] = []
    speed_shown = False  # the progress line: epoch, step, samples/s, time left
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len({n for n in seen if n > 0}) < 3:
        seen.append(_train_points(page))
        speed_shown = speed_shown or page.get_by_text("samples/s").count() >= 1
        page.wait_for_timeout(700)
    grown = sorted({n for n in seen if n > 0})
    assert len(grown) >= 3, f"the curve did not grow while training: {seen}"
    assert speed_shown
    screenshot(page, "train_ecg200_running")
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Verdict").first.wait_for(timeout=120_000)
    wait_idle(page)
    page.get_by_text("Stopped by request").first.wait_for()
    assert _train_points(page) >= grown[-1]
    page.get_by_text("Verdict").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    path = screenshot(page, "train_ecg200_stopped")
    assert path.exists()
