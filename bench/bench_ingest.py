"""Reading a 1,000,000-row long CSV with rnnlab's reader against plain ``pandas.read_csv``.

Writes a long-layout file (sequence_id, step, 3 features, label; 5,000 sequences × 200 steps) to a
temporary folder, then times both readers in ``--repeat`` interleaved pairs and prints the median ratio
(target: ≤ 1.5×).

    python -m bench.bench_ingest [--rows 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from rnnlab.data.reader import read_csv


def write_long_csv(path: Path, rows: int, steps: int = 200, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n_seq = rows // steps
    frame = pd.DataFrame(
        {
            "sequence_id": np.repeat(np.arange(n_seq), steps),
            "step": np.tile(np.arange(steps), n_seq),
            "a": rng.normal(size=n_seq * steps).round(4),
            "b": rng.normal(size=n_seq * steps).round(4),
            "c": rng.normal(size=n_seq * steps).round(4),
            "label": np.repeat(rng.integers(0, 5, n_seq), steps),
        }
    )
    frame.to_csv(path, index=False)


def best_of(repeat: int, func) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.csv"
        write_long_csv(path, args.rows)
        pandas_runs, rnnlab_runs = [], []
        for _ in range(args.repeat):  # interleaved pairs, so a busy machine slows both alike
            pandas_runs.append(best_of(1, lambda: pd.read_csv(path)))
            rnnlab_runs.append(best_of(1, lambda: read_csv(path)))
        ds = read_csv(path)
    ratio = statistics.median(r / p for r, p in zip(rnnlab_runs, pandas_runs))
    pandas_s, rnnlab_s = statistics.median(pandas_runs), statistics.median(rnnlab_runs)
    shape = f"{ds.n_sequences} sequences × {ds.tensor_shape[1]} steps × {ds.n_features} features"
    print(f"rows: {args.rows:,} ({shape})")
    print("pandas.read_csv runs (s):", " ".join(f"{t:.3f}" for t in pandas_runs))
    print("rnnlab read_csv runs (s):", " ".join(f"{t:.3f}" for t in rnnlab_runs))
    print(f"median: pandas {pandas_s:.3f} s, rnnlab {rnnlab_s:.3f} s")
    print(f"ratio (median of pairs): {ratio:.2f}x  (target ≤ 1.5x) {'PASS' if ratio <= 1.5 else 'FAIL'}")
    return {"pandas_s": pandas_s, "rnnlab_s": rnnlab_s, "ratio": ratio}


if __name__ == "__main__":
    main()
