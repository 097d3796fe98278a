"""Each workspace's setup — the current dataset, its read options, task, model and training settings —
kept in the run store, so that a reload, a new tab or a bookmark of ``?ws=…`` brings it all back.

A setup is a plain dict of JSON values, saved whole on every change::

    {"dataset": {"source": "bundled", "name": "sunspots", "title": "Sunspots"}   # or an upload:
                 # {"source": "upload", "name": "mine.csv", "sha256": "…", "title": "mine.csv"}
     "read_options": {...}, "task": {...} | None, "model": {...} | None, "train": {...} | None}

:func:`load_setup` reads it back through the configs' one validator (:meth:`Config.from_dict`), so a
setup written by an older rnnlab, or edited by hand, never brings an invalid config into a page: such a
part is dropped and named in ``problems``.

Example:
    >>> import tempfile
    >>> from rnnlab.runs.store import RunStore
    >>> store = RunStore(tempfile.mkdtemp())
    >>> save_setup(store, "w-example1", {"dataset": {"source": "bundled", "name": "sunspots"},
    ...                                  "train": {"epochs": 3}})
    >>> setup = load_setup(store, "w-example1")
    >>> setup.dataset["name"], setup.train.epochs, setup.task, setup.problems
    ('sunspots', 3, None, [])
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from rnnlab.core.config import Config
from rnnlab.core.values import to_json_value
from rnnlab.data.read_options import check_read_options
from rnnlab.models.config import ModelConfig
from rnnlab.runs.store import RunStore, check_id
from rnnlab.task.types import TaskConfig
from rnnlab.training.config import TrainConfig

PARTS = ("dataset", "read_options", "task", "model", "train")
MAX_SETUP_BYTES = 256 * 1024  # a setup is a few configs; anything larger is not one
_CLASSES: dict[str, type[Config]] = {"task": TaskConfig, "model": ModelConfig, "train": TrainConfig}


@dataclass
class Setup:
    """A workspace's setup, its configs validated (``None`` = not chosen yet)."""

    dataset: dict | None = None  # {"source": "bundled"|"upload", "name", "title"[, "sha256"]}
    read_options: dict = field(default_factory=dict)  # the dict of a ReadOptions (defaults left out)
    task: TaskConfig | None = None
    model: ModelConfig | None = None
    train: TrainConfig | None = None
    updated: float | None = None
    problems: list[str] = field(default_factory=list)  # parts dropped because they are no longer valid


def _dataset_ok(value: Any) -> bool:
    if not isinstance(value, dict) or value.get("source") not in ("bundled", "upload"):
        return False
    if not isinstance(value.get("name"), str):
        return False
    return value["source"] == "bundled" or isinstance(value.get("sha256"), str)


def save_setup(store: RunStore, workspace: str, setup: dict[str, Any]) -> None:
    """Keep ``setup`` (parts of :data:`PARTS`; configs as Config objects or dicts) for ``workspace``.

    Raises:
        ValueError: a bad workspace id, an unknown part, invalid read options, or a setup too large to be one.
    """
    check_id(workspace, "workspace")
    unknown = sorted(set(setup) - set(PARTS))
    if unknown:
        raise ValueError(f"A setup's parts must be among {PARTS}. Received: {unknown}")
    if setup.get("read_options") is not None:  # the ReadOptions' dict, validated
        setup = {**setup, "read_options": check_read_options(setup["read_options"])}
    text = json.dumps(to_json_value({k: setup.get(k) for k in PARTS}, nan_to_none=True), sort_keys=True)
    if len(text) > MAX_SETUP_BYTES:
        raise ValueError(f"A setup must be at most {MAX_SETUP_BYTES} bytes. Received: {len(text)}")
    with store.connect() as con:
        con.execute(
            "INSERT OR REPLACE INTO workspace_setup (workspace, setup, updated) VALUES (?,?,?)",
            (workspace, text, time.time()),
        )


def load_setup(store: RunStore, workspace: str) -> Setup | None:
    """The workspace's saved setup, or ``None`` when it has none; invalid parts are dropped (see ``problems``)."""
    check_id(workspace, "workspace")
    with store.connect() as con:
        row = con.execute(
            "SELECT setup, updated FROM workspace_setup WHERE workspace=?", (workspace,)
        ).fetchone()
    if row is None:
        return None
    out = Setup(updated=row["updated"])
    try:
        raw = json.loads(row["setup"])
    except json.JSONDecodeError:
        out.problems.append("the saved setup could not be read")
        return out
    if isinstance(raw, dict):
        _read_parts(raw, out)
    return out


def _read_parts(raw: dict[str, Any], out: Setup) -> None:
    """Each part of a saved setup into ``out``, validated; a part that is not valid is named in its problems."""
    if raw.get("dataset") is not None:
        if _dataset_ok(raw["dataset"]):
            out.dataset = dict(raw["dataset"])
        else:
            out.problems.append("dataset")
    if raw.get("read_options") is not None:
        try:
            out.read_options = check_read_options(raw["read_options"])
        except ValueError as err:
            out.problems.append(f"read_options: {err}")
    for name, cls in _CLASSES.items():
        if raw.get(name) is None:
            continue
        try:
            setattr(out, name, cls.from_dict(raw[name]))
        except ValueError as err:
            out.problems.append(f"{name}: {err}")
