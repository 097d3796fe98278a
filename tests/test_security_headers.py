"""Security headers on every response and no ``/_stcore/metrics``, checked on a real server started the way
``make run`` starts it (``streamlit run serve.py``, headless on a loopback port, ended by its PID)."""

from __future__ import annotations

import doctest
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rnnlab.ui import security_headers
from tests.helpers import seed_calibration

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    "x-frame-options": "SAMEORIGIN",
    "content-security-policy": "frame-ancestors 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of a GET; an HTTP error status is returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``streamlit run serve.py`` on a free loopback port; yields its URL, ends the process by its PID."""
    data_dir = tmp_path_factory.mktemp("headers-data")
    seed_calibration(data_dir)
    log_path = tmp_path_factory.mktemp("headers-log") / "streamlit.log"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "RNNLAB_DATA_DIR": str(data_dir), "RNNLAB_WORKERS": "1", "RNNLAB_WARM_AT_START": "0"}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while _health(url) != 200:
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail(f"serve.py did not become healthy; log:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _health(url: str) -> int | None:
    try:
        return _get(f"{url}/_stcore/health")[0]
    except OSError:
        return None


def test_the_doctests_of_the_middleware():
    assert doctest.testmod(security_headers).failed == 0


def test_only_the_metrics_endpoint_is_blocked():
    assert security_headers.blocked("/_stcore/metrics") and security_headers.blocked("/x/_stcore/metrics/")
    for path in ("/", "/_stcore/health", "/_stcore/host-config", "/static/js/index.js", "/metrics", "/data"):
        assert not security_headers.blocked(path), path


def test_every_response_carries_the_headers_and_metrics_are_not_served(served):
    status, headers, body = _get(f"{served}/")
    assert status == 200 and b"<html" in body.lower()
    static = re.search(rb'src="\.?/?(static/js/[^"]+\.js)"', body)
    assert static, body[:500]
    responses = {
        "/": (status, headers),
        "static file": _get(f"{served}/{static.group(1).decode()}")[:2],
        "/_stcore/health": _get(f"{served}/_stcore/health")[:2],
        "/_stcore/host-config": _get(f"{served}/_stcore/host-config")[:2],
        "a missing page": _get(f"{served}/no/such/file.js")[:2],
    }
    assert responses["static file"][0] == 200 and "javascript" in responses["static file"][1]["content-type"]
    assert responses["/_stcore/health"][0] == 200
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "/_stcore/metrics?families=session_events_total"):
        status, headers, body = _get(f"{served}{path}")
        assert status == 404 and b"session" not in body, (path, status, body[:200])
        responses[path] = (status, headers)
    for name, (status, headers) in responses.items():
        for header, value in EXPECTED.items():
            assert headers.get(header) == value, (name, status, header, headers)


@pytest.mark.browser
def test_the_app_renders_through_serve_py(served, browser):
    page = browser.new_page()
    try:
        # the server's first script run is for a page other than Home: it opens without Streamlit's false
        # "Page not found" notice (its old pages-folder router is off before the first request)
        page.goto(f"{served}/results")
        page.get_by_text("Results — does the model beat the baselines?").first.wait_for(timeout=60_000)
        assert page.get_by_text("Page not found").count() == 0
        response = page.goto(served)
        assert response is not None and response.headers.get("x-frame-options") == "SAMEORIGIN"
        page.get_by_text("learn recurrent neural networks on real sequences").first.wait_for(timeout=60_000)
        assert page.get_by_test_id("stSidebarNav").get_by_text("Data", exact=True).count() == 1
    finally:
        page.close()
