"""TensorFlow's persistent XLA compilation cache, kept under ``RNNLAB_DATA_DIR/xla_cache``.

With ``--tf_xla_persistent_cache_directory`` TensorFlow writes every XLA executable it compiles to a
file named after the compiled function's signature and HLO, and loads it instead of compiling when the
same function comes again — also in another process. The signature holds the function's generated
name, which counts the functions traced before it in the process; so a fresh worker's first training of
a configuration finds the executable a previous fresh worker compiled for it (the common case in a
class: each worker starts, calibrates, then runs a lesson), while a later job in a busy worker may not.
Within one worker, :mod:`rnnlab.training.compiled` keeps whole compiled models instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from rnnlab.core import settings

FLAG = "--tf_xla_persistent_cache_directory"


def data_dir() -> Path:
    return settings.data_dir()


def cache_dir(root: str | Path | None = None) -> Path:
    """``<root>/xla_cache`` (default root: ``RNNLAB_DATA_DIR``), created."""
    path = Path(root if root is not None else data_dir()) / "xla_cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def configure(root: str | Path | None = None) -> str:
    """Point ``TF_XLA_FLAGS`` at :func:`cache_dir` unless it names a cache directory already.

    Call it once when a worker process starts, before TensorFlow compiles anything with XLA (it reads the
    flags once; this is the process's own start-up, never a job's). Returns the flags.
    """
    flags = os.environ.get("TF_XLA_FLAGS", "")
    if FLAG not in flags:
        flags = f"{flags} {FLAG}={cache_dir(root)}".strip()
        os.environ["TF_XLA_FLAGS"] = flags
    return flags
