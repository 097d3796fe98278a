"""Numbers and time stamps as people export them: each file is written here, small and shaped like a real
export (a spreadsheet, a German and a French one, a logger with a ``#`` header, Unix seconds and
milliseconds, ISO stamps with a zone, the UCI household power file's ``Date;Time``), with values checked
by hand; ambiguous files are read no worse than before.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rnnlab.cli import main as cli
from rnnlab.data import numbers, sniff, unixtime
from rnnlab.data.dataset import DataError
from rnnlab.data.reader import read_csv
from rnnlab.data.summary import dataset_summary


def _read(text: str, **options):
    return read_csv(text.encode("utf-8"), name="export.csv", **options)


def _column(ds, name: str) -> list[float]:
    return ds.sequences[0][:, ds.feature_names.index(name)].tolist()


def _notes(ds) -> str:
    return "\n".join(ds.notes)


SPREADSHEET = """date,units,price,margin
2021-01-01,"12,600","$1,234.50",12.5%
2021-01-02,"12,750","$1,240.00",13%
2021-01-03,"13,002",$998.75,11.25%
2021-01-04,"1,100,250","$1,000,000.00",-2.5%
"""


def test_spreadsheet_thousands_currency_and_percent_become_numbers_with_a_note_each():
    ds = _read(SPREADSHEET)
    assert ds.layout == "series" and ds.feature_names == ["units", "price", "margin"]
    assert _column(ds, "units") == [12600.0, 12750.0, 13002.0, 1100250.0]
    assert _column(ds, "price") == [1234.5, 1240.0, 998.75, 1000000.0]
    assert _column(ds, "margin") == [12.5, 13.0, 11.25, -2.5]
    notes = _notes(ds)
    assert (
        "Column 'units' was read as numbers: thousands separators (',') removed ('12,600' → 12600)" in notes
    )
    assert "Column 'price'" in notes and "currency sign $ removed" in notes
    assert "Column 'margin'" in notes and "percent signs removed (12.5% is read as 12.5)" in notes
    assert ds.frequency == "daily"


GERMAN = """Datum;Umsatz;Menge;Anteil
01.02.2021;1.234,5;1 234;12,5 %
02.02.2021;2.345,75;2 000;7,25 %
03.02.2021;987,5;999;3 %
04.02.2021;12.000,0;10 500;100 %
"""


def test_german_export_with_dot_thousands_decimal_comma_and_day_first_dates():
    ds = _read(GERMAN)
    assert ds.feature_names == ["Umsatz", "Menge", "Anteil"]
    assert _column(ds, "Umsatz") == [1234.5, 2345.75, 987.5, 12000.0]
    assert _column(ds, "Menge") == [1234.0, 2000.0, 999.0, 10500.0]
    assert _column(ds, "Anteil") == [12.5, 7.25, 3.0, 100.0]
    info = dataset_summary(ds)
    assert (info["start"], info["end"], info["frequency"]) == ("2021-02-01", "2021-02-04", "daily")
    notes = _notes(ds)
    assert "Numbers use a decimal comma" in notes
    assert "thousands separators ('.') removed; decimal commas read as points ('1.234,5' → 1234.5)" in notes
    assert "Dates in column 'Datum' are written day first ('01.02.2021' is 1 February 2021)" in notes


def test_french_export_with_space_and_no_break_space_thousands():
    text = "date;production;stock\n2021-01-01;1 234;1\u00a0500,5\n2021-01-02;12 500;2\u00a0000,25\n2021-01-03;987;750,0\n"
    ds = _read(text)
    assert _column(ds, "production") == [1234.0, 12500.0, 987.0]
    assert _column(ds, "stock") == [1500.5, 2000.25, 750.0]
    assert "thousands separators (space) removed" in _notes(ds)
    assert "no-break space" in _notes(ds)


def test_logger_header_with_hash_spaces_and_quotes_is_cleaned_with_a_note():
    text = '#RSS_anchor1, RSS_anchor2, "temp C"\n-0.52, -0.61, 20.5\n-0.50, -0.66, 20.6\n-0.49, -0.70, 20.8\n'
    ds = _read(text)
    assert ds.feature_names == ["RSS_anchor1", "RSS_anchor2", "temp C"]
    assert _column(ds, "RSS_anchor2") == [-0.61, -0.66, -0.70]
    assert "Column names were cleaned: '#RSS_anchor1' → 'RSS_anchor1', '\"temp C\"' → 'temp C'" in _notes(ds)
    assert sniff.peek_columns(text.encode()) == ["RSS_anchor1", "RSS_anchor2", "temp C"]


def test_only_the_first_name_loses_its_hash():
    assert [sniff.clean_name(n, i == 0) for i, n in enumerate(["# t", "#count", "'x'"])] == [
        "t",
        "#count",
        "x",
    ]


# ---- ambiguous numbers are read no worse than before ----


def test_a_column_of_1_5_and_2_25_is_decimals_not_thousands():
    ds = _read('t,x\n1,"1,5"\n2,"2,25"\n3,"3,125"\n')
    assert _column(ds, "x") == [1.5, 2.25, 3.125]
    assert "decimal commas read as points" in _notes(ds)


def test_1_234_is_a_decimal_in_a_file_with_decimal_commas():
    ds = _read("datum;a;b\n2021-01-01;1,5;1,234\n2021-01-02;2,25;2,345\n2021-01-03;3,0;3,456\n")
    assert _column(ds, "b") == [1.234, 2.345, 3.456]
    assert numbers.clean_column(pd.Series(["1,234", "2,500"]), decimal=",")[0].tolist() == [1.234, 2.5]
    assert numbers.clean_column(pd.Series(["1,234", "2,500"]), decimal=".")[0].tolist() == [1234.0, 2500.0]


def test_euro_sign_after_the_amount_and_a_unicode_minus():
    values, what = numbers.clean_column(pd.Series(["1.234,50 €", "99,00 €", "\u22127,25 €"]), decimal=",")
    assert values.tolist() == [1234.5, 99.0, -7.25]
    assert "currency sign € removed" in what and "'−' read as a minus sign" in what


def test_1_234_next_to_12_60_in_one_column_is_a_decimal():
    ds = _read('t,x\n1,"1,234"\n2,"12,60"\n3,"7,5"\n')
    assert _column(ds, "x") == [1.234, 12.6, 7.5]


def test_text_that_only_looks_numeric_stays_text():
    for values in (["1.2.3", "1.2.4"], ["01.01.2021", "02.01.2021"], ["1,2,3", "4,5,6"], ["S01", "S02"]):
        assert numbers.clean_column(pd.Series(values)) is None, values


def test_a_stray_word_in_a_thousands_column_is_named_with_its_line():
    with pytest.raises(DataError, match=r"Column 'units' must hold numbers only. Received: '12a' on line 4"):
        _read('t,units,x\n1,"12,600",1\n2,"12,750",2\n3,12a,3\n4,"1,000",4\n')


# ---- time stamps ----


def _hourly_unix(start: int = 1609459200, n: int = 48, scale: int = 1) -> str:
    rows = [f"{(start + 3600 * i) * scale},{20 + (i % 24) / 2:.1f}" for i in range(n)]
    return "\n".join(rows) + "\n"


def test_unix_seconds_hourly_become_date_times_with_their_frequency():
    ds = _read("timestamp,value\n" + _hourly_unix())
    assert ds.time_index.dtype.kind == "M" and ds.frequency == "hourly"
    assert str(ds.time_index[0]) == "2021-01-01T00:00:00.000000000"
    assert str(ds.time_index[-1]) == "2021-01-02T23:00:00.000000000"
    info = dataset_summary(ds)
    assert (info["start"], info["end"]) == ("2021-01-01", "2021-01-02 23:00:00")
    assert ds.feature_names == ["value"]
    assert "holds Unix time in seconds (1609459200 is 2021-01-01 00:00:00 UTC)" in _notes(ds)


def test_unix_milliseconds_every_ten_minutes():
    rows = [f"{1612137600000 + 600_000 * i},{i % 7}.5" for i in range(30)]
    ds = _read("time_ms,level\n" + "\n".join(rows) + "\n")
    assert ds.time_name == "time_ms" and ds.feature_names == ["level"]
    assert ds.frequency == "every 10 minutes"
    assert str(ds.time_index[0]) == "2021-02-01T00:00:00.000000000"
    assert str(ds.time_index[3]) == "2021-02-01T00:30:00.000000000"
    assert "Unix time in milliseconds" in _notes(ds)


def test_unix_seconds_with_missing_steps_and_calendar_months_are_still_regular():
    months = [
        1609459200,
        1612137600,
        1614556800,
        1617235200,
        1619827200,
        1622505600,
        1625097600,
    ]  # 2021-01…07
    assert unixtime.is_regular(np.array(months, dtype=float))
    hourly_with_gap = np.array([0, 3600, 7200, 14400, 18000, 21600]) + 1609459200
    assert unixtime.is_regular(hourly_with_gap)


def test_ten_digit_ids_that_are_not_evenly_spaced_stay_numbers():
    ids = [1000000123, 1000500000, 1003000007, 1003000100, 1009999999, 1010000000, 1020000000]
    ds = _read("timestamp,x\n" + "\n".join(f"{v},{i}.5" for i, v in enumerate(ids)) + "\n")
    assert ds.time_index.dtype.kind == "f" and ds.frequency is None
    assert ds.time_index.tolist() == [float(v) for v in ids]
    assert "not evenly spaced, so they were kept as numbers" in _notes(ds)
    ds = _read("order_id,x\n" + "\n".join(f"{1000000000 + 3600 * i},{i}.5" for i in range(10)) + "\n")
    assert ds.time_name is None and "order_id" in ds.feature_names  # no time name: not read as a time


def test_years_stay_years():
    ds = _read("time,value\n" + "\n".join(f"{y},{y % 7}.5" for y in range(1990, 2031)) + "\n")
    assert ds.time_index.tolist() == [float(y) for y in range(1990, 2031)] and ds.frequency is None
    assert "Unix" not in _notes(ds)


def test_iso_stamps_with_zones_across_a_clock_change_are_read_in_utc():
    stamps = ["2021-03-27T22:00:00+01:00", "2021-03-27T23:00:00+01:00", "2021-03-28T00:00:00+01:00",
              "2021-03-28T01:00:00+01:00", "2021-03-28T03:00:00+02:00", "2021-03-28T04:00:00+02:00"]  # fmt: skip
    ds = _read("time,load\n" + "\n".join(f"{s},{i * 1.5}" for i, s in enumerate(stamps)) + "\n")
    assert [str(t)[:16] for t in ds.time_index] == [
        "2021-03-27T21:00", "2021-03-27T22:00", "2021-03-27T23:00",
        "2021-03-28T00:00", "2021-03-28T01:00", "2021-03-28T02:00",
    ]  # fmt: skip
    assert ds.frequency == "hourly" and ds.sequences[0][:, 0].tolist() == [0.0, 1.5, 3.0, 4.5, 6.0, 7.5]
    assert "carries time zones (+01:00, +02:00); the stamps were converted to UTC" in _notes(ds)


UCI = """Date;Time;Global_active_power;Global_reactive_power;Voltage
16/12/2006;23:56:00;4.216;0.418;234.840
16/12/2006;23:57:00;5.360;0.436;233.630
16/12/2006;23:58:00;?;?;?
16/12/2006;23:59:00;5.388;0.502;233.740
17/12/2006;00:00:00;3.666;0.528;235.680
17/12/2006;00:01:00;3.520;0.522;235.020
17/12/2006;00:02:00;3.702;0.520;235.090
17/12/2006;00:03:00;3.700;0.520;235.220
"""


def test_uci_household_power_date_and_time_columns_are_joined():
    ds = _read(UCI)
    assert ds.layout == "series" and ds.time_name == "Date+Time" and ds.frequency == "every minute"
    assert ds.feature_names == ["Global_active_power", "Global_reactive_power", "Voltage"]
    info = dataset_summary(ds)
    assert (info["start"], info["end"]) == ("2006-12-16 23:56:00", "2006-12-17 00:03:00")
    assert _column(ds, "Global_active_power")[2] == pytest.approx((5.360 + 5.388) / 2)  # the '?' row filled
    notes = _notes(ds)
    assert "Columns 'Date' and 'Time' were joined into one time stamp" in notes
    assert "day first ('16/12/2006 23:56:00' is 16 December 2006)" in notes
    assert "Non-numeric column 'Time'" not in notes


def test_us_month_first_dates_stay_month_first():
    ds = _read("date,v\n12/30/2020,1\n12/31/2020,2\n01/01/2021,3\n01/02/2021,4\n")
    assert str(ds.time_index[0])[:10] == "2020-12-30" and ds.frequency == "daily"
    assert "day first" not in _notes(ds)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("spreadsheet.csv", SPREADSHEET, {"features": ["units", "price", "margin"], "frequency": "daily"}),
        ("power.txt", UCI, {"time_column": "Date+Time", "start": "2006-12-16 23:56:00"}),
        ("unix.csv", "timestamp,value\n" + _hourly_unix(), {"frequency": "hourly", "start": "2021-01-01"}),
    ],
)
def test_describe_json_shows_the_conversions(tmp_path, capsys, name, text, expected):
    path = tmp_path / name
    path.write_text(text)
    assert cli.main(["describe", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in expected} == expected
    assert any("read as" in note or "joined" in note for note in out["notes"])
