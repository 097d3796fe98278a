"""What a Ray cluster offers the Ray runner (rnnlab.jobs.ray_slots), read from a stand-in for ``ray.nodes()``."""

from __future__ import annotations

from rnnlab.jobs.ray_slots import ClusterSlots


class _Ray:
    """Answers ``nodes()`` as Ray does (a list of dicts), or fails like a cluster that went away."""

    def __init__(self, nodes):
        self.listed = nodes
        self.calls = 0

    def nodes(self):
        self.calls += 1
        if isinstance(self.listed, Exception):
            raise self.listed
        return self.listed


CPU_NODE = {"Alive": True, "NodeManagerAddress": "10.0.0.2", "Resources": {"CPU": 2.0}}
GPU_NODE = {
    "Alive": True,
    "NodeName": "gpu-1",
    "NodeManagerAddress": "10.0.0.3",
    "Resources": {"CPU": 4.0, "GPU": 1.0},
}
DEAD_NODE = {"Alive": False, "NodeManagerAddress": "10.0.0.4", "Resources": {"CPU": 8.0, "GPU": 2.0}}


def test_slots_count_live_nodes_and_a_gpu_actor_holds_a_cpu_too():
    slots = ClusterSlots(_Ray([CPU_NODE, GPU_NODE, DEAD_NODE]))
    slots.refresh(force=True)
    assert slots.capacity == {"cpu": 5, "gpu": 1} and slots.nodes == 2 and slots.gpu_nodes == ["gpu-1"]
    assert slots.devices() == [
        {"name": "/CPU:0", "kind": "CPU", "description": "6 CPU slots on 2 cluster nodes"},
        {"name": "/GPU:0", "kind": "GPU", "description": "GPU on node gpu-1"},
    ]


def test_slots_are_read_at_most_every_few_seconds_and_kept_when_ray_cannot_answer():
    ray = _Ray([CPU_NODE])
    slots = ClusterSlots(ray)
    slots.refresh(force=True)
    slots.refresh()  # too soon: not asked again
    assert ray.calls == 1 and [d["name"] for d in slots.devices()] == ["/CPU:0"]
    ray.listed = ConnectionError("the cluster went away")
    slots.refresh(force=True)
    assert ray.calls == 2 and slots.capacity == {"cpu": 2, "gpu": 0}  # the last known sizes stay
