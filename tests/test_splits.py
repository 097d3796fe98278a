import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlab.data.dataset import DataError
from rnnlab.task.splits import archive_split, random_split, split_counts, stratified_split, temporal_split


def test_counts_round_and_keep_one_each():
    assert split_counts(100, 0.15, 0.15) == (70, 15, 15)
    assert split_counts(3114, 0.0, 0.2) == (2491, 0, 623)
    assert split_counts(3, 0.15, 0.15) == (1, 1, 1)
    with pytest.raises(DataError, match="Too few samples"):
        split_counts(2, 0.15, 0.15)
    with pytest.raises(ValueError, match="val_share \\+ test_share"):
        split_counts(10, 0.5, 0.5)


def test_temporal_one_step_has_no_gaps():
    codes = temporal_split(np.arange(10), np.arange(10), 0.2, 0.2)
    assert codes.tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 2, 2]


def test_temporal_drops_windows_straddling_a_boundary():
    # horizon 3: window i targets i, i+1, i+2
    codes = temporal_split(np.arange(12), np.arange(12) + 2, 0.2, 0.2)
    assert codes.tolist() == [0, 0, 0, 0, -1, -1, 1, 1, -1, -1, 2, 2]


@settings(max_examples=100, deadline=None)
@given(n=st.integers(8, 200), span=st.integers(0, 5), stride=st.integers(1, 3),
       val=st.floats(0, 0.3), test=st.floats(0.05, 0.3))  # fmt: skip
def test_no_target_step_in_two_splits(n, span, stride, val, test):
    first = np.arange(n) * stride
    try:
        codes = temporal_split(first, first + span, val, test)
    except DataError:
        return
    owner = {}
    for i, code in enumerate(codes):
        if code < 0:
            continue
        for step in range(first[i], first[i] + span + 1):
            assert owner.setdefault(step, code) == code
    kept = codes[codes >= 0]
    assert (np.diff(kept) >= 0).all()  # time order: train, then val, then test


def test_random_split_is_seeded():
    assert random_split(20, 0.2, 0.2, seed=3).tolist() == random_split(20, 0.2, 0.2, seed=3).tolist()
    assert random_split(20, 0.2, 0.2, seed=3).tolist() != random_split(20, 0.2, 0.2, seed=4).tolist()


def test_stratified_keeps_class_shares():
    labels = np.array([0] * 80 + [1] * 20)
    codes = stratified_split(labels, 0.1, 0.2, seed=0)
    assert np.sum((codes == 2) & (labels == 1)) == 4 and np.sum(codes == 2) == 20
    assert np.sum((codes == 1) & (labels == 1)) == 2 and np.sum(codes == 1) == 10


def test_archive_split_keeps_test_and_carves_val_from_train():
    splits = np.array(["train"] * 8 + ["test"] * 4)
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1])
    codes = archive_split(splits, labels, 0.25, seed=0)
    assert (codes[8:] == 2).all()
    assert np.sum(codes == 1) == 2 and set(labels[codes == 1]) == {0, 1}
