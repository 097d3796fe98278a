"""Connecting to a Ray cluster, and what it offers: nodes, CPUs, GPUs, free slots.

:func:`connect` turns every way of failing to reach the cluster into one
:class:`~rnnlab.jobs.types.ClusterUnreachable` line, fast: the address is first dialled with a short
timeout, so a wrong host or port fails in seconds instead of leaving Ray retrying. :func:`cluster_problem`
is the same check for pages and the CLI (``None`` when the cluster answers). Ray itself is imported only
here and in :mod:`rnnlab.jobs.ray_runner`, and only once a cluster is configured.

Losing the cluster's head never ends this process: Ray would (its GCS reconnect timeout), so
:func:`connect` sets that timeout to :data:`GCS_WAIT_S` and the Ray runner decides for itself when the
cluster is gone (:data:`HEAD_CHECKS`).
"""

from __future__ import annotations

import logging
import os
import socket
from typing import TypedDict

from rnnlab.core import settings
from rnnlab.jobs.types import ClusterUnreachable

log = logging.getLogger(__name__)

DIAL_TIMEOUT_S = 3.0
HEAD_CHECKS = 3  # the Ray runner gives the cluster up after this many failed dials of its head in a row
# Ray ends a process connected to the cluster (here: the web server or the CLI) when its head has not
# answered for `gcs_rpc_server_reconnect_timeout_s` (60 s by default: "Failed to connect to GCS within 60
# seconds ... The program will terminate."). This process must outlive its cluster: it waits for the head
# practically forever, and the Ray runner gives the cluster up itself after HEAD_CHECKS missed dials.
GCS_WAIT_S = 10**8
CLIENT_INIT_FAILURE = "Initialization failure from server"  # Ray Client's words when the head's server failed
HINT = "start it with `ray start --head` or unset RNNLAB_RAY_ADDRESS (README: A bigger class)"


class NodeInfo(TypedDict):
    node_id: str
    address: str
    alive: bool
    cpus: float
    gpus: float
    free_cpus: float
    free_gpus: float


class ClusterInfo(TypedDict):
    """What ``python -m rnnlab cluster --json`` prints."""

    address: str
    nodes: list[NodeInfo]
    cpus: float
    gpus: float
    free_slots: int  # CPU slots free now (one training each)
    free_gpu_slots: int


def _host_port(address: str) -> tuple[str, int] | None:
    """``host`` and ``port`` of ``host:port`` or ``ray://host:port`` (``None`` for ``auto``)."""
    if address == "auto":
        return None
    bare = address.removeprefix("ray://")
    host, sep, port = bare.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ClusterUnreachable(
            f"`RNNLAB_RAY_ADDRESS` must be `auto`, `host:port` or `ray://host:port`. Received: {address!r}"
        )
    return host.strip("[]"), int(port)


def connect(address: str | None = None):
    """Connect this process to the cluster at ``address`` (default ``$RNNLAB_RAY_ADDRESS``); return ``ray``.

    Token authentication: the token comes from ``$RAY_AUTH_TOKEN`` or ``~/.ray/auth_token``
    (``ray get-auth-token``); ``RAY_AUTH_MODE=token`` is set unless the environment says otherwise.

    Raises:
        ClusterUnreachable: With one plain line saying what failed and what to do.
    """
    address = address or settings.ray_address() or "auto"
    where = _host_port(address)
    if where is not None:
        try:
            socket.create_connection(where, timeout=DIAL_TIMEOUT_S).close()
        except OSError as err:
            reason = err.strerror or type(err).__name__
            raise ClusterUnreachable(
                f"Cannot reach the Ray cluster at {address} ({reason}): {HINT}"
            ) from None
    os.environ.setdefault("RAY_AUTH_MODE", "token")
    # ray.init reads it (Ray's config variables have exactly these lower-case names): never exit
    os.environ["RAY_gcs_rpc_server_reconnect_timeout_s"] = str(GCS_WAIT_S)  # noqa: SIM112
    import ray  # loaded only once a cluster is configured (a second of import and its own threads)

    if ray.is_initialized():
        return ray
    try:
        try:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
        except ConnectionAbortedError as err:
            # Ray Client: the head starts one server per connection and gives up on it after a while (30 s by
            # default) — a busy head can miss that once; a second connection gets a fresh server.
            if not address.startswith("ray://") or CLIENT_INIT_FAILURE not in str(err):
                raise
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
    except Exception as err:  # noqa: BLE001 - Ray raises ConnectionError, RuntimeError, AuthenticationError…
        reason = failure_reason(err)
        if "auth" in reason.lower() or "token" in reason.lower():
            reason = (
                f"{reason} — set RAY_AUTH_TOKEN to the cluster's token (`ray get-auth-token` on the head)"
            )
        raise ClusterUnreachable(f"Cannot connect to the Ray cluster at {address}: {reason}") from None
    return ray


def failure_reason(err: BaseException) -> str:
    r"""One line saying why ``ray.init`` failed: the error's first line, and when that only announces more
    (Ray Client's ``Initialization failure from server:`` followed by the head's traceback), also the last
    line of what follows, which names the cause.

    Example:
        >>> failure_reason(ConnectionAbortedError("Initialization failure from server:\nTraceback …\n"
        ...                                        "RuntimeError: Starting Ray client server failed."))
        'Initialization failure from server: RuntimeError: Starting Ray client server failed.'
    """
    lines = [line.strip() for line in str(err).strip().splitlines() if line.strip()]
    if not lines:
        return type(err).__name__
    if lines[0].endswith(":") and len(lines) > 1:
        return f"{lines[0]} {lines[-1]}"
    return lines[0]


def head_answers(address: str | None, timeout: float = 1.0) -> bool:
    """Whether the cluster head's ``host:port`` accepts a connection (``True`` when unknown: Ray Client)."""
    if not address:
        return True
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except (OSError, ValueError):
        return False
    return True


def cluster_problem(address: str | None = None) -> str | None:
    """``None`` when the configured cluster answers, else the one line to show (pages that train, the CLI).

    Without a configured cluster (``$RNNLAB_RAY_ADDRESS`` unset) there is nothing to reach: ``None``.
    """
    address = address or settings.ray_address()
    if not address:
        return None
    try:
        connect(address)
    except ClusterUnreachable as err:
        return str(err)
    return None


def _private_per_node():
    """Ray's per-node availability (``ray._private.state``, a developer API), or ``None`` where it moved."""
    try:
        from ray._private import state  # noqa: PLC0415 - the one use of Ray's private state API
    except ImportError:
        return None
    return getattr(state, "available_resources_per_node", None)


def spread_free(nodes: list[dict], available: dict[str, float]) -> dict[str, dict[str, float]]:
    """Each live node's share of the cluster's free resources, in proportion to what it has: the estimate
    when Ray's per-node figures are out of reach (exact for one node, and for an idle or a full cluster).

    Example:
        >>> nodes = [{"NodeID": "a", "Alive": True, "Resources": {"CPU": 2.0}},
        ...          {"NodeID": "b", "Alive": True, "Resources": {"CPU": 1.0}}]
        >>> spread_free(nodes, {"CPU": 1.5})
        {'a': {'CPU': 1.0}, 'b': {'CPU': 0.5}}
    """
    alive = [n for n in nodes if n.get("Alive")]
    totals: dict[str, float] = {}
    for node in alive:
        for name, value in (node.get("Resources") or {}).items():
            totals[name] = totals.get(name, 0.0) + float(value)
    return {
        node["NodeID"]: {
            name: float(value) * min(1.0, float(available.get(name, 0.0)) / totals[name])
            for name, value in (node.get("Resources") or {}).items() if totals.get(name)
        }
        for node in alive
    }  # fmt: skip


_warned_spread: list[bool] = []  # the fallback is said once per process


def _free_per_node() -> dict[str, dict[str, float]]:
    """Each live node's free resources, in a process connected to the cluster: Ray's own per-node figures, or
    (when Ray moved that private API) the cluster's free resources spread over the nodes, said once in the log."""
    import ray  # noqa: PLC0415 - loaded only once a cluster is configured

    per_node = _private_per_node()
    if per_node is not None:
        return per_node()
    if not _warned_spread:
        _warned_spread.append(True)
        log.warning(
            "ray._private.state.available_resources_per_node is gone in Ray %s: the free CPUs and GPUs of each "
            "node are estimated from the cluster's total (the Devices list and `cluster --json` may be off by "
            "a slot per node; where trainings run is unaffected).",
            getattr(ray, "__version__", "?"),
        )
    return spread_free(ray.nodes(), ray.available_resources())


def cluster_info(address: str | None = None) -> ClusterInfo:
    """Nodes with their CPUs and GPUs (total and free) and the free training slots of the whole cluster.

    Raises:
        ClusterUnreachable: When the cluster cannot be reached.
    """
    address = address or settings.ray_address() or "auto"
    ray = connect(address)
    if address.startswith("ray://"):  # Ray Client has no state API here: a CPU-less task reads it there
        free = ray.get(ray.remote(num_cpus=0)(_free_per_node).remote(), timeout=60)
    else:
        free = _free_per_node()
    nodes: list[NodeInfo] = []
    for node in ray.nodes():
        total = node.get("Resources") or {}
        now = free.get(node["NodeID"], {}) if node.get("Alive") else {}
        nodes.append(
            {
                "node_id": node["NodeID"],
                "address": node.get("NodeManagerAddress", ""),
                "alive": bool(node.get("Alive")),
                "cpus": float(total.get("CPU", 0)),
                "gpus": float(total.get("GPU", 0)),
                "free_cpus": float(now.get("CPU", 0)),
                "free_gpus": float(now.get("GPU", 0)),
            }
        )
    alive = [n for n in nodes if n["alive"]]
    return {
        "address": address,
        "nodes": nodes,
        "cpus": sum(n["cpus"] for n in alive),
        "gpus": sum(n["gpus"] for n in alive),
        "free_slots": int(sum(n["free_cpus"] for n in alive)),
        "free_gpu_slots": int(sum(n["free_gpus"] for n in alive)),
    }
