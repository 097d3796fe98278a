import numpy as np
import pytest

from rnnlab.data.dataset import DataError
from rnnlab.task.padding import (
    check_pad_value,
    choose_pad_value,
    count_occurrences,
    pad_sequences,
    real_step_mask,
)

SEQS = [np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0, 6.0])]


def test_post_and_pre_padding_to_longest():
    assert pad_sequences(SEQS, value=-1).tolist() == [[1, 2, -1, -1], [3, 4, 5, 6]]
    assert pad_sequences(SEQS, padding="pre", value=-1).tolist() == [[-1, -1, 1, 2], [3, 4, 5, 6]]


def test_truncation_pre_and_post():
    assert pad_sequences(SEQS, maxlen=3, truncating="post", value=0).tolist() == [[1, 2, 0], [3, 4, 5]]
    assert pad_sequences(SEQS, maxlen=3, truncating="pre", value=0).tolist() == [[1, 2, 0], [4, 5, 6]]
    assert pad_sequences(SEQS, maxlen=3, padding="pre", truncating="pre", value=0).tolist() == [
        [0, 1, 2],
        [4, 5, 6],
    ]


def test_feature_axis_is_kept_and_dtype():
    out = pad_sequences([np.ones((2, 3)), np.ones((1, 3))], value=9)
    assert out.shape == (2, 2, 3) and out.dtype == np.float32
    assert out[1, 1].tolist() == [9, 9, 9]


def test_bad_side_is_refused():
    with pytest.raises(ValueError, match="`padding` must be"):
        pad_sequences(SEQS, padding="middle")


def test_real_step_mask():
    assert real_step_mask(np.array([2, 4]), 4, "post").astype(int).tolist() == [[1, 1, 0, 0], [1, 1, 1, 1]]
    assert real_step_mask(np.array([2, 4]), 4, "pre").astype(int).tolist() == [[0, 0, 1, 1], [1, 1, 1, 1]]


def test_automatic_pad_value_is_outside_the_range():
    assert choose_pad_value([np.array([0.0, 5.0])]) == -1.0
    assert choose_pad_value([np.array([-3.2, 5.0])]) == -5.0


def test_collision_is_refused_with_count():
    data = [np.array([0.0, 1.0, 0.0]), np.array([0.0])]
    assert count_occurrences(0.0, data) == 3
    with pytest.raises(DataError, match="occurs 3 times"):
        check_pad_value(0.0, data)
    check_pad_value(-1.0, data)  # absent: accepted
