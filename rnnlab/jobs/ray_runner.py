"""The Ray runner: warm training actors on a Ray cluster, behind the same interface as the local pool.

Each actor (:class:`rnnlab.jobs.ray_actor.TrainingActor`) imports TensorFlow once and runs one job at a time.
A CPU job goes to an actor that holds one CPU (``num_cpus=1``); a job whose device is a GPU goes to an actor
that holds one GPU (``num_gpus=1``), so GPU jobs land on GPU nodes and CPU jobs never hold a GPU. There is
at most one actor per CPU slot (or GPU) the cluster offers; one CPU actor is warmed at start, the others
are created when jobs wait for them, and one that died is replaced by a fresh one for the next job. What the
cluster offers (slots of each kind, the devices the pages list) is :mod:`rnnlab.jobs.ray_slots`'s.

While a job runs, one call for its events (:meth:`TrainingActor.drain`, a long poll) is always outstanding
at its actor and returns as soon as an event exists, so a curve point reaches the server the moment the
actor has it; Stop sets the actor's flag that the training callback polls after each execution of
batches. The summary comes back with the model as bytes (the manager writes it into its run store). An actor
whose process was killed or whose node went away fails only its job, with the reason; the epochs recorded
so far stay in the store. When the cluster's head stops answering (:data:`~rnnlab.jobs.cluster.HEAD_CHECKS`
dials in a row), every running job fails with "the cluster went away" and the manager gives up; this process
lives on (:func:`rnnlab.jobs.cluster.connect` keeps Ray from ending it).
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from rnnlab.jobs.cluster import HEAD_CHECKS, connect, head_answers
from rnnlab.jobs.messages import Device, Report, gone
from rnnlab.jobs.ray_actor import DRAIN_WAIT_S, TrainingActor
from rnnlab.jobs.ray_slots import ClusterSlots, kind_of
from rnnlab.jobs.types import CallSpec, JobSpec

PING_EVERY_S = 2.0
HEAD_EVERY_S = 2.0
ACTOR_CONCURRENCY = 4  # run, plus drain and stop beside it

__all__ = ["RayRunner", "kind_of"]


@dataclass
class _Actor:
    handle: Any  # Ray's ActorHandle: its methods are called as .remote(), typed by nothing
    kind: str
    aid: int
    state: str = "starting"  # starting | idle | busy
    hello: object = None  # the ObjectRef of hello() while starting
    run: object = None  # the ObjectRef of run() while busy
    drain: object = None  # the outstanding drain() while busy (always one)
    ended: bool = False  # run() returned while a drain was outstanding: that drain's events come first
    ping: object = None  # an outstanding hello() while idle (finds actors that died idle)
    pinged: float = 0.0
    job_id: str | None = None
    pid: int | None = None
    node: str = ""
    devices: list = field(default_factory=list)


def _reason(err: BaseException) -> str:
    """Plain words for why an actor's call failed (the first line of Ray's message)."""
    first = (str(err).strip().splitlines() or [""])[0][:300]
    name = type(err).__name__
    if name in ("ActorDiedError", "RayActorError", "ActorUnavailableError"):
        return f"The training process on the cluster died ({name}: {first})"
    if name in ("NodeDiedError", "OwnerDiedError", "ObjectLostError"):
        return f"The cluster node running the training went away ({name}: {first})"
    return f"The cluster could not run the training ({name}: {first})"


class RayRunner:
    """Jobs on the Ray cluster at ``address`` (a :class:`~rnnlab.jobs.runner.Runner`).

    Raises:
        ClusterUnreachable: When the cluster cannot be reached.
    """

    name = "ray"

    def __init__(self, address: str):
        self.address = address
        self._ray = connect(address)
        self.refill = True
        self._lock = threading.RLock()
        self._actors: list[_Actor] = []
        self._next_aid = 0
        self._wanted: dict[str, set[int]] = {"cpu": set(), "gpu": set()}
        self._slots = ClusterSlots(self._ray)
        self._remote = self._ray.remote(TrainingActor)
        self._head: str | None  # None: unknown, never dialled
        if address.startswith("ray://"):  # Ray Client: its server on the head stands for the head
            self._head = address.removeprefix("ray://")
        else:  # the head's address, dialled every few seconds
            try:
                self._head = self._ray.get_runtime_context().gcs_address
            except Exception:  # noqa: BLE001
                self._head = None
        self._head_at, self._head_misses = time.monotonic(), 0
        with self._lock:
            self._slots.refresh(force=True)
            if self._slots.capacity["cpu"]:
                self._create("cpu")

    # ---- called by the manager with its lock held -----------------------------------------------------
    def can_take(self, spec: JobSpec | CallSpec) -> bool:
        kind = kind_of(spec)
        with self._lock:
            if any(a.state == "idle" and a.kind == kind for a in self._actors):
                return True
            self._wanted[kind].add(id(spec))  # poll() starts actors for the jobs that wait
            return False

    def run(self, job_id: str, spec: JobSpec | CallSpec, data_dir: str) -> int | None:
        kind = kind_of(spec)
        with self._lock:
            actor = next(a for a in self._actors if a.state == "idle" and a.kind == kind)
            actor.run = actor.handle.run.remote(job_id, spec)
            actor.state, actor.job_id, actor.ping, actor.ended = "busy", job_id, None, False
            return actor.pid

    def stop(self, job_id: str) -> None:
        with self._lock:
            for a in self._actors:
                if a.job_id == job_id:
                    a.handle.stop.remote()

    def devices(self) -> list[Device]:
        with self._lock:
            return self._slots.devices()

    def warm(self) -> bool:
        with self._lock:
            return any(a.state in ("idle", "busy") for a in self._actors)

    def pids(self) -> list[int]:
        with self._lock:
            return [a.pid for a in self._actors if a.pid]

    def states(self) -> list[str]:
        with self._lock:
            return [a.state for a in self._actors]

    def running_pid(self, job_id: str) -> int | None:
        with self._lock:
            return next((a.pid for a in self._actors if a.job_id == job_id), None)

    def placement(self, job_id: str) -> str | None:
        """The node address of the actor running ``job_id``."""
        with self._lock:
            return next((a.node for a in self._actors if a.job_id == job_id), None)

    def alive(self) -> bool:
        with self._lock:
            return bool(self._actors)

    def close(self, timeout: float) -> None:
        self.terminate()

    def terminate(self) -> None:
        with self._lock:
            self.refill = False
            actors, self._actors = self._actors, []
        for a in actors:
            with contextlib.suppress(Exception):  # the actor or the cluster is already gone
                self._ray.kill(a.handle)

    # ---- the manager's thread ---------------------------------------------------------------------------
    def poll(self, timeout: float) -> list[Report]:
        ray = self._ray
        lost = self._check_head()
        if lost:
            return lost
        with self._lock:
            if not self._head_misses and self._slots.due() and head_answers(self._head, timeout=0.5):
                self._slots.refresh()  # never ask a head that does not answer: the call would block
            self._grow()
            refs = self._outstanding()
        if not refs:
            time.sleep(timeout)
            return []
        if not ray.is_initialized():  # this process disconnected: never let a call start a local Ray
            return [
                {
                    "type": "broken",
                    "message": f"Disconnected from the Ray cluster at {self.address}",
                    "fatal": True,
                }
            ]
        try:
            ready, _ = ray.wait(list(refs), num_returns=1, timeout=timeout)
            if ready:
                ready, _ = ray.wait(list(refs), num_returns=len(refs), timeout=0)
        except Exception as err:  # noqa: BLE001 - the connection to the cluster is gone
            return [
                {"type": "broken", "message": f"Lost the Ray cluster at {self.address}: {err}", "fatal": True}
            ]
        reports: list[Report] = []
        with self._lock:
            # drains before runs: a job's last events come before its result
            for ref in sorted(ready, key=lambda r: refs[r][1] == "run"):
                actor, what = refs[ref]
                if actor in self._actors:
                    reports.extend(self._collect(actor, what, ref))
        return reports

    def _check_head(self) -> list[Report]:
        """Every few seconds, dial the head; after :data:`HEAD_CHECKS` misses in a row the cluster is gone:
        every running job fails with that reason and the manager gives up (``fatal``)."""
        now = time.monotonic()
        if not self._head or not self.refill or now - self._head_at < HEAD_EVERY_S:
            return []
        self._head_at = now
        self._head_misses = 0 if head_answers(self._head) else self._head_misses + 1
        if self._head_misses < HEAD_CHECKS:
            return []
        reason = self._gone()
        with self._lock:
            self.refill = False
            actors, self._actors = self._actors, []  # not killed: there is no cluster left to ask
        reports: list[Report] = [gone(a.job_id, reason) for a in actors if a.job_id is not None]
        reports.append({"type": "broken", "message": reason, "fatal": True})
        return reports

    def _gone(self) -> str:
        return f"The Ray cluster at {self.address} went away (its head does not answer)"

    def _outstanding(self) -> dict:
        now = time.monotonic()
        refs = {}
        for a in self._actors:
            if a.state == "starting":
                refs[a.hello] = (a, "hello")
            elif a.state == "busy":
                if a.drain is None and not a.ended:
                    a.drain = a.handle.drain.remote(DRAIN_WAIT_S)
                if a.drain is not None:
                    refs[a.drain] = (a, "drain")
                if a.drain is None or not a.ended:
                    refs[a.run] = (a, "run")
            else:
                if a.ping is None and now - a.pinged >= PING_EVERY_S:
                    a.ping, a.pinged = a.handle.hello.remote(), now
                if a.ping is not None:
                    refs[a.ping] = (a, "ping")
        return refs

    def _collect(self, actor: _Actor, what: str, ref) -> list[Report]:
        try:
            value = self._ray.get(ref)
        except Exception as err:  # noqa: BLE001 - the actor died (killed, node gone) or the cluster went away
            gone = self._head and not head_answers(self._head, timeout=0.5)
            return self._lost(actor, self._gone() if gone else _reason(err))
        if what == "hello":
            actor.state, actor.hello = "idle", None
            actor.pid, actor.node, actor.devices = value["pid"], value["node"], value["devices"]
            return [{"type": "ready", "worker": actor.aid, "pid": actor.pid, "devices": self.devices()}]
        if what == "ping":
            actor.ping = None
            return []
        job_id = actor.job_id
        if job_id is None:  # never: run() and drain() are outstanding only while a job runs
            return []
        events = value if what == "drain" else value["events"]
        reports: list[Report] = [
            {"type": "event", "worker": actor.aid, "job_id": job_id, "event": e} for e in events
        ]
        if what == "drain":
            actor.drain = None
            return reports
        if actor.drain is not None:  # the outstanding drain has earlier events: take the result after it
            actor.ended = True
            return []
        reports.append(
            {"type": "result", "worker": actor.aid, "job_id": job_id, "summary": value["summary"]}
        )
        actor.state, actor.job_id, actor.run = "idle", None, None
        return reports

    def _lost(self, actor: _Actor, reason: str) -> list[Report]:
        self._actors.remove(actor)
        with contextlib.suppress(Exception):  # already dead
            self._ray.kill(actor.handle)
        return [gone(actor.job_id, reason, starting=actor.state == "starting")]

    def _create(self, kind: str) -> None:
        options = {"num_cpus": 1, "max_concurrency": ACTOR_CONCURRENCY, "max_restarts": 0}
        if kind == "gpu":
            options["num_gpus"] = 1
        handle = self._remote.options(**options).remote()
        actor = _Actor(handle=handle, kind=kind, aid=self._next_aid)
        actor.hello = handle.hello.remote()
        self._next_aid += 1
        self._actors.append(actor)

    def _grow(self) -> None:
        """Start actors for the jobs that found none free, up to one per slot of each kind."""
        if not self.refill:
            return
        for kind, wanted in self._wanted.items():
            have = [a for a in self._actors if a.kind == kind]
            starting = sum(1 for a in have if a.state == "starting")
            for _ in range(min(len(wanted) - starting, self._slots.capacity[kind] - len(have))):
                self._create(kind)
            wanted.clear()
