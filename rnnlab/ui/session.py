"""This session's state: every key named once, with a typed reader and writer for each.

Pages never spell a key or read ``st.session_state`` for rnnlab's own values: they call
``session.task_config()``, ``session.set_model_config(config)`` and so on. Every key is initialised
once per session with ``setdefault`` (:func:`init`, safe on every rerun); mutable defaults are copied, so
no two sessions share a list. Tests seed a session through the same key constants.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from rnnlab.models.config import ModelConfig
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

# ---- keys (one place) -------------------------------------------------------
DATASET_CHOICE = (
    "rnnlab.dataset_choice"  # dict: {"source": "bundled"|"upload", "name": key or file name, "title"}
)
UPLOAD_SHA = "rnnlab.upload_sha256"  # str | None: the chosen upload's SHA-256 (bytes: caches.upload_bytes)
UPLOAD_BYTES = "rnnlab.upload_bytes"  # bytes | None: a file handed to the session directly (tests, scripts);
# the Data page never puts an upload here: a file the server cannot keep is refused, and nothing of it stays
LINK_UPLOAD = "rnnlab.link_upload"  # dict | None: the uploaded file a link was made from, still to upload
UPLOADER_ROUND = "rnnlab.uploader_round"  # int: turns the Data page's uploader key once a file is read
READ_OPTIONS = "rnnlab.read_options"  # dict of reader overrides chosen on the Data page
TASK_CONFIG = "rnnlab.task_config"  # TaskConfig | None
TASK_FOR = "rnnlab.task.for_dataset"  # str | None: the dataset key the stored task was made for
MODEL_CONFIG = "rnnlab.models.config"  # ModelConfig | None
TRAIN_CONFIG = "rnnlab.training.config"  # TrainConfig | None
JOB_IDS = "rnnlab.job_ids"  # list[str]: this session's trainings, newest last
WORKSPACE = "rnnlab.workspace"  # str | None: workspace id, mirrored in the URL
DRAW_SEED = "rnnlab.draw_seed"  # int: seed for "draw others" on the Data page
LINK_APPLIED = "rnnlab.link_applied"  # str | None: the config link already applied in this session
COMPARE_SELECTED = "rnnlab.runs.compare.selected"  # list[str]: run ids picked on the Compare page
INSIDE_RACE = "rnnlab.inside.race"  # dict | None: {"k", "results"} of the k-steps race
INSIDE_LAB = "rnnlab.inside.lab"  # dict | None: {"source", "lab"} of the padding lab
SETUP_RESTORED = (
    "rnnlab.setup.restored_for"  # str | None: the workspace whose saved setup this session loaded
)
SETUP_SAVED = "rnnlab.setup.saved"  # str | None: the setup (JSON) last saved for the workspace
PRESENTING = "rnnlab.presenting"  # bool: presentation mode, kept in the URL on every page until switched off
TASK_WIDGET_PREFIX = "task-"  # the Task page's widget keys; cleared when the dataset changes
OPTIONS_FOR = "rnnlab.read_options.for_file"  # str | None: the file the reading-option widgets were made for
UNREADABLE = "rnnlab.dataset.unreadable"  # str | None: the dataset key that could not be read
DATA_OPTION_PREFIX = "data-opt-"  # the Data page's reading-option widget keys; cleared for another file

_DEFAULTS: dict[str, Any] = {
    DATASET_CHOICE: None,
    UPLOAD_SHA: None,
    UPLOAD_BYTES: None,
    UPLOADER_ROUND: 0,
    LINK_UPLOAD: None,
    OPTIONS_FOR: None,
    UNREADABLE: None,
    READ_OPTIONS: {},
    TASK_CONFIG: None,
    TASK_FOR: None,
    MODEL_CONFIG: None,
    TRAIN_CONFIG: None,
    JOB_IDS: [],
    WORKSPACE: None,
    DRAW_SEED: 0,
    LINK_APPLIED: None,
    COMPARE_SELECTED: [],
    INSIDE_RACE: None,
    INSIDE_LAB: None,
    SETUP_RESTORED: None,
    SETUP_SAVED: None,
    PRESENTING: False,
}
LAB_CALLS = {INSIDE_RACE: "k_steps_race", INSIDE_LAB: "padding_lab"}  # a lab result's key → its job's call


def init() -> None:
    """Give every key its default once per session (safe to call on every rerun)."""
    for key, value in _DEFAULTS.items():
        st.session_state.setdefault(key, value.copy() if isinstance(value, (dict, list)) else value)


def _get(key: str) -> Any:
    init()
    return st.session_state[key]


def _set(key: str, value: Any) -> None:
    init()
    st.session_state[key] = value


# ---- the data ----------------------------------------------------------------
def dataset_choice() -> dict | None:
    """``{"source": "bundled"|"upload", "name", "title"}`` of the chosen data, or ``None``."""
    return _get(DATASET_CHOICE)


def set_dataset_choice(choice: dict | None) -> None:
    _set(DATASET_CHOICE, choice)


def upload_sha256() -> str | None:
    """The chosen upload's SHA-256 as the session keeps it (its bytes live in the server's shared cache)."""
    return _get(UPLOAD_SHA)


def upload_bytes() -> bytes | None:
    """Bytes handed to the session directly (a test's or a script's file); ``None`` for an upload, which the
    server keeps (the session holds its hash) or refuses (then nothing of it is held)."""
    return _get(UPLOAD_BYTES)


def set_upload(sha256: str | None, unkept: bytes | None = None) -> None:
    """Make the kept upload ``sha256`` the session's (``unkept``: bytes handed over directly, see
    :func:`upload_bytes`)."""
    _set(UPLOAD_SHA, sha256)
    _set(UPLOAD_BYTES, unkept)


def link_upload() -> dict | None:
    """The uploaded file a configuration link was made from and this session has still to upload:
    ``{"name", "size", "sha256", "read_options", "problem"}`` (``problem``: why the link's copy could not be
    opened, or ``None``), or ``None``."""
    return _get(LINK_UPLOAD)


def set_link_upload(wanted: dict | None) -> None:
    _set(LINK_UPLOAD, None if wanted is None else dict(wanted))


def uploader_key() -> str:
    """The Data page's file uploader's widget key (a new one after every file read, see :func:`release_upload`)."""
    return f"data-upload-{int(_get(UPLOADER_ROUND))}"


def release_upload(uploaded: UploadedFile, widget_key: str | None = None) -> None:
    """Drop Streamlit's own copy of a file read from the uploader — kept or refused alike: its record in the
    uploaded-file manager (as ``st.chat_input`` does), the widget's state under ``widget_key`` (its
    ``UploadedFile``), and, with a new uploader key, the widget itself on the next run."""
    ctx = get_script_run_ctx()
    if ctx is not None and isinstance(ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        ctx.uploaded_file_mgr.remove_file(session_id=ctx.session_id, file_id=uploaded.file_id)
    if widget_key is not None and widget_key in st.session_state:
        del st.session_state[widget_key]
    _set(UPLOADER_ROUND, int(_get(UPLOADER_ROUND)) + 1)


def read_options() -> dict:
    """The reader overrides chosen on the Data page (see :mod:`rnnlab.data.read_options`)."""
    return _get(READ_OPTIONS)


def set_read_options(options: dict) -> None:
    _set(READ_OPTIONS, dict(options))


def draw_seed() -> int:
    return int(_get(DRAW_SEED))


def set_draw_seed(seed: int) -> None:
    _set(DRAW_SEED, int(seed))


# ---- the settings ------------------------------------------------------------
def task_config() -> TaskConfig | None:
    """The task as stored (it may have been made for another dataset: see :func:`task_made_for`)."""
    return _get(TASK_CONFIG)


def task_made_for() -> str | None:
    """The dataset key the stored task was made for (``None``: made before any dataset was known)."""
    return _get(TASK_FOR)


def set_task_config(config: TaskConfig | None, dataset_key: str | None) -> None:
    """Keep the task together with the key of the dataset it was made for."""
    _set(TASK_CONFIG, config)
    _set(TASK_FOR, dataset_key)


def options_made_for() -> str | None:
    """The file (source, name, content hash) the Data page's reading-option widgets show."""
    return _get(OPTIONS_FOR)


def set_options_made_for(file_key: str | None) -> None:
    _set(OPTIONS_FOR, file_key)


def clear_data_option_widgets() -> None:
    """Forget the reading-option widgets' state, so that no box keeps a column of the previous file."""
    for name in [k for k in st.session_state if str(k).startswith(DATA_OPTION_PREFIX)]:
        del st.session_state[name]


def unreadable() -> str | None:
    """The dataset key (choice + read options) whose file could not be read, or ``None``."""
    return _get(UNREADABLE)


def set_unreadable(dataset_key: str | None) -> None:
    _set(UNREADABLE, dataset_key)


def clear_task_widgets() -> None:
    """Forget the Task page's widget state, so that no widget keeps a column of the previous dataset."""
    for name in [k for k in st.session_state if str(k).startswith(TASK_WIDGET_PREFIX)]:
        del st.session_state[name]


def model_config() -> ModelConfig | None:
    return _get(MODEL_CONFIG)


def set_model_config(config: ModelConfig | None) -> None:
    _set(MODEL_CONFIG, config)


def train_config() -> TrainConfig | None:
    return _get(TRAIN_CONFIG)


def set_train_config(config: TrainConfig | None) -> None:
    _set(TRAIN_CONFIG, config)


def link_applied() -> str | None:
    return _get(LINK_APPLIED)


def set_link_applied(token: str) -> None:
    _set(LINK_APPLIED, token)


# ---- workspace and runs --------------------------------------------------------
def workspace_id() -> str | None:
    """The workspace id kept in the session (:func:`rnnlab.ui.actions.workspace` also syncs the URL)."""
    return _get(WORKSPACE)


def set_workspace_id(workspace: str) -> None:
    _set(WORKSPACE, workspace)


def compare_selected() -> list[str]:
    return _get(COMPARE_SELECTED)


def set_compare_selected(run_ids: list[str]) -> None:
    _set(COMPARE_SELECTED, list(run_ids))


# ---- jobs ----------------------------------------------------------------------
def job_ids() -> list[str]:
    """The Train page's trainings of this workspace last seen, oldest first (see
    :func:`rnnlab.ui.workspace_state.train_job_ids`)."""
    return _get(JOB_IDS)


def set_job_ids(ids: list[str]) -> None:
    _set(JOB_IDS, list(ids))


def lab_result(key: str) -> dict | None:
    """The kept result of a lab job (``INSIDE_RACE`` or ``INSIDE_LAB``), or ``None``."""
    if key not in LAB_CALLS:
        raise ValueError(f"`key` must be one of {tuple(LAB_CALLS)}. Received: key={key!r}")
    return _get(key)


def set_lab_result(key: str, result: dict | None) -> None:
    lab_result(key)  # checks the key
    _set(key, result)


# ---- the workspace's saved setup and presentation mode --------------------------------
def setup_restored_for() -> str | None:
    """The workspace whose saved setup this session has loaded (``None``: none yet)."""
    return _get(SETUP_RESTORED)


def set_setup_restored_for(workspace: str) -> None:
    _set(SETUP_RESTORED, workspace)


def setup_saved() -> str | None:
    """The setup (as JSON) this session last saved, so that an unchanged one is not written again."""
    return _get(SETUP_SAVED)


def set_setup_saved(text: str | None) -> None:
    _set(SETUP_SAVED, text)


def presenting() -> bool:
    return bool(_get(PRESENTING))


def set_presenting(on: bool) -> None:
    _set(PRESENTING, bool(on))
