"""Helpers for the browser tests (import as ``from tests.helpers import ...``)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import urlsplit

from rnnlab.training import speed

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the Streamlit script has finished its current run."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_timeout(300)


def go_to(page, name: str, timeout: float = 120_000) -> None:
    """Open the page ``name`` ("Model", "Train", …) from the sidebar and wait until its script has run.

    The script state still reads "notRunning" from the previous page for a moment after the click, so the
    URL is waited for first; values of inputs are then best read with ``expect(...).to_have_value``, which
    waits for the widget to show the value the server sent.
    """
    page.get_by_test_id("stSidebarNav").get_by_text(name, exact=True).first.click()
    path = "/" if name == "Home" else f"/{name.lower()}"
    page.wait_for_url(lambda url: urlsplit(url).path == path, timeout=timeout)
    wait_idle(page, timeout=timeout)


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under ``artifacts/screenshots/`` and return its path."""
    out = ARTIFACTS / "screenshots" / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    return out


def seed_calibration(data_dir: Path) -> None:
    """Give ``data_dir`` the built-in speed calibration, so a worker starting there skips the measurement.

    The measurement (:func:`rnnlab.training.speed.calibrate`) takes 10–30 s once per data directory; every
    test has its own directory, and the tests check behaviour, not speed.
    """
    calibration = speed.Calibration(machine=speed.machine_id(), measured=False)
    path = Path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    (path / speed.CALIBRATION_FILE).write_text(json.dumps(dataclasses.asdict(calibration)), encoding="utf-8")


def start_server(data_dir: Path, log_path: Path, workers: int = 1, port: int | None = None):
    """Start ``streamlit run app.py`` headless on a free loopback port (or ``port``, to restart a server where
    open tabs reconnect) over ``data_dir``; return ``(process, url)`` once it answers ``/_stcore/health``
    (end it by its PID: ``process.kill()``)."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    if port is None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    seed_calibration(data_dir)
    env = {**os.environ, "RNNLAB_DATA_DIR": str(data_dir), "RNNLAB_WORKERS": str(workers)}
    with open(log_path, "a") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(
        f"streamlit did not become healthy in 60 s; log:\n{Path(log_path).read_text()[-3000:]}"
    )
