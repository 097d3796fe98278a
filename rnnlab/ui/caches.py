"""The caches shared by every session on the server, each bounded and keyed by every input it reads.

A cached function here never reads the session: what it depends on arrives as arguments. The data a
session has chosen is described by a :class:`DataSource` (bundled key or upload name, read options and
an upload's SHA-256), passed as its JSON text, so two students who upload different files of the same
name never share a cached dataset, framing, scoreboard or figure. An upload's bytes are held once for the
server by :func:`upload_bytes` (keyed by the SHA-256, read from the upload store) and travel beside the
key as an ``_``-prefixed argument (not hashed by Streamlit), checked against the hash on a miss.
Everything returned is shared between sessions: read it, never change it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

import streamlit as st

from rnnlab.data import catalog, reader, sniff
from rnnlab.data.dataset import SequenceDataset
from rnnlab.evaluation import scoreboard as scoreboards
from rnnlab.evaluation.scoreboard import ScoreRow
from rnnlab.models import budget as model_budget
from rnnlab.models import build as models
from rnnlab.models import params, summary
from rnnlab.models.config import ModelConfig
from rnnlab.runs.run_import import model_members_problem
from rnnlab.runs.uploads import UploadStore
from rnnlab.task import framing
from rnnlab.task.types import FramedData, TaskConfig
from rnnlab.ui import resources

UPLOADS_HELD = 4  # uploaded files held in memory for all sessions at once (each at most the upload limit)


@dataclass(frozen=True)
class DataSource:
    """Which dataset: everything that decides its content, and nothing else.

    Attributes:
        source: ``"bundled"`` or ``"upload"``.
        name: The catalog key, or the uploaded file's name.
        read_options: The reader overrides (:mod:`rnnlab.data.read_options`), JSON with sorted keys.
        sha256: An upload's content hash; ``None`` for a bundled dataset.
    """

    source: str
    name: str
    read_options: str = "{}"
    sha256: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DataSource:
        return cls(**json.loads(text))


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data`` as hex (an upload's identity in every cache key)."""
    return hashlib.sha256(data).hexdigest()


@st.cache_data(max_entries=16, show_spinner=False)
def _load_bundled(name: str, options_json: str) -> SequenceDataset:
    return catalog.load_dataset(name, **json.loads(options_json))


@st.cache_resource(max_entries=UPLOADS_HELD, show_spinner=False)
def upload_bytes(sha256: str, _workspace: str) -> bytes:
    """An upload's bytes, read once from the upload store and shared by every session that holds its hash.

    A session holds only the SHA-256, which it got by storing the file or by the store's check that its
    workspace may read it; ``_workspace`` is that workspace (not hashed), checked again on a miss.

    Raises:
        ValueError: the workspace has no such upload, or the file is no longer kept.
    """
    return UploadStore(resources.run_store()).get(_workspace, sha256)


@st.cache_data(max_entries=8, show_spinner=False)
def _load_upload(digest: str, filename: str, options_json: str, _data: bytes) -> SequenceDataset:
    if sha256(_data) != digest:  # on a miss only: a hit never hashes the file again
        raise ValueError(f"`_data` must be the upload whose SHA-256 is {digest}. Received: other bytes")
    return reader.read_csv(_data, name=filename, **json.loads(options_json))


def bundled_dataset(key: str, read_options: dict | None = None) -> SequenceDataset:
    """A bundled dataset as the catalog reads it (cached, 16 at most)."""
    return _load_bundled(key, json.dumps(read_options or {}, sort_keys=True))


def _check_upload(source: DataSource, data: bytes | None) -> bytes:
    if data is None or sha256(data) != source.sha256:
        raise ValueError(
            f"`_data` must be the upload whose SHA-256 is {source.sha256}. Received: other bytes"
        )
    return data


def dataset(source_json: str, _data: bytes | None = None) -> SequenceDataset:
    """The dataset a :class:`DataSource` describes; an upload's bytes come in ``_data`` (cached).

    Raises:
        ValueError: the file cannot be read.
    """
    source = DataSource.from_json(source_json)
    if source.source == "bundled":
        return _load_bundled(source.name, source.read_options)
    if _data is None:
        raise ValueError("`_data` must hold the uploaded file's bytes. Received: _data=None")
    return _load_upload(str(source.sha256), source.name, source.read_options, _data)


def _checked_dataset(source_json: str, data: bytes | None) -> SequenceDataset:
    """:func:`dataset`, after checking an upload's bytes against the hash in the key (on a cache miss)."""
    source = DataSource.from_json(source_json)
    if source.source == "upload":
        _check_upload(source, data)
    return dataset(source_json, data)


@st.cache_resource(max_entries=4, show_spinner=False)
def framed(source_json: str, config_json: str, _data: bytes | None = None) -> FramedData:
    """The dataset of ``source_json`` framed with the task ``config_json`` (4 kept, shared read-only).

    Raises:
        ValueError: when the task does not fit the data.
    """
    return framing.frame(_checked_dataset(source_json, _data), TaskConfig.from_json(config_json))


@st.cache_resource(max_entries=4, show_spinner=False)
def scoreboard(
    source_json: str, config_json: str, _data: bytes | None = None
) -> tuple[list[ScoreRow], ScoreRow, list[str]]:
    """``(scoreboard, best row, notes on skipped baselines)`` for :func:`framed`'s framing."""
    data = framed(source_json, config_json, _data)
    board = scoreboards.scoreboard(data)
    return board, scoreboards.best(board, data.main_metric), scoreboards.candidates(data)[1]


@st.cache_resource(max_entries=4, show_spinner=False)
def baseline_test_predictions(source_json: str, config_json: str, _data: bytes | None = None) -> dict:
    """``{baseline name: test predictions}`` for :func:`framed`'s framing (shared read-only)."""
    return scoreboards.predict_all(framed(source_json, config_json, _data), "test")


@st.cache_data(max_entries=16, show_spinner=False)
def peek_columns(source_json: str, _data: bytes | None = None) -> list[str]:
    """The column names of the source's file (before any read option applies).

    Raises:
        ValueError: the file cannot be sniffed.
    """
    source = DataSource.from_json(source_json)
    if source.source == "bundled":
        return sniff.peek_columns(catalog.get_entry(source.name).path)
    return sniff.peek_columns(_check_upload(source, _data))


@st.cache_resource(max_entries=128, show_spinner=False)
def _figure(key: str, _build) -> Any:
    return _build()


def figure(name: str, dataset_key: str | None, parts: Any, build) -> Any:
    """A figure built once for all sessions under ``name``, the dataset's key and ``parts`` (128 kept).

    Args:
        name: Which figure. dataset_key: :meth:`DataSource.to_json` of the data it shows, or ``None``.
        parts: JSON-able values the figure depends on besides the data (a seed, the features shown).
        build: ``() -> go.Figure``, called on a miss; the figure is never changed after.
    """
    return _figure(json.dumps([name, dataset_key, parts], sort_keys=True, default=str), build)


@st.cache_resource(max_entries=4, show_spinner=False)
def saved_model(path: str, mtime: float) -> Any:
    """A saved ``.keras`` model, loaded once per file version (``mtime`` keys the cache); used read-only.

    Raises:
        ValueError: a member of the file is larger than a model's may be (nothing of it is read then).
    """
    problem = model_members_problem(path)
    if problem is not None:
        raise ValueError(f"This model file cannot be opened here: {problem}")
    import keras  # only the Inside page loads models; Data and Task pages must not pull in TensorFlow

    return keras.saving.load_model(path, safe_mode=True)


@st.cache_data(max_entries=64, show_spinner=False)
def model_tables(
    config_json: str, source_json: str, task_json: str, _data: bytes | None = None
) -> tuple[list, int, list]:
    """The model's summary rows, its parameter count and each layer's parameter formula, from the formulas.

    The server never builds a Keras model: the rows are :func:`rnnlab.models.summary.formula_summary`
    (equal to Keras's summary in the tests) and the model is checked against the budget first.

    Raises:
        ValueError: when the model does not fit the framed data or exceeds the budget.
    """
    config = ModelConfig.from_json(config_json)
    data = framed(source_json, task_json, _data)
    n_outputs = models.output_units(data, config)
    model_budget.check_model(config, data.n_features, data.n_steps, n_outputs)
    rows = summary.formula_summary(config, data)
    formulas = [
        {"layer": row["name"], "formula": row["formula"], "parameters": int(row["params"])}
        for row in params.layer_table(config, data.n_features, n_steps=data.n_steps, n_outputs=n_outputs)
    ]
    return rows, summary.total(rows), formulas
