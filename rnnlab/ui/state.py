"""The one bridge between rnnlab and Streamlit's session state.

Every session-state key lives here, is initialised once with ``setdefault``,
and is read and written through the small functions below, so pages never
spell a key themselves. This is the only rnnlab module that imports Streamlit.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# ---- keys (one place) -------------------------------------------------------
DATASET_CHOICE = (
    "rnnlab.dataset_choice"  # dict: {"source": "bundled"|"upload", "name": key or file name, "title": str}
)
UPLOAD_BYTES = "rnnlab.upload_bytes"  # bytes of the uploaded CSV (kept in memory only)
READ_OPTIONS = "rnnlab.read_options"  # dict of reader overrides chosen on the Data page
TASK_CONFIG = "rnnlab.task_config"  # rnnlab.task.types.TaskConfig | None
MODEL_CONFIG = "rnnlab.models.config"  # rnnlab.models.build.ModelConfig | None
TRAIN_CONFIG = "rnnlab.training.config"  # rnnlab.training.fit.TrainConfig | None
JOB_IDS = "rnnlab.job_ids"  # list[str]: this session's training jobs, newest last
WORKSPACE = "rnnlab.workspace"  # str: workspace id, mirrored in the URL
DRAW_SEED = "rnnlab.draw_seed"  # int: seed for "draw others" on the Data page
UPLOAD_DIGEST = "rnnlab.upload_digest"  # (bytes, str) | None: the upload and its SHA-256, see upload_digest()

_DEFAULTS: dict[str, Any] = {
    DATASET_CHOICE: None,
    UPLOAD_BYTES: None,
    READ_OPTIONS: {},
    TASK_CONFIG: None,
    MODEL_CONFIG: None,
    TRAIN_CONFIG: None,
    JOB_IDS: [],
    WORKSPACE: None,
    DRAW_SEED: 0,
}


def keep_keras_state() -> None:
    """Stop Streamlit from calling ``keras.backend.clear_session()`` after every script run.

    Streamlit does that for every session once Keras is imported in the server (the Model and Inside
    pages need it), which costs ~60 ms of held GIL per rerun of *any* page and clears Keras's global
    state under another session that is building a model at that moment. The server never trains
    (workers do); what it builds (the Model page's summary, the Inside page's loaded models) is cached
    and named explicitly, so little accumulates. Matplotlib's figures are still closed as before.
    """
    from streamlit.runtime.scriptrunner import script_runner

    def clean_problem_modules_but_keras() -> None:
        import sys

        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")

    script_runner._clean_problem_modules = clean_problem_modules_but_keras


def init() -> None:
    """Give every key its default once per session (safe to call on every rerun)."""
    for key, value in _DEFAULTS.items():
        st.session_state.setdefault(key, value.copy() if isinstance(value, (dict, list)) else value)


def get(key: str) -> Any:
    init()
    return st.session_state[key]


def set(key: str, value: Any) -> None:  # noqa: A001 - mirrors st.session_state
    init()
    st.session_state[key] = value


def presenting() -> bool:
    """Presentation mode (``?present=1`` in the URL): larger type and charts, advanced controls hidden."""
    return st.query_params.get("present", "0") in ("1", "true", "yes")


def plain(text: str) -> str:
    """User-given text (an uploaded file's name) made inert for ``st.markdown``: no links, images or styling."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~$" else ch for ch in str(text))


def chart(fig, **kwargs) -> None:
    """Show a Plotly figure full-width; in presentation mode with larger type and height."""
    if presenting():
        import plotly.graph_objects as go

        fig = go.Figure(fig)  # a copy: the figure may be shared (see shared_chart)
        fig.update_layout(font={"size": 20}, height=int((fig.layout.height or 450) * 1.35))
    st.plotly_chart(fig, width="stretch", **kwargs)


@st.cache_resource(max_entries=128, show_spinner=False)
def _shared_figure(key: str, _build):
    return _build()


def shared_chart(name: str, parts: Any, build, *, of_dataset: bool = True, **kwargs) -> None:
    """Show a figure that depends only on the current dataset and ``parts``, built once for all sessions.

    Building a Plotly figure costs tens of milliseconds; with a class on one server the same figures are
    asked for again and again, so they are kept (128 at most) under the dataset's key (which includes an
    upload's content hash) and ``parts`` (a seed, the features shown). The figure is never changed after.

    Args:
        name: which figure. parts: JSON-able values it depends on besides the dataset.
        build: ``() -> go.Figure``, called on a miss.
        of_dataset: False for a figure that does not show the session's dataset (the home page's).
    """
    import json

    key = json.dumps([name, dataset_key() if of_dataset else None, parts], sort_keys=True, default=str)
    chart(_shared_figure(key, build), **kwargs)


# ---- data (the Data page writes the choice; every page reads the dataset) ----
@st.cache_data(max_entries=16, show_spinner=False)
def _load_bundled(name: str, options_json: str):
    import json

    from rnnlab.data import catalog

    return catalog.load_dataset(name, **json.loads(options_json))


@st.cache_data(max_entries=8, show_spinner=False)
def _load_upload(data: bytes, filename: str, options_json: str):
    import json

    from rnnlab.data import reader

    return reader.read_csv(data, name=filename, **json.loads(options_json))


def bundled_dataset(key: str):
    """A bundled dataset as the catalog reads it (cached like the Data page's choice)."""
    return _load_bundled(key, "{}")


def upload_digest() -> str:
    """The SHA-256 of the uploaded file's bytes (computed once per upload)."""
    import hashlib

    data = get(UPLOAD_BYTES) or b""
    known = st.session_state.get(UPLOAD_DIGEST)
    if known is None or known[0] is not data:
        known = (data, hashlib.sha256(data).hexdigest())
        st.session_state[UPLOAD_DIGEST] = known
    return known[1]


def dataset_key() -> str | None:
    """A string that changes whenever the chosen dataset, its read options or an upload's content change.

    Cached objects shared by all sessions (framed data, baselines, figures) are kept under this key, so
    two students who upload different files of the same name never see each other's data.
    """
    import json

    choice = get(DATASET_CHOICE)
    if not choice:
        return None
    content = upload_digest() if choice.get("source") == "upload" else None
    return json.dumps([choice, get(READ_OPTIONS), content], sort_keys=True, default=str)


def current_dataset():
    """The chosen :class:`~rnnlab.data.dataset.SequenceDataset`, or ``None`` when none is chosen.

    Raises:
        rnnlab.data.dataset.DataError: when the chosen file cannot be read (pages show the message).
    """
    import json

    choice = get(DATASET_CHOICE)
    if not choice:
        return None
    options = json.dumps(get(READ_OPTIONS), sort_keys=True)
    if choice["source"] == "bundled":
        return _load_bundled(choice["name"], options)
    data = get(UPLOAD_BYTES)
    if data is None:
        return None
    return _load_upload(data, choice["name"], options)


# ---- inside (owner: INSIDE; the "Inside the RNN" page) ----------------------
INSIDE_RACE = "rnnlab.inside.race"  # dict | None: {"k", "results"} from rnnlab.inside.synthetic.race_cells
INSIDE_LAB = "rnnlab.inside.lab"  # dict | None: {"source", "lab"} from rnnlab.inside.padding_lab.run_lab
INSIDE_RACE_JOB = "rnnlab.inside.race_job"  # str | None: the k-steps race job id (JobManager.submit_call)
INSIDE_LAB_JOB = "rnnlab.inside.lab_job"  # str | None: the padding lab's lab job id
_DEFAULTS.update({INSIDE_RACE: None, INSIDE_LAB: None, INSIDE_RACE_JOB: None, INSIDE_LAB_JOB: None})


@st.cache_resource(max_entries=4, show_spinner=False)
def inside_model(path: str, mtime: float):
    """A saved ``.keras`` model, loaded once per file version (``mtime`` keys the cache); used read-only."""
    import keras

    return keras.saving.load_model(path, safe_mode=True)


# ---- runs, workspaces and links (owner: STORE; the Compare page, share links) ----
COMPARE_SELECTED = "rnnlab.runs.compare.selected"  # list[str]: run ids picked on the Compare page
RACE_JOBS = (
    "rnnlab.runs.compare.race_jobs"  # list[str]: job ids of the last race (SimpleRNN, LSTM, GRU, dense)
)
SEED_JOBS = "rnnlab.runs.compare.seed_jobs"  # list[str]: job ids of the last seed-band request
LINK_APPLIED = "rnnlab.link_applied"  # str | None: the config link already applied in this session
_DEFAULTS.update({COMPARE_SELECTED: [], RACE_JOBS: [], SEED_JOBS: [], LINK_APPLIED: None})


@st.cache_resource(max_entries=8, show_spinner=False)
def _run_store(path: str):
    from rnnlab.runs.store import RunStore

    return RunStore(path)  # opening marks runs of a dead server "interrupted"


def run_store():
    """The server's :class:`~rnnlab.runs.store.RunStore` under ``settings.data_dir()`` (one per data dir)."""
    from rnnlab.core import settings

    return _run_store(str(settings.data_dir()))


def _valid_id(value: str) -> bool:
    from rnnlab.runs.store import check_id

    try:
        return bool(check_id(value))
    except ValueError:
        return False


def workspace() -> str:
    """This session's workspace id, taken from ``?ws=`` when valid, else created; kept in the URL."""
    from rnnlab.runs.store import new_workspace_id

    ws = get(WORKSPACE)
    from_url = st.query_params.get("ws")
    if from_url and from_url != ws and _valid_id(from_url):  # a mangled id in the URL is ignored
        ws = from_url
    if not ws:
        ws = new_workspace_id()
    set(WORKSPACE, ws)
    if st.query_params.get("ws") != ws:
        st.query_params["ws"] = ws
    return ws


def open_workspace(workspace_id: str | None = None) -> str:
    """Switch to ``workspace_id`` (validated), or to a brand-new workspace when ``None``.

    Raises:
        ValueError: the id is not a workspace id.
    """
    from rnnlab.runs.store import check_id, new_workspace_id

    ws = check_id(workspace_id.strip()) if workspace_id else new_workspace_id()
    set(WORKSPACE, ws)
    set(COMPARE_SELECTED, [])
    st.query_params["ws"] = ws
    return ws


def dataset_ref() -> dict | None:
    """How the store records the chosen data: a bundled key (+ read options), or an upload's name and hash."""
    choice = get(DATASET_CHOICE)
    if not choice:
        return None
    if choice["source"] == "bundled":
        return {"source": "bundled", "name": choice["name"], "read_options": dict(get(READ_OPTIONS))}
    return {"source": "upload", "name": choice["name"], "sha256": upload_digest()}


def dataset_for(run: dict):
    """The session's dataset when it is the one ``run`` was trained on (needed to export an upload's run)."""
    ref, mine = run.get("dataset_ref") or {}, dataset_ref()
    if mine is None or ref.get("source") != "upload" or ref.get("sha256") != mine.get("sha256"):
        return None
    return current_dataset()


def choose_bundled(key: str, read_options: dict | None = None) -> None:
    """Make the bundled dataset ``key`` (read with ``read_options``) this session's data.

    Raises:
        ValueError: no bundled dataset has this key.
    """
    from rnnlab.data import catalog

    entry = catalog.get_entry(key)
    set(DATASET_CHOICE, {"source": "bundled", "name": entry.key, "title": entry.title})
    set(READ_OPTIONS, dict(read_options or {}))


def share_query() -> dict[str, str]:
    """Query parameters for the current configuration (a bundled dataset only) plus the workspace."""
    from rnnlab.runs import share_link

    choice = get(DATASET_CHOICE) or {}
    dataset = choice.get("name") if choice.get("source") == "bundled" else None
    configs = (get(TASK_CONFIG), get(MODEL_CONFIG), get(TRAIN_CONFIG))
    return share_link.to_query(dataset, *configs, get(READ_OPTIONS))


def apply_link() -> bool:
    """Apply a configuration link (``?ds=…&task=…&model=…&train=…``) once; True when one was applied.

    The settings go to session state, ready to press Start; the config parameters are then removed
    from the URL (the workspace stays) so later changes are not overwritten on a rerun.

    Raises:
        ValueError: the link is malformed or names an unknown dataset (pages show the message).
    """
    from rnnlab.runs import share_link

    params = {k: st.query_params.get(k) for k in share_link.CONFIG_PARAMS if k in st.query_params}
    if not params:
        return False
    token = repr(sorted(params.items()))
    if get(LINK_APPLIED) == token:
        return False
    set(LINK_APPLIED, token)
    for key in params:
        del st.query_params[key]
    shared = share_link.from_query(params)
    if shared.dataset is not None:
        choose_bundled(shared.dataset, shared.read_options)
    if shared.task is not None:
        store_task_config(shared.task)  # made for the dataset just chosen
    for key, value in ((MODEL_CONFIG, shared.model), (TRAIN_CONFIG, shared.train)):
        if value is not None:
            set(key, value)
    return True


def open_lesson(key: str):
    """Load a lesson preset's dataset and settings into this session; return the :class:`~rnnlab.runs.lessons.Lesson`.

    Raises:
        ValueError: unknown lesson or invalid lesson settings.
    """
    from rnnlab.runs import lessons

    lesson = lessons.get_lesson(key)
    task, model, train = lesson.configs()
    choose_bundled(lesson.dataset)
    store_task_config(task)  # made for the lesson's dataset, not the one chosen before
    set(MODEL_CONFIG, model)
    set(TRAIN_CONFIG, train)
    return lesson


def load_run_settings(run: dict) -> None:
    """Put a stored run's task, model and training settings (and its bundled dataset) back in the session.

    Raises:
        ValueError: the stored settings are no longer valid.
    """
    from rnnlab.models.config import ModelConfig
    from rnnlab.task.types import TaskConfig
    from rnnlab.training.config import TrainConfig

    ref = run.get("dataset_ref") or {}
    if ref.get("source") == "bundled" and ref.get("name"):
        choose_bundled(ref["name"], ref.get("read_options"))
    store_task_config(TaskConfig.from_dict(run["task_config"]))
    set(MODEL_CONFIG, ModelConfig.from_dict(run["model_config"]))
    set(TRAIN_CONFIG, TrainConfig.from_dict(run["train_config"]))


def share_url() -> str:
    """The full link to this app with the current configuration and workspace (for a "copy link" control)."""
    from urllib.parse import urlencode, urlsplit

    base = urlsplit(st.context.url or "")
    root = f"{base.scheme}://{base.netloc}{base.path}" if base.netloc else ""
    params = {**share_query(), "ws": get(WORKSPACE) or ""}
    return f"{root}?{urlencode({k: v for k, v in params.items() if v})}"


def browser_session_id() -> str:
    """Streamlit's id of this browser session (the job queue's per-session limit uses it)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


# ---- task framing (owner: FRAMING; the Task page, and any page that needs the framed data) ----
TASK_FOR = "rnnlab.task.for_dataset"  # str | None: dataset_key() the stored TASK_CONFIG was made for
_DEFAULTS.update({TASK_FOR: None})
TASK_WIDGET_PREFIX = "task-"  # the Task page's widget keys; cleared when the dataset changes


def task_config():
    """The stored :class:`~rnnlab.task.types.TaskConfig` if it was made for the current dataset, else its default.

    When the dataset changed since the config was stored, the Task page's widget state is cleared too,
    so that no widget keeps a column of the previous dataset.
    """
    from rnnlab.task import framing

    dataset, key = current_dataset(), dataset_key()
    if dataset is None:
        return None
    stored = get(TASK_CONFIG)
    if stored is not None and get(TASK_FOR) in (key, None) and stored.kind in dataset.allowed_tasks():
        return stored
    for name in [k for k in st.session_state if str(k).startswith(TASK_WIDGET_PREFIX)]:
        del st.session_state[name]
    choice = get(DATASET_CHOICE) or {}
    target = None
    if choice.get("source") == "bundled":
        from rnnlab.data import catalog

        target = catalog.get_entry(choice["name"]).label
    return framing.default_task(dataset, target)


def store_task_config(config) -> None:
    """Keep the (frozen, JSON-serialisable) task config for the current dataset."""
    set(TASK_CONFIG, config)
    set(TASK_FOR, dataset_key())


@st.cache_resource(max_entries=4, show_spinner=False)
def _framed(key: str, config_json: str):
    from rnnlab.task import framing
    from rnnlab.task.types import TaskConfig

    return framing.frame(current_dataset(), TaskConfig.from_json(config_json))


@st.cache_resource(max_entries=4, show_spinner=False)
def _scoreboard(key: str, config_json: str):
    from rnnlab.evaluation import scoreboard

    framed = _framed(key, config_json)
    board = scoreboard.scoreboard(framed)
    return board, scoreboard.best(board, framed.main_metric), scoreboard.candidates(framed)[1]


def current_framed(config=None):
    """The current dataset framed with ``config`` (default: the stored task), cached; ``None`` without data.

    The result is shared between reruns and sessions: read it, never change it.

    Raises:
        ValueError: when the task does not fit the data (pages show the message).
    """
    config = config or get(TASK_CONFIG)
    key = dataset_key()
    if config is None or key is None or current_dataset() is None:
        return None
    return _framed(key, config.to_json())


def current_scoreboard(config=None):
    """``(scoreboard, best row, notes on skipped baselines)`` for :func:`current_framed`, cached."""
    config = config or get(TASK_CONFIG)
    key = dataset_key()
    if config is None or key is None or current_dataset() is None:
        return None
    return _scoreboard(key, config.to_json())


# ---- training jobs (owner: TRAIN; the Train page, the sidebar, the race and seed bands) ----
def _shutdown_manager(manager) -> None:
    manager.shutdown(timeout=5)


@st.cache_resource(max_entries=2, show_spinner=False, on_release=_shutdown_manager)
def _job_manager(data_dir: str):
    from rnnlab.jobs.manager import JobManager

    try:
        recorder = run_store()
    except Exception:  # noqa: BLE001 - training works without the run store
        recorder = None
    manager = JobManager(recorder=recorder)
    _started_managers()[data_dir] = manager
    return manager


@st.cache_resource(show_spinner=False)
def _started_managers() -> dict:
    """Server-wide registry of job managers already started (so the sidebar can look without starting one)."""
    return {}


def job_manager():
    """The server's one :class:`~rnnlab.jobs.manager.JobManager` (worker pool + queue), started on first use.

    Pages that train or will soon (Model, Train, Compare) call this, so the warm workers import
    TensorFlow while the user is still choosing settings; Home, Data and Task never do.
    """
    from rnnlab.core import settings

    return _job_manager(str(settings.data_dir()))


def started_job_manager():
    """The job manager if a page already started it, else ``None`` (never starts the pool)."""
    from rnnlab.core import settings

    return _started_managers().get(str(settings.data_dir()))


def session_id() -> str:
    """This browser session's id, as the job queue's per-session limit counts it."""
    return browser_session_id()


# ---- data page (owner: DATA; column names for the Data page's overrides) ----
@st.cache_data(max_entries=16, show_spinner=False)
def _peek_columns(source: str, name: str, data: bytes | None) -> list[str]:
    from rnnlab.data import catalog, sniff

    return sniff.peek_columns(catalog.get_entry(name).path if source == "bundled" else data)


def file_columns() -> list[str]:
    """Column names of the chosen file (for the override pickers); ``[]`` when none or unreadable."""
    choice = get(DATASET_CHOICE)
    if not choice:
        return []
    data = get(UPLOAD_BYTES) if choice["source"] == "upload" else None
    if choice["source"] == "upload" and data is None:
        return []
    try:
        return _peek_columns(choice["source"], choice["name"], data)
    except ValueError:
        return []


# ---- classroom (owner: CLASSROOM; presentation mode's "Advanced" sections) ----
def advanced(label: str = "Advanced"):
    """An expander for rarely-needed controls, or ``None`` in presentation mode (the stored values stay).

    Usage: ``box = ui_state.advanced()``; ``if box is not None: with box: ...`` — otherwise keep the
    stored settings, so that projecting the app never changes what a lesson set up.
    """
    return None if presenting() else st.expander(label)
