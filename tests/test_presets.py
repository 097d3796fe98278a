"""Lesson presets: six lessons, valid configs, links that restore them, measured times under 60 s."""

from __future__ import annotations

import json

import pytest

from rnnlab.data import catalog
from rnnlab.models import params
from rnnlab.runs import lessons as presets
from rnnlab.runs import share_link
from rnnlab.task import framing

KEYS = ["three_cities", "flu_cases", "stacked", "race_sunspots", "padding_masking", "ecg5000", "many_series", "salary",
        "mitbih"]


def test_the_lessons_in_course_order():
    lessons = presets.list_lessons()
    assert [lesson.key for lesson in lessons] == KEYS
    assert all(lesson.title and len(lesson.text) > 80 for lesson in lessons)
    keys = {entry.key for entry in catalog.list_datasets()}
    assert all(lesson.dataset in keys for lesson in lessons)


@pytest.mark.parametrize("key", KEYS)
def test_configs_are_valid_and_travel_in_a_link(key):
    lesson = presets.get_lesson(key)
    task, model, train = lesson.configs()
    back = share_link.from_query(lesson.query())
    assert (back.dataset, back.task, back.model, back.train) == (lesson.dataset, task, model, train)


@pytest.mark.parametrize("key", KEYS)
def test_training_time_was_measured_below_a_minute(key):
    lesson = presets.get_lesson(key)
    assert lesson.train_seconds is not None and 0 < lesson.train_seconds < 60
    assert "2-core CPU" in lesson.time_note


def test_lesson_1_is_simple_rnn_2_with_12_weights_on_three_features():
    lesson = presets.get_lesson("three_cities")
    task, model, _ = lesson.configs()
    framed = framing.frame(catalog.load_dataset(lesson.dataset), task)
    assert (model.cell, model.units, framed.n_features) == ("simple_rnn", (2,), 3)
    assert params.recurrent_params("simple_rnn", 2, framed.n_features) == 12
    assert "12 weights" in lesson.title


def test_lesson_shapes():
    by_key = {lesson.key: lesson for lesson in presets.list_lessons()}
    assert by_key["flu_cases"].configs()[0].kind == "tag"
    assert len(by_key["stacked"].configs()[1].units) == 2
    assert [m.cell for m in by_key["race_sunspots"].model_variants()] == [
        "simple_rnn",
        "lstm",
        "gru",
        "dense",
    ]
    vowels_task = by_key["padding_masking"].configs()[0]
    assert vowels_task.padding.side == "post" and vowels_task.padding.mask
    ecg_task, ecg_model, _ = by_key["ecg5000"].configs()
    assert ecg_task.kind == "classify" and ecg_model.cell == "gru" and ecg_model.units == (32,)
    assert by_key["ecg5000"].configs()[2].class_weight == "balanced"
    # the course's ECG model, exactly: −1 post padding with a mask, GRU(20) → GRU(20) → Dense(50, relu) → Dropout(0.2)
    beats_task, beats_model, _ = by_key["mitbih"].configs()
    assert (beats_task.padding.side, beats_task.padding.value, beats_task.padding.mask) == ("post", -1.0, True)
    assert (beats_model.cell, beats_model.units, beats_model.head_units) == ("gru", (20, 20), (50,))
    assert (beats_model.head_activation, beats_model.head_dropout) == ("relu", 0.2)
    salary_model = by_key["salary"].configs()[1]
    assert (salary_model.cell, salary_model.units, salary_model.head_units, salary_model.normalization) == (
        "simple_rnn", (20,), (10,), True)


def test_padding_lesson_really_pads_and_masks():
    task, _, _ = presets.get_lesson("padding_masking").configs()
    framed = framing.frame(catalog.load_dataset("japanese_vowels"), task)
    assert framed.mask and framed.padded_share > 0 and framed.model_pad_value is not None


def test_bad_lessons_files_give_clear_messages(tmp_path):
    with pytest.raises(ValueError, match="valid JSON"):
        presets.parse_lessons("{nope")
    with pytest.raises(ValueError, match="malformed"):
        presets.parse_lessons(json.dumps({"lessons": [{"key": "x"}]}))
    bad = presets.Lesson(key="bad", title="t", text="x", dataset="sunspots", model={"units": [0]})
    with pytest.raises(ValueError, match="Lesson 'bad' has an invalid setting"):
        bad.configs()
    with pytest.raises(ValueError, match="must be one of"):
        presets.get_lesson("nope")
