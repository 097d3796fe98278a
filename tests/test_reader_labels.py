"""Sequence labels found like ids: a column the same on every row of a sequence, with few values or a name
that says label, is the label (not a feature), with a note; the reading options can turn it off or pick
another. Files are written here, shaped like the indoor-movement file of Bacciu et al. (2014): a
``sequence_ID``, four signal columns and ``class_label`` = -1/1.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlab.cli import main as cli
from rnnlab.data import read_options
from rnnlab.data.dataset import MIN_PER_CLASS
from rnnlab.data.layouts import NO_LABEL
from rnnlab.data.reader import read_csv
from rnnlab.task import framing


def movement(n_sequences: int = 12, seed: int = 0, header: str = "#sequence_ID") -> bytes:
    """``sequence_ID, RSS_anchor1 … RSS_anchor4, class_label``: ragged runs of 5–8 rows, odd ids +1, even −1."""
    rng = np.random.default_rng(seed)
    lines = [f"{header}, RSS_anchor1, RSS_anchor2, RSS_anchor3, RSS_anchor4, class_label"]
    for sid in range(1, n_sequences + 1):
        for _ in range(5 + sid % 4):
            signals = ", ".join(f"{-0.5 + 0.1 * rng.normal():.6f}" for _ in range(4))
            lines.append(f"{sid}, {signals}, {1 if sid % 2 else -1}")
    return ("\n".join(lines) + "\n").encode()


def activities(n_subjects: int = 15) -> bytes:
    """Subjects × 6 steps, a text ``activity`` per subject (walk, sit, run in turn)."""
    rng = np.random.default_rng(1)
    rows = [
        (f"u{s:02d}", t, round(rng.normal(), 3), round(rng.normal(), 3), ["walk", "sit", "run"][s % 3])
        for s in range(1, n_subjects + 1)
        for t in range(6)
    ]
    return pd.DataFrame(rows, columns=["subject", "t", "ax", "ay", "activity"]).to_csv(index=False).encode()


def test_integer_label_constant_per_sequence_is_the_label_and_classify_is_offered():
    ds = read_csv(movement(), name="movement.csv")
    assert ds.layout == "long" and ds.n_sequences == 12
    assert ds.feature_names == ["RSS_anchor1", "RSS_anchor2", "RSS_anchor3", "RSS_anchor4"]
    assert ds.label_names == ["class_label"] and ds.label_kind == "class"
    assert ds.classes == {"-1": 6, "1": 6} and ds.labels.tolist()[:4] == [1, -1, 1, -1]
    assert ds.lengths.tolist()[:4] == [6, 7, 8, 5] and ds.tensor_shape == (12, 8, 4)
    assert ds.allowed_tasks() == ["classify", "forecast"]
    note = next(n for n in ds.notes if "class_label" in n)
    assert note.startswith(
        "Column 'class_label' was taken as the label of each sequence (-1, 1), not as a feature"
    )
    assert "its name says so" in note and f"or {NO_LABEL}" in note
    framed = framing.frame(ds, framing.default_task_for(ds, "classify"))  # what `train --task classify` does
    assert framed.train.X.shape[1:] == (8, 4) and framed.class_names == ["-1", "1"]


def test_no_label_turns_the_detection_off_and_another_column_can_be_chosen():
    ds = read_csv(movement(), **read_options.read_options(label_column=NO_LABEL))
    assert ds.labels is None and ds.feature_names[-1] == "class_label" and ds.n_features == 5
    assert ds.allowed_tasks() == ["forecast"]
    assert not any("taken as the label" in n for n in ds.notes)
    ds = read_csv(movement(), label_column="class_label", label_kind="value")
    assert ds.label_kind == "value" and ds.allowed_tasks()[0] == "regress"
    assert read_options.check_read_options({"label_column": NO_LABEL}) == {"label_column": NO_LABEL}


def test_a_column_really_named_none_is_still_that_column():
    text = "id,t,x,(none)\n" + "".join(f"{i},{t},{t * i}.5,{i % 2}\n" for i in range(1, 13) for t in range(3))
    ds = read_csv(text.encode(), label_column=NO_LABEL)
    assert ds.label_names == [NO_LABEL]


def test_too_few_sequences_per_class_keep_forecasting_first():
    ds = read_csv(movement(n_sequences=6))  # 3 per class, fewer than MIN_PER_CLASS
    assert MIN_PER_CLASS == 5 and ds.label_names == ["class_label"]
    assert ds.allowed_tasks() == ["forecast", "classify"]


def test_text_label_per_sequence_with_a_note():
    ds = read_csv(activities())
    assert ds.label_names == ["activity"] and ds.classes == {"run": 5, "sit": 5, "walk": 5}
    assert ds.feature_names == ["ax", "ay"] and ds.allowed_tasks()[0] == "classify"
    assert any(
        n.startswith("Column 'activity' was taken as the label of each sequence (run, sit, walk)")
        for n in ds.notes
    )


def test_unnamed_integer_with_few_values_is_the_label_but_many_values_or_floats_are_features():
    rows = [
        (s, t, round(0.1 * s + 0.01 * t, 3), s % 3, 20 + s, 60.5 + s % 2)
        for s in range(1, 13)
        for t in range(5)
    ]
    text = pd.DataFrame(rows, columns=["sequence_id", "step", "x", "group", "age", "weight"]).to_csv(
        index=False
    )
    ds = read_csv(text.encode())
    assert ds.label_names == ["group"] and ds.classes == {"0": 4, "1": 4, "2": 4}
    assert ds.feature_names == ["x", "age", "weight"]
    assert any("takes only 3 values across 12 sequences" in n for n in ds.notes)


def test_a_label_that_changes_within_sequences_is_not_a_sequence_label():
    rows = [(s, t, float(t), (t + s) % 2) for s in range(1, 9) for t in range(6)]
    text = pd.DataFrame(rows, columns=["sequence_id", "step", "x", "flag"]).to_csv(index=False)
    ds = read_csv(text.encode())
    assert ds.labels is None and "flag" in ds.feature_names


def test_describe_json_names_the_label_and_classify(tmp_path, capsys):
    path = tmp_path / "movement.csv"
    path.write_bytes(movement())
    assert cli.main(["describe", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["label"] == "class_label" and out["classes"] == {"-1": 6, "1": 6}
    assert out["tasks"] == ["classify", "forecast"] and out["n_features"] == 4
    assert any("taken as the label" in n for n in out["notes"])
    assert cli.main(["describe", str(path), "--label-column", NO_LABEL, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["label"] is None and out["tasks"] == ["forecast"] and out["n_features"] == 5


def _panel(lengths: list[int], labels: list[int], start: int) -> pd.DataFrame:
    rows = []
    for s, (n, label) in enumerate(zip(lengths, labels)):
        for t in range(n):  # each sequence hourly, starting at its own half hour
            rows.append(
                (f"s{s}", start + 1800 * s + 3600 * t, round(np.sin(s + t), 4), round(0.5 * t, 2), label)
            )
    return pd.DataFrame(rows, columns=["sequence_id", "timestamp", "a", "b", "class_label"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lengths=st.lists(st.integers(3, 8), min_size=2, max_size=6),
    seed=st.integers(0, 2**32 - 1),
    start=st.sampled_from([1609459200, 1262304000]),
)
def test_shuffling_a_panels_rows_changes_nothing_in_the_read_result(lengths, seed, start):
    labels = [i % 2 for i in range(len(lengths))]
    frame = _panel(lengths, labels, start)
    shuffled = frame.sample(frac=1.0, random_state=seed % 2**32)
    a = read_csv(frame.to_csv(index=False).encode())
    b = read_csv(shuffled.to_csv(index=False).encode())
    for attribute in ("layout", "feature_names", "label_names", "label_kind", "time_name", "frequency"):
        assert getattr(a, attribute) == getattr(b, attribute), attribute
    assert a.frequency == "hourly" and a.label_names == ["class_label"] and a.feature_names == ["a", "b"]
    by_id = {i: (s, lab) for i, s, lab in zip(b.ids, b.sequences, b.labels.tolist())}
    assert sorted(by_id) == sorted(a.ids)
    for i, sequence, label in zip(a.ids, a.sequences, a.labels.tolist()):
        np.testing.assert_array_equal(by_id[i][0], sequence)
        assert by_id[i][1] == label
    assert [n for n in a.notes if "interleaved" not in n] == [n for n in b.notes if "interleaved" not in n]
