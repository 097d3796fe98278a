"""The server's long-lived objects: one run store and one job manager per data directory.

Both are ``st.cache_resource`` objects shared by every session. The job manager starts worker processes
(which import TensorFlow), so only pages that train or soon will (Model, Train, Compare, and Results or
Inside once the session has jobs) call :func:`job_manager`; the sidebar uses
:func:`started_job_manager`, which never starts one. Tests replace :func:`job_manager` (and
:func:`started_job_manager`) with a fake :class:`~rnnlab.jobs.protocol.JobQueue` via ``monkeypatch``.
"""

from __future__ import annotations

import logging
import os

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from rnnlab.core import settings
from rnnlab.jobs.manager import JobManager
from rnnlab.jobs.protocol import JobQueue
from rnnlab.runs.store import RunStore

log = logging.getLogger(__name__)


@st.cache_resource(max_entries=8, show_spinner=False)
def _run_store(path: str) -> RunStore:
    return RunStore(path)  # opening marks runs of a dead server "interrupted"


@st.cache_resource(max_entries=8, show_spinner=False)
def _data_dir_problem(configured: str) -> str | None:
    return settings.data_dir_problem()


def data_dir_problem() -> str | None:
    """Why the data directory cannot hold runs (checked once per server and setting), or ``None``."""
    return _data_dir_problem(os.environ.get("RNNLAB_DATA_DIR", ""))


def run_store() -> RunStore:
    """The server's :class:`~rnnlab.runs.store.RunStore` under ``settings.data_dir()`` (one per data dir).

    Raises:
        ValueError: the data directory cannot be written (the message names it and ``RNNLAB_DATA_DIR``).
    """
    problem = data_dir_problem()
    if problem is not None:
        raise ValueError(problem)
    return _run_store(str(settings.data_dir()))


def apply_upload_limit() -> int:
    """Set Streamlit's ``server.maxUploadSize`` from ``RNNLAB_MAX_UPLOAD_MB``; return the megabytes.

    Streamlit 1.67 reads the option on every upload request (``starlette_routes``: the ``Content-Length``
    check, then a cap while streaming) and on every ``st.file_uploader`` render, so a larger upload is
    refused before its bytes are in the server's memory. ``streamlit.config.set_option`` is the internal
    setter behind ``--server.maxUploadSize``; ``make run`` passes the same value on the command line.
    """
    from streamlit import config

    megabytes = settings.max_upload_mb()
    if config.get_option("server.maxUploadSize") != megabytes:
        config.set_option("server.maxUploadSize", megabytes, "RNNLAB_MAX_UPLOAD_MB")
    return megabytes


def _shutdown_manager(manager: JobManager) -> None:
    manager.shutdown(timeout=5)


@st.cache_resource(show_spinner=False)
def _started_managers() -> dict:
    """Server-wide registry of job managers already started (so the sidebar can look without starting one)."""
    return {}


@st.cache_resource(max_entries=2, show_spinner=False, on_release=_shutdown_manager)
def _job_manager(data_dir: str) -> JobManager:
    try:
        recorder = run_store()
    except Exception as err:  # noqa: BLE001 - training works without the run store
        log.warning("Training without a run store: %s", err)
        recorder = None
    manager = JobManager(recorder=recorder)
    _started_managers()[data_dir] = manager
    return manager


def job_manager() -> JobQueue:
    """The server's one :class:`~rnnlab.jobs.manager.JobManager` (worker pool + queue), started on first use.

    Pages that train or will soon (Model, Train, Compare) call this, so the warm workers import
    TensorFlow while the user is still choosing settings; Home, Data and Task never do.
    """
    problem = data_dir_problem()
    if problem is not None:
        raise ValueError(problem)
    return _job_manager(str(settings.data_dir()))


def started_job_manager() -> JobQueue | None:
    """The job manager if a page already started it, else ``None`` (never starts the pool)."""
    if data_dir_problem() is not None:
        return None
    return _started_managers().get(str(settings.data_dir()))


def client_address() -> str:
    """The address of the computer this browser session connects from, as the job queue's fair share counts
    it: the connection's own (``""`` over localhost), or the first ``X-Forwarded-For`` entry behind a proxy
    when ``RNNLAB_TRUST_FORWARDED_FOR`` is on."""
    if settings.trust_forwarded_for():
        forwarded = st.context.headers.get("X-Forwarded-For")
        first = forwarded.split(",")[0].strip() if isinstance(forwarded, str) else ""
        if first:
            return first[:64]
    address = st.context.ip_address
    return address[:64] if isinstance(address, str) else ""  # a test harness may hand back a stand-in


def warm_workers() -> None:
    """Start the worker pool on the first page a browser opens (``RNNLAB_WARM_AT_START``, default on), so a
    lesson opened in two clicks gets its first curve point in about a second, not after TensorFlow's import."""
    if settings.warm_at_start() and data_dir_problem() is None and started_job_manager() is None:
        job_manager()


def session_id() -> str:
    """Streamlit's id of this browser session, as the job queue's per-session limit counts it."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"
