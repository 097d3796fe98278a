"""The Streamlit patch applies wherever the internals it replaces are still there, and otherwise the app starts
without it, saying once in the log what that costs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import streamlit
from streamlit.runtime.scriptrunner import script_runner

from rnnlab.ui import streamlit_patch
from rnnlab.ui.streamlit_patch import COST, WRITTEN_FOR, check_streamlit, keep_keras_state

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_check():
    streamlit_patch._problem.cache_clear()
    streamlit_patch._say_once.cache_clear()
    yield
    streamlit_patch._problem.cache_clear()
    streamlit_patch._say_once.cache_clear()


def test_written_for_the_pinned_and_installed_streamlit():
    pins = [
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.startswith("streamlit==")
    ]
    assert pins == [f"streamlit=={WRITTEN_FOR}"]
    assert streamlit.__version__ == WRITTEN_FOR
    assert check_streamlit() is None  # the installed one's internals are the ones the patch replaces


def test_another_version_with_the_same_internals_is_patched_and_says_so_once(monkeypatch, caplog):
    monkeypatch.setattr(streamlit, "__version__", "1.67.1")  # a patch release: same internals
    with caplog.at_level(logging.INFO, logger="rnnlab.ui.streamlit_patch"):
        assert keep_keras_state() is True
        assert keep_keras_state() is True  # every rerun calls it; the log says it once
    assert script_runner._clean_problem_modules is streamlit_patch._close_figures_only
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "Streamlit 1.67.1 has the same internals" in lines[0]


def test_moved_internals_leave_streamlit_unpatched_and_the_app_starting(monkeypatch, caplog):
    monkeypatch.setattr(streamlit, "__version__", "1.99.0")
    monkeypatch.setattr(script_runner, "_clean_problem_modules", None)
    with caplog.at_level(logging.INFO, logger="rnnlab.ui.streamlit_patch"):
        assert keep_keras_state() is False  # no exception: the app starts without the patch
        assert keep_keras_state() is False
    assert script_runner._clean_problem_modules is None  # nothing was replaced
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # said once, with what it costs
    assert "no _clean_problem_modules" in warnings[0].getMessage() and COST in warnings[0].getMessage()


def test_a_moved_call_site_is_found_even_on_the_same_version(monkeypatch):
    monkeypatch.setattr(streamlit_patch, "_CALL_SITE", "_log_if_error(_renamed_clean_up)")
    assert "no longer calls _log_if_error(_renamed_clean_up)" in check_streamlit()
    original = script_runner._clean_problem_modules
    assert keep_keras_state() is False and script_runner._clean_problem_modules is original


def test_the_app_runs_without_the_patch(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(streamlit_patch, "_CALL_SITE", "_log_if_error(_renamed_clean_up)")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception


def test_the_patch_replaces_the_clean_up_and_keeps_closing_figures():
    assert keep_keras_state() is True  # conftest restores Streamlit's own function after the test
    assert script_runner._clean_problem_modules is streamlit_patch._close_figures_only


def test_the_pages_folder_router_is_turned_off_where_streamlit_has_it(monkeypatch, caplog):
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    assert streamlit_patch.no_legacy_pages_router() is True and PagesManager.uses_pages_directory is False
    monkeypatch.delattr(PagesManager, "uses_pages_directory")
    with caplog.at_level(logging.WARNING, logger="rnnlab.ui.streamlit_patch"):
        assert streamlit_patch.no_legacy_pages_router() is False
        assert streamlit_patch.no_legacy_pages_router() is False
    assert len(caplog.records) == 1 and "Page not found" in caplog.records[0].getMessage()
