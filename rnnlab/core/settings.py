"""Server-wide settings read from environment variables, with working defaults."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLE_DATA_DIR = PROJECT_DIR / "sample_data"


def data_dir() -> Path:
    """Where runs (SQLite store and ``.keras`` files) live: ``$RNNLAB_DATA_DIR`` or ``~/.rnnlab``."""
    path = Path(os.environ.get("RNNLAB_DATA_DIR") or Path.home() / ".rnnlab")
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_upload_bytes() -> int:
    """Largest CSV the reader accepts: ``$RNNLAB_MAX_UPLOAD_MB`` (default 200 MB)."""
    return int(float(os.environ.get("RNNLAB_MAX_UPLOAD_MB", "200")) * 1024 * 1024)


def n_workers() -> int:
    """Training worker processes: ``$RNNLAB_WORKERS`` (default: CPU cores)."""
    return max(1, int(os.environ.get("RNNLAB_WORKERS") or os.cpu_count() or 1))


def ray_address() -> str | None:
    """The Ray cluster trainings run on: ``$RNNLAB_RAY_ADDRESS`` (``auto``, ``host:6379``,
    ``ray://host:10001``); ``None`` (unset or empty) runs them in local worker processes."""
    return os.environ.get("RNNLAB_RAY_ADDRESS", "").strip() or None


def max_queued_per_session() -> int:
    """Jobs one session may have waiting or running: ``$RNNLAB_MAX_QUEUED`` (default 4)."""
    return max(1, int(os.environ.get("RNNLAB_MAX_QUEUED", "4")))


def max_waiting_jobs() -> int:
    """Jobs waiting at most, all sessions together: ``$RNNLAB_MAX_WAITING_JOBS`` (default 64)."""
    return max(1, int(os.environ.get("RNNLAB_MAX_WAITING_JOBS", "64")))


def jobs_per_worker() -> int:
    """Jobs a training worker runs before a fresh process replaces it: ``$RNNLAB_JOBS_PER_WORKER`` (default 6).

    Each job leaves ~15 MB behind in TensorFlow's process; replacing the worker returns it.
    """
    return max(1, int(os.environ.get("RNNLAB_JOBS_PER_WORKER", "6")))


def worker_nice() -> int:
    """How much lower the training workers' CPU priority is than the server's: ``$RNNLAB_WORKER_NICE``.

    Default 10: a training then uses every idle cycle, but a page rerun gets the CPU first, so pages stay
    responsive while the workers are busy. 0 keeps the server's priority.
    """
    return max(0, min(19, int(os.environ.get("RNNLAB_WORKER_NICE", "10"))))


def upload_quota_bytes() -> int:
    """Uploaded files one workspace may keep: ``$RNNLAB_UPLOAD_QUOTA_MB`` (default 500 MB).

    Files are kept once by content hash under ``<data dir>/uploads``; when a new one would not fit, the
    workspace's uploads that no run and no saved setup uses go first, the least recently used first.
    """
    return int(float(os.environ.get("RNNLAB_UPLOAD_QUOTA_MB", "500")) * 1024 * 1024)


def uploads_total_bytes() -> int:
    """Uploaded files the server keeps in all: ``$RNNLAB_UPLOADS_TOTAL_MB`` (default 5000 MB).

    Over the cap, files that no run and no saved setup of any workspace uses are removed, the least
    recently used first.
    """
    return int(float(os.environ.get("RNNLAB_UPLOADS_TOTAL_MB", "5000")) * 1024 * 1024)
