"""TensorFlow's persistent XLA cache across processes: does the second fresh worker skip compiling?

Each run is a fresh process, as a fresh worker is: it points ``TF_XLA_FLAGS`` at one cache directory
(:func:`rnnlab.training.xla_cache.configure`) and fits the course's ECG model GRU(20)→GRU(20) on
ECG5000 with ``jit_compile=True``; the first run compiles and writes the executables, the later ones
find them. Printed: the first epoch (tracing + compiling or loading) of each run, alternating a run
against an empty cache with one against the filled cache.

    python -m bench.bench_xla_cache [--pairs 2] [--epochs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE = """
import json, os, sys, time
from rnnlab.training import xla_cache
xla_cache.configure()
import keras
from rnnlab.data import catalog
from rnnlab.models.build import build_model
from rnnlab.models.config import ModelConfig
from rnnlab.task import framing
from rnnlab.task.types import TaskConfig
from rnnlab.training.fit import make_dataset
framed = framing.frame(catalog.load_dataset("ecg5000"), TaskConfig("classify", seed=0))
x, y, _ = framed.scaled("train")
keras.utils.set_random_seed(0)
t0 = time.perf_counter()
model = build_model(ModelConfig(cell="gru", units=(20, 20)), framed)
model.compile(optimizer=keras.optimizers.RMSprop(0.003), loss="sparse_categorical_crossentropy", jit_compile=True)
ends = []
class Clock(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        ends.append(time.perf_counter())
model.fit(make_dataset(x, y, None, 64, 0), epochs=int(sys.argv[1]), verbose=0, callbacks=[Clock()])
print(json.dumps({"first_epoch": ends[0] - t0, "later": (ends[-1] - ends[0]) / max(len(ends) - 1, 1),
                  "files": len(os.listdir(xla_cache.cache_dir()))}))
"""


def run(data_dir: str, epochs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "RNNLAB_DATA_DIR": data_dir}
    env.pop("TF_XLA_FLAGS", None)
    done = subprocess.run([sys.executable, "-c", ONE, str(epochs)], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2, help="alternating pairs (default 2)")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per fit (default 2)")
    args = parser.parse_args(argv)
    filled = tempfile.mkdtemp(prefix="rnnlab-xla-")
    print("first run fills the cache:", run(filled, args.epochs), flush=True)
    cold, warm = [], []
    for i in range(args.pairs):
        for which in ("cold", "warm") if i % 2 == 0 else ("warm", "cold"):
            res = run(tempfile.mkdtemp(prefix="rnnlab-xla-") if which == "cold" else filled, args.epochs)
            (cold if which == "cold" else warm).append(res["first_epoch"])
            print(f"  pair {i + 1} {which}: first epoch {res['first_epoch']:.2f} s, later epochs "
                  f"{res['later']:.2f} s, {res['files']} cache files", flush=True)  # fmt: skip
    ratios = [c / w for c, w in zip(cold, warm)]
    print(f"first epoch, empty cache / filled cache: median {statistics.median(ratios):.2f}× "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f}, n={len(ratios)})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
