"""train_findings: which detector inputs the Train page assembles, live and after a job."""

from __future__ import annotations

import dataclasses

import numpy as np

from rnnlab.evaluation import findings as train_findings
from tests.train_fixtures import tiny_framed

BUNDLED = {"source": "bundled", "name": "ecg200", "read_options": {}}


def _names(findings):
    return [f["name"] for f in findings]


def _result(framed, y_pred, test=0.5, baseline=0.4, history=None):
    return {
        "history": history or {"loss": [1.0, 0.8], "val_loss": [1.1, 0.9]},
        "main_metric": "mae",
        "test": {"mae": test},
        "best_baseline": {"name": "mean", "test": {"mae": baseline}},
        "predictions": {"y_pred": np.asarray(y_pred).tolist()},
        "task": framed.config.to_dict(),
    }


def test_live_findings_see_nan_and_overfitting_from_the_history_so_far():
    assert _names(train_findings.live_findings({"loss": [1.0, float("nan")]})) == ["loss_nan"]
    overfit = {"loss": [1.0, 0.8, 0.6, 0.4], "val_loss": [1.0, 1.1, 1.2, 1.3]}
    assert _names(train_findings.live_findings(overfit)) == ["overfitting"]
    assert train_findings.live_findings({"loss": [1.0, 0.9], "val_loss": [1.0, 0.95]}) == []


def test_live_findings_add_data_checks_when_the_framed_data_is_known():
    framed = tiny_framed("regress")
    framed.train.X[:, :, 1] *= 1000.0  # feature b is 1000× larger, scaling is off in tiny_framed
    assert _names(train_findings.live_findings({}, framed)) == ["unscaled_inputs"]
    padded = dataclasses.replace(tiny_framed("regress"), padded_share=0.6, mask=False)
    assert _names(train_findings.live_findings({}, padded)) == ["padding_without_mask"]


def test_unscaled_check_leaves_padded_steps_out():
    framed = tiny_framed("regress")
    framed.train.X[:, -2:, :] = -1e4  # two padded steps per sample at a far-away pad value
    framed = dataclasses.replace(framed, pad_value=-1e4, padded_share=0.4, mask=True)
    assert train_findings.data_findings(framed) == []


def test_final_findings_flat_line_and_not_beating_the_baseline():
    framed = tiny_framed("regress")
    n = len(framed.test.y)
    flat = np.full(n, 0.3)
    assert _names(train_findings.final_findings(_result(framed, flat), framed)) == [
        "not_beating_baseline",
        "flat_line",
    ]
    good = framed.test.y + 0.01
    assert train_findings.final_findings(_result(framed, good, test=0.1), framed) == []


def test_final_findings_without_the_framed_data_skip_prediction_and_data_checks():
    framed = tiny_framed("regress")
    result = _result(framed, np.full(len(framed.test.y), 0.3), test=0.1)
    assert train_findings.final_findings(result, None) == []


def test_classification_flat_line_is_one_class_for_every_sample():
    framed = tiny_framed("classify", n=20)
    n = len(framed.test.y)
    assert len(set(framed.test.y.tolist())) == 2
    one_class = np.tile([0.9, 0.1], (n, 1))
    result = {**_result(framed, one_class), "main_metric": "accuracy", "test": {"accuracy": 0.9},
              "best_baseline": {"name": "most frequent", "test": {"accuracy": 0.5}}}  # fmt: skip
    assert _names(train_findings.final_findings(result, framed)) == ["flat_line"]
    right = np.eye(2)[framed.test.y]
    assert train_findings.final_findings({**result, "predictions": {"y_pred": right.tolist()}}, framed) == []


def test_matching_framed_only_for_the_jobs_data_and_task():
    framed = tiny_framed("regress")
    task = framed.config.to_dict()
    assert train_findings.matching_framed(framed, task, BUNDLED, dict(BUNDLED)) is framed
    other_data = {**BUNDLED, "name": "ecg5000"}
    assert train_findings.matching_framed(framed, task, BUNDLED, other_data) is None
    assert train_findings.matching_framed(framed, {**task, "window": 99}, BUNDLED, BUNDLED) is None
    assert train_findings.matching_framed(None, task, BUNDLED, BUNDLED) is None


def test_finding_text_has_message_and_hint():
    text = train_findings.finding_text({"name": "n", "message": "M.", "hint": "H."})
    assert text.startswith("M.") and text.endswith("H.")


def test_same_data_compares_source_name_hash_and_read_options():
    upload = {"source": "upload", "name": "a.csv", "sha256": "abc"}
    assert train_findings.same_data(upload, dict(upload))
    assert not train_findings.same_data(upload, {**upload, "sha256": "def"})
    assert not train_findings.same_data(BUNDLED, {**BUNDLED, "read_options": {"header": "none"}})
    assert not train_findings.same_data(None, BUNDLED)
