"""The teacher's work budget: epochs × training samples counted before a job is queued, a training over
the budget needs early stopping, work queued per workspace and per computer is capped, and the teacher's
view lists and cancels any job — with the ledger alone (no worker processes) and hand-computed numbers."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from rnnlab.core import settings
from rnnlab.data.dataset import SequenceDataset
from rnnlab.jobs import admin, work
from rnnlab.jobs.ledger import TEACHER_CANCELLED, JobLedger
from rnnlab.jobs.types import JobSpec, QueueFull
from rnnlab.jobs.work import JobWork, OverBudget
from rnnlab.models.config import ModelConfig
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from tests import tiny_datasets

SERIES = tiny_datasets.series(120)  # forecast, window 12: 108 windows → 16 val, 16 test, 76 train
FORECAST = TaskConfig("forecast", window=12)


def _spec(
    workspace: str, epochs: int = 10, patience: int | None = None, client: str = "", session: str = "s"
):
    return JobSpec(SERIES, {"source": "bundled", "name": "sine"}, FORECAST, ModelConfig(units=(8,)),
                   TrainConfig(epochs=epochs, patience=patience), workspace, session, f"run-{workspace}",
                   client=client)  # fmt: skip


def _archive_collection() -> SequenceDataset:
    """40 sequences of 5 steps: 30 in the archive's train part, 10 in its test part, two classes."""
    seqs = [np.full((5, 1), float(i)) for i in range(40)]
    labels = np.array(["a" if i % 2 else "b" for i in range(40)])
    return SequenceDataset("arch", "long", seqs, ["x"], labels=labels, label_names=["label"], label_kind="class",
                           ids=list(range(40)), splits=np.array(["train"] * 30 + ["test"] * 10))  # fmt: skip


def test_the_doctests_of_the_work_and_admin_modules():
    for module in (work, admin):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_training_samples_are_counted_by_hand_and_match_the_framing():
    assert work.training_samples(SERIES, FORECAST) == 76  # 120 − 12 = 108 windows; round(16.2) = 16 twice
    ragged = tiny_datasets.ragged_classes(24)  # round(3.6) = 4 validation, 4 test: 16 to train
    assert work.training_samples(ragged, TaskConfig("classify")) == 16
    archive = _archive_collection()  # the archive's 30 train rows less round(0.15 · 30) = 4 for validation
    assert work.training_samples(archive, TaskConfig("classify")) == 26
    for data, task, counted in ((ragged, TaskConfig("classify"), 16), (archive, TaskConfig("classify"), 26)):
        assert frame(data, task).split("train").X.shape[0] == counted
    assert frame(SERIES, FORECAST).split("train").X.shape[0] <= 76  # windows at the boundaries are dropped


def test_a_training_over_the_budget_needs_early_stopping_and_the_message_names_the_budget():
    big = JobWork(epochs=1000, samples=3500)  # 3,500,000 sample passes
    with pytest.raises(
        OverBudget, match=r"RNNLAB_MAX_JOB_WORK.*1,000 epochs × 3,500 training samples = 3,500,000"
    ):
        work.check_job(big, 1_000_000)
    with pytest.raises(OverBudget, match="train at most 285 epochs"):  # 1,000,000 // 3,500
        work.check_job(big, 1_000_000)
    work.check_job(JobWork(epochs=1000, samples=3500, early_stopping=True), 1_000_000)
    work.check_job(big, 0)  # no budget
    work.check_job(JobWork(epochs=285, samples=3500), 1_000_000)  # 997,500: within it
    with pytest.raises(OverBudget, match="use a smaller task"):  # one epoch alone is over
        work.check_job(JobWork(epochs=2, samples=2_000_000), 1_000_000)


def test_the_ledger_refuses_an_over_budget_training_without_early_stopping():
    ledger = JobLedger(max_queued=64, max_per_session=4, max_job_work=700)  # one training here: 760
    with pytest.raises(
        OverBudget, match="budget of 700 sample passes.*10 epochs × 76 training samples = 760"
    ):
        ledger._enqueue(_spec("w-a"), "train")
    assert ledger.fair_queue() == []
    ledger._enqueue(_spec("w-a", patience=3), "train")  # with early stopping it is queued


def test_work_queued_or_running_is_capped_per_workspace_counting_a_running_jobs_epochs_to_go():
    ledger = JobLedger(max_queued=64, max_per_session=10, max_per_workspace=10, max_queued_work=2000)
    first, _ = ledger._enqueue(_spec("w-a"), "train"), ledger._enqueue(_spec("w-a"), "train")  # 760 + 760
    with pytest.raises(
        QueueFull, match=r"A workspace may have at most 2,000 .*Received: 760 more while 1,520 are"
    ):
        ledger._enqueue(_spec("w-a"), "train")
    ledger._enqueue(_spec("w-b"), "train")  # another workspace still gets in
    job = ledger._jobs[first]  # the first starts and finishes 4 of its 10 epochs: 6 × 76 = 456 to go
    job.state, job.epoch_x = "running", [1.0, 2.0, 3.0, 4.0]
    ledger._queue.remove(first)
    ledger._enqueue(_spec("w-a"), "train")  # 456 + 760 + 760 = 1,976 ≤ 2,000


def test_work_is_capped_per_computer_unless_the_per_computer_limit_is_off():
    ledger = JobLedger(max_queued=64, max_per_session=10, max_per_workspace=10, max_per_client=8,
                       max_queued_work=2000)  # fmt: skip
    ledger._enqueue(_spec("w-1", client="10.0.0.7"), "train")
    ledger._enqueue(_spec("w-2", client="10.0.0.7"), "train")  # fresh workspaces, one computer: 1,520
    with pytest.raises(QueueFull, match="One computer may have at most 2,000 sample passes"):
        ledger._enqueue(_spec("w-3", client="10.0.0.7"), "train")
    ledger._enqueue(_spec("w-4", client="10.0.0.8"), "train")
    off = JobLedger(max_queued=64, max_per_session=10, max_per_workspace=10, max_per_client=0,
                    max_queued_work=2000)  # fmt: skip
    for i in range(3):  # a class behind one proxy address: only the workspaces' caps apply
        off._enqueue(_spec(f"w-{i}", client="10.0.0.1"), "train")


def test_the_teachers_view_lists_every_job_and_cancels_or_stops_any():
    stopped: list[str] = []

    class Ledger(JobLedger):
        def _stop_running(self, job_id: str) -> None:
            stopped.append(job_id)

    ledger = Ledger(max_queued=64, max_per_session=10, max_per_workspace=10)
    running = ledger._enqueue(_spec("3f9c2a7b1e0d4c5f", client="10.0.0.7"), "train")
    queued = ledger._enqueue(_spec("0a1b2c3d4e5f6a7b", epochs=5), "train")
    lab = ledger._enqueue(_spec("w-c"), "train")
    job = ledger._jobs[running]
    job.state, job.progress = "running", {"epoch": 3, "epochs": 10}
    ledger._queue.remove(running)
    rows = admin.queue_rows(ledger, now=ledger._jobs[running].submitted + 30)
    assert [r.job_id for r in rows] == [running, queued, lab]
    first, second = rows[0], rows[1]
    assert (first.workspace, first.client, first.what, first.epochs, first.work, first.where) == (
        "3f9c2a…", "10.0.0.7", "sine · GRU(8)", 10, 760, "epoch 3/10")  # fmt: skip
    assert first.waited_s == pytest.approx(30)
    assert (second.workspace, second.client, second.work, second.where) == (
        "0a1b2c…",
        "—",
        380,
        "#1 in the queue",
    )
    assert (
        admin.summary(rows)
        == "1 running, 2 waiting; 1,900 sample passes (epochs × training samples) asked for in all"
    )
    assert admin.cancel(ledger, queued) == "Cancelled the queued job."
    assert ledger.status(queued).state == "stopped" and ledger.status(queued).message == TEACHER_CANCELLED
    assert admin.cancel(ledger, running).startswith("Asked the running job to stop")
    assert stopped == [running] and ledger.status(running).stop_requested
    assert admin.cancel(ledger, queued) == "That job had already ended."
    assert [r.job_id for r in admin.queue_rows(ledger)] == [running, lab]


def test_the_admin_token_is_compared_whole_and_a_short_one_keeps_the_page_shut(monkeypatch):
    good = "correct-horse-battery-staple"
    assert admin.token_matches(good, expected=good) and admin.token_matches(f" {good} ", expected=good)
    assert not admin.token_matches(good[:-1], expected=good) and not admin.token_matches("", expected=good)
    assert not admin.token_matches("secret", expected="secret")  # too short to be safe
    assert "at least 16 characters, so it cannot be guessed. Received: 6 characters" in admin.token_problem(
        "secret"
    )
    monkeypatch.delenv("RNNLAB_ADMIN_TOKEN", raising=False)
    assert not admin.enabled() and not admin.token_matches("anything at all, long enough")
    monkeypatch.setenv("RNNLAB_ADMIN_TOKEN", f"  {good} ")
    assert admin.enabled() and admin.token_matches(good) and admin.token_problem() is None


def test_the_work_settings_default_and_refuse_bad_values(monkeypatch):
    for name in ("RNNLAB_MAX_JOB_WORK", "RNNLAB_MAX_QUEUED_WORK"):
        monkeypatch.delenv(name, raising=False)
    assert (settings.max_job_work(), settings.max_queued_work()) == (1_000_000, 4_000_000)
    monkeypatch.setenv("RNNLAB_MAX_JOB_WORK", "0")
    assert settings.max_job_work() == 0
    monkeypatch.setenv("RNNLAB_MAX_QUEUED_WORK", "-5")
    with pytest.raises(ValueError, match="RNNLAB_MAX_QUEUED_WORK='-5'"):
        settings.max_queued_work()


def test_every_lesson_preset_fits_the_default_budget_without_early_stopping():
    from rnnlab.data import catalog
    from rnnlab.runs import lessons

    for lesson in lessons.list_lessons():
        task, _, train = lesson.configs()
        counted = JobWork(train.epochs, work.training_samples(catalog.load_dataset(lesson.dataset), task))
        work.check_job(counted, 1_000_000)
        assert counted.total <= 168_000, (lesson.key, counted)  # the salary lesson: 60 × 2,800
