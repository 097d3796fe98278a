"""The server's handle on one training worker process (spawned, TensorFlow imported there only)."""

from __future__ import annotations

import contextlib
import sys
import threading
import types

from rnnlab.jobs import worker

_MAIN_LOCK = threading.Lock()


@contextlib.contextmanager
def _bare_main():
    """Start workers without re-running the parent's ``__main__`` in them.

    ``spawn`` re-imports the parent's main script in the child; under Streamlit that "script" is the
    page being run (Streamlit installs it as ``__main__``), which would start a pool inside the worker.
    A bare ``__main__`` for the instant of ``start()`` makes the worker import only :mod:`rnnlab.jobs.worker`.
    """
    with _MAIN_LOCK:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


class WorkerHandle:
    """The server's handle on one worker process."""

    def __init__(self, ctx, wid: int, max_jobs: int):
        self.wid = wid
        self.conn, child = ctx.Pipe(duplex=True)
        self.stop_event = ctx.Event()
        self.process = ctx.Process(
            target=worker.main,
            args=(wid, child, self.stop_event, max_jobs),
            name=f"rnnlab-worker-{wid}",
            daemon=True,
        )
        with _bare_main():
            self.process.start()
        child.close()
        self.state = "starting"  # starting | idle | busy | retiring
        self.job_id: str | None = None
        self.jobs_started = 0
        self.max_jobs = max_jobs
        self.devices: list[dict] = []
