"""``runs``, ``export`` and ``import`` on the command line."""

from __future__ import annotations

import argparse
import json
import zipfile

import pytest

from rnnlab.cli import runs as cli_runs
from rnnlab.runs.store import RunStore, new_workspace_id


def _main(argv: list[str]) -> int:
    """Run through this module's parsers alone (other areas' commands may still be landing)."""
    parser = argparse.ArgumentParser()
    cli_runs.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as err:  # what cli.main does
        print(f"error: {err}")
        return 2


def _store_with_runs():
    store, ws = RunStore(), new_workspace_id()
    for run_id, cell, mae in [("run-cli001", "gru", 1.5), ("run-cli002", "lstm", 2.5)]:
        store.start_run(run_id, {"workspace": ws, "dataset_ref": {"source": "bundled", "name": "sunspots"},
                                 "task": {"kind": "forecast"}, "model": {"cell": cell, "units": [8]},
                                 "train": {"seed": 0}, "params": 100})  # fmt: skip
        store.record_epoch(run_id, 0, {"loss": 1.0, "val_loss": 1.1, "mae": 0.9, "val_mae": 1.0})
        store.finish_run(run_id, {"status": "finished", "test": {"mae": mae}, "seconds": 2.0})
    return store, ws


def test_runs_table_and_json(capsys):
    _, ws = _store_with_runs()
    other = new_workspace_id()
    assert _main(["runs", "--workspace", ws]) == 0
    out = capsys.readouterr().out
    assert "run-cli001" in out and "run-cli002" in out and "LSTM" in out and "1.5" in out
    assert _main(["runs", "--workspace", ws, "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert {r["id"] for r in runs} == {"run-cli001", "run-cli002"}
    assert {r["test_metrics"]["mae"] for r in runs} == {1.5, 2.5}
    assert _main(["runs", "--workspace", other]) == 0
    assert "no runs" in capsys.readouterr().out
    assert _main(["runs", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["runs"]) == 2


def test_export_and_import(tmp_path, capsys):
    store, ws = _store_with_runs()
    out = tmp_path / "run.zip"
    assert _main(["export", "run-cli001", "-o", str(out)]) == 0
    names = set(zipfile.ZipFile(out).namelist())
    assert {"config.json", "metrics.json", "history.csv", "README.txt"} <= names
    other = new_workspace_id()
    capsys.readouterr()
    assert _main(["import", str(out), "--workspace", other, "--json"]) == 0
    new_id = json.loads(capsys.readouterr().out)["run_id"]
    assert store.get_run(new_id, workspace=other)["test_metrics"] == {"mae": 1.5}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "run-nope00", "-o", "x.zip"], "No run"),
        (["export", "../../etc", "-o", "x.zip"], "must be 6–64"),
        (["runs", "--workspace", "../x"], "must be 6–64"),
    ],
)
def test_bad_input_exits_2_with_a_message(argv, message, capsys):
    assert _main(argv) == 2
    assert message in capsys.readouterr().out


def test_registered_in_the_dispatcher():
    from rnnlab.cli import main as cli

    assert cli_runs in cli.COMMAND_MODULES


def test_new_workspace_ids_never_start_with_a_dash():
    ids = [new_workspace_id() for _ in range(2000)]
    assert all(i[0].isalpha() for i in ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize("form", ["spaced", "joined"])
def test_the_command_line_takes_any_valid_id_even_one_that_starts_with_a_dash(form, capsys):
    from rnnlab.cli import main as cli

    store, ws = RunStore(), "-dash_ws01"
    store.start_run("run-dash0001", {"workspace": ws, "dataset_ref": {"source": "bundled", "name": "sunspots"},
                                     "task": {"kind": "forecast"}, "model": {}, "train": {}})  # fmt: skip
    argv = (
        ["runs", "--workspace", ws, "--json"] if form == "spaced" else ["runs", f"--workspace={ws}", "--json"]
    )
    assert cli.main(argv) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["runs"]] == ["run-dash0001"]
