"""The synthetic salary panel (the course's first challenge): reproducible, loads, and its baselines are as measured.

No training here: the lesson's model figures are measured by hand (see ``sample_data/CITATIONS.md``).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from rnnlab.core import settings
from rnnlab.data import catalog
from rnnlab.evaluation import scoreboard
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig

ROOT = settings.SAMPLE_DATA_DIR.parent
FEATURES = ["salary", "people_responsible", "company_size"]
# the lesson's task: years 1-10 of every employee in, year 11's salary out; whole employees held out
TASK = TaskConfig(
    "forecast", window=10, horizon=1, input_columns=tuple(FEATURES), target_columns=("salary",),
    split_mode="sequence", val_share=0.15, test_share=0.15, seed=0,
)  # fmt: skip


@pytest.fixture(scope="module")
def dataset():
    return catalog.load_dataset("salary")


@pytest.fixture(scope="module")
def framed(dataset):
    return frame(dataset, TASK)


def test_generator_rewrites_the_bundled_file_byte_for_byte(tmp_path):
    out = tmp_path / "salary_panel.csv"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_salary.py"), "--out", str(out)], check=True,
                   capture_output=True)  # fmt: skip
    assert out.read_bytes() == (settings.SAMPLE_DATA_DIR / "salary_panel.csv").read_bytes()


def test_catalog_says_it_is_synthetic():
    entry = catalog.get_entry("salary")
    assert "synthetic" in entry.description.lower() and "make_salary.py" in entry.citation
    assert entry.layout == "long" and entry.task == "forecast" and entry.label == "salary"
    assert "salary_panel.csv" in (settings.SAMPLE_DATA_DIR / "CITATIONS.md").read_text(encoding="utf-8")


def test_panel_shape_and_plausible_values(dataset):
    assert dataset.layout == "long" and dataset.n_sequences == 4000
    assert set(dataset.lengths.tolist()) == {11} and dataset.feature_names == FEATURES
    assert dataset.allowed_tasks() == ["forecast"] and dataset.ids[0] == "E0001"
    # employee E0001, as written by the generator: years 10 and 11
    np.testing.assert_array_equal(dataset.sequences[0][9:], [[104.1, 9, 36], [109.2, 9, 40]])
    values = np.stack(dataset.sequences)  # (4000, 11, 3)
    salary, people, company = values[..., 0], values[..., 1], values[..., 2]
    assert salary.min() > 15 and salary.max() < 300 and 45 < np.median(salary) < 90  # thousands a year
    assert people.min() == 0 and people.max() <= 250 and np.all(people == np.round(people))
    assert company.min() >= 3 and np.all(company == np.round(company))
    raises = salary[:, 1:] / salary[:, :-1] - 1
    assert raises.min() > -0.03 and 0.02 < np.median(raises) < 0.06  # sticky downwards, a few % a year


def test_framed_as_the_course_task(framed, dataset):
    assert framed.train.X.shape == (2800, 10, 3) and framed.test.X.shape == (600, 10, 3)
    assert framed.train.y.shape == (2800,) and framed.target_in_inputs == [0]
    i = int(framed.test.sequence[0])  # the first test employee: X = years 1-10, y = year 11's salary
    np.testing.assert_allclose(framed.test.X[0], dataset.sequences[i][:10], rtol=1e-6)
    assert framed.test.y[0] == pytest.approx(dataset.sequences[i][10, 0])


def test_last_value_baseline_is_last_years_salary_and_scores_as_measured(framed, dataset):
    board = {row["name"]: row for row in scoreboard.scoreboard(framed)}
    assert list(board) == ["last value", "window mean", "drift", "train mean", "linear AR (ridge)"]
    # by hand: |salary in year 11 - salary in year 10| over the 600 test employees
    years = np.stack([dataset.sequences[i] for i in framed.test.sequence])[:, :, 0]
    by_hand = np.abs(years[:, 10] - years[:, 9]).mean()
    assert board["last value"]["test"]["mae"] == pytest.approx(by_hand)
    measured = {"last value": 3.8087, "drift": 2.0509, "linear AR (ridge)": 1.6644, "train mean": 23.0556}
    for name, mae in measured.items():
        assert board[name]["test"]["mae"] == pytest.approx(mae, abs=5e-4), name
    assert board["last value"]["val"]["mae"] == pytest.approx(3.7175, abs=5e-4)
    assert scoreboard.best(board=list(board.values()))["name"] == "linear AR (ridge)"
