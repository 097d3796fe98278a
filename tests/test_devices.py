"""Device discovery (passes on machines without a GPU)."""

from __future__ import annotations

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


def test_every_gpu_tf_sees_is_listed_with_memory_growth():
    found = devices.list_devices()
    gpus = tf.config.list_physical_devices("GPU")
    assert [d["name"] for d in found if d["kind"] == "GPU"] == [f"/GPU:{i}" for i in range(len(gpus))]
    assert all(tf.config.experimental.get_memory_growth(g) for g in gpus)
    assert devices.enable_memory_growth() == [f"/GPU:{i}" for i in range(len(gpus))]
