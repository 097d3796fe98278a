"""AppTest of the Data page: bundled dataset, uploaded CSV, bad CSV, and no TensorFlow on its path."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import subprocess
import sys
import textwrap
from pathlib import Path

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
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


APP = str(Path(__file__).resolve().parent.parent / "app.py")
SERIES_CSV = b"t,x\n" + b"".join(f"{i},{(i * 7) % 11}.5\n".encode() for i in range(60))


def _byte_values(value, path="state"):
    """Where ``value`` holds bytes (or a file object holding them), walking dicts, lists and dataclasses."""
    if isinstance(value, (bytes, bytearray, memoryview, io.IOBase)):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _byte_values(v, f"{path}[{k!r}]")]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [p for i, v in enumerate(value) for p in _byte_values(v, f"{path}[{i}]")]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [p for f in dataclasses.fields(value) for p in _byte_values(getattr(value, f.name), path)]
    return []


def _held_bytes(at: AppTest) -> list[str]:
    state = at.session_state
    return [p for key in state for p in _byte_values(state[key], str(key))]


def _app(workspace: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["ws"] = workspace
    at.run()
    at.switch_page(f"pages/{page}_page.py").run()
    assert not at.exception, at.exception
    return at


def test_an_upload_is_held_by_hash_not_bytes_and_comes_back_after_a_reload(monkeypatch):
    workspace = "wUploadByHash001"
    released = []
    remove_file = MemoryUploadedFileManager.remove_file
    monkeypatch.setattr(MemoryUploadedFileManager, "remove_file",
                        lambda mgr, session_id, file_id: released.append(file_id) or remove_file(mgr, session_id, file_id))  # fmt: skip
    at = _app(workspace, "data")
    at.radio(key="data-source").set_value("Upload a CSV").run()
    rounds = at.session_state[session.UPLOADER_ROUND]
    at.file_uploader[0].upload("series.csv", SERIES_CSV, "text/csv").run()
    assert not at.exception and not at.error
    assert "(n_sequences, n_observations, n_features) = (1, 60, 1)" in [c.value for c in at.code]
    assert at.session_state[session.UPLOAD_SHA] == hashlib.sha256(SERIES_CSV).hexdigest()
    assert at.session_state[session.UPLOADER_ROUND] == rounds + 1  # the uploader's copy is let go
    assert len(released) == 1  # and Streamlit's record of the file with it
    assert at.file_uploader[0].value is None and "Upload another CSV" in at.file_uploader[0].label
    assert any("series" in c.value and "kept for this workspace" in c.value for c in at.caption)
    assert _held_bytes(at) == []

    at.switch_page("pages/task_page.py").run()
    assert not at.exception and not at.error
    assert any("X.shape" in c.value for c in at.code)
    assert _held_bytes(at) == []

    again = _app(workspace, "data")  # a reload: a new session of the same workspace
    assert again.session_state[session.DATASET_CHOICE]["name"] == "series.csv"
    assert "(n_sequences, n_observations, n_features) = (1, 60, 1)" in [c.value for c in again.code]
    assert _held_bytes(again) == []


def test_an_upload_over_the_quota_is_refused_and_nothing_of_it_stays(monkeypatch):
    """A refused upload is not used: the session keeps its data as it was, holds no bytes of the file, and
    no cache or widget keeps a copy, so closing the tab leaves nothing of it in the server's memory."""
    import gc
    import tracemalloc

    monkeypatch.setenv("RNNLAB_UPLOAD_QUOTA_MB", "1")
    big = b"t,x\n" + b"".join(b"%d,%d.25\n" % (i, i % 97) for i in range(400_000))  # about 5 MB
    at = _app("wUploadOverQuota1", "data")
    at.selectbox(key="data-bundled").select("sunspots").run()
    at.radio(key="data-source").set_value("Upload a CSV").run()
    rounds = at.session_state[session.UPLOADER_ROUND]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        at.file_uploader[0].upload("big.csv", big, "text/csv").run()
        assert not at.exception
        assert [e.value.replace("\\", "") for e in at.error] == [  # shown inert: Markdown escapes dropped
            "This file was not used: A workspace's uploads must fit in 1.0 MB. Received: 4.8 MB more while its "
            "runs and setups use 0 bytes — delete runs on old uploads, or upload a smaller file"
        ]
        assert at.session_state[session.DATASET_CHOICE]["name"] == "sunspots"  # the data as it was
        assert at.session_state[session.UPLOADER_ROUND] == rounds + 1 and at.file_uploader[0].value is None
        assert _held_bytes(at) == [] and at.session_state[session.UPLOAD_SHA] is None
        del at  # the tab closes: the session goes
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held < len(big) // 4, f"{held:,} bytes still held after a refused {len(big):,}-byte upload"
