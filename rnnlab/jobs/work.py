"""A job's work — epochs × training samples — counted before it is queued, and the teacher's budgets on it.

One student must not hold the class's trainers for an hour: a training of more than
``RNNLAB_MAX_JOB_WORK`` sample passes (epochs × training samples) needs early stopping, and what one
workspace, or one computer, has queued or running may not pass ``RNNLAB_MAX_QUEUED_WORK`` sample passes
(:mod:`rnnlab.core.settings`). The training samples are counted from the data's lengths and the task's
settings alone, as the framing budget counts them (:func:`rnnlab.task.budget.estimate`): a forecast's
windows at the split boundaries are not yet dropped, so the count is at most a few windows high.

Example:
    >>> import numpy as np
    >>> from rnnlab.data.dataset import SequenceDataset
    >>> from rnnlab.task.types import TaskConfig
    >>> series = SequenceDataset("toy", "series", [np.zeros((120, 1))], ["v"])
    >>> training_samples(series, TaskConfig("forecast", window=12))  # 108 windows: 16 val, 16 test
    76
    >>> JobWork(epochs=10, samples=76).total
    760
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnlab.data.dataset import SequenceDataset
from rnnlab.jobs.types import CallSpec, JobSpec, QueueFull
from rnnlab.task import budget, splits
from rnnlab.task.types import TaskConfig

MAX_WHAT_CHARS = 60  # a job's description in the teacher's list (a file name is user text)


class OverBudget(ValueError):
    """A training over the teacher's work budget without early stopping."""


@dataclass(frozen=True)
class JobWork:
    """What one job asks of the trainers.

    Attributes:
        epochs: Epochs asked for (0 for a lab job: its work is not counted in sample passes).
        samples: Training samples, counted before framing.
        early_stopping: Whether the training may end early (a patience is set).
        what: A short description for the teacher: the data, the cell and its units.
    """

    epochs: int = 0
    samples: int = 0
    early_stopping: bool = False
    what: str = ""

    @property
    def total(self) -> int:
        """Sample passes asked for: epochs × training samples."""
        return self.epochs * self.samples

    def remaining(self, epochs_done: int) -> int:
        """Sample passes still to go after ``epochs_done`` epochs.

        Example:
            >>> JobWork(epochs=10, samples=76).remaining(4)
            456
        """
        return max(self.epochs - epochs_done, 0) * self.samples


def training_samples(dataset: SequenceDataset, task: TaskConfig) -> int:
    """Training samples of ``frame(dataset, task)``, counted from lengths and settings (no array is made).

    The archive's own split (a collection with a split column, ``split_mode`` auto or archive) trains on its
    train rows less the validation share; every other split on what :func:`rnnlab.task.splits.split_counts`
    leaves after validation and test. Data too small to split counts all its samples.
    """
    n = budget.estimate(dataset, task).x_shape[0]
    has_archive = dataset.splits is not None
    archive = (
        task.kind != "forecast"
        and has_archive
        and (splits.resolve_mode(task.split_mode, has_archive, task.kind == "classify") == "archive")
    )
    try:
        if archive:
            n_archive = int((np.char.lower(np.asarray(dataset.splits).astype(str)) != "test").sum())
            return n_archive - (max(1, round(task.val_share * n_archive)) if task.val_share > 0 else 0)
        return splits.split_counts(n, task.val_share, task.test_share)[0]
    except ValueError:  # too few samples to split: the framing says so to the student
        return n


def describe(spec: JobSpec | CallSpec) -> str:
    """The data, the cell and its units of a training (``"ecg200 · GRU(32, 16)"``), or a lab job's name."""
    if isinstance(spec, CallSpec):
        return f"lab: {spec.name}"
    name = (spec.dataset_ref or {}).get("name") or getattr(spec.dataset, "name", "") or "data"
    cell = getattr(spec.model, "cell", "?")
    units = ", ".join(str(u) for u in getattr(spec.model, "units", ()))
    kind = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU", "dense": "Dense"}.get(cell, str(cell))
    group = spec.group.split(":")[0] if spec.group else ""
    text = f"{group + ' · ' if group else ''}{name} · {kind}({units})"
    return text if len(text) <= MAX_WHAT_CHARS else text[: MAX_WHAT_CHARS - 1] + "…"


def job_work(spec: JobSpec | CallSpec) -> JobWork:
    """The work ``spec`` asks for (a lab job counts none: the Inside page bounds its own size)."""
    if isinstance(spec, CallSpec):
        return JobWork(what=describe(spec))
    try:
        samples = training_samples(spec.dataset, spec.task)
    except (ValueError, AttributeError, TypeError):  # a task the framing will refuse with its own message
        samples = 0
    patience = getattr(spec.train, "patience", None)
    return JobWork(int(spec.train.epochs), int(samples), patience is not None, describe(spec))


def check_job(work: JobWork, limit: int) -> None:
    """Refuse a training over ``limit`` sample passes (``RNNLAB_MAX_JOB_WORK``; 0: none) that has no early
    stopping, naming the budget and what would fit.

    Raises:
        OverBudget: with the epochs, samples and the budget.

    Example:
        >>> check_job(JobWork(epochs=1000, samples=3500), 1_000_000)
        Traceback (most recent call last):
        ...
        rnnlab.jobs.work.OverBudget: A training over the teacher's budget of 1,000,000 sample passes (epochs × training samples, RNNLAB_MAX_JOB_WORK) needs early stopping. Received: 1,000 epochs × 3,500 training samples = 3,500,000 with early stopping off — turn early stopping on (patience) or train at most 285 epochs
    """
    if not limit or work.total <= limit or work.early_stopping:
        return
    most = limit // max(work.samples, 1)
    fits = f"train at most {most:,} epochs" if most else "use a smaller task (fewer samples)"
    raise OverBudget(
        f"A training over the teacher's budget of {limit:,} sample passes (epochs × training samples, "
        f"RNNLAB_MAX_JOB_WORK) needs early stopping. Received: {work.epochs:,} epochs × {work.samples:,} "
        f"training samples = {work.total:,} with early stopping off — turn early stopping on (patience) or {fits}"
    )


def check_outstanding(who: str, outstanding: int, work: JobWork, limit: int) -> None:
    """Refuse a job that would take ``who``'s work queued or running past ``limit`` sample passes
    (``RNNLAB_MAX_QUEUED_WORK``; 0: none).

    Raises:
        QueueFull: naming the limit, the job's work and what is already queued.

    Example:
        >>> check_outstanding("A workspace", 3_000_000, JobWork(epochs=100, samples=20_000), 4_000_000)
        Traceback (most recent call last):
        ...
        rnnlab.jobs.types.QueueFull: A workspace may have at most 4,000,000 sample passes (epochs × training samples) queued or running (RNNLAB_MAX_QUEUED_WORK). Received: 2,000,000 more while 3,000,000 are — wait for a training to end, or train fewer epochs
    """
    if limit and work.total and outstanding + work.total > limit:
        raise QueueFull(
            f"{who} may have at most {limit:,} sample passes (epochs × training samples) queued or running "
            f"(RNNLAB_MAX_QUEUED_WORK). Received: {work.total:,} more while {outstanding:,} are — wait for a "
            "training to end, or train fewer epochs"
        )
