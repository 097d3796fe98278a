"""``python -m rnnlab runs | export | import``: the run store from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rnnlab.cli.common import print_json
from rnnlab.runs import export
from rnnlab.runs.compare import table_rows
from rnnlab.runs.store import RunStore, check_id

COLUMNS = ("id", "status", "dataset", "task", "cell", "units", "params", "metric", "test", "seconds")


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def cmd_runs(args: argparse.Namespace) -> int:
    store = RunStore()
    runs = store.list_runs(args.workspace, limit=args.limit)
    if args.json:
        print_json({"runs": runs})
        return 0
    if not runs:
        print("no runs" + (f" in workspace {args.workspace}" if args.workspace else ""))
        return 0
    rows = [[_fmt(row[c]) for c in COLUMNS] for row in table_rows(runs)]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    path = export.export_run(RunStore(), check_id(args.run_id, "run"), args.output)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    workspace = check_id(args.workspace, "workspace")
    run_id = export.import_run(RunStore(), Path(args.file), workspace)
    if args.json:
        print_json({"run_id": run_id, "workspace": workspace})
    else:
        print(run_id)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("runs", help="list the runs in the store")
    p.add_argument("--workspace", default=None, help="only this workspace's runs (default: every workspace)")
    p.add_argument("--limit", type=int, default=200, help="newest N runs (default 200)")
    p.add_argument("--json", action="store_true", help="JSON on stdout: {'runs': [...]}")
    p.set_defaults(func=cmd_runs)

    p = subparsers.add_parser("export", help="export a run as one zip (model, configs, CSVs, train_again.py)")
    p.add_argument("run_id")
    p.add_argument("-o", "--output", required=True, help="the zip file to write")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("import", help="import a run zip into a workspace")
    p.add_argument("file")
    p.add_argument("--workspace", required=True, help="the workspace id that receives the run")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)
