"""What a click does to the session: choose data, apply a link, open a lesson or a run, switch workspace,
and submit jobs.

Each action reads and writes the session through :mod:`rnnlab.ui.session`, validates what it is given
and raises ``ValueError`` with a plain sentence that the pages show with ``st.error``.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from rnnlab.data import catalog
from rnnlab.evaluation.next_step import NextStep
from rnnlab.jobs.types import JobSpec
from rnnlab.models import budget as model_budget
from rnnlab.models.build import output_units
from rnnlab.models.config import ModelConfig
from rnnlab.runs import compare, lessons, share_link
from rnnlab.runs.lessons import Lesson
from rnnlab.runs.record import RunRecord
from rnnlab.runs.store import check_id, new_run_id, new_workspace_id
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig
from rnnlab.ui import current, resources, session, workspace_state


# ---- data ----------------------------------------------------------------------
def choose_bundled(key: str, read_options: dict | None = None) -> None:
    """Make the bundled dataset ``key`` (read with ``read_options``) this session's data.

    Raises:
        ValueError: no bundled dataset has this key.
    """
    entry = catalog.get_entry(key)
    session.set_dataset_choice({"source": "bundled", "name": entry.key, "title": entry.title})
    session.set_read_options(read_options or {})


def choose_upload(name: str, data: bytes) -> str | None:
    """Keep an uploaded file for the workspace (once per content) and make it this session's data, so a
    reload, a restart or an export finds it again; return why it was refused, or ``None``.

    A kept file is held by the session as its SHA-256 only (the bytes: one shared copy for the server,
    :func:`rnnlab.ui.caches.upload_bytes`). A file the server refuses (a quota or the total is full) is not
    used: the session keeps its data as it was and holds nothing of the file — no bytes, no parsed copy in
    a cache — so a refused upload costs no memory once its request is over. The file a link asked for
    (:func:`rnnlab.ui.session.link_upload`) gets the link's read options when its content matches.
    """
    try:
        sha = workspace_state.keep_upload(workspace(), name, data)
    except ValueError as err:
        return str(err)
    wanted = session.link_upload() or {}
    session.set_upload(sha)
    session.set_dataset_choice({"source": "upload", "name": name, "title": name})
    session.set_read_options((wanted.get("read_options") or {}) if wanted.get("sha256") == sha else {})
    session.set_link_upload(None)
    return None


# ---- workspace -------------------------------------------------------------------
def _valid_id(value: str) -> bool:
    try:
        return bool(check_id(value))
    except ValueError:
        return False


def workspace() -> str:
    """This session's workspace id, taken from ``?ws=`` when valid, else created; kept in the URL."""
    ws = session.workspace_id()
    from_url = st.query_params.get("ws")
    if from_url and from_url != ws and _valid_id(from_url):  # a mangled id in the URL is ignored
        ws = from_url
    if not ws:
        ws = new_workspace_id()
    session.set_workspace_id(ws)
    if st.query_params.get("ws") != ws:
        st.query_params["ws"] = ws
    return ws


def open_workspace(workspace_id: str | None = None) -> str:
    """Switch to ``workspace_id`` (validated), or to a brand-new workspace when ``None``.

    Raises:
        ValueError: the id is not a workspace id.
    """
    ws = check_id(workspace_id.strip()) if workspace_id else new_workspace_id()
    session.set_workspace_id(ws)
    session.set_compare_selected([])
    session.set_job_ids([])  # the other workspace's trainings are found again by its own tabs
    st.query_params["ws"] = ws
    return ws


# ---- links, lessons and stored runs ----------------------------------------------
def share_query() -> dict[str, str]:
    """Query parameters for the current configuration, never the workspace: a bundled dataset by its key; a
    kept upload by its description (so whoever opens the link sees which file to upload) and, when the
    workspace shares it (:func:`share_upload`), the token that gives the opener's workspace the same file."""
    choice = session.dataset_choice() or {}
    dataset = choice.get("name") if choice.get("source") == "bundled" else None
    configs = (session.task_config(), session.model_config(), session.train_config())
    upload = token = None
    sha = session.upload_sha256() if choice.get("source") == "upload" else None
    if sha and session.upload_bytes() is None:
        size, token = workspace_state.upload_link_parts(workspace(), sha)
        upload = None if size is None else {"name": str(choice["name"])[: share_link.MAX_FILE_NAME] or "upload.csv",
                                            "size": size, "sha256": sha}  # fmt: skip
    return share_link.to_query(dataset, *configs, session.read_options(), upload, token if upload else None)


def upload_shared() -> bool | None:
    """Whether the session's uploaded file goes with its links; ``None`` when the data is no kept upload."""
    choice = session.dataset_choice() or {}
    sha = session.upload_sha256() if choice.get("source") == "upload" else None
    if not sha or session.upload_bytes() is not None:
        return None
    size, token = workspace_state.upload_link_parts(workspace(), sha)
    return None if size is None else token is not None


def share_upload(on: bool) -> None:
    """Share the session's uploaded file with its links (``on``: whoever opens one gets it in their own
    workspace, the same file kept once), or stop: links made before then only say which file to upload.

    Raises:
        ValueError: the session's data is no upload this workspace keeps.
    """
    sha = session.upload_sha256()
    if not sha:
        raise ValueError("Only an uploaded file kept for this workspace can be shared. Received: no upload")
    workspace_state.share_upload(workspace(), sha, on)


def _page_url() -> str:
    base = urlsplit(st.context.url or "")
    return f"{base.scheme}://{base.netloc}{base.path}" if base.netloc else ""


def share_url() -> str:
    """The link to this page with the current configuration and no workspace: whoever opens it gets a
    fresh workspace set up the same way (for a "copy link" control)."""
    return f"{_page_url()}?{urlencode(share_query())}"


def bookmark_url() -> str:
    """The link back to this workspace (its runs, setup and running trainings): to bookmark, not to share."""
    return share_link.bookmark_link(_page_url(), workspace(), **workspace_state.page_params())


def apply_link() -> bool:
    """Apply a configuration link (``?ds=…&task=…&model=…&train=…``) once; True when one was applied.

    The settings go to session state, ready to press Start; the config parameters are then removed
    from the URL (the workspace stays) so later changes are not overwritten on a rerun.

    Raises:
        ValueError: the link is malformed or names an unknown dataset (pages show the message).
    """
    params = {k: st.query_params.get(k) for k in share_link.CONFIG_PARAMS if k in st.query_params}
    if not params:
        return False
    token = repr(sorted(params.items()))
    if session.link_applied() == token:
        return False
    session.set_link_applied(token)
    for key in params:
        del st.query_params[key]
    shared = share_link.from_query(params)
    if shared.dataset is not None:
        choose_bundled(shared.dataset, shared.read_options)
    elif shared.upload is not None:
        _open_link_upload(shared)
    if shared.task is not None:
        current.store_task_config(shared.task)  # made for the dataset just chosen
    if shared.model is not None:
        session.set_model_config(shared.model)
    if shared.train is not None:
        session.set_train_config(shared.train)
    return True


def _open_link_upload(shared: share_link.SharedConfig) -> None:
    """The data of a link made from an uploaded file: the workspace's own copy when it has one (already, or
    from the link's share token); else no data, and the file to upload is remembered (the Data and Train
    pages name it) with why the link's copy could not be opened."""
    upload = shared.upload or {}
    ws, sha, name = workspace(), upload["sha256"], upload["name"]
    problem = None
    if workspace_state.kept_upload(ws, {"sha256": sha}) is None and shared.upload_token:
        try:
            sha, name = workspace_state.open_shared_upload(shared.upload_token, ws)
        except ValueError as err:
            problem = str(err)
    if workspace_state.kept_upload(ws, {"sha256": sha}) is not None:
        session.set_upload(sha)
        session.set_dataset_choice({"source": "upload", "name": name, "title": name})
        session.set_read_options(shared.read_options)
        session.set_link_upload(None)
        return
    session.set_upload(None)
    session.set_dataset_choice(None)  # the link's task is kept for the file still to come
    session.set_read_options({})
    session.set_link_upload({**upload, "read_options": dict(shared.read_options), "problem": problem})


def open_lesson(key: str) -> Lesson:
    """Load a lesson preset's dataset and settings into this session; return the lesson.

    Raises:
        ValueError: unknown lesson or invalid lesson settings.
    """
    lesson = lessons.get_lesson(key)
    task, model, train = lesson.configs()
    choose_bundled(lesson.dataset)
    current.store_task_config(task)  # made for the lesson's dataset, not the one chosen before
    session.set_model_config(model)
    session.set_train_config(train)
    return lesson


def load_run_settings(run: RunRecord) -> None:
    """Put a stored run's task, model and training settings (and its bundled dataset) back in the session.

    Raises:
        ValueError: the stored settings are no longer valid.
    """
    ref = run.get("dataset_ref") or {}
    if ref.get("source") == "bundled" and ref.get("name"):
        choose_bundled(ref["name"], ref.get("read_options"))
    elif ref.get("source") == "upload":  # the workspace's own kept upload (never another workspace's file)
        kept = workspace_state.kept_upload(workspace(), ref)
        if kept is not None:
            session.set_upload(kept)
            name = str(ref.get("name") or "upload.csv")
            session.set_dataset_choice({"source": "upload", "name": name, "title": name})
            session.set_read_options(ref.get("read_options") or {})
    current.store_task_config(TaskConfig.from_dict(run["task_config"]))
    session.set_model_config(ModelConfig.from_dict(run["model_config"]))
    session.set_train_config(TrainConfig.from_dict(run["train_config"]))


def apply_next_step(run: RunRecord, step: NextStep) -> None:
    """Load a run's settings with its next step's changes (:func:`rnnlab.evaluation.next_step.next_step`).

    Raises:
        ValueError: the stored settings, or the changed ones, are not valid.
    """
    load_run_settings(run)
    if step.get("task"):
        current.store_task_config(TaskConfig.from_dict({**(run["task_config"] or {}), **step["task"]}))
    if step.get("train"):
        session.set_train_config(TrainConfig.from_dict({**(run["train_config"] or {}), **step["train"]}))


# ---- jobs ------------------------------------------------------------------------
def start_training(config: TrainConfig) -> str:
    """Queue a training of the session's data, task and model with ``config``; keep and return its job id.

    Raises:
        ValueError: no data or task yet, or the queue is full (``QueueFull``).
    """
    dataset, task = current.current_dataset(), current.task_config()
    if dataset is None or task is None:
        raise ValueError("Choose the data and the task first (Data → Task).")
    model = session.model_config() or ModelConfig()
    framed = current.current_framed(task)  # the framing budget, checked here as in the worker
    if framed is not None:  # the model and memory budget before the job is queued (the worker checks again)
        model_budget.check_training(model, framed.n_features, framed.n_steps, output_units(framed, model),
                                    config.batch_size, model_budget.framed_values(framed))  # fmt: skip
    spec = JobSpec(
        dataset=dataset, dataset_ref=current.dataset_ref() or {}, task=task,
        model=model, train=config, workspace=workspace(),
        session_id=resources.session_id(), run_id=new_run_id(), client=resources.client_address(),
    )  # fmt: skip
    job_id = resources.job_manager().submit(spec)
    session.set_job_ids([*session.job_ids(), job_id])
    return job_id


def train_again(run: RunRecord) -> str:
    """Load a stored run's settings (and its data, when the workspace still has it) and queue the same
    training anew; return the job id (the Train page's "Train again" for an interrupted run).

    Raises:
        ValueError: the stored settings are no longer valid, the data is gone, or the queue is full.
    """
    load_run_settings(run)
    ref = run.get("dataset_ref") or {}
    if ref.get("source") == "upload" and (current.dataset_ref() or {}).get("sha256") != ref.get("sha256"):
        raise ValueError(
            f"To train again, the run's uploaded file must still be kept. Received: "
            f"{str(ref.get('name') or 'the file')[:80]!r} is no longer kept — upload it again on the Data page"
        )
    return start_training(TrainConfig.from_dict(run["train_config"]))


def submit_variants(mode: str, n_seeds: int = 3) -> list[str]:
    """Queue the race of the cells (``mode="race"``) or the setting with ``n_seeds`` seeds (``"seeds"``).

    The jobs belong to the workspace as one request (one ``group``): any of its tabs finds them through
    :func:`rnnlab.ui.workspace_state.group_jobs`. Returns their job ids.

    Raises:
        ValueError: a setting is still missing, or the queue is full.
    """
    dataset, task = current.current_dataset(), session.task_config()
    model, train = session.model_config(), session.train_config()
    if dataset is None or task is None or model is None or train is None:
        raise ValueError(
            "Choose the data, the task, the model and the training settings first (Data → Train)."
        )
    specs = compare.variant_specs(dataset, current.dataset_ref() or {}, task, model, train, workspace(),
                                  resources.session_id(), mode, n_seeds, client=resources.client_address())  # fmt: skip
    manager = resources.job_manager()
    return [manager.submit(spec) for spec in specs]
