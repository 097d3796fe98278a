"""Reader: every layout, every option, every bad input (one test each), and round-trip properties."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rnnlab.data.dataset import DataError
from rnnlab.data.reader import read_csv

LONG = b"id,step,x,y,label\na,1,1,10,cat\na,2,2,20,cat\na,3,3,30,cat\nb,1,4,40,dog\nb,2,5,50,dog\n"


# ---- layouts ----------------------------------------------------------------
def test_long_layout_groups_sorts_and_labels():
    data = b"id,step,x,label\nb,2,5,1\na,2,2,0\na,1,1,0\nb,1,4,1\nc,1,7,0\nc,2,8,0\nd,1,1,1\nd,2,1,1\n"
    ds = read_csv(data)
    assert ds.layout == "long" and "repeats" in ds.detection
    assert ds.ids == ["b", "a", "c", "d"]
    np.testing.assert_array_equal(ds.sequences[0].ravel(), [4, 5])  # sorted by step
    np.testing.assert_array_equal(ds.sequences[1].ravel(), [1, 2])
    assert ds.labels.tolist() == [1, 0, 0, 1] and ds.label_kind == "class"


def test_long_string_labels_are_classes():
    ds = read_csv(LONG)
    assert (
        ds.feature_names == ["x", "y"] and ds.labels.tolist() == ["cat", "dog"] and ds.label_kind == "class"
    )
    assert ds.lengths.tolist() == [3, 2] and ds.is_ragged


def test_long_label_varying_within_sequence_becomes_step_targets():
    ds = read_csv(b"id,t,x,target\na,1,1,5\na,2,2,6\nb,1,3,7\nb,2,4,7\n")
    assert ds.labels is None and ds.step_target_names == ["target"]
    np.testing.assert_array_equal(ds.step_targets[0], [5, 6])
    assert "tag" in ds.allowed_tasks()


def test_wide_layout_with_ragged_rows_and_split():
    header = "id,split,label," + ",".join(f"t{i:02d}" for i in range(12))
    rows = [
        "0,train,1," + ",".join(str(i) for i in range(12)),
        "1,test,2," + ",".join(str(i) for i in range(5)) + "," * 7,
    ]
    ds = read_csv(("\n".join([header, *rows]) + "\n").encode())
    assert ds.layout == "wide" and "numbered columns" in ds.detection
    assert ds.lengths.tolist() == [12, 5] and ds.feature_names == ["value"]
    assert ds.splits.tolist() == ["train", "test"] and ds.labels.tolist() == [1, 2]


def test_series_layout_with_dates_and_frequency():
    ds = read_csv(b"date,a,b\n2020-01-01,1,5\n2020-01-02,2,6\n2020-01-03,3,7\n")
    assert ds.layout == "series" and ds.frequency == "daily" and ds.time_name == "date"
    assert ds.tensor_shape == (1, 3, 2) and ds.time_index.dtype.kind == "M"


@pytest.mark.parametrize(
    ("stamps", "frequency"),
    [
        (["2020-01-01 00:00", "2020-01-01 01:00", "2020-01-01 02:00"], "hourly"),
        (["2020-01-05", "2020-01-12", "2020-01-19"], "weekly"),
        (["2020-01", "2020-02", "2020-03"], "monthly"),
        (["2020Q1", "2020Q2", "2020Q3"], "quarterly"),
        (["2018-01-01", "2019-01-01", "2020-01-01"], "yearly"),
    ],
)
def test_series_frequency_inference(stamps, frequency):
    text = "time,v\n" + "".join(f"{s},{i}\n" for i, s in enumerate(stamps))
    assert read_csv(text.encode()).frequency == frequency


def test_split_date_columns_are_combined():
    ds = read_csv(b"year,month,day,value\n2020,1,1,3\n2020,1,2,4\n2020,1,3,5\n")
    assert ds.layout == "series" and ds.feature_names == ["value"] and ds.frequency == "daily"
    assert str(ds.time_index[1])[:10] == "2020-01-02"


def test_series_rows_out_of_order_are_sorted():
    ds = read_csv(b"date,v\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n")
    np.testing.assert_array_equal(ds.sequences[0].ravel(), [1, 2, 3])
    assert any("sorted" in n for n in ds.notes)


def test_overrides_layout_and_columns():
    ds = read_csv(
        b"who,when,v\nx,1,1\nx,2,2\ny,1,3\ny,2,4\n", layout="long", id_column="who", time_column="when"
    )
    assert ds.layout == "long" and ds.detection.startswith("long: chosen") and ds.tensor_shape == (2, 2, 1)
    ds = read_csv(LONG, feature_columns=["y"])
    assert ds.feature_names == ["y"]


def test_label_kind_can_be_forced():
    data = b"id,t,x,label\na,1,1,1\na,2,2,1\nb,1,3,2\nb,2,4,2\nc,1,1,1\nc,2,1,1\n"
    assert read_csv(data).label_kind == "class"
    ds = read_csv(data, label_kind="value")
    assert ds.label_kind == "value" and ds.labels.dtype == np.float64


def test_many_distinct_integer_labels_are_values():
    ds = read_csv(b"id,t,x,label\na,1,1,110\na,2,1,110\nb,1,1,125\nb,2,1,125\nc,1,1,30\nc,2,1,30\n")
    assert ds.label_kind == "value"


# ---- file formats --------------------------------------------------------------
@pytest.mark.parametrize("sep", [";", "\t"])
def test_separators(sep):
    ds = read_csv(LONG.replace(b",", sep.encode()))
    assert ds.feature_names == ["x", "y"] and ds.n_sequences == 2


def test_quoted_headers_and_bom():
    ds = read_csv(b'\xef\xbb\xbf"id","step","x value","label"\na,1,1,0\na,2,2,0\nb,1,3,1\nb,2,4,1\n')
    assert ds.feature_names == ["x value"] and any("byte-order mark" in n for n in ds.notes)


def test_latin1_file():
    ds = read_csv("date,température\n2020-01-01,1\n2020-01-02,2\n".encode("latin-1"))
    assert ds.feature_names == ["température"] and any("Latin-1" in n for n in ds.notes)


def test_gzip_bytes_are_unpacked():
    ds = read_csv(gzip.compress(LONG), name="x.csv.gz")
    assert ds.n_sequences == 2 and any("gzip" in n for n in ds.notes)


def test_no_header_mitbih_style_with_trailing_zero_padding():
    rows = [
        "1.0,0.5,0.25," + ",".join(["0.3"] * 9) + "," + ",".join(["0"] * 5) + ",2",
        ",".join(["0.7"] * 17) + ",0",
        ",".join(["0.1"] * 17) + ",2",
        ",".join(["0.2"] * 17) + ",0",
    ]
    data = ("\n".join(rows) + "\n").encode()
    ds = read_csv(data)
    assert (
        ds.layout == "wide" and ds.lengths.tolist() == [17, 17, 17, 17] and ds.labels.tolist() == [2, 0, 2, 0]
    )
    ds = read_csv(data, trailing_zeros_as_padding=True)
    assert ds.lengths.tolist() == [12, 17, 17, 17] and any("padding" in n for n in ds.notes)


def test_pad_value_marks_trailing_cells():
    header = "label," + ",".join(f"t{i}" for i in range(10))
    data = f"{header}\n1,{','.join(['5'] * 8)},-1,-1\n2,{','.join(['6'] * 10)}\n".encode()
    assert read_csv(data, pad_value=-1).lengths.tolist() == [8, 10]


# ---- missing values ------------------------------------------------------------
@pytest.mark.parametrize("token", ["", "NA", "NaN", "?"])
def test_missing_spellings_are_interpolated(token):
    data = f"date,v\n2020-01-01,1\n2020-01-02,{token}\n2020-01-03,3\n".encode()
    ds = read_csv(data)
    assert ds.sequences[0].ravel().tolist() == [1, 2, 3] and ds.missing_filled == 1
    assert any("interpolation" in n for n in ds.notes)


def test_fill_never_crosses_sequences_and_ffill_and_drop():
    data = b"id,t,v\na,1,1\na,2,\na,3,3\nb,1,\nb,2,10\nb,3,\nc,1,1\nc,2,2\n"
    ds = read_csv(data)
    assert [s.ravel().tolist() for s in ds.sequences] == [[1, 2, 3], [10, 10, 10], [1, 2]]
    ds = read_csv(data, fill="ffill")
    assert [s.ravel().tolist() for s in ds.sequences][:2] == [[1, 1, 3], [10, 10, 10]]
    ds = read_csv(b"id,t,v\na,1,1\na,2,\na,3,3\nb,1,5\nb,2,10\nb,3,\n", fill="drop")
    assert [s.ravel().tolist() for s in ds.sequences] == [[1, 3], [5, 10]]


def test_non_numeric_column_dropped_with_note_or_one_hot():
    data = b"date,temp,weather\n2020-01-01,1,rain\n2020-01-02,2,sun\n2020-01-03,3,rain\n"
    ds = read_csv(data)
    assert ds.feature_names == ["temp"] and any("'weather'" in n and "dropped" in n for n in ds.notes)
    ds = read_csv(data, one_hot=["weather"])
    assert ds.feature_names == ["temp", "weather=rain", "weather=sun"]
    np.testing.assert_array_equal(ds.sequences[0][:, 1], [1, 0, 1])


# ---- bad inputs: one test each, the message names the fault -------------------------
def _error(data, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        read_csv(data, **kwargs)
    return str(info.value)


def test_empty_file():
    assert "empty file" in _error(b"")


def test_header_only():
    message = _error(b"a,b,c\n")
    assert "header row only" in message and "a, b, c" in message


def test_binary_content():
    assert "binary" in _error(bytes(range(256)) * 4)


def test_spreadsheet_saved_as_csv():
    assert "spreadsheet" in _error(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100)


def test_utf16_with_bom():
    assert "UTF-16" in _error("a,b\n1,2\n3,4\n".encode("utf-16"))


def test_utf16_without_bom():
    assert "UTF-16" in _error("a,b\n1,2\n3,4\n".encode("utf-16-le"))


def test_no_numeric_column():
    message = _error(b"name,colour\nann,red\nbob,blue\n")
    assert "at least one numeric" in message and "name (text)" in message


def test_text_in_numeric_column_names_line_column_value():
    message = _error(b"date,v\n2020-01-01,1\n2020-01-02,12a\n2020-01-03,3\n")
    assert "'v'" in message and "'12a'" in message and "line 3" in message


def test_duplicate_column_names():
    message = _error(b"a,b,a\n1,2,3\n4,5,6\n")
    assert "unique" in message and "'a'" in message and "column 1 and column 3" in message


def test_sequence_of_one_step():
    message = _error(b"id,t,v\na,1,1\na,2,2\nb,1,3\n")
    assert "at least 2 steps" in message and "'b'" in message and "line 4" in message


def test_infinities():
    message = _error(b"date,v\n2020-01-01,1\n2020-01-02,inf\n2020-01-03,3\n")
    assert "finite" in message and "'v'" in message and "line 3" in message


def test_file_over_size_limit(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_UPLOAD_MB", "0.001")
    message = _error(b"a,b\n" + b"1,2\n" * 1000)
    assert "at most 0.0 MB" in message or "at most" in message and "MB" in message


def test_unknown_override_column():
    assert "id_column" in _error(LONG, id_column="nope")


def test_too_many_fields_on_a_line():
    message = _error(b"a,b\n1,2\n3,4,5\n")
    assert "line 3" in message


# ---- properties: well-formed files round-trip -------------------------------------
FLOATS = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 4))
PROP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROP
@given(
    st.lists(
        st.lists(st.lists(FLOATS, min_size=2, max_size=2), min_size=2, max_size=6), min_size=1, max_size=5
    )
)
def test_long_round_trip(sequences):
    lines = ["sequence_id,step,f1,f2"]
    for i, seq in enumerate(sequences):
        lines += [f"s{i},{t},{a!r},{b!r}" for t, (a, b) in enumerate(seq)]
    ds = read_csv(("\n".join(lines) + "\n").encode(), layout="long")
    assert ds.n_sequences == len(sequences)
    for got, want in zip(ds.sequences, sequences):
        np.testing.assert_array_equal(got, np.array(want))


@PROP
@given(
    st.lists(st.lists(FLOATS, min_size=2, max_size=14), min_size=1, max_size=5),
    st.sampled_from([",", ";", "\t"]),
)
def test_wide_round_trip(rows, sep):
    # rows that end in a run of one value are what padding looks like (MIT-BIH's trailing zeros): ambiguous
    assume(not any(len(r) >= 3 and len(set(r[-3:])) == 1 for r in rows))
    width = max(max(len(r) for r in rows), 10)
    lines = [sep.join(["id", "label", *[f"t{i:03d}" for i in range(width)]])]
    for i, row in enumerate(rows):
        lines.append(sep.join([str(i), str(i % 2), *[repr(v) for v in row], *[""] * (width - len(row))]))
    ds = read_csv(("\n".join(lines) + "\n").encode())
    assert ds.layout == "wide"
    for got, want in zip(ds.sequences, rows):
        np.testing.assert_array_equal(got.ravel(), np.array(want))


@PROP
@given(st.lists(st.lists(FLOATS, min_size=3, max_size=3), min_size=2, max_size=30))
def test_series_round_trip(rows):
    lines = ["date,a,b,c"]
    start = np.datetime64("2000-01-01")
    lines += [f"{start + i},{a!r},{b!r},{c!r}" for i, (a, b, c) in enumerate(rows)]
    ds = read_csv(("\n".join(lines) + "\n").encode())
    assert ds.layout == "series" and ds.frequency == "daily"
    np.testing.assert_array_equal(ds.sequences[0], np.array(rows))
