"""Every lesson, trained headless with its preset and seed, ends with the verdict its text states.

``bench/bench_lessons.py --write`` measures each lesson and writes what it measured into
``sample_data/lessons.json`` (``verdict``); the lesson texts quote those figures. The slow test trains every
lesson again through ``python -m rnnlab train --lesson KEY`` and checks the outcome; the quick ones check
that every lesson states one.
"""

from __future__ import annotations

import argparse
import json

import pytest

from rnnlab.cli import train as cli_train
from rnnlab.evaluation.verdict import OUTCOMES
from rnnlab.runs import lessons

LESSONS = lessons.list_lessons()


def _train(key: str, capsys) -> dict:
    parser = argparse.ArgumentParser()
    cli_train.register(parser.add_subparsers())
    args = parser.parse_args(["train", "--lesson", key, "--json"])
    assert args.func(args) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.key for lesson in LESSONS])
def test_every_lesson_states_a_measured_verdict(lesson):
    assert lesson.verdict.get("outcome") in OUTCOMES, f"{lesson.key}: run bench/bench_lessons.py --write"
    if lesson.race:
        assert set(lesson.verdict["cells"]) == set(lessons.RACE_CELLS)
        assert "simple_rnn" in lesson.verdict["cells"]  # SimpleRNN runs in the race


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.key for lesson in LESSONS])
def test_every_lesson_ends_with_the_verdict_its_text_states(lesson, capsys):
    out = _train(lesson.key, capsys)
    if lesson.race:
        assert out["winner"]["outcome"] == lesson.verdict["outcome"], out["winner"]["text"]
        assert out["winner"]["winner"] is not None
        cells = {run["cell"]: (run["verdict"] or {}).get("outcome") for run in out["race"]}
        assert cells == lesson.verdict["cells"]
    else:
        assert out["verdict"]["outcome"] == lesson.verdict["outcome"], out["verdict"]["text"]
