import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlab.data.dataset import DataError
from rnnlab.task.collection import encode_labels
from rnnlab.task.framing import default_task, frame, shape_text
from rnnlab.task.types import PaddingConfig, TaskConfig
from tests import task_data


def test_window_counts_and_values_by_hand():
    fd = frame(
        task_data.ramp(20),
        TaskConfig("forecast", window=3, input_columns=("v",), val_share=0, test_share=0.2),
    )
    # 20 - 3 - 1 + 1 = 17 windows; the last round(0.2·17) = 3 are test
    assert fd.sizes() == {"n_train": 14, "n_val": 0, "n_test": 3}
    assert fd.train.X.dtype == np.float32 and fd.train.X.shape == (14, 3, 1)
    assert fd.train.X[0, :, 0].tolist() == [0, 1, 2] and fd.train.y[0] == 3
    assert fd.test.index.tolist() == [17, 18, 19]  # series index of each test target
    assert fd.y_shape == () and fd.main_metric == "mae"


def test_chosen_offsets_and_stride():
    fd = frame(task_data.ramp(20), TaskConfig("forecast", window=3, offsets=(1, 3), stride=2, val_share=0, test_share=0.2,
                                              input_columns=("v",)))  # fmt: skip
    # starts 0, 2, …, 14 (last start = 20 - 3 - 3 = 14): 8 windows
    n = sum(len(fd.split(s)) for s in ("train", "val", "test"))
    assert n + fd.n_dropped == 8
    assert fd.train.y[0].tolist() == [3, 5] and fd.train.y[1].tolist() == [5, 7]
    assert fd.y_shape == (2,)


def test_several_targets_give_n_h_k():
    fd = frame(task_data.ramp(30), TaskConfig("forecast", window=4, horizon=2, target_columns=("v", "sq")))
    assert fd.y_shape == (2, 2)
    assert fd.train.y[0].tolist() == [[4, 16], [5, 25]]
    assert fd.target_names == ["v", "sq"] and fd.target_in_inputs == [0, 1]


def test_target_not_an_input_is_noted():
    fd = frame(
        task_data.ramp(30), TaskConfig("forecast", window=4, input_columns=("sq",), target_columns=("v",))
    )
    assert fd.target_in_inputs == [None]
    assert any("not an input column" in n for n in fd.notes)


def test_series_splits_in_time_order_and_scaling_on_train_only():
    fd = frame(task_data.ramp(60), TaskConfig("forecast", window=5, horizon=3))
    last_train = fd.train.index.max() + 2
    assert last_train < fd.val.index.min() and fd.val.index.max() + 2 < fd.test.index.min()
    assert np.allclose(fd.x_mean, fd.train.X.reshape(-1, 2).mean(axis=0))
    X, y, w = fd.scaled("train")
    assert np.allclose(X.reshape(-1, 2).mean(axis=0), 0, atol=1e-5) and w is None
    assert np.allclose(fd.unscale_y(fd.scaled("test")[1]), fd.test.y, atol=1e-4)


def test_forecast_refuses_random_split_and_short_series():
    with pytest.raises(ValueError, match="time order"):
        frame(task_data.ramp(60), TaskConfig("forecast", split_mode="random"))
    with pytest.raises(DataError, match="too few"):
        frame(task_data.ramp(10), TaskConfig("forecast", window=9))


def test_classify_ragged_post_padding_and_mask():
    ds = task_data.ragged(20)
    fd = frame(ds, TaskConfig("classify", split_mode="stratified"))
    longest = int(ds.lengths.max())
    assert fd.train.X.shape[1:] == (longest, 2) and fd.class_names == ["a", "b"]
    assert fd.pad_value == -1.0 and fd.mask  # data in [1, 2) → −1 is outside it
    assert fd.padded_share == pytest.approx(1 - ds.lengths.sum() / (20 * longest))
    i = int(np.argmin(fd.train.lengths))
    n = fd.train.lengths[i]
    assert (fd.train.X[i, n:] == -1).all() and (fd.train.X[i, :n] >= 1).all()
    X, y, _ = fd.scaled("train")
    assert y.dtype == np.int64 and (X[i, n:] == fd.model_pad_value).all()
    real = fd.real_steps("train")
    assert fd.model_pad_value < X[real].min()


def test_pre_padding_truncation_and_user_pad_value():
    ds = task_data.ragged(20)
    fd = frame(
        ds, TaskConfig("classify", padding=PaddingConfig(side="pre", length=3, truncating="pre", value=-7.0))
    )
    assert fd.n_steps == 3 and fd.pad_value == -7.0
    idx = fd.train.index[0]
    seq = ds.sequences[idx].astype(np.float32)
    expect = seq[-3:] if len(seq) >= 3 else np.vstack([np.full((3 - len(seq), 2), -7.0, np.float32), seq])
    assert np.array_equal(fd.train.X[0], expect)


def test_pad_value_found_in_the_data_is_refused():
    ds = task_data.ragged(20)
    value = float(ds.sequences[0][0, 0])
    with pytest.raises(DataError, match="occurs 1 times"):
        frame(ds, TaskConfig("classify", padding=PaddingConfig(value=value)))


def test_tag_weights_zero_on_padded_steps():
    fd = frame(task_data.tagged(), TaskConfig("tag", split_mode="temporal"))
    part = fd.train
    assert part.y.shape == (len(part), 4) and part.sample_weight.shape == (len(part), 4)
    assert part.sample_weight[1].tolist() == [1, 1, 1, 0]  # second sequence has 3 steps
    assert np.isnan(part.y[1, 3]) and fd.scaled("train")[1][1, 3] == 0.0


def test_regress_targets_and_determinism():
    ds = task_data.values(12)
    a, b = frame(ds, TaskConfig("regress", seed=5)), frame(ds, TaskConfig("regress", seed=5))
    assert a.train.y.dtype == np.float64 and a.y_shape == ()
    assert np.array_equal(a.train.index, b.train.index) and np.array_equal(a.test.X, b.test.X)
    assert not np.array_equal(a.train.index, frame(ds, TaskConfig("regress", seed=6)).train.index)


def test_task_the_data_does_not_allow():
    with pytest.raises(DataError, match="allows the tasks"):
        frame(task_data.ragged(), TaskConfig("regress"))


def test_config_round_trip_and_validation():
    cfg = TaskConfig("forecast", offsets=(1, 7, 14), padding=PaddingConfig(side="pre", value=-3.0))
    assert TaskConfig.from_json(cfg.to_json()) == cfg
    with pytest.raises(ValueError, match="`window` must be an integer from 1 to 100000. Received: window=0"):
        TaskConfig("forecast", window=0)
    with pytest.raises(ValueError, match="`offsets` must be"):
        TaskConfig("forecast", offsets=(3, 1))
    with pytest.raises(ValueError, match="`side` must be"):
        PaddingConfig(side="middle")


def test_encode_labels_numeric_order():
    codes, names = encode_labels(np.array([5, 1, 10, 1]))
    assert codes.tolist() == [1, 0, 2, 0] and names == ["1", "5", "10"]


def test_default_task_and_shape_text():
    assert default_task(task_data.ragged()).kind == "classify"
    cfg = default_task(task_data.ramp(200))
    assert cfg.kind == "forecast" and cfg.window == 12
    fd = frame(task_data.ramp(200), cfg.replace(horizon=3))
    n = sum(fd.sizes().values())
    x_line, y_line = shape_text(fd)
    assert x_line == f"X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = ({n}, 12, 2)"
    assert y_line == f"y.shape = (n_SEQUENCES, n_HORIZON) = ({n}, 3)"
    assert shape_text(fd, "test")[1] == f"y.shape = (n_SEQUENCES, n_HORIZON) = ({len(fd.test)}, 3)"


def test_task_path_never_imports_tensorflow():
    import subprocess
    import sys

    code = (
        "import sys, rnnlab.task.framing, rnnlab.evaluation.scoreboard, rnnlab.evaluation.metrics, rnnlab.plots.task, rnnlab.cli.task;"
        "from rnnlab.task import framing; from rnnlab.task.types import TaskConfig; from tests import task_data;"
        "framing.frame(task_data.ragged(), TaskConfig('classify'));"
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]; assert not bad, bad"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(__file__).parents[1])
    )


@settings(max_examples=60, deadline=None)
@given(n=st.integers(10, 80), window=st.integers(1, 6), last=st.integers(1, 4), stride=st.integers(1, 3))
def test_window_count_formula_and_targets(n, window, last, stride):
    offsets = tuple(range(1, last + 1, 2)) if last > 1 else (1,)
    cfg = TaskConfig("forecast", window=window, offsets=offsets, stride=stride, val_share=0.0, test_share=0.2)
    try:
        fd = frame(task_data.ramp(n, frequency=None), cfg.replace(input_columns=("v",)))
    except DataError as err:  # too short, or nothing left to train on once straddling windows are dropped
        assert "too few" in str(err).lower() or "no training window" in str(err).lower()
        return
    expected = (n - window - max(offsets)) // stride + 1
    assert sum(fd.sizes().values()) + fd.n_dropped == expected
    for name in ("train", "test"):
        part = fd.split(name)
        y = part.y.reshape(len(part), -1)
        # ramp: the target at offset o is the window's last input + o
        assert np.allclose(y, part.X[:, -1, :1] + np.array(offsets)[None, :])


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    side=st.sampled_from(["pre", "post"]),
    truncating=st.sampled_from(["pre", "post"]),
    length=st.one_of(st.none(), st.integers(1, 8)),
)
def test_padding_invariants(seed, side, truncating, length):
    ds = task_data.ragged(12, seed=seed)
    pad = PaddingConfig(side=side, length=length, truncating=truncating)
    fd = frame(ds, TaskConfig("classify", split_mode="random", padding=pad))
    for name in ("train", "val", "test"):
        part, real = fd.split(name), fd.real_steps(name)
        for row, i in enumerate(part.index):
            seq = ds.sequences[i].astype(np.float32)
            kept = seq[-fd.n_steps :] if truncating == "pre" else seq[: fd.n_steps]
            assert np.array_equal(part.X[row][real[row]], kept)  # real steps kept, in order
            if fd.pad_value is not None:
                assert (part.X[row][~real[row]] == fd.pad_value).all()
        if fd.model_pad_value is not None:
            X = fd.scaled(name)[0]
            assert (X[~real] == fd.model_pad_value).all() and (X[real] > fd.model_pad_value).all()
    values = np.concatenate([s.ravel() for s in ds.sequences])
    assert fd.pad_value is None or fd.pad_value not in values


def test_doctests_of_the_framing_modules():
    import doctest

    from rnnlab.evaluation import scoreboard as baselines
    from rnnlab.task import collection as framing_collections
    from rnnlab.task import framing, padding, scaling, splits, windows

    for module in (baselines, framing, framing_collections, padding, scaling, splits, windows):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_default_task_for_a_handful_of_sequences_keeps_two_for_training_and_one_for_test():
    from rnnlab.data import catalog

    for key in ("three_cities", "flu_cases"):
        dataset = catalog.load_dataset(key)
        framed = frame(dataset, default_task(dataset))
        assert [len(framed.split(s).y) for s in ("train", "val", "test")] == [2, 0, 1], key
