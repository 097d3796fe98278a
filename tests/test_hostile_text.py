"""Hostile strings through every path a page shows user text: nothing renders as a link, image or tag.

A CSV whose file name, column names and labels are Markdown, HTML and code-span breakers is read, framed
and shown on the Data, Task, Model and Train pages; hostile share links open those pages; a run imported
with a hostile label and message is shown on Compare. Every text element is rendered with a CommonMark
renderer and every chart's JSON is searched: no link, no image, no tag may come out.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from rnnlab.runs import run_import
from rnnlab.runs.store import RunStore, new_workspace_id
from rnnlab.ui import session
from tests.test_import_limits import CONFIG, METRICS, history, make_zip

ROOT = Path(__file__).resolve().parent.parent
FAR = "http://127.0.0.2:9"
HOSTILE = [
    f"![x]({FAR}/col.png)",
    f"col`![y]({FAR}/tick.png)`",
    f"<img src={FAR}/html.png>",
    f"[Session expired - click here to sign in again]({FAR}/login)",
    f"<a href='{FAR}'>run</a>",
]
GFM_AUTOLINK = re.compile(r"(?i)https?://127|www\.127|@127")  # a bare hostile URL GitHub Markdown would link
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
TEXT_ELEMENTS = ("markdown", "caption", "error", "warning", "info", "success", "subheader", "title", "header")


def _csv() -> bytes:
    header = "id,step," + ",".join(json.dumps(n) for n in HOSTILE[:3]) + ",label"
    rows = [
        f"s{i},{t},{i + t},{2 * t},{t % 3},{json.dumps(HOSTILE[3 + i % 2])}"
        for i in range(12)
        for t in range(5)
    ]
    return ("\n".join([header, *rows]) + "\n").encode()


def _token(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def _assert_inert(at: AppTest) -> int:
    """Every text element and chart of ``at`` holds no live link, image or tag; returns how many were checked."""
    assert not at.exception, at.exception
    checked = 0
    for kind in TEXT_ELEMENTS:
        for element in at.get(kind):
            rendered = MD.render(str(element.value))
            assert "<a " not in rendered and "<img" not in rendered, (kind, element.value)
            text_nodes = re.sub(
                r"<[^>]+>", "", re.sub(r"<code>.*?</code>", "", rendered)
            )  # code is never linked
            assert not GFM_AUTOLINK.search(text_nodes), (kind, element.value)
            checked += 1
    for chart in at.get("plotly_chart"):
        spec = chart.proto.spec
        assert "<a " not in spec and "<img" not in spec, spec[:300]
        checked += 1
    return checked


def _page(name: str, state: dict, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.fixture
def hostile_upload():
    name = f"{HOSTILE[0]}.csv"
    return {
        session.DATASET_CHOICE: {"source": "upload", "name": name, "title": name},
        session.UPLOAD_BYTES: _csv(),
    }


def test_hostile_file_column_and_label_names_stay_text(hostile_upload):
    at = _page("data_page", hostile_upload)
    assert _assert_inert(at) > 5
    shown = " ".join(str(e.value) for kind in TEXT_ELEMENTS for e in at.get(kind))
    assert "col.png" in shown  # the names are shown, as their characters
    for name in ("task_page", "model_page", "train_page"):
        _assert_inert(_page(name, hostile_upload))


@pytest.mark.parametrize(
    "query",
    [
        {"ds": f"![x]({FAR}/ds.png)"},
        {"ds": f"[Session expired - click here to sign in again]({FAR}/login)"},
        {"model": _token({"cell": "gru", f"[Sign in]({FAR}/login)": 1})},
        {"task": _token({"kind": "forecast", f"![y]({FAR}/t.png)": 1})},
        {"ro": _token({f"<img src={FAR}/ro.png>": 1}), "ds": "sunspots"},
        {"ds": "sunspots", "train": _token({"epochs": 10**9, "batch_size": 10**9, "learning_rate": 1e9})},
    ],
)
def test_hostile_links_are_refused_in_plain_text(query):
    for name in ("model_page", "train_page"):
        at = _page(name, {}, query)
        _assert_inert(at)
        assert at.error  # refused, and said why


def test_an_imported_run_with_hostile_label_and_message_stays_text(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNLAB_DATA_DIR", str(tmp_path))
    ws = new_workspace_id()
    config = {**CONFIG, "label": HOSTILE[4], "message": HOSTILE[3], "dataset_name": HOSTILE[0]}
    members = {
        "config.json": json.dumps(config),
        "metrics.json": json.dumps(METRICS),
        "history.csv": history(3),
    }
    run_id = run_import.import_run(RunStore(tmp_path), make_zip(members), ws)
    at = _page("compare_page", {session.WORKSPACE: ws, session.COMPARE_SELECTED: [run_id]}, {"ws": ws})
    _assert_inert(at)
