"""Shared fixtures: an isolated data directory for every test, and for the
browser tests a real ``streamlit run`` on a loopback port driven by Playwright
with Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import seed_calibration, start_server

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
    # page tests start no worker pool unless they ask for one (the app warms it on the first page otherwise)
    monkeypatch.setenv("RNNLAB_WARM_AT_START", os.environ.get("RNNLAB_WARM_AT_START", "0"))


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, browser):
    """Start ``streamlit run app.py`` headless on a free loopback port; yield its URL.

    The root page is opened once first: until a session has run ``app.py`` (which calls
    ``st.navigation``), Streamlit routes a deep link such as ``/inside`` through its legacy
    ``pages/`` router and shows a "Page not found" notice before ``app.py`` takes over.
    """
    data_dir = tmp_path_factory.mktemp("server-data")
    log_path = tmp_path_factory.mktemp("server-log") / "streamlit.log"
    try:
        proc, url = start_server(data_dir, log_path, workers=2)
    except RuntimeError as err:
        pytest.fail(str(err))
    warm = browser.new_page()
    warm.goto(url)
    warm.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    warm.close()
    yield url
    proc.terminate()  # by its own PID
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


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
