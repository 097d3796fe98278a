"""Private APIs of Ray and Keras, each behind one function with a fallback that is tested here."""

from __future__ import annotations

import logging
import sys
import types

import numpy as np
import pytest

from rnnlab.jobs import cluster


def _nodes():
    return [{"NodeID": "head", "Alive": True, "Resources": {"CPU": 2.0, "GPU": 1.0}},
            {"NodeID": "second", "Alive": True, "Resources": {"CPU": 2.0}},
            {"NodeID": "gone", "Alive": False, "Resources": {"CPU": 8.0}}]  # fmt: skip


def test_spread_free_shares_the_clusters_free_resources_by_size():
    free = cluster.spread_free(_nodes(), {"CPU": 2.0, "GPU": 1.0})
    assert free == {"head": {"CPU": 1.0, "GPU": 1.0}, "second": {"CPU": 1.0}}  # the dead node is left out
    assert cluster.spread_free(_nodes(), {}) == {"head": {"CPU": 0.0, "GPU": 0.0}, "second": {"CPU": 0.0}}


def test_without_rays_private_state_the_free_slots_are_estimated_and_said_once(monkeypatch, caplog):
    fake = types.SimpleNamespace(__version__="9.9.9", nodes=_nodes, available_resources=lambda: {"CPU": 3.0})
    monkeypatch.setitem(sys.modules, "ray", fake)
    monkeypatch.setattr(cluster, "_private_per_node", lambda: None)
    monkeypatch.setattr(cluster, "_warned_spread", [])
    with caplog.at_level(logging.WARNING, logger="rnnlab.jobs.cluster"):
        first = cluster._free_per_node()
        cluster._free_per_node()
    assert first == {"head": {"CPU": 1.5, "GPU": 0.0}, "second": {"CPU": 1.5}}
    assert len(caplog.records) == 1 and "Ray 9.9.9" in caplog.records[0].getMessage()


def test_rays_private_state_is_used_where_it_is():
    pytest.importorskip("ray")
    assert callable(cluster._private_per_node())  # the pinned Ray still has it


def test_training_works_without_keras_symbolic_build(monkeypatch):
    pytest.importorskip("keras")
    from rnnlab.data.dataset import SequenceDataset
    from rnnlab.models.config import ModelConfig
    from rnnlab.task.framing import TaskConfig, frame
    from rnnlab.training import fit
    from rnnlab.training.config import TrainConfig

    built = []
    real = fit._build_state

    def without_private_api(model, framed):
        monkeypatch.setattr(model, "_symbolic_build", None, raising=False)  # as on a Keras without it
        assert getattr(model, "_symbolic_build", None) is None
        built.append(True)
        real(model, framed)

    monkeypatch.setattr(fit, "_build_state", without_private_api)
    ds = SequenceDataset("ramp", "series", [np.sin(np.arange(120.0) / 4)[:, None]], ["v"])
    result = fit.train(frame(ds, TaskConfig("forecast", window=6)), ModelConfig(cell="gru", units=(2,)),
                       TrainConfig(epochs=1, patience=None))  # fmt: skip
    assert built and result.status == "finished" and result.evaluation["test"]["mae"] > 0
