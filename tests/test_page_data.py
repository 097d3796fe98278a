"""AppTest of the Data page: bundled dataset, uploaded CSV, bad CSV, and no TensorFlow on its path."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from streamlit.testing.v1 import AppTest

from rnnlab.ui import session

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "data_page.py")


def _run(state: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def test_without_a_choice_the_page_asks_for_one():
    at = _run()
    assert not at.exception
    assert "Choose a bundled dataset" in at.info[0].value


def test_bundled_dataset_shows_summary_citation_and_charts():
    at = _run(
        {session.DATASET_CHOICE: {"source": "bundled", "name": "three_cities", "title": "Three cities"}}
    )
    assert not at.exception and not at.error
    codes = [c.value for c in at.code]
    assert "(n_sequences, n_observations, n_features) = (3, 4, 3)" in codes
    assert any("course notes" in c.value for c in at.caption)  # citation shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sequences"] == "3" and metrics["Length (steps)"] == "4"
    assert len(at.get("plotly_chart")) >= 3


def test_choosing_in_the_selectbox_switches_dataset():
    at = _run()
    at.selectbox(key="data-bundled").select("ecg200").run()
    assert not at.exception
    assert session.DATASET_CHOICE in at.session_state
    assert at.session_state[session.DATASET_CHOICE]["name"] == "ecg200"
    assert "(n_sequences, n_observations, n_features) = (200, 96, 1)" in [c.value for c in at.code]


def test_uploaded_csv_is_read_and_summarised():
    data = (
        b"id,step,x,label\na,1,1,0\na,2,2,0\na,3,3,0\nb,1,4,1\nb,2,5,1\nc,1,1,0\nc,2,2,0\nd,1,7,1\nd,2,8,1\n"
    )
    at = _run(
        {
            session.DATASET_CHOICE: {"source": "upload", "name": "mine.csv", "title": "mine.csv"},
            session.UPLOAD_BYTES: data,
        }
    )
    assert not at.exception and not at.error
    assert "(n_sequences, n_observations, n_features) = (4, 3, 1)" in [c.value for c in at.code]
    assert any("long" in m.value for m in at.markdown)


def test_bad_csv_shows_an_error_not_a_traceback():
    at = _run(
        {
            session.DATASET_CHOICE: {"source": "upload", "name": "bad.csv", "title": "bad.csv"},
            session.UPLOAD_BYTES: b"a,b\n1,2\n3,12a\n4,5\n",
        }
    )
    assert not at.exception
    assert "12a" in at.error[0].value and "line 3" in at.error[0].value


def test_draw_others_changes_the_seed():
    at = _run({session.DATASET_CHOICE: {"source": "bundled", "name": "ecg200", "title": "ECG200"}})
    before = at.session_state[session.DRAW_SEED]
    at.button(key="data-draw").click().run()
    assert at.session_state[session.DRAW_SEED] == before + 1


def test_layout_override_is_applied():
    at = _run(
        {session.DATASET_CHOICE: {"source": "bundled", "name": "three_cities", "title": "Three cities"}}
    )
    at.selectbox(key="data-opt-fill").select("drop").run()
    assert at.session_state[session.READ_OPTIONS] == {"fill": "drop"}
    assert not at.exception


def test_data_page_does_not_import_tensorflow():
    script = textwrap.dedent(
        f"""
        import sys
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({PAGE!r}, default_timeout=60)
        at.session_state["{session.DATASET_CHOICE}"] = {{"source": "bundled", "name": "ecg200", "title": "x"}}
        at.run()
        assert not at.exception, at.exception
        print("TF" if any(m == "tensorflow" or m.startswith("keras") for m in sys.modules) else "NO-TF")
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().endswith("NO-TF"), out.stdout + out.stderr
