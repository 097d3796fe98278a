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


def data_dir_problem() -> str | None:
    """Why the data directory cannot hold runs (one line naming it and ``RNNLAB_DATA_DIR``), or ``None``.

    Tries to create the directory and a file in it; called once at start by the app and the command line.
    """
    path = Path(os.environ.get("RNNLAB_DATA_DIR") or Path.home() / ".rnnlab")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-check-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        return (
            f"The data directory must be writable: runs and models are stored there. Received: {path} "
            f"({reason}). Set RNNLAB_DATA_DIR to a writable directory."
        )
    return None


def max_upload_bytes() -> int:
    """Largest CSV the reader accepts: ``$RNNLAB_MAX_UPLOAD_MB`` (default 200 MB)."""
    return int(float(os.environ.get("RNNLAB_MAX_UPLOAD_MB", "200")) * 1024 * 1024)


def max_upload_mb() -> int:
    """The upload cap in whole megabytes (at least 1), as Streamlit's ``server.maxUploadSize`` takes it."""
    return max(1, -(-max_upload_bytes() // (1024 * 1024)))


def n_workers() -> int:
    """Training worker processes: ``$RNNLAB_WORKERS`` (default: CPU cores)."""
    return max(1, int(os.environ.get("RNNLAB_WORKERS") or os.cpu_count() or 1))


def ray_address() -> str | None:
    """The Ray cluster trainings run on: ``$RNNLAB_RAY_ADDRESS`` (``auto``, ``host:6379``,
    ``ray://host:10001``); ``None`` (unset or empty) runs them in local worker processes."""
    return os.environ.get("RNNLAB_RAY_ADDRESS", "").strip() or None


def warm_at_start() -> bool:
    """Start the training workers (they import TensorFlow) on the first page a browser opens, so the first
    lesson's first curve point comes in a second or two: ``$RNNLAB_WARM_AT_START`` (default on; ``0`` off)."""
    return os.environ.get("RNNLAB_WARM_AT_START", "1").strip().lower() not in ("0", "false", "no", "off")


def max_queued_per_session() -> int:
    """Jobs one session may have waiting or running: ``$RNNLAB_MAX_QUEUED`` (default 5: a backtest of five origins)."""
    return max(1, int(os.environ.get("RNNLAB_MAX_QUEUED", "5")))


def max_per_workspace() -> int:
    """Jobs one workspace may have queued or running, whichever tab or reload asked:
    ``$RNNLAB_MAX_PER_WORKSPACE`` (default: the per-session limit, ``$RNNLAB_MAX_QUEUED``)."""
    return max(1, int(os.environ.get("RNNLAB_MAX_PER_WORKSPACE") or max_queued_per_session()))


def max_per_client() -> int:
    """Jobs one computer (client address) may have queued or running, however many workspaces it opens:
    ``$RNNLAB_MAX_PER_CLIENT`` (default 8; 0 = no such limit, for a class behind one address)."""
    return max(0, int(os.environ.get("RNNLAB_MAX_PER_CLIENT", "8")))


def trust_forwarded_for() -> bool:
    """Take the client address from the first ``X-Forwarded-For`` entry (behind a reverse proxy that sets it):
    ``$RNNLAB_TRUST_FORWARDED_FOR`` (default off: the connection's own address)."""
    return os.environ.get("RNNLAB_TRUST_FORWARDED_FOR", "").strip().lower() in ("1", "true", "yes", "on")


def _non_negative(name: str, default: str) -> int:
    """``$name`` as a whole number ≥ 0 (0: no such limit), else ``ValueError`` naming the variable and the value."""
    raw = os.environ.get(name) or default
    try:
        value = int(float(raw))
    except ValueError:
        raise ValueError(f"`{name}` must be a number ≥ 0. Received: {name}={raw!r}") from None
    if value < 0:
        raise ValueError(f"`{name}` must be a number ≥ 0. Received: {name}={raw!r}")
    return value


def max_job_work() -> int:
    """The teacher's work budget for one training, in sample passes (epochs × training samples), above which it
    needs early stopping: ``$RNNLAB_MAX_JOB_WORK`` (default 1,000,000; 0 = none).

    The lesson presets ask for 100 to 168,000 (the salary lesson); ECG5000's archive split trained for the
    widget's 1,000 epochs would be 425,000, a random split of it 3,500,000.
    """
    return _non_negative("RNNLAB_MAX_JOB_WORK", "1000000")


def max_queued_work() -> int:
    """Sample passes one workspace, and one computer (where ``$RNNLAB_MAX_PER_CLIENT`` is not 0), may have
    queued or running — a running training counts its epochs still to go: ``$RNNLAB_MAX_QUEUED_WORK``
    (default 4,000,000; 0 = no such limit)."""
    return _non_negative("RNNLAB_MAX_QUEUED_WORK", "4000000")


def admin_token() -> str | None:
    """The teacher's token for the queue's admin page: ``$RNNLAB_ADMIN_TOKEN`` (unset or empty: no admin page)."""
    return os.environ.get("RNNLAB_ADMIN_TOKEN", "").strip() or None


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


# ---- cost budget: one request must not take the class's server down (checked before the work) --------
def _positive(name: str, default: str, cast=int):
    """``$name`` as a number > 0 (``cast``), else ``ValueError`` naming the variable and the value."""
    raw = os.environ.get(name) or default
    try:
        value = cast(float(raw))
    except ValueError:
        raise ValueError(f"`{name}` must be a number > 0. Received: {name}={raw!r}") from None
    if value <= 0:
        raise ValueError(f"`{name}` must be a number > 0. Received: {name}={raw!r}")
    return value


def max_framed_values() -> int:
    """Largest framed input tensor, samples × steps × features: ``$RNNLAB_MAX_FRAMED_VALUES`` (default 20 M).

    Framing holds a few copies of it as float64 while it cuts and splits, so 20 M values cost the process
    that frames (the server for the Task page, a worker for a training) about 0.6 GB at the peak.
    """
    return _positive("RNNLAB_MAX_FRAMED_VALUES", "20000000")


def max_pad_ratio() -> float:
    """Padded length at most this many times the median sequence length: ``$RNNLAB_MAX_PAD_RATIO`` (default 50).

    Checked when the padded tensor is larger than :data:`PAD_RATIO_FLOOR` values (tiny data pads freely).
    """
    return _positive("RNNLAB_MAX_PAD_RATIO", "50", float)


PAD_RATIO_FLOOR = 1_000_000  # padded tensors smaller than this are never refused for their pad ratio


def max_params() -> int:
    """Largest model, in parameters: ``$RNNLAB_MAX_PARAMS`` (default 5 M)."""
    return _positive("RNNLAB_MAX_PARAMS", "5000000")


def max_layers() -> int:
    """Most layers with weights (recurrent + dense head + output): ``$RNNLAB_MAX_LAYERS`` (default 10)."""
    return _positive("RNNLAB_MAX_LAYERS", "10")


def max_train_memory_mb() -> int:
    """Largest estimated training memory (weights, optimizer state, activations, data), in MB:
    ``$RNNLAB_MAX_TRAIN_MEMORY_MB`` (default 2048)."""
    return _positive("RNNLAB_MAX_TRAIN_MEMORY_MB", "2048")


def worker_memory_mb() -> int:
    """Address-space ceiling of each training worker, in MB: ``$RNNLAB_WORKER_MEMORY_MB``.

    Default 8192. TensorFlow reserves far more virtual address space than it touches (1.6 GB right after
    import, 3.9 GB after two small trainings while 0.9 GB was resident, measured with
    ``python -m bench.bench_attacks worker-vm``), so the ceiling leaves about 4 GB of real allocations; a
    runaway job then fails with "out of memory" in its run while the pool and the server live on.
    0 switches the ceiling off.
    """
    raw = os.environ.get("RNNLAB_WORKER_MEMORY_MB") or "8192"
    try:
        value = int(float(raw))
    except ValueError:
        raise ValueError(f"`RNNLAB_WORKER_MEMORY_MB` must be a number ≥ 0. Received: {raw!r}") from None
    if value < 0:
        raise ValueError(f"`RNNLAB_WORKER_MEMORY_MB` must be a number ≥ 0. Received: {raw!r}")
    return value


# ---- run import ------------------------------------------------------------------------------------
def max_import_mb() -> int:
    """Largest run zip, uncompressed (all known members together), in MB: ``$RNNLAB_MAX_IMPORT_MB`` (default 256)."""
    return _positive("RNNLAB_MAX_IMPORT_MB", "256")


def max_import_member_mb() -> int:
    """Largest single member of a run zip, uncompressed, in MB: ``$RNNLAB_MAX_IMPORT_MEMBER_MB`` (default 128)."""
    return _positive("RNNLAB_MAX_IMPORT_MEMBER_MB", "128")


def max_history_rows() -> int:
    """Most epochs an imported run's ``history.csv`` may hold: ``$RNNLAB_MAX_HISTORY_ROWS`` (default 10,000)."""
    return _positive("RNNLAB_MAX_HISTORY_ROWS", "10000")


def upload_quota_bytes() -> int:
    """Uploaded files one workspace may keep: ``$RNNLAB_UPLOAD_QUOTA_MB`` (default 500 MB).

    Files are kept once by content hash under ``<data dir>/uploads``; when a new one would not fit, the
    workspace's uploads that no run and no saved setup uses go first, the least recently used first.
    """
    return int(float(os.environ.get("RNNLAB_UPLOAD_QUOTA_MB", "500")) * 1024 * 1024)


def upload_client_quota_bytes() -> int:
    """Uploaded files one computer (client address) may keep, all its workspaces together:
    ``$RNNLAB_UPLOAD_CLIENT_QUOTA_MB`` (default 500 MB; 0 = no such limit, for a class behind one address).

    Fresh workspaces opened from one computer share it, as they share the job queue's per-client limit.
    """
    raw = os.environ.get("RNNLAB_UPLOAD_CLIENT_QUOTA_MB") or "500"
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"`RNNLAB_UPLOAD_CLIENT_QUOTA_MB` must be a number ≥ 0. Received: {raw!r}") from None
    if value < 0:
        raise ValueError(f"`RNNLAB_UPLOAD_CLIENT_QUOTA_MB` must be a number ≥ 0. Received: {raw!r}")
    return int(value * 1024 * 1024)


def uploads_total_bytes() -> int:
    """Uploaded files the server keeps in all: ``$RNNLAB_UPLOADS_TOTAL_MB`` (default 5000 MB).

    Over the cap, files that no run and no saved setup uses are removed, the largest first; then, for a
    computer within its fair share (the cap over the computers keeping uploads), files that no run uses
    of computers above theirs (:mod:`rnnlab.runs.upload_room`).
    """
    return int(float(os.environ.get("RNNLAB_UPLOADS_TOTAL_MB", "5000")) * 1024 * 1024)
