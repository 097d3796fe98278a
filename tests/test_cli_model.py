"""``python -m rnnlab params``."""

from __future__ import annotations

import argparse
import json

from rnnlab.cli import model as cli_model


def _run(argv, capsys):
    parser = argparse.ArgumentParser()
    cli_model.register(parser.add_subparsers())
    args = parser.parse_args(["params", *argv])
    code = args.func(args)
    return code, capsys.readouterr()


def test_gru_stack_json(capsys):
    code, out = _run(["--cell", "gru", "--units", "10,5", "--features", "3", "--json"], capsys)
    assert code == 0
    data = json.loads(out.out)
    assert [(r["units"], r["input_width"], r["params"]) for r in data["layers"]] == [
        (10, 3, 450),
        (5, 10, 255),
    ]
    assert data["total"] == 705
    assert data["layers"][1]["formula"] == "3·u·(u + d + 2) = 3·5·(5 + 10 + 2) = 255"
    assert set(data["layers"][0]) == {"name", "units", "input_width", "params", "formula"}


def test_bidirectional_and_output_dense(capsys):
    code, out = _run(
        ["--cell", "simple_rnn", "--units", "10", "--features", "3", "--outputs", "1", "--json"], capsys
    )
    assert json.loads(out.out)["total"] == 151
    code, out = _run(
        ["--cell", "lstm", "--units", "4,2", "--features", "3", "--bidirectional", "--json"], capsys
    )
    data = json.loads(out.out)
    # second layer reads both directions of the first: d = 2·4
    assert [r["input_width"] for r in data["layers"]] == [3, 8]
    assert data["total"] == 2 * 4 * 4 * (4 + 3 + 1) + 2 * 4 * 2 * (2 + 8 + 1)


def test_text_output(capsys):
    code, out = _run(["--cell", "simple_rnn", "--units", "2", "--features", "3"], capsys)
    assert code == 0
    assert "u·(u + d + 1) = 2·(2 + 3 + 1) = 12" in out.out
    assert "total" in out.out


def test_registered_and_through_the_dispatcher_bad_features_exit_2(capsys, monkeypatch):
    from rnnlab.cli import main as cli

    assert cli_model in cli.COMMAND_MODULES
    monkeypatch.setattr(cli, "COMMAND_MODULES", [cli_model])  # other areas' commands aside
    assert cli.main(["params", "--cell", "gru", "--units", "3", "--features", "0"]) == 2
    assert "features" in capsys.readouterr().err
    assert cli.main(["params", "--cell", "gru", "--units", "3", "--features", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 3 * 3 * (3 + 2 + 2)
