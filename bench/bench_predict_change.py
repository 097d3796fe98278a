"""How often does each cell beat the last value on trending series, predicting the level or the change?

    python -m bench.bench_predict_change [--seeds 2] [--epochs 40] [--json out.json]

Series: the bundled US unemployment panel (14 industries, rate, by time), CO₂ at Mauna Loa (weekly,
``co2_filled``), US real GDP (quarterly), and three classic-shaped trending series made here: an
airline-passengers shape (144 months, exponential growth × a yearly cycle that grows with it), a
straight trend with noise, and a random walk with drift. For every series, cell (SimpleRNN, LSTM,
GRU, 16 units) and seed, the same task is trained twice — ``predict='level'`` and ``predict='change'``
— with Adam (lr 0.003), early stopping on validation (patience 5), and scored on the test split in
original units. A cell "beats last value" when its test MAE is lower than the last-value baseline's on
exactly the same windows. Not a timed test: it trains 6 × 3 × 2 × seeds models (minutes on 2 cores).

Measured with ``--seeds 1 --epochs 40`` on a shared 2-core CPU (about 10 minutes): the cells beat last
value in 0 of 18 cells predicting the level and 12 of 18 predicting the change (CO₂, GDP, airline-shaped,
linear trend and random walk: 12 of 15; US unemployment, whose test months are the 2008-2009 recession:
0 of 3, though the change cut the cells' test MAE from 1.62-1.69 to 1.20-1.31 points against 0.92).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from rnnlab.data import catalog
from rnnlab.data.dataset import SequenceDataset
from rnnlab.evaluation import scoreboard
from rnnlab.task.framing import frame
from rnnlab.task.types import TaskConfig

CELLS = ("simple_rnn", "lstm", "gru")


def classic_series() -> dict[str, tuple[SequenceDataset, TaskConfig]]:
    """Three trending series of classic shapes, made here (no downloaded file)."""
    rng = np.random.default_rng(0)
    t = np.arange(144.0)
    airline = 110 * np.exp(0.01 * t) * (1 + 0.15 * np.sin(2 * np.pi * (t - 3) / 12)) + rng.normal(0, 4, 144)
    linear = 50 + 0.8 * np.arange(300.0) + rng.normal(0, 3, 300)
    walk = 100 + np.cumsum(0.5 + rng.normal(0, 1, 400))
    out = {}
    for name, values, window in (
        ("airline-shaped", airline, 12),
        ("linear trend", linear, 12),
        ("random walk + drift", walk, 12),
    ):
        ds = SequenceDataset(
            name, "series", [values[:, None]], ["y"], frequency="monthly" if name.startswith("air") else None
        )
        out[name] = (ds, TaskConfig("forecast", window=window, val_share=0.15, test_share=0.15))
    return out


def bundled_series() -> dict[str, tuple[SequenceDataset, TaskConfig]]:
    """The bundled many-series panel and two bundled trending series."""
    return {
        "US unemployment (14 industries)": (
            catalog.load_dataset("us_unemployment"),
            TaskConfig(
                "forecast",
                window=12,
                input_columns=("unemployed_thousands", "rate"),
                target_columns=("rate",),
            ),
        ),
        "CO2 Mauna Loa (weekly)": (
            catalog.load_dataset("co2"),
            TaskConfig(
                "forecast", window=52, stride=2, input_columns=("co2_filled",), target_columns=("co2_filled",)
            ),
        ),
        "US real GDP (quarterly)": (
            catalog.load_dataset("us_macro"),
            TaskConfig("forecast", window=8, input_columns=("realgdp",), target_columns=("realgdp",)),
        ),
    }


def run(seeds: int, epochs: int) -> list[dict]:
    from rnnlab.models.config import ModelConfig
    from rnnlab.training.fit import TrainConfig, train

    rows = []
    for name, (dataset, task) in {**bundled_series(), **classic_series()}.items():
        for predict in ("level", "change"):
            framed = frame(dataset, task.replace(predict=predict))
            board = scoreboard.scoreboard(framed)
            last = next(r for r in board if r["name"] == "last value")["test"]["mae"]
            for cell in CELLS:
                for seed in range(seeds):
                    t0 = time.perf_counter()
                    result = train(
                        framed,
                        ModelConfig(cell=cell, units=(16,)),
                        TrainConfig(
                            optimizer="adam", learning_rate=0.003, epochs=epochs, patience=5, seed=seed
                        ),
                    )
                    mae = result.evaluation["test"]["mae"]
                    rows.append({
                        "series": name, "predict": predict, "cell": cell, "seed": seed, "test_mae": mae,
                        "last_value_mae": last, "beats_last_value": bool(mae < last),
                        "seconds": round(time.perf_counter() - t0, 1),
                    })  # fmt: skip
                    print(json.dumps(rows[-1]), flush=True)
    return rows


def table(rows: list[dict]) -> str:
    """Markdown: per series and cell, wins over last value (level → change) and median test MAE."""
    lines = ["| series | cell | beats last value: level | change | median MAE level | change | last value |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for series in dict.fromkeys(r["series"] for r in rows):
        for cell in CELLS:
            cells = {p: [r for r in rows if r["series"] == series and r["cell"] == cell and r["predict"] == p]
                     for p in ("level", "change")}  # fmt: skip
            wins = {p: f"{sum(r['beats_last_value'] for r in v)}/{len(v)}" for p, v in cells.items()}
            mae = {p: float(np.median([r["test_mae"] for r in v])) for p, v in cells.items()}
            last = cells["level"][0]["last_value_mae"]
            lines.append(f"| {series} | {cell} | {wins['level']} | {wins['change']} | {mae['level']:.4g} | "
                         f"{mae['change']:.4g} | {last:.4g} |")  # fmt: skip
    total = {p: (sum(r["beats_last_value"] for r in rows if r["predict"] == p), sum(r["predict"] == p for r in rows))
             for p in ("level", "change")}  # fmt: skip
    lines.append(f"\nAll cells: beat last value {total['level'][0]}/{total['level'][1]} predicting the level, "
                 f"{total['change'][0]}/{total['change'][1]} predicting the change.")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--json", help="write every run as JSON here")
    args = parser.parse_args()
    rows = run(args.seeds, args.epochs)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
    print(table(rows))


if __name__ == "__main__":
    main()
