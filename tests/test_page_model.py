"""AppTest of the Model page: widgets → ModelConfig, summary, formulas, cuDNN warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.models.config import ModelConfig
from rnnlab.ui import session
from tests.fakes import CPU, FakeJobManager, install

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("keras")


GPU = {"name": "/GPU:0", "kind": "GPU", "description": "a GPU the workers report"}


@pytest.fixture
def with_gpu(monkeypatch):
    return install(monkeypatch, FakeJobManager(devices=[CPU, GPU]))


def _page(dataset="ecg200"):
    at = AppTest.from_file(str(ROOT / "pages" / "model_page.py"), default_timeout=60)
    if dataset:
        at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": dataset, "title": dataset}
    return at


def test_without_data_the_page_asks_for_it_and_still_stores_the_config():
    at = _page(dataset=None).run()
    assert not at.exception
    assert any("Pick a dataset" in i.value for i in at.info)
    assert at.session_state[session.MODEL_CONFIG] == ModelConfig()


def test_summary_and_formulas_on_ecg200(with_gpu):
    at = _page().run()
    assert not at.exception, at.exception
    at.selectbox(key="model-cell").set_value("simple_rnn")
    at.text_input(key="model-units").set_value("10")
    at.run()
    assert not at.exception, at.exception
    config = at.session_state[session.MODEL_CONFIG]
    assert (config.cell, config.units) == ("simple_rnn", (10,))
    summary, formulas = at.dataframe[0].value, at.dataframe[1].value
    assert list(summary["output_shape"]) == ["(None, 96, 1)", "(None, 10)", "(None, 2)"]
    assert list(summary["params"]) == [0, 120, 22]
    # SimpleRNN(10) on 1 feature: 10·(10 + 1 + 1) = 120; output Dense(2): 10·2 + 2 = 22
    assert list(formulas["parameters"]) == [120, 22]
    assert formulas["formula"][0] == "u·(u + d + 1) = 10·(10 + 1 + 1) = 120"
    assert any("count_params()" in c.value for c in at.caption)  # from the formulas, no model built
    assert any("SimpleRNN has no cuDNN kernel" in w.value for w in at.warning)


def test_bad_units_show_an_error_not_a_traceback():
    at = _page().run()
    at.text_input(key="model-units").set_value("ten")
    at.run()
    assert not at.exception
    assert any("whole numbers" in e.value for e in at.error)


def test_cudnn_warnings_for_recurrent_dropout(with_gpu):
    at = _page().run()
    at.selectbox(key="model-cell").set_value("lstm")
    at.slider(key="model-recurrent-dropout").set_value(0.2)
    at.run()
    assert not at.exception
    assert any("Recurrent dropout" in w.value for w in at.warning)


def test_no_cudnn_warning_on_a_server_without_a_gpu(monkeypatch):
    install(monkeypatch, FakeJobManager(devices=[CPU]))
    at = _page().run()
    at.selectbox(key="model-cell").set_value("lstm")
    at.slider(key="model-recurrent-dropout").set_value(0.2)
    at.run()
    assert not at.exception and not any("cuDNN" in w.value for w in at.warning)


def test_gru_without_reset_after_changes_the_formula_and_warns(with_gpu):
    at = _page().run()
    at.selectbox(key="model-cell").set_value("gru")
    at.text_input(key="model-units").set_value("4")
    at.checkbox(key="model-reset-after").uncheck()
    at.run()
    assert not at.exception, at.exception
    formulas = at.dataframe[1].value
    # 3·4·(4 + 1 + 1) = 72 on ECG200's one feature
    assert formulas["formula"][0] == "3·u·(u + d + 1) = 3·4·(4 + 1 + 1) = 72"
    assert any("reset_after=False" in w.value for w in at.warning)


def test_a_model_over_the_budget_is_refused_without_building_it():
    at = _page().run()
    at.selectbox(key="model-cell").set_value("lstm")
    at.text_input(key="model-units").set_value(", ".join(["4096"] * 8))
    at.run()
    assert not at.exception, at.exception
    errors = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]  # shown inert: punctuation escaped
    assert any("RNNLAB_MAX_PARAMS" in e and "1,006,788,610 parameters" in e for e in errors), errors
    assert not at.dataframe
