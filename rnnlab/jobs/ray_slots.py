"""What a Ray cluster offers the Ray runner: training slots of each kind, and the devices the pages list.

A job is of kind ``"cpu"`` or ``"gpu"`` (:func:`kind_of`): a GPU actor holds one GPU and one CPU, a CPU actor
one CPU, so the cluster's CPU slots are its CPUs less its GPUs. :class:`ClusterSlots` reads the live nodes
from Ray at most every :data:`RESOURCES_EVERY_S` seconds and describes them as the devices a training may
ask for ("4 CPU slots on 2 cluster nodes", "GPU on node gpu-1").
"""

from __future__ import annotations

import time

from rnnlab.jobs.messages import Device
from rnnlab.jobs.types import CallSpec, JobSpec

RESOURCES_EVERY_S = 5.0


def kind_of(spec: JobSpec | CallSpec) -> str:
    """``"gpu"`` for a training whose device is a GPU, else ``"cpu"`` (lab jobs run on CPUs)."""
    device = getattr(getattr(spec, "train", None), "device", "") or ""
    return "gpu" if "GPU" in device.upper() else "cpu"


class ClusterSlots:
    """The cluster's training slots per kind (``capacity``), its live nodes and those with GPUs.

    Args:
        ray: The connected ``ray`` module (:func:`rnnlab.jobs.cluster.connect`).
    """

    def __init__(self, ray) -> None:
        self._ray = ray
        self.capacity = {"cpu": 0, "gpu": 0}
        self.nodes = 0
        self.gpu_nodes: list[str] = []
        self._read_at = 0.0

    def due(self) -> bool:
        """Whether :meth:`refresh` would read the nodes again now."""
        return time.monotonic() - self._read_at >= RESOURCES_EVERY_S

    def refresh(self, force: bool = False) -> None:
        """Read the live nodes again (at most every :data:`RESOURCES_EVERY_S` seconds unless ``force``).

        When Ray cannot answer, the last known sizes stay (the runner reports a lost cluster itself).
        """
        if not force and not self.due():
            return
        self._read_at = time.monotonic()
        try:
            nodes = [n for n in self._ray.nodes() if n.get("Alive")]
        except Exception:  # noqa: BLE001 - keep the last known sizes
            return
        gpus = sum(int((n.get("Resources") or {}).get("GPU", 0)) for n in nodes)
        cpus = sum(int((n.get("Resources") or {}).get("CPU", 0)) for n in nodes)
        self.nodes = len(nodes)
        self.capacity = {"gpu": gpus, "cpu": max(cpus - gpus, 0)}  # a GPU actor holds a CPU too
        self.gpu_nodes = [
            n.get("NodeName") or n.get("NodeManagerAddress", "")
            for n in nodes
            if (n.get("Resources") or {}).get("GPU", 0)
        ]

    def devices(self) -> list[Device]:
        """One CPU device for every CPU slot, and a GPU device naming the GPU nodes (if any)."""
        cpu = self.capacity["cpu"] + self.capacity["gpu"]
        out: list[Device] = [
            {"name": "/CPU:0", "kind": "CPU", "description": f"{cpu} CPU slots on {self.nodes} cluster nodes"}
        ]
        if self.gpu_nodes:
            where = ", ".join(self.gpu_nodes)
            out.append({"name": "/GPU:0", "kind": "GPU", "description": f"GPU on node {where}"})
        return out
