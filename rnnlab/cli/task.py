"""``python -m rnnlab baselines DATA …``: frame a task and print the naive baselines' scoreboard.

Example (the reference figure of SOURCES.md, test = the last 20 % of windows)::

    python -m rnnlab baselines sunspots --task forecast --window 12 --horizon 1 --val-share 0 --test-share 0.2 --json
"""

from __future__ import annotations

import argparse
from typing import Any

from rnnlab.cli import reading
from rnnlab.cli.common import int_list_type, print_json
from rnnlab.core.values import to_json_value
from rnnlab.evaluation import scoreboard
from rnnlab.evaluation.metrics import class_confusion
from rnnlab.task import framing, trend
from rnnlab.task.types import KINDS, SPLIT_MODES, TaskConfig


def task_config(
    args: argparse.Namespace, dataset, suggested_target: str | None, base: TaskConfig | None = None
) -> TaskConfig:
    """The :class:`TaskConfig` the options describe, starting from ``base`` (a lesson's task) or the data's
    default task."""
    base = base or framing.default_task(dataset, suggested_target)
    kind = args.task or base.kind
    if kind != base.kind:
        base = TaskConfig(kind)
    changes: dict[str, Any] = {
        name: value
        for name, value in {
            "window": args.window, "horizon": args.horizon, "offsets": args.offsets, "stride": args.stride,
            "input_columns": tuple(args.input) if args.input else None,
            "target_columns": tuple(args.target) if args.target else None,
            "val_share": args.val_share, "test_share": args.test_share, "split_mode": args.split_mode,
            "seed": args.seed, "season_length": args.season_length, "predict": args.predict,
        }.items()
        if value is not None
    }  # fmt: skip
    return base.replace(**changes)


def summary(framed, board: list[scoreboard.ScoreRow]) -> dict[str, Any]:
    """The ``--json`` object: task, shapes, split sizes (and test target span for a series), baselines."""
    n = sum(framed.sizes().values())
    split: dict[str, Any] = dict(framed.sizes())
    if framed.config.kind == "forecast" and len(framed.test) and framed.test.sequence is not None:
        split["sequences"] = {
            name: sorted({str(framed.sequence_ids[i]) for i in framed.split(name).sequence.tolist()})
            for name in ("train", "val", "test")
        }
    elif framed.config.kind == "forecast" and len(framed.test):
        split["first_test_target"] = int(framed.test.index.min())
        split["last_test_target"] = int(framed.test.index.max() + max(framed.offsets) - min(framed.offsets))
    rows = [
        {
            **row,
            "val": to_json_value(row["val"], nan_to_none=True),
            "test": to_json_value(row["test"], nan_to_none=True),
        }
        for row in board
    ]
    return {
        "task": framed.config.kind,
        "config": framed.config.to_dict(),
        "X_shape": [n, framed.n_steps, framed.n_features],
        "y_shape": [n, *framed.y_shape],
        "split": split,
        "baselines": rows,
        "best": scoreboard.best(board, framed.main_metric)["name"] if board else None,
        "main_metric": framed.main_metric,
        "main_metric_reason": framed.main_metric_reason,
        "class_names": framed.class_names,
        "notes": framed.notes,
    }


def run(args: argparse.Namespace) -> int:
    dataset, suggested = reading.load(args.data, reading.read_options_from(args))
    framed = framing.frame(dataset, task_config(args, dataset, suggested))
    board = scoreboard.scoreboard(framed)
    out = summary(framed, board)
    out["notes"] = framed.notes + scoreboard.candidates(framed)[1]
    advice = trend.trend_advice(framed)
    out["trend_advice"] = advice
    if framed.is_class_task and board:
        predictions = scoreboard.predict_all(framed, "test")[out["best"]]
        out["best_confusion_matrix"] = class_confusion(framed, framed.test.y, predictions).tolist()
    if args.json:
        print_json(out)
        return 0
    x_line, y_line = framing.shape_text(framed)
    print(x_line)
    print(y_line)
    print("split: " + ", ".join(f"{k}={v}" for k, v in out["split"].items()))
    metric = framed.main_metric
    headers = [f"{split} {m}" for split in ("val", "test") for m in (board[0]["test"] if board else {})]
    widths = [max(len(h) + 2, 10) for h in headers]
    print("\n" + f"{'baseline':<26}" + "".join(f"{h:>{w}}" for h, w in zip(headers, widths)))
    for row in board:
        mark = " *" if row["name"] == out["best"] else ""
        cells = [row[split][m] for split in ("val", "test") for m in row["test"]]
        print(f"{row['name'] + mark:<26}" + "".join(f"{v:>{w}.4f}" for v, w in zip(cells, widths)))
    print(f"\n* best on validation by {metric}: {framed.main_metric_reason}")
    if advice:
        print(f"advice: {advice}")
    for note in out["notes"]:
        print(f"note: {note}")
    return 0


def add_task_options(p: argparse.ArgumentParser, seed_flag: str = "--seed") -> None:
    """The options that describe a task (kind, window, columns, split), shared by ``baselines`` and ``train``.

    Args:
        p: The sub-command's parser.
        seed_flag: The option that sets the split's seed (``train`` has its own ``--seed`` for training).
    """
    p.add_argument(
        "--task",
        choices=KINDS,
        help="default: what the data allows first",
    )
    p.add_argument("--window", type=int, help="forecast: input steps W")
    p.add_argument("--horizon", type=int, help="forecast: predict the next H steps")
    p.add_argument(
        "--offsets",
        type=int_list_type("--offsets", example="1,7,14"),
        help="forecast: chosen future offsets, e.g. 1,7,14 (instead of --horizon)",
    )
    p.add_argument("--stride", type=int, help="forecast: steps between window starts")
    p.add_argument("--input", nargs="+", metavar="COL", help="input columns (default: all)")
    p.add_argument(
        "--target", nargs="+", metavar="COL", help="forecast target columns (default: the first input)"
    )
    p.add_argument(
        "--split-mode",
        choices=SPLIT_MODES,
        help="auto: temporal for series (by time in every sequence of a collection), the archive's or "
        "stratified; sequence: whole sequences held out",
    )
    p.add_argument("--val-share", type=float, help="share for validation (default 0.15)")
    p.add_argument(
        "--test-share", type=float, help="share for test (default 0.15; 0.2 with --val-share 0 = SOURCES.md)"
    )
    p.add_argument(seed_flag, type=int, help="seed of random / stratified splits")
    p.add_argument("--season-length", type=int, help="season for seasonal naive (default from the frequency)")
    p.add_argument(
        "--predict",
        choices=["level", "change"],
        help="forecast: the values, or their change over the last value",
    )


def register(subparsers) -> None:
    p = subparsers.add_parser("baselines", help="frame a task and print the naive baselines' scoreboard")
    p.add_argument("data", help="bundled dataset key (e.g. sunspots) or a CSV path")
    reading.add_read_options(p)
    add_task_options(p)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=run)
