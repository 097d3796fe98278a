"""Every device TensorFlow sees (CPU and each GPU), with GPU memory growth enabled.

TensorFlow is imported inside the functions; the server side asks the workers
(which have TensorFlow loaded) rather than importing it itself.
"""

from __future__ import annotations

import contextlib
import os
import platform
from typing import TypedDict


class Device(TypedDict):
    """One device training can run on (``name`` is what :class:`~rnnlab.training.config.TrainConfig` takes)."""

    name: str  # "/CPU:0", "/GPU:0": what tf.device accepts
    kind: str  # "CPU" or "GPU"
    description: str


def enable_memory_growth() -> list[str]:
    """Let each GPU allocate memory as needed instead of grabbing it all at start.

    Must run before TensorFlow initialises the GPUs; later it is a no-op.

    Returns:
        The GPUs for which growth is on (``["/GPU:0", …]``).
    """
    import tensorflow as tf  # lazy: the Data and Task pages must not load TensorFlow

    done = []
    for i, gpu in enumerate(tf.config.list_physical_devices("GPU")):
        with contextlib.suppress(RuntimeError, ValueError):  # already initialised: the setting is fixed
            tf.config.experimental.set_memory_growth(gpu, True)
        if tf.config.experimental.get_memory_growth(gpu):
            done.append(f"/GPU:{i}")
    return done


def _gpu_description(tf, gpu) -> str:
    try:
        details = tf.config.experimental.get_device_details(gpu)
    except (RuntimeError, ValueError):
        details = {}
    name = details.get("device_name") or "GPU"
    capability = details.get("compute_capability")
    return f"{name} (compute capability {capability[0]}.{capability[1]})" if capability else name


def list_devices() -> list[Device]:
    """The devices training can run on, CPU first.

    Returns:
        ``[{"name": "/CPU:0", "kind": "CPU", "description": "x86_64, 2 cores"},
        {"name": "/GPU:0", "kind": "GPU", "description": "NVIDIA H200 (compute capability 9.0)"}, …]``;
        ``name`` is what ``tf.device`` accepts.
    """
    import tensorflow as tf  # lazy: the Data and Task pages must not load TensorFlow

    enable_memory_growth()
    out: list[Device] = []
    for kind in ("CPU", "GPU"):
        for i, device in enumerate(tf.config.list_physical_devices(kind)):
            if kind == "CPU":
                description = f"{platform.machine() or 'CPU'}, {os.cpu_count() or 1} cores"
            else:
                description = _gpu_description(tf, device)
            out.append({"name": f"/{kind}:{i}", "kind": kind, "description": description})
    return out
