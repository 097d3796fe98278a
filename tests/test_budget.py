"""The cost budget: framed size, pad ratio, parameters, layers and training memory refused before the work."""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np
import pytest

from rnnlab.core import settings
from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.models import budget as model_budget
from rnnlab.models import params
from rnnlab.models.config import ModelConfig
from rnnlab.task import budget, framing
from rnnlab.task.types import PaddingConfig, TaskConfig
from tests import tiny_datasets


def _long_series(n_steps: int) -> SequenceDataset:
    return SequenceDataset("long", "series", [np.zeros((n_steps, 1))], ["v"])


def _ragged(n_short: int, long_steps: int) -> SequenceDataset:
    seqs = [np.ones((long_steps, 1))] + [np.ones((2, 1)) for _ in range(n_short)]
    labels = np.array([i % 2 for i in range(n_short + 1)])
    return SequenceDataset(
        "ragged", "long", seqs, ["v"], labels=labels, label_names=["y"], label_kind="class"
    )


@pytest.mark.parametrize(
    ("make", "task"),
    [
        (lambda: tiny_datasets.series(200), TaskConfig("forecast", window=7, offsets=(1, 3), stride=2)),
        (
            lambda: tiny_datasets.series(200),
            TaskConfig("forecast", window=5, horizon=3, input_columns=("level",)),
        ),
        (tiny_datasets.ragged_classes, TaskConfig("classify")),
        (tiny_datasets.ragged_classes, TaskConfig("classify", padding=PaddingConfig(length=4))),
        (tiny_datasets.tagged, TaskConfig("tag")),
        (tiny_datasets.regress, TaskConfig("regress")),
    ],
)
def test_estimate_matches_the_framed_arrays(make, task):
    dataset = make()
    cost = budget.estimate(dataset, task)
    framed = framing.frame(dataset, task)
    n = sum(len(framed.split(s)) for s in ("train", "val", "test")) + framed.n_dropped
    assert cost.x_shape == (n, framed.n_steps, framed.n_features)
    y_values = sum(framed.split(s).y.size for s in ("train", "val", "test"))
    assert cost.y_values >= y_values  # dropped windows are counted too


def test_ten_million_step_series_is_refused_before_anything_is_allocated():
    dataset = _long_series(10_000_000)
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(DataError) as info:
        framing.frame(dataset, TaskConfig("forecast", window=12))
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    message = str(info.value)
    assert (
        "RNNLAB_MAX_FRAMED_VALUES" in message
        and "stride" in message
        and "130.0 M values" in message
        and "9,999,988 samples × 12 steps" in message
    )
    assert peak < 5 * 2**20 and seconds < 1.0
    stride = int(message.split("(stride ")[1].split(" ")[0])
    framing_cost = budget.estimate(dataset, TaskConfig("forecast", window=12, stride=stride))
    assert framing_cost.values <= settings.max_framed_values()  # the suggested stride fits


def test_one_long_sequence_among_short_ones_is_refused_and_a_padding_length_fixes_it(monkeypatch):
    dataset = _ragged(2_000, 1_000)  # 2,001 × 1,000 padded values, median length 2
    with pytest.raises(DataError, match="RNNLAB_MAX_PAD_RATIO") as info:
        framing.frame(dataset, TaskConfig("classify"))
    assert "Padding: Length" in str(info.value) and "500×" in str(info.value)
    framed = framing.frame(dataset, TaskConfig("classify", padding=PaddingConfig(length=4)))
    assert framed.n_steps == 4
    monkeypatch.setenv("RNNLAB_MAX_PAD_RATIO", "1000")
    assert framing.frame(dataset, TaskConfig("classify")).n_steps == 1_000


def test_million_step_ragged_file_is_refused_by_size():
    with pytest.raises(DataError, match="RNNLAB_MAX_FRAMED_VALUES"):
        framing.frame(_ragged(2_000, 1_000_000), TaskConfig("classify"))


def test_small_ragged_data_pads_freely():
    framed = framing.frame(_ragged(30, 500), TaskConfig("classify"))  # ratio 250 but tiny
    assert framed.n_steps == 500


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_FRAMED_VALUES", "100")
    with pytest.raises(DataError, match="the limit is 100"):
        framing.frame(tiny_datasets.series(200), TaskConfig("forecast", window=12))
    monkeypatch.setenv("RNNLAB_MAX_FRAMED_VALUES", "lots")
    with pytest.raises(ValueError, match="RNNLAB_MAX_FRAMED_VALUES"):
        settings.max_framed_values()
    monkeypatch.setenv("RNNLAB_MAX_PARAMS", "-3")
    with pytest.raises(ValueError, match="RNNLAB_MAX_PARAMS"):
        settings.max_params()


@pytest.mark.parametrize(
    "config",
    [
        ModelConfig(cell="lstm", units=(16, 8), head_units=(4,)),
        ModelConfig(cell="gru", units=(5,), bidirectional=True, normalization=True),
        ModelConfig(cell="simple_rnn", units=(3,), reset_after=False),
        ModelConfig(cell="dense", units=(6,)),
    ],
)
def test_model_cost_counts_the_formulas(config):
    cost = model_budget.model_cost(config, n_features=3, n_steps=10, n_outputs=2)
    rows = params.layer_table(config, 3, n_steps=10, n_outputs=2)
    assert cost.params == params.total_params(rows)
    assert cost.layers == len(config.units) + len(config.head_units) + 1


def test_huge_model_is_refused_without_keras():
    config = ModelConfig(cell="lstm", units=(4096,) * 8)
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="RNNLAB_MAX_PARAMS") as info:
        model_budget.check_model(config, n_features=1, n_steps=12, n_outputs=1)
    assert time.perf_counter() - t0 < 0.1
    assert "1,006,784,513 parameters" in str(info.value) and "fewer stacked layers" in str(info.value)


def test_build_model_checks_the_budget_before_importing_keras(monkeypatch):
    framed = framing.frame(tiny_datasets.series(120), TaskConfig("forecast", window=6))
    from rnnlab.models import build

    monkeypatch.setitem(sys.modules, "keras", None)  # importing Keras now would fail loudly
    with pytest.raises(ValueError, match="RNNLAB_MAX_PARAMS"):
        build.build_model(ModelConfig(cell="lstm", units=(4096,) * 8), framed)


def test_too_many_layers_are_refused(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_LAYERS", "3")
    with pytest.raises(ValueError, match="RNNLAB_MAX_LAYERS"):
        model_budget.check_model(ModelConfig(units=(4, 4, 4)), 1, 10, 1)
    model_budget.check_model(ModelConfig(units=(4, 4)), 1, 10, 1)


def test_training_memory_estimate_refuses_a_huge_batch_of_long_sequences(monkeypatch):
    config = ModelConfig(cell="lstm", units=(256,))
    small = model_budget.check_training(config, 1, 100, 1, batch_size=32, data_values=100_000)
    assert 0 < small < settings.max_train_memory_mb() * 2**20
    with pytest.raises(ValueError, match="RNNLAB_MAX_TRAIN_MEMORY_MB") as info:
        model_budget.check_training(config, 1, 100_000, 1, batch_size=4096, data_values=100_000)
    assert "smaller batch size" in str(info.value)


def test_the_train_page_refuses_a_model_over_the_budget_before_queueing(monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from rnnlab.training.config import TrainConfig
    from rnnlab.ui import session
    from tests import fakes

    fake = fakes.install(monkeypatch, fakes.FakeJobManager())
    at = AppTest.from_file(
        str(Path(__file__).resolve().parent.parent / "pages" / "train_page.py"), default_timeout=60
    )
    at.session_state[session.DATASET_CHOICE] = {"source": "bundled", "name": "sunspots", "title": "Sunspots"}
    at.session_state[session.MODEL_CONFIG] = ModelConfig(cell="lstm", units=(2048, 2048))
    at.session_state[session.TRAIN_CONFIG] = TrainConfig(epochs=1)
    at.run()
    at.button(key="train-start").click().run()
    assert not at.exception, at.exception
    assert any("RNNLAB" in e.value and "MAX" in e.value for e in at.error), [e.value for e in at.error]
    assert fake.specs == {}  # nothing was queued


def test_catalog_reader_options_are_checked_before_the_reader():
    from rnnlab.data import catalog

    with pytest.raises(ValueError, match="Unknown ReadOptions setting"):  # was a TypeError inside read_csv()
        catalog.load_dataset("three_cities", colour="red")
    with pytest.raises(ValueError, match="`fill` must be one of"):
        catalog.load_dataset("three_cities", fill=3)
