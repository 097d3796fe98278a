"""The Model page's summary from the formulas equals Keras's own summary of the built model, row by row."""

from __future__ import annotations

import pytest

from rnnlab.models import build
from rnnlab.models.config import ModelConfig
from rnnlab.models.summary import formula_summary, total
from rnnlab.task import framing
from rnnlab.task.types import TaskConfig
from tests import tiny_datasets

TASKS = {
    "classify-padded": (tiny_datasets.ragged_classes, TaskConfig("classify")),
    "forecast-3": (lambda: tiny_datasets.series(120), TaskConfig("forecast", window=6, horizon=3)),
    "forecast-2x2": (lambda: tiny_datasets.series(120), TaskConfig("forecast", window=6, horizon=2, target_columns=("level", "other"))),
    "tag": (tiny_datasets.tagged, TaskConfig("tag", split_mode="random")),
    "regress": (tiny_datasets.regress, TaskConfig("regress", split_mode="random")),
}  # fmt: skip
MODELS = [
    ModelConfig(cell="gru", units=(5, 3), head_units=(4,), head_dropout=0.2),
    ModelConfig(cell="lstm", units=(4,), bidirectional=True, normalization=True),
    ModelConfig(cell="simple_rnn", units=(3,), reset_after=False),
    ModelConfig(cell="gru", units=(3,), reset_after=False),
    ModelConfig(cell="dense", units=(6, 2), dropout=0.1),
]


PAIRS = [(task, i) for i in range(len(MODELS)) for task in sorted(TASKS)[i % 5 : i % 5 + 2]] + [("tag", 4)]


@pytest.mark.parametrize(("task", "model"), PAIRS)
def test_formula_summary_equals_keras_summary(task, model):
    make, config = TASKS[task]
    framed = framing.frame(make(), config)
    keras_model = build.build_model(MODELS[model], framed)
    rows = formula_summary(MODELS[model], framed)
    assert rows == build.summary_rows(keras_model)
    assert total(rows) == keras_model.count_params()
