"""Share links: every configuration survives the trip through URL query parameters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rnnlab.models.config import ModelConfig
from rnnlab.runs import share_link
from rnnlab.task.types import PaddingConfig, TaskConfig
from rnnlab.training.config import TrainConfig

small = st.integers(min_value=1, max_value=64)
share = st.sampled_from([0.1, 0.15, 0.2, 0.25])
names = st.lists(st.sampled_from(["a", "b", "temperature", "wind speed", "ünï"]), max_size=3, unique=True)

paddings = st.builds(
    PaddingConfig,
    side=st.sampled_from(["pre", "post"]),
    length=st.one_of(st.none(), small),
    truncating=st.sampled_from(["pre", "post"]),
    value=st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
    mask=st.booleans(),
)
task_kwargs = st.fixed_dictionaries(
    dict(
        kind=st.sampled_from(["classify", "regress", "forecast", "tag"]),
        window=small,
        horizon=st.integers(1, 12),
        offsets=st.one_of(
            st.just(()),
            st.lists(st.integers(1, 30), min_size=1, max_size=3, unique=True).map(
                lambda xs: tuple(sorted(xs))
            ),
        ),
        stride=st.integers(1, 8),
        input_columns=names.map(tuple),
        target_columns=names.map(tuple),
        val_share=share,
        test_share=share,
        split_mode=st.sampled_from(["auto", "random", "temporal", "stratified", "archive"]),
        seed=st.integers(0, 10_000),
        scale=st.booleans(),
        padding=paddings,
        season_length=st.one_of(st.none(), st.integers(1, 52)),
    )
)
models = st.builds(
    ModelConfig,
    cell=st.sampled_from(["simple_rnn", "lstm", "gru", "dense"]),
    units=st.lists(small, min_size=1, max_size=3).map(tuple),
    bidirectional=st.booleans(),
    dropout=st.sampled_from([0.0, 0.1, 0.5]),
    recurrent_dropout=st.sampled_from([0.0, 0.2]),
    head_units=st.lists(small, max_size=2).map(tuple),
    head_activation=st.sampled_from(["relu", "tanh"]),
    normalization=st.booleans(),
)
trains = st.builds(
    TrainConfig,
    optimizer=st.sampled_from(["rmsprop", "adam", "sgd"]),
    learning_rate=st.floats(min_value=1e-6, max_value=1.0, allow_nan=False),
    batch_size=st.integers(1, 512),
    epochs=st.integers(1, 500),
    patience=st.one_of(st.none(), st.integers(0, 20)),
    seed=st.integers(0, 2**31 - 1),
    device=st.sampled_from(["/CPU:0", "/GPU:0", "/GPU:1"]),
    fast=st.booleans(),
)


@st.composite
def valid_tasks(draw):
    """A TaskConfig from ``tasks``, skipping combinations the config itself rejects."""
    kwargs = draw(task_kwargs)
    try:
        return TaskConfig(**kwargs)
    except ValueError:
        assume(False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    dataset=st.sampled_from(["sunspots", "ecg5000", "japanese_vowels", "three_cities"]),
    task=valid_tasks(),
    model=models,
    train=trains,
    read_options=st.fixed_dictionaries(
        {},
        optional={
            "header": st.sampled_from(["auto", True, False]),
            "fill": st.sampled_from(["interpolate", "ffill", "drop"]),
            "one_hot": names,
            "pad_value": st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6)),
        },
    ),
)
def test_round_trip_through_a_url(dataset, task, model, train, read_options):
    shared = share_link.SharedConfig(dataset, read_options, task, model, train)
    url = share_link.link("http://localhost:8501/task", shared, present="1")
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert "ws" not in params and params["present"] == "1"
    back = share_link.from_query(params)
    assert back == shared
    assert back.task.padding == task.padding


def test_missing_parts_stay_none_and_other_params_are_ignored():
    back = share_link.from_query({"model": ModelConfig(cell="lstm", units=(4, 2)).to_token(), "ws": "x"})
    assert back.model == ModelConfig(cell="lstm", units=(4, 2))
    assert back.dataset is None and back.task is None and back.train is None and not back.empty
    assert share_link.from_query({}).empty


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"model": "not-a-token"}, "model settings are not valid"),
        ({"ds": "../etc/passwd"}, "bundled dataset key"),
        ({"train": TrainConfig().to_token()[:-6]}, "train settings are not valid"),
        ({"model": "A" * 5000}, "at most 4000"),
        ({"ro": "bm90IGpzb24"}, "read options could not be read"),
    ],
)
def test_bad_links_give_clear_messages(params, message):
    with pytest.raises(ValueError, match=message):
        share_link.from_query(params)


def test_invalid_config_values_in_a_link_are_refused():
    import base64
    import json

    token = base64.urlsafe_b64encode(json.dumps({"cell": "gru", "units": [0]}).encode()).decode()
    with pytest.raises(ValueError, match="units"):
        share_link.from_query({"model": token})


def test_uploaded_datasets_cannot_travel():
    with pytest.raises(ValueError, match="Only a bundled dataset"):
        share_link.to_query(dataset="my file.csv")


def test_a_share_link_never_carries_a_workspace_and_the_bookmark_link_only_does():
    shared = share_link.SharedConfig("sunspots", {}, None, ModelConfig(cell="lstm"), None)
    with pytest.raises(ValueError, match="must not carry ws"):
        share_link.link("http://localhost:8501/train", shared, ws="wAbcdefgh123")
    bookmark = share_link.bookmark_link("http://localhost:8501/train", "wAbcdefgh123")
    assert bookmark == "http://localhost:8501/train?ws=wAbcdefgh123"
    with pytest.raises(ValueError, match="workspace id"):
        share_link.bookmark_link("http://localhost:8501/train", "../etc")


def test_unknown_read_options_in_a_link_are_refused_with_the_known_ones():
    token = share_link._b64({"sep": ";"})
    with pytest.raises(
        ValueError, match=r"Unknown read option\(s\) in the link: sep\. Allowed: layout, id_column"
    ):
        share_link.from_query({"ds": "sunspots", "ro": token})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
option_names = st.sampled_from(share_link.READ_OPTION_KEYS)


@settings(max_examples=300, deadline=None)
@given(options=st.one_of(json_values, st.dictionaries(option_names, json_values, max_size=4)))
def test_any_json_as_read_options_is_checked_or_refused_with_a_value_error(options):
    try:
        back = share_link.from_query({"ds": "sunspots", "ro": share_link._b64(options)})
    except ValueError as err:
        assert "The link's read options" in str(err) or "Unknown read option" in str(err)
        return
    # what passes is what the reader takes: each value of its declared type
    for name, value in back.read_options.items():
        assert name in share_link.READ_OPTION_KEYS
        if name == "trailing_zeros_as_padding":
            assert value is None or isinstance(value, bool)  # None: padding found on its own
        elif name in ("one_hot", "feature_columns", "keep_columns") and value is not None:
            assert isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif name == "header":
            assert value == "auto" or isinstance(value, bool)
        elif name == "pad_value" and value is not None:
            assert isinstance(value, float)
        elif value is not None:
            assert isinstance(value, str)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"trailing_zeros_as_padding": "yes"}, "`trailing_zeros_as_padding` must be True or False"),
        ({"fill": 3}, r"`fill` must be one of \('interpolate', 'ffill', 'drop'\). Received: fill=3"),
        ({"one_hot": "city"}, "`one_hot` must be a list"),
        ({"header": 0}, "`header` must be True or False, 'auto' or None. Received: header=0"),
        ({"id_column": ["a"]}, "`id_column` must be a string or None"),
        ([1, 2], "must be a dict. Received: list"),
    ],
)
def test_malformed_read_option_values_name_the_option_and_the_value(options, message):
    with pytest.raises(ValueError, match=message):
        share_link.from_query({"ro": share_link._b64(options)})


def test_read_options_nested_too_deep_give_a_value_error():
    import base64

    token = base64.urlsafe_b64encode(b"[" * 2900 + b"]" * 2900).decode().rstrip("=")[:4000]
    with pytest.raises(ValueError, match="read options could not be read"):
        share_link.from_query({"ro": token})


def test_every_reader_option_has_a_declared_type():
    import dataclasses

    from rnnlab.data.read_options import ReadOptions

    assert tuple(f.name for f in dataclasses.fields(ReadOptions)) == share_link.READ_OPTION_KEYS


UPLOAD = {"name": "my readings.csv", "size": 2048, "sha256": "0f" * 32}


def test_an_uploaded_file_travels_as_its_description_and_only_a_chosen_share_as_a_token():
    task = TaskConfig("forecast", window=5)
    asked = share_link.to_query(task=task, read_options={"layout": "series"}, upload=UPLOAD)
    assert set(asked) == {"task", "ro", "uf"}  # the opener is told which file to upload
    back = share_link.from_query(asked)
    assert back.upload == UPLOAD and back.upload_token is None and back.dataset is None
    assert back.task == task and back.read_options == {"layout": "series"} and not back.empty
    token = "T" * 24
    shared = share_link.SharedConfig(None, {}, task, None, None, upload=UPLOAD, upload_token=token)
    url = share_link.link("http://localhost:8501/train", shared)
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert params["up"] == token and "ws" not in params and UPLOAD["sha256"] not in url  # inside the token
    assert share_link.from_query(params) == shared


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"up": "T" * 24}, "must come with its file"),
        ({"uf": share_link._b64(UPLOAD), "up": "../../etc"}, "20–64 URL-safe characters"),
        ({"uf": share_link._b64({**UPLOAD, "sha256": "../x"})}, "hash must be 64 hex digits"),
        ({"uf": share_link._b64({**UPLOAD, "name": "a\u202eb.csv"})}, "printable characters"),
        ({"uf": share_link._b64({**UPLOAD, "size": -1})}, "whole number"),
        ({"uf": share_link._b64(["x"])}, "described by name, size and sha256"),
        ({"uf": "bm90IGpzb24"}, "uploaded file could not be read"),
        ({"uf": share_link._b64(UPLOAD), "ds": "sunspots"}, "one dataset"),
    ],
)
def test_bad_upload_parts_of_a_link_give_clear_messages(params, message):
    with pytest.raises(ValueError, match=message):
        share_link.from_query(params)
