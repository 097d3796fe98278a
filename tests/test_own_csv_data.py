"""People's own CSV files: each common shape is read into the right sequences, with the reason in a note.

Every file is written here, small and of the same shape as the real one (never a copy of a download);
each shape is also checked through ``python -m rnnlab describe --json``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rnnlab.cli import main as cli
from rnnlab.data.reader import read_csv


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def air_quality(n: int = 120) -> bytes:
    """An hourly file whose first column is a running row number ``No``, with year/month/day/hour."""
    rng = np.random.default_rng(0)
    t = pd.date_range("2010-01-01", periods=n, freq="h")
    return _csv(pd.DataFrame({
        "No": np.arange(1, n + 1), "year": t.year, "month": t.month, "day": t.day, "hour": t.hour,
        "pm25": rng.normal(100, 20, n).round(1), "TEMP": rng.normal(0, 5, n).round(1),
    }))  # fmt: skip


def machines(n_machines: int = 12, seed: int = 0) -> bytes:
    """Machines × cycles (20–30 each): temperature, pressure and a text status per cycle, ``cycle`` counting."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(1, n_machines + 1):
        length = int(rng.integers(20, 31))
        for c in range(1, length + 1):
            status = "fail" if c > length - 4 else "ok"
            rows.append(
                (m, c, round(70 + 0.5 * c + rng.normal(0, 1), 2), round(rng.normal(30, 1), 2), status)
            )
    return _csv(pd.DataFrame(rows, columns=["machine", "cycle", "temperature", "pressure", "status"]))


def stores(n_stores: int = 6, n_weeks: int = 40) -> bytes:
    """Stores × weeks sorted by date (the stores interleave), text id ``S01`` …, a rising sales level."""
    rng = np.random.default_rng(1)
    rows = [
        (f"S{s:02d}", d.strftime("%Y-%m-%d"), round(100 * s + 5 * w + rng.normal(0, 2), 1))
        for w, d in enumerate(pd.date_range("2020-01-05", periods=n_weeks, freq="W"))
        for s in range(1, n_stores + 1)
    ]
    return _csv(pd.DataFrame(rows, columns=["store", "date", "sales"]))


def heartbeats(n: int = 40, width: int = 60) -> bytes:
    """No header, ``width`` values then the label; each row ends in a run of zeros (padding)."""
    rng = np.random.default_rng(2)
    X = np.zeros((n, width + 1))
    for i in range(n):
        length = int(rng.integers(20, width - 5))
        X[i, :length] = rng.random(length) + 0.05
        X[i, -1] = i % 3
    return "\n".join(",".join(f"{v:.6e}" for v in row) for row in X).encode() + b"\n"


def test_running_row_number_is_not_a_feature_and_can_come_back():
    ds = read_csv(air_quality())
    assert ds.layout == "series" and "No" not in ds.feature_names
    assert ds.feature_names == ["pm25", "TEMP"] and ds.frequency == "hourly"
    assert any("'No' was left out" in n and "row index" in n for n in ds.notes)
    back = read_csv(air_quality(), keep_columns=["No"])
    assert "No" in back.feature_names


def test_unnamed_counter_column_is_left_out():
    frame = pd.DataFrame({"Unnamed: 0": range(30), "value": np.sin(np.arange(30))})
    ds = read_csv(_csv(frame))
    assert ds.feature_names == ["value"]
    counter = pd.DataFrame({"n": range(1, 31), "value": np.sin(np.arange(30))})
    ds = read_csv(_csv(counter))
    assert ds.feature_names == ["value"] and any("counts the rows" in n for n in ds.notes)


def test_machines_step_counter_orders_and_status_is_a_class_per_step():
    ds = read_csv(machines())
    assert ds.layout == "long" and ds.n_sequences == 12
    assert ds.feature_names == ["temperature", "pressure"]  # cycle is a step counter, not a feature
    assert ds.time_name == "cycle" and any("inside each sequence" in n for n in ds.notes)
    assert ds.step_target_kind == "class" and ds.step_target_names == ["status"]
    assert set(np.concatenate(ds.step_targets)) == {"ok", "fail"}
    assert ds.allowed_tasks() == ["tag", "forecast"]
    assert "tag target" in ds.roles["status"] and "id" in ds.roles["machine"]


def test_machines_file_in_scrambled_order_is_sorted_within_each_sequence():
    frame = pd.read_csv(pd.io.common.BytesIO(machines()))
    shuffled = frame.sample(frac=1.0, random_state=3)
    ds = read_csv(_csv(shuffled), time_column="cycle")
    for seq in ds.sequences:  # temperature rises with the cycle inside every machine
        assert np.corrcoef(np.arange(len(seq)), seq[:, 0])[0, 1] > 0.8


def test_interleaved_panel_with_a_text_id_is_many_sequences():
    ds = read_csv(stores())
    assert ds.layout == "long" and ds.n_sequences == 6 and ds.ids[0] == "S01"
    assert "in groups that share time stamps" in ds.detection
    assert ds.frequency == "weekly" and ds.feature_names == ["sales"]
    for seq in ds.sequences:  # one store's weeks in order: sales rise by ~5 a week, never jump between stores
        assert np.all(np.abs(np.diff(seq[:, 0]) - 5) < 15)
    assert ds.allowed_tasks() == ["forecast"]


def test_integer_sequence_id_repeating_in_runs():
    frame = pd.DataFrame({"unit_no": np.repeat([7, 8, 9], 5), "x": np.arange(15.0) % 4})
    ds = read_csv(_csv(frame))
    assert ds.layout == "long" and ds.ids == [7, 8, 9]


def test_trailing_zeros_are_found_as_padding_and_the_switch_overrides():
    ds = read_csv(heartbeats())
    assert ds.layout == "wide" and ds.is_ragged and ds.lengths.max() < 60
    assert any("Most rows end in a run of 0" in n and "real lengths are" in n for n in ds.notes)
    kept = read_csv(heartbeats(), trailing_zeros_as_padding=False)
    assert not kept.is_ragged and kept.lengths.min() == 60


def test_real_rows_without_a_trailing_run_are_not_padding():
    rng = np.random.default_rng(4)
    rows = rng.normal(size=(30, 40))
    text = "\n".join(",".join(f"{v:.4f}" for v in row) for row in rows).encode()
    ds = read_csv(text)
    assert not ds.is_ragged and not any("padding" in n for n in ds.notes)


def test_year_index_months_are_month_steps_not_dates_in_the_1700s():
    months = [f"{y}-{m:02d}" for y in range(1, 4) for m in range(1, 13)]
    ds = read_csv(_csv(pd.DataFrame({"Month": months, "Sales": np.arange(36.0) * 3 + 100})))
    assert ds.frequency == "monthly" and ds.time_index.tolist() == list(range(36))
    assert any("year index and a month" in n for n in ds.notes)


@pytest.mark.parametrize("stamp", ["Q{q} {y}", "{y}-Q{q}", "{y} Q{q}"])
def test_quarter_strings(stamp):
    stamps = [stamp.format(q=q, y=y) for y in (2000, 2001, 2002) for q in (1, 2, 3, 4)]
    ds = read_csv(_csv(pd.DataFrame({"period": stamps, "gdp": np.arange(12.0) * 2.5 + 100})))
    assert ds.frequency == "quarterly" and str(ds.time_index[0])[:10] == "2000-01-01"


def test_year_month_day_columns_in_a_long_file():
    rows = [(c, 2020, m, 1, float(m + 10 * i)) for i, c in enumerate("ab") for m in range(1, 13)]
    ds = read_csv(_csv(pd.DataFrame(rows, columns=["city", "year", "month", "day", "temp"])))
    assert ds.layout == "long" and ds.frequency == "monthly" and ds.feature_names == ["temp"]


def test_implausible_dates_fall_back_to_ordinal_steps():
    frame = pd.DataFrame(
        {"when": ["0003-01-01", "0003-02-01", "0003-03-01", "0003-04-01"], "v": [1.0, 2, 3, 4]}
    )
    ds = read_csv(_csv(frame), time_column="when")
    assert ds.time_index.tolist() == [0, 1, 2, 3] and any("not plausible" in n for n in ds.notes)


def test_irregular_dates_fall_back_to_ordinal_steps():
    days = pd.to_datetime("2020-01-01") + pd.to_timedelta([0, 1, 40, 41, 200, 203, 600, 601], unit="D")
    frame = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "v": np.arange(8.0)})
    ds = read_csv(_csv(frame))
    assert ds.time_index.tolist() == list(range(8)) and any("irregular gaps" in n for n in ds.notes)


def test_text_label_constant_per_sequence_is_the_class():
    rows = [(u, t, float(t * (1 + (u % 2))), "fast" if u % 2 else "slow") for u in range(6) for t in range(5)]
    ds = read_csv(_csv(pd.DataFrame(rows, columns=["unit", "t", "speed", "kind"])))
    assert ds.label_kind == "class" and ds.labels.tolist() == ["slow", "fast"] * 3
    assert "label" in ds.roles["kind"]


@pytest.mark.parametrize(
    "make, layout, n",
    [(air_quality, "series", 1), (machines, "long", 12), (stores, "long", 6), (heartbeats, "wide", 40)],
)
def test_describe_json(tmp_path, capsys, make, layout, n):
    path = tmp_path / "own.csv"
    path.write_bytes(make())
    assert cli.main(["describe", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["layout"] == layout and out["n_sequences"] == n and out["roles"]
    assert "None" not in json.dumps(out["notes"])


def test_a_counter_that_is_the_only_numeric_column_is_kept_with_a_note():
    ds = read_csv(_csv(pd.DataFrame({"value": range(40)})))
    assert ds.feature_names == ["value"] and any("only numeric column" in n for n in ds.notes)


def test_new_reading_options_travel_in_a_link():
    from rnnlab.data.read_options import check_read_options, read_options

    chosen = read_options(trailing_zeros_as_padding=False, keep_columns=["No"])
    assert chosen == {"trailing_zeros_as_padding": False, "keep_columns": ["No"]}
    assert check_read_options(chosen) == chosen
