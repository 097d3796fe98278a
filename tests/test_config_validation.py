"""Every numeric setting is validated where its config is made, with a Keras-style message.

A bad value raises ``ValueError`` that names the field and the value received; the CLI turns
one into ``error: …`` on stderr and exit status 2, never a traceback; and the pages' widgets are
bounded so that they cannot produce one (and do not crash on a stored config at the edge).
"""

from __future__ import annotations

import ast
import base64
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab.data.dataset import DataError
from rnnlab.models.config import ModelConfig
from rnnlab.task.framing import frame
from rnnlab.task.types import PaddingConfig, TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import session
from tests import task_data

ROOT = Path(__file__).resolve().parent.parent
NAN, INF = float("nan"), float("inf")

TASK_BAD = [
    ("window", 0), ("window", -3), ("window", 2.5), ("window", True), ("window", "12"),
    ("horizon", 0), ("horizon", -1), ("horizon", 1.5),
    ("offsets", (0,)), ("offsets", (-2, 1)), ("offsets", (3, 1)), ("offsets", (1, 1)), ("offsets", (1.5,)),
    ("stride", 0), ("stride", -1),
    ("val_share", -0.1), ("val_share", 1.0), ("val_share", NAN), ("val_share", "0.2"),
    ("test_share", -0.01), ("test_share", 1.5), ("test_share", INF),
    ("seed", -1), ("seed", 0.5),
    ("season_length", 0), ("season_length", -12), ("season_length", 1.5),
    ("scale", "false"), ("scale", 1), ("seed", 2**31), ("window", 100_001), ("kind", "cluster"),
]  # fmt: skip
PADDING_BAD = [
    ("mask", "no"),
    ("mask", 0),
    ("side", "middle"),
    ("length", 0),
    ("length", -5),
    ("length", 2.5),
    ("value", NAN),
    ("value", INF),
    ("value", "x"),
]
MODEL_BAD = [
    ("units", (0,)), ("units", (32, 0)), ("units", (-4,)), ("units", (5000,)), ("units", (1.5,)), ("units", ()),
    ("head_units", (0,)), ("head_units", (8, -1)),
    ("dropout", 1.0), ("dropout", -0.1), ("dropout", NAN), ("dropout", "0.2"),
    ("recurrent_dropout", 1.0), ("recurrent_dropout", -0.5),
    ("bidirectional", "false"), ("normalization", 0), ("unroll", "yes"), ("reset_after", None),
    ("units", (8,) * 17), ("cell", "transformer"), ("activation", "softmax"),
]  # fmt: skip
TRAIN_BAD = [
    ("learning_rate", 0.0), ("learning_rate", -1e-3), ("learning_rate", NAN), ("learning_rate", INF),
    ("learning_rate", "fast"), ("learning_rate", 1e-9), ("learning_rate", 11.0),
    ("batch_size", 4097), ("epochs", 1001), ("patience", 101), ("seed", 2**31),
    ("epochs", True), ("fast", "false"), ("fast", 1), ("optimizer", "adamw"), ("device", "/TPU:0"),
    ("batch_size", 0), ("batch_size", -32), ("batch_size", 8.5),
    ("epochs", 0), ("epochs", -1), ("epochs", 2.5),
    ("patience", -1), ("patience", 1.5),
    ("seed", -1), ("seed", 0.5),
]  # fmt: skip


def _received(name: str, value) -> str:
    """The ``name=value`` part every message ends with (floats such as nan print as Python does)."""
    return f"{name}={value!r}"


def _check(make, name: str, value) -> None:
    with pytest.raises(ValueError) as info:
        make()
    message = str(info.value)
    assert f"`{name}`" in message and "Received:" in message, message
    shown = _received(name, value)
    assert shown in message or f"{name}={value}" in message, f"{shown!r} not in {message!r}"


@pytest.mark.parametrize(("name", "value"), TASK_BAD)
def test_task_config_rejects(name, value):
    _check(lambda: TaskConfig(**{"kind": "forecast", name: value}), name, value)


@pytest.mark.parametrize(("name", "value"), PADDING_BAD)
def test_padding_config_rejects(name, value):
    _check(lambda: PaddingConfig(**{name: value}), name, value)


@pytest.mark.parametrize(("name", "value"), MODEL_BAD)
def test_model_config_rejects(name, value):
    _check(lambda: ModelConfig(**{name: value}), name, value)


@pytest.mark.parametrize(("name", "value"), TRAIN_BAD)
def test_train_config_rejects(name, value):
    _check(lambda: TrainConfig(**{name: value}), name, value)


def test_shares_must_leave_something_to_train_on():
    with pytest.raises(
        ValueError, match=r"`val_share \+ test_share` must be below 1.*val_share=0.5, test_share=0.5"
    ):
        TaskConfig("regress", val_share=0.5, test_share=0.5)


def test_the_edges_that_are_allowed():
    assert TaskConfig("forecast", window=1, horizon=1, stride=1, seed=0, val_share=0.0, test_share=0.0)
    assert TaskConfig("forecast", offsets=(1, 7, 14), season_length=1).offsets == (1, 7, 14)
    assert PaddingConfig(length=1, value=-1.0).length == 1 and PaddingConfig(length=None).length is None
    assert ModelConfig(units=(1, 4096), dropout=0.0, recurrent_dropout=0.95).units == (1, 4096)
    assert TrainConfig(learning_rate=1e-6, batch_size=1, epochs=1, patience=0, seed=0).patience == 0
    assert (
        TrainConfig(learning_rate=10.0, batch_size=4096, epochs=1000, patience=100, seed=2**31 - 1).epochs
        == 1000
    )
    assert TrainConfig(patience=None).patience is None


def test_a_window_as_long_as_the_series_fails_at_frame_time_with_a_clear_message():
    config = TaskConfig("forecast", window=30)  # valid on its own: the length is only known with the data
    with pytest.raises(DataError, match=r"30 steps: too few for a window of 30 steps"):
        frame(task_data.ramp(30), config)
    assert frame(task_data.ramp(30), TaskConfig("forecast", window=5)).n_steps == 5


def test_configs_from_links_are_validated_too():
    """A hand-edited share link or stored run goes through ``__post_init__`` like a widget's value."""
    with pytest.raises(ValueError, match="Received: epochs=0"):
        TrainConfig.from_dict({**TrainConfig().to_dict(), "epochs": 0})
    with pytest.raises(ValueError, match="Received: window='7'"):
        TaskConfig.from_dict({"kind": "forecast", "window": "7"})
    token = base64.urlsafe_b64encode(json.dumps({"kind": "tag", "stride": [2]}).encode()).decode()
    with pytest.raises(ValueError, match=r"Received: stride=\[2\]"):  # was a TypeError: a traceback
        TaskConfig.from_token(token)


# ---- the CLI: error on stderr, exit 2, no traceback ----------------------------------------------
CLI_CASES = [
    (["train", "three_cities", "--task", "regress", "--units", "0", "--epochs", "1"], "units=(0,)"),
    (["train", "three_cities", "--task", "regress", "--lr", "0", "--epochs", "1"], "learning_rate=0.0"),
    (["train", "three_cities", "--task", "regress", "--batch-size", "0"], "batch_size=0"),
    (["baselines", "sunspots", "--task", "forecast", "--window", "0"], "window=0"),
    (["baselines", "sunspots", "--task", "forecast", "--window", "5000"], "too few for a window"),
    (["params", "--cell", "gru", "--units", "0", "--features", "3"], "units=(0,)"),
]


@pytest.mark.parametrize(
    ("argv", "received"), CLI_CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_cli_reports_a_bad_setting_as_an_error(argv, received):
    proc = subprocess.run(
        [sys.executable, "-m", "rnnlab", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error:") and received in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


# ---- the pages: every number widget is bounded ---------------------------------------------------
UNBOUNDED_ON_PURPOSE = {"task-pad-value"}  # any finite float is a valid pad value


def _widget_calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("number_input", "slider"):
            yield node


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "pages").glob("*_page.py")))
def test_every_number_widget_has_a_min_and_a_max(page):
    for call in _widget_calls(ROOT / "pages" / page):
        keywords = {k.arg: k.value for k in call.keywords}
        key = keywords.get("key")
        key_text = ast.unparse(key) if key is not None else "?"
        if isinstance(key, ast.Constant) and key.value in UNBOUNDED_ON_PURPOSE:
            continue
        has_min = len(call.args) >= 2 or "min_value" in keywords
        has_max = len(call.args) >= 3 or "max_value" in keywords
        assert has_min and has_max, f"{page}: the widget {key_text} (line {call.lineno}) needs min and max"


def test_task_page_takes_a_stored_config_beyond_its_usual_ranges():
    """A share link may carry val_share=0.6 or a window of 200 000: the page shows it, never crashes."""
    at = AppTest.from_file(str(ROOT / "pages" / "task_page.py"), default_timeout=60)
    at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": "three_cities", "title": "x"}
    at.session_state[session.READ_OPTIONS] = {}
    at.session_state[session.TASK_CONFIG] = TaskConfig(
        "regress", val_share=0.6, test_share=0.3, seed=2**31 - 1
    )
    at.run()
    assert not at.exception, at.exception
    assert at.slider(key="task-val").value == pytest.approx(0.6)
    assert at.number_input(key="task-seed").value == 2**31 - 1


def test_model_page_takes_a_stored_dropout_beyond_the_slider():
    pytest.importorskip("keras")
    at = AppTest.from_file(str(ROOT / "pages" / "model_page.py"), default_timeout=60)
    at.session_state[session.MODEL_CONFIG] = ModelConfig(dropout=0.95, recurrent_dropout=0.97)
    at.run()
    assert not at.exception, at.exception
    assert math.isclose(at.slider(key="model-dropout").value, 0.95)
