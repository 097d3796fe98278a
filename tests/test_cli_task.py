import argparse
import json

import pytest

from rnnlab.cli import main as cli
from rnnlab.cli import task as cli_task
from tests import task_data


@pytest.fixture(autouse=True)
def _bundled(monkeypatch):
    """Read the bundled files through the catalog (or the test fallback while the reader is missing)."""
    if not task_data.HAS_READER:
        labels = {"sunspots": "sunspots", "ecg5000": "label"}
        monkeypatch.setattr(cli_task, "load", lambda key: (task_data.bundled(key), labels.get(key)))


def _run(argv, capsys):
    parser = argparse.ArgumentParser()
    cli_task.register(parser.add_subparsers())
    args = parser.parse_args(["baselines", *argv])
    code = args.func(args)
    return code, capsys.readouterr().out


def test_registered_in_the_dispatcher():
    assert cli_task in cli.COMMAND_MODULES


def test_reference_split_json(capsys):
    code, out = _run(["sunspots", "--task", "forecast", "--window", "12", "--horizon", "1",
                      "--val-share", "0", "--test-share", "0.2", "--json"], capsys)  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["task"] == "forecast"
    assert data["X_shape"] == [3114, 12, 1] and data["y_shape"] == [3114]
    assert data["split"] == {"n_train": 2491, "n_val": 0, "n_test": 623,
                             "first_test_target": 3126 - 623, "last_test_target": 3125}  # fmt: skip
    last = next(r for r in data["baselines"] if r["name"] == "last value")
    assert round(last["test"]["mae"], 3) == 14.091 and last["val"]["mae"] is None


def test_offsets_json(capsys):
    _, out = _run(["sunspots", "--window", "12", "--offsets", "6", "--val-share", "0", "--test-share", "0.2",
                   "--json"], capsys)  # fmt: skip
    data = json.loads(out)
    assert data["split"]["last_test_target"] == 3125 and data["y_shape"] == [3109]
    assert round(next(r for r in data["baselines"] if r["name"] == "last value")["test"]["mae"], 3) == 21.265


def test_classify_archive_and_table(capsys):
    code, out = _run(["ecg5000", "--split-mode", "archive"], capsys)
    assert code == 0
    assert "X.shape = (n_SEQUENCES, n_OBSERVATIONS, n_FEATURES) = (5000, 140, 1)" in out
    assert "most frequent class" in out and "0.5838" in out


def test_bad_settings_raise_value_error(capsys):
    with pytest.raises(ValueError, match="`window` must be an integer from 1 to 100000. Received: window=0"):
        _run(["sunspots", "--window", "0"], capsys)
