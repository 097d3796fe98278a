"""The local runner: a pool of warm worker processes on this machine (spawned; TensorFlow imported there only).

Each worker (:mod:`rnnlab.jobs.worker`) imports TensorFlow once, reports the devices it sees, then runs jobs
one after another and retires after ``jobs_per_worker`` jobs (a fresh process, warmed while the last job
runs, replaces it, which bounds TensorFlow's per-``fit`` registry growth). Each worker has its own pipe, so
one killed mid-message cannot corrupt another's channel; a worker that dies (killed, out of memory, native
crash) becomes a ``gone`` report with the reason, and is replaced.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import sys
import threading
import types
from multiprocessing.connection import wait as wait_any

from rnnlab.jobs import worker
from rnnlab.jobs.messages import Device, Report, gone
from rnnlab.jobs.types import CallSpec, JobSpec, death_reason

log = logging.getLogger(__name__)
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
            if main is not None:
                sys.modules["__main__"] = main
            else:  # there was none
                sys.modules.pop("__main__", None)


class WorkerHandle:
    """The server's handle on one worker process."""

    def __init__(self, ctx, wid: int, max_jobs: int, n_workers: int = 1):
        self.wid = wid
        self.conn, child = ctx.Pipe(duplex=True)
        self.stop_event = ctx.Event()
        self.process = ctx.Process(
            target=worker.main,
            args=(wid, child, self.stop_event, max_jobs, n_workers),
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
        self.devices: list[Device] = []
        self.threads: int | None = None  # TensorFlow's threads within one operation, once ready


class LocalPool:
    """``n_workers`` warm worker processes on this machine (the default :class:`~rnnlab.jobs.runner.Runner`).

    Args:
        n_workers: Worker processes kept warm.
        jobs_per_worker: Jobs before a worker is replaced.
    """

    name = "local"

    def __init__(self, n_workers: int, jobs_per_worker: int):
        self.n_workers = n_workers
        self.jobs_per_worker = jobs_per_worker
        self.refill = True
        self._ctx = mp.get_context("spawn")
        self._lock = threading.RLock()
        self._workers: list[WorkerHandle] = []
        self._next_wid = 0
        self._devices: list[Device] = []
        with self._lock:
            self._fill()

    # ---- called by the manager with its lock held -----------------------------------------------------
    def can_take(self, spec: JobSpec | CallSpec) -> bool:
        with self._lock:
            return any(w.state == "idle" for w in self._workers)

    def run(self, job_id: str, spec: JobSpec | CallSpec, data_dir: str) -> int | None:
        with self._lock:
            w = next(w for w in self._workers if w.state == "idle")
            w.stop_event.clear()
            w.conn.send((job_id, spec, data_dir))  # OSError: the manager puts the job back
            w.jobs_started += 1
            w.job_id = job_id
            w.state = "retiring" if w.jobs_started >= w.max_jobs else "busy"
            if w.state == "retiring":
                self._fill()  # warm the replacement while the last job runs
            return w.process.pid

    def stop(self, job_id: str) -> None:
        with self._lock:
            for w in self._workers:
                if w.job_id == job_id:
                    w.stop_event.set()

    def devices(self) -> list[Device]:
        with self._lock:
            return [d.copy() for d in self._devices]

    def threads(self) -> list[int | None]:
        """Each worker's TensorFlow threads within one operation (``None`` until it is ready)."""
        with self._lock:
            return [w.threads for w in self._workers]

    def warm(self) -> bool:
        with self._lock:
            return any(w.state in ("idle", "busy") for w in self._workers)

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid and w.process.is_alive()]

    def states(self) -> list[str]:
        with self._lock:
            return [w.state for w in self._workers]

    def running_pid(self, job_id: str) -> int | None:
        with self._lock:
            return next((w.process.pid for w in self._workers if w.job_id == job_id), None)

    def alive(self) -> bool:
        with self._lock:
            return any(w.process.is_alive() for w in self._workers)

    def close(self, timeout: float) -> None:
        with self._lock:
            self.refill = False
            workers = list(self._workers)
        for w in workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in workers:
            w.process.join(timeout)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(5)

    def terminate(self) -> None:
        with self._lock:
            self.refill = False
            workers = list(self._workers)
        for w in workers:
            if w.process.is_alive():
                w.process.terminate()

    # ---- the manager's thread ---------------------------------------------------------------------------
    def poll(self, timeout: float) -> list[Report]:
        with self._lock:
            self._fill()
            handles = {}
            for w in self._workers:
                handles[w.conn] = w
                handles[w.process.sentinel] = w
        ready = wait_any(list(handles), timeout=timeout) if handles else []
        if not handles:
            threading.Event().wait(timeout)
        reports: list[Report] = []
        with self._lock:
            for handle in ready:
                w = handles[handle]
                if w not in self._workers:
                    continue
                if handle is w.conn:
                    reports.extend(self._receive(w))
                elif not w.conn.poll():
                    reports.append(self._gone(w))
            self._fill()
        return reports

    def _fill(self) -> None:
        if not self.refill:
            return
        serving = [w for w in self._workers if w.state != "retiring"]
        for _ in range(self.n_workers - len(serving)):
            self._workers.append(
                WorkerHandle(self._ctx, self._next_wid, self.jobs_per_worker, self.n_workers)
            )
            self._next_wid += 1

    def _receive(self, w: WorkerHandle) -> list[Report]:
        try:
            message = w.conn.recv()
        except (EOFError, OSError):
            return [self._gone(w)]
        except Exception as err:  # noqa: BLE001 - a half-written message from a dying worker
            log.warning("unreadable message from worker %s: %s", w.wid, err)
            return []
        kind = message.get("type")
        if kind == "ready":
            w.state = "idle" if w.state == "starting" else w.state
            w.devices = message.get("devices") or []
            w.threads = message.get("threads")
            self._devices = self._devices or w.devices
        elif kind == "result":
            w.job_id = None
            if w.state == "busy":
                w.state = "idle"
        elif kind == "retired":
            w.state = "retiring"
            return []
        return [message]

    def _gone(self, w: WorkerHandle) -> Report:
        w.process.join(1)
        self._workers.remove(w)
        w.conn.close()
        return gone(w.job_id, death_reason(w.process.exitcode), starting=w.state == "starting")
