"""Padding lab: padding helpers by hand, and one tiny side-by-side run."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.inside import padding_lab


def test_pad_pre_and_post():
    seqs = [np.array([[1.0], [2.0]]), np.array([[3.0]])]
    post = padding_lab.pad(seqs, "post", -5.0)
    pre = padding_lab.pad(seqs, "pre", -5.0)
    np.testing.assert_array_equal(post[:, :, 0], [[1, 2], [3, -5]])
    np.testing.assert_array_equal(pre[:, :, 0], [[1, 2], [-5, 3]])
    with pytest.raises(ValueError, match="`side` must be"):
        padding_lab.pad(seqs, "middle", 0.0)


def test_pad_values_safe_is_outside_and_collide_is_inside():
    seqs = [np.array([[0.0], [1.5]]), np.array([[0.0], [-2.2], [0.0]])]
    safe, collide, share = padding_lab.pad_values(seqs)
    assert safe < -2.2 and safe == -4.0
    assert collide == 0.0 and share == pytest.approx(3 / 5)


def test_demo_dataset_is_ragged_with_zeros():
    ds = padding_lab.demo_dataset(n=30)
    assert ds.is_ragged and ds.label_kind == "class"
    assert any((s == 0).any() for s in ds.sequences)


def test_run_lab_side_by_side():
    ds = padding_lab.demo_dataset(n=40)
    lab = padding_lab.run_lab(ds, units=2, epochs=1, n_show=4)
    assert [v["key"] for v in lab["variants"]] == list(padding_lab.VARIANTS)
    assert lab["metric"] == "accuracy"
    for v in lab["variants"]:
        assert 0.0 <= v["val_metric"] <= 1.0
        assert v["predictions"].shape == (4,)
        assert v["explanation"]
    assert lab["collide_value"] == 0.0 or lab["collide_share"] > 0
    with_mask, without_mask = lab["states"]["with_mask"], lab["states"]["without_mask"]
    n_real = lab["state_length"]
    assert with_mask.shape == without_mask.shape == (lab["max_length"], 2)
    # same weights: identical on the real steps, then the mask holds the state while no mask moves it
    np.testing.assert_allclose(with_mask[:n_real], without_mask[:n_real])
    np.testing.assert_allclose(
        with_mask[n_real:], np.repeat(with_mask[n_real - 1 : n_real], len(with_mask) - n_real, 0)
    )
    assert not np.allclose(without_mask[n_real:], with_mask[n_real:])


def test_run_lab_regression_targets():
    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(int(n), 1)) for n in rng.integers(2, 6, 24)]
    ds = SequenceDataset(
        "r", "long", seqs, ["x"], labels=np.array([s.sum() for s in seqs]), label_kind="value"
    )
    lab = padding_lab.run_lab(ds, units=2, epochs=1, n_show=3, variants=("post_mask",))
    assert lab["metric"] == "mae" and lab["targets"].shape == (3,)
    assert [v["key"] for v in lab["variants"]] == ["post_mask"]
    with pytest.raises(ValueError, match="`variants`"):
        padding_lab.run_lab(ds, variants=("pre_nomask",))


def test_run_lab_needs_ragged_labelled_data():
    ds = SequenceDataset(
        "even", "long", [np.zeros((3, 1))] * 4, ["x"], labels=np.arange(4.0), label_kind="value"
    )
    with pytest.raises(DataError, match="different lengths"):
        padding_lab.run_lab(ds)
    unlabelled = SequenceDataset("u", "long", [np.zeros((3, 1)), np.zeros((2, 1))], ["x"])
    with pytest.raises(DataError, match="label"):
        padding_lab.run_lab(unlabelled)


def test_check_dataset_refuses_before_any_training():
    padding_lab.check_dataset(padding_lab.demo_dataset(n=8))  # ragged, labelled: fine
    even = SequenceDataset(
        "even", "long", [np.zeros((3, 1))] * 4, ["x"], labels=np.arange(4.0), label_kind="value"
    )
    with pytest.raises(DataError, match="different lengths"):
        padding_lab.check_dataset(even)


def test_lab_job_defaults_to_the_demo_and_returns_plain_values():
    pytest.importorskip("keras")
    from rnnlab.jobs import worker

    seen = []
    out = padding_lab.lab_job(
        None, epochs=1, units=2, max_sequences=40, n_show=3, variants=("post_mask",),
        on_progress=lambda done, total, key: seen.append((done, total, key)),
    )  # fmt: skip
    assert out["source"] == "padding demo" and [v["key"] for v in out["lab"]["variants"]] == ["post_mask"]
    assert out["lab"]["classes"] == ["down", "up"] and seen == [(0, 1, "post_mask"), (1, 1, "")]
    worker.check_json_ready(out)
    with pytest.raises(TypeError, match="plain values"):
        worker.check_json_ready({"lab": {"model": object()}})
