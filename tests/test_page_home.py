"""AppTest of app.py: runs, the home page lists the bundled datasets, and Open switches to Data."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from rnnlab.data import catalog
from rnnlab.ui import session

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_app_runs_and_home_lists_datasets():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for entry in catalog.list_datasets():
        assert entry.title in text
    # the three-cities chart: teaches the tensor shape, and loads Plotly before the Data page needs it
    charts = at.get("plotly_chart")
    assert len(charts) == 1 and "Paris" in charts[0].proto.spec


def test_home_lists_every_lesson_with_a_start_button_and_a_share_link():
    from rnnlab.runs import lessons as presets

    at = AppTest.from_file(APP, default_timeout=60).run()
    keys = {b.key for b in at.button}
    text = " ".join(m.value for m in at.markdown)
    for lesson in presets.list_lessons():
        assert f"home-lesson-{lesson.key}" in keys
        assert lesson.title in text
    assert text.count("[Link to share](?ds=") == len(presets.list_lessons())


def test_lesson_button_loads_its_settings_and_opens_the_train_page():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.button(key="home-lesson-three_cities").click().run()
    assert not at.exception
    assert at.session_state[session.DATASET_CHOICE]["name"] == "three_cities"
    assert at.session_state[session.MODEL_CONFIG].cell == "simple_rnn"
    assert at.session_state[session.MODEL_CONFIG].units == (2,)
    assert [t.value for t in at.title][0].endswith("Train")


def test_open_switches_to_the_data_page():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.button(key="home-open-three_cities").click().run()
    assert not at.exception
    assert at.session_state[session.DATASET_CHOICE]["name"] == "three_cities"
    assert "(n_sequences, n_observations, n_features) = (3, 4, 3)" in [c.value for c in at.code]


def test_lesson_task_wins_over_a_task_made_earlier_for_another_dataset():
    from rnnlab.runs import lessons as presets

    lesson_task = presets.get_lesson("three_cities").configs()[0]
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.button(key="home-open-ecg5000").click().run()
    at.switch_page("pages/task_page.py").run()  # stores a task made for ECG5000
    assert at.session_state[session.TASK_CONFIG].kind == "classify"
    at.switch_page("pages/home_page.py").run()
    at.button(key="home-lesson-three_cities").click().run()
    assert not at.exception
    at.switch_page("pages/task_page.py").run()
    assert not at.exception
    shown = at.session_state[session.TASK_CONFIG]
    assert shown.replace(input_columns=()) == lesson_task  # the page spells out "all features"


def test_app_keeps_streamlit_from_clearing_keras_after_every_rerun(monkeypatch):
    import inspect
    import sys
    import types

    from streamlit.runtime.scriptrunner import script_runner

    # the function app.py replaces is the one Streamlit's script runner calls after every run
    assert "_log_if_error(_clean_problem_modules)" in inspect.getsource(script_runner.ScriptRunner)
    cleared = []
    fake_keras = types.SimpleNamespace(backend=types.SimpleNamespace(clear_session=lambda: cleared.append(1)))
    monkeypatch.setitem(sys.modules, "keras", fake_keras)
    # Streamlit's own clean-up calls keras.backend.clear_session() after every run once Keras is loaded
    # (~60 ms of held GIL per rerun of any page); app.py replaces it (conftest restores it after the test)
    script_runner._clean_problem_modules()
    assert cleared == [1]
    cleared.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    script_runner._clean_problem_modules()
    assert cleared == []
