"""Presentation mode (``?present=1``): the pages hide their rarely-needed controls, keeping the stored values."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.task.types import PaddingConfig, TaskConfig
from rnnlab.ui import session
from tests.fakes import FakeJobManager, install

ROOT = Path(__file__).resolve().parent.parent


def _bundled(key: str) -> dict:
    return {
        session.DATASET_CHOICE: {"source": "bundled", "name": key, "title": key},
        session.READ_OPTIONS: {},
    }


# page, session state, a widget inside the page's "Advanced" section, a widget that always shows
CASES = [
    ("data_page", _bundled("three_cities"), "data-opt-layout", "data-source"),
    ("task_page", _bundled("japanese_vowels"), "task-seed", "task-pad-side"),
    ("task_page", _bundled("japanese_vowels"), "task-pad-trunc", "task-pad-length"),
    ("task_page", _bundled("sunspots"), "task-stride", "task-window"),
    ("task_page", _bundled("sunspots"), "task-season", "task-horizon"),
    ("model_page", {}, "model-activation", "model-units"),
    ("compare_page", {}, "compare-import-file", "compare-race"),
    ("compare_page", {}, "compare-new-ws", "compare-race"),
    ("inside_page", {}, "inside_race_epochs", "inside_k"),
]


def _keys(at: AppTest) -> set[str]:
    """Keys of every widget on the page (expanders included: AppTest sees collapsed ones too)."""
    out = set()

    def walk(node):
        key = getattr(node, "key", None)
        if key:
            out.add(key)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


def _page(name: str, state: dict, present: bool, monkeypatch) -> AppTest:
    install(monkeypatch, FakeJobManager(devices=[]))  # the Model page starts no worker processes
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    if present:
        at.query_params["present"] = "1"
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("page", "state", "advanced", "always"), CASES, ids=[f"{c[0]}:{c[2]}" for c in CASES]
)
def test_advanced_controls_are_hidden_when_presenting(page, state, advanced, always, monkeypatch):
    if page in ("model_page", "inside_page"):
        pytest.importorskip("keras")
    normal = _keys(_page(page, state, False, monkeypatch))
    assert advanced in normal and always in normal, sorted(normal)
    presenting = _keys(_page(page, state, True, monkeypatch))
    assert advanced not in presenting and always in presenting, sorted(presenting)


def test_the_advanced_section_is_one_labelled_expander():
    at = AppTest.from_file(str(ROOT / "pages" / "task_page.py"), default_timeout=60)
    for key, value in _bundled("sunspots").items():
        at.session_state[key] = value
    at.run()
    assert "Advanced" in [e.label for e in at.expander]


def test_presenting_keeps_the_stored_advanced_settings(monkeypatch):
    """Hiding a control must not reset it: a lesson's seed and pad value still reach the framed task."""
    stored = TaskConfig("classify", seed=7, padding=PaddingConfig(truncating="pre", value=-5.0, mask=False))
    state = {**_bundled("japanese_vowels"), session.TASK_CONFIG: stored}
    at = _page("task_page", state, True, monkeypatch)
    kept = at.session_state[session.TASK_CONFIG]
    assert kept.seed == 7 and kept.padding.truncating == "pre" and kept.padding.value == -5.0
    assert kept.padding.mask is False
