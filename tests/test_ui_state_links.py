"""rnnlab.ui.actions on links: config links applied once, lessons opened, the share URL."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from rnnlab.models.config import ModelConfig
from rnnlab.runs import share_link
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import session


def _script():
    import streamlit as st

    from rnnlab.ui import actions

    try:
        applied = actions.apply_link()
    except ValueError as err:
        st.error(str(err))
        applied = False
    st.text(f"applied={applied}")
    st.text(actions.share_url())
    if st.button("lesson", key="lesson"):
        actions.open_lesson("race_sunspots")


def test_a_link_restores_every_setting_once_and_leaves_the_url():
    task = TaskConfig("forecast", window=24, horizon=3)
    model, train = ModelConfig(cell="lstm", units=(16, 8)), TrainConfig(epochs=7, seed=3)
    at = AppTest.from_function(_script)
    for key, value in share_link.to_query("sunspots", task, model, train).items():
        at.query_params[key] = value
    at.query_params["ws"] = "abcdef123456"
    at.run()
    assert not at.exception and at.text[0].value == "applied=True"
    assert at.session_state[session.DATASET_CHOICE]["name"] == "sunspots"
    assert at.session_state[session.TASK_CONFIG] == task
    assert at.session_state[session.MODEL_CONFIG] == model
    assert at.session_state[session.TRAIN_CONFIG] == train
    assert set(at.query_params) == {"ws"}  # config params removed, workspace kept
    at.session_state[session.MODEL_CONFIG] = ModelConfig(cell="gru")
    at.run()  # a rerun does not overwrite the user's later change
    assert at.text[0].value == "applied=False" and at.session_state[session.MODEL_CONFIG].cell == "gru"
    url = at.text[1].value
    assert "ds=sunspots" in url and "model=" in url and "task=" in url


def test_a_broken_link_shows_a_message():
    at = AppTest.from_function(_script)
    at.query_params["model"] = "garbage"
    at.run()
    assert not at.exception and "model settings are not valid" in at.error[0].value


def test_open_lesson_sets_dataset_and_configs():
    at = AppTest.from_function(_script).run()
    at.button(key="lesson").click().run()
    assert at.session_state[session.DATASET_CHOICE]["name"] == "sunspots"
    assert at.session_state[session.MODEL_CONFIG].units == (16,)
    assert at.session_state[session.TASK_CONFIG].window == 24
