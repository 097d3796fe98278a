"""The typed seams between a job's code, the runner that hosts it and the job manager (plain dicts at run time).

Everything here is a :class:`~typing.TypedDict`: the values stay plain dicts, so they pickle through a
pipe or Ray's object store unchanged, while type checkers and readers see which keys each one has.

Two families:

- **Events** a job sends while it runs: a training's ``start``, ``batch``, ``epoch`` and ``end``
  (:func:`rnnlab.training.fit.train`), a lab job's ``progress``. :meth:`rnnlab.jobs.types.JobStatus.apply`
  folds them into the job's status.
- **Reports** a runner hands the manager: ``ready`` (a worker is warm), ``broken`` (a worker could not
  start), ``event`` (one event of one job), ``result`` (a job ended, with its summary), ``gone`` (a worker
  died; with the job it was running, if any). Both runners (the local pool, Ray) speak only these.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, Required, TypedDict

from rnnlab.jobs.outcome import CallSummary, TrainSummary
from rnnlab.training.devices import Device  # one device a runner offers (its workers' list_devices)


# ---- events (from the job's code; a training's events also carry ``t``, their ``time.time()``) ---------
class StartEvent(TypedDict, total=False):
    type: Required[Literal["start"]]
    epochs: int
    steps_per_epoch: int
    params: int
    n_train: int
    batch_size: int
    device: str
    main_metric: str  # the metric Keras logs (the verdict may use another)
    reference: dict[str, Any] | None  # rnnlab.evaluation.reference.reference: the baseline's line
    steps_per_execution: int  # the speed settings (rnnlab.training.speed.fit_settings)
    jit_compile: bool | str
    calibrated: bool
    t: float


class BatchEvent(TypedDict):
    type: Literal["batch"]
    epoch: int
    step: int
    steps: int
    logs: dict[str, float]
    samples_per_s: float
    eta_s: float | None  # None until a steady call was timed
    t: NotRequired[float]


class EpochEvent(TypedDict, total=False):
    type: Required[Literal["epoch"]]
    epoch: int
    done: float
    logs: dict[str, float]
    seconds: float
    eta_s: float | None
    t: float


class EndEvent(TypedDict):
    type: Literal["end"]
    status: str
    message: str
    t: NotRequired[float]


class ProgressEvent(TypedDict, total=False):
    type: Required[Literal["progress"]]
    done: int
    total: int
    label: str
    t: float


class StoppingEvent(TypedDict):
    """The worker has the Stop (sent at once, beside the job); the job's ``end`` follows at its next check."""

    type: Literal["stopping"]
    t: float


Event = StartEvent | BatchEvent | EpochEvent | EndEvent | ProgressEvent | StoppingEvent


# ---- reports (from a runner to the manager) --------------------------------------------------------------
class Ready(TypedDict, total=False):
    type: Required[Literal["ready"]]
    worker: int
    pid: int
    devices: list[Device]
    threads: int  # TensorFlow's threads within one operation (0: TensorFlow's default, every core)


class Broken(TypedDict, total=False):
    """A worker could not start; ``fatal`` when no worker can (the cluster went away): the manager gives up
    at once instead of after a few tries."""

    type: Required[Literal["broken"]]
    worker: int
    message: str
    fatal: bool


class EventReport(TypedDict, total=False):
    type: Required[Literal["event"]]
    worker: int
    job_id: str
    event: Event


class ResultReport(TypedDict, total=False):
    type: Required[Literal["result"]]
    worker: int
    job_id: str
    summary: TrainSummary | CallSummary


class Gone(TypedDict):
    """A worker died: ``job_id`` is the job it was running (``None`` if idle), ``reason`` plain words;
    ``starting`` says it died before it was ever ready (counts towards giving up)."""

    type: Literal["gone"]
    job_id: str | None
    reason: str
    starting: bool


Report = Ready | Broken | EventReport | ResultReport | Gone


def gone(job_id: str | None, reason: str, starting: bool = False) -> Gone:
    """A :class:`Gone` report."""
    return {"type": "gone", "job_id": job_id, "reason": reason, "starting": starting}
