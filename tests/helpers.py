"""Helpers for the browser tests (import as ``from tests.helpers import ...``)."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the Streamlit script has finished its current run."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_timeout(300)


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under ``artifacts/screenshots/`` and return its path."""
    out = ARTIFACTS / "screenshots" / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    return out
