"""The shared value rules: the integer-list parser and the NumPy → JSON conversion."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pytest

from rnnlab.core.config import Config
from rnnlab.core.values import parse_int_list, to_json_value


def test_int_lists_are_read_with_commas_semicolons_and_spaces():
    assert parse_int_list("64, 32") == (64, 32)
    assert parse_int_list(" 1;7 , 14,") == (1, 7, 14)
    assert parse_int_list("") == ()
    assert parse_int_list("-3,0", "offsets") == (-3, 0)  # no minimum unless asked


def test_int_list_errors_say_what_and_what_was_received():
    with pytest.raises(ValueError, match=r"^`units` must be whole numbers separated by commas, e\.g\. 64, 32\. "
                                         r"Received: units='ten'$"):  # fmt: skip
        parse_int_list("ten", "units", example="64, 32")
    with pytest.raises(ValueError, match="`units` must each be ≥ 1. Received: units='4, 0'"):
        parse_int_list("4, 0", "units", minimum=1)
    with pytest.raises(ValueError, match="`--units` must hold at least one number"):
        parse_int_list(" , ", "--units", allow_empty=False)
    with pytest.raises(ValueError, match="whole numbers"):
        parse_int_list("1.5", "offsets")


@dataclass(frozen=True)
class _Small(Config):
    size: int = 2


def test_numpy_values_become_plain_json():
    value = {
        "array": np.array([[1, 2], [3, 4]], dtype=np.int64),
        "scalar": np.float32(0.25),
        "tuple": (np.int64(3), "a"),
        7: None,
        "config": _Small(),
    }
    out = to_json_value(value)
    assert out == {
        "array": [[1, 2], [3, 4]],
        "scalar": 0.25,
        "tuple": [3, "a"],
        "7": None,
        "config": {"size": 2},
    }
    assert type(out["scalar"]) is float and type(out["tuple"][0]) is int
    assert json.loads(json.dumps(out)) == out


def test_nan_becomes_none_only_when_asked():
    value = {"a": float("nan"), "b": [np.float64("inf"), 1.5], "c": np.array([np.nan, 2.0])}
    kept = to_json_value(value)
    assert math.isnan(kept["a"]) and math.isinf(kept["b"][0]) and math.isnan(kept["c"][0])
    assert to_json_value(value, nan_to_none=True) == {"a": None, "b": [None, 1.5], "c": [None, 2.0]}
