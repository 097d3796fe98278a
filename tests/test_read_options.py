"""ReadOptions: the reading options as one frozen config — each rule with its Keras-style message, one
spelling of each reading, JSON and link round trips, and every way a file is read going through it."""

from __future__ import annotations

import dataclasses
import json
import math
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlab.data import catalog, reader
from rnnlab.data.read_options import (
    NO_LABEL,
    ReadOptions,
    as_read_options,
    check_read_options,
    read_options,
)

NAN, INF = float("nan"), float("inf")
LONG = b"id,step,x,label\na,1,1.0,0\na,2,2.0,0\nb,1,3.0,1\nb,2,4.0,1\n"

# ---- one field at a time: what must hold, then what was received ------------------------------------
FIELD_BAD = [
    ("layout", "tall", "`layout` must be one of ('long', 'wide', 'series'), 'auto' or None. Received: layout='tall'"),
    ("layout", 3, "Received: layout=3"),
    ("id_column", ["a"], "`id_column` must be a string or None. Received: id_column=['a']"),
    ("time_column", 1.5, "`time_column` must be a string or None. Received: time_column=1.5"),
    ("label_column", True, "`label_column` must be a string or None. Received: label_column=True"),
    ("label_kind", "number", "`label_kind` must be one of ('class', 'value') or None. Received: label_kind='number'"),
    ("feature_columns", (), "`feature_columns` must be a list of 1 to 10000 items, each a string or None. "
                            "Received: feature_columns=()"),
    ("feature_columns", "x", "Received: feature_columns='x'"),
    ("keep_columns", ("a", 1), "`keep_columns` must be a list of 0 to 10000 items, each a string. "
                               "Received: keep_columns=('a', 1)"),
    ("one_hot", "city", "`one_hot` must be a list of 0 to 10000 items, each a string. Received: one_hot='city'"),
    ("fill", "mean", "`fill` must be one of ('interpolate', 'ffill', 'drop'). Received: fill='mean'"),
    ("fill", None, "Received: fill=None"),
    ("header", "yes", "`header` must be True or False, 'auto' or None. Received: header='yes'"),
    ("header", 1, "Received: header=1"),
    ("pad_value", NAN, "`pad_value` must be a finite number or None. Received: pad_value=nan"),
    ("pad_value", INF, "Received: pad_value=inf"),
    ("pad_value", "0", "Received: pad_value='0'"),
    ("trailing_zeros_as_padding", "false", "`trailing_zeros_as_padding` must be True or False or None. "
                                           "Received: trailing_zeros_as_padding='false'"),
    ("trailing_zeros_as_padding", 0, "Received: trailing_zeros_as_padding=0"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "value", "message"), FIELD_BAD, ids=lambda v: str(v)[:30])
def test_each_field_is_checked_with_a_keras_style_message(name, value, message):
    with pytest.raises(ValueError) as info:
        ReadOptions(**{name: value})
    assert message in str(info.value)


# ---- rules between fields ----------------------------------------------------------------------------
TOGETHER_BAD = [
    ({"id_column": ""}, "`id_column` must be a column's name, not empty. Received: id_column=''"),
    ({"label_column": ""}, "Received: label_column=''"),
    ({"one_hot": ("city", "")}, "`one_hot` must hold columns' names, none empty. Received: one_hot=('city', '')"),
    ({"keep_columns": ("No", "No")}, "`keep_columns` must name each column once. Received: keep_columns=('No', 'No')"),
    ({"feature_columns": ("a", "b", "a")}, "`feature_columns` must name each column once"),
    ({"id_column": "day", "time_column": "day"},
     "`id_column`, `time_column` and `label_column` must name different columns. "
     "Received: id_column='day', time_column='day'"),
    ({"time_column": "t", "label_column": "t"}, "Received: time_column='t', label_column='t'"),
    ({"id_column": "id", "feature_columns": ("id", "x")},
     "`feature_columns` must not name the id, time or label column. "
     "Received: feature_columns=('id', 'x'), id_column='id'"),
    ({"pad_value": 0.0, "trailing_zeros_as_padding": False},
     "`pad_value` says which trailing cells of wide rows are padding and `trailing_zeros_as_padding=False` "
     "that there is none: give one or the other. Received: pad_value=0.0, trailing_zeros_as_padding=False"),
]  # fmt: skip


@pytest.mark.parametrize(("given_", "message"), TOGETHER_BAD, ids=lambda v: str(v)[:40])
def test_rules_between_fields_name_every_value_involved(given_, message):
    with pytest.raises(ValueError) as info:
        ReadOptions(**given_)
    assert message in str(info.value)
    with pytest.raises(ValueError):  # the same rule from a link or a stored run
        ReadOptions.from_dict(json.loads(json.dumps(given_)))


def test_the_edges_that_are_allowed():
    assert ReadOptions(label_column=NO_LABEL).label_column == "(none)"  # no label: not a missing column
    assert ReadOptions(pad_value=-1.0, trailing_zeros_as_padding=True).pad_value == -1.0
    assert ReadOptions(pad_value=0).pad_value == 0.0 and isinstance(ReadOptions(pad_value=0).pad_value, float)
    assert ReadOptions(feature_columns=["a"]).feature_columns == ("a",)  # a list from Python is a tuple
    assert ReadOptions(id_column="id", time_column="t", label_column="y").label_column == "y"


def test_unknown_options_are_refused_with_the_known_ones():
    with pytest.raises(
        ValueError, match=r"Unknown ReadOptions setting\(s\): sep\. Allowed: feature_columns, fill, "
    ):
        ReadOptions.from_dict({"sep": ";"})
    with pytest.raises(ValueError, match=r"Unknown ReadOptions setting\(s\): step_column"):
        reader.read_csv(LONG, step_column="step")  # was a keyword of read_csv; now one spelling, time_column
    with pytest.raises(ValueError, match="Read options must be a dict. Received: list"):
        check_read_options([1, 2])


# ---- one spelling of each reading --------------------------------------------------------------------
def test_auto_is_none_and_the_dict_keeps_only_what_differs_from_the_defaults():
    assert ReadOptions(layout="auto", header="auto") == ReadOptions()
    assert ReadOptions.from_dict({"layout": "auto", "header": "auto", "fill": "interpolate"}).to_dict() == {}
    chosen = ReadOptions(layout="wide", label_column="y", one_hot=("c",), header=False, pad_value=-1.0)
    assert chosen.to_dict() == {"layout": "wide", "label_column": "y", "one_hot": ["c"], "header": False,
                                "pad_value": -1.0}  # fmt: skip
    assert ReadOptions(trailing_zeros_as_padding=False).to_dict() == {"trailing_zeros_as_padding": False}


def test_the_data_pages_helper_and_the_link_check_give_the_configs_dict():
    assert read_options("long", "id", None, NO_LABEL, "drop") == {"layout": "long", "id_column": "id",
                                                                  "label_column": NO_LABEL, "fill": "drop"}  # fmt: skip
    assert check_read_options({"header": "true", "one_hot": ["c"]}) == {"header": True, "one_hot": ["c"]}
    assert check_read_options(ReadOptions(fill="ffill")) == {"fill": "ffill"}


def test_as_read_options_takes_the_config_its_dict_or_keywords_on_top():
    base = ReadOptions(layout="long")
    assert as_read_options(base) is base
    assert as_read_options() == ReadOptions()
    assert as_read_options({"layout": "long"}, fill="drop") == ReadOptions(layout="long", fill="drop")
    assert as_read_options(base, id_column="id").to_dict() == {"layout": "long", "id_column": "id"}
    with pytest.raises(ValueError, match="Read options must be a dict. Received: str"):
        as_read_options("long")  # type: ignore[arg-type]


def test_merged_puts_what_a_person_set_on_top_of_a_bundled_files_own():
    own = catalog.get_entry("three_cities").reader_options()
    assert own.id_column == "city" and own.label_kind == "value"
    mine = own.merged(ReadOptions(label_column=NO_LABEL, fill="drop"))
    assert (mine.id_column, mine.label_column, mine.fill) == ("city", NO_LABEL, "drop")
    with pytest.raises(ValueError, match="must name different columns"):
        own.merged(ReadOptions(id_column="day"))  # three_cities' time column


# ---- round trips -------------------------------------------------------------------------------------
def test_json_and_link_round_trips():
    chosen = ReadOptions(layout="long", id_column="sequence_ID", label_column="class_label", label_kind="class",
                         keep_columns=("No",), fill="ffill", header=True)  # fmt: skip
    assert ReadOptions.from_json(chosen.to_json()) == chosen
    assert ReadOptions.from_token(chosen.to_token()) == chosen
    assert ReadOptions.from_dict(json.loads(json.dumps(chosen.to_dict()))) == chosen
    assert ReadOptions.from_json(ReadOptions().to_json()) == ReadOptions()


names = st.text(min_size=1, max_size=6)
valid_options = st.builds(
    ReadOptions,
    layout=st.sampled_from([None, "auto", "long", "wide", "series"]),
    id_column=st.none() | st.just("id"),
    time_column=st.none() | st.just("t"),
    label_column=st.none() | st.sampled_from(["y", NO_LABEL]),
    label_kind=st.sampled_from([None, "class", "value"]),
    feature_columns=st.none()
    | st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, unique=True).map(tuple),
    keep_columns=st.lists(names, max_size=3, unique=True).map(tuple),
    one_hot=st.lists(names, max_size=3, unique=True).map(tuple),
    fill=st.sampled_from(["interpolate", "ffill", "drop"]),
    header=st.sampled_from([None, "auto", True, False]),
    pad_value=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    trailing_zeros_as_padding=st.sampled_from([None, True]),
)


@settings(max_examples=200, deadline=None)
@given(options=valid_options)
def test_every_valid_reading_round_trips_through_json_a_link_and_its_dict(options):
    assert ReadOptions.from_json(options.to_json()) == options
    assert ReadOptions.from_token(options.to_token()) == options
    assert check_read_options(options.to_dict()) == options.to_dict()  # the dict is its own canonical form


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.sampled_from(["auto", "long", "drop", "class", "true", "0", NO_LABEL]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
field_names = st.sampled_from([f.name for f in dataclasses.fields(ReadOptions)] + ["sep", "step_column"])


@settings(max_examples=300, deadline=None)
@given(given_=st.dictionaries(field_names, json_values, max_size=5))
def test_random_json_is_refused_with_a_value_error_or_kept_in_its_declared_type(given_):
    try:
        options = ReadOptions.from_dict(given_)
    except ValueError as err:
        assert "Received" in str(err) or "Unknown" in str(err), str(err)
        return
    hints = typing.get_type_hints(ReadOptions)
    for name, value in dataclasses.asdict(options).items():
        if value is None:
            assert type(None) in typing.get_args(hints[name])
        elif name in ("feature_columns", "keep_columns", "one_hot"):
            assert isinstance(value, tuple) and all(isinstance(v, str) and v for v in value)
        elif name == "pad_value":
            assert type(value) is float and math.isfinite(value)
        elif name in ("header", "trailing_zeros_as_padding"):
            assert isinstance(value, bool)
        elif name == "layout":
            assert value in ("long", "wide", "series")  # "auto" is kept as None
        else:
            assert isinstance(value, str) and value != ""
    assert ReadOptions.from_dict(options.to_dict()) == options


# ---- every way a file is read goes through it --------------------------------------------------------
def test_read_csv_takes_the_config_its_dict_or_keywords_alike():
    by_config = reader.read_csv(LONG, ReadOptions(label_column=NO_LABEL, fill="drop"))
    by_dict = reader.read_csv(LONG, {"label_column": NO_LABEL, "fill": "drop"})
    by_keywords = reader.read_csv(LONG, label_column=NO_LABEL, fill="drop")
    for ds in (by_config, by_dict, by_keywords):
        assert ds.labels is None and ds.feature_names == ["x", "label"]
    with pytest.raises(ValueError, match="Received: fill='mean'"):
        reader.read_csv(LONG, fill="mean")


def test_a_bundled_dataset_reads_the_same_with_the_config_a_dict_or_keywords():
    plain = catalog.load_dataset("three_cities")
    assert plain.label_names == ["next_day_pollution"]
    for ds in (catalog.load_dataset("three_cities", ReadOptions(label_column=NO_LABEL)),
               catalog.load_dataset("three_cities", {"label_column": NO_LABEL}),
               catalog.load_dataset("three_cities", label_column=NO_LABEL)):  # fmt: skip
        assert ds.labels is None and "next_day_pollution" in ds.feature_names
        assert ds.n_sequences == plain.n_sequences


def test_a_catalog_entry_with_bad_read_options_is_refused_by_name():
    raw = {"datasets": [{"key": "k", "title": "t", "description": "d", "file": "f.csv", "layout": "series",
                         "task": "forecast", "citation": "c", "licence": "l", "read_options": {"fill": "mean"}}]}  # fmt: skip
    with pytest.raises(ValueError, match=r"Catalog entry 'k' has bad read options: `fill` must be one of"):
        catalog.parse_catalog(json.dumps(raw))


def test_a_workspace_setup_keeps_valid_options_and_drops_invalid_ones(tmp_path):
    from rnnlab.runs.setups import load_setup, save_setup
    from rnnlab.runs.store import RunStore

    store = RunStore(tmp_path)
    save_setup(store, "w-reading01", {"read_options": ReadOptions(label_column=NO_LABEL, header="auto")})
    assert load_setup(store, "w-reading01").read_options == {"label_column": NO_LABEL}
    with pytest.raises(ValueError, match="Received: fill='mean'"):
        save_setup(store, "w-reading01", {"read_options": {"fill": "mean"}})
    with store.connect() as con:  # edited by hand
        con.execute("UPDATE workspace_setup SET setup=? WHERE workspace=?",
                    (json.dumps({"read_options": {"sep": ";"}, "train": {"epochs": 2}}), "w-reading01"))  # fmt: skip
    setup = load_setup(store, "w-reading01")
    assert setup.read_options == {} and setup.train.epochs == 2
    assert setup.problems == [setup.problems[0]] and setup.problems[0].startswith("read_options: Unknown")


def test_a_share_link_carries_the_configs_dict_and_nothing_for_the_defaults():
    from rnnlab.runs import share_link

    shared = share_link.SharedConfig(
        "sunspots", {"fill": "interpolate", "header": "auto", "layout": "series"}
    )
    assert shared.read_options == {"layout": "series"}
    params = share_link.to_query("sunspots", read_options={"fill": "interpolate"})
    assert "ro" not in params  # the defaults: nothing to carry
    params = share_link.to_query("sunspots", read_options=ReadOptions(fill="drop", label_column=NO_LABEL))
    assert share_link.from_query(params).read_options == {"label_column": NO_LABEL, "fill": "drop"}
    with pytest.raises(ValueError, match="must name different columns"):
        share_link.SharedConfig("sunspots", {"id_column": "a", "label_column": "a"})
