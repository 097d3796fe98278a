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
TASK_CONFIG = "rnnlab.task_config"  # rnnlab.framing.TaskConfig | None
MODEL_CONFIG = "rnnlab.model_config"  # rnnlab.models.ModelConfig | None
TRAIN_CONFIG = "rnnlab.train_config"  # rnnlab.training.TrainConfig | None
JOB_IDS = "rnnlab.job_ids"  # list[str]: this session's training jobs, newest last
WORKSPACE = "rnnlab.workspace"  # str: workspace id, mirrored in the URL
DRAW_SEED = "rnnlab.draw_seed"  # int: seed for "draw others" on the Data page

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


def chart(fig, **kwargs) -> None:
    """Show a Plotly figure full-width; in presentation mode with larger type and height."""
    if presenting():
        fig.update_layout(font={"size": 20}, height=int((fig.layout.height or 450) * 1.35))
    st.plotly_chart(fig, width="stretch", **kwargs)


# ---- data (the Data page writes the choice; every page reads the dataset) ----
@st.cache_data(max_entries=16, show_spinner=False)
def _load_bundled(name: str, options_json: str):
    import json

    from rnnlab import catalog

    return catalog.load_dataset(name, **json.loads(options_json))


@st.cache_data(max_entries=8, show_spinner=False)
def _load_upload(data: bytes, filename: str, options_json: str):
    import json

    from rnnlab import reader

    return reader.read_csv(data, name=filename, **json.loads(options_json))


def dataset_key() -> str | None:
    """A string that changes whenever the chosen dataset or its read options change."""
    import json

    choice = get(DATASET_CHOICE)
    if not choice:
        return None
    return json.dumps([choice, get(READ_OPTIONS)], sort_keys=True, default=str)


def current_dataset():
    """The chosen :class:`~rnnlab.dataset.SequenceDataset`, or ``None`` when none is chosen.

    Raises:
        rnnlab.dataset.DataError: when the chosen file cannot be read (pages show the message).
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
