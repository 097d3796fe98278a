"""The Streamlit patch refuses, loudly, any Streamlit other than the one it was written for."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import streamlit
from streamlit.runtime.scriptrunner import script_runner

from rnnlab.ui import streamlit_patch
from rnnlab.ui.streamlit_patch import WRITTEN_FOR, StreamlitPatchError, check_streamlit, keep_keras_state

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_check():
    streamlit_patch._problem.cache_clear()
    yield
    streamlit_patch._problem.cache_clear()


def test_written_for_the_pinned_and_installed_streamlit():
    pins = [
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.startswith("streamlit==")
    ]
    assert pins == [f"streamlit=={WRITTEN_FOR}"]
    assert streamlit.__version__ == WRITTEN_FOR
    check_streamlit()  # the installed one passes


def test_another_version_is_refused_with_a_warning_in_the_log(caplog):
    with (
        caplog.at_level(logging.WARNING, logger="rnnlab.ui.streamlit_patch"),
        pytest.raises(
            StreamlitPatchError, match=f"Streamlit is 1.99.0, but the patch was written for {WRITTEN_FOR}"
        ),
    ):
        check_streamlit("1.99.0")
    assert any(
        "must be re-checked" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records
    )


def test_a_version_bump_leaves_streamlit_unpatched(monkeypatch):
    original = script_runner._clean_problem_modules
    monkeypatch.setattr(streamlit, "__version__", "1.68.0")
    with pytest.raises(StreamlitPatchError, match="1.68.0"):
        keep_keras_state()
    assert script_runner._clean_problem_modules is original


def test_moved_internals_are_refused_even_on_the_same_version(monkeypatch):
    monkeypatch.setattr(script_runner, "_clean_problem_modules", None)
    with pytest.raises(StreamlitPatchError, match="no _clean_problem_modules"):
        check_streamlit()
    streamlit_patch._problem.cache_clear()
    monkeypatch.setattr(streamlit_patch, "_CALL_SITE", "_log_if_error(_renamed_clean_up)")
    monkeypatch.setattr(script_runner, "_clean_problem_modules", lambda: None)
    with pytest.raises(StreamlitPatchError, match="no longer calls _log_if_error"):
        check_streamlit()


def test_the_patch_replaces_the_clean_up_and_keeps_closing_figures():
    keep_keras_state()  # conftest restores Streamlit's own function after the test
    assert script_runner._clean_problem_modules is streamlit_patch._close_figures_only
