"""AppTest of the Data → Task path with people's own files: a multi-series upload forecast inside each
sequence, fresh reading options for every file, and a failed upload that is no current dataset."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from rnnlab.ui import session
from tests.test_own_csv_data import machines, stores

ROOT = Path(__file__).resolve().parent.parent
DATA, TASK, APP = (str(ROOT / p) for p in ("pages/data_page.py", "pages/task_page.py", "app.py"))


def _upload(name: str, data: bytes) -> dict:
    return {
        session.DATASET_CHOICE: {"source": "upload", "name": name, "title": name},
        session.UPLOAD_BYTES: data,  # as a file the server could not keep: held by this session alone
        session.UPLOAD_SHA: None,
    }


def _run(page: str, state: dict) -> AppTest:
    at = AppTest.from_file(page, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(parts + [c.value for c in at.code] + [h.value for h in at.subheader])


def test_multi_series_upload_from_data_to_a_forecast_inside_each_sequence():
    state = _upload("stores.csv", stores())
    data = _run(DATA, state)
    assert not data.exception and not data.error
    text = _text(data)
    assert "(n_sequences, n_observations, n_features) = (6, 40, 1)" in text and "repeats in groups" in text
    assert "**id** — store" in text and "Tasks this data allows: forecast" in text
    assert "**tag target** — sales;" in text  # the dates order the steps: they are no class per step

    task = _run(TASK, state)
    assert not task.exception and not task.error
    assert task.radio(key="task-kind").value == "forecast"
    assert task.radio(key="task-panel-split").value == "temporal"
    text = _text(task)
    assert "Timeline of each sequence" in text and "Split by time inside each of 6 sequences" in text
    assert "Main metric: mae" in text
    assert "predict the change" in "\n".join(i.value for i in task.info)  # sales trend upwards
    task.button(key="task-use-change").click().run()
    assert task.session_state[session.TASK_CONFIG].predict == "change"
    task.radio(key="task-panel-split").set_value("sequence").run()
    assert not task.error and "Split by sequence" in _text(task)


def test_tagging_a_status_per_step_shows_balanced_accuracy_with_its_reason():
    task = _run(TASK, _upload("machines.csv", machines()))
    assert not task.exception and not task.error
    assert task.radio(key="task-kind").value == "tag"
    assert "Main metric: balanced accuracy" in _text(task) and "majority class" in _text(task)


def test_another_file_gets_fresh_reading_options():
    at = _run(DATA, _upload("machines.csv", machines()))
    at.selectbox(key="data-opt-label").select("status").run()
    assert at.session_state[session.READ_OPTIONS] == {"label_column": "status"}
    assert "status" in at.selectbox(key="data-opt-label").options[1:][-1]
    for key, value in _upload("stores.csv", stores()).items():  # another file, as an upload would set it
        at.session_state[key] = value
    at.session_state[session.READ_OPTIONS] = {}
    at.run()
    box = at.selectbox(key="data-opt-label")
    assert box.value == "(detect)" and not any("status" in o or "cycle" in o for o in box.options)
    assert not at.error and "(6, 40, 1)" in _text(at)


def test_a_file_that_cannot_be_read_is_not_named_as_the_current_dataset():
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in _upload("broken.csv", b"a,b\n1,2\n3,12a\n4,5\n").items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/data_page.py").run()
    assert not at.exception and "12a" in at.error[0].value
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    assert "could not be read" in sidebar and "**broken.csv**" not in sidebar
