"""Small hand-built FramedData look-alikes (the contract's fields and methods) for the MODELS tests.

They let model, evaluation and plot tests run without ``rnnlab.task.framing``: X in original units,
scaled() standardises on real steps, unscale_y inverts it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np


@dataclass
class Split:
    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    lengths: np.ndarray
    index: np.ndarray


@dataclass
class StubFramed:
    config: SimpleNamespace
    train: Split
    val: Split
    test: Split
    feature_names: list[str]
    target_names: list[str]
    class_names: list[str] | None = None
    pad_value: float | None = None
    model_pad_value: float | None = None
    mask: bool = False
    padded_share: float = 0.0
    x_mean: np.ndarray | None = None
    x_std: np.ndarray | None = None
    y_mean: np.ndarray | None = None
    y_std: np.ndarray | None = None
    series: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    def split(self, name):
        return {"train": self.train, "val": self.val, "test": self.test}[name]

    def _real(self, s):
        steps = s.X.shape[1]
        pos = np.arange(steps)[None, :]
        if self.config.padding.side == "pre":
            return pos >= (steps - s.lengths)[:, None]
        return pos < s.lengths[:, None]

    def scaled(self, name):
        s = self.split(name)
        X = (s.X - self.x_mean) / self.x_std
        if self.model_pad_value is not None:
            X = np.where(self._real(s)[..., None], X, self.model_pad_value)
        y = s.y if self.config.kind == "classify" else (s.y - self.y_mean) / self.y_std
        return (
            X.astype(np.float32),
            y.astype(np.int64 if self.config.kind == "classify" else np.float32),
            s.sample_weight,
        )

    def unscale_y(self, y_scaled):
        return np.asarray(y_scaled) * self.y_std + self.y_mean

    @property
    def n_steps(self):
        return self.train.X.shape[1]

    @property
    def n_features(self):
        return self.train.X.shape[2]

    @property
    def n_classes(self):
        return len(self.class_names) if self.class_names else 0

    @property
    def y_shape(self):
        return tuple(self.train.y.shape[1:])

    @property
    def main_metric(self):
        return "accuracy" if self.config.kind == "classify" else "mae"


def _task(kind, side="post", mask=True):
    return SimpleNamespace(kind=kind, padding=SimpleNamespace(side=side, mask=mask, value=None, length=None))


def make_framed(kind="classify", n=12, steps=6, features=2, ragged=False, side="post", y_shape=None, seed=0):
    """A tiny framed task. classify: 3 classes; regress: y (n,) or y_shape; forecast: y (n,H); tag: (n,T)."""
    rng = np.random.default_rng(seed)
    pad = -99.0 if ragged else None

    def one(m):
        X = rng.normal(5.0, 2.0, size=(m, steps, features)).astype(np.float32)
        lengths = rng.integers(steps // 2, steps + 1, size=m) if ragged else np.full(m, steps)
        if ragged:
            lengths[0] = steps
            for i, length in enumerate(lengths):
                if side == "pre":
                    X[i, : steps - length] = pad
                else:
                    X[i, length:] = pad
        sw = None
        if kind == "classify":
            y = np.arange(m) % 3
        elif kind == "tag":
            shape = y_shape or (steps,)
            y = rng.normal(10.0, 3.0, size=(m, *shape)).astype(np.float32)
            pos = np.arange(steps)[None, :]
            real = pos >= (steps - lengths)[:, None] if side == "pre" else pos < lengths[:, None]
            sw = real.astype(np.float32)
        else:
            shape = y_shape if y_shape is not None else (() if kind == "regress" else (3,))
            y = rng.normal(10.0, 3.0, size=(m, *shape)).astype(np.float32)
        return Split(X, y, sw, np.asarray(lengths), np.arange(m))

    train, val, test = one(n), one(max(3, n // 3)), one(max(3, n // 3))
    y_mean = y_std = None
    if kind != "classify":
        y_mean, y_std = np.float32(train.y.mean()), np.float32(train.y.std() or 1.0)
    framed = StubFramed(
        config=_task(kind, side=side),
        train=train,
        val=val,
        test=test,
        feature_names=[f"f{i}" for i in range(features)],
        target_names=["target"],
        class_names=["a", "b", "c"] if kind == "classify" else None,
        pad_value=pad,
        model_pad_value=-9.0 if ragged else None,
        mask=ragged,
        padded_share=0.2 if ragged else 0.0,
        x_mean=np.full(features, 5.0, np.float32),
        x_std=np.full(features, 2.0, np.float32),
        y_mean=y_mean,
        y_std=y_std,
    )
    if kind == "forecast":
        H = framed.y_shape[0] if framed.y_shape else 1
        framed.series = rng.normal(10.0, 3.0, size=(60, features))
        framed.config.window, framed.config.horizon, framed.config.offsets = steps, H, ()
        framed.test.index = np.arange(40, 40 + len(framed.test.y))
    _ = math
    return framed
