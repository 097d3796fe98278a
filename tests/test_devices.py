"""Device discovery (passes on machines without a GPU)."""

from __future__ import annotations

import types

import pytest

from rnnlab.training import devices

tf = pytest.importorskip("tensorflow")


def test_cpu_is_listed_first_with_a_tf_device_name():
    found = devices.list_devices()
    assert found[0]["name"] == "/CPU:0"
    assert found[0]["kind"] == "CPU"
    assert "cores" in found[0]["description"]
    with tf.device(found[0]["name"]):
        assert float(tf.reduce_sum(tf.ones(3))) == 3.0


@pytest.mark.skipif(not tf.config.list_physical_devices("GPU"), reason="needs a GPU (the machine has none)")
def test_every_gpu_tf_sees_is_listed_with_memory_growth():
    found = devices.list_devices()
    gpus = tf.config.list_physical_devices("GPU")
    assert [d["name"] for d in found if d["kind"] == "GPU"] == [f"/GPU:{i}" for i in range(len(gpus))]
    assert all(tf.config.experimental.get_memory_growth(g) for g in gpus)
    assert devices.enable_memory_growth() == [f"/GPU:{i}" for i in range(len(gpus))]


def test_gpus_are_listed_after_the_cpu_with_their_names_and_memory_growth(monkeypatch):
    """The same listing with two GPUs that TensorFlow reports (faked: this runs on any machine)."""
    fake = [types.SimpleNamespace(name=f"/physical_device:GPU:{i}") for i in range(2)]
    growth: dict[str, bool] = {}
    real = tf.config.list_physical_devices
    monkeypatch.setattr(
        tf.config, "list_physical_devices", lambda kind=None: fake if kind == "GPU" else real(kind)
    )
    monkeypatch.setattr(
        tf.config.experimental, "set_memory_growth", lambda gpu, on: growth.__setitem__(gpu.name, on)
    )
    monkeypatch.setattr(tf.config.experimental, "get_memory_growth", lambda gpu: growth.get(gpu.name, False))
    details = [{"device_name": "NVIDIA H200", "compute_capability": (9, 0)}, {}]
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda gpu: details[int(gpu.name[-1])])
    found = devices.list_devices()
    assert [d["name"] for d in found] == ["/CPU:0", "/GPU:0", "/GPU:1"]
    assert [d["description"] for d in found[1:]] == ["NVIDIA H200 (compute capability 9.0)", "GPU"]
    assert growth == {"/physical_device:GPU:0": True, "/physical_device:GPU:1": True}
    assert devices.enable_memory_growth() == ["/GPU:0", "/GPU:1"]
