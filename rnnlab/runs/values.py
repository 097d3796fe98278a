"""What goes into the run store: ids (tokens, never paths), JSON-safe values, library versions, and
whether a run's owner process still lives. No TensorFlow, no SQL."""

from __future__ import annotations

import contextlib
import json
import platform
import re
import secrets
from importlib import metadata
from typing import Any

import psutil

from rnnlab.core.values import to_json_value

STATUSES = ("queued", "running", "finished", "stopped", "failed", "interrupted", "diverged", "early_stopped")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
JSON_COLUMNS = (
    "dataset_ref",
    "task_config",
    "model_config",
    "train_config",
    "versions",
    "test_metrics",
    "scoreboard",
    "best_baseline",
    "judgement",
    "uncertainty",
)


def new_workspace_id() -> str:
    """A fresh random workspace id: ``w`` and 16 URL-safe characters; ids are tokens, never paths.

    It starts with a letter, so that a command line never reads it as an option (``--workspace -abc``).
    """
    return "w" + secrets.token_urlsafe(12)


def new_run_id() -> str:
    """A fresh random run id, also the stem of the run's model file."""
    return "run-" + secrets.token_hex(8)


def check_id(value: Any, what: str = "workspace") -> str:
    """Return ``value`` if it is a valid workspace/run id, else raise ``ValueError``."""
    if not isinstance(value, str) or not ID_RE.match(value):
        raise ValueError(
            f"A {what} id must be 6–64 letters, digits, '-' or '_'. Received: {what}={str(value)[:80]!r}"
        )
    return value


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a run depends on (read without importing TensorFlow)."""
    out = {"python": platform.python_version()}
    for name in ("numpy", "pandas", "tensorflow", "keras", "streamlit"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def to_json(value: Any) -> str | None:
    return None if value is None else json.dumps(to_json_value(value), allow_nan=True)


def owner_alive(pid: int | None, token: str | None) -> bool:
    """Whether the process that owns a running run still exists (same pid and same start time)."""
    if not pid:
        return False
    try:
        if not psutil.pid_exists(pid):
            return False
        return token is None or process_token(pid) == token
    except Exception:  # noqa: BLE001 - a process can vanish between the two calls
        return False


def process_token(pid: int) -> str | None:
    """A token for one process's life (its start time), so a reused pid is not taken for the owner."""
    try:
        return f"{psutil.Process(pid).create_time():.3f}"
    except Exception:  # noqa: BLE001 - no such process, or psutil missing
        return None
