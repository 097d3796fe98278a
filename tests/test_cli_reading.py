"""Every command that reads a file takes the same reading options (rnnlab/cli/reading.py), validated by
ReadOptions, and a saved run keeps them in its dataset_ref."""

from __future__ import annotations

import argparse
import dataclasses
import json

import numpy as np
import pytest

from rnnlab.cli import main as cli
from rnnlab.data.read_options import NO_LABEL, ReadOptions

READING_COMMANDS = {"describe", "baselines", "train", "backtest"}
FIELDS = [f.name for f in dataclasses.fields(ReadOptions)]


def readings(n: int = 16, steps: int = 6) -> str:
    """A long file: ``sequence_ID``, two signals, a per-sequence score ``target`` and an integer ``class_label``.

    The detection takes ``target`` as the label (its name says so): classify needs ``--label-column class_label``.
    """
    rng = np.random.default_rng(0)
    lines = ["sequence_ID,signal_a,signal_b,target,class_label"]
    for sid in range(1, n + 1):
        score = round(rng.normal(50, 10), 2)
        for _ in range(steps + sid % 3):
            lines.append(f"{sid},{rng.normal() + sid % 2:.4f},{rng.normal():.4f},{score},{sid % 2}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def csv(tmp_path):
    path = tmp_path / "readings.csv"
    path.write_text(readings())
    return str(path)


def _json(argv, capsys) -> dict:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def _error(argv, capsys) -> str:
    assert cli.main(argv) == 2
    return capsys.readouterr().err


def test_every_command_that_reads_a_file_takes_every_reading_option():
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    reading = {name for name, sub in commands.items() if any(a.dest == "data" for a in sub._actions)}
    assert reading == READING_COMMANDS  # a new command that reads a file must call add_read_options too
    for name in sorted(reading):
        dests = {a.dest for a in commands[name]._actions}
        assert set(FIELDS) <= dests, (name, set(FIELDS) - dests)
        args = parser.parse_args([name, "x.csv", "--layout", "long", "--label-column", NO_LABEL, "--one-hot",
                                  "a", "b", "--trailing-zeros-as-padding", "no", "--header", "yes"])  # fmt: skip
        from rnnlab.cli.reading import read_options_from

        assert read_options_from(args) == ReadOptions(layout="long", label_column=NO_LABEL, one_hot=("a", "b"),
                                                      trailing_zeros_as_padding=False, header=True)  # fmt: skip


def test_describe_a_label_chosen_or_none(csv, capsys):
    detected = _json(["describe", csv, "--json"], capsys)
    assert detected["label"] == "target" and detected["tasks"] == ["regress", "forecast"]
    chosen = _json(["describe", csv, "--label-column", "class_label", "--json"], capsys)
    assert chosen["label"] == "class_label" and chosen["tasks"] == ["classify", "forecast"]
    assert chosen["classes"] == {"0": 8, "1": 8} and "target" in chosen["features"]
    none = _json(["describe", csv, "--label-column", NO_LABEL, "--json"], capsys)
    assert none["label"] is None and none["tasks"] == ["forecast"]
    assert {"target", "class_label"} <= set(none["features"])


def test_describe_a_bundled_dataset_under_a_persons_options(capsys):
    plain = _json(["describe", "three_cities", "--json"], capsys)
    none = _json(["describe", "three_cities", "--label-column", NO_LABEL, "--fill", "drop", "--json"], capsys)
    assert plain["label"] == "next_day_pollution" and none["label"] is None and none["tasks"] == ["forecast"]
    assert none["n_sequences"] == plain["n_sequences"]  # the catalog's id column still holds


def test_baselines_classify_with_the_label_chosen_forecast_only_without(csv, capsys):
    out = _json(["baselines", csv, "--label-column", "class_label", "--task", "classify", "--json"], capsys)
    assert out["task"] == "classify" and out["class_names"] == ["0", "1"] and out["baselines"]
    out = _json(["baselines", csv, "--label-column", NO_LABEL, "--json"], capsys)
    assert out["task"] == "forecast"
    err = _error(["baselines", csv, "--label-column", NO_LABEL, "--task", "classify"], capsys)
    assert "allows the tasks ['forecast']. Received: kind='classify'" in err


def test_train_classify_needs_the_label_column_and_the_saved_run_keeps_it(csv, capsys):
    from rnnlab.runs.store import RunStore

    err = _error(["train", csv, "--task", "classify", "--epochs", "1", "--units", "2"], capsys)
    assert "allows the tasks ['regress', 'forecast']. Received: kind='classify'" in err
    out = _json(["train", csv, "--label-column", "class_label", "--task", "classify", "--epochs", "1",
                 "--units", "2", "--save", "--json"], capsys)  # fmt: skip
    assert out["config"]["task"]["kind"] == "classify" and out["run_id"]
    (run,) = RunStore().list_runs(None)
    assert run["id"] == out["run_id"] and run["dataset_ref"]["source"] == "upload"
    assert run["dataset_ref"]["read_options"] == {"label_column": "class_label"}


def test_a_saved_run_of_a_bundled_dataset_keeps_the_options_given(capsys):
    from rnnlab.runs.store import RunStore

    _json(
        ["train", "three_cities", "--fill", "ffill", "--epochs", "1", "--units", "2", "--save", "--json"],
        capsys,
    )
    (run,) = RunStore().list_runs(None)
    assert run["dataset_ref"] == {
        "source": "bundled",
        "name": "three_cities",
        "read_options": {"fill": "ffill"},
    }


def test_backtest_reads_the_file_as_told_and_every_origin_keeps_the_options(tmp_path, capsys):
    from rnnlab.runs.store import RunStore

    path = tmp_path / "long_readings.csv"
    path.write_text(readings(n=4, steps=40))
    out = _json(["backtest", str(path), "--label-column", NO_LABEL, "--window", "4", "--origins", "2",
                 "--epochs", "1", "--units", "2", "--save", "--json"], capsys)  # fmt: skip
    assert out["config"]["task"]["kind"] == "forecast" and len(out["origins"]) == 2
    assert all(o["status"] in ("finished", "early_stopped") for o in out["origins"])
    runs = RunStore().list_runs(None)
    assert len(runs) == 2 and all(
        r["dataset_ref"]["read_options"] == {"label_column": NO_LABEL} for r in runs
    )


@pytest.mark.parametrize("command", sorted(READING_COMMANDS))
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--label-column", "nope"], "`label_column` must be one of the file's columns"),
        (["--id-column", ""], "`id_column` must be a column's name, not empty. Received: id_column=''"),
        (
            ["--pad-value", "0", "--trailing-zeros-as-padding", "no"],
            "Received: pad_value=0.0, trailing_zeros",
        ),
        (["--pad-value", "nan"], "`pad_value` must be a finite number or None. Received: pad_value=nan"),
        (["--time-column", "sequence_ID", "--id-column", "sequence_ID"], "must name different columns"),
    ],
)
def test_bad_reading_options_end_every_command_with_one_line(command, options, message, csv, capsys):
    err = _error([command, csv, *options, "--epochs", "1"] if command in ("train", "backtest")
                 else [command, csv, *options], capsys)  # fmt: skip
    assert err.startswith("error:") and message in err and "Traceback" not in err
