"""What belongs to the workspace rather than to the browser tab: its saved setup, its kept uploads, its
running trainings, and presentation mode kept in the URL.

``app.py`` calls :func:`restore_setup` once the workspace is known (a reload, a new tab or a bookmark of
``?ws=…`` then finds the same dataset, read options, task, model and training settings on every page) and
:func:`save_setup` after every page run (written only when something changed). The Train page, the
Compare page's races and seed bands, the Inside page's lab jobs and the sidebar find the workspace's jobs
here (:func:`train_job_ids`, :func:`group_jobs`, :func:`lab_status`), whichever tab started them.
"""

from __future__ import annotations

import json
import logging
import sqlite3

import streamlit as st

from rnnlab.core.config import Config
from rnnlab.data import catalog
from rnnlab.jobs import workspace as ws_jobs
from rnnlab.jobs.types import JobStatus
from rnnlab.runs import compare, setups
from rnnlab.runs.record import RunRecord
from rnnlab.runs.upload_shares import UploadShares
from rnnlab.runs.uploads import UploadStore
from rnnlab.ui import current, resources, session

log = logging.getLogger(__name__)
PRESENT_PARAM = "present"


# ---- the setup -------------------------------------------------------------------------------
def snapshot() -> dict:
    """The session's setup as plain JSON values (the task only when it was made for the current data)."""
    choice = session.dataset_choice()
    if choice and choice.get("source") == "upload":
        # a file the server refused is held by this session only: the setup cannot bring it back
        kept = session.upload_sha256() and session.upload_bytes() is None
        choice = {**choice, "sha256": session.upload_sha256()} if kept else None
    task = session.task_config()
    if task is not None and session.task_made_for() not in (None, current.dataset_key()):
        task = None
    parts = {"dataset": choice, "read_options": session.read_options(), "task": task,
             "model": session.model_config(), "train": session.train_config()}  # fmt: skip
    return {k: (v.to_dict() if isinstance(v, Config) else v) for k, v in parts.items()}


def _text(setup: dict) -> str:
    return json.dumps(setup, sort_keys=True, default=str)


def restore_setup(workspace: str) -> list[str]:
    """Load the workspace's saved setup into the session, once per workspace; return what could not be.

    A session that has no saved setup to load keeps its own settings (they are saved to the workspace).
    """
    if session.setup_restored_for() == workspace:
        return []
    session.set_setup_restored_for(workspace)
    store = resources.run_store()
    try:
        setup = setups.load_setup(store, workspace)
    except (ValueError, sqlite3.Error) as err:
        log.warning("setup of %s not loaded: %s", workspace, err)
        return [str(err)]
    if setup is None:
        session.set_setup_saved(None)
        return []
    problems = list(setup.problems)
    if setup.dataset is not None:
        problems += _restore_dataset(store, workspace, setup.dataset)
    session.set_read_options(setup.read_options)
    if setup.task is not None:
        session.set_task_config(setup.task, current.dataset_key())
    if setup.model is not None:
        session.set_model_config(setup.model)
    if setup.train is not None:
        session.set_train_config(setup.train)
    session.set_setup_saved(_text(snapshot()))
    return problems


def _restore_dataset(store, workspace: str, dataset: dict) -> list[str]:
    """Choose the saved setup's dataset in the session (a bundled key, or the workspace's kept upload: the
    session holds its hash only); return what could not be restored."""
    if dataset["source"] == "bundled":
        try:
            entry = catalog.get_entry(dataset["name"])
        except ValueError as err:
            return [str(err)]
        session.set_dataset_choice({"source": "bundled", "name": entry.key, "title": entry.title})
        return []
    if not UploadStore(store).has(workspace, dataset["sha256"]):
        return ["The saved setup's uploaded file is no longer kept on the server: upload it again."]
    session.set_upload(dataset["sha256"])
    name = str(dataset["name"])
    session.set_dataset_choice({"source": "upload", "name": name, "title": name, "sha256": dataset["sha256"]})
    return []


def save_setup(workspace: str | None) -> None:
    """Save the session's setup to its workspace when it changed since the last save (never raises)."""
    if not workspace or session.setup_restored_for() != workspace:
        return
    try:
        setup = snapshot()
        text = _text(setup)
        if text != session.setup_saved():
            setups.save_setup(resources.run_store(), workspace, setup)
            session.set_setup_saved(text)
    except (ValueError, OSError, sqlite3.Error) as err:  # a full disk must not break the page
        log.warning("setup of %s not saved: %s", workspace, err)


def keep_upload(workspace: str, name: str, data: bytes) -> str:
    """Keep an uploaded file for the workspace (once per content), counted for this session's computer;
    return its SHA-256.

    Raises:
        ValueError: the file does not fit the workspace's or the computer's quota or the server's total.
    """
    return UploadStore(resources.run_store()).put(workspace, name, data, client=resources.client_address())


def upload_link_parts(workspace: str, sha256: str) -> tuple[int | None, str | None]:
    """``(size, share token)`` of the workspace's kept upload: its size for a link's description (``None``:
    not kept) and the token when the workspace shares it with links (else ``None``)."""
    uploads = UploadStore(resources.run_store())
    size = next((e["size"] for e in uploads.entries(workspace) if e["sha256"] == sha256), None)
    return size, (UploadShares(uploads).token(workspace, sha256) if size is not None else None)


def share_upload(workspace: str, sha256: str, on: bool) -> None:
    """Share the workspace's kept upload with its configuration links (``on``), or stop sharing it.

    Raises:
        ValueError: ``on`` for an upload the workspace does not keep.
    """
    shares = UploadShares(UploadStore(resources.run_store()))
    if on:
        shares.share(workspace, sha256)
    else:
        shares.unshare(workspace, sha256)


def open_shared_upload(token: str, workspace: str) -> tuple[str, str]:
    """Give the workspace its copy of the file a link shares (the same kept file, counted for this session's
    computer); return ``(sha256, file name)``.

    Raises:
        ValueError: the link no longer shares a file, or the copy does not fit a quota.
    """
    return UploadShares(UploadStore(resources.run_store())).open(token, workspace, resources.client_address())


def kept_upload(workspace: str, ref: dict) -> str | None:
    """The SHA-256 of an upload a run of ``workspace`` used (``ref``: its dataset_ref), if still kept there."""
    sha = ref.get("sha256") or ""
    return sha if UploadStore(resources.run_store()).has(workspace, sha) else None


# ---- jobs ------------------------------------------------------------------------------------
def interrupted_run(workspace: str) -> RunRecord | None:
    """The workspace's newest training when a server stop interrupted it (status ``interrupted``), for the
    Train page to show with "Train again"; ``None`` when its newest run ended otherwise (or it has none).
    Runs of a race, a seed band or another request are left out where the store records their group."""
    try:
        runs = resources.run_store().list_runs(workspace, limit=20)
    except (ValueError, OSError, sqlite3.Error):
        return None
    own = [r for r in runs if not r.get("run_group") and not r.get("imported")]  # the Train page's own
    return own[0] if own and own[0]["status"] == "interrupted" else None


def train_job_ids(workspace: str, manager=None) -> list[str]:
    """The workspace's trainings the server knows, oldest first, whichever tab started them: a reload or a
    second tab re-attaches to the running one; jobs of another workspace never appear. Kept in the session."""
    manager = manager or resources.job_manager()
    ids = [j.job_id for j in ws_jobs.workspace_jobs(manager, workspace, group="")]  # not races, seed bands
    if ids != session.job_ids():
        session.set_job_ids(ids)
    return ids


def group_jobs(workspace: str, prefix: str) -> list[JobStatus]:
    """The jobs of the workspace's newest race (``prefix="race:"``) or seed band (``"seeds:"``), oldest
    first, whichever tab started them; ``[]`` for none."""
    return ws_jobs.latest_group(resources.job_manager(), workspace, prefix)


def job_runs(statuses: list[JobStatus]) -> list[RunRecord]:
    """The stored runs of these jobs (this workspace's), in the jobs' order; jobs not yet recorded are left out."""
    stored = {r["id"]: r for r in resources.run_store().list_runs(session.workspace_id() or "", limit=200)}
    return [stored[s.run_id] for s in statuses if s.run_id in stored]


def lab_status(workspace: str, name: str) -> JobStatus | None:
    """The workspace's newest lab job calling ``name`` (``"k_steps_race"``, ``"padding_lab"``), whichever tab
    started it; ``None`` when there is none (looking never starts the worker pool)."""
    manager = resources.started_job_manager()
    return None if manager is None else ws_jobs.lab_job(manager, workspace, name)


def active_jobs_for_sidebar(manager) -> list[JobStatus]:
    """The workspace's queued and running jobs: trainings and lab jobs."""
    return ws_jobs.active_jobs(manager, session.workspace_id() or "", kind=None)


def stop(status: JobStatus) -> None:
    """Stop (or cancel) a job of this session's workspace (``ValueError`` for another workspace's)."""
    ws_jobs.stop_job(resources.job_manager(), status.job_id, session.workspace_id() or "")


# ---- models the Inside page may open -------------------------------------------------------
def model_choices(workspace: str) -> list[dict]:
    """The workspace's runs with a saved model (and class-board runs, labelled so), newest first."""
    out = []
    for run in resources.run_store().list_models(workspace):
        label = compare.run_label(run) + (" — shared on the class board" if run["from_board"] else "")
        out.append(
            {"run_id": run["id"], "path": run["path"], "mtime": run["mtime"], "label": label, "run": run}
        )
    return out


# ---- presentation mode ------------------------------------------------------------------------
def sync_presenting() -> bool:
    """Keep presentation mode in the session and in the URL: ``?present=1`` switches it on, ``?present=0``
    off, and every page (links, buttons, ``switch_page``, the sidebar) gets it back until switched off."""
    value = st.query_params.get(PRESENT_PARAM)
    if value is not None:
        session.set_presenting(value in ("1", "true", "yes"))
    on = session.presenting()
    if on and value != "1":
        st.query_params[PRESENT_PARAM] = "1"
    elif not on and value is not None and value != "0":
        del st.query_params[PRESENT_PARAM]
    return on


def page_params() -> dict[str, str]:
    """Query parameters every page switch carries: the workspace and, when on, presentation mode."""
    params = {"ws": session.workspace_id() or ""}
    if session.presenting():
        params[PRESENT_PARAM] = "1"
    return {k: v for k, v in params.items() if v}
