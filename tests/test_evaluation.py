"""Skill, verdict and evaluation of a trained model against the baselines (original units)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.evaluation import judge as evaluation


def test_skill_is_relative_error_reduction():
    assert evaluation.skill_score("mae", 0.69, 1.0) == pytest.approx(0.31)
    assert evaluation.skill_score("mae", 2.0, 1.0) == pytest.approx(-1.0)
    # accuracy: error 1 - acc; 0.9 vs 0.8 → errors 0.1 vs 0.2 → 50 % fewer
    assert evaluation.skill_score("accuracy", 0.9, 0.8) == pytest.approx(0.5)
    assert evaluation.skill_score("accuracy", 1.0, 1.0) == 0.0
    with pytest.raises(ValueError, match="main_metric"):
        evaluation.skill_score("loss", 1.0, 1.0)


def test_verdict_texts():
    from rnnlab.evaluation.verdict import judge

    board = [{"name": "last value", "val": {"mae": 0.9}, "test": {"mae": 1.0}}]
    v = judge("mae", 0.69, board, board[0], n_test=100, unit="windows")
    assert v.skill == pytest.approx(0.31)
    assert v.text == "beats last value, the baseline chosen on validation, by 31 % in MAE (0.69 against 1)"
    v = judge("mae", 1.2, board, board[0], n_test=100, unit="windows")
    assert v.skill < 0 and v.outcome == "loss"
    assert v.text == "does not beat last value, the baseline chosen on validation (MAE 1.2 against 1)"
    mf = [{"name": "most frequent class", "test": {"accuracy": 0.6}}]
    assert judge("accuracy", 0.6, mf, mf[0], n_test=50).outcome == "tie"
    v = judge("accuracy", 0.8, mf, mf[0], n_test=50)
    assert v.text.startswith("beats most frequent class, the baseline chosen on validation, by 50 % fewer errors")
    assert judge("mae", float("nan"), board, board[0]).skill == -1.0


class _ConstantModel:
    """A stand-in for a Keras model: predicts fixed (scaled) outputs."""

    def __init__(self, out):
        self.out = out

    def predict(self, X, batch_size=None, verbose=0):
        return np.repeat(self.out[None], len(X), axis=0)


def test_evaluate_unscales_predictions_and_uses_given_scoreboard(monkeypatch):
    from tests.tiny_datasets import framed_task

    framed = framed_task("forecast")  # y (n, 3); y_mean/std from train
    monkeypatch.setattr(
        evaluation,
        "_task_metrics",
        lambda f, y_true, y_pred: {"mae": float(np.mean(np.abs(y_true - y_pred)))},
    )
    board = [
        {"name": "last value", "val": {"mae": 2.0}, "test": {"mae": 100.0}},
        {"name": "train mean", "val": {"mae": 3.0}, "test": {"mae": 1.0}},
    ]
    result = evaluation.evaluate(_ConstantModel(np.zeros(3, np.float32)), framed, scoreboard=board)
    # scaled 0 → the training mean in original units
    np.testing.assert_allclose(result["predictions"], np.full(framed.test.y.shape, framed.y_mean), rtol=1e-6)
    expected = float(np.mean(np.abs(framed.test.y - framed.y_mean)))
    assert result["test"]["mae"] == pytest.approx(expected, rel=1e-5)
    assert result["best_baseline"]["name"] == "last value"  # chosen on val, not test
    assert result["skill"] == pytest.approx(1 - expected / 100.0)
    assert result["verdict"].startswith("beats last value")
    rows = evaluation.comparison_rows(result)
    assert [r["model"] for r in rows] == ["your model", "last value", "train mean"]
    assert [r["chosen on val"] for r in rows] == ["", "✓", ""]
    # train mean (1.0 on test) does better than the model on the very same test samples: named, not a win
    assert result["judgement"]["outcome"] == "mixed"
    assert [r["better on test"] for r in rows] == ["", "", "✓"]
    assert "but train mean (1) does better on these test windows" in result["verdict"]


def _toy_classify():
    from rnnlab.data.dataset import SequenceDataset
    from rnnlab.task import framing
    from rnnlab.task.types import TaskConfig

    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(int(rng.integers(4, 9)), 2)) for _ in range(40)]
    labels = np.array(["up" if s[:, 0].mean() > 0 else "down" for s in seqs])
    ds = SequenceDataset(
        name="toy", layout="long", sequences=seqs, feature_names=["a", "b"], labels=labels, label_kind="class"
    )
    return framing.frame(ds, TaskConfig(kind="classify"))


def test_evaluate_a_trained_keras_model_on_real_framing():
    pytest.importorskip("rnnlab.task.framing")
    from rnnlab.evaluation import scoreboard as baselines
    from rnnlab.models import build as models
    from rnnlab.models.config import ModelConfig

    framed = _toy_classify()
    model = models.build_model(ModelConfig(cell="gru", units=(4,)), framed)
    loss, metrics = models.loss_and_metrics(framed)
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    X, y, _ = framed.scaled("train")
    model.fit(X, y, epochs=1, batch_size=16, verbose=0)
    result = evaluation.evaluate(model, framed)
    assert result["predictions"].shape == (len(framed.test), 2)
    assert set(result["test"]) == {"accuracy", "balanced_accuracy", "macro_f1"}
    assert result["best_baseline"] == baselines.best(result["scoreboard"], metric="accuracy")
    assert result["main_metric"] == "accuracy"
    from rnnlab.evaluation.verdict import Verdict

    verdict = Verdict.from_dict(result["judgement"])
    assert (result["skill"], result["verdict"]) == (verdict.skill, verdict.text)
    assert verdict.model_value == result["test"]["accuracy"] and verdict.baseline == result["best_baseline"]["name"]
    assert verdict.skill_low is not None and verdict.skill_low <= verdict.skill <= verdict.skill_high


def test_tagging_end_to_end_on_flu_cases():
    pytest.importorskip("keras")
    from rnnlab.data import catalog
    from rnnlab.models import build as models
    from rnnlab.models.config import ModelConfig
    from rnnlab.task import framing

    dataset = catalog.load_dataset("flu_cases")
    framed = framing.frame(dataset, framing.default_task(dataset))
    assert framed.config.kind == "tag"
    model = models.build_model(ModelConfig(cell="gru", units=(3,)), framed)
    loss, metrics = models.loss_and_metrics(framed)
    model.compile(optimizer="rmsprop", loss=loss, metrics=metrics)
    X, y, sw = framed.scaled("train")
    model.fit(X, y, sample_weight=sw, epochs=1, verbose=0)
    result = evaluation.evaluate(model, framed)
    assert result["predictions"].shape == (len(framed.test), *framed.y_shape)
    assert result["main_metric"] == "mae" and np.isfinite(result["test"]["mae"])
    assert result["verdict"].startswith(("beats", "does not beat"))
