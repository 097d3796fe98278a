"""Fuzzing the CSV reader with malformed and adversarial files.

Every generated file either loads into a SequenceDataset or raises DataError with a
message; nothing else may escape. The default run uses a few hundred examples; the
``slow`` set (``make test-all``) runs at least 2,000.
"""

from __future__ import annotations

import gzip
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlab.data.dataset import DataError, SequenceDataset
from rnnlab.data.reader import read_csv

FAST = settings(
    max_examples=int(os.environ.get("RNNLAB_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(
    max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

NASTY_CELLS = [
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A9)",
    "-2+3",
    '@HYPERLINK("x")',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "NaN",
    "inf",
    "-inf",
    "?",
    "NA",
    "",
    " ",
    "1e309",
    "0x1F",
    "1,5",
    '"quoted, comma"',
    "😀",
    "\x00",
    "12a",
    "1.2.3",
    "--",
    "null",
    "True",
]


def _check(data: bytes) -> None:
    try:
        ds = read_csv(data, name="fuzz.csv")
    except DataError as err:
        assert str(err).strip(), "a DataError must carry a message"
        return
    assert isinstance(ds, SequenceDataset)
    for seq in ds.sequences:
        assert seq.ndim == 2 and seq.shape[1] == ds.n_features
        assert np.isfinite(seq).all(), "a loaded dataset must not contain NaN or infinity"


cell = st.one_of(
    st.sampled_from(NASTY_CELLS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.text(max_size=12),
)
sep = st.sampled_from([",", ";", "\t", "|"])


@st.composite
def table_csv(draw) -> bytes:
    """A table of random shape with nasty cells, random separator, header and encoding."""
    n_cols = draw(st.integers(1, 8))
    n_rows = draw(st.integers(0, 12))
    s = draw(sep)
    header = [
        draw(
            st.one_of(
                st.sampled_from(["id", "step", "label", "date", "<b>x</b>", "=1+1", "a", "a"]),
                st.text(max_size=8),
            )
        )
        for _ in range(n_cols)
    ]
    rows = [[draw(cell) for _ in range(n_cols)] for _ in range(n_rows)]
    text = "\n".join(s.join(r) for r in ([header] if draw(st.booleans()) else []) + rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, max(0, len(data))))]  # truncated
    if draw(st.integers(0, 9)) == 0:
        data = gzip.compress(data)
    return data


@FAST
@given(st.binary(max_size=2048))
def test_random_bytes_load_or_raise_dataerror(data):
    _check(data)


@FAST
@given(table_csv())
def test_malformed_tables_load_or_raise_dataerror(data):
    _check(data)


@pytest.mark.slow
@SLOW
@given(st.one_of(st.binary(max_size=4096), table_csv()))
def test_two_thousand_fuzzed_files(data):
    _check(data)


def test_huge_field_and_many_columns_are_handled():
    _check(b"a,b\n" + b"1," + b"9" * 5_000_000 + b"\n")
    _check(
        (",".join(f"c{i}" for i in range(200_000)) + "\n" + ",".join("1" for _ in range(200_000))).encode()
    )


def test_formula_and_html_headers_are_kept_as_plain_text():
    data = b'"=cmd|\' /C calc\'!A0","<script>alert(1)</script>"\n1,2\n2,3\n3,4\n'
    try:
        ds = read_csv(data, name="evil.csv")
    except DataError:
        return
    assert any("<script>" in name or "=cmd" in name for name in ds.feature_names)
