"""Real browser: the "Inside the RNN" page on a tiny trained model (screenshots under artifacts/)."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import expect

from rnnlab.runs.store import RunStore, new_workspace_id
from tests.helpers import screenshot, wait_idle

pytestmark = pytest.mark.browser


def _save_tiny_model(data_dir, workspace: str) -> None:
    """A tiny trained LSTM, kept as a finished run of ``workspace`` (the page lists that workspace's models)."""
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((8, 2)), keras.layers.Masking(-9.0), keras.layers.LSTM(4), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(16, 8, 2)), rng.normal(size=(16, 1)), epochs=1, verbose=0)
    models_dir = data_dir / "models"
    models_dir.mkdir(parents=True, exist_ok=True)
    path = models_dir / "browser-tiny.keras"
    model.save(path)
    store = RunStore(data_dir)
    store.start_run("browser-tiny", {"workspace": workspace, "task": {"kind": "regress"},
                                     "dataset_ref": {"source": "bundled", "name": "three_cities"}})  # fmt: skip
    store.finish_run("browser-tiny", {"status": "finished", "model_path": str(path)})


def _shown_chart(page, index: int = -1):
    """The visible Plotly chart (the last, or ``index``), once Plotly has drawn it (its SVG is in the page)."""
    charts = page.locator('[data-testid="stPlotlyChart"]').filter(visible=True)
    chart = charts.last if index == -1 else charts.nth(index)
    chart.locator(".main-svg").first.wait_for()
    return chart


def _shot_chart(page, name: str, index: int = -1) -> None:
    """Scroll a drawn Plotly chart into view and screenshot the viewport (Streamlit scrolls inside the page)."""
    _shown_chart(page, index).scroll_into_view_if_needed()
    screenshot(page, name)


def _open_tab(page, name: str, shows: str) -> None:
    """Click a tab and wait until its panel shows ``shows`` (a chart's title or a caption)."""
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tabpanel").filter(visible=True).get_by_text(shows).first).to_be_visible()
    wait_idle(page)


def test_inside_page_with_a_tiny_model(app_server, page, tmp_path_factory):
    # the server's data directory is a session temp dir named server-data*
    workspace = new_workspace_id()
    for data_dir in tmp_path_factory.getbasetemp().glob("server-data*"):
        _save_tiny_model(data_dir, workspace)
    page.goto(f"{app_server}/inside?ws={workspace}")
    wait_idle(page, timeout=120_000)
    page.get_by_text("Inside the RNN").first.wait_for()
    page.get_by_text("largest difference").first.wait_for()
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(
        page.get_by_text("Parameters:").first
    ).to_be_visible()  # the Weights tab: the formula and the table
    screenshot(page, "inside_weights")
    _shot_chart(page, "inside_weights_chart", 0)
    _open_tab(page, "Hidden state", "hidden state h_t (unit × time)")
    _shot_chart(page, "inside_hidden_state")
    _open_tab(page, "Step-through", "Step t")
    _shot_chart(page, "inside_step")
    _open_tab(page, "Gradient through time", "A curve that falls steeply to the right")
    expect(page.get_by_text("How strongly each earlier step moves the prediction").first).to_be_visible()
    _shot_chart(page, "inside_gradient")
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("tab", name="Padding lab").click()
    page.get_by_role("button", name="Run the padding lab").click()
    # the result's caption (the progress bar also names post_mask_collide while the last variant trains)
    page.get_by_text("Safe pad value").first.wait_for(timeout=300_000)
    wait_idle(page, timeout=180_000)
    _shown_chart(page)  # every chart of the lab drawn before the screenshots
    screenshot(page, "inside_padding_lab")
    _shot_chart(page, "inside_padding_metrics", 0)
    _shot_chart(page, "inside_padding_predictions", 1)
    _shot_chart(page, "inside_padding_states")
    assert page.locator('[data-testid="stException"]').count() == 0
