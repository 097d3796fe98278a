"""Real browser: upload a long CSV of many series (stores × weeks, interleaved), forecast inside each
sequence, and train one epoch to a verdict."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers import go_to, screenshot, wait_idle
from tests.test_own_csv_data import stores

pytestmark = pytest.mark.browser


def test_upload_many_series_forecast_and_train_one_epoch(app_server, page, tmp_path):
    page.goto(f"{app_server}/data")
    wait_idle(page)
    page.get_by_test_id("stRadioGroup").get_by_text("Upload a CSV").click()
    wait_idle(page)
    path = tmp_path / "stores.csv"
    path.write_bytes(stores())
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("(n_sequences, n_observations, n_features) = (6, 40, 1)").first.wait_for(timeout=60_000)
    wait_idle(page)
    expect(page.get_by_text("repeats in groups that share time stamps", exact=False).first).to_be_visible()
    page.get_by_text("Reading options", exact=False).first.click()  # the roles each column can play
    page.get_by_text("Which column can play which role", exact=False).first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)  # the expander's opening animation
    screenshot(page, "own_csv_data_stores")

    go_to(page, "Task")
    page.get_by_text("Timeline of each sequence").first.wait_for(timeout=60_000)
    expect(page.get_by_text("Split by time inside each of 6 sequences", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Predict the change").click()  # the sales trend upwards
    wait_idle(page, timeout=60_000)
    page.get_by_text("Timeline of each sequence").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "own_csv_task_stores")

    go_to(page, "Train")
    epochs = page.get_by_label("Epochs", exact=True)
    epochs.fill("1")
    epochs.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Start training").click()
    page.get_by_text("Verdict").first.wait_for(timeout=240_000)
    wait_idle(page)
    page.get_by_text("Finished 1 epoch.", exact=False).first.wait_for()  # not "1 epochs"
    screenshot(page, "own_csv_train_stores")
