"""Real browser: hostile links, file names, column names and labels stay text — no outside request, no dialog."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from bench.bench_attacks import FAR, HOSTILE_LINKS
from tests.helpers import wait_idle

pytestmark = pytest.mark.browser

HOSTILE_NAMES = [
    f"![x]({FAR}/col.png)",
    f"col`![y]({FAR}/tick.png)`",
    f"<img src={FAR}/html.png onerror=alert(1)>",
    f"[Session expired - click here to sign in again]({FAR}/login)",
]


def _hostile_csv() -> str:
    header = "id,step," + ",".join(f'"{n}"' for n in HOSTILE_NAMES[:3]) + ",label"
    rows = [
        f's{i},{t},{i + t},{2 * t},{t % 3},"{HOSTILE_NAMES[3] if i % 2 else "<b>b</b>"}"'
        for i in range(8)
        for t in range(5)
    ]
    return "\n".join([header, *rows]) + "\n"


def _watch(page) -> tuple[list[str], list[str]]:
    outside, dialogs = [], []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname != "127.0.0.1" else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return outside, dialogs


def _no_outside_links(page) -> None:
    found = page.locator('a[href*="127.0.0.2"], img[src*="127.0.0.2"]')
    assert found.count() == 0, [found.nth(i).evaluate("e => e.outerHTML") for i in range(found.count())]


def test_hostile_links_render_as_text(app_server, page):
    outside, dialogs = _watch(page)
    for query in HOSTILE_LINKS:
        for name in ("train", "model", "task"):
            page.goto(f"{app_server}/{name}?{query}")
            wait_idle(page)
            _no_outside_links(page)
            assert page.locator('[data-testid="stException"]').count() == 0, (name, query)
    page.wait_for_timeout(1000)
    assert outside == [] and dialogs == []


def test_hostile_upload_renders_as_text_on_every_page(app_server, page, tmp_path):
    outside, dialogs = _watch(page)
    page.goto(f"{app_server}/data")
    wait_idle(page)
    page.get_by_text("Upload a CSV", exact=True).first.click()
    wait_idle(page)
    path = tmp_path / "[click me](http:127.0.0.2:9) `x` <b>.csv"
    path.write_text(_hostile_csv())
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("n_observations, n_features)").first.wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_text("![x](http://127.0.0.2:9/col.png)").count() >= 1  # shown as its characters
    for name in ("Task", "Model", "Train", "Data"):
        page.locator('[data-testid="stSidebarNav"] a', has_text=name).first.click()
        wait_idle(page)
        _no_outside_links(page)
        assert page.locator('[data-testid="stException"]').count() == 0, name
    page.wait_for_timeout(1000)
    assert outside == [] and dialogs == []
