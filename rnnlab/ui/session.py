"""This session's state: every key named once, with a typed reader and writer for each.

Pages never spell a key or read ``st.session_state`` for rnnlab's own values: they call
``session.task_config()``, ``session.set_model_config(config)`` and so on. Every key is initialised
once per session with ``setdefault`` (:func:`init`, safe on every rerun); mutable defaults are copied, so
no two sessions share a list. Tests seed a session through the same key constants.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from rnnlab.models.config import ModelConfig
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

# ---- keys (one place) -------------------------------------------------------
DATASET_CHOICE = (
    "rnnlab.dataset_choice"  # dict: {"source": "bundled"|"upload", "name": key or file name, "title"}
)
UPLOAD_BYTES = "rnnlab.upload_bytes"  # bytes of the uploaded CSV (kept in memory only)
UPLOAD_DIGEST = "rnnlab.upload_digest"  # (bytes, str) | None: the upload and its SHA-256
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
    UPLOAD_BYTES: None,
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


def upload_bytes() -> bytes | None:
    """The uploaded file's bytes (``None`` when nothing was uploaded in this session)."""
    return _get(UPLOAD_BYTES)


def set_upload_bytes(data: bytes | None) -> None:
    _set(UPLOAD_BYTES, data)


def upload_digest() -> tuple[bytes, str] | None:
    """The upload the digest was computed for and its SHA-256 (see :func:`rnnlab.ui.current.upload_sha256`)."""
    init()
    return st.session_state.get(UPLOAD_DIGEST)


def set_upload_digest(known: tuple[bytes, str]) -> None:
    _set(UPLOAD_DIGEST, known)


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
