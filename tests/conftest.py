"""Shared fixtures: an isolated data directory for every test, and for the
browser tests a real ``streamlit run`` on a loopback port driven by Playwright
with Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import seed_calibration

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _streamlit_clean_up_restored():
    """Undo app.py's process-wide change to Streamlit's after-run clean-up after every test.

    ``rnnlab.ui.streamlit_patch.keep_keras_state`` replaces a function of Streamlit's script runner module; without this,
    which version a test sees would depend on whether an earlier test had run ``app.py``.
    """
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner._clean_problem_modules
    yield
    script_runner._clean_problem_modules = original


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Every test gets its own run store directory, so tests never see each other's runs."""
    data_dir = tmp_path_factory.mktemp("rnnlab-data")
    seed_calibration(data_dir)
    monkeypatch.setenv("RNNLAB_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RNNLAB_WORKERS", os.environ.get("RNNLAB_WORKERS", "1"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, browser):
    """Start ``streamlit run app.py`` headless on a free loopback port; yield its URL.

    The root page is opened once first: until a session has run ``app.py`` (which calls
    ``st.navigation``), Streamlit routes a deep link such as ``/inside`` through its legacy
    ``pages/`` router and shows a "Page not found" notice before ``app.py`` takes over.
    """
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("server-data")
    seed_calibration(data_dir)
    env = {**os.environ, "RNNLAB_DATA_DIR": str(data_dir), "RNNLAB_WORKERS": "2"}
    log_path = tmp_path_factory.mktemp("server-log") / "streamlit.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed in teardown
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        pytest.fail(f"streamlit did not become healthy in 60 s; log:\n{log_path.read_text()[-3000:]}")
    warm = browser.new_page()
    warm.goto(url)
    warm.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    warm.close()
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    """A Playwright Chromium (Debian's binary); the test is skipped when Chromium is absent."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (`apt-get install chromium`); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
