"""Lesson presets: named, ready-to-train configurations with a short text, for the home page.

The lessons live in ``sample_data/lessons.json`` (one entry per lesson: dataset key,
task/model/train settings as plain dicts, the text, and the measured training time
on a 2-core CPU written there by ``bench/bench_lessons.py``). No TensorFlow.

Example:
    >>> lesson = get_lesson("three_cities")
    >>> task, model, train = lesson.configs()
    >>> lesson.dataset, model.cell, model.units
    ('three_cities', 'simple_rnn', (2,))
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rnnlab.core import settings
from rnnlab.models.config import ModelConfig
from rnnlab.runs import share_link
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

LESSONS_FILE = settings.SAMPLE_DATA_DIR / "lessons.json"
RACE_CELLS = ("simple_rnn", "lstm", "gru", "dense")


@dataclass(frozen=True)
class Lesson:
    """One lesson: a full configuration plus a short text."""

    key: str  # stable id, used in links
    title: str  # shown on the home page
    text: str  # a few sentences: what to look at
    dataset: str  # bundled catalog key
    task: dict[str, Any] = field(default_factory=dict)  # TaskConfig fields (missing = default)
    model: dict[str, Any] = field(default_factory=dict)  # ModelConfig fields
    train: dict[str, Any] = field(default_factory=dict)  # TrainConfig fields
    race: bool = False  # train SimpleRNN, LSTM, GRU and the dense reference side by side
    train_seconds: float | None = None  # measured wall time on 2 CPU cores (all trainings of a race)
    verdict: dict[str, Any] = field(default_factory=dict)  # what the text states, measured: {"outcome", …}

    def configs(self) -> tuple[Any, Any, Any]:
        """``(TaskConfig, ModelConfig, TrainConfig)`` built (and validated) from the lesson.

        Raises:
            ValueError: a setting is invalid (the message names the lesson).
        """
        try:
            return (
                TaskConfig.from_dict(self.task),
                ModelConfig.from_dict(self.model),
                TrainConfig.from_dict(self.train),
            )
        except (TypeError, ValueError) as err:
            raise ValueError(f"Lesson {self.key!r} has an invalid setting: {err}") from err

    def query(self) -> dict[str, str]:
        """Share-link query parameters that open this lesson's full configuration."""
        task, model, train = self.configs()
        return share_link.to_query(self.dataset, task, model, train)

    def model_variants(self) -> list[Any]:
        """The ModelConfigs to train: one, or one per cell of a race (same units and settings)."""
        _, model, _ = self.configs()
        if not self.race:
            return [model]
        return [model.replace(cell=cell) for cell in RACE_CELLS]

    @property
    def time_note(self) -> str:
        if self.train_seconds is None:
            return "training time not measured yet"
        return f"trains in about {self.train_seconds:.0f} s on a 2-core CPU"


def parse_lessons(text: str) -> list[Lesson]:
    """Lessons from the JSON text of a lessons file.

    Raises:
        ValueError: the file is not valid JSON, or an entry lacks a field or has an unknown one.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"The lessons file must be valid JSON. Received an error: {err}") from err
    lessons = []
    for i, entry in enumerate(data.get("lessons", [])):
        try:
            lessons.append(Lesson(**entry))
        except TypeError as err:
            raise ValueError(f"Lesson #{i + 1} in the lessons file is malformed: {err}") from err
    keys = [lesson.key for lesson in lessons]
    if len(set(keys)) != len(keys):
        raise ValueError(f"Lesson keys must be unique. Received: {keys}")
    return lessons


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[Lesson, ...]:
    return tuple(parse_lessons(Path(path).read_text(encoding="utf-8")))


def list_lessons(path: str | Path | None = None) -> list[Lesson]:
    """Every lesson in ``sample_data/lessons.json`` (or ``path``), in course order."""
    path = Path(path or LESSONS_FILE)
    return list(_load(str(path), path.stat().st_mtime))


def get_lesson(key: str, path: str | Path | None = None) -> Lesson:
    """The lesson with this key.

    Raises:
        ValueError: no lesson has this key (the message lists the keys).
    """
    lessons = list_lessons(path)
    for lesson in lessons:
        if lesson.key == key:
            return lesson
    raise ValueError(f"`lesson` must be one of {[x.key for x in lessons]}. Received: lesson={key!r}")
