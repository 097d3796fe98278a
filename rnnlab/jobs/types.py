"""What goes into a job and what the server knows about it (plain data, no TensorFlow).

Two kinds of job share the queue: a training (:class:`JobSpec`) and a "lab" call (:class:`CallSpec`), one
named, whitelisted rnnlab function (:data:`rnnlab.jobs.worker.CALLS`) run in a worker.
"""

from __future__ import annotations

import copy
import signal
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from rnnlab.jobs.messages import Event, StartEvent
from rnnlab.jobs.outcome import TrainSummary

STATES = ("queued", "running", "finished", "stopped", "failed", "interrupted")
ACTIVE = ("queued", "running")
# TrainResult.status → JobStatus.state
STATE_OF = {
    "finished": "finished",
    "early_stopped": "finished",
    "stopped": "stopped",
    "diverged": "failed",
    "failed": "failed",
}
MAX_BATCH_POINTS = 4000  # intra-epoch points kept per job (batch events come at most 4 a second)
MAX_EVENTS = 50


LabResult = dict[str, Any]  # a lab job's result: the plain dict its function returned


class QueueFull(ValueError):
    """The job queue, or this session's share of it, is full."""


class ClusterUnreachable(RuntimeError):
    """The configured training cluster cannot be reached (the message is one plain line)."""


@dataclass
class JobSpec:
    """Everything a worker needs to run one training (picklable).

    Attributes:
        dataset: The :class:`~rnnlab.data.dataset.SequenceDataset` to frame and train on.
        dataset_ref: How to find the dataset again (``{"source": "bundled", "name": "ecg200"}``).
        task: :class:`~rnnlab.task.types.TaskConfig`.
        model: :class:`~rnnlab.models.config.ModelConfig`.
        train: :class:`~rnnlab.training.config.TrainConfig`.
        workspace: The workspace the run belongs to.
        session_id: The browser session that submitted it (per-session queue limit).
        run_id: The run's id in the store and the model file's name.
        group: Which request it belongs to (``"race:…"``, ``"seeds:…"`` for one race or seed band of the
            Compare page; ``""`` for a Train page training), so any tab of the workspace finds the request.
        client: The address of the computer that asked (per-client limit, round-robin; ``""``: unknown).
    """

    dataset: Any
    dataset_ref: dict
    task: Any
    model: Any
    train: Any
    workspace: str
    session_id: str
    run_id: str
    group: str = ""
    client: str = ""


@dataclass
class CallSpec:
    """A lab job: one function of :data:`rnnlab.jobs.worker.CALLS` called with keyword arguments (picklable).

    Attributes:
        name: The registry name (``"k_steps_race"``, ``"padding_lab"``), never an import path.
        kwargs: Its keyword arguments (plain values, NumPy arrays, a dataset; no callables).
        session_id: The browser session that submitted it (per-session queue limit).
        workspace: The workspace it belongs to: any tab of it may watch and stop it (``None``: nobody's).
    """

    name: str
    kwargs: dict
    session_id: str
    workspace: str | None = None
    client: str = ""  # the address of the computer that asked (see JobSpec.client)

    @property
    def run_id(self) -> str:
        return f"call:{self.name}"  # not a stored run: the recorder never hears of call jobs


@dataclass
class JobStatus:
    """A snapshot of one job, safe to read while training goes on.

    Attributes:
        job_id: The manager's id for the job.
        run_id: The run's id (store, model file).
        session_id: The session that submitted it.
        state: One of ``queued``, ``running``, ``finished``, ``stopped``, ``failed``, ``interrupted``.
        queue_position: 1 for the next job to start, ``None`` unless queued.
        progress: ``epoch``, ``epochs``, ``step``, ``steps``, ``samples_per_s``, ``eta_s``, ``fraction``.
        history: Epoch-level logs so far: metric → one float per finished epoch.
        epoch_x: Where each epoch's point goes on the epoch axis (its number, less when stopped mid-epoch).
        batches: Intra-epoch points: ``{"x": epochs done as a float, "logs": {...}}``.
        start: The training's ``start`` event (params, steps per epoch, reference baseline), once sent.
        events: The last few events.
        result: A training's :class:`~rnnlab.jobs.outcome.TrainSummary` once the job ended (history, test,
            verdict, …), a lab job's :data:`LabResult`, else ``None``; :attr:`summary` and :attr:`lab_result`
            read them typed.
        message: A plain sentence on how it ended (or why it failed).
        stop_requested: Whether Stop was pressed.
        stop_acknowledged: When the worker said it has the Stop (its ``stopping`` event), else ``None``.
        submitted, started, ended: ``time.time()`` stamps (``None`` until they happen).
        worker_pid: The process that runs it.
        kind: ``"train"`` or ``"call"`` (a lab job: ``result`` is the function's returned dict once
            finished, ``None`` otherwise; ``progress`` has ``done``, ``total``, ``label``, ``fraction``).
        workspace: The workspace a job belongs to: any tab of it may watch and stop the job, no
            other workspace may (see :mod:`rnnlab.jobs.workspace`).
        group: The request a training belongs to (:attr:`JobSpec.group`; ``""`` for a lab job).
    """

    job_id: str
    run_id: str
    session_id: str
    state: str = "queued"
    queue_position: int | None = None
    progress: dict[str, Any] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)
    epoch_x: list[float] = field(default_factory=list)
    batches: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_BATCH_POINTS))
    start: StartEvent | None = None
    events: deque[Event] = field(default_factory=lambda: deque(maxlen=MAX_EVENTS))
    result: TrainSummary | LabResult | None = None
    message: str = ""
    stop_requested: bool = False
    stop_acknowledged: float | None = None
    submitted: float | None = None
    started: float | None = None
    ended: float | None = None
    worker_pid: int | None = None
    kind: str = "train"
    workspace: str | None = None  # the workspace the job belongs to (None: no workspace's)
    group: str = ""
    client: str = ""  # the address of the computer that asked ("": unknown)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def summary(self) -> TrainSummary | None:
        """A training's summary once it ended (``None`` for a lab job, whose result is its function's dict)."""
        if self.kind != "train" or self.result is None:
            return None
        # A training's result is always its summary (JobManager._finish): the kind says which it is.
        return cast(TrainSummary, self.result)

    @property
    def lab_result(self) -> LabResult | None:
        """A lab job's result once it finished: its function's dict (``None`` for a training)."""
        if self.kind != "call":
            return None
        return cast("LabResult | None", self.result)  # a lab job's result is its function's dict

    def snapshot(self) -> JobStatus:
        """A copy whose lists the server thread will not change under the reader."""
        out = copy.copy(self)
        out.progress = dict(self.progress)
        out.history = {k: list(v) for k, v in self.history.items()}
        out.epoch_x = list(self.epoch_x)
        out.batches = deque(self.batches, maxlen=MAX_BATCH_POINTS)
        out.events = deque(self.events, maxlen=MAX_EVENTS)
        return out

    def apply(self, event: Event) -> None:
        """Fold one training event into the status (called by the server thread)."""
        self.events.append(event)
        if event["type"] == "start":
            self.start = event
            self.progress.update(epochs=event["epochs"], steps=event["steps_per_epoch"], epoch=0, step=0)
        elif event["type"] == "batch":
            steps = max(int(event["steps"]), 1)
            x = event["epoch"] - 1 + event["step"] / steps
            self.batches.append({"x": x, "logs": event["logs"]})
            self.progress.update(
                epoch=event["epoch"], step=event["step"], steps=steps,
                samples_per_s=event["samples_per_s"], eta_s=event["eta_s"],
                fraction=x / max(self.progress.get("epochs", 1), 1),
            )  # fmt: skip
        elif event["type"] == "epoch":
            for key, value in event["logs"].items():
                self.history.setdefault(key, []).append(value)
            self.epoch_x.append(event["epoch"] - 1 + event.get("done", 1.0))
            epochs = max(self.progress.get("epochs", 1), 1)
            self.progress.update(epoch=event["epoch"], step=self.progress.get("steps", 0))
            self.progress["fraction"] = event["epoch"] / epochs
            done = event["epoch"]  # the trainer's estimate leaves out compiling; older events lack it
            self.progress["eta_s"] = event.get("eta_s", (epochs - done) * event["seconds"] / max(done, 1))
        elif event["type"] == "progress":  # a lab job: done of total parts, the label of the one now running
            total = max(int(event["total"]), 1)
            self.progress.update(
                done=event["done"], total=total, label=event.get("label", ""), fraction=event["done"] / total
            )
        elif event["type"] == "stopping":
            self.stop_acknowledged = event["t"]
        elif event["type"] == "end":
            self.message = event.get("message", "")


def death_reason(exitcode: int | None) -> str:
    """Plain words for how a worker process ended, from its exit code.

    Example:
        >>> death_reason(-9)
        'The training process was killed (signal SIGKILL — often out of memory).'
    """
    if exitcode is None:
        return "The training process stopped answering."
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        hint = " — often out of memory" if name == "SIGKILL" else ""
        return f"The training process was killed (signal {name}{hint})."
    return f"The training process exited unexpectedly (exit code {exitcode})."


def progress_line(status: JobStatus) -> str:
    """One line for the progress bar: epoch, step, speed and time left.

    Example:
        >>> job = JobStatus("j", "r", "s", state="running",
        ...                 progress={"epoch": 2, "epochs": 5, "step": 3, "steps": 10,
        ...                           "samples_per_s": 812.4, "eta_s": 75})
        >>> progress_line(job)
        'epoch 2/5 · step 3/10 · 812 samples/s · 1 min 15 s left'
    """
    if status.state == "queued":
        return f"waiting in the queue (position {status.queue_position})"
    p = status.progress
    if not p:
        return "starting…"
    if status.kind == "call":
        if not p.get("label"):
            return "finishing…" if p.get("done") else "starting…"
        return f"training {p['label']} ({p['done'] + 1} of {p['total']})"
    parts = [
        f"epoch {p.get('epoch', 0)}/{p.get('epochs', '?')}",
        f"step {p.get('step', 0)}/{p.get('steps', '?')}",
    ]
    if p.get("samples_per_s"):
        parts.append(f"{p['samples_per_s']:.0f} samples/s")
    if p.get("eta_s") is not None and status.state == "running":
        eta = int(round(p["eta_s"]))
        parts.append(f"{eta // 60} min {eta % 60} s left" if eta >= 60 else f"{eta} s left")
    return " · ".join(parts)


def result_rows(summary: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Test metrics of the model beside the baseline chosen on validation, every baseline that does better
    than the model on test (the ones the verdict names) and the classical reference (a forecast's ETS,
    shown beside them, never a rival), one row per metric (for a table)."""
    if not summary or not summary.get("test"):
        return []
    chosen = summary.get("best_baseline") or {}
    rivals = {
        r.get("name") for r in (summary.get("judgement") or {}).get("better") or [] if isinstance(r, dict)
    }
    columns = [(f"{chosen.get('name', 'best baseline')} (chosen on val)", chosen.get("test") or {})]
    columns += [(row["name"], row.get("test") or {}) for row in summary.get("scoreboard") or []
                if isinstance(row, dict) and row.get("name") in rivals and row.get("name") != chosen.get("name")]  # fmt: skip
    columns += [(row["name"], row.get("test") or {}) for row in summary.get("scoreboard") or []
                if isinstance(row, dict) and row.get("reference") and not row.get("sees_targets")]  # the classical reference  # fmt: skip
    main = summary.get("main_metric")

    def value(v) -> float | str:  # a missing value shows as "—", never as a literal None
        return "—" if v is None or v != v else round(float(v), 4)

    rows = [
        {"metric": f"{k} (main)" if k == main else k, "model": value(v),
         **{name: value(test.get(k)) for name, test in columns}}
        for k, v in summary["test"].items()
    ]  # fmt: skip
    if any(isinstance(v, str) for r in rows for k, v in r.items() if k != "metric"):  # one type per column
        rows = [
            {k: v if k == "metric" or isinstance(v, str) else f"{v:g}" for k, v in r.items()} for r in rows
        ]
    return rows
