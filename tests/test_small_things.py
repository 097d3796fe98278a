"""The small things a new user's walk saw: plurals, whole-step length axes."""

from __future__ import annotations

import numpy as np

from rnnlab.core.words import plural
from rnnlab.data.dataset import SequenceDataset
from rnnlab.plots import data as plots_data


def test_plural_says_one_run_and_one_sequence():
    assert plural(1, "run") == "1 run" and plural(0, "run") == "0 runs"
    assert plural(1, "sequence") == "1 sequence" and plural(108000, "step") == "108,000 steps"


def test_fixed_length_histogram_has_one_whole_tick_not_139_6_to_140_4():
    ds = SequenceDataset("fixed", "wide", [np.zeros((140, 1))] * 5, ["value"])
    fig = plots_data.length_histogram(ds)
    assert fig.layout.xaxis.type == "category" and list(fig.data[0].x) == [140]
    assert "all 5 sequences have 140 steps" in fig.layout.title.text


def test_one_random_sequence_is_singular():
    ds = SequenceDataset("one", "long", [np.arange(6.0)[:, None]], ["v"])
    fig = plots_data.random_sequences(ds, seed=0)
    assert fig.layout.title.text == "1 random sequence"


def test_scoreboard_table_never_shows_a_literal_none():
    from rnnlab.plots.task import scoreboard_table

    board = [{"name": "last value", "val": {"mae": float("nan")}, "test": {"mae": 1.0}},
             {"name": "drift", "val": {"mae": float("nan")}, "test": {"mae": float("nan")}}]  # fmt: skip
    rows = scoreboard_table(board, "last value")
    assert rows == [{"baseline": "★ last value", "test mae": "1"}, {"baseline": "drift", "test mae": "—"}]
