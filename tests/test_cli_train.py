"""``python -m rnnlab train``: one line per epoch on stderr, one JSON object on stdout."""

from __future__ import annotations

import argparse
import json

import pytest

from rnnlab.cli import train as cli_train


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli_train.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_train_command_prints_epochs_and_json(capsys):
    code = _run(["train", "ecg200", "--task", "classify", "--cell", "gru", "--units", "4", "--epochs", "2",
                 "--seed", "0", "--batch-size", "32", "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0
    assert [line.split()[1] for line in err.splitlines() if line.startswith("epoch ")] == ["1/2", "2/2"]
    result = json.loads(out)
    assert set(result) >= {"history", "test", "baselines", "verdict", "params", "seconds"}
    assert len(result["history"]["loss"]) == 2 and 0.0 <= result["test"]["accuracy"] <= 1.0
    assert result["params"] == 3 * 4 * (4 + 1 + 2) + (4 * 2 + 2)  # GRU(4) on 1 feature + Dense(2)
    assert any(row["name"] for row in result["baselines"])


def test_bad_setting_is_a_value_error_with_a_keras_style_message():
    with pytest.raises(ValueError, match="`batch_size` must be an integer from 1 to 4096"):
        _run(["train", "ecg200", "--units", "4", "--epochs", "1", "--batch-size", "0"])


def test_epoch_line():
    line = cli_train.epoch_line({"epoch": 3, "epochs": 20, "logs": {"loss": 0.41234}, "seconds": 2.06})
    assert line == "epoch 3/20  loss 0.4123  (2.1 s elapsed)"


def test_save_records_the_run_in_the_store_and_runs_lists_it(capsys):
    import os
    import subprocess
    import sys

    from rnnlab.cli import main as cli

    code = cli.main(["train", "three_cities", "--cell", "simple_rnn", "--units", "2", "--epochs", "1",
                     "--batch-size", "2", "--save", "--workspace", "class-ws-1", "--json"])  # fmt: skip
    out, _err = capsys.readouterr()
    assert code == 0
    result = json.loads(out)
    run_id = result["run_id"]
    assert run_id
    listed = subprocess.run(
        [sys.executable, "-m", "rnnlab", "runs", "--workspace", "class-ws-1", "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=True,
    )  # a separate process reads what the training wrote to $RNNLAB_DATA_DIR
    runs = json.loads(listed.stdout)["runs"]
    assert [r["id"] for r in runs] == [run_id]
    run = runs[0]
    assert run["status"] == "finished" and run["epochs_done"] == 1
    assert run["dataset_name"] == "three_cities" and run["task_kind"] == "regress"
    assert run["dataset_ref"] == {"source": "bundled", "name": "three_cities", "read_options": {}}
    assert run["params"] == result["params"] == 2 * (1 + 2 + 3) + 3  # SimpleRNN(2) on 3 features + Dense(1)
    assert run["model_path"] and os.path.exists(run["model_path"])
    from rnnlab.runs.store import RunStore

    assert RunStore().history(run_id)["loss"] == result["history"]["loss"]


def test_without_save_nothing_is_stored(capsys):
    from rnnlab.cli import main as cli
    from rnnlab.runs.store import RunStore

    assert cli.main(["train", "three_cities", "--units", "2", "--epochs", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["run_id"] is None
    assert RunStore().list_runs(None) == []


def test_bad_workspace_is_refused_before_training(capsys):
    from rnnlab.cli import main as cli

    assert cli.main(["train", "three_cities", "--units", "2", "--epochs", "1", "--workspace", "../x"]) == 2
    assert "workspace id" in capsys.readouterr().err


def test_dataset_ref_of_a_csv_file_is_its_name_and_hash(tmp_path):
    import hashlib

    path = tmp_path / "mine.csv"
    path.write_bytes(b"a,b\n1,2\n")
    ref = cli_train.dataset_ref(str(path))
    assert ref == {
        "source": "upload",
        "name": "mine.csv",
        "sha256": hashlib.sha256(b"a,b\n1,2\n").hexdigest(),
        "read_options": {},
    }


def test_a_lesson_is_reproducible_headless_and_any_option_overrides_its_preset(capsys):
    code = _run(["train", "--lesson", "three_cities", "--epochs", "3", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    config = result["config"]
    assert config["model"]["cell"] == "simple_rnn" and config["model"]["units"] == [2]  # the lesson's model
    assert config["train"]["learning_rate"] == 0.01 and config["train"]["epochs"] == 3  # …with --epochs on top
    assert config["task"]["val_share"] == 0.0 and config["task"]["split_mode"] == "random"
    verdict = result["verdict"]
    assert verdict["outcome"] in ("win", "mixed", "tie", "loss") and verdict["n_test"] == 1
    assert "Judged on only 1 test sequence" in verdict["text"]
    assert _run(["train", "--lesson", "three_cities", "--epochs", "1", "--units", "3", "--cell", "gru",
                 "--json"]) == 0  # fmt: skip
    config = json.loads(capsys.readouterr().out)["config"]
    assert config["model"]["cell"] == "gru" and config["model"]["units"] == [3]


def test_an_unknown_lesson_names_the_lessons():
    with pytest.raises(ValueError, match="`lesson` must be one of"):
        _run(["train", "--lesson", "nope", "--epochs", "1"])
    with pytest.raises(ValueError, match="needs a dataset"):
        _run(["train", "--epochs", "1"])
