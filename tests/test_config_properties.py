"""Property tests of the one config validator: random JSON from outside (links, files) never raises anything
but ``ValueError``, and what it accepts is exactly what was given — never a silently coerced value."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlab.core.config import Config, check_value
from rnnlab.models.config import ModelConfig
from rnnlab.runs import share_link
from rnnlab.task.types import PaddingConfig, TaskConfig
from rnnlab.training.config import TrainConfig

CLASSES = [TaskConfig, PaddingConfig, ModelConfig, TrainConfig]
BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False}

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["true", "false", "1", "0", "True", " 0 ", "gru", "post", "adam", "/CPU:0", "forecast"])
)
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


def _field_values(cls):
    """A dict of random values for random fields of ``cls`` (plus, now and then, an unknown key)."""
    names = [f.name for f in dataclasses.fields(cls)]
    keys = st.sampled_from(names) | st.sampled_from(["colour", "Units"])
    return st.dictionaries(keys, json_values | st.integers(0, 40) | st.floats(0, 0.9), max_size=5)


def _same(out, given, tp) -> None:
    """``out`` (from ``to_dict``) must equal ``given`` in kind and value (a list stays a list of the same)."""
    base = typing.get_args(tp)[0] if typing.get_origin(tp) in (typing.Union, type(int | None)) else tp
    if given is None:
        assert out is None and type(None) in typing.get_args(tp)
        return
    if isinstance(given, dict):
        assert isinstance(out, dict)
        hints = typing.get_type_hints(base)
        for key, value in given.items():
            _same(out[key], value, hints[key])
        return
    if isinstance(given, list):
        assert isinstance(out, list) and len(out) == len(given)
        item = typing.get_args(base)[0]
        for o, g in zip(out, given):
            _same(o, g, item)
        return
    if base is bool:
        assert isinstance(out, bool) and out == (
            BOOL_TEXT[given.strip().lower()] if isinstance(given, str) else given
        )
        assert isinstance(given, (bool, str)), given
        return
    if base is int:
        assert type(out) is int and type(given) is int and out == given
        return
    if base is float:
        assert type(out) is float and not isinstance(given, bool) and isinstance(given, (int, float))
        assert out == given
        return
    assert type(out) is type(given) and out == given


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_json_is_refused_with_valueerror_or_kept_exactly(cls, data):
    given_ = data.draw(_field_values(cls))
    if cls is TaskConfig:
        given_.setdefault("kind", data.draw(st.sampled_from(["forecast", "classify", 3, "x"])))
    try:
        config = cls.from_dict(given_)
    except ValueError as err:
        assert "Received" in str(err) or "Unknown" in str(err), str(err)
        return
    out = config.to_dict()
    hints = typing.get_type_hints(cls)
    for key, value in given_.items():
        _same(out[key], value, hints[key])
    assert cls.from_dict(out) == config  # what was accepted round-trips unchanged


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=60) | json_values.map(lambda v: json.dumps(v).encode()))
def test_random_link_tokens_raise_only_valueerror(cls, raw):
    token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    for text in (token, raw.decode("latin-1")):
        with contextlib.suppress(ValueError):
            cls.from_token(text)


@settings(max_examples=200, deadline=None)
@given(
    params=st.dictionaries(
        st.sampled_from(list(share_link.CONFIG_PARAMS) + ["ws", "x"]), st.text(max_size=40)
    )
)
def test_random_query_parameters_raise_only_valueerror(params):
    try:
        shared = share_link.from_query(params)
    except ValueError:
        return
    for part in (shared.task, shared.model, shared.train):
        assert part is None or isinstance(part, Config)


@pytest.mark.parametrize(
    ("cls", "key", "text", "value"),
    [
        (ModelConfig, "bidirectional", "false", False),
        (ModelConfig, "bidirectional", "1", True),
        (ModelConfig, "normalization", "true", True),
        (ModelConfig, "unroll", "0", False),
        (ModelConfig, "reset_after", "false", False),
        (TaskConfig, "scale", "false", False),
        (PaddingConfig, "mask", "false", False),
        (TrainConfig, "fast", "0", False),
    ],
)
def test_booleans_from_a_link_are_parsed_never_truthy_strings(cls, key, text, value):
    base = {"kind": "forecast"} if cls is TaskConfig else {}
    token = base64.urlsafe_b64encode(json.dumps({**base, key: text}).encode()).decode()
    assert getattr(cls.from_token(token), key) is value


@pytest.mark.parametrize(
    ("cls", "given_", "message"),
    [
        (
            ModelConfig,
            {"bidirectional": "no"},
            "`bidirectional` must be True or False. Received: bidirectional='no'",
        ),
        (ModelConfig, {"bidirectional": 1}, "Received: bidirectional=1"),
        (TrainConfig, {"epochs": 2.0}, "`epochs` must be an integer from 1 to 1000. Received: epochs=2.0"),
        (TrainConfig, {"epochs": True}, "Received: epochs=True"),
        (TrainConfig, {"optimizer": "adamw"}, "`optimizer` must be one of ('rmsprop', 'adam', 'sgd')"),
        (TaskConfig, {"kind": "forecast", "padding": {"mask": "maybe"}}, "Received: mask='maybe'"),
        (TaskConfig, {"kind": "forecast", "padding": [1]}, "Received: padding=[1]"),
        (TaskConfig, {}, "`kind` must be given"),
        (ModelConfig, {"units": [8, True]}, "Received: units=(8, True)"),
        (TrainConfig, {"learning_rate": 10**400}, "`learning_rate` must be a finite number"),
    ],
)
def test_refusals_name_the_field_and_the_value(cls, given_, message):
    with pytest.raises(ValueError) as info:
        cls.from_dict(given_)
    assert message in str(info.value)


def test_unknown_keys_are_refused_with_the_known_ones():
    with pytest.raises(
        ValueError,
        match=r"Unknown TrainConfig setting\(s\): epoch\. Allowed: batch_size, class_weight, device",
    ):
        TrainConfig.from_dict({"epoch": 3})


def test_python_callers_get_no_string_parsing():
    with pytest.raises(ValueError, match="Received: fast='false'"):
        TrainConfig(fast="false")  # type: ignore[arg-type]
    assert check_value("fast", bool, {}, "false", outside=True) is False
