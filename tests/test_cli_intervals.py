"""``python -m rnnlab train … --intervals LEVEL --json``: the intervals' level, coverage and width, and the
classical reference as a row of ``baselines`` that never picks the verdict."""

from __future__ import annotations

import argparse
import doctest
import json

import pytest

from rnnlab.cli import train as cli_train

pytest.importorskip("keras")


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli_train.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_forecast_json_has_intervals_at_the_level_asked_and_the_classical_reference(capsys):
    code = _run(["train", "sunspots", "--task", "forecast", "--window", "12", "--cell", "gru", "--units", "4",
                 "--epochs", "1", "--seed", "0", "--intervals", "0.8", "--json"])  # fmt: skip
    out, _err = capsys.readouterr()
    assert code == 0
    result = json.loads(out)
    intervals = result["intervals"]
    assert intervals["level"] == 0.8 and result["config"]["train"]["intervals"] == 0.8
    assert 0.0 <= intervals["coverage_test"] <= 1.0 and intervals["width_mean"] > 0
    assert intervals["width_mean"] == pytest.approx(2 * intervals["q"][0])
    assert intervals["n_calibration"] > 100
    reference = result["baselines"][-1]
    assert reference["name"] == "ETS (classical reference)" and reference["reference"] is True
    assert reference["test"]["mae"] > 0 and "fitted on the training part only" in reference["note"]
    assert result["best_baseline"] != reference["name"]
    assert reference["name"] not in [r["name"] for r in result["verdict"]["better"]]


def test_text_output_says_the_coverage_beside_the_level(capsys):
    code = _run(["train", "sunspots", "--task", "forecast", "--cell", "gru", "--units", "2", "--epochs", "1"])
    out, _err = capsys.readouterr()
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("intervals: "))
    assert line.startswith("intervals: 90 % intervals cover ") and "of the test values" in line


def test_a_classifier_gets_its_calibration(capsys):
    code = _run(["train", "ecg200", "--task", "classify", "--cell", "gru", "--units", "2", "--epochs", "1", "--json"])
    out, _err = capsys.readouterr()
    assert code == 0
    result = json.loads(out)
    assert "intervals" not in result
    calibration = result["calibration"]
    assert 0.0 <= calibration["ece"] <= 1.0 and len(calibration["bins"]) == 10
    assert sum(b["count"] for b in calibration["bins"]) == calibration["n_test"]


def test_a_level_out_of_bounds_is_refused_before_training():
    with pytest.raises(ValueError, match="`intervals` must be a finite number from 0.5 to 0.99"):
        _run(["train", "sunspots", "--epochs", "1", "--intervals", "1.5"])


def test_uncertainty_json_shapes():
    assert cli_train.uncertainty_json(None) == {}
    assert cli_train.uncertainty_json({"kind": "calibration", "ece": 0.1}) == {"calibration": {"ece": 0.1}}


def test_doctests():
    assert doctest.testmod(cli_train).failed == 0
