"""AppTest of the Task page: a series (sunspots) and a ragged classification set (Japanese vowels)."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.task.types import TaskConfig
from rnnlab.ui import session

PAGE = Path(__file__).resolve().parent.parent / "pages" / "task_page.py"


def shown(markdown: str) -> str:
    """What a reader sees of an inert message: its characters without the escapes."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def _page(key: str | None, title: str = "") -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    if key:
        at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": key, "title": title or key}
        at.session_state[session.READ_OPTIONS] = {}
    return at.run()


def _code(at: AppTest) -> str:
    return "\n".join(c.value for c in at.code)


def test_without_a_dataset_points_to_the_data_page():
    at = _page(None)
    assert not at.exception and "Data page" in at.info[0].value


def test_series_shapes_timeline_and_scoreboard():
    at = _page("sunspots")
    assert not at.exception and not at.error
    assert "X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = (3114, 12, 1)" in _code(at)
    assert "y.shape = (n_SEQUENCES,) = (3114,)" in _code(at)
    assert at.slider(key="task-example-window").max == 3114
    table = at.dataframe[0].value
    assert "★ " in "".join(table["baseline"]) and "test mae" in table.columns
    at.number_input(key="task-window").set_value(24).run()
    assert "= (3102, 24, 1)" in _code(at)
    stored = at.session_state[session.TASK_CONFIG]
    assert isinstance(stored, TaskConfig) and stored.window == 24
    assert TaskConfig.from_json(stored.to_json()) == stored


def test_chosen_offsets_give_n_horizon():
    at = _page("sunspots")
    at.radio(key="task-horizon-mode").set_value("chosen offsets").run()
    at.text_input(key="task-offsets").input("1, 7, 14").run()
    assert not at.error
    # 3126 - 12 - 14 + 1 = 3101 windows, less 13 dropped before each of the val and test boundaries
    assert "y.shape = (n_SEQUENCES, n_HORIZON) = (3075, 3)" in _code(at)


def test_bad_settings_show_an_error_not_a_traceback():
    at = _page("sunspots")
    at.slider(key="task-val").set_value(0.5).run()
    at.slider(key="task-test").set_value(0.5).run()
    assert not at.exception and "val_share + test_share" in shown(at.error[0].value)


def test_bad_offsets_show_an_error():
    at = _page("sunspots")
    at.radio(key="task-horizon-mode").set_value("chosen offsets").run()
    at.text_input(key="task-offsets").input("7, x").run()
    assert not at.exception and "whole numbers" in at.error[0].value
    at.text_input(key="task-offsets").input("7, 1").run()
    assert not at.exception and "`offsets` must be" in shown(at.error[0].value)


def test_ragged_classification_padding_preview():
    at = _page("japanese_vowels")
    assert not at.exception and not at.error
    assert "(640, 29, 12)" in _code(at)
    text = " ".join(m.value for m in at.markdown)
    assert "post-padding" in text and "cuDNN" in text
    assert any("Pad value -3" in c.value for c in at.caption)


@pytest.mark.parametrize("value,message", [(0.0, "occurs")])
def test_pad_value_in_the_data_is_refused(value, message):
    at = _page("japanese_vowels")
    at.checkbox(key="task-pad-auto").uncheck().run()
    at.number_input(key="task-pad-value").set_value(value).run()
    assert not at.exception and message in at.error[0].value


@pytest.mark.parametrize(
    "key,y_line",
    [
        ("three_cities", "y.shape = (n_SEQUENCES,) = (3,)"),
        ("flu_cases", "y.shape = (n_SEQUENCES, n_OBSERVATIONS) = (3, 4)"),
        ("ecg5000", "y.shape = (n_SEQUENCES,) = (5000,)"),
    ],
)
def test_collections_regress_tag_classify(key, y_line):
    at = _page(key)
    assert not at.exception and not at.error
    assert y_line in _code(at)
    assert at.dataframe[0].value["baseline"].str.startswith("★ ").sum() == 1
