"""Check the GPU path: device placement, the cuDNN kernel, and speed against the CPU.

Run on a machine with a GPU:  ``python scripts/gpu_check.py [--samples 4000] [--epochs 2]``.
On a machine without one it says so and exits with status 0.

Checks (each prints PASS/FAIL; the exit status is 1 if any FAIL):
1. every GPU TensorFlow sees is listed by ``rnnlab.training.devices`` with memory growth on;
2. a model built by ``rnnlab.models.build.build_model`` places its weights and outputs on ``/GPU:0``;
3. the traced GRU/LSTM call contains the cuDNN op (``CudnnRNNV3``) for cuDNN-friendly settings,
   also with a post-padding mask, and not with ``recurrent_dropout > 0`` (what the Model page warns of);
4. seconds per epoch of GRU(20) → GRU(20) → Dense (the course's ECG model shape) on GPU vs CPU,
   measured side by side and printed as a ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

FAILS: list[str] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {name}{'  — ' + detail if detail else ''}", flush=True)
    if not ok:
        FAILS.append(name)


def toy_framed(n: int, steps: int, ragged: bool, kind: str = "classify", side: str = "post"):
    """A FramedData from random sequences (ragged → post-padded and masked)."""
    from rnnlab.data.dataset import SequenceDataset
    from rnnlab.task import framing
    from rnnlab.task.types import PaddingConfig, TaskConfig

    rng = np.random.default_rng(0)
    lengths = rng.integers(steps // 2, steps + 1, size=n) if ragged else np.full(n, steps)
    seqs = [rng.normal(size=(int(length), 1)) for length in lengths]
    labels = np.array([str(int(s[:, 0].mean() > 0)) for s in seqs])
    ds = SequenceDataset(name="gpu-check", layout="long", sequences=seqs, feature_names=["x"],
                         labels=labels, label_kind="class")  # fmt: skip
    padding = PaddingConfig(side=side)
    return framing.frame(ds, TaskConfig(kind=kind, split_mode="random", padding=padding))


def cudnn_ops(model, framed) -> list[str]:
    """The cuDNN op types in the traced training-mode call (nested functions included)."""
    import tensorflow as tf

    X = framed.scaled("train")[0]
    fn = tf.function(lambda x: model(x, training=True))
    graph_def = fn.get_concrete_function(tf.TensorSpec((None, *X.shape[1:]), tf.float32)).graph.as_graph_def()
    types = {node.op for node in graph_def.node}
    types |= {node.op for f in graph_def.library.function for node in f.node_def}
    return sorted(t for t in types if "Cudnn" in t)


def pre_padding_outcome(framed_pre) -> str:
    """What a masked GRU does on GPU with pre-padded data (the Model page warns about it)."""
    import tensorflow as tf

    from rnnlab.models import build
    from rnnlab.models.config import ModelConfig

    try:
        with tf.device("/GPU:0"):
            model = build.build_model(ModelConfig(cell="gru", units=(8,)), framed_pre)
            model.predict(framed_pre.scaled("train")[0], verbose=0)
        return "ran without an error"
    except Exception as err:  # noqa: BLE001 - we report whatever cuDNN says
        return f"raised {type(err).__name__}: {str(err).splitlines()[0][:200]}"


def epoch_seconds(device: str, framed, epochs: int) -> float:
    import keras

    from rnnlab.models import build
    from rnnlab.models.config import ModelConfig

    with keras.device(device):
        keras.utils.set_random_seed(0)
        model = build.build_model(ModelConfig(cell="gru", units=(20, 20)), framed)
        loss, metrics = build.loss_and_metrics(framed)
        model.compile(optimizer="rmsprop", loss=loss, metrics=metrics)
        X, y, _ = framed.scaled("train")
        times: list[float] = []

        class Timer(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.t0 = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                times.append(time.perf_counter() - self.t0)

        model.fit(X, y, batch_size=128, epochs=epochs + 1, verbose=0, callbacks=[Timer()])
    return float(np.median(times[1:]))  # the first epoch includes tracing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--steps", type=int, default=187)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    import tensorflow as tf

    from rnnlab.models import build
    from rnnlab.models.config import ModelConfig
    from rnnlab.training import devices

    found = devices.list_devices()
    gpus = [d for d in found if d["kind"] == "GPU"]
    print("devices:", ", ".join(f"{d['name']} ({d['description']})" for d in found))
    if not gpus:
        print("No GPU visible to TensorFlow here: nothing to check (run this on a machine with a GPU).")
        return 0
    check("every GPU listed", len(gpus) == len(tf.config.list_physical_devices("GPU")))
    check("memory growth on", all(tf.config.experimental.get_memory_growth(g)
                                   for g in tf.config.list_physical_devices("GPU")))  # fmt: skip

    small = toy_framed(64, 20, ragged=True)
    with tf.device("/GPU:0"):
        model = build.build_model(ModelConfig(cell="lstm", units=(8,)), small)
        out = model(small.scaled("train")[0][:4])
    placed = [w.value.device if hasattr(w, "value") else w.device for w in model.weights]
    check("weights on /GPU:0", all("GPU:0" in d for d in placed), placed[0])
    check("output computed on /GPU:0", "GPU:0" in out.device, out.device)

    for cell in ("gru", "lstm"):
        for ragged in (False, True):
            framed = toy_framed(64, 20, ragged=ragged)
            with tf.device("/GPU:0"):
                ops = cudnn_ops(build.build_model(ModelConfig(cell=cell, units=(8,)), framed), framed)
            label = f"{cell} {'post-padded + mask' if ragged else 'no mask'} uses cuDNN"
            check(label, bool(ops), ",".join(ops) or "no Cudnn op in the traced graph")
    with tf.device("/GPU:0"):
        ops = cudnn_ops(
            build.build_model(ModelConfig(cell="gru", units=(8,), recurrent_dropout=0.2), small), small
        )
    check("recurrent_dropout > 0 falls back (no cuDNN), as the Model page warns", not ops, ",".join(ops))

    print(
        "INFO  pre-padded + mask GRU on GPU:",
        pre_padding_outcome(toy_framed(64, 20, ragged=True, side="pre")),
    )

    big = toy_framed(args.samples, args.steps, ragged=False)
    print(
        f"speed: GRU(20)→GRU(20)→Dense, {len(big.train)}×{args.steps}×1, batch 128, median of {args.epochs} epochs"
    )
    rounds = []
    for _ in range(2):  # alternate, as identical runs vary on shared machines
        gpu = epoch_seconds("/GPU:0", big, args.epochs)
        cpu = epoch_seconds("/CPU:0", big, args.epochs)
        rounds.append((cpu, gpu))
        print(f"  CPU {cpu:.3f} s/epoch   GPU {gpu:.3f} s/epoch   CPU/GPU = {cpu / gpu:.2f}×", flush=True)
    ratio = float(np.median([c / g for c, g in rounds]))
    check("GPU faster than CPU", ratio > 1.0, f"median CPU/GPU ratio {ratio:.2f}×")
    print("all checks passed" if not FAILS else f"FAILED: {', '.join(FAILS)}")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
