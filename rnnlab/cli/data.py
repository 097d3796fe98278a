"""``python -m rnnlab datasets`` and ``python -m rnnlab describe DATA`` — the Data page, headless."""

from __future__ import annotations

import argparse
from pathlib import Path

from rnnlab.cli.common import print_json
from rnnlab.data import catalog, reader, summary


def _datasets(args: argparse.Namespace) -> int:
    entries = catalog.list_datasets()
    if args.json:
        print_json(
            [
                {
                    "key": e.key,
                    "title": e.title,
                    "description": e.description,
                    "file": e.file,
                    "layout": e.layout,
                    "task": e.task,
                    "label": e.label,
                    "time": e.time,
                    "citation": e.citation,
                    "licence": e.licence,
                    "source": e.source,
                }
                for e in entries
            ]
        )
        return 0
    width = max(len(e.key) for e in entries)
    for e in entries:
        print(f"{e.key:<{width}}  {e.layout:<6}  {e.task:<8}  {e.title}")
    return 0


def load(data: str, **options) -> object:
    """A bundled dataset by key, or a CSV file by path (a key wins when both exist)."""
    options = {k: v for k, v in options.items() if v is not None}
    if data in {e.key for e in catalog.list_datasets()}:
        return catalog.load_dataset(data, **options)
    path = Path(data)
    if not path.exists():
        keys = ", ".join(e.key for e in catalog.list_datasets())
        raise ValueError(f"DATA must be a CSV file or a bundled dataset ({keys}). Received: {data!r}")
    return reader.read_csv(path, name=path.name, **options)


def _describe(args: argparse.Namespace) -> int:
    dataset = load(
        args.data,
        layout=args.layout,
        id_column=args.id_column,
        time_column=args.time_column,
        label_column=args.label_column,
    )
    result = summary.dataset_summary(dataset)
    if args.json:
        print_json(result)
    else:
        print(f"{result['name']}")
        for line in summary.summary_lines(result):
            print(f"  {line}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``datasets`` and ``describe``."""
    parser = subparsers.add_parser("datasets", help="list the bundled datasets")
    parser.add_argument("--json", action="store_true", help="print one JSON list")
    parser.set_defaults(func=_datasets)

    parser = subparsers.add_parser(
        "describe", help="describe a CSV or bundled dataset (what the Data page shows)"
    )
    parser.add_argument("data", metavar="DATA", help="a CSV path or a bundled dataset key")
    parser.add_argument("--layout", choices=["auto", "long", "wide", "series"], default=None)
    parser.add_argument("--id-column", default=None, help="column holding the sequence id (long layout)")
    parser.add_argument("--time-column", default=None, help="column giving the order of steps / the time")
    parser.add_argument("--label-column", default=None, help="label or target column")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=_describe)
