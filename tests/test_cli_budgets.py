"""The command line never builds what the server refuses (budgets from the formulas, checked first), and says
how long a training will take before it starts."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnnlab.cli import main as cli
from rnnlab.cli import model as cli_model
from rnnlab.models.config import ModelConfig
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.training.estimate import Estimate, expected_seconds, shorter
from rnnlab.training.speed import Calibration

ROOT = Path(__file__).resolve().parent.parent
HUGE = ["--cell", "lstm", "--units", ",".join(["4096"] * 8), "--features", "1"]


def test_params_refuses_a_huge_model_from_the_formulas_without_building_it(monkeypatch, capsys):
    def never(*args, **kwargs):
        raise AssertionError("Keras built a model over the budget")

    monkeypatch.setattr(cli_model, "keras_count", never)
    assert cli.main(["params", *HUGE]) == 2
    assert "1,006,784,513 parameters; the limit is 5,000,000 (RNNLAB_MAX_PARAMS)" in capsys.readouterr().err


def test_params_refusal_is_quick_in_a_fresh_process():
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "rnnlab", "params", *HUGE], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)  # fmt: skip
    assert out.returncode == 2 and "RNNLAB_MAX_PARAMS" in out.stderr
    assert time.perf_counter() - t0 < 20  # no TensorFlow import, no build (it took 3 min 36 s before)


def test_train_over_the_work_budget_without_early_stopping_is_refused_before_training(monkeypatch, capsys):
    from rnnlab.training import fit

    monkeypatch.setenv("RNNLAB_MAX_JOB_WORK", "1000")
    monkeypatch.setattr(fit, "train", lambda *a, **k: pytest.fail("trained over the budget"))
    code = cli.main(
        ["train", "sunspots", "--window", "12", "--epochs", "50", "--patience", "-1", "--units", "2"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "budget of 1,000 sample passes" in err and "RNNLAB_MAX_JOB_WORK" in err


def test_train_over_the_memory_budget_is_refused_before_training(monkeypatch, capsys):
    from rnnlab.training import fit

    monkeypatch.setenv("RNNLAB_MAX_TRAIN_MEMORY_MB", "1")
    monkeypatch.setattr(fit, "train", lambda *a, **k: pytest.fail("trained over the budget"))
    assert cli.main(["train", "sunspots", "--window", "12", "--epochs", "1", "--units", "64"]) == 2
    assert "RNNLAB_MAX_TRAIN_MEMORY_MB" in capsys.readouterr().err


def test_backtest_over_a_budget_is_refused_before_any_worker_starts(monkeypatch, capsys):
    from rnnlab.cli import backtest

    monkeypatch.setenv("RNNLAB_MAX_PARAMS", "100")
    monkeypatch.setattr(backtest, "make_runner", lambda *a, **k: pytest.fail("a worker pool started"))
    assert cli.main(["backtest", "sunspots", "--window", "12", "--origins", "2", "--units", "16"]) == 2
    assert "RNNLAB_MAX_PARAMS" in capsys.readouterr().err


def test_train_says_the_expected_time_first_and_in_its_json(capsys):
    pytest.importorskip("keras")
    assert cli.main(["train", "three_cities", "--units", "2", "--epochs", "1", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0].startswith("expected: at most ")  # early stopping is on by default
    assert json.loads(captured.out)["expected_seconds"] > 0


CAL = Calibration(
    step_s=1e-4, unit_s=1.5e-9, execution_s=0.004, multi_trace_s=1.0, xla_compile_s=4.0, measured=True
)


def _estimate(**train) -> Estimate:
    return expected_seconds(ModelConfig(cell="gru", units=(16,)), TrainConfig(patience=None, **train), n_features=1,
                            n_steps=24, n_outputs=1, n_train=2000, n_val=450, calibration=CAL)  # fmt: skip


def test_the_estimate_grows_with_the_epochs_and_the_data():
    ten, twenty = _estimate(epochs=10), _estimate(epochs=20)
    assert twenty.seconds - twenty.start == pytest.approx(2 * (ten.seconds - ten.start))
    assert ten.per_epoch == pytest.approx(twenty.per_epoch)
    bigger = expected_seconds(ModelConfig(cell="gru", units=(16,)), TrainConfig(epochs=10, patience=None),
                              n_features=1, n_steps=48, n_outputs=1, n_train=2000, n_val=450, calibration=CAL)  # fmt: skip
    assert bigger.per_epoch > 1.6 * ten.per_epoch  # twice the steps: about twice the time per batch
    assert ten.text.startswith("about ") and _estimate(epochs=10).upper_bound is False
    with_patience = expected_seconds(ModelConfig(cell="gru", units=(16,)), TrainConfig(epochs=10, patience=5),
                                     n_features=1, n_steps=24, n_outputs=1, n_train=2000, n_val=450, calibration=CAL)  # fmt: skip
    assert with_patience.text.startswith("at most ")


def test_a_long_training_gets_suggestions_and_a_short_one_none():
    long = Estimate(
        seconds=240, per_epoch=6, start=0, epochs=40, upper_bound=False, measured=True, n_steps=24
    )
    tips = shorter(long, TaskConfig("forecast", window=24))
    assert tips[0].startswith("a stride of 2") and "a window of 12 steps" in tips[1]
    assert any("early stopping" in t for t in tips) and tips[-1] == "10 epochs instead of 40 (about a minute)"
    assert shorter(Estimate(30, 1, 0, 30, False, True, 12), TaskConfig("forecast")) == []
    assert "rough" in Estimate(30, 1, 0, 30, False, measured=False).text
