"""Take the README's screenshot: a GRU(32) forecasting monthly sunspots on the Train page, trained live.

    python scripts/readme_screenshot.py [docs/screenshot.png]

Starts the app on a loopback port with a fresh data directory, opens a configuration link (sunspots,
window 24, GRU(32), learning rate 0.003, batch 32, 25 epochs), presses Start in Debian's Chromium and
saves the page (curves, verdict and its table) once the verdict is shown.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import CHROMIUM_FLAGS, chromium_path, streamlit_server, wait_idle  # noqa: E402
from rnnlab.models.config import ModelConfig  # noqa: E402
from rnnlab.runs import share_link  # noqa: E402
from rnnlab.task.framing import TaskConfig  # noqa: E402
from rnnlab.training.config import TrainConfig  # noqa: E402

LINK = share_link.to_query(
    "sunspots",
    task=TaskConfig("forecast", window=24, horizon=1),
    model=ModelConfig(cell="gru", units=(32,)),
    train=TrainConfig(learning_rate=0.003, batch_size=32, epochs=25, patience=None),
)


def main(out: str = str(ROOT / "docs" / "screenshot.png")) -> None:
    from playwright.sync_api import sync_playwright

    with streamlit_server(workers=2) as (url, _proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1560})
        page.goto(url)  # the root first: Streamlit then knows the app's pages
        wait_idle(page)
        page.goto(f"{url}/?{urlencode(LINK)}")
        wait_idle(page, 120_000)
        page.get_by_test_id("stSidebarNav").get_by_text("Train").click()
        page.get_by_role("button", name="Start training").click(timeout=120_000)
        page.get_by_text("Verdict").first.wait_for(timeout=600_000)
        wait_idle(page)
        page.wait_for_timeout(2000)  # Plotly's last redraw
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=out)
        browser.close()
    print(f"saved {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
