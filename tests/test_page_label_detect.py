"""AppTest of the Data → Task path for a long file whose label is an integer per sequence (``class_label``
= -1/1, as in the indoor-movement file): the Data page names the label and says why, the Task page offers
classify first."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from rnnlab.ui import session
from tests.test_reader_labels import movement

ROOT = Path(__file__).resolve().parent.parent
DATA, TASK = (str(ROOT / p) for p in ("pages/data_page.py", "pages/task_page.py"))


def _upload(name: str, data: bytes) -> dict:
    return {
        session.DATASET_CHOICE: {"source": "upload", "name": name, "title": name},
        session.UPLOAD_BYTES: data,
        session.UPLOAD_SHA: None,
    }


def _run(page: str, state: dict) -> AppTest:
    at = AppTest.from_file(page, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    text = "\n".join(parts + [c.value for c in at.code])
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")  # as a reader sees the inert messages


def test_data_page_finds_the_label_and_the_task_page_offers_classify():
    state = _upload("movement.csv", movement(n_sequences=14))
    data = _run(DATA, state)
    assert not data.exception and not data.error
    text = _text(data)
    assert "(n_sequences, n_observations, n_features) = (14, 8, 4)" in text
    assert "class_label" in text and "2 classes" in text
    assert "was taken as the label of each sequence (-1, 1), not as a feature" in text
    assert "RSS_anchor1" in text and "names were cleaned" in text
    assert "Tasks this data allows: classify, forecast" in text
    assert "label" in data.selectbox(key="data-opt-label").options[-1]  # class_label (… label …)

    task = _run(TASK, state)
    assert not task.exception and not task.error
    assert task.radio(key="task-kind").value == "classify"
    assert [o.split()[0] for o in task.radio(key="task-kind").options] == ["classify", "forecast"]


def test_the_label_picker_offers_no_label_and_the_data_becomes_forecast_only():
    from rnnlab.data.read_options import NO_LABEL

    data = _run(DATA, _upload("movement.csv", movement(n_sequences=14)))
    box = data.selectbox(key="data-opt-label")
    assert box.options[:2] == ["(detect)", NO_LABEL]
    box.select(NO_LABEL).run()
    assert not data.exception and not data.error
    assert data.session_state[session.READ_OPTIONS] == {"label_column": NO_LABEL}
    assert data.selectbox(key="data-opt-label").value == NO_LABEL
    assert "Tasks this data allows: forecast" in _text(data)
