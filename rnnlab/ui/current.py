"""What this session is looking at: its dataset, its task and the framed data, through the shared caches.

Every page that needs the chosen data calls these; they read the session (:mod:`rnnlab.ui.session`)
and hand the caches (:mod:`rnnlab.ui.caches`) every input as an argument.
"""

from __future__ import annotations

import json

from rnnlab.core import settings, text
from rnnlab.core.words import plural
from rnnlab.data import catalog
from rnnlab.data.dataset import SequenceDataset
from rnnlab.evaluation import findings
from rnnlab.evaluation.scoreboard import ScoreRow
from rnnlab.jobs.outcome import TrainSummary
from rnnlab.plots import train as plots_train
from rnnlab.runs import compare
from rnnlab.runs.record import RunRecord
from rnnlab.runs.uploads import size_text
from rnnlab.task import framing
from rnnlab.task.types import FramedData, TaskConfig
from rnnlab.training import speed
from rnnlab.training.estimate import Estimate, framed_estimate
from rnnlab.ui import caches, resources, session
from rnnlab.ui.caches import DataSource


def upload_sha256() -> str:
    """The chosen upload's SHA-256 (``""`` when none); bytes seeded without a hash are hashed once here."""
    known = session.upload_sha256()
    unkept = session.upload_bytes()
    if known is None and unkept is not None:
        known = caches.sha256(unkept)
        session.set_upload(known, unkept)
    return known or ""


def link_upload_note() -> str | None:
    """Markdown naming the uploaded file a link was made from, when this session has still to upload it
    (the Data and Train pages show it), with why the link's own copy could not be opened; else ``None``."""
    wanted = session.link_upload()
    if not wanted:
        return None
    note = (
        f"This link was made from the uploaded file **{text.markdown(wanted.get('name'))}** "
        f"({size_text(int(wanted.get('size') or 0))}). Upload that file on the Data page: the task, model and "
        "training settings of the link are ready for it."
    )
    if wanted.get("problem"):
        note += f"  \n_{text.markdown(wanted['problem'])}._"
    return note


def data_source() -> DataSource | None:
    """The chosen data as a :class:`~rnnlab.ui.caches.DataSource`, or ``None`` when none is chosen."""
    choice = session.dataset_choice()
    if not choice:
        return None
    upload = choice.get("source") == "upload"
    return DataSource(
        source=choice["source"],
        name=choice["name"],
        read_options=json.dumps(session.read_options(), sort_keys=True, default=str),
        sha256=upload_sha256() if upload else None,
    )


def file_key() -> str | None:
    """A string that changes whenever another file is chosen (bundled key, or upload name and content)."""
    choice = session.dataset_choice()
    if not choice:
        return None
    sha = upload_sha256() if choice.get("source") == "upload" else None
    return json.dumps([choice.get("source"), choice.get("name"), sha])


def dataset_usable() -> bool:
    """Whether a dataset is chosen and the last attempt to read it (with its options) did not fail."""
    key = dataset_key()
    return key is not None and session.unreadable() != key


def dataset_key() -> str | None:
    """A string that changes whenever the chosen dataset, its read options or an upload's content change."""
    source = data_source()
    return None if source is None else source.to_json()


def _upload_data(source: DataSource) -> bytes | None:
    """An upload's bytes: the server's one shared copy (by hash), or the session's own when it was not kept;
    ``None`` for a bundled dataset or an upload the workspace no longer has."""
    if source.source != "upload":
        return None
    unkept = session.upload_bytes()
    if unkept is not None:
        return unkept
    try:
        return caches.upload_bytes(str(source.sha256), session.workspace_id() or "")
    except ValueError:
        return None


def current_dataset() -> SequenceDataset | None:
    """The chosen :class:`~rnnlab.data.dataset.SequenceDataset`, or ``None`` when none is chosen.

    Raises:
        rnnlab.data.dataset.DataError: when the chosen file cannot be read (pages show the message).
    """
    source = data_source()
    if source is None:
        return None
    data = _upload_data(source)
    if source.source == "upload" and data is None:
        return None
    return caches.dataset(source.to_json(), data)


def dataset_ref() -> dict | None:
    """How the store records the chosen data: a bundled key (+ read options), or an upload's name and hash."""
    choice = session.dataset_choice()
    if not choice:
        return None
    if choice["source"] == "bundled":
        return {"source": "bundled", "name": choice["name"], "read_options": dict(session.read_options())}
    return {"source": "upload", "name": choice["name"], "sha256": upload_sha256(),
            "read_options": dict(session.read_options())}  # fmt: skip


def dataset_for(run: RunRecord) -> SequenceDataset | None:
    """The session's dataset when it is the one ``run`` was trained on (needed to export an upload's run)."""
    ref, mine = run.get("dataset_ref") or {}, dataset_ref()
    if mine is None or ref.get("source") != "upload" or ref.get("sha256") != mine.get("sha256"):
        return None
    return current_dataset()


def file_columns() -> list[str]:
    """Column names of the chosen file (for the override pickers); ``[]`` when none or unreadable."""
    source = data_source()
    if source is None:
        return []
    data = _upload_data(source)
    if source.source == "upload" and data is None:
        return []
    try:
        return caches.peek_columns(source.to_json(), data)
    except ValueError:
        return []


def default_task(dataset: SequenceDataset, kind: str | None = None) -> TaskConfig:
    """The natural task (of ``kind``) for the session's data; a bundled dataset's label is the target."""
    choice = session.dataset_choice() or {}
    target = catalog.get_entry(choice["name"]).label if choice.get("source") == "bundled" else None
    return framing.default_task_for(dataset, kind, target)


def task_config() -> TaskConfig | None:
    """The stored task if it was made for the current dataset, else the dataset's default task.

    When the dataset changed since the task was stored, the Task page's widget state is cleared too,
    so that no widget keeps a column of the previous dataset.
    """
    dataset, key = current_dataset(), dataset_key()
    if dataset is None:
        return None
    stored = session.task_config()
    if (
        stored is not None
        and session.task_made_for() in (key, None)
        and stored.kind in dataset.allowed_tasks()
    ):
        return stored
    session.clear_task_widgets()
    return default_task(dataset)


def store_task_config(config: TaskConfig) -> None:
    """Keep the (frozen, JSON-serialisable) task config for the current dataset."""
    session.set_task_config(config, dataset_key())


def current_framed(config: TaskConfig | None = None) -> FramedData | None:
    """The current dataset framed with ``config`` (default: the stored task), cached; ``None`` without data.

    The result is shared between reruns and sessions: read it, never change it.

    Raises:
        ValueError: when the task does not fit the data (pages show the message).
    """
    config = config or session.task_config()
    source = data_source()
    if config is None or source is None or current_dataset() is None:
        return None
    return caches.framed(source.to_json(), config.to_json(), _upload_data(source))


def current_scoreboard(config: TaskConfig | None = None) -> tuple[list[ScoreRow], ScoreRow, list[str]] | None:
    """``(scoreboard, best row, notes on skipped baselines)`` for :func:`current_framed`, cached."""
    config = config or session.task_config()
    source = data_source()
    if config is None or source is None or current_dataset() is None:
        return None
    return caches.scoreboard(source.to_json(), config.to_json(), _upload_data(source))


def baseline_test_predictions(config: TaskConfig) -> dict:
    """Every baseline's test predictions on :func:`current_framed` with ``config``, cached (``{}`` without data)."""
    source = data_source()
    if source is None or current_dataset() is None:
        return {}
    return caches.baseline_test_predictions(source.to_json(), config.to_json(), _upload_data(source))


def model_tables(model_config, task: TaskConfig) -> tuple[list, int, list]:
    """Keras's summary rows, parameter count and formula check of ``model_config`` on the current data.

    Raises:
        ValueError: when there is no data, or the model does not fit it.
    """
    source = data_source()
    if source is None:
        raise ValueError("`model_tables` needs a chosen dataset. Received: none chosen")
    return caches.model_tables(model_config.to_json(), source.to_json(), task.to_json(), _upload_data(source))


# ---- a job's run, its predecessors and its data -------------------------------------
def job_run(run_id: str) -> RunRecord | None:
    """The job's run in this workspace's store (its task and data), or ``None`` when the store lacks it."""
    try:
        return resources.run_store().get_run(run_id, session.workspace_id())
    except (ValueError, OSError):
        return None


def run_history(run_id: str) -> dict[str, list]:
    """A stored run's recorded epochs (``{"epoch": [...], "loss": [...], …}``), ``{}`` when none."""
    try:
        return resources.run_store().history(run_id)
    except (ValueError, OSError):
        return {}


def interrupted_caption(run: RunRecord) -> str:
    """One line of Markdown on an interrupted run (its label inert): the epochs it kept of those asked, and
    what "Train again" does.

    Example:
        >>> interrupted_caption({"label": "GRU 8", "epochs_done": 5, "train_config": {"epochs": 40}})[:45]
        'GRU 8 — 5 of 40 epochs were done and are kept'
    """
    asked = (run.get("train_config") or {}).get("epochs")
    done = int(run.get("epochs_done") or 0)
    of = (
        f"{done} of {asked} epochs were"
        if asked
        else f"{plural(done, 'epoch')} {'was' if done == 1 else 'were'}"
    )
    return (f"{text.markdown(compare.run_label(run))} — {of} done and are kept (Compare lists the run). Train again starts it "
            "anew with the same settings and data.")  # fmt: skip


def earlier_histories(run: RunRecord | None, run_id: str) -> list[dict]:
    """Histories of this workspace's earlier runs on ``run``'s data and task (drawn as ghosts)."""
    if not run:
        return []
    store = resources.run_store()
    runs = store.list_runs(session.workspace_id(), limit=100)
    ids = plots_train.earlier_runs(runs, run.get("dataset_ref"), run.get("task_config"), exclude=run_id)
    return [store.history(i) for i in ids]


def job_framed(task: dict | None, job_ref: dict | None) -> FramedData | None:
    """A job's framed data (cached) when the session still has the job's dataset, else ``None``."""
    mine = dataset_ref()
    if not task or not findings.same_data(job_ref, mine):
        return None
    try:
        framed = current_framed(TaskConfig.from_dict(task))
    except ValueError:
        return None
    return findings.matching_framed(framed, task, job_ref, mine)


def ended_job_framed(summary: TrainSummary | None, run: RunRecord | None) -> FramedData | None:
    """:func:`job_framed` of a training: the task and data its summary names, else those of its stored run."""
    task = (summary.get("task") if summary else None) or (run["task_config"] if run else None)
    ref = (summary.get("dataset_ref") if summary else None) or (run["dataset_ref"] if run else None)
    return job_framed(task, ref)


def training_estimate(model_config, train_config) -> Estimate | None:
    """How long a training of the current task would take here (``None`` before the data and task are known):
    the workers' calibration of this machine (``calibration.json`` in the data dir, read without TensorFlow)
    times the task's size; the built-in figures until a worker has measured."""
    task = task_config()
    framed = current_framed(task) if task is not None else None
    if framed is None:
        return None
    calibration = speed.load(settings.data_dir()) or speed.DEFAULT
    return framed_estimate(framed, model_config, train_config, calibration)
