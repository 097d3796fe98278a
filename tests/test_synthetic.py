"""The k-steps memory task and the brief race of the three cells on it."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.inside import synthetic


def test_make_task_label_is_the_bit_k_steps_back():
    X, y = synthetic.make_task(3, n=50, seed=2)
    assert X.shape == (50, 8, 1) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(y, X[:, 8 - 1 - 3, 0] > 0)
    assert set(np.unique(X)) == {-1.0, 1.0} and set(np.unique(y)) == {0, 1}
    X2, y2 = synthetic.make_task(3, n=50, seed=2)
    np.testing.assert_array_equal(X, X2)  # seeded


def test_make_task_k0_is_the_last_step_and_length_override():
    X, y = synthetic.make_task(0, n=10, length=4)
    assert X.shape == (10, 4, 1)
    np.testing.assert_array_equal(y, X[:, -1, 0] > 0)


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"k": -1}, "`k`"), ({"k": 5, "length": 5}, "`length`"), ({"k": 1, "n": 1}, "`n`")]
)
def test_make_task_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        synthetic.make_task(**kwargs)


def test_race_cells_returns_curves_and_accuracies():
    pytest.importorskip("keras")
    seen = []
    results = synthetic.race_cells(
        2, units=2, epochs=2, n=40, on_progress=lambda done, total, label: seen.append((done, total, label))
    )
    assert [r["cell"] for r in results] == ["simple_rnn", "lstm", "gru"]
    for r in results:
        assert 0.0 <= r["accuracy"] <= 1.0
        assert r["gradient"].shape == r["steps_before_end"].shape == (7,)
        assert 1 <= len(r["history"]["loss"]) <= 2
        assert r["solved_epoch"] is None or r["history"]["val_accuracy"][r["solved_epoch"] - 1] >= 0.99
    # progress per cell, with the epoch in the label
    assert seen[:3] == [
        (0, 3, "SimpleRNN, epoch 1"),
        (0, 3, "SimpleRNN, epoch 2"),
        (0, 3, "SimpleRNN, epoch 2"),
    ]
    assert (2, 3, "GRU, epoch 1") in seen and seen[-1] == (3, 3, "")


def test_a_cell_stops_once_it_has_solved_the_task():
    pytest.importorskip("keras")
    # k = 0 (the last sign) is solved in a few epochs by every cell; the budget of 30 is not spent
    results = synthetic.race_cells(0, cells=("gru",), units=4, epochs=30, n=512, seed=0)
    (gru,) = results
    assert gru["solved_epoch"] is not None and gru["solved_epoch"] < 30
    assert len(gru["history"]["loss"]) == gru["solved_epoch"] and gru["accuracy"] >= 0.99
    (full,) = synthetic.race_cells(0, cells=("gru",), units=4, epochs=8, n=512, seed=0, until_solved=False)
    assert len(full["history"]["loss"]) == 8 and full["solved_epoch"] == gru["solved_epoch"]


def test_build_cell_model_rejects_unknown_cell():
    pytest.importorskip("keras")
    with pytest.raises(ValueError, match="`cell` must be one of"):
        synthetic.build_cell_model("transformer", 2, 5)


def test_race_job_is_a_plain_picklable_dict():
    pytest.importorskip("keras")
    import pickle

    from rnnlab.jobs import worker

    out = synthetic.race_job(1, epochs=1, units=2, n=16, cells=("gru",))
    assert out["k"] == 1 and out["epochs"] == 1 and [r["cell"] for r in out["results"]] == ["gru"]
    worker.check_json_ready(out)  # no Keras object travels back to the server
    back = pickle.loads(pickle.dumps(out))
    np.testing.assert_array_equal(back["results"][0]["gradient"], out["results"][0]["gradient"])
