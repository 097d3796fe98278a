"""Compiled models kept in a worker, so a configuration trained again skips tracing and XLA compiling.

A class runs the same lesson many times. Building a model, tracing its training, validation and
prediction steps and (with XLA) compiling them costs seconds that a repeat need not pay: a worker
keeps the last few compiled models with their initial state (weights, optimizer slots, random
generator states) and, for the same data and configuration, restores that state and fits again.
Same initial weights, same seeded shuffling, same compiled step: the same result as a fresh build.

The cache is an object its owner passes to :func:`rnnlab.training.fit.train` (each training worker and
Ray actor owns one; no module state is shared): a training without one builds afresh, so an in-process
caller keeps the model it gets back untouched by a later training.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Entry:
    """One kept model: the compiled ``keras.Model``, its initial state and the speed settings it was built with.

    ``fitted`` is the compiled model that trains ``model`` when that is another one (its one-loop twin,
    :mod:`rnnlab.models.one_loop`, sharing its weights and optimizer), else ``None``.
    """

    model: Any
    initial: list[np.ndarray]
    settings: dict
    fitted: Any = None

    @property
    def fitting(self) -> Any:
        """The model that fits: ``fitted``, or ``model`` itself."""
        return self.model if self.fitted is None else self.fitted


def _digest(*arrays) -> str:
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        if a is None:
            h.update(b"none")
            continue
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype}{a.shape}".encode())
        h.update(a.data)
    return h.hexdigest()


def key(framed, model_config, train_config) -> str:
    """What makes two trainings start from the same compiled model and state.

    Everything but the epoch count and early stopping: the scaled train and validation arrays, the
    task, the model and the optimizer, batch size, seed, device and ``fast``.
    """
    parts = [
        _digest(*framed.scaled("train"), *framed.scaled("val")),
        repr(sorted(framed.config.to_dict().items())),
        repr(sorted(model_config.to_dict().items())),
        repr(sorted((k, v) for k, v in train_config.to_dict().items() if k not in ("epochs", "patience", "intervals"))),
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _variables(model) -> list:
    optimizer = getattr(model, "optimizer", None)
    return list(model.variables) + (list(optimizer.variables) if optimizer is not None else [])


def snapshot(model) -> list[np.ndarray]:
    """The values of every model and optimizer variable (after ``model.optimizer.build``)."""
    return [np.array(v.numpy(), copy=True) for v in _variables(model)]


def restore(model, state: list[np.ndarray]) -> None:
    """Put back what :func:`snapshot` took."""
    variables = _variables(model)
    if len(variables) != len(state):
        raise ValueError(f"The state holds {len(state)} values for {len(variables)} variables")
    for variable, value in zip(variables, state):
        variable.assign(value)


class CompiledCache:
    """The last ``capacity`` compiled models of one process, each with its initial state (least recently
    used dropped first); thread-safe.

    Example:
        >>> cache = CompiledCache(2)
        >>> len(cache), cache.get("no such key") is None
        (0, True)
    """

    def __init__(self, capacity: int = 8):
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"`capacity` must be an integer ≥ 1. Received: capacity={capacity!r}")
        self.capacity = capacity
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Entry] = OrderedDict()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, cache_key: str) -> Entry | None:
        """The kept entry for this key (its model restored to the initial state), or ``None``."""
        with self._lock:
            entry = self._entries.get(cache_key)
            if entry is None:
                return None
            self._entries.move_to_end(cache_key)
        restore(entry.fitting, entry.initial)
        return entry

    def put(self, cache_key: str, model, settings: dict, fitted=None) -> None:
        """Keep a freshly compiled model whose optimizer is built and whose weights are still initial.

        ``fitted``: the compiled model that trains ``model``, when another one (see :class:`Entry`).
        """
        entry = Entry(model, [], dict(settings), fitted)
        entry.initial = snapshot(entry.fitting)
        with self._lock:
            self._entries[cache_key] = entry
            self._entries.move_to_end(cache_key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Drop every kept model."""
        with self._lock:
            self._entries.clear()
