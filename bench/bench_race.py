"""The Inside page's k-steps race, as the page runs it, over several seeds: does the story show?

For each seed, :func:`rnnlab.inside.synthetic.race_cells` trains SimpleRNN, LSTM and GRU with the page's
budget (:data:`rnnlab.inside.synthetic.BUDGET`) on "remember the sign k steps back" and prints, per cell, the
validation accuracy, the epoch it solved the task in (≥ 99 %), the gradient at the remembered step
relative to the last step, and the seconds it took. The course's story is that the gated cells learn
it and SimpleRNN does not, its gradient vanishing before step k.

    python -m bench.bench_race [--k 40] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import os

from bench.common import row

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv=None) -> dict:
    from rnnlab.inside import synthetic

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=40)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)
    solved = {cell: 0 for cell in synthetic.CELLS}
    seconds = 0.0
    for seed in args.seeds:
        results = synthetic.race_cells(args.k, seed=seed)
        cells = []
        for r in results:
            g = r["gradient"]
            solved[r["cell"]] += r["solved_epoch"] is not None
            seconds += r["seconds"]
            epoch = f"epoch {r['solved_epoch']}" if r["solved_epoch"] else "not solved"
            cells.append(
                f"{r['cell']} {r['accuracy']:.0%} ({epoch}, ∂k/∂0 {g[args.k] / g[0]:.0e}, {r['seconds']:.0f} s)"
            )
        print(f"  k={args.k} seed {seed}: " + "; ".join(cells), flush=True)
    n = len(args.seeds)
    story = solved["lstm"] > solved["simple_rnn"] and solved["gru"] > solved["simple_rnn"]
    summary = ", ".join(f"{cell} {count}/{n}" for cell, count in solved.items())
    print(row(f"k-steps race, k = {args.k}: runs solved", f"{summary}; {seconds / n:.0f} s per race",
              "gated cells solve more often", story))  # fmt: skip
    return {"solved": solved, "seconds_per_race": seconds / n}


if __name__ == "__main__":
    main()
