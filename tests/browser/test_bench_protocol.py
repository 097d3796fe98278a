"""The load benchmark's websocket client drives real sessions of the running app (so the benchmark cannot rot)."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from bench.protocol import ProtocolSession

pytestmark = pytest.mark.browser  # shares the browser tests' server


def test_protocol_sessions_open_pages_and_press_buttons(app_server):
    async def drive():
        async with ProtocolSession(app_server) as data, ProtocolSession(app_server) as home:
            first = await data.rerun(page="data", query="ds=ecg200", timeout=120)
            assert "Draw others" in data.buttons and not data.errors
            assert data.query.startswith("ws=") and "ds=" not in data.query  # the link was applied once
            clicked = await data.click("Draw others")
            again = await data.rerun()
            await home.rerun(page="", query="", timeout=120)
            assert any(label == "Open" for label in home.buttons) and not home.errors
            with pytest.raises(KeyError):
                await home.click("Draw others")  # the home page draws no such button
            return first, clicked, again

    # Playwright's sync API keeps an event loop in this thread; the client gets a thread of its own
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        times = pool.submit(asyncio.run, drive()).result(timeout=300)
    assert all(0 < t < 60 for t in times)
