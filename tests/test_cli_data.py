"""``python -m rnnlab datasets`` / ``describe``: text, JSON, and DataError → stderr + exit 2."""

from __future__ import annotations

import json

from rnnlab.cli import main as cli
from rnnlab.data import catalog


def test_datasets_json_lists_every_key(capsys):
    assert cli.main(["datasets", "--json"]) == 0
    keys = [d["key"] for d in json.loads(capsys.readouterr().out)]
    assert "ecg5000" in keys and "flu_cases" in keys and len(keys) == len(catalog.list_datasets())


def test_datasets_text(capsys):
    assert cli.main(["datasets"]) == 0
    assert "three_cities" in capsys.readouterr().out


def test_describe_bundled_json(capsys):
    assert cli.main(["describe", "three_cities", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["layout"] == "long" and out["n_sequences"] == 3 and out["min_length"] == out["max_length"] == 4
    assert out["n_features"] == 3 and out["features"] == ["temperature", "wind_speed", "pollution"]
    assert out["label"] == "next_day_pollution" and out["classes"] is None
    assert out["missing_filled"] == 0 and isinstance(out["notes"], list)


def test_describe_csv_with_overrides(tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("who,when,v,label\nx,1,1,a\nx,2,2,a\ny,1,3,b\ny,2,4,b\n")
    assert (
        cli.main(
            [
                "describe",
                str(path),
                "--layout",
                "long",
                "--id-column",
                "who",
                "--time-column",
                "when",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["classes"] == {"a": 1, "b": 1} and out["n_sequences"] == 2


def test_describe_text_output(capsys):
    assert cli.main(["describe", "co2"]) == 0
    out = capsys.readouterr().out
    assert "(n_sequences, n_observations, n_features) = (1, 2284, 2)" in out and "weekly" in out


def test_bad_csv_prints_message_and_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,12a\n4,5\n")
    assert cli.main(["describe", str(path)]) == 2
    err = capsys.readouterr().err
    assert "12a" in err and "Traceback" not in err


def test_unknown_data_exits_2(capsys):
    assert cli.main(["describe", "no_such_thing"]) == 2
    assert "bundled dataset" in capsys.readouterr().err
