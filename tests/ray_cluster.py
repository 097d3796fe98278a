"""A real local Ray cluster on 127.0.0.1 for the ``ray`` tests and the Ray benchmarks.

Each node is one ``ray start … --block`` process in the background, ended by its own PID (never
``ray stop``, which ends every Ray process on the machine). Token authentication is on (a token made by
``ray get-auth-token --generate`` in a private home folder, passed as ``RAY_AUTH_TOKEN``), no dashboard,
a capped object store. Run it inside a network namespace with only loopback (``unshare -n`` then
``ip link set lo up``): Ray otherwise binds to and dials the machine's external address.

Example:
    >>> with LocalCluster(cpus=(2, 1)) as cluster:  # doctest: +SKIP
    ...     os.environ["RNNLAB_RAY_ADDRESS"] = cluster.address
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAY = str(Path(sys.executable).with_name("ray"))
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def only_loopback() -> bool:
    """Whether this process runs in a network namespace whose only interface is loopback."""
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return False
    return names == ["lo"]


class LocalCluster:
    """Head plus more nodes on 127.0.0.1.

    Args:
        cpus: CPUs of each node, the head's first (``(2, 1)``: a head with 2 and one more node with 1).
        object_store_mb: Each node's object store cap.
    """

    def __init__(self, cpus: tuple[int, ...] = (2, 1), object_store_mb: int = 150):
        self.cpus = cpus
        self.object_store = object_store_mb * 1024 * 1024
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.client_port = (
            free_port()
        )  # Ray Client's server on the head (never the default 10001: clusters side by side)
        self.client_address = f"ray://127.0.0.1:{self.client_port}"
        self.dir = Path(tempfile.mkdtemp(prefix="rr-"))
        self.procs: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}

    def _token(self) -> str:
        home = self.dir / "home"
        home.mkdir()
        out = subprocess.run(
            [RAY, "get-auth-token", "--generate"], env={**os.environ, "HOME": str(home)},
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return out.stdout.strip().splitlines()[-1]

    def _node(self, i: int, n_cpus: int) -> subprocess.Popen:
        args = [RAY, "start", "--block", f"--num-cpus={n_cpus}", "--num-gpus=0", "--node-ip-address=127.0.0.1",
                f"--object-store-memory={self.object_store}", "--disable-usage-stats",
                f"--dashboard-agent-listen-port={free_port()}", f"--dashboard-agent-grpc-port={free_port()}",
                f"--metrics-export-port={free_port()}", f"--runtime-env-agent-port={free_port()}"]  # fmt: skip
        if i == 0:
            args += [
                "--head",
                f"--port={self.port}",
                f"--ray-client-server-port={self.client_port}",
                "--include-dashboard=false",
                f"--temp-dir={self.dir / 't'}",
            ]
        else:
            args += [f"--address={self.address}"]
        log = open(self.dir / f"node{i}.log", "w")  # noqa: SIM115 - the node writes to it until it ends
        return subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

    def start(self, timeout: float = 120.0) -> LocalCluster:
        """Start the nodes; set ``RAY_AUTH_MODE``/``RAY_AUTH_TOKEN`` in this process too (the driver)."""
        token = self._token()
        os.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=token)
        # RAY_CLIENT_SERVER_CHECK_CHANNEL_TIMEOUT_S: the head waits that long (30 s by default) for the
        # server it starts per Ray Client connection; a busy 2-core test machine can take longer.
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_USAGE_STATS_ENABLED": "0",
                    "RAY_CLIENT_SERVER_CHECK_CHANNEL_TIMEOUT_S": "120"}  # fmt: skip
        self.procs.append(self._node(0, self.cpus[0]))
        self._wait(lambda: self._dial(), timeout, "the head node")
        for i, n in enumerate(self.cpus[1:], start=1):
            self.procs.append(self._node(i, n))
        return self

    def _dial(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def _wait(self, predicate, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if any(p.poll() is not None for p in self.procs) or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start: {self.log()[-2000:]}")
            time.sleep(0.2)

    def wait_nodes(self, ray, timeout: float = 120.0) -> None:
        """Block until every node has joined (``ray`` connected in this process)."""
        self._wait(lambda: sum(1 for n in ray.nodes() if n["Alive"]) == len(self.cpus), timeout, "every node")

    def log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.dir.glob("node*.log")))

    def client_server_log(self, tail: int = 4000) -> str:
        """The end of each log of the head's Ray Client servers (the proxy and one per connection)."""
        logs = sorted((self.dir / "t").glob("session_latest/logs/ray_client_server*"))
        return "".join(
            f"== {p.name}\n{p.read_text(errors='replace')[-tail:]}\n" for p in logs if p.stat().st_size
        )

    def kill_node(self, i: int) -> None:
        """End node ``i`` (not the head) by its PID, as a machine leaving the cluster."""
        proc = self.procs[i]
        proc.terminate()
        proc.wait(60)

    def kill_head(self) -> None:
        """Kill the head's processes by their PIDs, as when the head machine goes away: its ``ray start`` and
        every process under it (GCS server, raylet, agents, workers); return once the head's port is closed."""
        import psutil  # the head's process tree, read before it falls apart

        head = self.procs[0]
        tree = psutil.Process(head.pid).children(recursive=True)
        head.kill()
        head.wait(60)
        for proc in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        psutil.wait_procs(tree, timeout=30)
        deadline = time.monotonic() + 60
        while self._dial():
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the head's port still answers a minute after its end: {self.log()[-2000:]}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        """End every node by its own PID (workers first, the head last)."""
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
